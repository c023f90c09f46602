"""The nightly run (settings.CELERY_BEAT_SCHEDULE): the index check, payouts at risk, and
Stripe events received but never applied (sent again)."""

from __future__ import annotations

import logging

from django_tenants.utils import schema_context

from kado_platform.regions.selectors import region_list
from kado_platform.tasks.base import kado_task
from kado_platform.tasks.billing import stripe_events_requeue
from kado_platform.tasks.federation import index_check_all

logger = logging.getLogger(__name__)


@kado_task("kado.nightly_checks")
def nightly_checks() -> dict:
    from kado_tenants.payouts.selectors import statements_at_risk

    differences = index_check_all()
    at_risk: dict[str, int] = {}
    for region in region_list(include_suspended=False):
        with schema_context(region.schema_name):
            count = statements_at_risk().count()
        if count:
            at_risk[region.code] = count
            logger.warning(
                "payout statements near or past their 60-day deadline",
                extra={"region": region.schema_name, "statements": count},
            )
    requeued = stripe_events_requeue()
    return {
        "index_differences": differences,
        "statements_at_risk": at_risk,
        "stripe_events_requeued": requeued,
    }
