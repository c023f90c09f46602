"""The federation's enumerations, importable by the edges without its models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MoneyKind(models.TextChoices):
    BILLED = "billed", _("Billed")
    COLLECTED = "collected", _("Collected")
    PAID_OUT = "paid_out", _("Paid out")


class OutcomeKind(models.TextChoices):
    """The moves the outcomes report counts: the first challenge (a worker's first move to
    active; coming back to active is not a new start), then, stored as the status entered,
    the second challenge's two outcomes and the safety net. Leaving KADO is not one."""

    STARTED = "started", _("Started working")
    EMPLOYED = "employed", _("Moved to employment")
    SOCIAL_PARTICIPATION = "social_participation", _("Other social participation")
    RETURNED = "returned", _("Returned to KADO")


#: The report's key for each outcome's count of workers.
OUTCOME_KEYS = {
    OutcomeKind.STARTED: "started_working",
    OutcomeKind.EMPLOYED: "moved_to_employment",
    OutcomeKind.SOCIAL_PARTICIPATION: "moved_to_social_participation",
    OutcomeKind.RETURNED: "returned",
}
