"""Choices of the billing app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventOutcome(models.TextChoices):
    PENDING = "pending", _("Received, not applied yet")
    APPLIED = "applied", _("Applied")
    IGNORED = "ignored", _("Ignored (not a type we act on)")
    STALE = "stale", _("Older than the state it would change")
    UNROUTABLE = "unroutable", _("No region or object to apply it to")
    AMOUNT_MISMATCH = "amount_mismatch", _("The amount paid is not the invoice total")
    SUPERSEDED = "superseded", _("Paid on a superseded invoice version")
    REFUSED = "refused", _("Refused by the region's rules (settle by hand)")


class SubscriptionStatus(models.TextChoices):
    """Stripe's subscription statuses, as Stripe names them."""

    INCOMPLETE = "incomplete", _("Incomplete")
    INCOMPLETE_EXPIRED = "incomplete_expired", _("Incomplete, expired")
    TRIALING = "trialing", _("Trialing")
    ACTIVE = "active", pgettext_lazy("subscription", "Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELED = "canceled", _("Canceled")
    UNPAID = "unpaid", _("Unpaid")
    PAUSED = "paused", _("Paused")
