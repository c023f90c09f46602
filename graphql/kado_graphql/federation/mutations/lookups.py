"""The wide-area order a global ID names (None, or a typed not-found for a mutation), and
the steps of its life that mutations take."""

import graphene

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import HUB_CODE, resolve_global_id
from kado_platform.federation.selectors import federated_order_get


class FederatedOrderStep:
    """A step of a wide-area order's life (close, cancel): the order named by `id` goes
    through the class's `service`, and the payload shows it as it now is. Mixed into a
    KadoMutation that declares the permission and the description."""

    service = None  # staticmethod(federated_order_<step>)

    class Input:
        id = graphene.ID(required=True, description="The wide-area order's global ID.")

    @classmethod
    def perform(cls, root, info, *, id):  # noqa: A002
        order = cls.service(
            federated_order=federated_order_by_id(info, id, field="id"),
            acting_user=info.context.user,
        )
        return cls(federated_order=federated_order_get(pk=order.pk))


def federated_order_for_id(info, value: str, *, field: str):
    """The wide-area order a global ID names, or None (an ID of a region's row names none)."""
    global_id = resolve_global_id(info, value, "FederatedOrder", field=field)
    return federated_order_get(pk=global_id.pk) if global_id.region == HUB_CODE else None


def federated_order_by_id(info, value: str, *, field: str):
    order = federated_order_for_id(info, value, field=field)
    if order is None:
        raise NotFoundError(field=field)
    return order
