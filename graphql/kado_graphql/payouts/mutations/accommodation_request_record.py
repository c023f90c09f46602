import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import AccommodationKindEnum, AccommodationRequestType
from kado_graphql.region.enums import choice
from kado_graphql.region.lookups import worker_by_id
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import accommodation_request_record


class AccommodationRequestRecord(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Record a worker's request to balance work with childcare or care, with the "
            "response when given (Freelance Act art. 13)."
        )
        error_fields = {"worker": "worker_id"}

    class Input:
        """The worker, the request and (optionally) the response with its date."""

        worker_id = graphene.ID(required=True)
        requested_on = graphene.Date(required=True)
        kind = AccommodationKindEnum(required=True)
        content = graphene.String(required=True)
        response = graphene.String()
        responded_on = graphene.Date()

    request = graphene.Field(AccommodationRequestType)

    @classmethod
    def perform(cls, root, info, *, worker_id, kind, response=None, **data):
        request = accommodation_request_record(
            worker=worker_by_id(info, worker_id, field="worker_id"),
            kind=choice(kind),
            response=response or "",
            acting_user=info.context.user,
            **data,
        )
        return cls(request=request)
