"""Choices of the workforce app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerStatus(models.TextChoices):
    """The policy journey: first challenge, second challenge (employment or other social
    participation), the safety net, and leaving KADO, so that people who stopped are no
    longer counted as active."""

    APPLICANT = "applicant", _("Applicant")
    TRAINING = "training", _("In training")
    ACTIVE = "active", _("Active")
    EMPLOYED = "employed", _("Moved to employment")
    SOCIAL_PARTICIPATION = "social_participation", _("Other social participation")
    RETURNED = "returned", _("Returned")
    LEFT = "left", _("Left")


class ConstraintReason(models.TextChoices):
    CHILDCARE = "childcare", _("Childcare")
    CAREGIVING = "caregiving", _("Caregiving")
    DISABILITY = "disability", _("Disability")
    HEALTH = "health", _("Health")
    SINGLE_PARENT = "single_parent", _("Single-parent household")
    OTHER = "other", _("Other")
