"""Stripe's webhook on the hub host: POST /stripe/webhook.

The signature is checked on the raw body (Stripe-Signature: t=…,v1=HMAC-SHA256 of
"t.body"), refusing anything older than five minutes; a bad, missing or stale signature
or a body that is not an event is a 400 and changes nothing. A verified event is
recorded once by its id (services.stripe_event_record) and handed to a background task
that applies it to its region (tasks.billing); the answer does not wait for that. A
replay is answered 200 and records nothing; one of an event not applied yet sends its
task again. When the broker cannot take the task, the answer is a 503: the record is
kept, and Stripe's next delivery (or the nightly sweep) sends it again.
"""

from __future__ import annotations

import json
import logging

import stripe
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kado_platform.billing.gateway import webhook_secret
from kado_platform.billing.services import stripe_event_record
from kado_platform.core.errors import DomainError
from kado_platform.tasks.billing import stripe_event_enqueue

logger = logging.getLogger(__name__)

TOLERANCE_SECONDS = 300
MAX_BODY_BYTES = 512 * 1024


def _refuse(reason: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


@csrf_exempt
@require_POST
def stripe_webhook(request) -> HttpResponse:
    try:
        secret = webhook_secret()
    except DomainError as error:
        return _refuse(error.message, status=503)
    if len(request.body) > MAX_BODY_BYTES:
        return _refuse("body too large", status=413)
    payload = request.body  # the raw bytes Stripe signed, never re-serialized
    try:
        stripe.Webhook.construct_event(
            payload,
            request.headers.get("Stripe-Signature"),
            secret,
            tolerance=TOLERANCE_SECONDS,
        )
        # Verified: the same bytes, as plain JSON for the services.
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        logger.warning("Stripe webhook with a bad or stale signature refused")
        return _refuse("bad signature")
    except (ValueError, UnicodeDecodeError):
        return _refuse("not an event")
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("created"), int)
    ):
        return _refuse("not an event")
    record, new = stripe_event_record(event=event)
    if record.processed_at is None:
        try:
            stripe_event_enqueue(record)
        except Exception:
            # Kept, not applied: Stripe delivers again later and the sweep re-sends.
            logger.exception(
                "Stripe event recorded but its task could not be sent",
                extra={"event": record.event_id},
            )
            return JsonResponse(
                {"received": True, "duplicate": not new, "error": "queued later"}, status=503
            )
        # With eager tasks (development, tests) it is applied by now; else "pending".
        record.refresh_from_db()
    return JsonResponse({"received": True, "duplicate": not new, "outcome": record.outcome})
