"""Stripe on the hub: webhook events (recorded once by the webhook, applied once to their
region by a background task) and the platform-fee subscription each partner region pays
the federation (Stripe Billing)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context

from kado_platform.audit.services import audit_record
from kado_platform.billing.choices import EventOutcome, SubscriptionStatus
from kado_platform.billing.gateway import platform_price_id, stripe_client, stripe_errors, v1
from kado_platform.billing.models import RegionSubscription, StripeEvent
from kado_platform.core.errors import DomainError
from kado_platform.regions.models import Region, RegionKind
from kado_platform.regions.selectors import region_find

logger = logging.getLogger(__name__)

INVOICE_EVENTS = {
    "invoice.finalized": "open",
    "invoice.sent": "open",
    "invoice.paid": "paid",
    "invoice.payment_succeeded": "paid",
    "invoice.marked_uncollectible": "uncollectible",
    "invoice.voided": "void",
}
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}


def _get(obj, key, default=None):
    try:
        value = obj[key]
    except (KeyError, TypeError, IndexError):
        return default
    return default if value is None else value


# --- webhook events -------------------------------------------------------------------

# The fields of an event's object the apply step reads; names, e-mail addresses and
# postal addresses of Stripe's customers are not kept on the hub.
_KEPT = ("id", "object", "status", "amount_paid")


def _essentials(data_object) -> dict:
    kept = {key: _get(data_object, key) for key in _KEPT if _get(data_object, key) is not None}
    metadata = _get(data_object, "metadata", {})
    if isinstance(metadata, dict):
        kept["metadata"] = {
            str(key): str(value)[:200]
            for key, value in metadata.items()
            if str(key).startswith("kado_")
        }
    paid_at = _get(_get(data_object, "status_transitions", {}), "paid_at")
    if paid_at is not None:
        kept["status_transitions"] = {"paid_at": paid_at}
    return kept


def _route(event_type: str, data_object) -> tuple[str, Region | None]:
    """(the region code the event names, the region it goes to or None)."""
    code = str(_get(_get(data_object, "metadata", {}), "kado_region", ""))[:31]
    if event_type in SUBSCRIPTION_EVENTS:
        # The stored link first; our metadata when the link is not written yet.
        row = (
            RegionSubscription.objects.select_related("region")
            .filter(stripe_subscription_id=str(_get(data_object, "id", "")))
            .first()
        )
        if row is not None:
            return row.region.code, row.region
    return code, region_find(code=code)


@transaction.atomic
def stripe_event_record(*, event) -> tuple[StripeEvent, bool]:
    """Record a verified Stripe event once, to be applied by `stripe_event_apply` (a
    background task). Returns (the record, whether it was new).

    The event id is unique in the public schema: a replay (or a concurrent delivery,
    which waits on the first one's insert) finds it and records nothing. A type we do
    not act on, or an event naming no region we have, is settled here and now.
    """
    connection.set_schema_to_public()
    data_object = _get(_get(event, "data", {}), "object", {})
    event_type = str(_get(event, "type", ""))
    code, region = _route(event_type, data_object)
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                event_id=_get(event, "id", ""),
                type=event_type,
                created=int(_get(event, "created", 0)),
                livemode=bool(_get(event, "livemode", False)),
                object_id=str(_get(data_object, "id", ""))[:100],
                region_code=code,
                payload=_essentials(data_object),
            )
    except IntegrityError:
        return StripeEvent.objects.get(event_id=_get(event, "id", "")), False
    if event_type not in INVOICE_EVENTS and event_type not in SUBSCRIPTION_EVENTS:
        _settle(record, EventOutcome.IGNORED)
    elif region is None:
        logger.warning("Stripe event without a known region", extra={"event": record.event_id})
        _settle(record, EventOutcome.UNROUTABLE)
    return record, True


def _settle(record: StripeEvent, outcome: str, region_code: str | None = None) -> None:
    record.outcome = outcome
    if region_code is not None:
        record.region_code = region_code
    record.processed_at = timezone.now()
    record.save(update_fields=["region_code", "outcome", "processed_at"])


@transaction.atomic
def stripe_event_apply(*, event_id: str) -> StripeEvent:
    """Apply a recorded event to its region, once.

    The event's row is locked and its `processed_at` set in the transaction that makes
    the effect: a second run (a redelivered task, a replay re-queued, the sweep) finds it
    set and changes nothing, and a failure half-way rolls back the effect and the marker
    together. A run that meets another run of the same event waits for it, then finds the
    marker. Events of one object arriving out of order are settled by Stripe's `created`
    times.
    """
    with schema_context(get_public_schema_name()):
        record = StripeEvent.objects.select_for_update().get(event_id=event_id)
        if record.processed_at is not None:
            return record
        data_object = record.payload
        if record.type in INVOICE_EVENTS:
            code, outcome = _apply_invoice_event(
                data_object, status=INVOICE_EVENTS[record.type], created=record.created
            )
        elif record.type in SUBSCRIPTION_EVENTS:
            code, outcome = _apply_subscription_event(
                data_object, deleted=record.type.endswith(".deleted"), created=record.created
            )
        else:
            code, outcome = record.region_code, EventOutcome.IGNORED
        _settle(record, outcome, region_code=code or record.region_code)
        return record


def _apply_invoice_event(invoice, *, status: str, created: int) -> tuple[str, str]:
    from kado_tenants.invoicing.services import invoice_stripe_event_apply

    metadata = _get(invoice, "metadata", {})
    code = str(_get(metadata, "kado_region", ""))
    number = str(_get(metadata, "kado_invoice_number", ""))
    version = str(_get(metadata, "kado_invoice_version", ""))
    region = region_find(code=code) if version.isdigit() else None
    if region is None or not number:
        logger.warning("Stripe invoice event without a known region or invoice")
        return code[:31], EventOutcome.UNROUTABLE
    with schema_context(region.schema_name):
        # Same connection, same transaction: the region's rows and the hub's marker
        # commit together.
        try:
            outcome = invoice_stripe_event_apply(
                number=number,
                version=int(version),
                stripe_invoice_id=str(_get(invoice, "id", "")),
                stripe_status=status,
                event_created=created,
                amount_paid=int(_get(invoice, "amount_paid", 0)),
                paid_at=_get(_get(invoice, "status_transitions", {}), "paid_at"),
            )
        except DomainError as error:
            # Recorded for people to settle; Stripe retrying would meet the same refusal.
            logger.warning("Stripe invoice event refused: %s", error.code)
            outcome = EventOutcome.REFUSED
    return region.code, outcome


def _apply_subscription_event(subscription, *, deleted: bool, created: int) -> tuple[str, str]:
    row = (
        RegionSubscription.objects.select_for_update()
        .select_related("region")
        .filter(stripe_subscription_id=str(_get(subscription, "id", "")))
        .first()
    )
    if row is None:
        return "", EventOutcome.UNROUTABLE
    status = SubscriptionStatus.CANCELED if deleted else str(_get(subscription, "status", ""))
    if status not in SubscriptionStatus.values:
        return row.region.code, EventOutcome.IGNORED
    if created < row.last_event_created or row.status == SubscriptionStatus.CANCELED:
        # Older than what we applied, or after the end: a subscription never comes back.
        return row.region.code, EventOutcome.STALE
    before = row.status
    row.status = status
    row.last_event_created = created
    row.save(update_fields=["status", "last_event_created", "updated_at"])
    audit_record(
        action="region_subscription.status",
        instance=row,
        region_code=row.region.code,
        changes={"status": [before, status]},
    )
    return row.region.code, EventOutcome.APPLIED


# --- region subscriptions -------------------------------------------------------------


@transaction.atomic
def region_subscription_create(*, region: Region, acting_user=None) -> RegionSubscription:
    """Subscribe a region to the platform fee (the Price in STRIPE_PLATFORM_PRICE_ID),
    billed to the region by Stripe with bank transfer or card; once per region, again
    only after the previous one was canceled."""
    connection.set_schema_to_public()
    if region.kind == RegionKind.FEDERATION:
        raise DomainError(
            "region_is_federation", _("The federation pays no platform fee."), field="region"
        )
    existing = RegionSubscription.objects.select_for_update().filter(region=region).first()
    if existing is not None and existing.status not in (
        SubscriptionStatus.CANCELED,
        SubscriptionStatus.INCOMPLETE_EXPIRED,
    ):
        raise DomainError(
            "subscription_exists",
            _("This region already has a platform-fee subscription."),
            field="region",
        )
    price = platform_price_id()
    api = v1(stripe_client())
    generation = existing.generation + 1 if existing else 1
    key = f"region-subscription:{region.code}:{generation}"
    metadata = {"kado_region": region.code}
    with stripe_errors():
        customer_id = existing.stripe_customer_id if existing else ""
        if not customer_id:
            customer = api.customers.create(
                params={"name": region.name, "preferred_locales": ["ja"], "metadata": metadata},
                options={"idempotency_key": f"{key}:customer"},
            )
            customer_id = customer.id
        subscription = api.subscriptions.create(
            params={
                "customer": customer_id,
                "items": [{"price": price}],
                "collection_method": "send_invoice",
                "days_until_due": 30,
                "metadata": metadata,
                "payment_settings": {
                    "payment_method_types": ["customer_balance", "card"],
                    "payment_method_options": {
                        "customer_balance": {
                            "funding_type": "bank_transfer",
                            "bank_transfer": {"type": "jp_bank_transfer"},
                        }
                    },
                },
            },
            options={"idempotency_key": f"{key}:subscription"},
        )
    subscription = subscription.to_dict()
    status = str(_get(subscription, "status", SubscriptionStatus.INCOMPLETE))
    row = existing or RegionSubscription(region=region)
    row.stripe_customer_id = customer_id
    row.stripe_subscription_id = subscription["id"]
    row.price_id = price
    row.status = status if status in SubscriptionStatus.values else SubscriptionStatus.INCOMPLETE
    row.generation = generation
    row.last_event_created = int(_get(subscription, "created", 0))
    row.save()
    audit_record(
        action="region_subscription.create",
        actor=acting_user,
        instance=row,
        region_code=region.code,
        changes={"price_id": price, "status": row.status, "generation": generation},
    )
    return row
