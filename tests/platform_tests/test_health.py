"""`/healthz` and `/readyz`: answered for any Host, 503 naming the failed check."""

from __future__ import annotations

import pytest
from django.test import Client

from kado_platform.core import health


@pytest.mark.parametrize("host", ["10.0.12.34:8000", "localhost", "alpha.localhost"])
def test_healthz_answers_for_any_host_even_a_load_balancer_probe(db, host):
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_answers(fed):
    response = Client(HTTP_HOST="10.0.12.34:8000").get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "broker": "not configured"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("region", ["hub", "alpha"])
def test_readyz_is_routed_on_the_hub_and_on_region_hosts(fed, region):
    from django.urls import resolve

    target = getattr(fed, region)
    urlconf = "kado_platform.urls.hub" if region == "hub" else "kado_platform.urls.region"
    assert resolve("/readyz", urlconf=urlconf).func is health.readyz
    assert Client(HTTP_HOST=target.host).get("/readyz").status_code == 200


def test_readyz_is_not_redirected_to_https(fed, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client(HTTP_HOST=fed.alpha.host).get("/readyz")
    assert response.status_code == 200


def test_readyz_answers_503_and_names_the_database_when_it_is_down(fed, monkeypatch):
    def refuse():
        raise health.connection.OperationalError("connection refused to 10.0.0.5 user=kado")

    monkeypatch.setattr(health, "check_database", refuse)
    response = Client(HTTP_HOST=fed.alpha.host).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "failed"
    assert "10.0.0.5" not in response.content.decode()  # no error text, no hosts


def test_readyz_checks_redis_when_it_is_configured(fed, settings):
    # Nothing listens on port 9 (discard) on loopback: the broker check must fail fast.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = Client(HTTP_HOST=fed.hub.host).get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_reports_a_reachable_redis_as_ok(fed, settings, monkeypatch):
    pinged = []

    class FakeRedis:
        @classmethod
        def from_url(cls, url, **options):
            pinged.append((url, options["socket_timeout"]))
            return cls()

        def ping(self):
            return True

        def close(self):
            pass

    import redis

    monkeypatch.setattr(redis, "Redis", FakeRedis)
    settings.REDIS_URL = "redis://cache.internal:6379/0"
    response = Client(HTTP_HOST=fed.hub.host).get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"
    assert pinged == [("redis://cache.internal:6379/0", health.CHECK_TIMEOUT_SECONDS)]


def test_the_real_database_check_recovers_after_a_failure(fed):
    health.check_database()  # the real SELECT 1
    ready, checks = health.readiness()
    assert ready and checks["database"] == "ok"


def test_other_methods_and_paths_are_not_intercepted(db):
    response = Client(HTTP_HOST="10.0.12.34:8000").post("/readyz")
    assert response.status_code in {400, 404}  # the unknown Host is refused as usual
