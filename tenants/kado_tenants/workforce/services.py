"""Writes to a region's workforce: skills, workers, their journey and their availability.

Every function validates everything before it writes, so a refusal leaves nothing behind,
and records one audit entry that names fields but never copies personal data.
"""

from __future__ import annotations

import datetime
import functools
import itertools
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_tenants.workforce.models import (
    MINUTES_PER_DAY,
    AvailabilityWindow,
    ConstraintReason,
    Skill,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)

# The policy journey, in one place: first challenge (applicant → training → active),
# second challenge (active → employed or other social participation), the safety net
# (employed or social participation → returned → active), and leaving KADO (退会) from
# any stage before an outcome. Someone who left rejoins as active directly: the safety
# net is for people whose job or participation ended, not for those who simply stopped.
WORKER_TRANSITIONS: dict[str, frozenset[str]] = {
    WorkerStatus.APPLICANT: frozenset({WorkerStatus.TRAINING, WorkerStatus.LEFT}),
    WorkerStatus.TRAINING: frozenset({WorkerStatus.ACTIVE, WorkerStatus.LEFT}),
    WorkerStatus.ACTIVE: frozenset(
        {WorkerStatus.EMPLOYED, WorkerStatus.SOCIAL_PARTICIPATION, WorkerStatus.LEFT}
    ),
    WorkerStatus.EMPLOYED: frozenset({WorkerStatus.RETURNED}),
    WorkerStatus.SOCIAL_PARTICIPATION: frozenset({WorkerStatus.RETURNED}),
    WorkerStatus.RETURNED: frozenset({WorkerStatus.ACTIVE}),
    WorkerStatus.LEFT: frozenset({WorkerStatus.ACTIVE}),
}

# Fields worker_update may change; the status moves only through worker_change_status.
WORKER_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "name_kana",
        "email",
        "phone",
        "hourly_rate",
        "joined_on",
        "invoice_registration_number",
        "constraint_reason",
        "constraint_note",
        "skill_codes",
    }
)
# Values that may be copied into the audit log; every other field is logged by name only.
WORKER_AUDITED_VALUES = frozenset({"hourly_rate", "joined_on", "skill_codes"})


def worker_can_change_status(current: str, target: str) -> bool:
    return target in WORKER_TRANSITIONS.get(current, frozenset())


# --- checks shared by the region services ------------------------------------------


@functools.cache
def field_label(field: str):
    """How a message names a field: the label the forms show (Japanese through the
    catalogue), taken from the first region model that has the field; the code's name only
    when none has it."""
    for model in apps.get_models():
        if not model.__module__.startswith("kado_tenants."):
            continue
        try:
            label = getattr(model._meta.get_field(field), "verbose_name", None)
        except FieldDoesNotExist:
            continue
        if label:  # a reverse relation has none
            return label
    return field


def check_whole_number(
    value, *, field: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Money and minutes are whole numbers: a float or a string is refused, never rounded."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            "not_whole_number",
            _("“%(field)s” must be a whole number."),
            field=field,
            params={"field": field_label(field)},
        )
    if minimum is not None and value < minimum:
        raise DomainError(
            "min_value",
            _("“%(field)s” must be at least %(limit)s."),
            field=field,
            params={"field": field_label(field), "limit": minimum},
        )
    if maximum is not None and value > maximum:
        raise DomainError(
            "max_value",
            _("“%(field)s” must be at most %(limit)s."),
            field=field,
            params={"field": field_label(field), "limit": maximum},
        )
    return value


def check_date(value, *, field: str) -> datetime.date:
    """Dates are calendar days: a datetime or a string is refused rather than guessed at."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise DomainError(
            "not_a_date",
            _("“%(field)s” must be a date."),
            field=field,
            params={"field": field_label(field)},
        )
    return value


def lock_row(instance) -> None:
    """Lock the row for this transaction and reload it, so checks see the latest values."""
    model = type(instance)
    list(model.objects.select_for_update().filter(pk=instance.pk).values_list("pk"))
    instance.refresh_from_db()


def _text(value) -> str:
    return (value or "").strip()


def _audit_value(value):
    """Audit changes are JSON: dates as ISO strings, sets as sorted lists."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple, list)):
        return sorted(value)
    return value


# --- skills ---------------------------------------------------------------------------


@transaction.atomic
def skill_create(*, code: str, name: str, name_en: str, acting_user=None) -> Skill:
    code = _text(code)
    if code and Skill.objects.filter(code=code).exists():
        raise DomainError(
            "skill_code_taken", _("A skill with this code already exists."), field="code"
        )
    skill = Skill(code=code, name=_text(name), name_en=_text(name_en))
    validate(skill)
    skill.save()
    audit_record(action="skill.create", actor=acting_user, instance=skill, changes={"code": code})
    return skill


def _skills_for(codes, *, field: str) -> list[Skill]:
    if isinstance(codes, str):
        codes = [codes]
    wanted = {_text(code) for code in codes or ()}
    skills = list(Skill.objects.filter(code__in=wanted))
    missing = wanted - {skill.code for skill in skills}
    if missing:
        raise DomainError(
            "skill_unknown",
            _("Unknown skill code: %(codes)s."),
            field=field,
            params={"codes": ", ".join(sorted(missing))},
        )
    return skills


# --- availability ---------------------------------------------------------------------


def _windows_checked(windows, *, field: str) -> list[tuple[int, int, int]]:
    """(weekday, start_minute, end_minute) triples, in range and not overlapping."""
    checked: list[tuple[int, int, int]] = []
    for window in windows or ():
        try:
            weekday, start, end = window
        except (TypeError, ValueError) as error:
            raise DomainError(
                "window_shape",
                _("Each availability window is (weekday, start minute, end minute)."),
                field=field,
            ) from error
        for value in (weekday, start, end):
            check_whole_number(value, field=field)
        if not 0 <= weekday <= 6:
            raise DomainError(
                "weekday_range",
                _("The weekday of an availability window must be 0 (Monday) to 6 (Sunday)."),
                field=field,
            )
        if not (0 <= start < end <= MINUTES_PER_DAY):
            raise DomainError(
                "window_range",
                _(
                    "An availability window must end after it starts, within the day: "
                    "from 0:00 (minute 0) to 24:00 (minute 1440)."
                ),
                field=field,
            )
        checked.append((weekday, start, end))
    checked.sort()
    for previous, current in itertools.pairwise(checked):
        if previous[0] == current[0] and current[1] < previous[2]:
            raise DomainError(
                "window_overlap",
                _("Availability windows on the same weekday must not overlap."),
                field=field,
            )
    return checked


def _windows_save(worker: Worker, windows: list[tuple[int, int, int]]) -> None:
    AvailabilityWindow.objects.filter(worker=worker).delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(worker=worker, weekday=weekday, start_minute=start, end_minute=end)
        for weekday, start, end in windows
    )


def _windows_summary(windows: list[tuple[int, int, int]]) -> dict:
    return {
        "windows": len(windows),
        "weekly_minutes": sum(end - start for _, start, end in windows),
    }


@transaction.atomic
def availability_set(*, worker: Worker, windows: Iterable, acting_user=None) -> list:
    """Replace the worker's weekly windows as a whole: the form edits them as one list."""
    checked = _windows_checked(windows, field="windows")
    lock_row(worker)
    _windows_save(worker, checked)
    audit_record(
        action="worker.availability_set",
        actor=acting_user,
        instance=worker,
        changes=_windows_summary(checked),
    )
    return list(worker.availability.all())


# --- workers --------------------------------------------------------------------------


def _check_constraint_reason(value: str) -> str:
    value = _text(value)
    if value and value not in ConstraintReason.values:
        raise DomainError(
            "constraint_reason_unknown",
            _("The reason for the time constraint must be one of the listed reasons."),
            field="constraint_reason",
        )
    return value


@transaction.atomic
def worker_create(
    *,
    name: str,
    name_kana: str,
    hourly_rate: int,
    joined_on: datetime.date,
    email: str = "",
    phone: str = "",
    skill_codes: Iterable[str] = (),
    invoice_registration_number: str = "",
    constraint_reason: str = "",
    constraint_note: str = "",
    availability: Iterable = (),
    status: str = WorkerStatus.APPLICANT,
    acting_user=None,
) -> Worker:
    """Register a worker; the first status is recorded too, so journeys start somewhere."""
    check_whole_number(hourly_rate, field="hourly_rate")
    check_date(joined_on, field="joined_on")
    worker = Worker(
        name=_text(name),
        name_kana=_text(name_kana),
        email=_text(email).lower(),
        phone=_text(phone),
        hourly_rate=hourly_rate,
        joined_on=joined_on,
        invoice_registration_number=_text(invoice_registration_number).upper(),
        constraint_reason=_check_constraint_reason(constraint_reason),
        constraint_note=_text(constraint_note),
        status=status,
    )
    validate(worker)
    skills = _skills_for(skill_codes, field="skill_codes")
    windows = _windows_checked(availability, field="availability")

    worker.save()
    worker.skills.set(skills)
    _windows_save(worker, windows)
    WorkerStatusChange.objects.create(
        worker=worker, from_status="", to_status=worker.status, changed_on=joined_on
    )
    audit_record(
        action="worker.create",
        actor=acting_user,
        instance=worker,
        changes={
            "status": str(worker.status),
            "hourly_rate": hourly_rate,
            "joined_on": joined_on.isoformat(),
            "skill_codes": sorted(skill.code for skill in skills),
            **_windows_summary(windows),
        },
    )
    return worker


@transaction.atomic
def worker_update(*, worker: Worker, acting_user=None, **changes) -> Worker:
    """Change whitelisted fields; the audit names them, with values only where not personal."""
    if "status" in changes:
        raise DomainError(
            "field_not_editable",
            _("The status changes only through a dated status change."),
            field="status",
        )
    unknown = sorted(set(changes) - WORKER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            "field_unknown",
            _("A worker has no editable field “%(field)s”."),
            field=unknown[0],
            params={"field": unknown[0]},
        )
    lock_row(worker)
    skill_codes = changes.pop("skill_codes", None)
    if "hourly_rate" in changes:
        check_whole_number(changes["hourly_rate"], field="hourly_rate")
    if "joined_on" in changes:
        check_date(changes["joined_on"], field="joined_on")
    if "constraint_reason" in changes:
        changes["constraint_reason"] = _check_constraint_reason(changes["constraint_reason"])
    for field in ("name", "name_kana", "phone", "constraint_note"):
        if field in changes:
            changes[field] = _text(changes[field])
    if "email" in changes:
        changes["email"] = _text(changes["email"]).lower()
    if "invoice_registration_number" in changes:
        changes["invoice_registration_number"] = _text(
            changes["invoice_registration_number"]
        ).upper()

    skills = _skills_for(skill_codes, field="skill_codes") if skill_codes is not None else None
    changed = {field: value for field, value in changes.items() if getattr(worker, field) != value}
    before = {field: getattr(worker, field) for field in changed}
    for field, value in changed.items():
        setattr(worker, field, value)
    try:
        validate(worker)
    except DomainError:
        worker.refresh_from_db()  # the caller's instance must not keep refused values
        raise

    audit_changes: dict = {
        field: [_audit_value(before[field]), _audit_value(value)]
        if field in WORKER_AUDITED_VALUES
        else "changed"
        for field, value in changed.items()
    }
    if skills is not None:
        skills_before = set(worker.skills.values_list("code", flat=True))
        skills_after = {skill.code for skill in skills}
        if skills_before != skills_after:
            worker.skills.set(skills)
            audit_changes["skill_codes"] = [sorted(skills_before), sorted(skills_after)]
    if not audit_changes:
        return worker
    if changed:
        worker.save(update_fields=[*changed, "updated_at"])
    audit_record(action="worker.update", actor=acting_user, instance=worker, changes=audit_changes)
    return worker


@transaction.atomic
def worker_change_status(
    *, worker: Worker, status: str, changed_on: datetime.date, acting_user=None
) -> Worker:
    """Move a worker along the journey and date the step: outcome reports count these rows."""
    if status not in WorkerStatus.values:
        raise DomainError("status_unknown", _("Unknown worker status."), field="status")
    check_date(changed_on, field="changed_on")
    lock_row(worker)
    previous = worker.status
    if not worker_can_change_status(previous, status):
        raise DomainError(
            "illegal_transition",
            _("A worker's status cannot go from %(from)s to %(to)s."),
            field="status",
            params={"from": previous, "to": status},
        )
    last = worker.status_changes.order_by("-changed_on", "-id").first()
    earliest = max(worker.joined_on, last.changed_on if last else worker.joined_on)
    if changed_on < earliest:
        raise DomainError(
            "changed_on_too_early",
            _(
                "The date of a status change cannot be before the worker joined or before "
                "the previous change (%(earliest)s)."
            ),
            field="changed_on",
            params={"earliest": earliest.isoformat()},
        )
    worker.status = status
    worker.save(update_fields=["status", "updated_at"])
    WorkerStatusChange.objects.create(
        worker=worker, from_status=previous, to_status=status, changed_on=changed_on
    )
    audit_record(
        action="worker.change_status",
        actor=acting_user,
        instance=worker,
        changes={"status": [previous, status], "changed_on": changed_on.isoformat()},
    )
    return worker
