"""Orders and deliverables named by global IDs: decoded for this region only (an ID of
another region is `not_found` and never reaches the database), read through selectors."""

from __future__ import annotations

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import decode_global_id
from kado_tenants.deliverables.selectors import deliverable_get
from kado_tenants.orders.selectors import order_get


def order_by_id(info, value, *, field="order_id"):
    order = order_get(pk=decode_global_id(info, value, "Order", field=field))
    if order is None:
        raise NotFoundError(field=field)
    return order


def deliverable_by_id(info, value, *, field="id"):
    deliverable = deliverable_get(pk=decode_global_id(info, value, "Deliverable", field=field))
    if deliverable is None:
        raise NotFoundError(field=field)
    return deliverable
