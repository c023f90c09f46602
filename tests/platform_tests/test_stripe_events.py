"""The Stripe webhook records an event and hands it to a background task that applies it
to its region once: a second run of the task, a replay and a lost task change nothing
twice, and an event whose task could not be sent stays visible until it is applied.

Tasks run eagerly here (no broker configured); test_celery_sqs.py runs the same task on
a real worker over SQS.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kado_platform.audit.models import AuditEntry
from kado_platform.billing.choices import EventOutcome
from kado_platform.billing.gateway import use_http_client
from kado_platform.billing.models import StripeEvent
from kado_platform.billing.services import region_subscription_create
from kado_platform.billing.testing import FakeStripe, event_payload, signed
from kado_platform.celery_app import app
from kado_platform.tasks import nightly_checks, stripe_event_apply_task
from kado_platform.tasks.billing import stripe_event_enqueue

SECRET = "whsec_handoff_test"
CLOSED_BROKER = "redis://127.0.0.1:1/0"  # port 1: nothing listens there


@pytest.fixture
def fake(settings):
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_PLATFORM_PRICE_ID = "price_platform_fee_monthly"
    stripe_fake = FakeStripe()
    use_http_client(stripe_fake)
    yield stripe_fake
    use_http_client(None)


@pytest.fixture
def post(web, fed):
    hub = web(fed.hub)

    def _post(payload):
        response = hub.post(
            "/stripe/webhook",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload, SECRET),
        )
        connection.set_schema_to_public()
        return response

    return _post


@pytest.fixture
def subscription(fake, fed):
    return region_subscription_create(region=fed.alpha)


def _past_due(row, event_id, *, created=None, status="past_due"):
    obj = {
        "id": row.stripe_subscription_id,
        "object": "subscription",
        "status": status,
        "customer": row.stripe_customer_id,
        "customer_email": "keiri@alpha.example.jp",
        "customer_name": "アルファ市 会計課",
        "metadata": {"kado_region": "alpha", "note": "free text"},
    }
    return event_payload(
        event_id=event_id,
        type="customer.subscription.updated",
        obj=obj,
        created=created or int(time.time()) + 10,
    )


def _status_audits(row) -> int:
    return AuditEntry.objects.filter(
        action="region_subscription.status", object_id=str(row.pk)
    ).count()


def _reset_broker_pools():
    # Made again from broker_url on the next send (never closed: kombu shares them).
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_down():
    """Tasks sent to a broker that refuses connections, as in a Redis or SQS outage."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_BROKER
    _reset_broker_pools()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        _reset_broker_pools()


def test_the_webhook_records_and_the_task_applies_once(post, subscription, fed):
    payload = _past_due(subscription, "evt_handoff_1")
    response = post(payload)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "duplicate": False, "outcome": "applied"}
    record = StripeEvent.objects.get(event_id="evt_handoff_1")
    assert record.processed_at is not None and record.region_code == "alpha"
    # Only what the apply step reads is kept on the hub: no names, no e-mail addresses.
    assert record.payload == {
        "id": subscription.stripe_subscription_id,
        "object": "subscription",
        "status": "past_due",
        "metadata": {"kado_region": "alpha"},
    }
    subscription.refresh_from_db()
    assert subscription.status == "past_due" and _status_audits(subscription) == 1
    first = (record.processed_at, subscription.updated_at)

    # The task again (a redelivery after a lost acknowledgement), sent to its region: the
    # marker is found and nothing happens twice.
    again = stripe_event_enqueue(record).get()
    assert again["region"] == "alpha" and again["outcome"] == "applied"
    assert stripe_event_apply_task.delay("evt_handoff_1").get()["outcome"] == "applied"
    record.refresh_from_db()
    subscription.refresh_from_db()
    assert (record.processed_at, subscription.updated_at) == first
    assert _status_audits(subscription) == 1
    # A replay of the webhook is answered and sends nothing.
    assert post(payload).json() == {"received": True, "duplicate": True, "outcome": "applied"}
    assert _status_audits(subscription) == 1


def test_types_we_ignore_and_events_for_no_region_are_settled_without_a_task(post, fed, fake):
    ignored = post(event_payload(event_id="evt_charge", type="charge.refunded", obj={"id": "c"}))
    lost = post(
        event_payload(
            event_id="evt_nowhere",
            type="invoice.paid",
            obj={"id": "in_x", "metadata": {"kado_region": "nowhere"}},
        )
    )
    assert ignored.json()["outcome"] == EventOutcome.IGNORED
    assert lost.json()["outcome"] == EventOutcome.UNROUTABLE
    assert not StripeEvent.objects.filter(
        event_id__in=["evt_charge", "evt_nowhere"], processed_at__isnull=True
    ).exists()
    assert StripeEvent.objects.get(event_id="evt_nowhere").region_code == "nowhere"


def test_a_broker_outage_loses_no_event_and_applies_it_once_later(post, subscription, fed):
    payload = _past_due(subscription, "evt_outage_1")
    with broker_down():
        response = post(payload)
        # Stripe is told to come back; the event is already kept.
        assert response.status_code == 503
        assert response.json() == {"received": True, "duplicate": False, "error": "queued later"}
        # Stripe's retry during the outage: recorded once, still not applied.
        assert post(payload).status_code == 503
    record = StripeEvent.objects.get(event_id="evt_outage_1")
    assert (record.outcome, record.processed_at) == (EventOutcome.PENDING, None)
    subscription.refresh_from_db()
    assert subscription.status == "active" and _status_audits(subscription) == 0

    # Visible: `kado stripe pending` lists it, and --check fails while it waits.
    out = io.StringIO()
    call_command("stripe", "pending", stdout=out)
    assert "evt_outage_1\tcustomer.subscription.updated\talpha" in out.getvalue()
    with pytest.raises(CommandError, match="1 Stripe events"):
        call_command("stripe", "pending", "--check", stdout=io.StringIO())

    # The broker is back and Stripe delivers again: applied once.
    again = post(payload)
    assert again.status_code == 200
    assert again.json() == {"received": True, "duplicate": True, "outcome": "applied"}
    subscription.refresh_from_db()
    assert subscription.status == "past_due" and _status_audits(subscription) == 1
    call_command("stripe", "pending", "--check", stdout=io.StringIO())
    assert post(payload).json()["outcome"] == "applied"
    assert _status_audits(subscription) == 1


def test_the_nightly_sweep_and_the_command_send_lost_events_again(post, subscription, fed):
    now = int(time.time())
    with broker_down():
        assert post(_past_due(subscription, "evt_lost_old", created=now + 10)).status_code == 503
        newer = _past_due(subscription, "evt_lost_new", created=now + 20, status="unpaid")
        assert post(newer).status_code == 503
    # Only events older than the sweep's delay are sent again (a young one may still have
    # its task on the way).
    StripeEvent.objects.filter(event_id="evt_lost_old").update(
        received_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    result = nightly_checks.delay().get()
    assert result["stripe_events_requeued"] == ["evt_lost_old"]
    assert StripeEvent.objects.get(event_id="evt_lost_old").outcome == "applied"
    assert StripeEvent.objects.get(event_id="evt_lost_new").processed_at is None

    out = io.StringIO()
    call_command("stripe", "pending", "--requeue", stdout=out)
    assert "evt_lost_new" in out.getvalue() and "Sent 1 again" in out.getvalue()
    assert not StripeEvent.objects.filter(
        event_id__startswith="evt_lost_", processed_at__isnull=True
    ).exists()
    subscription.refresh_from_db()
    assert subscription.status == "unpaid" and _status_audits(subscription) == 2
    assert subscription.last_event_created == now + 20
    assert nightly_checks.delay().get()["stripe_events_requeued"] == []


def test_a_stripe_outage_is_a_clear_error_that_tasks_retry(fake, fed):
    from kado_platform.billing.gateway import StripeUnavailable
    from kado_platform.billing.models import RegionSubscription
    from kado_platform.core.errors import DomainError

    fake.down = True
    with pytest.raises(StripeUnavailable) as info:
        region_subscription_create(region=fed.alpha)
    assert isinstance(info.value, DomainError) and info.value.code == "stripe_unavailable"
    assert "しばらくしてからもう一度お試しください" in info.value.message
    assert fake.posts("^/v1/customers$")  # it did try, and nothing was kept
    assert not RegionSubscription.objects.filter(region=fed.alpha).exists()
    # A task that meets it is retried with backoff, not failed.
    assert StripeUnavailable in stripe_event_apply_task.autoretry_for
    # A refusal is not an outage: not retried.
    fake.down, fake.fail_on = False, "^/v1/customers$"
    with pytest.raises(DomainError) as refused:
        region_subscription_create(region=fed.alpha)
    assert refused.value.code == "stripe_error"
    assert not isinstance(refused.value, StripeUnavailable)
    # Stripe is back: the same idempotency keys, one customer and one subscription.
    row = region_subscription_create(region=fed.alpha)
    assert row.status == "active"
    assert {s.idempotency_key for s in fake.posts("^/v1/subscriptions$")} == {
        "region-subscription:alpha:1:subscription"
    }
