"""Choices of the invoicing app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    SUPERSEDED = "superseded", _("Superseded by a later version")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class TaxRate(models.IntegerChoices):
    """Consumption tax rates in percent: 10% standard, 8% reduced (軽減税率)."""

    STANDARD = 10, _("10% (standard)")
    REDUCED = 8, _("8% (reduced)")


class TaxRounding(models.TextChoices):
    """How the tax of one rate on one invoice is rounded to whole yen (once per rate)."""

    FLOOR = "floor", _("Round down (切り捨て)")
    ROUND = "round", _("Round half up (四捨五入)")
    CEIL = "ceil", _("Round up (切り上げ)")


class BankAccountType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary (普通)")
    CURRENT = "current", _("Current (当座)")


class StripeInvoiceStatus(models.TextChoices):
    """A Stripe invoice's status as we last saw it; it only ever moves forward."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    UNCOLLECTIBLE = "uncollectible", _("Uncollectible")
    VOID = "void", _("Void")


# The forward order of Stripe invoice statuses: an event never moves a status back.
STRIPE_STATUS_RANK = {
    StripeInvoiceStatus.DRAFT: 0,
    StripeInvoiceStatus.OPEN: 1,
    StripeInvoiceStatus.UNCOLLECTIBLE: 2,
    StripeInvoiceStatus.PAID: 3,
    StripeInvoiceStatus.VOID: 3,
}
