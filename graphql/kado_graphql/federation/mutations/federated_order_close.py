import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.federation.mutations.lookups import federated_order_by_id
from kado_graphql.federation.types import FederatedOrderType
from kado_platform.accounts.policy import Perm
from kado_platform.federation.selectors import federated_order_get
from kado_platform.federation.services import federated_order_close


class FederatedOrderClose(KadoMutation):
    class Meta:
        permission = Perm.FEDERATION_ALLOCATE
        description = (
            "Close a wide-area order whose work is done: every share not cancelled must be "
            "delivered (or later) in its region. Nothing more can be allocated to it."
        )
        error_fields = {"federated_order": "id"}

    class Input:
        id = graphene.ID(required=True, description="The wide-area order's global ID.")

    federated_order = graphene.Field(FederatedOrderType)

    @classmethod
    def perform(cls, root, info, *, id):  # noqa: A002
        order = federated_order_close(
            federated_order=federated_order_by_id(info, id, field="id"),
            acting_user=info.context.user,
        )
        return cls(federated_order=federated_order_get(pk=order.pk))
