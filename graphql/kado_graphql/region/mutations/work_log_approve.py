import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.lookups import work_log_by_id
from kado_graphql.region.types import WorkLogType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.services import worklog_approve


class WorkLogApprove(KadoMutation):
    class Meta:
        permission = Perm.REGION_APPROVE
        description = "Approve a work log's minutes for payout (region admins), once."
        error_fields = {"approved_at": "id"}

    class Input:
        """The work log."""

        id = graphene.ID(required=True)

    work_log = graphene.Field(WorkLogType)

    @classmethod
    def perform(cls, root, info, *, id):  # noqa: A002
        work_log = worklog_approve(work_log=work_log_by_id(info, id), acting_user=info.context.user)
        return cls(work_log=work_log)
