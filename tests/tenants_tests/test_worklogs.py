"""Assignments and work logs: who may work on what, the 1,440-minute day, and approval."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from kado_platform.audit.models import AuditEntry
from kado_tenants.orders.models import Assignment, WorkLog
from kado_tenants.orders.selectors import (
    assignments_for,
    minutes_logged,
    order_get,
    order_list,
    order_logged_minutes,
    order_progress,
    worker_minutes_on,
    worklog_list,
)
from kado_tenants.orders.services import (
    assignment_create,
    order_transition,
    worklog_approve,
    worklog_record,
)
from kado_tenants.workforce.models import WorkerStatus
from kado_tenants.workforce.services import worker_change_status

RECEIVED_ON = datetime.date(2023, 5, 10)
DAY = datetime.date(2023, 5, 15)


# --- assignments ----------------------------------------------------------------------


def test_assignment_create_places_an_active_worker(make, admin):
    order = make.order()
    worker = make.active_worker()
    assignment = assignment_create(
        order=order, worker=worker, assigned_on=RECEIVED_ON, acting_user=admin
    )
    assert Assignment.objects.filter(order=order, worker=worker).count() == 1
    entry = AuditEntry.objects.get(action="assignment.create", object_id=str(assignment.pk))
    assert entry.changes == {
        "order_id": order.pk,
        "worker_id": worker.pk,
        "assigned_on": "2023-05-10",
    }


@pytest.mark.parametrize("status", ["applicant", "training", "employed", "returned"])
def test_only_active_workers_are_assigned(make, refused, status):
    worker = make.worker()
    path = {
        "applicant": [],
        "training": ["training"],
        "employed": ["training", "active", "employed"],
        "returned": ["training", "active", "employed", "returned"],
    }[status]
    for step in path:
        worker_change_status(worker=worker, status=step, changed_on=worker.joined_on)
    order = make.order()
    refused(
        lambda: assignment_create(order=order, worker=worker, assigned_on=RECEIVED_ON),
        code="worker_not_active",
        field="worker",
    )


def test_a_worker_who_went_inactive_since_loading_is_refused(make, refused):
    worker = make.active_worker()
    stale = type(worker).objects.get(pk=worker.pk)
    worker_change_status(worker=worker, status=WorkerStatus.EMPLOYED, changed_on=RECEIVED_ON)
    order = make.order()
    refused(
        lambda: assignment_create(order=order, worker=stale, assigned_on=RECEIVED_ON),
        code="worker_not_active",
        field="worker",
    )


@pytest.mark.parametrize("status", ["delivered", "cancelled"])
def test_only_open_orders_take_assignments(make, refused, status):
    order = make.started_order(received_on=RECEIVED_ON)
    order_transition(order=order, to_status=status, on_date=DAY)
    worker = make.active_worker()
    refused(
        lambda: assignment_create(order=order, worker=worker, assigned_on=DAY),
        code="order_not_open",
        field="order",
    )


def test_assignment_refusals(make, refused):
    order = make.order(received_on=RECEIVED_ON)
    worker = make.active_worker()
    assignment_create(order=order, worker=worker, assigned_on=RECEIVED_ON)
    refused(
        lambda: assignment_create(order=order, worker=worker, assigned_on=DAY),
        code="assignment_duplicate",
        field="worker",
    )
    other = make.active_worker()
    refused(
        lambda: assignment_create(order=order, worker=other, assigned_on=datetime.date(2023, 5, 9)),
        code="assigned_before_received",
        field="assigned_on",
    )
    refused(
        lambda: assignment_create(order=order, worker=other, assigned_on="2023-05-10"),
        code="not_a_date",
        field="assigned_on",
    )


# --- recording work -------------------------------------------------------------------


def test_worklog_record_stores_minutes_and_goes_through_the_order_audit(make, admin):
    order = make.started_order(received_on=RECEIVED_ON, estimated_minutes=600)
    assignment = make.assignment(order=order)
    work_log = worklog_record(
        assignment=assignment, work_date=DAY, minutes=150, note="100枚", acting_user=admin
    )
    assert WorkLog.objects.get(pk=work_log.pk).minutes == 150
    entry = AuditEntry.objects.get(action="worklog.record", object_id=str(work_log.pk))
    assert entry.object_type == "orders.WorkLog"
    assert entry.changes == {
        "order_id": order.pk,
        "assignment_id": assignment.pk,
        "work_date": "2023-05-15",
        "minutes": 150,
        "logged_minutes": 150,
    }
    second = worklog_record(assignment=assignment, work_date=DAY.replace(day=16), minutes=90)
    assert (
        AuditEntry.objects.get(action="worklog.record", object_id=str(second.pk)).changes[
            "logged_minutes"
        ]
        == 240
    )
    assert order_progress(order) == (240, 600)


def test_work_can_be_logged_before_the_order_is_started(make):
    order = make.order(received_on=RECEIVED_ON)
    assignment = make.assignment(order=order)
    assert worklog_record(assignment=assignment, work_date=RECEIVED_ON, minutes=30).pk


@pytest.mark.parametrize(
    ("minutes", "work_date", "code", "field"),
    [
        (0, DAY, "min_value", "minutes"),
        (-30, DAY, "min_value", "minutes"),
        (1441, DAY, "max_value", "minutes"),
        (30.5, DAY, "not_whole_number", "minutes"),
        ("60", DAY, "not_whole_number", "minutes"),
        (60, "2023-05-15", "not_a_date", "work_date"),
        (60, datetime.date(2023, 5, 9), "work_before_received", "work_date"),
    ],
)
def test_worklog_refusals(make, refused, minutes, work_date, code, field):
    assignment = make.assignment(order=make.started_order(received_on=RECEIVED_ON))
    refused(
        lambda: worklog_record(assignment=assignment, work_date=work_date, minutes=minutes),
        code=code,
        field=field,
    )


def test_work_cannot_be_logged_for_tomorrow(make, refused):
    order = make.order(received_on=RECEIVED_ON)
    assignment = make.assignment(order=order)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused(
        lambda: worklog_record(assignment=assignment, work_date=tomorrow, minutes=60),
        code="work_date_future",
        field="work_date",
    )


def test_a_whole_day_is_allowed_once(make, refused):
    assignment = make.assignment(order=make.started_order(received_on=RECEIVED_ON))
    worklog_record(assignment=assignment, work_date=DAY, minutes=1440)
    refused(
        lambda: worklog_record(assignment=assignment, work_date=DAY, minutes=10),
        code="worklog_duplicate",
        field="work_date",
    )


def test_the_daily_limit_counts_every_order_of_the_worker(make, refused):
    worker = make.active_worker()
    first = make.assignment(order=make.started_order(received_on=RECEIVED_ON), worker=worker)
    second = make.assignment(order=make.started_order(received_on=RECEIVED_ON), worker=worker)
    third = make.assignment(order=make.started_order(received_on=RECEIVED_ON), worker=worker)
    worklog_record(assignment=first, work_date=DAY, minutes=600)
    worklog_record(assignment=second, work_date=DAY, minutes=800)
    error = refused(
        lambda: worklog_record(assignment=third, work_date=DAY, minutes=41),
        code="daily_limit",
        field="minutes",
    )
    assert "1400" in error.message
    worklog_record(assignment=third, work_date=DAY, minutes=40)  # exactly 1440 is fine
    assert worker_minutes_on(worker=worker, day=DAY) == 1440
    # Another worker on the same order and day has a day of their own.
    colleague = make.assignment(order=first.order)
    worklog_record(assignment=colleague, work_date=DAY, minutes=1440)
    # And the next day starts afresh.
    worklog_record(assignment=third, work_date=DAY + datetime.timedelta(days=1), minutes=1440)


def test_no_work_on_a_cancelled_order(make, refused):
    order = make.started_order(received_on=RECEIVED_ON)
    assignment = make.assignment(order=order)
    worklog_record(assignment=assignment, work_date=DAY, minutes=60)
    order_transition(order=order, to_status="cancelled", on_date=DAY)
    refused(
        lambda: worklog_record(
            assignment=assignment, work_date=DAY + datetime.timedelta(days=1), minutes=60
        ),
        code="order_cancelled",
        field="assignment",
    )


# --- approval -------------------------------------------------------------------------


def test_approval_records_who_and_when_and_only_once(make, refused, admin, fed):
    assignment = make.assignment(order=make.started_order(received_on=RECEIVED_ON))
    work_log = worklog_record(assignment=assignment, work_date=DAY, minutes=120)
    before = timezone.now()
    worklog_approve(work_log=work_log, acting_user=admin)
    fresh = WorkLog.objects.get(pk=work_log.pk)
    assert fresh.approved_by_id == admin.pk
    assert fresh.approved_at is not None and fresh.approved_at >= before
    assert fresh.is_approved
    entry = AuditEntry.objects.get(action="worklog.approve", object_id=str(work_log.pk))
    assert (entry.actor, entry.changes) == (
        admin,
        {"order_id": assignment.order_id, "minutes": 120, "work_date": "2023-05-15"},
    )
    staff = fed.user("alpha_staff")
    refused(
        lambda: worklog_approve(work_log=work_log, acting_user=staff),
        code="worklog_already_approved",
        field="approved_at",
    )
    assert WorkLog.objects.get(pk=work_log.pk).approved_by_id == admin.pk


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_approval_needs_a_signed_in_user(make, refused, user):
    assignment = make.assignment(order=make.started_order(received_on=RECEIVED_ON))
    work_log = worklog_record(assignment=assignment, work_date=DAY, minutes=120)
    refused(
        lambda: worklog_approve(work_log=work_log, acting_user=user),
        code="approver_required",
        field="acting_user",
    )
    assert WorkLog.objects.get(pk=work_log.pk).approved_at is None


# --- selectors ------------------------------------------------------------------------


def test_work_selectors(make, admin, count_queries):
    worker = make.active_worker()
    order = make.started_order(received_on=RECEIVED_ON, estimated_minutes=1_000)
    other_order = make.started_order(received_on=RECEIVED_ON)
    mine = make.assignment(order=order, worker=worker)
    theirs = make.assignment(order=order)
    elsewhere = make.assignment(order=other_order, worker=worker)
    may_31 = worklog_record(assignment=mine, work_date=datetime.date(2023, 5, 31), minutes=100)
    june_1 = worklog_record(assignment=mine, work_date=datetime.date(2023, 6, 1), minutes=200)
    worklog_record(assignment=theirs, work_date=datetime.date(2023, 6, 30), minutes=300)
    worklog_record(assignment=elsewhere, work_date=datetime.date(2023, 6, 1), minutes=50)
    worklog_approve(work_log=june_1, acting_user=admin)

    assert order_progress(order) == (600, 1000)
    assert order_logged_minutes(other_order) == 50
    assert minutes_logged(month=datetime.date(2023, 6, 15), order=order) == 500
    assert minutes_logged(month=datetime.date(2023, 5, 1), order=order) == 100
    assert minutes_logged(month=datetime.date(2023, 6, 1), worker=worker) == 250
    assert minutes_logged(month=datetime.date(2023, 6, 1), worker=worker, approved_only=True) == 200
    assert minutes_logged(month=datetime.date(2023, 7, 1), order=order) == 0

    assert [log.pk for log in worklog_list(order=order, worker=worker)] == [june_1.pk, may_31.pk]
    assert [log.pk for log in worklog_list(worker=worker, approved=True)] == [june_1.pk]
    assert june_1 not in worklog_list(worker=worker, approved=False)
    june = worklog_list(
        worker=worker, date_from=datetime.date(2023, 6, 1), date_to=datetime.date(2023, 6, 30)
    )
    assert sorted(log.minutes for log in june) == [50, 200]
    with count_queries() as queries:
        titles = [log.assignment.order.title for log in worklog_list(worker=worker)]
        names = [log.assignment.worker.name for log in worklog_list(worker=worker)]
    assert queries.value == 2 and len(titles) == len(names) == 3

    rows = {a.pk: (a.logged_minutes, a.approved_minutes) for a in assignments_for(order)}
    assert rows == {mine.pk: (300, 200), theirs.pk: (300, 0)}

    with count_queries() as queries:
        listed = {o.pk: (o.logged_minutes, o.client.name) for o in order_list()}
    assert queries.value == 1
    assert listed[order.pk][0] == 600 and listed[other_order.pk][0] == 50
    assert order_progress(next(o for o in order_list() if o.pk == order.pk)) == (600, 1000)

    with count_queries() as queries:
        detail = order_get(pk=order.pk)
        workers = sorted(a.worker.pk for a in detail.assignments.all())
    assert queries.value == 2
    assert workers == sorted([worker.pk, theirs.worker_id])
    assert detail.logged_minutes == 600
    assert order_get(pk=-1) is None


def test_order_list_filters(make):
    client = make.client()
    hd = make.order(client=client, category="hd_map", title="高精度地図 松本")
    kit = make.order(category="kitting", title="PCキッティング")
    order_transition(order=kit, to_status="in_progress", on_date=kit.received_on)
    assert [o.pk for o in order_list(client=client)] == [hd.pk]
    assert [o.pk for o in order_list(client=client.pk)] == [hd.pk]
    assert hd.pk in {o.pk for o in order_list(category="hd_map")}
    assert {o.category for o in order_list(category="hd_map")} == {"hd_map"}
    assert kit.pk in {o.pk for o in order_list(status="in_progress")}
    assert {o.status for o in order_list(status="in_progress")} == {"in_progress"}
    assert [o.pk for o in order_list(search="高精度地図")] == [hd.pk]
    assert [o.pk for o in order_list(search=kit.reference)] == [kit.pk]
    assert hd.pk in {o.pk for o in order_list(search=client.name)}
