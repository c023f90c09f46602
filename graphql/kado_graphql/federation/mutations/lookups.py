"""The wide-area order a mutation names, found by its global ID or a typed not-found."""

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import HUB_CODE, resolve_global_id
from kado_platform.federation.selectors import federated_order_get


def federated_order_by_id(info, value: str, *, field: str):
    global_id = resolve_global_id(info, value, "FederatedOrder", field=field)
    order = federated_order_get(pk=global_id.pk) if global_id.region == HUB_CODE else None
    if order is None:
        raise NotFoundError(field=field)
    return order
