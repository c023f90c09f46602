"""Reads of a region's invoices. `invoice_list` is the search that 電子帳簿保存法 asks
for: by date of issue (a range), amount (a range of the total) and counterparty, each
backed by an index."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet

from kado_tenants.invoicing.choices import InvoiceKind as InvoiceKind  # edges: no models
from kado_tenants.invoicing.choices import InvoiceStatus
from kado_tenants.invoicing.choices import TaxRate as TaxRate
from kado_tenants.invoicing.choices import TaxRounding as TaxRounding
from kado_tenants.invoicing.models import Invoice, InvoiceIssuer, InvoiceLine
from kado_tenants.orders.lifecycle import INVOICEABLE_STATUSES
from kado_tenants.orders.models import Order


def invoice_list(
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    min_amount: int | None = None,
    max_amount: int | None = None,
    client=None,
    counterparty: str = "",
    statuses=None,
    current_only: bool = False,
) -> QuerySet[Invoice]:
    """Invoices, newest issue first (drafts, which have no date, last).

    `client` is a Client or its pk; `counterparty` matches the client's name as printed
    on the invoice (or its current name for drafts) or its corporate number.
    `current_only` leaves out versions superseded by a correction.
    """
    invoices = Invoice.objects.select_related("client", "supersedes")
    if date_from is not None:
        invoices = invoices.filter(issued_on__gte=date_from)
    if date_to is not None:
        invoices = invoices.filter(issued_on__lte=date_to)
    if min_amount is not None:
        invoices = invoices.filter(total__gte=min_amount)
    if max_amount is not None:
        invoices = invoices.filter(total__lte=max_amount)
    if client is not None:
        invoices = invoices.filter(client_id=getattr(client, "pk", client))
    counterparty = (counterparty or "").strip()
    if counterparty:
        invoices = invoices.filter(
            Q(client_name__icontains=counterparty)
            | Q(client_name="", client__name__icontains=counterparty)
            | Q(client_corporate_number=counterparty)
        )
    if statuses:
        invoices = invoices.filter(status__in=list(statuses))
    if current_only:
        invoices = invoices.exclude(status=InvoiceStatus.SUPERSEDED)
    return invoices.order_by("-issued_on", "-number", "-version", "-id")


def invoices_with_details(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` with their lines (and orders) and tax subtotals, two queries per page."""
    return invoices.prefetch_related(
        Prefetch(
            "lines", queryset=InvoiceLine.objects.select_related("order").order_by("position")
        ),
        "tax_subtotals",
    )


def invoice_get(*, pk) -> Invoice | None:
    return invoices_with_details(invoice_list().select_related("stripe")).filter(pk=pk).first()


def invoice_get_by_number(*, number: str, version: int | None = None) -> Invoice | None:
    """One version of an invoice number; the latest when `version` is None."""
    invoices = Invoice.objects.filter(number=number)
    if version is not None:
        invoices = invoices.filter(version=version)
    return invoices.order_by("-version").first()


def invoice_versions(invoice: Invoice) -> list[Invoice]:
    """Every version of the invoice's number, first to last."""
    if not invoice.number:
        return [invoice]
    return list(Invoice.objects.filter(number=invoice.number).order_by("version"))


def invoice_issuer_get() -> InvoiceIssuer | None:
    return InvoiceIssuer.objects.first()


def invoiceable_orders(*, client=None) -> QuerySet[Order]:
    """Delivered or inspected orders on no current invoice."""
    orders = Order.objects.filter(status__in=INVOICEABLE_STATUSES)
    if client is not None:
        orders = orders.filter(client_id=getattr(client, "pk", client))
    on_invoices = InvoiceLine.objects.exclude(order=None).exclude(
        invoice__status=InvoiceStatus.SUPERSEDED
    )
    return orders.exclude(pk__in=on_invoices.values("order_id")).order_by("delivered_on", "id")


def orders_by_pks(pks) -> list[Order]:
    """Orders by primary key, in the order asked; unknown keys are left out."""
    found = {order.pk: order for order in Order.objects.filter(pk__in=list(pks))}
    return [found[pk] for pk in pks if pk in found]
