import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.lookups import worker_by_id
from kado_graphql.region.mutations.common import AvailabilityWindowInput, window_tuples
from kado_graphql.region.types import WorkerType
from kado_platform.accounts.policy import Perm
from kado_tenants.workforce.services import availability_set


class WorkerSetAvailability(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Replace a worker's weekly availability as a whole ([] removes it); windows "
            "on one weekday must not overlap."
        )

    class Input:
        """The worker and every weekly window."""

        id = graphene.ID(required=True)
        windows = graphene.List(graphene.NonNull(AvailabilityWindowInput), required=True)

    worker = graphene.Field(WorkerType)

    @classmethod
    def perform(cls, root, info, *, id, windows=()):  # noqa: A002
        worker = worker_by_id(info, id)
        availability_set(
            worker=worker, windows=window_tuples(windows), acting_user=info.context.user
        )
        return cls(worker=worker_by_id(info, id))
