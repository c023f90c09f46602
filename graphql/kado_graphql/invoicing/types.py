"""The region API's invoices (region admins only): qualified invoices with their lines,
tax per rate and collection state. Money is whole yen (Int); days are Dates."""

from __future__ import annotations

import base64

import graphene

from kado_graphql.core.connections import KadoConnection
from kado_graphql.core.ids import GlobalIDField, to_global_id
from kado_graphql.core.scalars import Yen
from kado_graphql.core.types import KadoObjectType
from kado_graphql.region.enums import choices_enum
from kado_platform.accounts.policy import Perm
from kado_tenants.invoicing.choices import InvoiceKind, InvoiceStatus, TaxRounding
from kado_tenants.invoicing.pdf import invoice_pdf

InvoiceStatusEnum = choices_enum(
    InvoiceStatus,
    "InvoiceStatus",
    "DRAFT → ISSUED → PAID; an ISSUED or PAID version becomes SUPERSEDED by its correction.",
)
InvoiceKindEnum = choices_enum(
    InvoiceKind, "InvoiceKind", "An INVOICE, or a CREDIT_NOTE (negative, with a reason)."
)
TaxRoundingEnum = choices_enum(
    TaxRounding, "TaxRounding", "How the tax of one rate is rounded, once per invoice."
)


def _region(info) -> str:
    return info.context.tenant.code


class InvoiceLineType(KadoObjectType):
    class Meta:
        name = "InvoiceLine"
        permission = Perm.REGION_ADMIN
        description = "One line: what was done, the day, the amount before tax and its rate."

    position = graphene.Int(required=True)
    description = graphene.String(required=True)
    transaction_date = graphene.Date(required=True)
    tax_rate = graphene.Int(required=True, description="Percent: 10 (standard) or 8 (reduced).")
    amount = Yen(required=True, description="Yen before tax (negative on a credit note).")
    order_id = graphene.ID(description="The order invoiced on this line, if any.")
    order_reference = graphene.String()

    def resolve_order_id(line, info):
        return to_global_id("Order", _region(info), line.order_id) if line.order_id else None

    def resolve_order_reference(line, info):
        return line.order.reference if line.order_id else None


class InvoiceTaxSubtotalType(KadoObjectType):
    class Meta:
        name = "InvoiceTaxSubtotal"
        permission = Perm.REGION_ADMIN
        description = "The total before tax of one rate and its tax, rounded once."

    tax_rate = graphene.Int(required=True)
    taxable_amount = Yen(required=True)
    tax_amount = Yen(required=True)


class InvoiceType(KadoObjectType):
    class Meta:
        name = "Invoice"
        permission = Perm.REGION_ADMIN
        description = (
            "A qualified invoice (適格請求書) to a client; a correction is a new version of "
            "the same number. Issued versions never change."
        )

    id = GlobalIDField()
    number = graphene.String(description="<fiscal year>-<sequence>; null for a draft.")
    version = graphene.Int(required=True)
    status = graphene.Field(InvoiceStatusEnum, required=True)
    kind = graphene.Field(InvoiceKindEnum, required=True)
    client_id = graphene.ID(required=True)
    client_name = graphene.String(required=True, description="As printed (a draft: current).")
    client_corporate_number = graphene.String(required=True)
    issuer_name = graphene.String(required=True)
    issuer_registration_number = graphene.String(required=True)
    issued_on = graphene.Date()
    due_on = graphene.Date()
    paid_on = graphene.Date()
    retain_until = graphene.Date(description="Kept at least until this day (電子帳簿保存法).")
    tax_rounding = graphene.Field(TaxRoundingEnum, required=True)
    subtotal = Yen(required=True, description="Yen before tax.")
    tax_total = Yen(required=True, description="Consumption tax, yen.")
    total = Yen(required=True, description="Yen, tax included.")
    correction_reason = graphene.String(required=True)
    supersedes_id = graphene.ID(description="The version this one corrects.")
    lines = graphene.List(graphene.NonNull(InvoiceLineType), required=True)
    tax_subtotals = graphene.List(graphene.NonNull(InvoiceTaxSubtotalType), required=True)
    stripe_status = graphene.String(description="Stripe's status once sent for collection.")
    stripe_hosted_invoice_url = graphene.String()
    pdf = graphene.String(description="The invoice as a PDF (A4, Japanese), base64.")

    def resolve_number(invoice, info):
        return invoice.number or None

    def resolve_client_id(invoice, info):
        return to_global_id("Client", _region(info), invoice.client_id)

    def resolve_client_name(invoice, info):
        return invoice.client_name or invoice.client.name

    def resolve_client_corporate_number(invoice, info):
        return invoice.client_corporate_number or invoice.client.corporate_number

    def resolve_supersedes_id(invoice, info):
        if invoice.supersedes_id is None:
            return None
        return to_global_id("Invoice", _region(info), invoice.supersedes_id)

    def resolve_lines(invoice, info):
        return invoice.lines.all()

    def resolve_tax_subtotals(invoice, info):
        return invoice.tax_subtotals.all()

    def resolve_stripe_status(invoice, info):
        link = getattr(invoice, "stripe", None)
        return link.status if link is not None else None

    def resolve_stripe_hosted_invoice_url(invoice, info):
        link = getattr(invoice, "stripe", None)
        return (link.hosted_invoice_url or None) if link is not None else None

    def resolve_pdf(invoice, info):
        return base64.b64encode(invoice_pdf(invoice)).decode("ascii")


class InvoiceConnection(KadoConnection):
    class Meta:
        node = InvoiceType


class InvoiceFilter(graphene.InputObjectType):
    """電子帳簿保存法 search: date of issue, amount (tax included) and counterparty."""

    from_ = graphene.Date(name="from", description="Issued on or after this day.")
    to = graphene.Date(description="Issued on or before this day.")
    min_amount = Yen(description="Total (tax included) at least this many yen.")
    max_amount = Yen(description="Total (tax included) at most this many yen.")
    client = graphene.ID(description="The client's ID.")
    counterparty = graphene.String(description="Part of the client's name, or its 法人番号.")
    statuses = graphene.List(graphene.NonNull(InvoiceStatusEnum), description="Any of these.")


class InvoiceLineInput(graphene.InputObjectType):
    description = graphene.String(required=True)
    transaction_date = graphene.Date(required=True)
    amount = Yen(required=True, description="Yen before tax, not negative.")
    tax_rate = graphene.Int(description="10 (default) or 8.")
    order_id = graphene.ID(description="An order of the corrected invoice, if the line is one.")
