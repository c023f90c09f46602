"""`/healthz` (the process answers) and `/readyz` (its database and broker answer).

Both are answered by `HealthCheckMiddleware`, the first middleware, for any Host header:
a load balancer's probe sends the task's IP address as Host, which ALLOWED_HOSTS and the
region middleware would refuse. The same `readyz` view is also routed on the hub and on
every region host. Neither says more than which check failed: no error text, no hosts.
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A broken connection must not be reused by the next check.
        with contextlib.suppress(Exception):
            connection.close()
        raise


def check_broker() -> bool:
    """Ping Redis (the cache and the Celery broker) when REDIS_URL is set."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return False
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return True


def readiness() -> tuple[bool, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        check_database()
        checks["database"] = "ok"
    except Exception as error:
        logger.warning("readiness: database check failed", exc_info=error)
        checks["database"] = "failed"
    try:
        checks["broker"] = "ok" if check_broker() else "not configured"
    except Exception as error:
        logger.warning("readiness: broker check failed", exc_info=error)
        checks["broker"] = "failed"
    return all(value != "failed" for value in checks.values()), checks


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    ready, checks = readiness()
    failed = sorted(name for name, value in checks.items() if value == "failed")
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    if failed:
        body["failed"] = failed
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answer the probes before host validation and region routing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)
