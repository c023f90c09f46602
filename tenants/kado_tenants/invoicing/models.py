"""Qualified invoices (適格請求書) to the region's clients, and their collection state.

An issued invoice is a legal document: its content never changes (the database refuses
it, see migrations/0002), only its status moves forward (issued → paid, issued or paid →
superseded) and the day it was paid is stamped once. A correction is a new version of
the same number that names the one it supersedes; a credit note is such a version with
a negative total and a reason.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kado_platform.core.validators import validate_invoice_registration_number
from kado_tenants.clients.models import Client
from kado_tenants.invoicing.choices import (
    BankAccountType,
    InvoiceKind,
    InvoiceStatus,
    StripeInvoiceStatus,
    TaxRate,
    TaxRounding,
)
from kado_tenants.orders.models import Order


class InvoiceIssuer(models.Model):
    """The region's own details as the issuer of its invoices: one row per region."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    name = models.CharField(_("issuer name"), max_length=200)
    registration_number = models.CharField(
        _("invoice registration number"),
        max_length=14,
        validators=[validate_invoice_registration_number],
        help_text=_("適格請求書発行事業者登録番号: T and 13 digits."),
    )
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=60)
    bank_branch = models.CharField(_("branch"), max_length=60)
    bank_account_type = models.CharField(
        _("account type"),
        max_length=10,
        choices=BankAccountType.choices,
        default=BankAccountType.ORDINARY,
    )
    bank_account_number = models.CharField(_("account number"), max_length=7)
    bank_account_holder = models.CharField(_("account holder (kana)"), max_length=100)
    tax_rounding = models.CharField(
        _("tax rounding"),
        max_length=5,
        choices=TaxRounding.choices,
        default=TaxRounding.FLOOR,
        help_text=_("Applied once per invoice per tax rate."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invoice issuer")
        verbose_name_plural = _("invoice issuer")
        constraints = [
            models.CheckConstraint(name="invoiceissuer_single_row", condition=Q(singleton=True)),
            models.CheckConstraint(
                name="invoiceissuer_registration_number_shape",
                condition=Q(registration_number__regex=r"^T[0-9]{13}$"),
            ),
            models.CheckConstraint(
                name="invoiceissuer_account_number_shape",
                condition=Q(bank_account_number__regex=r"^[0-9]{7}$"),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.registration_number})"

    @property
    def bank_text(self) -> str:
        kind = "普通" if self.bank_account_type == BankAccountType.ORDINARY else "当座"
        return (
            f"{self.bank_name} {self.bank_branch} {kind} {self.bank_account_number} "
            f"{self.bank_account_holder}"
        )


class InvoiceNumberCounter(models.Model):
    """The last invoice sequence given in a fiscal year; locked while a number is given, so
    numbers have no gaps (a rolled-back issue rolls its number back too)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    last_sequence = models.PositiveIntegerField(_("last sequence"), default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")

    def __str__(self):
        return f"FY{self.fiscal_year}: {self.last_sequence}"


class Invoice(models.Model):
    """One version of an invoice to a client; versions of a correction share its number."""

    number = models.CharField(_("number"), max_length=20, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="invoices"
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    due_on = models.DateField(_("payment due on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    retain_until = models.DateField(_("kept until"), null=True, blank=True)
    tax_rounding = models.CharField(
        _("tax rounding"), max_length=5, choices=TaxRounding.choices, default=TaxRounding.FLOOR
    )
    subtotal = models.BigIntegerField(_("amount before tax (yen)"), default=0)
    tax_total = models.BigIntegerField(_("consumption tax (yen)"), default=0)
    total = models.BigIntegerField(_("total (yen)"), default=0)
    # The issuer and the counterparty as they were on the day of issue.
    issuer_name = models.CharField(_("issuer name"), max_length=200, blank=True)
    issuer_registration_number = models.CharField(
        _("invoice registration number"), max_length=14, blank=True
    )
    issuer_address = models.CharField(_("issuer address"), max_length=320, blank=True)
    issuer_phone = models.CharField(_("issuer phone"), max_length=20, blank=True)
    issuer_bank = models.CharField(_("bank account for transfer"), max_length=300, blank=True)
    client_name = models.CharField(_("client name"), max_length=200, blank=True)
    client_corporate_number = models.CharField(
        _("client corporate number"), max_length=13, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [
            # 電子帳簿保存法: searchable by date, amount and counterparty.
            models.Index(fields=["issued_on"], name="invoice_issued_on"),
            models.Index(fields=["total"], name="invoice_total"),
            models.Index(fields=["client", "issued_on"], name="invoice_client_issued_on"),
            models.Index(fields=["client_name"], name="invoice_client_name"),
            models.Index(fields=["status"], name="invoice_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"],
                condition=~Q(number=""),
                name="invoice_number_version_unique",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "sequence", "version"],
                condition=Q(sequence__isnull=False),
                name="invoice_sequence_version_unique",
            ),
            models.CheckConstraint(
                name="invoice_issued_complete",
                condition=Q(status=InvoiceStatus.DRAFT)
                | (
                    ~Q(number="")
                    & Q(issued_on__isnull=False, due_on__isnull=False)
                    & Q(retain_until__isnull=False, fiscal_year__isnull=False)
                    & Q(issuer_registration_number__regex=r"^T[0-9]{13}$")
                ),
            ),
            models.CheckConstraint(
                name="invoice_total_adds_up",
                condition=Q(total=F("subtotal") + F("tax_total")),
            ),
            models.CheckConstraint(
                name="invoice_never_negative_except_credit_note",
                condition=Q(kind=InvoiceKind.CREDIT_NOTE)
                | Q(subtotal__gte=0, tax_total__gte=0, total__gte=0),
            ),
            models.CheckConstraint(
                name="invoice_credit_note_negative_with_reason",
                condition=Q(kind=InvoiceKind.INVOICE)
                | (Q(total__lte=0, supersedes__isnull=False) & ~Q(correction_reason="")),
            ),
            models.CheckConstraint(
                name="invoice_correction_has_reason",
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
            ),
            models.CheckConstraint(
                name="invoice_paid_has_date",
                condition=~Q(status=InvoiceStatus.PAID) | Q(paid_on__isnull=False),
            ),
        ]

    def __str__(self):
        if not self.number:
            return f"draft #{self.pk}"
        return f"{self.number} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    """One line: what was done, on what day, for how much before tax, at which rate."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    description = models.CharField(_("description"), max_length=200)
    transaction_date = models.DateField(_("transaction date"))
    tax_rate = models.PositiveSmallIntegerField(
        _("tax rate (%)"), choices=TaxRate.choices, default=TaxRate.STANDARD
    )
    amount = models.BigIntegerField(_("amount before tax (yen)"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position"),
            models.CheckConstraint(
                name="invoiceline_known_rate", condition=Q(tax_rate__in=TaxRate.values)
            ),
        ]

    def __str__(self):
        return f"{self.description} {self.amount}"


class InvoiceTaxSubtotal(models.Model):
    """The taxable total and the tax of one rate on one invoice (the tax rounded once)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="tax_subtotals")
    tax_rate = models.PositiveSmallIntegerField(_("tax rate (%)"), choices=TaxRate.choices)
    taxable_amount = models.BigIntegerField(_("taxable amount (yen)"))
    tax_amount = models.BigIntegerField(_("tax (yen)"))

    class Meta:
        verbose_name = _("tax subtotal")
        verbose_name_plural = _("tax subtotals")
        ordering = ["invoice", "-tax_rate"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "tax_rate"], name="invoicetax_one_per_rate"),
        ]

    def __str__(self):
        return f"{self.tax_rate}%: {self.taxable_amount} + {self.tax_amount}"


class StripeCustomer(models.Model):
    """The Stripe Customer that stands for one of the region's clients."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="stripe_customer")
    stripe_customer_id = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")

    def __str__(self):
        return self.stripe_customer_id


class StripeInvoice(models.Model):
    """An issued invoice sent for collection through Stripe Invoicing (JPY)."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="stripe")
    stripe_invoice_id = models.CharField(max_length=100, unique=True)
    stripe_customer_id = models.CharField(max_length=100)
    status = models.CharField(
        max_length=20, choices=StripeInvoiceStatus.choices, default=StripeInvoiceStatus.OPEN
    )
    amount_due = models.BigIntegerField(_("amount due (yen)"))
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    # The `created` time of the last Stripe event applied (seconds since the epoch).
    last_event_created = models.BigIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Stripe invoice")
        verbose_name_plural = _("Stripe invoices")
        constraints = [
            models.CheckConstraint(name="stripeinvoice_amount", condition=Q(amount_due__gte=0)),
        ]

    def __str__(self):
        return self.stripe_invoice_id


class InvoiceEmail(models.Model):
    """An issued invoice's PDF sent to the client by e-mail: at most once per version."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="email")
    recipient = models.EmailField(_("recipient"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice e-mail")
        verbose_name_plural = _("invoice e-mails")

    def __str__(self):
        return f"{self.invoice_id} → {self.recipient}"
