"""The federation's enumerations, importable by the edges without its models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MoneyKind(models.TextChoices):
    BILLED = "billed", _("Billed")
    COLLECTED = "collected", _("Collected")
    PAID_OUT = "paid_out", _("Paid out")
