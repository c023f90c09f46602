import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.federation.mutations.lookups import FederatedOrderStep
from kado_graphql.federation.types import FederatedOrderType
from kado_platform.accounts.policy import Perm
from kado_platform.federation.services import federated_order_cancel


class FederatedOrderCancel(FederatedOrderStep, KadoMutation):
    class Meta:
        permission = Perm.FEDERATION_ALLOCATE
        description = (
            "Cancel a wide-area order and every regional order of it, in one transaction. "
            "Refused while any region has logged work on its share."
        )
        error_fields = {"federated_order": "id"}

    service = staticmethod(federated_order_cancel)
    federated_order = graphene.Field(FederatedOrderType)
