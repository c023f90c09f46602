"""Stripe webhook follow-up: the webhook records an event and answers; these apply it.

The apply task is sent to run in the event's region (tenant-schemas-celery's schema
header); the service routes by the stored record anyway, so a task on the wrong queue
cannot apply an event to another region.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection

from kado_platform.billing.selectors import stripe_event_schema, stripe_events_unprocessed
from kado_platform.billing.services import stripe_event_apply
from kado_platform.celery_app import in_region
from kado_platform.tasks.base import kado_task

logger = logging.getLogger(__name__)

# An event still unapplied this long after it came in has lost its task (a broker
# outage when it was sent, or every retry spent): the sweep sends it again.
REQUEUE_AFTER = datetime.timedelta(minutes=15)


@kado_task("kado.stripe_event_apply")
def stripe_event_apply_task(event_id: str) -> dict:
    """Apply one recorded Stripe event; a second run of the same event changes nothing."""
    region = connection.schema_name
    record = stripe_event_apply(event_id=event_id)
    return {
        "event": record.event_id,
        "region": region,
        "outcome": record.outcome,
        "processed_at": record.processed_at.isoformat() if record.processed_at else None,
    }


def stripe_event_enqueue(record):
    """Send the apply task to the event's region (`public` when it names none we have).

    Raises the broker's error when the broker cannot take it: the record stays, unapplied,
    for Stripe's next delivery or the sweep.
    """
    return in_region(stripe_event_apply_task, stripe_event_schema(record), args=[record.event_id])


def stripe_events_requeue(*, older_than: datetime.timedelta = REQUEUE_AFTER) -> list[str]:
    """Send the apply task again for every event received but not applied; returns the ids.

    Harmless for an event whose task is only late: whichever run commits first applies
    it, and the other finds it applied.
    """
    sent = []
    for record in stripe_events_unprocessed(older_than=older_than):
        logger.warning(
            "Stripe event received but not applied: sent again",
            extra={"event": record.event_id, "region": record.region_code},
        )
        stripe_event_enqueue(record)
        sent.append(record.event_id)
    return sent


@kado_task("kado.stripe_events_requeue")
def stripe_events_requeue_task(older_than_minutes: int = 15) -> list[str]:
    return stripe_events_requeue(older_than=datetime.timedelta(minutes=older_than_minutes))
