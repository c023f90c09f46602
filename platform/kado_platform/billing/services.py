"""Stripe on the hub: webhook events (each applied once, routed to its region) and the
platform-fee subscription each partner region pays the federation (Stripe Billing)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from kado_platform.audit.services import audit_record
from kado_platform.billing.choices import EventOutcome, SubscriptionStatus
from kado_platform.billing.gateway import platform_price_id, stripe_client, stripe_errors, v1
from kado_platform.billing.models import RegionSubscription, StripeEvent
from kado_platform.core.errors import DomainError
from kado_platform.regions.models import Region, RegionKind

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


@transaction.atomic
def stripe_event_record(*, event) -> tuple[StripeEvent, bool]:
    """Apply a verified Stripe event once. Returns (the record, whether it was new).

    The event id is unique in the public schema: a replay (or a concurrent delivery,
    which waits on the first one's insert) finds it and changes nothing. Any error
    rolls the record back too, so Stripe's retry is applied afresh.
    """
    connection.set_schema_to_public()
    data_object = _get(_get(event, "data", {}), "object", {})
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                event_id=_get(event, "id", ""),
                type=_get(event, "type", ""),
                created=int(_get(event, "created", 0)),
                livemode=bool(_get(event, "livemode", False)),
                object_id=str(_get(data_object, "id", ""))[:100],
            )
    except IntegrityError:
        return StripeEvent.objects.get(event_id=_get(event, "id", "")), False
    if record.type in INVOICE_EVENTS:
        record.region_code, record.outcome = _apply_invoice_event(
            data_object, status=INVOICE_EVENTS[record.type], created=record.created
        )
    elif record.type in SUBSCRIPTION_EVENTS:
        record.region_code, record.outcome = _apply_subscription_event(
            data_object, deleted=record.type.endswith(".deleted"), created=record.created
        )
    record.save(update_fields=["region_code", "outcome"])
    return record, True


def _apply_invoice_event(invoice, *, status: str, created: int) -> tuple[str, str]:
    from kado_tenants.invoicing.services import invoice_stripe_event_apply

    metadata = _get(invoice, "metadata", {})
    code = str(_get(metadata, "kado_region", ""))
    number = str(_get(metadata, "kado_invoice_number", ""))
    version = str(_get(metadata, "kado_invoice_version", ""))
    region = (
        Region.objects.regions().filter(code=code).first() if code and version.isdigit() else None
    )
    if region is None or not number:
        logger.warning("Stripe invoice event without a known region or invoice")
        return code[:31], EventOutcome.UNROUTABLE
    with schema_context(region.schema_name):
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
    connection.set_schema_to_public()
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
