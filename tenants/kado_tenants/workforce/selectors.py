"""Reads of a region's workforce that more than one edge needs."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from kado_tenants.workforce.models import (
    AvailabilityWindow,
    Skill,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)


def worker_list(
    *,
    status: str | None = None,
    skill_codes=None,
    search: str = "",
    statuses=None,
    ordering=None,
) -> QuerySet[Worker]:
    """Workers by reading; `skill_codes` keeps those who have every listed skill.

    `statuses` keeps workers in any of the listed statuses (with `status`, both apply);
    `ordering` (field names, as for order_by) replaces the reading order, with the id
    last so that pages are stable.
    """
    workers = Worker.objects.prefetch_related("skills")
    if status:
        workers = workers.filter(status=status)
    if statuses:
        workers = workers.filter(status__in=list(statuses))
    if skill_codes:
        if isinstance(skill_codes, str):
            skill_codes = [skill_codes]
        codes = set(skill_codes)
        workers = workers.filter(
            pk__in=Worker.objects.filter(skills__code__in=codes)
            .values("pk")
            .annotate(matched=Count("skills", distinct=True))
            .filter(matched=len(codes))
            .values("pk")
        )
    search = (search or "").strip()
    if search:
        workers = workers.filter(Q(name__icontains=search) | Q(name_kana__icontains=search))
    if ordering:
        return workers.order_by(*ordering, "-id" if str(ordering[0]).startswith("-") else "id")
    return workers.order_by("name_kana", "id")


def worker_get(*, pk) -> Worker | None:
    """One worker with what the detail page shows, or None when this region has no such pk."""
    return (
        Worker.objects.prefetch_related("skills", "availability", "status_changes")
        .filter(pk=pk)
        .first()
    )


def worker_status_counts() -> list[dict]:
    """Workers per journey status, zeros included, in journey order."""
    counts = dict(Worker.objects.values_list("status").annotate(count=Count("id")))
    return [
        {"status": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in WorkerStatus
    ]


def status_change_list(
    *,
    worker: Worker | None = None,
    to_status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[WorkerStatusChange]:
    """Dated journey steps, e.g. moves to employment in a fiscal year for leadership reports."""
    changes = WorkerStatusChange.objects.all()
    if worker is not None:
        changes = changes.filter(worker=worker)
    if to_status:
        changes = changes.filter(to_status=to_status)
    if date_from:
        changes = changes.filter(changed_on__gte=date_from)
    if date_to:
        changes = changes.filter(changed_on__lte=date_to)
    return changes.order_by("changed_on", "id")


def availability_for(worker: Worker) -> QuerySet[AvailabilityWindow]:
    return AvailabilityWindow.objects.filter(worker=worker).order_by("weekday", "start_minute")


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("code")


def skill_get(*, code: str) -> Skill | None:
    return Skill.objects.filter(code=code).first()
