"""Collection of issued invoices through Stripe Invoicing (JPY, a zero-decimal currency:
an amount of 500 is 500 yen).

Our invoice stays the legal document; Stripe only collects. The Stripe invoice carries
one item per line (amount before tax) and one item per tax rate for our consumption tax,
computed once per rate, so Stripe's total is exactly ours (checked after finalizing).
The client pays by bank transfer to a virtual account (`customer_balance` /
`jp_bank_transfer`) or by card. Every POST has an idempotency key derived from the
operation (`invoice-send:<region>:<number>:<version>…`), so a retry after a failure
finds the objects Stripe already made instead of making them twice. Stripe's webhook
(kado_platform.billing) routes back here through the metadata set on the invoice.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.audit.services import audit_record
from kado_platform.billing.gateway import stripe_client, stripe_errors, v1
from kado_platform.core.errors import DomainError
from kado_tenants.clients.models import Client
from kado_tenants.invoicing.choices import InvoiceStatus, StripeInvoiceStatus
from kado_tenants.invoicing.models import Invoice, StripeCustomer, StripeInvoice
from kado_tenants.workforce.services import lock_row

CURRENCY = "jpy"
PAYMENT_SETTINGS = {
    "payment_method_types": ["customer_balance", "card"],
    "payment_method_options": {
        "customer_balance": {
            "funding_type": "bank_transfer",
            "bank_transfer": {"type": "jp_bank_transfer"},
        }
    },
}


def _region() -> str:
    return connection.schema_name


def invoice_metadata(invoice: Invoice) -> dict[str, str]:
    """What the webhook routes by: the region, the number and the version."""
    return {
        "kado_region": _region(),
        "kado_invoice_number": invoice.number,
        "kado_invoice_version": str(invoice.version),
    }


def _customer_id(api, client: Client) -> str:
    known = StripeCustomer.objects.filter(client=client).first()
    if known is not None:
        return known.stripe_customer_id
    params = {
        "name": client.name,
        "preferred_locales": ["ja"],
        "metadata": {"kado_region": _region(), "kado_client_id": str(client.pk)},
    }
    if client.email:
        params["email"] = client.email
    customer = api.customers.create(
        params=params,
        options={"idempotency_key": f"customer-create:{_region()}:client:{client.pk}"},
    )
    StripeCustomer.objects.create(client=client, stripe_customer_id=customer.id)
    return customer.id


def _items(invoice: Invoice) -> list[tuple[str, dict]]:
    """(key suffix, params) of every Stripe invoice item: the lines, then the tax per rate."""
    items = []
    for line in invoice.lines.order_by("position"):
        items.append(
            (
                f"line:{line.position}",
                {
                    "amount": line.amount,
                    "description": (
                        f"{line.transaction_date:%Y-%m-%d} {line.description}"
                        f"（{line.tax_rate}%対象・税抜）"
                    ),
                    "metadata": {"kado_line": str(line.position)},
                },
            )
        )
    for subtotal in invoice.tax_subtotals.order_by("-tax_rate"):
        if subtotal.tax_amount:
            items.append(
                (
                    f"tax:{subtotal.tax_rate}",
                    {
                        "amount": subtotal.tax_amount,
                        "description": (
                            f"消費税 {subtotal.tax_rate}%"
                            f"（{subtotal.tax_rate}%対象 {subtotal.taxable_amount:,}円）"
                        ),
                        "metadata": {"kado_tax_rate": str(subtotal.tax_rate)},
                    },
                )
            )
    return items


@transaction.atomic
def invoice_send_via_stripe(*, invoice: Invoice, acting_user=None) -> StripeInvoice:
    """Send an issued invoice to its client through Stripe Invoicing, once."""
    lock_row(invoice)
    if invoice.status != InvoiceStatus.ISSUED or invoice.is_credit_note:
        raise DomainError(
            "invoice_not_sendable",
            _("Only the current issued version of an invoice (not a credit note) can be sent."),
            field="invoice",
        )
    if invoice.total <= 0:
        raise DomainError(
            "nothing_to_collect", _("The invoice has no amount to collect."), field="invoice"
        )
    if StripeInvoice.objects.filter(invoice=invoice).exists():
        raise DomainError(
            "already_sent", _("This invoice was already sent through Stripe."), field="invoice"
        )
    api = v1(stripe_client())
    key = f"invoice-send:{_region()}:{invoice.number}:{invoice.version}"
    metadata = invoice_metadata(invoice)
    days_until_due = max(1, (invoice.due_on - timezone.localdate()).days)
    with stripe_errors():
        customer_id = _customer_id(api, invoice.client)
        created = api.invoices.create(
            params={
                "customer": customer_id,
                "currency": CURRENCY,
                "collection_method": "send_invoice",
                "days_until_due": days_until_due,
                "auto_advance": False,
                "pending_invoice_items_behavior": "exclude",
                "description": f"請求書 {invoice.number}（第{invoice.version}版）",
                "footer": (
                    f"{invoice.issuer_name} 適格請求書発行事業者登録番号 "
                    f"{invoice.issuer_registration_number}"
                ),
                "metadata": metadata,
                "payment_settings": PAYMENT_SETTINGS,
            },
            options={"idempotency_key": key},
        )
        for suffix, params in _items(invoice):
            api.invoice_items.create(
                params={
                    "customer": customer_id,
                    "invoice": created.id,
                    "currency": CURRENCY,
                    **params,
                    "metadata": {**metadata, **params["metadata"]},
                },
                options={"idempotency_key": f"{key}:{suffix}"},
            )
        finalized = api.invoices.finalize_invoice(
            created.id,
            params={"auto_advance": False},
            options={"idempotency_key": f"{key}:finalize"},
        )
        if finalized.total != invoice.total or finalized.currency != CURRENCY:
            api.invoices.void_invoice(created.id, options={"idempotency_key": f"{key}:void"})
            raise DomainError(
                "stripe_total_mismatch",
                _(
                    "Stripe's total (%(stripe)s) is not the invoice total (%(total)s yen); "
                    "the Stripe invoice was voided."
                ),
                field="invoice",
                params={"stripe": finalized.total, "total": invoice.total},
            )
        sent = api.invoices.send_invoice(created.id, options={"idempotency_key": f"{key}:send"})
    sent = sent.to_dict()
    status = sent.get("status") or StripeInvoiceStatus.OPEN
    link = StripeInvoice.objects.create(
        invoice=invoice,
        stripe_invoice_id=created.id,
        stripe_customer_id=customer_id,
        status=status if status in StripeInvoiceStatus.values else StripeInvoiceStatus.OPEN,
        amount_due=sent.get("amount_due", invoice.total),
        hosted_invoice_url=sent.get("hosted_invoice_url") or "",
    )
    audit_record(
        action="invoice.send_stripe",
        actor=acting_user,
        instance=invoice,
        changes={
            "number": invoice.number,
            "version": invoice.version,
            "total": invoice.total,
            "stripe_invoice_id": created.id,
        },
    )
    return link


def stripe_invoice_void(*, link: StripeInvoice, invoice: Invoice) -> None:
    """Void the Stripe invoice of a version being superseded (the caller's transaction)."""
    api = v1(stripe_client())
    with stripe_errors():
        api.invoices.void_invoice(
            link.stripe_invoice_id,
            options={
                "idempotency_key": f"invoice-void:{_region()}:{invoice.number}:{invoice.version}"
            },
        )
    link.status = StripeInvoiceStatus.VOID
    link.save(update_fields=["status", "updated_at"])
    audit_record(
        action="invoice.void_stripe",
        instance=link,
        changes={"number": invoice.number, "version": invoice.version},
    )
