"""The invoice mutations, one per module (region admins only)."""

from kado_graphql.invoicing.mutations.invoice_correct import InvoiceCorrect
from kado_graphql.invoicing.mutations.invoice_create import InvoiceCreate
from kado_graphql.invoicing.mutations.invoice_issue import InvoiceIssue
from kado_graphql.invoicing.mutations.invoice_send_via_stripe import InvoiceSendViaStripe

__all__ = ["InvoiceCorrect", "InvoiceCreate", "InvoiceIssue", "InvoiceSendViaStripe"]
