import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import RelationshipEndType, TerminationExceptionEnum
from kado_graphql.region.enums import choice
from kado_graphql.region.lookups import worker_by_id
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import relationship_end


class RelationshipEndRecord(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Record the notice ending a worker's relationship: at least 30 days ahead when "
            "it has lasted six months or more, unless an exception applies (Freelance Act "
            "art. 16)."
        )
        error_fields = {"worker": "worker_id"}

    class Input:
        """The worker, the day notice was given, the last day, and any exception."""

        worker_id = graphene.ID(required=True)
        notified_on = graphene.Date(required=True)
        ends_on = graphene.Date(required=True)
        exception = TerminationExceptionEnum()

    relationship_end = graphene.Field(RelationshipEndType)

    @classmethod
    def perform(cls, root, info, *, worker_id, exception=None, **data):
        record = relationship_end(
            worker=worker_by_id(info, worker_id, field="worker_id"),
            exception=choice(exception) if exception else "",
            acting_user=info.context.user,
            **data,
        )
        return cls(relationship_end=record)
