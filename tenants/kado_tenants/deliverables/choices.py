"""Choices of the deliverables app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliverableStatus(models.TextChoices):
    PENDING = "pending", _("Upload pending")
    UPLOADED = "uploaded", _("Uploaded")
