"""The Celery application: every task runs in the schema of the region it was sent for.

tenant-schemas-celery's app puts the sender's schema in each message's headers
(`_schema_name`) and the worker switches to that schema before the task runs, and back
after. A task sent without a region runs on `public`, where no region table exists: it
can read none of them. Tasks that work on a region take it explicitly (`in_region`).

Broker: `KADO_CELERY_BROKER_URL` (e.g. `sqs://` in AWS), else `REDIS_URL`; with neither,
tasks run eagerly in the caller's process (development and the test suite).

    celery -A kado_platform.celery_app worker --loglevel=INFO
    celery -A kado_platform.celery_app beat   # the nightly schedule (settings.CELERY_BEAT_SCHEDULE)
"""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kado_platform.settings")

app = TenantAwareCeleryApp("kado", include=["kado_platform.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")


def in_region(task, region, *, args=(), kwargs=None, **options):
    """Send `task` to run in `region`'s schema, whatever schema the caller is on."""
    schema = getattr(region, "schema_name", region)
    headers = {**(options.pop("headers", None) or {}), "_schema_name": schema}
    return task.apply_async(args=args, kwargs=kwargs or {}, headers=headers, **options)
