import graphene

from kado_graphql.core.ids import decode_global_id
from kado_graphql.core.mutations import KadoMutation
from kado_graphql.invoicing.lookups import invoice_by_id, invoice_reloaded
from kado_graphql.invoicing.types import InvoiceLineInput, InvoiceType
from kado_platform.accounts.policy import Perm
from kado_tenants.invoicing.selectors import TaxRate
from kado_tenants.invoicing.services import invoice_correct, invoice_credit_note


class InvoiceCorrect(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Issue a corrected version of an issued invoice (same number, next version, the "
            "old one kept as SUPERSEDED), or with creditNote a credit note that cancels it "
            "(every line negated). A Stripe invoice still open for the old version is voided."
        )
        error_fields = {"invoice": "id", "lines.*.order": "lines.*.order_id"}

    class Input:
        """The current version, why it is corrected, and the new lines (default: the same)."""

        id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        lines = graphene.List(graphene.NonNull(InvoiceLineInput))
        issued_on = graphene.Date(description="Default: today (JST).")
        due_on = graphene.Date()
        credit_note = graphene.Boolean(description="Cancel the invoice with a credit note.")

    invoice = graphene.Field(InvoiceType)

    @classmethod
    def perform(
        cls,
        root,
        info,
        *,
        id,  # noqa: A002
        reason,
        lines=None,
        issued_on=None,
        due_on=None,
        credit_note=False,
    ):
        old = invoice_by_id(info, id)
        if credit_note:
            new = invoice_credit_note(
                invoice=old, reason=reason, issued_on=issued_on, acting_user=info.context.user
            )
            return cls(invoice=invoice_reloaded(new))
        values = None
        if lines is not None:
            values = [
                {
                    "description": line["description"],
                    "transaction_date": line["transaction_date"],
                    "amount": line["amount"],
                    "tax_rate": line.get("tax_rate") or TaxRate.STANDARD,
                    # The service looks the orders up in this region and refuses an id
                    # that is no order of the invoice (order_not_found, nothing written).
                    "order": decode_global_id(
                        info, line["order_id"], "Order", field=f"lines.{index}.order_id"
                    )
                    if line.get("order_id")
                    else None,
                }
                for index, line in enumerate(lines)
            ]
        new = invoice_correct(
            invoice=old,
            reason=reason,
            lines=values,
            issued_on=issued_on,
            due_on=due_on,
            acting_user=info.context.user,
        )
        return cls(invoice=invoice_reloaded(new))
