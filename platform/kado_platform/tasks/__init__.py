"""Background jobs: thin edges over services and selectors, like the commands.

One package for every task, so the worker's whole surface is in one place and the domain
apps (kado_tenants.*) stay free of Celery. Every task is idempotent (a retry or a
redelivery after a lost worker does the same work again, with the same result), is
acknowledged only after it finishes (`acks_late`), and retries transient failures
(database, broker, storage) with exponential backoff.
"""

from kado_platform.tasks.billing import stripe_event_apply_task, stripe_events_requeue_task
from kado_platform.tasks.federation import index_check_all, index_rebuild_region
from kado_platform.tasks.invoicing import invoice_email
from kado_platform.tasks.nightly import nightly_checks
from kado_platform.tasks.regions import region_stats
from kado_platform.tasks.reports import report_export

__all__ = [
    "index_check_all",
    "index_rebuild_region",
    "invoice_email",
    "nightly_checks",
    "region_stats",
    "report_export",
    "stripe_event_apply_task",
    "stripe_events_requeue_task",
]
