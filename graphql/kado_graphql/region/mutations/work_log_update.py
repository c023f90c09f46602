import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.lookups import work_log_by_id
from kado_graphql.region.types import WorkLogType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.selectors import worklog_get
from kado_tenants.orders.services import worklog_update


class WorkLogUpdate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Correct a work log until it is approved, under the rules of recording (one entry "
            "per day; at most 1440 minutes a day across all orders; not in the future). "
            "Approved logs are the basis of pay and are refused (worklog_already_approved)."
        )
        error_fields = {"worklog": "id"}

    class Input:
        """The work log and what to correct (absent: unchanged; a null note empties it)."""

        id = graphene.ID(required=True)
        work_date = graphene.Date()
        minutes = graphene.Int(description="1…1440.")
        note = graphene.String()

    work_log = graphene.Field(WorkLogType)

    @classmethod
    def perform(cls, root, info, *, id, **data):  # noqa: A002
        work_log = worklog_update(
            worklog=work_log_by_id(info, id),
            minutes=data.get("minutes"),
            work_date=data.get("work_date"),
            note=(data["note"] or "") if "note" in data else None,
            acting_user=info.context.user,
        )
        return cls(work_log=worklog_get(pk=work_log.pk))
