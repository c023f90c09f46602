"""Stripe records of the federation (public schema): every webhook event received, once,
and the platform-fee subscription of each partner region (Stripe Billing on the hub)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kado_platform.billing.choices import EventOutcome, SubscriptionStatus
from kado_platform.regions.models import Region


class StripeEvent(models.Model):
    """A Stripe webhook event, recorded once by its id: a replay finds it and does nothing."""

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=100)
    # Stripe's `created` of the event, seconds since the epoch (orders events per object).
    created = models.BigIntegerField(_("created (Stripe)"))
    livemode = models.BooleanField(default=False)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    region_code = models.CharField(_("region"), max_length=31, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=EventOutcome.choices, default=EventOutcome.IGNORED
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["object_id"], name="stripeevent_object")]

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
