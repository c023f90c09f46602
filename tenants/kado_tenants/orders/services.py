"""Writes to a region's orders: intake, the life cycle, assignments and work logs.

Every write that changes an order goes through `_order_changed`, the one place that
audits it; the federation's read model follows each write through the region's database
triggers, in the same transaction.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import IntegerField, Max, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_platform.core.fiscal import fiscal_year_of
from kado_tenants.clients.models import Client
from kado_tenants.orders.lifecycle import (
    OPEN_STATUSES,
    SET_BY_INVOICING,
    STATUS_DATE_FIELDS,
    OrderStatus,
    can_transition,
    earliest_next_step,
)
from kado_tenants.orders.models import Assignment, ContractType, Order, WorkLog
from kado_tenants.payouts.services import (
    check_commission_amount,
    commission_notice_issue,
    notice_required,
    require_commission_notice,
)
from kado_tenants.workforce.models import MINUTES_PER_DAY, Worker, WorkerStatus
from kado_tenants.workforce.services import check_date, check_whole_number, lock_row

ORDER_EDITABLE_FIELDS = frozenset(
    {
        "client",
        "title",
        "category",
        "contract_type",
        "unit_price",
        "quantity",
        "estimated_minutes",
        "received_on",
        "due_on",
    }
)
REFERENCE_ATTEMPTS = 5


def order_amount(*, contract_type: str, unit_price: int, estimated_minutes: int, quantity: int):
    """Whole yen: hourly work is priced on the estimate (floored), deliverables per unit."""
    if contract_type == ContractType.HOURLY:
        return unit_price * estimated_minutes // 60
    return unit_price * quantity


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _order_changed(
    order: Order, *, action: str, changes: dict, acting_user=None, instance=None
) -> None:
    """The single exit of every order write: audit it (triggers update the read model)."""
    audit_record(
        action=action,
        actor=acting_user,
        instance=instance if instance is not None else order,
        changes={"order_id": order.pk, **{key: _iso(value) for key, value in changes.items()}},
    )


# --- orders ---------------------------------------------------------------------------


def _check_client(client) -> Client:
    if not isinstance(client, Client) or client.pk is None:
        raise DomainError("client_required", _("Choose the client of the order."), field="client")
    return client


def _check_order_terms(order: Order) -> None:
    """Checks beyond full_clean: whole numbers, real dates and terms that fit the contract."""
    check_whole_number(order.unit_price, field="unit_price", minimum=1)
    check_whole_number(order.quantity, field="quantity", minimum=1)
    check_whole_number(order.estimated_minutes, field="estimated_minutes", minimum=1)
    check_date(order.received_on, field="received_on")
    check_date(order.due_on, field="due_on")
    if order.contract_type == ContractType.HOURLY and order.quantity != 1:
        raise DomainError(
            "quantity_hourly",
            _("An hourly order has a quantity of 1: its amount comes from the estimated minutes."),
            field="quantity",
        )
    if order.due_on < order.received_on:
        raise DomainError(
            "due_before_received",
            _("The due date cannot be before the date received."),
            field="due_on",
        )


def _next_reference_number(fiscal_year: int) -> int:
    prefix = f"{fiscal_year}-"
    last = (
        Order.objects.filter(reference__regex=rf"^{fiscal_year}-[0-9]+$")
        .annotate(number=Cast(Substr("reference", len(prefix) + 1), IntegerField()))
        .aggregate(last=Max("number"))["last"]
    )
    return (last or 0) + 1


def _is_reference_clash(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return "reference" in (getattr(diag, "constraint_name", None) or "")


def _insert_with_reference(order: Order) -> None:
    """Number the order "<fiscal year>-<sequence>", per region.

    Two concurrent intakes can read the same last number; the unique index makes the second
    insert wait for the first and then fail, and it retries with the next free number.
    """
    fiscal_year = fiscal_year_of(order.received_on)
    for _attempt in range(REFERENCE_ATTEMPTS):
        order.reference = f"{fiscal_year}-{_next_reference_number(fiscal_year):04d}"
        try:
            with transaction.atomic():
                order.save(force_insert=True)
        except IntegrityError as error:
            if not _is_reference_clash(error):
                raise
            order.pk = None
            continue
        return
    raise DomainError(
        "reference_busy",
        _("No order reference could be given: too many orders at once. Try again."),
        field="reference",
    )


@transaction.atomic
def order_create(
    *,
    client: Client,
    title: str,
    category: str,
    contract_type: str,
    unit_price: int,
    estimated_minutes: int,
    received_on: datetime.date,
    due_on: datetime.date,
    quantity: int = 1,
    federated_order_id: int | None = None,
    acting_user=None,
) -> Order:
    """A new order in `received`; `federated_order_id` links a region's share of a wide-area order."""
    order = Order(
        client=_check_client(client),
        title=(title or "").strip(),
        category=category,
        contract_type=contract_type,
        unit_price=unit_price,
        quantity=quantity,
        estimated_minutes=estimated_minutes,
        received_on=received_on,
        due_on=due_on,
        status=OrderStatus.RECEIVED,
        federated_order_id=federated_order_id,
    )
    _check_order_terms(order)
    order.amount = order_amount(
        contract_type=contract_type,
        unit_price=unit_price,
        estimated_minutes=estimated_minutes,
        quantity=quantity,
    )
    validate(order, exclude=["reference"])
    _insert_with_reference(order)
    _order_changed(
        order,
        action="order.create",
        acting_user=acting_user,
        changes={
            "reference": order.reference,
            "status": str(order.status),
            "client_id": order.client_id,
            "category": str(order.category),
            "contract_type": str(order.contract_type),
            "unit_price": order.unit_price,
            "quantity": order.quantity,
            "estimated_minutes": order.estimated_minutes,
            "amount": order.amount,
            "received_on": order.received_on,
            "due_on": order.due_on,
            "federated_order_id": order.federated_order_id,
        },
    )
    return order


@transaction.atomic
def order_update(*, order: Order, acting_user=None, **changes) -> Order:
    """Change the terms of an open order; the amount follows, the reference stays."""
    unknown = sorted(set(changes) - ORDER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            "field_unknown",
            _("An order has no editable field “%(field)s”."),
            field=unknown[0],
            params={"field": unknown[0]},
        )
    lock_row(order)
    if order.status not in OPEN_STATUSES:
        raise DomainError(
            "order_not_editable",
            _("An order can be changed only while it is received or in progress."),
            field="status",
        )
    if "client" in changes:
        _check_client(changes["client"])
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    before = {field: getattr(order, field) for field in (*ORDER_EDITABLE_FIELDS, "amount")}
    for field, value in changes.items():
        setattr(order, field, value)
    try:
        _check_order_terms(order)
        if fiscal_year_of(order.received_on) != fiscal_year_of(before["received_on"]):
            raise DomainError(
                "received_on_fiscal_year",
                _("The date received can move only within the fiscal year of the reference."),
                field="received_on",
            )
        if (
            order.contract_type != before["contract_type"]
            and order.assignments.filter(commission_notice__isnull=False).exists()
        ):
            raise DomainError(
                "contract_type_noticed",
                _(
                    "The kind of contract cannot change once a worker has been given its "
                    "terms (3条通知): the notice fixes how the work is paid."
                ),
                field="contract_type",
            )
        first_log = (
            WorkLog.objects.filter(assignment__order=order)
            .order_by("work_date")
            .values_list("work_date", flat=True)
            .first()
        )
        if first_log is not None and order.received_on > first_log:
            raise DomainError(
                "received_after_work",
                _("The date received cannot be after work already logged on the order."),
                field="received_on",
            )
        order.amount = order_amount(
            contract_type=order.contract_type,
            unit_price=order.unit_price,
            estimated_minutes=order.estimated_minutes,
            quantity=order.quantity,
        )
        validate(order)
    except DomainError:
        order.refresh_from_db()  # the caller's instance must not keep refused values
        raise
    changed = [
        field
        for field in (*ORDER_EDITABLE_FIELDS, "amount")
        if getattr(order, field) != before[field]
    ]
    if not changed:
        return order
    order.save(update_fields=[*changed, "updated_at"])
    audit_changes = {}
    for field in sorted(changed):
        if field == "client":
            audit_changes["client_id"] = [before["client"].pk, order.client_id]
        elif field == "title":
            audit_changes["title"] = "changed"
        else:
            audit_changes[field] = [_iso(before[field]), _iso(getattr(order, field))]
    _order_changed(order, action="order.update", acting_user=acting_user, changes=audit_changes)
    return order


@transaction.atomic
def order_transition(
    *,
    order: Order,
    to_status: str,
    on_date: datetime.date | None = None,
    acting_user=None,
    invoice=None,
) -> Order:
    """Move an order one step along its life cycle and stamp the date of that step.

    `invoiced` and `paid` are reached only through invoicing, which names the `invoice`
    that holds the order (issuing it, recording its payment): an order marked billed
    without one could never be invoiced and would be missing from the money figures.
    """
    on_date = timezone.localdate() if on_date is None else check_date(on_date, field="on_date")
    lock_row(order)
    from_status = order.status
    if not can_transition(from_status, to_status):
        raise DomainError(
            "illegal_transition",
            _("An order cannot go from %(from)s to %(to)s."),
            field="status",
            params={"from": from_status, "to": to_status},
        )
    if to_status in SET_BY_INVOICING and (
        # Read from the lines in memory: invoicing prefetches them once for all its orders.
        invoice is None or not any(line.order_id == order.pk for line in invoice.lines.all())
    ):
        raise DomainError(
            "status_set_by_invoicing",
            _(
                "An order becomes invoiced when an invoice containing it is issued, and paid "
                "when that invoice's payment is recorded: it cannot be moved there by hand."
            ),
            field="status",
        )
    earliest = earliest_next_step(order)
    if on_date < earliest:
        raise DomainError(
            "on_date_too_early",
            _(
                "The date of a status change cannot be before the order was received or "
                "before its previous step (%(earliest)s)."
            ),
            field="on_date",
            params={"earliest": earliest.isoformat()},
        )
    date_field = STATUS_DATE_FIELDS[to_status]
    order.status = to_status
    setattr(order, date_field, on_date)
    order.save(update_fields=["status", date_field, "updated_at"])
    _order_changed(
        order,
        action="order.transition",
        acting_user=acting_user,
        changes={
            "status": [from_status, to_status],
            date_field: on_date,
            **({"invoice_id": invoice.pk} if invoice is not None else {}),
        },
    )
    return order


# --- assignments ----------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    order: Order,
    worker: Worker,
    assigned_on: datetime.date,
    agreed_amount: int | None = None,
    acting_user=None,
) -> Assignment:
    """Place an active worker on an open order, once, and commission the work.

    Assigning is commissioning under the Freelance Act: from 2024-11-01 the terms notice
    (3条通知) is issued in the same transaction, so no work can start without it. Hourly
    work states the worker's rate; per-deliverable work needs the `agreed_amount`.
    """
    check_date(assigned_on, field="assigned_on")
    check_commission_amount(
        order.contract_type,
        agreed_amount,
        field="agreed_amount",
        required=notice_required(assigned_on),
    )
    lock_row(order)
    if order.status not in OPEN_STATUSES:
        raise DomainError(
            "order_not_open",
            _("Workers can be assigned only to an order that is received or in progress."),
            field="order",
        )
    worker.refresh_from_db(fields=["status"])
    if worker.status != WorkerStatus.ACTIVE:
        raise DomainError(
            "worker_not_active",
            _("Only an active worker can be assigned to an order."),
            field="worker",
        )
    if assigned_on < order.received_on:
        raise DomainError(
            "assigned_before_received",
            _("The assignment date cannot be before the order was received."),
            field="assigned_on",
        )
    if Assignment.objects.filter(order=order, worker=worker).exists():
        raise DomainError(
            "assignment_duplicate",
            _("This worker is already assigned to this order."),
            field="worker",
        )
    assignment = Assignment.objects.create(order=order, worker=worker, assigned_on=assigned_on)
    audit_record(
        action="assignment.create",
        actor=acting_user,
        instance=assignment,
        changes={
            "order_id": order.pk,
            "worker_id": worker.pk,
            "assigned_on": assigned_on.isoformat(),
        },
    )
    if notice_required(assigned_on) or agreed_amount is not None:
        commission_notice_issue(
            assignment=assignment, amount=agreed_amount, acting_user=acting_user
        )
    return assignment


# --- work logs ------------------------------------------------------------------------


def _check_day(order, assignment, work_date, minutes, logs) -> None:
    """The rules of a day's log, for recording and correcting alike: within the order's
    time, not ahead of today, one log per assignment a day, 1,440 minutes a day in all
    (`logs`: the work logs that count, without the one being corrected)."""
    if work_date < order.received_on:
        raise DomainError(
            "work_before_received",
            _("The work date cannot be before the order was received."),
            field="work_date",
        )
    if work_date > timezone.localdate():
        raise DomainError(
            "work_date_future",
            _("The work date cannot be in the future."),
            field="work_date",
        )
    if logs.filter(assignment=assignment, work_date=work_date).exists():
        raise DomainError(
            "worklog_duplicate",
            _("Work on this order is already logged for this day; change that entry instead."),
            field="work_date",
        )
    already = (
        logs.filter(assignment__worker_id=assignment.worker_id, work_date=work_date)
        .aggregate(total=Sum("minutes"))
        .get("total")
        or 0
    )
    if already + minutes > MINUTES_PER_DAY:
        raise DomainError(
            "daily_limit",
            _(
                "A worker's minutes on one day cannot exceed 1440 across all orders "
                "(%(already)s already logged)."
            ),
            field="minutes",
            params={"already": already},
        )


@transaction.atomic
def worklog_record(
    *,
    assignment: Assignment,
    work_date: datetime.date,
    minutes: int,
    note: str = "",
    acting_user=None,
) -> WorkLog:
    """Record a worker's minutes on one order on one day; a day has 1,440 minutes in all."""
    check_whole_number(minutes, field="minutes", minimum=1, maximum=MINUTES_PER_DAY)
    check_date(work_date, field="work_date")
    require_commission_notice(assignment)
    # The worker's row serialises logs for the same worker, so two orders cannot together
    # pass the daily limit; the order's row serialises against its own transitions.
    list(Worker.objects.select_for_update().filter(pk=assignment.worker_id).values_list("pk"))
    order = Order.objects.select_for_update().get(pk=assignment.order_id)
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(
            "order_cancelled",
            _("Work cannot be logged on a cancelled order."),
            field="assignment",
        )
    _check_day(order, assignment, work_date, minutes, WorkLog.objects.all())
    work_log = WorkLog(
        assignment=assignment, work_date=work_date, minutes=minutes, note=(note or "").strip()
    )
    validate(work_log)
    work_log.save()
    logged = WorkLog.objects.filter(assignment__order=order).aggregate(total=Sum("minutes"))[
        "total"
    ]
    _order_changed(
        order,
        action="worklog.record",
        acting_user=acting_user,
        instance=work_log,
        changes={
            "assignment_id": assignment.pk,
            "work_date": work_date,
            "minutes": minutes,
            "logged_minutes": logged,
        },
    )
    return work_log


@transaction.atomic
def worklog_approve(*, work_log: WorkLog, acting_user) -> WorkLog:
    """Confirm minutes for payout; approval is recorded once, with who and when."""
    if not getattr(acting_user, "is_authenticated", False) or acting_user.pk is None:
        raise DomainError(
            "approver_required",
            _("Work logs are approved by a signed-in user."),
            field="acting_user",
        )
    lock_row(work_log)
    if work_log.approved_at is not None:
        raise DomainError(
            "worklog_already_approved",
            _("This work log is already approved."),
            field="approved_at",
        )
    work_log.approved_at = timezone.now()
    work_log.approved_by_id = acting_user.pk
    work_log.save(update_fields=["approved_at", "approved_by_id"])
    audit_record(
        action="worklog.approve",
        actor=acting_user,
        instance=work_log,
        changes={
            "order_id": work_log.assignment.order_id,
            "minutes": work_log.minutes,
            "work_date": work_log.work_date.isoformat(),
        },
    )
    return work_log


def _lock_unapproved(worklog: WorkLog) -> tuple[WorkLog, Order]:
    """Lock as worklog_record does (worker, then order), then the log itself, and refuse a
    log that is approved (the basis of pay) or whose order was cancelled."""
    assignment = Assignment.objects.filter(pk=worklog.assignment_id).first()
    if assignment is not None:
        list(Worker.objects.select_for_update().filter(pk=assignment.worker_id).values_list("pk"))
        order = Order.objects.select_for_update().get(pk=assignment.order_id)
    if (
        assignment is None
        or not WorkLog.objects.select_for_update()
        .filter(pk=worklog.pk, assignment_id=assignment.pk)
        .exists()
    ):
        raise DomainError(
            "worklog_not_found",
            _("This work log no longer exists."),
            field="worklog",
        )
    worklog.refresh_from_db()
    if worklog.approved_at is not None:
        raise DomainError(
            "worklog_already_approved",
            _(
                "This work log is already approved: its minutes are the basis of pay and "
                "can no longer be corrected or withdrawn."
            ),
            field="worklog",
        )
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(
            "order_cancelled",
            _("Work logged on a cancelled order cannot be changed."),
            field="worklog",
        )
    return worklog, order


@transaction.atomic
def worklog_update(
    *,
    worklog: WorkLog,
    minutes: int | None = None,
    work_date: datetime.date | None = None,
    note: str | None = None,
    acting_user=None,
) -> WorkLog:
    """Correct a log until it is approved, under the rules of recording; absent: unchanged."""
    if minutes is not None:
        check_whole_number(minutes, field="minutes", minimum=1, maximum=MINUTES_PER_DAY)
    if work_date is not None:
        check_date(work_date, field="work_date")
    worklog, order = _lock_unapproved(worklog)
    assignment = worklog.assignment
    require_commission_notice(assignment)
    new_date = worklog.work_date if work_date is None else work_date
    new_minutes = worklog.minutes if minutes is None else minutes
    new_note = worklog.note if note is None else note.strip()
    _check_day(order, assignment, new_date, new_minutes, WorkLog.objects.exclude(pk=worklog.pk))
    before = {"work_date": worklog.work_date, "minutes": worklog.minutes, "note": worklog.note}
    worklog.work_date, worklog.minutes, worklog.note = new_date, new_minutes, new_note
    changed = [field for field in before if getattr(worklog, field) != before[field]]
    if not changed:
        return worklog
    try:
        validate(worklog)
    except DomainError:
        worklog.refresh_from_db()  # the caller's instance must not keep refused values
        raise
    worklog.save(update_fields=changed)
    logged = WorkLog.objects.filter(assignment__order=order).aggregate(total=Sum("minutes"))[
        "total"
    ]
    changes = {
        field: "changed"
        if field == "note"
        else [_iso(before[field]), _iso(getattr(worklog, field))]
        for field in changed
    }
    _order_changed(
        order,
        action="worklog.update",
        acting_user=acting_user,
        instance=worklog,
        changes={"assignment_id": assignment.pk, **changes, "logged_minutes": logged},
    )
    return worklog


@transaction.atomic
def worklog_withdraw(*, worklog: WorkLog, acting_user=None) -> None:
    """Delete a log recorded in error; only before approval, as approved minutes are paid."""
    worklog, order = _lock_unapproved(worklog)
    pk, assignment_id = worklog.pk, worklog.assignment_id
    facts = {"work_date": worklog.work_date, "minutes": worklog.minutes}
    worklog.delete()
    worklog.pk = pk  # the audit entry names the row that was withdrawn
    logged = (
        WorkLog.objects.filter(assignment__order=order).aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    _order_changed(
        order,
        action="worklog.withdraw",
        acting_user=acting_user,
        instance=worklog,
        changes={"assignment_id": assignment_id, **facts, "logged_minutes": logged},
    )
