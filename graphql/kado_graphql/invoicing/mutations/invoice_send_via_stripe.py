import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.invoicing.lookups import invoice_by_id, invoice_reloaded
from kado_graphql.invoicing.types import InvoiceType
from kado_platform.accounts.policy import Perm
from kado_tenants.invoicing.collection import invoice_send_via_stripe


class InvoiceSendViaStripe(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Send an issued invoice to its client through Stripe Invoicing (JPY, bank "
            "transfer to a virtual account or card), once. Our invoice stays the legal "
            "document; Stripe's total is checked to equal ours."
        )
        error_fields = {"invoice": "id"}

    class Input:
        """The issued invoice."""

        id = graphene.ID(required=True)

    invoice = graphene.Field(InvoiceType)

    @classmethod
    def perform(cls, root, info, *, id):  # noqa: A002
        invoice = invoice_by_id(info, id)
        invoice_send_via_stripe(invoice=invoice, acting_user=info.context.user)
        return cls(invoice=invoice_reloaded(invoice))
