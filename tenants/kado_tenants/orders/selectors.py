"""Reads of a region's orders, assignments and work logs."""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from kado_platform.core.fiscal import fiscal_year_bounds, fiscal_year_of  # noqa: F401 (re-exported)
from kado_tenants.clients.models import Client
from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.orders.models import Assignment, Order, WorkLog


def _logged_minutes_subquery():
    return Coalesce(
        Subquery(
            WorkLog.objects.filter(assignment__order=OuterRef("pk"))
            .order_by()
            .values("assignment__order")
            .annotate(total=Sum("minutes"))
            .values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


def order_list(
    *,
    status: str | None = None,
    category: str | None = None,
    client: Client | int | None = None,
    search: str = "",
    fiscal_year: int | None = None,
    statuses=None,
    categories=None,
    clients=None,
    ordering=None,
) -> QuerySet[Order]:
    """Orders, newest first, each annotated with `logged_minutes` (one query, no N+1).

    `statuses`, `categories` and `clients` (instances or pks) keep orders matching any
    listed value; `ordering` (field names, as for order_by) replaces newest-first, with
    the id last so that pages are stable.
    """
    orders = Order.objects.select_related("client").annotate(
        logged_minutes=_logged_minutes_subquery()
    )
    if status:
        orders = orders.filter(status=status)
    if statuses:
        orders = orders.filter(status__in=list(statuses))
    if category:
        orders = orders.filter(category=category)
    if categories:
        orders = orders.filter(category__in=list(categories))
    if client is not None:
        orders = orders.filter(client_id=getattr(client, "pk", client))
    if clients is not None:
        orders = orders.filter(client_id__in=[getattr(one, "pk", one) for one in clients])
    search = (search or "").strip()
    if search:
        orders = orders.filter(
            Q(reference__icontains=search)
            | Q(title__icontains=search)
            | Q(client__name__icontains=search)
        )
    if fiscal_year is not None:
        start, end = fiscal_year_bounds(fiscal_year)
        orders = orders.filter(received_on__range=(start, end))
    if ordering:
        return orders.order_by(*ordering, "-id" if str(ordering[0]).startswith("-") else "id")
    return orders.order_by("-received_on", "-id")


def order_get(*, pk) -> Order | None:
    """One order with its client and assigned workers, or None when this region has no such pk."""
    return (
        Order.objects.select_related("client")
        .annotate(logged_minutes=_logged_minutes_subquery())
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("worker"))
        )
        .filter(pk=pk)
        .first()
    )


def order_get_by_reference(*, reference: str) -> Order | None:
    return Order.objects.select_related("client").filter(reference=reference).first()


def order_logged_minutes(order: Order) -> int:
    annotated = getattr(order, "logged_minutes", None)
    if annotated is not None:
        return annotated
    return (
        WorkLog.objects.filter(assignment__order=order).aggregate(total=Sum("minutes"))["total"]
        or 0
    )


def order_progress(order: Order) -> tuple[int, int]:
    """(logged minutes, estimated minutes): the bar on the order page."""
    return order_logged_minutes(order), order.estimated_minutes


def assignments_for(order: Order) -> QuerySet[Assignment]:
    """The workers on an order, each with `logged_minutes` and `approved_minutes`."""
    return (
        Assignment.objects.filter(order=order)
        .select_related("worker")
        .annotate(
            logged_minutes=Coalesce(Sum("work_logs__minutes"), 0),
            approved_minutes=Coalesce(
                Sum("work_logs__minutes", filter=Q(work_logs__approved_at__isnull=False)), 0
            ),
        )
        .order_by("assigned_on", "id")
    )


def assignment_list(*, order: Order | int | None = None, worker=None) -> QuerySet[Assignment]:
    """Assignments with their order and worker, each with `logged_minutes` and
    `approved_minutes`, in the order they were made."""
    assignments = Assignment.objects.select_related("order", "worker").annotate(
        logged_minutes=Coalesce(Sum("work_logs__minutes"), 0),
        approved_minutes=Coalesce(
            Sum("work_logs__minutes", filter=Q(work_logs__approved_at__isnull=False)), 0
        ),
    )
    if order is not None:
        assignments = assignments.filter(order_id=getattr(order, "pk", order))
    if worker is not None:
        assignments = assignments.filter(worker_id=getattr(worker, "pk", worker))
    return assignments.order_by("assigned_on", "id")


def assignment_get(*, pk) -> Assignment | None:
    """One assignment (annotated as in assignment_list), or None when there is no such pk."""
    return assignment_list().filter(pk=pk).first()


def orders_with_assignments(orders: QuerySet[Order]) -> QuerySet[Order]:
    """`orders` with each one's assignments (worker, logged and approved minutes) fetched
    in one more query for the whole page, however many orders it holds."""
    return orders.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("worker")
            .annotate(
                logged_minutes=Coalesce(Sum("work_logs__minutes"), 0),
                approved_minutes=Coalesce(
                    Sum("work_logs__minutes", filter=Q(work_logs__approved_at__isnull=False)), 0
                ),
            )
            .order_by("assigned_on", "id"),
        )
    )


def worklog_get(*, pk) -> WorkLog | None:
    """One work log with its assignment, order and worker, or None when there is no such pk."""
    return worklog_list().filter(pk=pk).first()


def worklog_list(
    *,
    order: Order | int | None = None,
    worker=None,
    assignment: Assignment | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    approved: bool | None = None,
) -> QuerySet[WorkLog]:
    logs = WorkLog.objects.select_related("assignment", "assignment__order", "assignment__worker")
    if order is not None:
        logs = logs.filter(assignment__order=order)
    if worker is not None:
        logs = logs.filter(assignment__worker=worker)
    if assignment is not None:
        logs = logs.filter(assignment=assignment)
    if date_from:
        logs = logs.filter(work_date__gte=date_from)
    if date_to:
        logs = logs.filter(work_date__lte=date_to)
    if approved is not None:
        logs = logs.filter(approved_at__isnull=not approved)
    return logs.order_by("-work_date", "-id")


def worker_minutes_on(*, worker, day: datetime.date) -> int:
    """A worker's minutes on one day across every order."""
    return (
        WorkLog.objects.filter(assignment__worker=worker, work_date=day).aggregate(
            total=Sum("minutes")
        )["total"]
        or 0
    )


def _month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def minutes_logged(
    *, month: datetime.date, worker=None, order: Order | None = None, approved_only: bool = False
) -> int:
    """Minutes logged in the calendar month that contains `month` (any day of it)."""
    first, last = _month_bounds(month)
    logs = WorkLog.objects.filter(work_date__range=(first, last))
    if worker is not None:
        logs = logs.filter(assignment__worker=worker)
    if order is not None:
        logs = logs.filter(assignment__order=order)
    if approved_only:
        logs = logs.filter(approved_at__isnull=False)
    return logs.aggregate(total=Sum("minutes"))["total"] or 0


def order_status_counts() -> list[dict]:
    """Orders per status in life-cycle order, zeros included, for the region dashboard."""
    counts = dict(Order.objects.values_list("status").annotate(count=Count("id")))
    return [
        {"status": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in OrderStatus
    ]


def order_monthly_minutes(*, order_id: int) -> list[dict]:
    """Minutes logged on one order per month of work, oldest first (no worker named)."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    return list(
        WorkLog.objects.filter(assignment__order_id=order_id)
        .annotate(month=TruncMonth("work_date"))
        .values("month")
        .annotate(minutes=Sum("minutes"))
        .order_by("month")
    )
