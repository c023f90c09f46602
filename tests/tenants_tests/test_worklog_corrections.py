"""Correcting and withdrawing a work log before approval: the rules of recording apply to
the corrected values, refusals write nothing, each change is audited with the order, and
the federation's read model follows (its triggers) — and approved minutes, the basis of
pay, can be neither corrected nor withdrawn."""

import datetime

import pytest
from django.utils import timezone

from kado_platform.audit.models import AuditEntry
from kado_platform.federation.index import index_differences
from kado_platform.federation.models import OrderIndexEntry, WorkMinutes
from kado_tenants.orders.models import WorkLog
from kado_tenants.orders.selectors import order_progress, worklog_get
from kado_tenants.orders.services import (
    order_transition,
    worklog_approve,
    worklog_record,
    worklog_update,
    worklog_withdraw,
)

D = datetime.date
RECEIVED_ON = D(2023, 5, 10)
DAY = D(2023, 5, 15)


def stored(work_log):
    """The row as the database holds it: (work_date, minutes, note, approved)."""
    row = WorkLog.objects.get(pk=work_log.pk)
    return (row.work_date, row.minutes, row.note, row.approved_at is not None)


def read_model(fed, order, worker):
    """The federation's figures for this order and worker: logged minutes, minutes per month."""
    logged = OrderIndexEntry.objects.get(region=fed.alpha, order_id=order.pk).logged_minutes
    months = dict(
        WorkMinutes.objects.filter(region=fed.alpha, worker_id=worker.pk).values_list(
            "month", "minutes"
        )
    )
    return logged, months


def out_of_step(fed, order, worker):
    """What the index holds for this order and worker that a rebuild would change."""
    return [
        difference
        for difference in index_differences(fed.alpha)
        if (difference.table == "orders" and difference.key == (order.pk,))
        or (difference.table == "work_minutes" and difference.key[0] == worker.pk)
    ]


@pytest.fixture
def logged(make):
    """An order estimated at 600 minutes with one worker, who logged 90 minutes on DAY."""
    order = make.started_order(received_on=RECEIVED_ON, estimated_minutes=600)
    assignment = make.assignment(order=order)
    work_log = worklog_record(assignment=assignment, work_date=DAY, minutes=90, note="誤入力")
    return order, assignment, work_log


# --- correcting -----------------------------------------------------------------------


def test_mistyped_minutes_are_corrected_and_audited_with_the_order(fed, make, admin, logged):
    order, assignment, work_log = logged
    other = worklog_record(assignment=assignment, work_date=D(2023, 5, 16), minutes=30)
    corrected = worklog_update(worklog=work_log, minutes=60, acting_user=admin)
    assert corrected.pk == work_log.pk
    assert stored(work_log) == (DAY, 60, "誤入力", False)
    assert stored(other) == (D(2023, 5, 16), 30, "", False)
    entry = AuditEntry.objects.get(action="worklog.update", object_id=str(work_log.pk))
    assert entry.object_type == "orders.WorkLog"
    assert entry.actor == admin
    assert entry.changes == {
        "order_id": order.pk,
        "assignment_id": assignment.pk,
        "minutes": [90, 60],
        "logged_minutes": 90,
    }
    assert order_progress(order) == (90, 600)
    assert read_model(fed, order, assignment.worker) == (90, {D(2023, 5, 1): 90})
    assert out_of_step(fed, order, assignment.worker) == []


def test_a_log_moved_to_another_month_moves_its_minutes_in_the_read_model(fed, make, admin, logged):
    order, assignment, work_log = logged
    worklog_update(worklog=work_log, work_date=D(2023, 6, 1), note="  6月分  ", acting_user=admin)
    assert stored(work_log) == (D(2023, 6, 1), 90, "6月分", False)
    assert read_model(fed, order, assignment.worker) == (90, {D(2023, 6, 1): 90})
    assert out_of_step(fed, order, assignment.worker) == []
    entry = AuditEntry.objects.get(action="worklog.update", object_id=str(work_log.pk))
    assert entry.changes == {
        "order_id": order.pk,
        "assignment_id": assignment.pk,
        "work_date": ["2023-05-15", "2023-06-01"],
        "note": "changed",  # the note is free text: the audit says that it changed only
        "logged_minutes": 90,
    }


def test_a_correction_that_changes_nothing_writes_nothing(make, admin, logged):
    _order, _assignment, work_log = logged
    audited = AuditEntry.objects.count()
    worklog_update(worklog=work_log, minutes=90, work_date=DAY, note="誤入力", acting_user=admin)
    worklog_update(worklog=work_log, acting_user=admin)
    assert AuditEntry.objects.count() == audited
    assert stored(work_log) == (DAY, 90, "誤入力", False)
    assert not AuditEntry.objects.filter(action="worklog.update", object_id=str(work_log.pk))


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"minutes": 0}, "min_value", "minutes"),
        ({"minutes": -30}, "min_value", "minutes"),
        ({"minutes": 1441}, "max_value", "minutes"),
        ({"minutes": 30.5}, "not_whole_number", "minutes"),
        ({"minutes": "60"}, "not_whole_number", "minutes"),
        ({"minutes": True}, "not_whole_number", "minutes"),
        ({"work_date": "2023-05-16"}, "not_a_date", "work_date"),
        ({"work_date": datetime.datetime(2023, 5, 16, 9, 0)}, "not_a_date", "work_date"),
        ({"work_date": D(2023, 5, 9)}, "work_before_received", "work_date"),
        ({"note": "長" * 201}, "max_length", "note"),
    ],
)
def test_corrections_follow_the_rules_of_recording(make, refused, logged, changes, code, field):
    _order, _assignment, work_log = logged
    refused(lambda: worklog_update(worklog=work_log, **changes), code=code, field=field)
    assert stored(work_log) == (DAY, 90, "誤入力", False)
    assert (work_log.work_date, work_log.minutes, work_log.note) == (DAY, 90, "誤入力")


def test_a_log_cannot_be_moved_into_the_future(make, refused, logged):
    _order, _assignment, work_log = logged
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused(
        lambda: worklog_update(worklog=work_log, work_date=tomorrow),
        code="work_date_future",
        field="work_date",
    )
    assert stored(work_log) == (DAY, 90, "誤入力", False)


def test_one_log_per_assignment_and_day_still_holds(make, refused, logged):
    _order, assignment, work_log = logged
    next_day = worklog_record(assignment=assignment, work_date=D(2023, 5, 16), minutes=30)
    refused(
        lambda: worklog_update(worklog=next_day, work_date=DAY),
        code="worklog_duplicate",
        field="work_date",
    )
    assert stored(next_day) == (D(2023, 5, 16), 30, "", False)
    # Its own day is not a duplicate of itself.
    worklog_update(worklog=work_log, work_date=DAY, minutes=120)
    assert stored(work_log) == (DAY, 120, "誤入力", False)


def test_the_daily_limit_counts_the_other_orders_but_not_the_log_itself(make, refused):
    worker = make.active_worker()
    first = make.assignment(order=make.started_order(received_on=RECEIVED_ON), worker=worker)
    second = make.assignment(order=make.started_order(received_on=RECEIVED_ON), worker=worker)
    big = worklog_record(assignment=first, work_date=DAY, minutes=1000)
    small = worklog_record(assignment=second, work_date=DAY, minutes=400)
    error = refused(
        lambda: worklog_update(worklog=small, minutes=441),
        code="daily_limit",
        field="minutes",
    )
    assert "1000" in error.message
    assert stored(small) == (DAY, 400, "", False)
    worklog_update(worklog=small, minutes=440)  # exactly 1440 in the day
    # The big log's own 1000 minutes are replaced, not added: 1000 + 440 is the day.
    worklog_update(worklog=big, minutes=1000, note="確認済み")
    refused(
        lambda: worklog_update(worklog=big, minutes=1001),
        code="daily_limit",
        field="minutes",
    )
    # Moving a log onto a day its assignment already has is a duplicate, whatever the minutes.
    elsewhere = worklog_record(assignment=second, work_date=D(2023, 5, 16), minutes=1)
    refused(
        lambda: worklog_update(worklog=elsewhere, work_date=DAY, minutes=1),
        code="worklog_duplicate",
        field="work_date",
    )
    # Moved to another day, the minutes count against that day's other logs.
    seventeenth = worklog_record(assignment=first, work_date=D(2023, 5, 17), minutes=1)
    worklog_update(worklog=small, work_date=D(2023, 5, 17))  # 440 + 1 there
    error = refused(
        lambda: worklog_update(worklog=seventeenth, minutes=1001),
        code="daily_limit",
        field="minutes",
    )
    assert "440" in error.message
    worklog_update(worklog=seventeenth, minutes=1000)  # 440 + 1000 = 1440
    assert [stored(log)[:2] for log in (big, small, elsewhere, seventeenth)] == [
        (DAY, 1000),
        (D(2023, 5, 17), 440),
        (D(2023, 5, 16), 1),
        (D(2023, 5, 17), 1000),
    ]


# --- after approval, and on a cancelled order --------------------------------------------


def test_an_approved_log_is_neither_corrected_nor_withdrawn(fed, make, refused, admin, logged):
    order, assignment, work_log = logged
    worklog_approve(work_log=work_log, acting_user=admin)
    refused(
        lambda: worklog_update(worklog=work_log, minutes=60, acting_user=admin),
        code="worklog_already_approved",
        field="worklog",
    )
    refused(
        lambda: worklog_withdraw(worklog=work_log, acting_user=admin),
        code="worklog_already_approved",
        field="worklog",
    )
    assert stored(work_log) == (DAY, 90, "誤入力", True)
    assert read_model(fed, order, assignment.worker) == (90, {D(2023, 5, 1): 90})


def test_an_instance_loaded_before_approval_is_still_refused(make, refused, admin, logged):
    _order, _assignment, work_log = logged
    stale = WorkLog.objects.get(pk=work_log.pk)
    worklog_approve(work_log=work_log, acting_user=admin)
    refused(
        lambda: worklog_update(worklog=stale, minutes=60),
        code="worklog_already_approved",
        field="worklog",
    )
    assert stored(work_log) == (DAY, 90, "誤入力", True)


def test_logs_of_a_cancelled_order_stay_as_they_are(make, refused, logged):
    order, _assignment, work_log = logged
    order_transition(order=order, to_status="cancelled", on_date=DAY)
    refused(
        lambda: worklog_update(worklog=work_log, minutes=60),
        code="order_cancelled",
        field="worklog",
    )
    refused(lambda: worklog_withdraw(worklog=work_log), code="order_cancelled", field="worklog")
    assert stored(work_log) == (DAY, 90, "誤入力", False)


# --- withdrawing ------------------------------------------------------------------------


def test_withdrawing_deletes_the_log_audits_it_and_the_read_model_follows(fed, make, admin, logged):
    order, assignment, work_log = logged
    other = worklog_record(assignment=assignment, work_date=D(2023, 6, 2), minutes=30)
    pk = work_log.pk
    worklog_withdraw(worklog=work_log, acting_user=admin)
    assert not WorkLog.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="worklog.withdraw", object_id=str(pk))
    assert (entry.actor, entry.object_type) == (admin, "orders.WorkLog")
    assert entry.changes == {
        "order_id": order.pk,
        "assignment_id": assignment.pk,
        "work_date": "2023-05-15",
        "minutes": 90,
        "logged_minutes": 30,
    }
    assert order_progress(order) == (30, 600)
    assert read_model(fed, order, assignment.worker) == (30, {D(2023, 6, 1): 30})
    assert out_of_step(fed, order, assignment.worker) == []

    worklog_withdraw(worklog=other, acting_user=admin)
    assert read_model(fed, order, assignment.worker) == (0, {})
    assert out_of_step(fed, order, assignment.worker) == []
    assert (
        AuditEntry.objects.get(action="worklog.withdraw", object_id=str(other.pk)).changes[
            "logged_minutes"
        ]
        == 0
    )
    # The day is free again: the work is recorded anew.
    again = worklog_record(assignment=assignment, work_date=DAY, minutes=60)
    assert stored(again) == (DAY, 60, "", False)


def test_a_log_withdrawn_meanwhile_is_not_found(make, refused, logged):
    _order, _assignment, work_log = logged
    stale = WorkLog.objects.get(pk=work_log.pk)
    worklog_withdraw(worklog=work_log)
    refused(lambda: worklog_withdraw(worklog=stale), code="worklog_not_found", field="worklog")
    refused(
        lambda: worklog_update(worklog=stale, minutes=60),
        code="worklog_not_found",
        field="worklog",
    )


# --- regions --------------------------------------------------------------------------


def test_another_regions_log_is_not_reached(fed, in_region, maker, same_pk):
    """Alpha and beta hold a log under the same key: each region reaches its own only."""
    pk = same_pk(WorkLog, fed.alpha, fed.beta)
    made = {}
    for region, user, minutes in [(fed.alpha, "alpha_admin", 90), (fed.beta, "beta_admin", 45)]:
        with in_region(region):
            make = maker(acting_user=fed.user(user))
            assignment = make.assignment(order=make.started_order(received_on=RECEIVED_ON))
            made[region.code] = worklog_record(
                assignment=assignment, work_date=DAY, minutes=minutes
            )
    assert made["alpha"].pk == made["beta"].pk == pk

    with in_region(fed.beta):
        theirs = worklog_get(pk=pk)
        assert theirs.minutes == 45
        worklog_update(worklog=theirs, minutes=50, acting_user=fed.user("beta_admin"))
        worklog_withdraw(worklog=theirs, acting_user=fed.user("beta_admin"))
        assert worklog_get(pk=pk) is None
    with in_region(fed.alpha):
        assert stored(worklog_get(pk=pk)) == (DAY, 90, "", False)
        entries = AuditEntry.objects.filter(object_type="orders.WorkLog", object_id=str(pk))
        assert sorted(entries.values_list("region_code", "action")) == [
            ("alpha", "worklog.record"),
            ("beta", "worklog.record"),
            ("beta", "worklog.update"),
            ("beta", "worklog.withdraw"),
        ]
        # A key that exists only in beta now is not found in alpha, and the reverse.
        same_pk(WorkLog, fed.alpha, fed.beta)
    with in_region(fed.beta):
        make = maker(acting_user=fed.user("beta_admin"))
        only_beta = worklog_record(
            assignment=make.assignment(order=make.started_order(received_on=RECEIVED_ON)),
            work_date=DAY,
            minutes=30,
        )
    with in_region(fed.alpha):
        assert worklog_get(pk=only_beta.pk) is None
