import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.invoicing.lookups import invoice_by_id, invoice_reloaded
from kado_graphql.invoicing.types import InvoiceType
from kado_platform.accounts.policy import Perm
from kado_tenants.invoicing.services import invoice_issue


class InvoiceIssue(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Issue a draft: the next number of its fiscal year, the issuer's details frozen, "
            "tax once per rate, its orders moved to INVOICED. It never changes afterwards."
        )
        error_fields = {"invoice": "id", "orders": "id"}

    class Input:
        """The draft and the days of issue and payment."""

        id = graphene.ID(required=True)
        issued_on = graphene.Date(description="Default: today (JST).")
        due_on = graphene.Date(description="Default: the issuer's payment terms after issue.")

    invoice = graphene.Field(InvoiceType)

    @classmethod
    def perform(cls, root, info, *, id, issued_on=None, due_on=None):  # noqa: A002
        invoice = invoice_issue(
            invoice=invoice_by_id(info, id),
            issued_on=issued_on,
            due_on=due_on,
            acting_user=info.context.user,
        )
        return cls(invoice=invoice_reloaded(invoice))
