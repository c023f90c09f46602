import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import OrderStatusEnum, choice
from kado_graphql.region.lookups import order_by_id, order_reloaded
from kado_graphql.region.types import OrderType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.services import order_transition


class OrderTransition(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Move an order one step along its life cycle and date the step (see "
            "OrderStatus and Order.allowedTransitions); other moves are refused with "
            "code illegal_transition. INVOICED and PAID come from issuing an invoice and "
            "recording its payment only: asked for here, they are refused with code "
            "status_set_by_invoicing."
        )
        error_fields = {"status": "to_status"}

    class Input:
        """The order, its next status and the day of the step."""

        id = graphene.ID(required=True)
        to_status = OrderStatusEnum(required=True)
        on_date = graphene.Date(description="Default: today (JST); not before the previous step.")

    order = graphene.Field(OrderType)

    @classmethod
    def perform(cls, root, info, *, id, to_status, on_date=None):  # noqa: A002
        order = order_transition(
            order=order_by_id(info, id, with_assignments=False),
            to_status=choice(to_status),
            on_date=on_date,
            acting_user=info.context.user,
        )
        return cls(order=order_reloaded(order))
