"""The order life cycle: every legal step stamps its date, every other step is refused."""

import datetime
from collections import deque

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kado_platform.audit.models import AuditEntry
from kado_tenants.orders.lifecycle import STATUS_DATE_FIELDS, TRANSITIONS, OrderStatus
from kado_tenants.orders.models import Order
from kado_tenants.orders.selectors import order_status_counts
from kado_tenants.orders.services import order_transition

RECEIVED_ON = datetime.date(2023, 5, 10)


def _path_to(status: str) -> list[str]:
    """The shortest legal route from `received` to `status`, found from the table itself."""
    routes = {OrderStatus.RECEIVED.value: []}
    queue = deque([OrderStatus.RECEIVED.value])
    while queue:
        current = queue.popleft()
        for target in sorted(TRANSITIONS[current]):
            if target not in routes:
                routes[target] = [*routes[current], target]
                queue.append(target)
    return routes[status]


def _walk(order, status):
    for step in _path_to(status):
        order = order_transition(order=order, to_status=step, on_date=RECEIVED_ON)
    return order


ILLEGAL = [
    (current, target)
    for current in OrderStatus.values
    for target in [*OrderStatus.values, "archived"]
    if target not in TRANSITIONS[current]
]


def test_every_status_is_reachable_and_the_table_is_what_the_brief_says():
    assert {status: _path_to(status) for status in OrderStatus.values} == {
        "received": [],
        "in_progress": ["in_progress"],
        "delivered": ["in_progress", "delivered"],
        "inspected": ["in_progress", "delivered", "inspected"],
        "invoiced": ["in_progress", "delivered", "inspected", "invoiced"],
        "paid": ["in_progress", "delivered", "inspected", "invoiced", "paid"],
        "cancelled": ["cancelled"],
    }
    assert len(ILLEGAL) == 7 * 8 - 8  # 7 statuses and one unknown, 8 legal moves


def test_the_full_life_cycle_stamps_each_date(make, admin):
    order = make.order(received_on=RECEIVED_ON)
    steps = [
        ("in_progress", datetime.date(2023, 5, 11)),
        ("delivered", datetime.date(2023, 6, 20)),
        ("inspected", datetime.date(2023, 6, 25)),
        ("invoiced", datetime.date(2023, 6, 30)),
        ("paid", datetime.date(2023, 7, 31)),
    ]
    for status, day in steps:
        returned = order_transition(order=order, to_status=status, on_date=day, acting_user=admin)
        assert returned.status == status
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == "paid"
    assert [getattr(fresh, STATUS_DATE_FIELDS[status]) for status, _day in steps] == [
        day for _status, day in steps
    ]
    assert fresh.cancelled_on is None
    entries = AuditEntry.objects.filter(action="order.transition", object_id=str(order.pk))
    assert sorted((e.changes["status"][0], e.changes["status"][1]) for e in entries) == sorted(
        [
            ("received", "in_progress"),
            ("in_progress", "delivered"),
            ("delivered", "inspected"),
            ("inspected", "invoiced"),
            ("invoiced", "paid"),
        ]
    )
    paid = entries.get(changes__status=["invoiced", "paid"])
    assert paid.changes == {
        "order_id": order.pk,
        "status": ["invoiced", "paid"],
        "paid_on": "2023-07-31",
    }
    assert paid.actor == admin


@pytest.mark.parametrize("status", ["received", "in_progress", "delivered"])
def test_an_order_can_be_cancelled_until_it_is_inspected(make, status):
    order = _walk(make.order(received_on=RECEIVED_ON), status)
    order_transition(order=order, to_status="cancelled", on_date=datetime.date(2023, 6, 1))
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.cancelled_on) == ("cancelled", datetime.date(2023, 6, 1))


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transitions_are_refused(make, refused, current, target):
    order = _walk(make.order(received_on=RECEIVED_ON), current)
    error = refused(
        lambda: order_transition(order=order, to_status=target, on_date=RECEIVED_ON),
        code="illegal_transition",
        field="status",
    )
    assert error.params == {"from": current, "to": target}
    assert current in error.message and target in error.message
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == current
    if target in STATUS_DATE_FIELDS and target not in _path_to(current):
        assert getattr(fresh, STATUS_DATE_FIELDS[target]) is None


def test_the_date_defaults_to_today_in_tokyo(make):
    order = order_transition(order=make.order(), to_status="in_progress")
    assert Order.objects.get(pk=order.pk).started_on == timezone.localdate()


@pytest.mark.parametrize(
    ("on_date", "code"),
    [
        (datetime.date(2023, 5, 9), "on_date_too_early"),
        ("2023-05-11", "not_a_date"),
        (datetime.datetime(2023, 5, 11, 9, 0), "not_a_date"),
    ],
)
def test_transition_date_refusals(make, refused, on_date, code):
    order = make.order(received_on=RECEIVED_ON)
    refused(
        lambda: order_transition(order=order, to_status="in_progress", on_date=on_date),
        code=code,
        field="on_date",
    )


def test_a_step_cannot_be_dated_before_the_previous_step(make, refused):
    order = make.order(received_on=RECEIVED_ON)
    order_transition(order=order, to_status="in_progress", on_date=datetime.date(2023, 5, 20))
    error = refused(
        lambda: order_transition(
            order=order, to_status="delivered", on_date=datetime.date(2023, 5, 19)
        ),
        code="on_date_too_early",
        field="on_date",
    )
    assert "2023-05-20" in error.message


def test_a_stale_instance_is_checked_against_the_locked_row(make, refused):
    """Two people on the same order: the second sees the first's step, not their old copy."""
    order = make.order(received_on=RECEIVED_ON)
    stale = Order.objects.get(pk=order.pk)
    order_transition(order=order, to_status="in_progress", on_date=RECEIVED_ON)
    assert stale.status == "received"
    refused(
        lambda: order_transition(order=stale, to_status="in_progress", on_date=RECEIVED_ON),
        code="illegal_transition",
        field="status",
    )
    assert stale.status == "in_progress"  # reloaded under the lock


def test_the_row_is_locked_for_the_transition(make):
    order = make.order(received_on=RECEIVED_ON)
    with CaptureQueriesContext(connection) as context:
        order_transition(order=order, to_status="in_progress", on_date=RECEIVED_ON)
    assert any(
        "orders_order" in query["sql"] and "FOR UPDATE" in query["sql"]
        for query in context.captured_queries
    )


def test_status_counts_follow_the_life_cycle(make):
    before = {row["status"]: row["count"] for row in order_status_counts()}
    order = make.order()
    order_transition(order=order, to_status="in_progress", on_date=order.received_on)
    make.order()
    rows = order_status_counts()
    assert [row["status"] for row in rows] == OrderStatus.values
    after = {row["status"]: row["count"] for row in rows}
    assert after["received"] == before["received"] + 1
    assert after["in_progress"] == before["in_progress"] + 1
    assert after["paid"] == before["paid"]
