import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.core.scalars import Yen
from kado_graphql.payouts.types import CommissionNoticeType
from kado_graphql.region.lookups import assignment_by_id
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import commission_notice_issue


class CommissionNoticeIssue(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Issue an assignment's terms notice (3条通知) before work starts; the payment date "
            "is at most 60 days after delivery. Omitted terms come from the order and the "
            "region's payment rule."
        )
        error_fields = {"assignment": "assignment_id"}

    class Input:
        """The assignment and the terms; omitted ones take their defaults."""

        assignment_id = graphene.ID(required=True)
        content = graphene.String()
        commissioned_on = graphene.Date()
        delivery_on = graphene.Date()
        delivery_place = graphene.String()
        inspection_on = graphene.Date()
        payment_due_on = graphene.Date()
        amount = Yen(description="Yen, for per-deliverable work only.")
        payment_method = graphene.String()

    notice = graphene.Field(CommissionNoticeType)

    @classmethod
    def perform(cls, root, info, *, assignment_id, **terms):
        notice = commission_notice_issue(
            assignment=assignment_by_id(info, assignment_id, field="assignment_id"),
            acting_user=info.context.user,
            **{key: value for key, value in terms.items() if value is not None},
        )
        return cls(notice=notice)
