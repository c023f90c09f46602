"""Rebuilding and checking the federation's read model (public schema)."""

from __future__ import annotations

import logging
from collections import Counter

from kado_platform.federation.index import index_differences, index_rebuild
from kado_platform.regions.selectors import region_get, region_list
from kado_platform.tasks.base import kado_task

logger = logging.getLogger(__name__)


@kado_task("kado.index_rebuild_region")
def index_rebuild_region(region: str) -> dict[str, int]:
    """Recompute one region's share of the index (idempotent: the same rows every time)."""
    return index_rebuild(region=region_get(code=region))


@kado_task("kado.index_check_all")
def index_check_all() -> dict[str, dict[str, int]]:
    """Compare the index with every region; log and report each region that differs.

    Only counts and keys leave: the values may hold names (a client's, an order's title).
    """
    found: dict[str, dict[str, int]] = {}
    for region in region_list():
        differences = index_differences(region)
        if not differences:
            continue
        found[region.code] = dict(Counter(difference.table for difference in differences))
        for difference in differences:
            logger.warning(
                "index differs from the region",
                extra={"table": difference.table, "key": list(difference.key)},
            )
    if found:
        import sentry_sdk

        with sentry_sdk.new_scope() as scope:
            scope.set_context("index_differences", found)
            sentry_sdk.capture_message(
                f"The federation index differs from {len(found)} region(s)", level="error"
            )
    return found
