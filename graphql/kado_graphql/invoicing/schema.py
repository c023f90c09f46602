"""The region host's invoices, for region admins: the search 電子帳簿保存法 asks for
(date of issue, amount, counterparty), one invoice by ID, and the invoice life cycle."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from kado_graphql.core.connections import KadoConnectionField
from kado_graphql.core.errors import BadInputError
from kado_graphql.core.ids import decode_optional_global_id
from kado_graphql.invoicing.lookups import invoice_by_id
from kado_graphql.invoicing.mutations import (
    InvoiceCorrect,
    InvoiceCreate,
    InvoiceIssue,
    InvoiceSendViaStripe,
)
from kado_graphql.invoicing.types import InvoiceConnection, InvoiceFilter, InvoiceType
from kado_graphql.region.enums import choice
from kado_tenants.invoicing.selectors import invoice_list, invoices_with_details


class InvoicingQueries(graphene.ObjectType):
    invoices = KadoConnectionField(
        InvoiceConnection,
        filter=InvoiceFilter(),
        description="Invoices, newest issue first, every version (drafts last).",
    )
    invoice = graphene.Field(
        InvoiceType, id=graphene.ID(required=True), description="One invoice version, by ID."
    )

    def resolve_invoices(root, info, filter=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        low, high = filter.get("min_amount"), filter.get("max_amount")
        if low is not None and high is not None and low > high:
            raise BadInputError(
                _("minAmount cannot be more than maxAmount."), field="filter.minAmount"
            )
        invoices = invoice_list(
            date_from=filter.get("from_"),
            date_to=filter.get("to"),
            min_amount=low,
            max_amount=high,
            client=decode_optional_global_id(
                info, filter.get("client"), "Client", field="filter.client"
            ),
            counterparty=filter.get("counterparty") or "",
            statuses=[choice(status) for status in filter.get("statuses") or ()],
        )
        return invoices_with_details(invoices.select_related("stripe"))

    def resolve_invoice(root, info, id):  # noqa: A002
        return invoice_by_id(info, id)


class InvoicingMutations(graphene.ObjectType):
    invoice_create = InvoiceCreate.Field()
    invoice_issue = InvoiceIssue.Field()
    invoice_correct = InvoiceCorrect.Field()
    invoice_send_via_stripe = InvoiceSendViaStripe.Field()
