import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import ContractTypeEnum, OrderCategoryEnum, choice
from kado_graphql.region.lookups import client_by_id, order_by_id, order_reloaded
from kado_graphql.region.types import OrderType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.services import order_update

PLAIN_FIELDS = ("title", "unit_price", "quantity", "estimated_minutes", "received_on", "due_on")


class OrderUpdate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Change the terms of an order while it is RECEIVED or IN_PROGRESS: only the "
            "fields given change; the amount follows, the reference stays."
        )
        error_fields = {"client": "client_id"}

    class Input:
        """The order and the terms to change."""

        id = graphene.ID(required=True)
        client_id = graphene.ID()
        title = graphene.String()
        category = OrderCategoryEnum()
        contract_type = ContractTypeEnum()
        unit_price = graphene.Int()
        quantity = graphene.Int()
        estimated_minutes = graphene.Int()
        received_on = graphene.Date(description="Within the fiscal year of the reference.")
        due_on = graphene.Date()

    order = graphene.Field(OrderType)

    @classmethod
    def perform(cls, root, info, *, id, **data):  # noqa: A002
        order = order_by_id(info, id, with_assignments=False)
        changes = {field: data[field] for field in PLAIN_FIELDS if field in data}
        if "client_id" in data:
            changes["client"] = (
                None
                if data["client_id"] is None
                else client_by_id(info, data["client_id"], field="client_id")
            )
        for field in ("category", "contract_type"):
            if field in data:
                changes[field] = choice(data[field]) if data[field] is not None else ""
        order = order_update(order=order, acting_user=info.context.user, **changes)
        return cls(order=order_reloaded(order))
