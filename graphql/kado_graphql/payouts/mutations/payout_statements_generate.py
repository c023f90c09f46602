import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import PayoutStatementType
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.selectors import payout_statement_list, statements_with_lines
from kado_tenants.payouts.services import payout_statements_generate


class PayoutStatementsGenerate(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Draft a closed month's statements from approved work logs and received "
            "deliverables; running it again rebuilds the drafts."
        )

    class Input:
        """The month (any day of it)."""

        month = graphene.Date(required=True)

    statements = graphene.List(graphene.NonNull(PayoutStatementType))

    @classmethod
    def perform(cls, root, info, *, month):
        made = payout_statements_generate(month=month, acting_user=info.context.user)
        ids = [statement.pk for statement in made]
        return cls(
            statements=list(statements_with_lines(payout_statement_list().filter(pk__in=ids)))
        )
