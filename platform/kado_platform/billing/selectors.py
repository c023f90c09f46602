"""Reads of the billing app: the Stripe events received but not applied yet."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from kado_platform.billing.models import StripeEvent
from kado_platform.regions.selectors import region_find


def stripe_events_unprocessed(*, older_than: datetime.timedelta | None = None) -> QuerySet:
    """Events the webhook recorded whose apply task has not committed yet, oldest first.

    `older_than` leaves out the ones a queued task is most likely still about to apply.
    """
    events = StripeEvent.objects.filter(processed_at__isnull=True)
    if older_than is not None:
        events = events.filter(received_at__lte=timezone.now() - older_than)
    return events.order_by("received_at", "id")


def stripe_event_schema(record: StripeEvent) -> str:
    """The schema the event's apply task runs in: its region's, or `public` for none."""
    region = region_find(code=record.region_code)
    return region.schema_name if region is not None else "public"
