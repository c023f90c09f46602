import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.lookups import statement_by_id
from kado_graphql.payouts.types import PayoutStatementType
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.selectors import payout_statement_get
from kado_tenants.payouts.services import payout_statement_approve


class PayoutStatementApprove(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = "Approve a draft statement; an approved statement never changes."
        error_fields = {"status": "id", "acting_user": "id"}

    class Input:
        """The statement."""

        id = graphene.ID(required=True)

    statement = graphene.Field(PayoutStatementType)

    @classmethod
    def perform(cls, root, info, *, id):  # noqa: A002
        statement = payout_statement_approve(
            statement=statement_by_id(info, id), acting_user=info.context.user
        )
        return cls(statement=payout_statement_get(pk=statement.pk))
