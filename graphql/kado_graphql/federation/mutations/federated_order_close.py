import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.federation.mutations.lookups import FederatedOrderStep
from kado_graphql.federation.types import FederatedOrderType
from kado_platform.accounts.policy import Perm
from kado_platform.federation.services import federated_order_close


class FederatedOrderClose(FederatedOrderStep, KadoMutation):
    class Meta:
        permission = Perm.FEDERATION_ALLOCATE
        description = (
            "Close a wide-area order whose work is done: every share not cancelled must be "
            "delivered (or later) in its region. Nothing more can be allocated to it."
        )
        error_fields = {"federated_order": "id"}

    service = staticmethod(federated_order_close)
    federated_order = graphene.Field(FederatedOrderType)
