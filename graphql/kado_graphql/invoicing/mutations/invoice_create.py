import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.invoicing.lookups import invoice_reloaded, orders_by_ids
from kado_graphql.invoicing.types import InvoiceType
from kado_graphql.region.lookups import client_by_id
from kado_platform.accounts.policy import Perm
from kado_tenants.invoicing.selectors import TaxRate
from kado_tenants.invoicing.services import invoice_create


class InvoiceCreate(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "A draft invoice to a client, one line per delivered or inspected order of that "
            "client (amount before tax, title, day delivered). Issue it with invoiceIssue."
        )
        error_fields = {"orders": "order_ids", "client": "client_id"}

    class Input:
        """The client and its orders to invoice."""

        client_id = graphene.ID(required=True)
        order_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        tax_rate = graphene.Int(description="Percent for every line: 10 (default) or 8.")

    invoice = graphene.Field(InvoiceType)

    @classmethod
    def perform(cls, root, info, *, client_id, order_ids, tax_rate=None):
        invoice = invoice_create(
            client=client_by_id(info, client_id, field="client_id"),
            orders=orders_by_ids(info, order_ids),
            tax_rate=TaxRate.STANDARD if tax_rate is None else tax_rate,
            acting_user=info.context.user,
        )
        return cls(invoice=invoice_reloaded(invoice))
