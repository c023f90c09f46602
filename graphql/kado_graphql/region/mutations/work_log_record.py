import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.lookups import assignment_by_id
from kado_graphql.region.types import WorkLogType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.selectors import worklog_get
from kado_tenants.orders.services import worklog_record


class WorkLogRecord(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Record a worker's minutes on one order on one day (one entry per day; at "
            "most 1440 minutes a day across all orders; not in the future)."
        )
        error_fields = {"assignment": "assignment_id"}

    class Input:
        """The assignment (worker on order), the day and the minutes."""

        assignment_id = graphene.ID(required=True)
        work_date = graphene.Date(required=True)
        minutes = graphene.Int(required=True, description="1…1440.")
        note = graphene.String()

    work_log = graphene.Field(WorkLogType)

    @classmethod
    def perform(cls, root, info, *, assignment_id, work_date, minutes, note=None):
        work_log = worklog_record(
            assignment=assignment_by_id(info, assignment_id, field="assignment_id"),
            work_date=work_date,
            minutes=minutes,
            note=note or "",
            acting_user=info.context.user,
        )
        return cls(work_log=worklog_get(pk=work_log.pk))
