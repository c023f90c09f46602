import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import WorkerStatusEnum, choice
from kado_graphql.region.lookups import worker_by_id
from kado_graphql.region.mutations.common import today
from kado_graphql.region.types import WorkerType
from kado_platform.accounts.policy import Perm
from kado_tenants.workforce.services import worker_change_status


class WorkerChangeStatus(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Move a worker one step along the journey (see WorkerStatus), dated; other "
            "moves are refused with code illegal_transition."
        )

    class Input:
        """The worker, the next status and the day of the step."""

        id = graphene.ID(required=True)
        status = WorkerStatusEnum(required=True)
        changed_on = graphene.Date(description="Default: today (JST).")

    worker = graphene.Field(WorkerType)

    @classmethod
    def perform(cls, root, info, *, id, status, changed_on=None):  # noqa: A002
        worker = worker_change_status(
            worker=worker_by_id(info, id),
            status=choice(status),
            changed_on=changed_on or today(),
            acting_user=info.context.user,
        )
        return cls(worker=worker)
