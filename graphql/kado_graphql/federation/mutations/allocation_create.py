import graphene

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.mutations import KadoMutation
from kado_graphql.federation.mutations.lookups import federated_order_by_id
from kado_graphql.federation.types import FederatedOrderType
from kado_platform.accounts.policy import Perm
from kado_platform.core.errors import DomainError
from kado_platform.federation.selectors import federated_order_get
from kado_platform.federation.services import allocation_create
from kado_platform.regions.selectors import region_get


class AllocationCreate(KadoMutation):
    class Meta:
        permission = Perm.FEDERATION_ALLOCATE
        description = (
            "Give a region its share of a wide-area order; the regional order is created in "
            "the region in the same transaction. Shares can never add up to more than the order; "
            "a share cancelled in its region no longer counts and can be given again."
        )
        error_fields = {"federated_order": "federated_order_id"}

    class Input:
        federated_order_id = graphene.ID(required=True)
        region = graphene.String(required=True, description="The region's code.")
        minutes = graphene.Int(required=True, description="Estimated minutes of this share.")
        units = graphene.Int(description="Units of this share, for per-deliverable orders.")

    federated_order = graphene.Field(FederatedOrderType)

    @classmethod
    def perform(cls, root, info, **data):
        order = federated_order_by_id(info, data["federated_order_id"], field="federated_order_id")
        try:
            region = region_get(code=data["region"])
        except DomainError as error:
            raise NotFoundError(field="region") from error
        allocation_create(
            federated_order=order,
            region=region,
            minutes=data["minutes"],
            units=data.get("units") or 1,
            acting_user=info.context.user,
        )
        return cls(federated_order=federated_order_get(pk=order.pk))
