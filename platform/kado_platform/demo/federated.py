"""Wide-area orders for the demo: the coordinators find one being worked in two regions and
one still waiting for its shares, as the hub's day-to-day looks."""

from __future__ import annotations

import datetime

from django_tenants.utils import schema_context

from kado_platform.federation.services import allocation_create, federated_order_create
from kado_tenants.orders.models import Order
from kado_tenants.orders.services import (
    assignment_create,
    order_transition,
    worklog_approve,
    worklog_record,
)
from kado_tenants.workforce.choices import WorkerStatus
from kado_tenants.workforce.selectors import worker_list

RECEIVED = datetime.date(2026, 10, 1)
STARTED = datetime.date(2026, 10, 5)
DUE = datetime.date(2027, 1, 29)
# The first region's share is being worked: five days of three hours, the first three approved.
WORK_DAYS = [datetime.date(2026, 10, day) for day in (5, 6, 7, 13, 14)]
MINUTES_A_DAY = 180


def write_federated_orders(regions, *, coordinator, admin) -> int:
    """Two wide-area orders over the first two of `regions` (a demo of one region gets one
    share); the first region's `admin` works its share. Returns how many orders were made."""
    regions = list(regions)[:2]
    if not regions:
        return 0
    working = federated_order_create(
        client_name="株式会社モビリティデータ研究所",
        client_kind="urban_company",
        title="自動運転用3次元地図の点群ラベリング（広域）",
        category="hd_map",
        contract_type="hourly",
        unit_price=1_500,
        total_minutes=9_000,
        received_on=RECEIVED,
        due_on=DUE,
        acting_user=coordinator,
    )
    shares = [
        allocation_create(
            federated_order=working, region=region, minutes=minutes, acting_user=coordinator
        )
        for region, minutes in zip(regions, (4_800, 2_400), strict=False)
    ]
    _work_the_share(regions[0], shares[0].order_id, admin=admin)
    federated_order_create(
        client_name="県市町村振興協会",
        client_kind="municipality",
        title="自治体窓口の申請書データ入力（広域）",
        category="data_entry",
        contract_type="hourly",
        unit_price=1_200,
        total_minutes=6_000,
        received_on=datetime.date(2026, 11, 2),
        due_on=datetime.date(2027, 2, 26),
        acting_user=coordinator,
    )
    return 2


def _work_the_share(region, order_id, *, admin) -> None:
    with schema_context(region.schema_name):
        order = order_transition(
            order=Order.objects.get(pk=order_id),
            to_status="in_progress",
            on_date=STARTED,
            acting_user=admin,
        )
        worker = (
            worker_list(status=WorkerStatus.ACTIVE)
            .filter(joined_on__lte=STARTED)
            .order_by("id")
            .first()
        )
        if worker is None:
            return
        # Since 2024-11-01 assigning commissions under the Freelance Act: the notice is issued.
        assignment = assignment_create(
            order=order, worker=worker, assigned_on=STARTED, acting_user=admin
        )
        for number, day in enumerate(WORK_DAYS):
            log = worklog_record(
                assignment=assignment, work_date=day, minutes=MINUTES_A_DAY, acting_user=admin
            )
            if number < 3:
                worklog_approve(work_log=log, acting_user=admin)
