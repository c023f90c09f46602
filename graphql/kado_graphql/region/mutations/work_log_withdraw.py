import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.lookups import order_reloaded, work_log_by_id
from kado_graphql.region.types import OrderType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.services import worklog_withdraw


class WorkLogWithdraw(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Withdraw (delete) a work log recorded in error, until it is approved; approved "
            "logs are the basis of pay and are refused (worklog_already_approved)."
        )
        error_fields = {"worklog": "id"}

    class Input:
        """The work log."""

        id = graphene.ID(required=True)

    withdrawn_id = graphene.ID(description="The ID of the work log withdrawn.")
    order = graphene.Field(OrderType, description="Its order, with the minutes logged now.")

    @classmethod
    def perform(cls, root, info, *, id):  # noqa: A002
        work_log = work_log_by_id(info, id)
        order = work_log.assignment.order
        worklog_withdraw(worklog=work_log, acting_user=info.context.user)
        return cls(withdrawn_id=id, order=order_reloaded(order))
