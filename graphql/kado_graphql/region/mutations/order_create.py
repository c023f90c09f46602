import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import ContractTypeEnum, OrderCategoryEnum, choice
from kado_graphql.region.lookups import client_by_id, order_reloaded
from kado_graphql.region.types import OrderType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.services import order_create


class OrderCreate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Record an order received from a client. It starts as RECEIVED, gets the "
            "reference <fiscal year>-<sequence>, and its amount is computed from the terms."
        )
        error_fields = {"client": "client_id"}

    class Input:
        """The terms of a new order."""

        client_id = graphene.ID(required=True)
        title = graphene.String(required=True)
        category = OrderCategoryEnum(required=True)
        contract_type = ContractTypeEnum(required=True)
        unit_price = graphene.Int(
            required=True, description="Yen per hour (HOURLY) or per unit (PER_DELIVERABLE)."
        )
        estimated_minutes = graphene.Int(required=True)
        received_on = graphene.Date(required=True)
        due_on = graphene.Date(required=True)
        quantity = graphene.Int(description="Units (PER_DELIVERABLE); HOURLY orders take 1.")

    order = graphene.Field(OrderType)

    @classmethod
    def perform(cls, root, info, *, client_id, category, contract_type, quantity=None, **data):
        order = order_create(
            client=client_by_id(info, client_id, field="client_id"),
            category=choice(category),
            contract_type=choice(contract_type),
            quantity=1 if quantity is None else quantity,
            **data,
            acting_user=info.context.user,
        )
        return cls(order=order_reloaded(order))
