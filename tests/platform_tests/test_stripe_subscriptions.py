"""Each partner region pays the federation a platform fee through Stripe Billing on the
hub: a subscription per region made by a service, kept current by the webhook
(`customer.subscription.updated/deleted`), replays and older events changing nothing."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from kado_platform.audit.models import AuditEntry
from kado_platform.billing.gateway import use_http_client
from kado_platform.billing.models import RegionSubscription, StripeEvent
from kado_platform.billing.services import region_subscription_create
from kado_platform.billing.testing import FakeStripe, event_payload, signed
from kado_platform.core.errors import DomainError

SECRET = "whsec_platform_test"
PRICE = "price_platform_fee_monthly"


@pytest.fixture
def fake(settings):
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_PLATFORM_PRICE_ID = PRICE
    stripe_fake = FakeStripe()
    use_http_client(stripe_fake)
    yield stripe_fake
    use_http_client(None)


@pytest.fixture
def post(web, fed):
    hub = web(fed.hub)

    def _post(payload, *, header=None):
        response = hub.post(
            "/stripe/webhook",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header or signed(payload, SECRET),
        )
        connection.set_schema_to_public()
        return response

    return _post


def test_a_region_subscribes_to_the_platform_fee(fake, fed):
    row = region_subscription_create(region=fed.beta, acting_user=fed.user("operator"))
    (customer,) = fake.posts("^/v1/customers$")
    (subscription,) = fake.posts("^/v1/subscriptions$")
    assert customer.form["name"] == "ベータ町"
    assert customer.form["metadata[kado_region]"] == "beta"
    assert subscription.form["customer"] == row.stripe_customer_id
    assert subscription.form["items[0][price]"] == PRICE
    assert subscription.form["collection_method"] == "send_invoice"
    assert subscription.form["payment_settings[payment_method_types][0]"] == "customer_balance"
    assert [s.idempotency_key for s in fake.posts()] == [
        "region-subscription:beta:1:customer",
        "region-subscription:beta:1:subscription",
    ]
    assert (row.region, row.price_id, row.status) == (fed.beta, PRICE, "active")
    assert AuditEntry.objects.filter(
        action="region_subscription.create", region_code="beta"
    ).exists()
    with pytest.raises(DomainError) as info:
        region_subscription_create(region=fed.beta)
    assert info.value.code == "subscription_exists"
    with pytest.raises(DomainError) as info:
        region_subscription_create(region=fed.hub)
    assert info.value.code == "region_is_federation"
    assert len(fake.sent) == 2


def test_without_a_price_stripe_billing_refuses_clearly(fake, fed, settings):
    settings.STRIPE_PLATFORM_PRICE_ID = ""
    with pytest.raises(DomainError) as info:
        region_subscription_create(region=fed.alpha)
    assert info.value.code == "stripe_not_configured"
    assert "STRIPE_PLATFORM_PRICE_ID" in info.value.message
    assert fake.sent == [] and not RegionSubscription.objects.exists()


def test_the_webhook_keeps_the_status_current_and_never_goes_back(fake, fed, post):
    row = region_subscription_create(region=fed.alpha)
    now = int(time.time())

    def sub_event(event_id, status, created, kind="updated"):
        obj = {"id": row.stripe_subscription_id, "object": "subscription", "status": status}
        return event_payload(
            event_id=event_id, type=f"customer.subscription.{kind}", obj=obj, created=created
        )

    past_due = sub_event("evt_sub_1", "past_due", now + 10)
    response = post(past_due)
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    row.refresh_from_db()
    assert row.status == "past_due"
    # A replay changes nothing; an event older than the one applied changes nothing.
    assert post(past_due).json()["duplicate"] is True
    assert post(sub_event("evt_sub_0", "active", now + 5)).json()["outcome"] == "stale"
    row.refresh_from_db()
    assert row.status == "past_due"
    assert post(sub_event("evt_sub_2", "active", now + 20)).json()["outcome"] == "applied"
    assert (
        post(sub_event("evt_sub_3", "canceled", now + 30, "deleted")).json()["outcome"] == "applied"
    )
    # After the end, nothing brings it back (a late update for the same subscription).
    assert post(sub_event("evt_sub_4", "active", now + 40)).json()["outcome"] == "stale"
    row.refresh_from_db()
    assert row.status == "canceled"
    assert StripeEvent.objects.filter(event_id__startswith="evt_sub_").count() == 5
    # Canceled: the region can subscribe again, with new keys.
    again = region_subscription_create(region=fed.alpha)
    assert again.pk == row.pk and again.generation == 2 and again.status == "active"
    assert fake.posts("^/v1/subscriptions$")[-1].idempotency_key == (
        "region-subscription:alpha:2:subscription"
    )


def test_stale_and_forged_subscription_events_are_refused(fake, fed, post):
    row = region_subscription_create(region=fed.alpha)
    obj = {"id": row.stripe_subscription_id, "object": "subscription", "status": "canceled"}
    payload = event_payload(event_id="evt_forged", type="customer.subscription.deleted", obj=obj)
    stale = signed(payload, SECRET, timestamp=int(time.time()) - 301)
    forged = signed(payload, "whsec_someone_else")
    for header in (stale, forged):
        assert post(payload, header=header).status_code == 400
    assert post("not json", header=signed("not json", SECRET)).status_code == 400
    assert not StripeEvent.objects.filter(event_id="evt_forged").exists()
    row.refresh_from_db()
    assert row.status == "active"
