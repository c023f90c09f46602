"""Choices of the workforce app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerStatus(models.TextChoices):
    """The policy journey: first challenge, second challenge, and the safety net."""

    APPLICANT = "applicant", _("Applicant")
    TRAINING = "training", _("In training")
    ACTIVE = "active", _("Active")
    EMPLOYED = "employed", _("Moved to employment")
    RETURNED = "returned", _("Returned")


class ConstraintReason(models.TextChoices):
    CHILDCARE = "childcare", _("Childcare")
    CAREGIVING = "caregiving", _("Caregiving")
    DISABILITY = "disability", _("Disability")
    HEALTH = "health", _("Health")
    SINGLE_PARENT = "single_parent", _("Single-parent household")
    OTHER = "other", _("Other")
