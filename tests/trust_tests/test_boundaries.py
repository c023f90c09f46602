"""The other leak paths: the cache, a session cookie replayed over real HTTP, Celery and
S3, and Stripe's webhook delivered twice, concurrently, reordered, late.
"""

from __future__ import annotations

import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core.cache import caches
from django.db import connection
from django_tenants.utils import schema_context

from kado_platform.billing.testing import event_payload, signed

# --- cache ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    ["locmem", "redis"],
)
def test_the_same_cache_key_under_two_regions_never_meets(fed, settings, backend, redis_url):
    if backend == "redis" and redis_url is None:
        pytest.skip("no redis-server on this machine: the local-memory cache is what runs")
    location = redis_url if backend == "redis" else "trust"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache"
            if backend == "redis"
            else "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": location,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    cache = caches["default"]
    for region in (fed.alpha, fed.beta):
        with schema_context(region.schema_name):
            cache.set("worker:1", f"{region.code}'s worker 1")
    with schema_context(fed.alpha.schema_name):
        assert cache.get("worker:1") == "alpha's worker 1"
        cache.delete("worker:1")
    with schema_context(fed.beta.schema_name):
        assert cache.get("worker:1") == "beta's worker 1"
    connection.set_schema_to_public()
    assert cache.get("worker:1") is None  # the hub has its own key space too
    # Every alias of the real settings uses the tenant-aware key function.
    from kado_platform import settings as product_settings

    for alias in product_settings.CACHES.values():
        assert alias["KEY_FUNCTION"] == "django_tenants.cache.make_key"


# --- sessions over real HTTP ---------------------------------------------------------


def test_a_session_cookie_replayed_on_another_host_is_refused(
    http_server, fed, figures, http_login
):
    http = http_login(fed.alpha, "alpha_admin")
    cookie = http.cookies["sessionid"]
    own = http.get(f"{http_server.url}/workers/", timeout=30, allow_redirects=False)
    assert own.status_code == 200 and "アルファ 花子" in own.text
    for host in ("ALPHA.localhost.", fed.beta.host, fed.hub.host, "gamma.localhost"):
        stolen = requests.get(
            f"{http_server.url}/workers/",
            headers={"Host": f"{host}:{http_server.port}"},
            cookies={"sessionid": cookie},
            timeout=30,
            allow_redirects=False,
        )
        figures.add("isolation.session_replays")
        if host == "ALPHA.localhost.":
            # The same region spelled differently: the same session, the same data.
            assert stolen.status_code == 200
            continue
        assert stolen.status_code in (302, 403, 404), (host, stolen.status_code)
        assert "アルファ" not in stolen.text and "ベータ 花子" not in stolen.text
    # The replay on beta ended the session everywhere: the cookie is worthless now.
    after = http.get(f"{http_server.url}/workers/", timeout=30, allow_redirects=False)
    assert after.status_code == 302


# --- Celery and S3 -------------------------------------------------------------------


def test_celery_tasks_run_in_their_region(fed, settings):
    """A task sent for a region reads that region's rows only, whoever sends it from where;
    a task sent without one runs on public, where no region table exists."""
    from django.db.utils import ProgrammingError

    from kado_platform.celery_app import app, in_region

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True

    @app.task(name=f"trust.schema_probe.{uuid.uuid4().hex[:6]}")
    def probe():
        from kado_tenants.workforce.models import Worker

        return connection.schema_name, sorted(Worker.objects.values_list("name", flat=True))

    for sender in (fed.hub, fed.alpha, fed.beta):
        for region, other in ((fed.alpha, "ベータ"), (fed.beta, "アルファ")):
            with schema_context(sender.schema_name):
                schema, names = in_region(probe, region).get()
            assert schema == region.schema_name
            assert names and not any(other in name for name in names)
    connection.set_schema_to_public()
    with pytest.raises(ProgrammingError):
        probe.delay().get()  # no region: public, where the region tables do not exist


def _forget_stores():
    """The store is cached per (bucket, region, endpoint): made afresh when the settings
    point it elsewhere, so it neither comes from another test nor stays for the next one."""
    from kado_platform.core import storage

    storage._store.cache_clear()


@pytest.fixture
def s3_outage(start_moto, settings):
    """A bucket on a moto server, and `s3_outage(up=False)` that points the store at a
    loopback port that refuses every connection (bound, never listening, and held for the
    test, so nothing else can answer there): the outage is certain and immediate.
    `s3_outage(up=True)` brings S3 back."""
    with start_moto(access_key="AKIAKADOOUTAGE000000", secret_key="outage", export=True) as moto:
        moto.client("s3", "ap-northeast-1").create_bucket(
            Bucket="trust-outage",
            CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"},
        )
        settings.KADO_S3_BUCKET = "trust-outage"
        settings.KADO_S3_REGION = "ap-northeast-1"
        settings.KADO_S3_ENDPOINT_URL = moto.endpoint
        _forget_stores()
        with socket.socket() as dark:
            dark.bind(("127.0.0.1", 0))
            dark_endpoint = f"http://127.0.0.1:{dark.getsockname()[1]}"

            def switch(*, up: bool) -> None:
                settings.KADO_S3_ENDPOINT_URL = moto.endpoint if up else dark_endpoint

            try:
                yield switch
            finally:
                _forget_stores()


def test_an_s3_outage_is_a_clear_error_and_the_deliverable_stays_pending(
    fed, in_region, s3_outage, figures
):
    from kado_platform.audit.models import AuditEntry
    from kado_platform.core.errors import DomainError
    from kado_tenants.deliverables import services
    from kado_tenants.orders.models import Order

    admin = fed.user("alpha_admin")
    data = b"%PDF-1.7 trust outage"
    with in_region(fed.alpha):
        order = Order.objects.order_by("pk").first()
        deliverable, post = services.deliverable_upload_start(
            order=order,
            filename="report.pdf",
            content_type="application/pdf",
            size=len(data),
            acting_user=admin,
        )
    # The bytes reach S3; then S3 goes away before the upload is confirmed.
    sent = requests.post(
        post.url, data=post.fields, files={"file": ("report.pdf", data)}, timeout=10
    )
    assert sent.status_code == 204, sent.text
    completed = AuditEntry.objects.filter(
        action="deliverable.upload_complete", region_code="alpha", object_id=str(deliverable.pk)
    )
    s3_outage(up=False)
    with in_region(fed.alpha):
        with pytest.raises(DomainError) as refused:
            services.deliverable_upload_complete(deliverable=deliverable, acting_user=admin)
        assert refused.value.code == "storage_unavailable"
        deliverable.refresh_from_db()
        assert deliverable.status == "pending"  # kept, to complete when S3 is back
        assert deliverable.uploaded_at is None
        assert deliverable.key.startswith(f"{fed.alpha.schema_name}/")
    assert not completed.exists()
    s3_outage(up=True)
    with in_region(fed.alpha):
        done = services.deliverable_upload_complete(deliverable=deliverable, acting_user=admin)
        assert done.status == "uploaded" and done.uploaded_at is not None
    assert completed.count() == 1
    figures.note("faults.s3_outage", "storage_unavailable; deliverable kept pending")


# --- Stripe's webhook over real HTTP -------------------------------------------------


def _remove_subscription(row) -> None:
    """A committed subscription, its Stripe events and its audit entries, gone."""
    from kado_platform.audit.models import AuditEntry
    from kado_platform.billing.models import RegionSubscription, StripeEvent

    StripeEvent.objects.filter(object_id=row.stripe_subscription_id).delete()
    AuditEntry.objects.filter(
        object_type=RegionSubscription._meta.label, object_id=str(row.pk)
    ).delete()
    row.delete()


@pytest.fixture(scope="module")
def subscription(django_db_setup, django_db_blocker):
    """A committed platform-fee subscription of beta (gunicorn must see it), removed after.

    A region has one subscription at most: one already committed for beta (left by a run
    that was killed before its clean-up) is removed first, so this one is always made."""
    from kado_platform.billing.models import RegionSubscription
    from kado_platform.regions.selectors import region_get

    sub_id = f"sub_trust_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        beta = region_get(code="beta")
        for leftover in RegionSubscription.objects.filter(region=beta):
            _remove_subscription(leftover)
        row = RegionSubscription.objects.create(
            region=beta,
            stripe_customer_id="cus_trust",
            stripe_subscription_id=sub_id,
            price_id="price_trust",
            status="active",
            last_event_created=1,
        )
    yield row
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        _remove_subscription(row)


def _deliver(server, fed, payload):
    return requests.post(
        f"{server.url}/stripe/webhook",
        data=payload.encode(),
        headers={
            "Host": server.host(fed.hub),
            "Content-Type": "application/json",
            "Stripe-Signature": signed(payload, server.webhook_secret),
        },
        timeout=60,
    )


def test_a_stripe_event_delivered_twice_reordered_or_late_is_applied_once(
    http_server, fed, subscription, figures
):
    from kado_platform.audit.models import AuditEntry
    from kado_platform.billing.models import RegionSubscription, StripeEvent

    sub_id = subscription.stripe_subscription_id
    now = int(time.time())

    def event(event_id, type_, status, created):
        obj = {"id": sub_id, "object": "subscription", "status": status}
        return event_payload(event_id=f"{event_id}_{sub_id}", type=type_, obj=obj, created=created)

    # The same event, 8 deliveries at once: one applies, seven are duplicates.
    first = event("evt_past_due", "customer.subscription.updated", "past_due", now)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _i: _deliver(http_server, fed, first), range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    bodies = [a.json() for a in answers]
    assert sum(not body["duplicate"] for body in bodies) == 1, bodies
    # Late: an older event arrives after a newer one was applied.
    late = _deliver(
        http_server, fed, event("evt_late", "customer.subscription.updated", "active", now - 100)
    ).json()
    assert late["outcome"] == "stale"
    # Reordered: the cancellation (newer) arrives before an update (older).
    cancel = event("evt_cancel", "customer.subscription.deleted", "canceled", now + 20)
    update = event("evt_update", "customer.subscription.updated", "active", now + 10)
    assert _deliver(http_server, fed, cancel).json()["outcome"] == "applied"
    assert _deliver(http_server, fed, update).json()["outcome"] == "stale"
    # And a replay of everything changes nothing more.
    for payload in (first, cancel, update):
        assert _deliver(http_server, fed, payload).json()["duplicate"] is True
    row = RegionSubscription.objects.get(pk=subscription.pk)
    assert row.status == "canceled"
    assert StripeEvent.objects.filter(object_id=sub_id).count() == 4
    applied = AuditEntry.objects.filter(
        action="region_subscription.status", object_id=str(subscription.pk)
    ).count()
    assert applied == 2  # past_due, then canceled: each once
    figures.add("payments.webhook_deliveries", 8 + 3 + 3)
    figures.note(
        "payments.exactly_once", "8 concurrent copies → 1 applied; late and reordered → stale"
    )
