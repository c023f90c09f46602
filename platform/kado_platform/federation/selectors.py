"""Reads across every region, served from the read model in the public schema."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from kado_platform.core.fiscal import fiscal_year_bounds, fiscal_year_months
from kado_platform.federation.choices import OUTCOME_KEYS, MoneyKind
from kado_platform.federation.models import (
    Allocation,
    FederatedOrder,
    MoneyIndexEntry,
    OrderIndexEntry,
    OutcomeEvent,
    WorkerIndexEntry,
    WorkMinutes,
)

ORDERINGS = {
    "RECEIVED_DESC": ("-received_on", "-id"),
    "RECEIVED_ASC": ("received_on", "id"),
    "DUE_ASC": ("due_on", "id"),
    "DUE_DESC": ("-due_on", "-id"),
    "AMOUNT_DESC": ("-amount", "-id"),
    "AMOUNT_ASC": ("amount", "id"),
}


def order_index_list(
    *,
    regions=None,
    statuses=None,
    categories=None,
    client_kinds=None,
    fiscal_year: int | None = None,
    due_before: datetime.date | None = None,
    due_after: datetime.date | None = None,
    search: str = "",
    order_by: str = "RECEIVED_DESC",
) -> QuerySet[OrderIndexEntry]:
    """Orders across the federation; `regions` are region codes."""
    entries = OrderIndexEntry.objects.select_related("region")
    if regions:
        entries = entries.filter(region__code__in=regions)
    if statuses:
        entries = entries.filter(status__in=statuses)
    if categories:
        entries = entries.filter(category__in=categories)
    if client_kinds:
        entries = entries.filter(client_kind__in=client_kinds)
    if fiscal_year is not None:
        entries = entries.filter(fiscal_year=fiscal_year)
    if due_before is not None:
        entries = entries.filter(due_on__lte=due_before)
    if due_after is not None:
        entries = entries.filter(due_on__gte=due_after)
    if search:
        entries = entries.filter(
            Q(title__icontains=search)
            | Q(client_name__icontains=search)
            | Q(reference__icontains=search)
        )
    return entries.order_by(*ORDERINGS.get(order_by, ORDERINGS["RECEIVED_DESC"]))


def order_index_get(*, region, order_id: int) -> OrderIndexEntry | None:
    return (
        OrderIndexEntry.objects.select_related("region")
        .filter(region=region, order_id=order_id)
        .first()
    )


def weekday_counts(date_from: datetime.date, date_to: datetime.date) -> list[int]:
    """How many Mondays, Tuesdays, … lie in the window, both ends included."""
    days = (date_to - date_from).days + 1
    full_weeks, rest = divmod(max(days, 0), 7)
    counts = [full_weeks] * 7
    for offset in range(rest):
        counts[(date_from.weekday() + offset) % 7] += 1
    return counts


def capacity(*, skills, date_from: datetime.date, date_to: datetime.date) -> list[dict]:
    """Per region: active workers having every listed skill, and their available minutes.

    Counts only: no worker is named or identified in the result.
    """
    counts = weekday_counts(date_from, date_to)
    minutes = sum(
        (F(f"weekly_minutes__{day}") * Value(count) for day, count in enumerate(counts) if count),
        Value(0),
    )
    workers = WorkerIndexEntry.objects.filter(status="active", region__status="active")
    if skills:
        workers = workers.filter(skill_codes__contains=list(skills))
    rows = (
        workers.values("region_id")
        .annotate(workers=Count("id"), minutes=Coalesce(Sum(minutes), 0))
        .order_by()
    )
    by_region = {row["region_id"]: row for row in rows}
    from kado_platform.regions.selectors import region_list

    return [
        {
            "region": region,
            "workers": by_region.get(region.pk, {}).get("workers", 0),
            "minutes": by_region.get(region.pk, {}).get("minutes", 0),
        }
        for region in region_list(include_suspended=False)
    ]


def _breakdown(entries, key: str) -> dict:
    return {
        row[key]: {"amount": row["amount"], "orders": row["orders"], "minutes": row["minutes"]}
        for row in entries.values(key)
        .annotate(amount=Sum("amount"), orders=Count("id"), minutes=Sum("logged_minutes"))
        .order_by(key)
    }


def _money_by_region(fiscal_year: int) -> dict[tuple[int, str], int]:
    """Yen billed, collected and paid out in the year, per (region, kind)."""
    return {
        (row["region_id"], row["kind"]): row["amount"]
        for row in MoneyIndexEntry.objects.filter(fiscal_year=fiscal_year)
        .values("region_id", "kind")
        .annotate(amount=Sum("amount"))
        .order_by()
    }


def _outcomes_by_region(fiscal_year: int) -> dict[tuple[int, str], int]:
    """Workers who started working, moved to employment or other social participation (or
    came back) in the year, per (region, kind).

    Counted from every move, not a worker's latest: someone employed this year who later
    returns and is employed again still counts here. A worker moving twice in one year
    counts once; a worker is a region and an id, so colliding ids never merge.
    """
    return {
        (row["region_id"], row["kind"]): row["workers"]
        for row in OutcomeEvent.objects.filter(fiscal_year=fiscal_year)
        .values("region_id", "kind")
        .annotate(workers=Count("worker_id", distinct=True))
        .order_by()
    }


def report(*, fiscal_year: int) -> dict:
    """Leadership's consolidated figures for one fiscal year (cancelled orders excluded)."""
    first, last = fiscal_year_bounds(fiscal_year)
    orders = OrderIndexEntry.objects.filter(fiscal_year=fiscal_year).exclude(status="cancelled")
    totals = orders.aggregate(
        amount=Coalesce(Sum("amount"), 0),
        orders=Count("id"),
        order_minutes=Coalesce(Sum("logged_minutes"), 0),
    )
    work = WorkMinutes.objects.filter(month__gte=first, month__lte=last)
    work_by_region = {
        row["region_id"]: row
        for row in work.values("region_id")
        .annotate(minutes=Sum("minutes"), workers=Count("worker_id", distinct=True))
        .order_by()
    }
    work_by_month = {
        row["month"]: row["minutes"]
        for row in work.values("month").annotate(minutes=Sum("minutes")).order_by()
    }
    outcomes = _outcomes_by_region(fiscal_year)
    by_region_orders = _breakdown(orders, "region_id")
    month_orders = {
        row["month"]: row
        for row in orders.annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(amount=Sum("amount"), orders=Count("id"))
        .order_by()
    }
    money = _money_by_region(fiscal_year)
    from kado_platform.regions.selectors import region_list

    regions = []
    for region in region_list():
        figures = by_region_orders.get(region.pk, {"amount": 0, "orders": 0})
        worked = work_by_region.get(region.pk, {"minutes": 0, "workers": 0})
        regions.append(
            {
                "region": region,
                "amount": figures["amount"],
                "orders": figures["orders"],
                "minutes": worked["minutes"],
                "active_workers": worked["workers"],
                **{key: outcomes.get((region.pk, kind), 0) for kind, key in OUTCOME_KEYS.items()},
                **{kind: money.get((region.pk, kind), 0) for kind in MoneyKind.values},
            }
        )
    return {
        "fiscal_year": fiscal_year,
        "amount": totals["amount"],
        "orders": totals["orders"],
        "minutes": sum(work_by_month.values()),
        "active_workers": sum(row["workers"] for row in work_by_region.values()),
        **{
            key: sum(count for (_, k), count in outcomes.items() if k == kind)
            for kind, key in OUTCOME_KEYS.items()
        },
        **{
            kind: sum(amount for (_, k), amount in money.items() if k == kind)
            for kind in MoneyKind.values
        },
        "by_region": regions,
        "by_category": [
            {"key": key, **figures} for key, figures in _breakdown(orders, "category").items()
        ],
        "by_client_kind": [
            {"key": key, **figures} for key, figures in _breakdown(orders, "client_kind").items()
        ],
        "by_month": [
            {
                "month": month,
                "amount": month_orders.get(month, {}).get("amount", 0),
                "orders": month_orders.get(month, {}).get("orders", 0),
                "minutes": work_by_month.get(month, 0),
            }
            for month in fiscal_year_months(fiscal_year)
        ],
    }


def trend(*, from_fiscal_year: int, to_fiscal_year: int) -> list[dict]:
    """Order volume year by year, as the seed charts it (cancelled orders excluded)."""
    rows = {
        row["fiscal_year"]: row
        for row in OrderIndexEntry.objects.filter(
            fiscal_year__gte=from_fiscal_year, fiscal_year__lte=to_fiscal_year
        )
        .exclude(status="cancelled")
        .values("fiscal_year")
        .annotate(amount=Sum("amount"), orders=Count("id"), regions=Count("region", distinct=True))
        .order_by()
    }
    return [
        {
            "fiscal_year": year,
            "amount": rows.get(year, {}).get("amount", 0),
            "orders": rows.get(year, {}).get("orders", 0),
            "regions": rows.get(year, {}).get("regions", 0),
        }
        for year in range(from_fiscal_year, to_fiscal_year + 1)
    ]


def _allocations_with_progress() -> QuerySet[Allocation]:
    """Allocations with their regional order's logged minutes and status, from the index."""
    index = OrderIndexEntry.objects.filter(
        region_id=OuterRef("region_id"), order_id=OuterRef("order_id")
    )
    return (
        Allocation.objects.select_related("region")
        .annotate(
            logged_minutes=Subquery(index.values("logged_minutes")[:1]),
            order_status=Subquery(index.values("status")[:1]),
        )
        .order_by("region__code")
    )


def federated_order_list(*, statuses=None) -> QuerySet[FederatedOrder]:
    orders = FederatedOrder.objects.prefetch_related(
        Prefetch("allocations", queryset=_allocations_with_progress())
    )
    if statuses:
        orders = orders.filter(status__in=statuses)
    return orders.order_by("-received_on", "-id")


def federated_order_get(*, pk: int) -> FederatedOrder | None:
    return federated_order_list().filter(pk=pk).first()


def live_allocations(federated_order) -> QuerySet[Allocation]:
    """The shares that still count: those whose regional order was not cancelled.

    The index holds each regional order's status, written in the region's own transaction.
    """
    cancelled = OrderIndexEntry.objects.filter(
        region_id=OuterRef("region_id"), order_id=OuterRef("order_id"), status="cancelled"
    )
    return Allocation.objects.filter(federated_order=federated_order).exclude(Exists(cancelled))


def live_shares(federated_order) -> list[Allocation]:
    """The live shares among an order's allocations as `federated_order_list` prefetches
    them (with their regional status): no further query."""
    return [a for a in federated_order.allocations.all() if a.order_status != "cancelled"]


def share_figures(federated_order) -> dict:
    """From the prefetched allocations, no further query: what the live shares were given
    (minutes, yen) and what every share has logged (a cancelled share's work stays)."""
    live = live_shares(federated_order)
    return {
        "allocated_minutes": sum(a.minutes for a in live),
        "allocated_amount": sum(a.amount for a in live),
        "logged_minutes": sum(a.logged_minutes or 0 for a in federated_order.allocations.all()),
    }


def allocated_totals(federated_order) -> dict:
    """Minutes, units and yen given to regions so far; cancelled shares give them back."""
    return live_allocations(federated_order).aggregate(
        minutes=Coalesce(Sum("minutes"), 0),
        units=Coalesce(Sum("units"), 0),
        amount=Coalesce(Sum("amount"), 0),
    )


def order_drilldown(*, region, order_id: int) -> dict | None:
    """An order as the index holds it, plus counts read inside its region (no names)."""
    entry = order_index_get(region=region, order_id=order_id)
    if entry is None:
        return None
    from django_tenants.utils import schema_context

    from kado_tenants.orders.selectors import assignment_list, order_monthly_minutes

    with schema_context(region.schema_name):
        assignments = assignment_list(order=order_id).count()
        monthly = order_monthly_minutes(order_id=order_id)
    return {"order": entry, "assignment_count": assignments, "monthly_minutes": monthly}


def worker_counts_by_region() -> list[dict]:
    """Per region, its workers in the read model counted by status (counts only, no one named).

    The seed's table of teleworkers per region reads `active` from here.
    """
    counts: dict[int, Counter] = {}
    for row in (
        WorkerIndexEntry.objects.values("region_id", "status")
        .annotate(workers=Count("id"))
        .order_by()
    ):
        counts.setdefault(row["region_id"], Counter())[row["status"]] = row["workers"]
    from kado_platform.regions.selectors import region_list

    rows = []
    for region in region_list():
        by_status = counts.get(region.pk, Counter())
        rows.append(
            {
                "region": region,
                "active": by_status["active"],
                "by_status": dict(by_status),
                "total": by_status.total(),
            }
        )
    return rows


def skill_code_list() -> list[str]:
    """Every skill code some worker of the federation has, for the capacity form."""
    return list(
        WorkerIndexEntry.objects.annotate(code=Func(F("skill_codes"), function="unnest"))
        .values_list("code", flat=True)
        .distinct()
        .order_by("code")
    )
