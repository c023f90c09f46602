"""Writes to a region's invoices: the issuer's details, drafts, issue, corrections, credit
notes, collection through Stripe and the payment that Stripe reports.

Money is integer yen. Every function here is atomic and audited, and a refusal is a
DomainError raised before anything is written (or with everything rolled back).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_platform.core.fiscal import fiscal_year_of
from kado_tenants.clients.models import Client
from kado_tenants.invoicing.choices import (
    STRIPE_STATUS_RANK,
    InvoiceKind,
    InvoiceStatus,
    StripeInvoiceStatus,
    TaxRate,
    TaxRounding,
)
from kado_tenants.invoicing.models import (
    Invoice,
    InvoiceEmail,
    InvoiceIssuer,
    InvoiceLine,
    InvoiceNumberCounter,
    InvoiceTaxSubtotal,
    StripeInvoice,
)
from kado_tenants.invoicing.selectors import invoice_issuer_get
from kado_tenants.invoicing.tax import tax_breakdown
from kado_tenants.orders.lifecycle import INVOICEABLE_STATUSES, OrderStatus
from kado_tenants.orders.models import Order
from kado_tenants.orders.services import order_transition
from kado_tenants.workforce.services import check_date, lock_row

ISSUER_FIELDS = frozenset(
    {
        "name",
        "registration_number",
        "postal_code",
        "address",
        "phone",
        "email",
        "bank_name",
        "bank_branch",
        "bank_account_type",
        "bank_account_number",
        "bank_account_holder",
        "tax_rounding",
        "payment_terms_days",
    }
)
# The largest amount of one line or invoice (a trillion yen): far beyond any real order,
# well inside bigint and Stripe's limits.
MAX_AMOUNT = 10**12
RETENTION_YEARS = 7
MAX_LINES = 200


# --- helpers --------------------------------------------------------------------------


def _yen(value, *, field: str, allow_negative: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            "amount_not_integer", _("Amounts are whole yen (an integer)."), field=field
        )
    if not allow_negative and value < 0:
        raise DomainError("amount_negative", _("An amount cannot be negative."), field=field)
    if abs(value) > MAX_AMOUNT:
        raise DomainError("amount_too_large", _("The amount is too large."), field=field)
    return value


def _rate(value, *, field: str) -> int:
    if isinstance(value, bool) or value not in TaxRate.values:
        raise DomainError(
            "tax_rate_unknown",
            _("The tax rate must be 10 (standard) or 8 (reduced)."),
            field=field,
        )
    return int(value)


def retention_date(issued_on: datetime.date) -> datetime.date:
    """電子帳簿保存法 / 法人税法: kept seven years from the day after the filing deadline
    of the fiscal year of issue (the deadline two months after the year ends, 31 May)."""
    return datetime.date(fiscal_year_of(issued_on) + 1 + RETENTION_YEARS, 5, 31)


def invoice_number_format(fiscal_year: int, sequence: int) -> str:
    return f"{fiscal_year}-{sequence:05d}"


def _next_number(fiscal_year: int) -> tuple[int, str]:
    """The next sequence of the fiscal year, the counter locked until the transaction
    ends: a concurrent issue waits, and a rollback gives the number back (no gaps)."""
    InvoiceNumberCounter.objects.get_or_create(fiscal_year=fiscal_year)
    counter = InvoiceNumberCounter.objects.select_for_update().get(fiscal_year=fiscal_year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence, invoice_number_format(fiscal_year, counter.last_sequence)


def _issuer() -> InvoiceIssuer:
    issuer = invoice_issuer_get()
    if issuer is None:
        raise DomainError(
            "issuer_missing",
            _(
                "Set the region's issuer details (name, registration number, address, bank "
                "account) before issuing an invoice."
            ),
            field="issuer",
        )
    return issuer


def _recompute(invoice: Invoice) -> None:
    """Totals of a draft from its lines, the tax rounded once per rate."""
    lines = list(invoice.lines.values_list("amount", "tax_rate"))
    breakdown = tax_breakdown(lines, invoice.tax_rounding)
    invoice.subtotal = sum(part.taxable for part in breakdown)
    invoice.tax_total = sum(part.tax for part in breakdown)
    invoice.total = invoice.subtotal + invoice.tax_total
    InvoiceTaxSubtotal.objects.filter(invoice=invoice).delete()
    InvoiceTaxSubtotal.objects.bulk_create(
        InvoiceTaxSubtotal(
            invoice=invoice, tax_rate=part.rate, taxable_amount=part.taxable, tax_amount=part.tax
        )
        for part in breakdown
    )


def _check_invoiceable(order: Order, *, client_id: int) -> None:
    """The order is the client's and delivered or inspected (checked on draft and issue)."""
    if order.client_id != client_id:
        raise DomainError(
            "order_other_client",
            _("Order %(reference)s is not an order of this client."),
            field="orders",
            params={"reference": order.reference},
        )
    if order.status not in INVOICEABLE_STATUSES:
        raise DomainError(
            "order_not_invoiceable",
            _("Order %(reference)s is not delivered or inspected, so it cannot be invoiced."),
            field="orders",
            params={"reference": order.reference},
        )


def _check_orders(client: Client, orders: Sequence[Order]) -> list[Order]:
    if not orders:
        raise DomainError(
            "orders_required", _("Choose at least one order to invoice."), field="orders"
        )
    pks = [order.pk for order in orders]
    if len(set(pks)) != len(pks):
        raise DomainError(
            "order_repeated", _("An order can appear once on an invoice."), field="orders"
        )
    locked = list(Order.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len(locked) != len(pks):
        raise DomainError("order_not_found", _("An order was not found."), field="orders")
    for order in locked:
        _check_invoiceable(order, client_id=client.pk)
    on_other = (
        InvoiceLine.objects.filter(order_id__in=pks)
        .exclude(invoice__status=InvoiceStatus.SUPERSEDED)
        .select_related("order")
        .first()
    )
    if on_other is not None:
        raise DomainError(
            "order_already_invoiced",
            _("Order %(reference)s is already on another invoice."),
            field="orders",
            params={"reference": on_other.order.reference},
        )
    return locked


def _line_values(line: dict, index: int, *, allow_negative: bool) -> dict:
    field = f"lines.{index}"
    description = (line.get("description") or "").strip()
    if not description:
        raise DomainError(
            "description_required",
            _("Each line needs a description."),
            field=f"{field}.description",
        )
    if len(description) > 200:
        raise DomainError(
            "description_too_long",
            _("A line's description is at most 200 characters."),
            field=f"{field}.description",
        )
    return {
        "description": description,
        "transaction_date": check_date(
            line.get("transaction_date"), field=f"{field}.transaction_date"
        ),
        "amount": _yen(line.get("amount"), field=f"{field}.amount", allow_negative=allow_negative),
        "tax_rate": _rate(line.get("tax_rate", TaxRate.STANDARD), field=f"{field}.tax_rate"),
        "order": line.get("order"),
    }


def _audit(invoice: Invoice, action: str, acting_user, **changes) -> None:
    audit_record(
        action=action,
        actor=acting_user,
        instance=invoice,
        changes={
            "number": invoice.number,
            "version": invoice.version,
            "status": str(invoice.status),
            "total": invoice.total,
            **changes,
        },
    )


# --- the issuer ---------------------------------------------------------------------


@transaction.atomic
def invoice_issuer_set(*, acting_user=None, **fields) -> InvoiceIssuer:
    """Create or change the region's issuer details (one row per region)."""
    unknown = sorted(set(fields) - ISSUER_FIELDS)
    if unknown:
        raise DomainError(
            "field_unknown",
            _("The issuer has no field “%(field)s”."),
            field=unknown[0],
            params={"field": unknown[0]},
        )
    issuer = InvoiceIssuer.objects.select_for_update().first() or InvoiceIssuer()
    before = {field: getattr(issuer, field) for field in fields}
    for field, value in fields.items():
        setattr(issuer, field, value.strip() if isinstance(value, str) else value)
    if "tax_rounding" in fields and issuer.tax_rounding not in TaxRounding.values:
        raise DomainError(
            "tax_rounding_unknown",
            _("Tax rounding is floor, round or ceil."),
            field="tax_rounding",
        )
    validate(issuer)
    issuer.save()
    audit_record(
        action="invoice_issuer.set",
        actor=acting_user,
        instance=issuer,
        changes={
            field: [str(before[field]), str(getattr(issuer, field))]
            for field in sorted(fields)
            if field in {"registration_number", "tax_rounding", "payment_terms_days"}
        }
        | {"changed": sorted(fields)},
    )
    return issuer


# --- drafts -------------------------------------------------------------------------


@transaction.atomic
def invoice_create(
    *,
    client: Client,
    orders: Sequence[Order],
    tax_rate: int = TaxRate.STANDARD,
    acting_user=None,
) -> Invoice:
    """A draft invoice to `client` with one line per delivered or inspected order.

    Each line carries the order's amount before tax, its title and the day it was
    delivered (the transaction date), at `tax_rate` (change a line's rate on the draft).
    """
    if not isinstance(client, Client) or client.pk is None:
        raise DomainError("client_required", _("Choose the client to invoice."), field="client")
    rate = _rate(tax_rate, field="tax_rate")
    locked = _check_orders(client, orders)
    issuer = invoice_issuer_get()
    invoice = Invoice.objects.create(
        client=client,
        tax_rounding=issuer.tax_rounding if issuer else TaxRounding.FLOOR,
    )
    by_pk = {order.pk: order for order in locked}
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            order=order,
            description=f"{order.title}（{order.reference}）",
            transaction_date=order.delivered_on or order.inspected_on,
            tax_rate=rate,
            amount=_yen(order.amount, field="orders"),
        )
        for position, order in enumerate((by_pk[o.pk] for o in orders), start=1)
    )
    _recompute(invoice)
    invoice.save()
    _audit(
        invoice,
        "invoice.create",
        acting_user,
        client_id=client.pk,
        order_ids=[order.pk for order in orders],
    )
    return invoice


def _draft_locked(invoice: Invoice) -> Invoice:
    lock_row(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(
            "invoice_not_draft",
            _("An issued invoice cannot be changed: issue a correction instead."),
            field="invoice",
        )
    return invoice


@transaction.atomic
def invoice_line_add(
    *,
    invoice: Invoice,
    description: str,
    transaction_date: datetime.date,
    amount: int,
    tax_rate: int = TaxRate.STANDARD,
    acting_user=None,
) -> InvoiceLine:
    """A line without an order on a draft (expenses, goods at the reduced rate…)."""
    _draft_locked(invoice)
    values = _line_values(
        {
            "description": description,
            "transaction_date": transaction_date,
            "amount": amount,
            "tax_rate": tax_rate,
        },
        0,
        allow_negative=False,
    )
    values.pop("order")
    if invoice.lines.count() >= MAX_LINES:
        raise DomainError("too_many_lines", _("An invoice has at most 200 lines."), field="lines")
    position = (
        invoice.lines.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    line = InvoiceLine.objects.create(invoice=invoice, position=position, **values)
    _recompute(invoice)
    invoice.save()
    _audit(invoice, "invoice.line_add", acting_user, amount=line.amount, tax_rate=line.tax_rate)
    return line


@transaction.atomic
def invoice_line_set_rate(
    *, invoice: Invoice, position: int, tax_rate: int, acting_user=None
) -> InvoiceLine:
    """Change the tax rate of one line of a draft."""
    _draft_locked(invoice)
    rate = _rate(tax_rate, field="tax_rate")
    line = invoice.lines.filter(position=position).first()
    if line is None:
        raise DomainError("line_not_found", _("The invoice has no such line."), field="position")
    before = line.tax_rate
    line.tax_rate = rate
    line.save(update_fields=["tax_rate"])
    _recompute(invoice)
    invoice.save()
    _audit(
        invoice, "invoice.line_set_rate", acting_user, position=position, tax_rate=[before, rate]
    )
    return line


@transaction.atomic
def invoice_discard(*, invoice: Invoice, acting_user=None) -> None:
    """Delete a draft (an issued invoice is kept for seven years)."""
    _draft_locked(invoice)
    _audit(invoice, "invoice.discard", acting_user, invoice_id=invoice.pk)
    invoice.delete()


# --- issue ----------------------------------------------------------------------------


def _stamp(invoice: Invoice, *, issuer: InvoiceIssuer, issued_on: datetime.date, due_on) -> None:
    client = invoice.client
    invoice.issued_on = issued_on
    invoice.due_on = due_on or issued_on + datetime.timedelta(days=issuer.payment_terms_days)
    if invoice.due_on < issued_on:
        raise DomainError(
            "due_before_issue",
            _("The payment due date cannot be before the day of issue."),
            field="due_on",
        )
    invoice.retain_until = retention_date(issued_on)
    invoice.tax_rounding = issuer.tax_rounding
    invoice.issuer_name = issuer.name
    invoice.issuer_registration_number = issuer.registration_number
    invoice.issuer_address = (
        f"〒{issuer.postal_code} {issuer.address}" if issuer.postal_code else issuer.address
    )
    invoice.issuer_phone = issuer.phone
    invoice.issuer_bank = issuer.bank_text
    invoice.client_name = client.name
    invoice.client_corporate_number = client.corporate_number


def _finish_issue(invoice: Invoice) -> None:
    """Totals and per-rate tax of the lines (rounded once per rate), then ISSUED."""
    _recompute(invoice)
    if not invoice.is_credit_note and invoice.total < 0:
        raise DomainError(
            "amount_negative",
            _("An invoice's total cannot be negative; issue a credit note instead."),
            field="lines",
        )
    invoice.status = InvoiceStatus.ISSUED
    validate(invoice)
    invoice.save()


@transaction.atomic
def invoice_issue(
    *,
    invoice: Invoice,
    issued_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    acting_user=None,
) -> Invoice:
    """Issue a draft: give it the next number of its fiscal year, freeze its content and
    the issuer's details, and move its orders to `invoiced` (a delivered order is
    inspected on the same day first)."""
    issued_on = (
        timezone.localdate() if issued_on is None else check_date(issued_on, field="issued_on")
    )
    if due_on is not None:
        check_date(due_on, field="due_on")
    _draft_locked(invoice)
    issuer = _issuer()
    line_orders = list(invoice.lines.values_list("order_id", flat=True))
    if not line_orders:
        raise DomainError("lines_required", _("An invoice needs at least one line."), field="lines")
    order_pks = [pk for pk in line_orders if pk]
    orders = list(Order.objects.select_for_update().filter(pk__in=order_pks).order_by("pk"))
    for order in orders:
        _check_invoiceable(order, client_id=invoice.client_id)
    if (
        InvoiceLine.objects.filter(order_id__in=order_pks)
        .exclude(invoice=invoice)
        .exclude(invoice__status__in=[InvoiceStatus.SUPERSEDED, InvoiceStatus.DRAFT])
        .exists()
    ):
        raise DomainError(
            "order_already_invoiced",
            _("An order of this draft is already on an issued invoice."),
            field="orders",
        )
    _stamp(invoice, issuer=issuer, issued_on=issued_on, due_on=due_on)
    invoice.fiscal_year = fiscal_year_of(issued_on)
    invoice.sequence, invoice.number = _next_number(invoice.fiscal_year)
    invoice.version = 1
    prefetch_related_objects([invoice], "lines")  # order_transition checks each order on it
    for order in orders:
        if order.status == OrderStatus.DELIVERED:
            order_transition(
                order=order,
                to_status=OrderStatus.INSPECTED,
                on_date=issued_on,
                acting_user=acting_user,
            )
        order_transition(
            order=order,
            to_status=OrderStatus.INVOICED,
            on_date=issued_on,
            acting_user=acting_user,
            invoice=invoice,
        )
    _finish_issue(invoice)
    _audit(
        invoice,
        "invoice.issue",
        acting_user,
        issued_on=issued_on.isoformat(),
        subtotal=invoice.subtotal,
        tax_total=invoice.tax_total,
        order_ids=[order.pk for order in orders],
    )
    return invoice


# --- corrections and credit notes ---------------------------------------------------


def _supersede(old: Invoice, *, reason: str) -> str:
    lock_row(old)
    if old.status not in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
        raise DomainError(
            "invoice_not_current",
            _("Only the current issued version of an invoice can be corrected."),
            field="invoice",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the invoice is corrected."), field="reason")
    return reason


def _void_in_stripe(old: Invoice) -> None:
    """The superseded version's Stripe invoice, if still open, is voided: the client pays
    the new version. Last step of a correction, so a refusal by Stripe rolls it all back."""
    from kado_tenants.invoicing.collection import stripe_invoice_void

    link = StripeInvoice.objects.select_for_update().filter(invoice=old).first()
    if link is not None and link.status in (StripeInvoiceStatus.DRAFT, StripeInvoiceStatus.OPEN):
        stripe_invoice_void(link=link, invoice=old)


def _new_version(old: Invoice, *, kind: str, reason: str) -> Invoice:
    return Invoice.objects.create(
        client=old.client,
        kind=kind,
        supersedes=old,
        correction_reason=reason,
        tax_rounding=old.tax_rounding,
    )


def _issue_version(new: Invoice, old: Invoice, *, issued_on, due_on) -> None:
    _stamp(new, issuer=_issuer(), issued_on=issued_on, due_on=due_on)
    if issued_on < old.issued_on:
        raise DomainError(
            "issued_before_original",
            _("A correction cannot be dated before the invoice it corrects."),
            field="issued_on",
        )
    new.number = old.number
    new.fiscal_year = old.fiscal_year
    new.sequence = old.sequence
    new.version = old.version + 1
    old.status = InvoiceStatus.SUPERSEDED
    old.save(update_fields=["status", "updated_at"])
    _finish_issue(new)


@transaction.atomic
def invoice_correct(
    *,
    invoice: Invoice,
    reason: str,
    lines: Iterable[dict] | None = None,
    issued_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    acting_user=None,
) -> Invoice:
    """Issue a corrected version of an issued invoice: same number, next version, the
    reason said, the old version kept (marked superseded). `lines` (dicts of description,
    transaction_date, amount, tax_rate and optionally order, an Order or its id) replace the
    old lines; by default they are copied (e.g. to correct the issuer's or client's details)."""
    issued_on = (
        timezone.localdate() if issued_on is None else check_date(issued_on, field="issued_on")
    )
    reason = _supersede(invoice, reason=reason)
    if invoice.status == InvoiceStatus.PAID:
        raise DomainError(
            "invoice_paid",
            _("A paid invoice can only be cancelled with a credit note."),
            field="invoice",
        )
    old_lines = list(invoice.lines.select_related("order").order_by("position"))
    if lines is None:
        values = [
            {
                "description": line.description,
                "transaction_date": line.transaction_date,
                "amount": line.amount,
                "tax_rate": line.tax_rate,
                "order": line.order,
            }
            for line in old_lines
        ]
    else:
        values = [
            _line_values(dict(line), index, allow_negative=False)
            for index, line in enumerate(lines)
        ]
        allowed_orders = {line.order_id for line in old_lines if line.order_id}
        # A line names its order by the row or by its id; either is looked up in this
        # region, so an id that is no order here is refused rather than dropped.
        named = {
            index: getattr(line["order"], "pk", line["order"])
            for index, line in enumerate(values)
            if line["order"] is not None
        }
        # `type(pk) is int` refuses True and False too, which isinstance would take.
        found = Order.objects.in_bulk({pk for pk in named.values() if type(pk) is int})
        for index, pk in named.items():
            if type(pk) is not int or pk not in found:
                raise DomainError(
                    "order_not_found",
                    _("An order was not found."),
                    field=f"lines.{index}.order",
                )
            if pk not in allowed_orders:
                raise DomainError(
                    "order_not_on_invoice",
                    _("A correction can only name orders of the invoice it corrects."),
                    field=f"lines.{index}.order",
                )
            values[index]["order"] = found[pk]
    if not values:
        raise DomainError("lines_required", _("An invoice needs at least one line."), field="lines")
    if len(values) > MAX_LINES:
        raise DomainError("too_many_lines", _("An invoice has at most 200 lines."), field="lines")
    new = _new_version(invoice, kind=InvoiceKind.INVOICE, reason=reason)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=new, position=position, **line)
        for position, line in enumerate(values, start=1)
    )
    _issue_version(new, invoice, issued_on=issued_on, due_on=due_on)
    _void_in_stripe(invoice)
    _audit(
        new,
        "invoice.correct",
        acting_user,
        supersedes_id=invoice.pk,
        previous_total=invoice.total,
        reason="given",
    )
    return new


@transaction.atomic
def invoice_credit_note(
    *,
    invoice: Invoice,
    reason: str,
    issued_on: datetime.date | None = None,
    acting_user=None,
) -> Invoice:
    """Cancel an issued (or paid) invoice with a credit note (適格返還請求書): the next
    version of its number with every line negated, so its total is minus the original's.
    Its orders keep their status; a paid amount is refunded outside this system."""
    issued_on = (
        timezone.localdate() if issued_on is None else check_date(issued_on, field="issued_on")
    )
    reason = _supersede(invoice, reason=reason)
    if invoice.is_credit_note:
        raise DomainError(
            "already_credited",
            _("This version is already a credit note."),
            field="invoice",
        )
    new = _new_version(invoice, kind=InvoiceKind.CREDIT_NOTE, reason=reason)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=new,
            position=line.position,
            order=line.order,
            description=line.description,
            transaction_date=line.transaction_date,
            tax_rate=line.tax_rate,
            amount=-line.amount,
        )
        for line in invoice.lines.order_by("position")
    )
    _issue_version(new, invoice, issued_on=issued_on, due_on=issued_on)
    _void_in_stripe(invoice)
    _audit(new, "invoice.credit_note", acting_user, supersedes_id=invoice.pk, reason="given")
    return new


# --- payment --------------------------------------------------------------------------


@transaction.atomic
def invoice_mark_paid(
    *, invoice: Invoice, paid_on: datetime.date, amount: int, acting_user=None, source: str = ""
) -> Invoice:
    """Record that the invoice's total was received: the invoice and its orders are paid.

    Refused when the amount is not the invoice's total; a second call changes nothing."""
    lock_row(invoice)
    if invoice.status == InvoiceStatus.PAID:
        return invoice
    if invoice.status != InvoiceStatus.ISSUED or invoice.is_credit_note:
        raise DomainError(
            "invoice_not_payable",
            _("Only the current issued version of an invoice can be paid."),
            field="invoice",
        )
    if _yen(amount, field="amount") != invoice.total:
        raise DomainError(
            "amount_mismatch",
            _("The amount received (%(amount)s yen) is not the invoice total (%(total)s yen)."),
            field="amount",
            params={"amount": amount, "total": invoice.total},
        )
    paid_on = max(check_date(paid_on, field="paid_on"), invoice.issued_on)
    order_pks = list(
        invoice.lines.exclude(order=None).values_list("order_id", flat=True).order_by("order_id")
    )
    prefetch_related_objects([invoice], "lines")  # order_transition checks each order on it
    for order in Order.objects.select_for_update().filter(pk__in=order_pks).order_by("pk"):
        if order.status == OrderStatus.INVOICED:
            order_transition(
                order=order,
                to_status=OrderStatus.PAID,
                on_date=max(paid_on, order.invoiced_on or paid_on),
                acting_user=acting_user,
                invoice=invoice,
            )
    invoice.status = InvoiceStatus.PAID
    invoice.paid_on = paid_on
    invoice.save(update_fields=["status", "paid_on", "updated_at"])
    _audit(invoice, "invoice.paid", acting_user, paid_on=paid_on.isoformat(), source=source)
    return invoice


@transaction.atomic
def invoice_stripe_event_apply(
    *,
    number: str,
    version: int,
    stripe_invoice_id: str,
    stripe_status: str,
    event_created: int,
    amount_paid: int,
    paid_at: int | None,
) -> str:
    """Apply a Stripe invoice event to our invoice in this region; returns the outcome.

    Events can come twice or out of order: the Stripe status only moves forward (an
    older or lower one is `stale`), and `paid` marks our invoice and its orders paid
    once. Outcomes are the billing app's EventOutcome values.
    """
    invoice = Invoice.objects.filter(number=number, version=version).first()
    link = (
        StripeInvoice.objects.select_for_update()
        .filter(stripe_invoice_id=stripe_invoice_id)
        .first()
    )
    if invoice is None or link is None or link.invoice_id != invoice.pk:
        return "unroutable"
    if stripe_status not in STRIPE_STATUS_RANK:
        return "ignored"
    current = STRIPE_STATUS_RANK[StripeInvoiceStatus(link.status)]
    incoming = STRIPE_STATUS_RANK[StripeInvoiceStatus(stripe_status)]
    if incoming < current or (incoming == current and stripe_status == link.status):
        return "stale"
    if link.status in (StripeInvoiceStatus.PAID, StripeInvoiceStatus.VOID):
        return "stale"  # final: nothing moves a paid or void invoice
    outcome = "applied"
    if stripe_status == StripeInvoiceStatus.PAID:
        lock_row(invoice)
        if invoice.status == InvoiceStatus.SUPERSEDED:
            outcome = "superseded"  # money came in on an old version: settle it by hand
        elif amount_paid != invoice.total:
            outcome = "amount_mismatch"
        else:
            paid_day = timezone.localtime(
                datetime.datetime.fromtimestamp(paid_at or event_created, datetime.UTC)
            ).date()
            invoice_mark_paid(
                invoice=invoice, paid_on=paid_day, amount=amount_paid, source="stripe"
            )
    link.status = stripe_status
    link.last_event_created = max(link.last_event_created, event_created)
    link.save(update_fields=["status", "last_event_created", "updated_at"])
    audit_record(
        action="invoice.stripe_status",
        instance=link,
        changes={
            "number": number,
            "version": version,
            "stripe_status": stripe_status,
            "outcome": outcome,
            "amount_paid": amount_paid,
        },
    )
    return outcome


@transaction.atomic
def invoice_email_send(*, invoice: Invoice, acting_user=None) -> InvoiceEmail:
    """E-mail an issued invoice's PDF to its client, once per version.

    The row is written first and the mail sent only after the transaction commits, so a
    rollback sends nothing and a second call (a retried task) finds the row and sends
    nothing again.
    """
    from django.core.mail import EmailMessage

    from kado_tenants.invoicing.pdf import invoice_pdf

    invoice = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    existing = InvoiceEmail.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    if invoice.status not in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
        raise DomainError(
            "invoice_not_issued", _("Only an issued invoice can be sent."), field="invoice"
        )
    recipient = (invoice.client.email or "").strip()
    if not recipient:
        raise DomainError(
            "client_email_missing",
            _("The client has no e-mail address to send the invoice to."),
            field="email",
        )
    sent = InvoiceEmail.objects.create(invoice=invoice, recipient=recipient)
    audit_record(
        action="invoice.email",
        actor=acting_user,
        instance=invoice,
        changes={"number": invoice.number, "version": invoice.version},
    )
    message = EmailMessage(
        subject=f"請求書 {invoice.number} / Invoice {invoice.number}",
        body=f"{invoice.client_name} 御中\n\n請求書 {invoice.number} を添付いたします。\n{invoice.issuer_name}\n",
        to=[recipient],
    )
    message.attach(
        f"invoice-{invoice.number}-v{invoice.version}.pdf", invoice_pdf(invoice), "application/pdf"
    )
    transaction.on_commit(message.send)
    return sent
