"""Choices of the orders app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    HOURLY = "hourly", _("Hourly (quasi-mandate)")
    PER_DELIVERABLE = "per_deliverable", _("Per deliverable")
