"""What every task shares: retries on transient failures, and a log context."""

from __future__ import annotations

import functools

from django.db import InterfaceError, OperationalError

from kado_platform.billing.gateway import StripeUnavailable
from kado_platform.celery_app import app
from kado_platform.core.observability import log_context
from kado_platform.core.storage import StoreUnavailable


def _transient() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [
        OperationalError,
        InterfaceError,
        StoreUnavailable,
        StripeUnavailable,
    ]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        found += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is installed with celery[redis]
        pass
    return tuple(found)


TRANSIENT = _transient()
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,  # 5 s, 10 s, 20 s, … with jitter
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


def kado_task(name: str, **options):
    """`@app.task` with the project's retry policy; logs carry the task's region and id."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            from celery import current_task
            from django.db import connection

            request_id = getattr(getattr(current_task, "request", None), "id", None)
            with log_context(region=connection.schema_name, request_id=request_id):
                return function(*args, **kwargs)

        return app.task(name=name, **{**RETRY, **options})(run)

    return decorate
