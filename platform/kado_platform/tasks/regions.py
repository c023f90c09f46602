"""Tasks that run inside one region's schema (sent with `celery_app.in_region`)."""

from __future__ import annotations

from django.db import connection

from kado_platform.tasks.base import kado_task


@kado_task("kado.region_stats")
def region_stats() -> dict:
    """How many clients, workers and orders the region the task was sent for holds.

    Sent without a region it runs on `public`, which has none of these tables: it fails.
    """
    from kado_tenants.clients.models import Client
    from kado_tenants.orders.models import Order
    from kado_tenants.workforce.models import Worker

    return {
        "region": connection.schema_name,
        "clients": Client.objects.count(),
        "workers": Worker.objects.count(),
        "orders": Order.objects.count(),
    }
