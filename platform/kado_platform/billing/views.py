"""Stripe's webhook on the hub host: POST /stripe/webhook.

The signature is checked on the raw body (Stripe-Signature: t=…,v1=HMAC-SHA256 of
"t.body"), refusing anything older than five minutes; a bad, missing or stale signature
or a body that is not an event is a 400 and changes nothing. A verified event is
recorded once by its id and applied (see services.stripe_event_record); a replay is
answered 200 and changes nothing.
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
    return JsonResponse({"received": True, "duplicate": not new, "outcome": record.outcome})
