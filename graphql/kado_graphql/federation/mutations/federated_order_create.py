import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.federation.enums import CategoryEnum, ClientKindEnum, ContractTypeEnum
from kado_graphql.federation.types import FederatedOrderType
from kado_platform.accounts.policy import Perm
from kado_platform.federation.selectors import federated_order_get
from kado_platform.federation.services import federated_order_create


class FederatedOrderCreate(KadoMutation):
    class Meta:
        permission = Perm.FEDERATION_ALLOCATE
        description = "Record a wide-area order received by the hub, before it is allocated."

    class Input:
        client_name = graphene.String(required=True)
        client_kind = ClientKindEnum(required=True)
        title = graphene.String(required=True)
        category = CategoryEnum(required=True)
        contract_type = ContractTypeEnum(required=True)
        unit_price = graphene.Int(required=True, description="Yen per hour or per unit.")
        total_minutes = graphene.Int(required=True, description="Estimated minutes in all.")
        total_units = graphene.Int(description="Units, for per-deliverable orders (default 1).")
        received_on = graphene.Date(required=True)
        due_on = graphene.Date(required=True)

    federated_order = graphene.Field(FederatedOrderType)

    @classmethod
    def perform(cls, root, info, **data):
        order = federated_order_create(
            client_name=data["client_name"],
            client_kind=getattr(data["client_kind"], "value", data["client_kind"]),
            title=data["title"],
            category=getattr(data["category"], "value", data["category"]),
            contract_type=getattr(data["contract_type"], "value", data["contract_type"]),
            unit_price=data["unit_price"],
            total_minutes=data["total_minutes"],
            total_units=data.get("total_units") or 1,
            received_on=data["received_on"],
            due_on=data["due_on"],
            acting_user=info.context.user,
        )
        return cls(federated_order=federated_order_get(pk=order.pk))
