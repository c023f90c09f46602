import graphene

from kado_graphql.core.ids import decode_global_id
from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import AccommodationRequestType
from kado_graphql.region.lookups import found
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.selectors import accommodation_request_get
from kado_tenants.payouts.services import accommodation_request_respond


class AccommodationRequestRespond(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Record the response to an accommodation request that has none yet (Freelance "
            "Act art. 13)."
        )

    class Input:
        """The request, the response and the day it was given."""

        id = graphene.ID(required=True)
        response = graphene.String(required=True)
        responded_on = graphene.Date(required=True)

    request = graphene.Field(AccommodationRequestType)

    @classmethod
    def perform(cls, root, info, *, id, **answer):  # noqa: A002
        pk = decode_global_id(info, id, "AccommodationRequest", field="id")
        request = accommodation_request_respond(
            request=found(accommodation_request_get(pk=pk), "id"),
            acting_user=info.context.user,
            **answer,
        )
        return cls(request=request)
