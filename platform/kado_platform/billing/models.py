"""Stripe records of the federation (public schema): every webhook event received, once,
and the platform-fee subscription of each partner region (Stripe Billing on the hub)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kado_platform.billing.choices import EventOutcome, SubscriptionStatus
from kado_platform.regions.models import Region


class StripeEvent(models.Model):
    """A Stripe webhook event, recorded once by its id: a replay finds it and does nothing.

    The webhook records it and a background task applies it; `processed_at` is set in the
    transaction that makes the effect, so an event is applied once or not at all, and one
    received but never applied stays visible (`processed_at` empty) until it is.
    """

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=100)
    # Stripe's `created` of the event, seconds since the epoch (orders events per object).
    created = models.BigIntegerField(_("created (Stripe)"))
    livemode = models.BooleanField(default=False)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    region_code = models.CharField(_("region"), max_length=31, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=EventOutcome.choices, default=EventOutcome.PENDING
    )
    # What the apply step needs of the event's object (ids, statuses, amounts, our own
    # `kado_*` metadata) and nothing more: no names or addresses of Stripe's customers.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["object_id"], name="stripeevent_object"),
            models.Index(
                fields=["received_at"],
                name="stripeevent_unprocessed",
                condition=Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.event_id} {self.type}"


class RegionSubscription(models.Model):
    """The platform fee a region pays the federation, as a Stripe Billing subscription."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="subscription"
    )
    stripe_customer_id = models.CharField(max_length=100)
    stripe_subscription_id = models.CharField(max_length=100, unique=True)
    price_id = models.CharField(_("Stripe price"), max_length=100)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.INCOMPLETE,
    )
    # Made again after a cancellation: part of the idempotency keys of the new one.
    generation = models.PositiveSmallIntegerField(default=1)
    last_event_created = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region subscription")
        verbose_name_plural = _("region subscriptions")

    def __str__(self):
        return f"{self.region_id}: {self.stripe_subscription_id} ({self.status})"
