"""The order life cycle: every legal step stamps its date, every other step is refused;
invoiced and paid come only from invoicing."""

import datetime
from collections import deque

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kado_platform.audit.models import AuditEntry
from kado_tenants.invoicing.services import invoice_create, invoice_issue, invoice_mark_paid
from kado_tenants.orders.lifecycle import (
    STATUS_DATE_FIELDS,
    TRANSITIONS,
    OrderStatus,
    allowed_transitions,
)
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


def _walk(order, status, make=None):
    """Step by step to `status`; invoiced and paid through an invoice, as in real life."""
    invoice = None
    for step in _path_to(status):
        if step == "invoiced":
            make.invoice_issuer()
            draft = invoice_create(client=order.client, orders=[order])
            invoice = invoice_issue(invoice=draft, issued_on=RECEIVED_ON)
        elif step == "paid":
            invoice_mark_paid(invoice=invoice, paid_on=RECEIVED_ON, amount=invoice.total)
        else:
            order = order_transition(order=order, to_status=step, on_date=RECEIVED_ON)
    return Order.objects.get(pk=order.pk)


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


def test_people_are_offered_every_move_but_invoiced_and_paid():
    assert {status: sorted(allowed_transitions(status)) for status in OrderStatus.values} == {
        "received": ["cancelled", "in_progress"],
        "in_progress": ["cancelled", "delivered"],
        "delivered": ["cancelled", "inspected"],
        "inspected": [],
        "invoiced": [],
        "paid": [],
        "cancelled": [],
    }


def test_the_full_life_cycle_stamps_each_date(make, admin):
    order = make.order(received_on=RECEIVED_ON)
    steps = [
        ("in_progress", datetime.date(2023, 5, 11)),
        ("delivered", datetime.date(2023, 6, 20)),
        ("inspected", datetime.date(2023, 6, 25)),
    ]
    for status, day in steps:
        returned = order_transition(order=order, to_status=status, on_date=day, acting_user=admin)
        assert returned.status == status
    make.invoice_issuer()
    draft = invoice_create(client=order.client, orders=[order], acting_user=admin)
    invoice = invoice_issue(invoice=draft, issued_on=datetime.date(2023, 6, 30), acting_user=admin)
    assert Order.objects.get(pk=order.pk).status == "invoiced"
    invoice_mark_paid(
        invoice=invoice,
        paid_on=datetime.date(2023, 7, 31),
        amount=12_000 + 1_200,
        acting_user=admin,
    )
    steps += [("invoiced", datetime.date(2023, 6, 30)), ("paid", datetime.date(2023, 7, 31))]
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
        "invoice_id": invoice.pk,
    }
    assert paid.actor == admin


@pytest.mark.parametrize(("current", "target"), [("inspected", "invoiced"), ("invoiced", "paid")])
def test_invoiced_and_paid_cannot_be_set_by_hand(make, refused, current, target):
    order = _walk(make.order(received_on=RECEIVED_ON), current, make)
    error = refused(
        lambda: order_transition(order=order, to_status=target, on_date=RECEIVED_ON),
        code="status_set_by_invoicing",
        field="status",
    )
    assert "請求書" in error.message
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == current
    assert getattr(fresh, STATUS_DATE_FIELDS[target]) is None


def test_an_invoice_that_does_not_hold_the_order_does_not_bill_it(make, refused):
    billed = _walk(make.order(received_on=RECEIVED_ON), "invoiced", make)
    other = _walk(make.order(received_on=RECEIVED_ON, client=billed.client), "inspected")
    invoice = billed.invoice_lines.get().invoice
    refused(
        lambda: order_transition(
            order=other, to_status="invoiced", on_date=RECEIVED_ON, invoice=invoice
        ),
        code="status_set_by_invoicing",
        field="status",
    )
    assert Order.objects.get(pk=other.pk).invoiced_on is None


@pytest.mark.parametrize("status", ["received", "in_progress", "delivered"])
def test_an_order_can_be_cancelled_until_it_is_inspected(make, status):
    order = _walk(make.order(received_on=RECEIVED_ON), status)
    order_transition(order=order, to_status="cancelled", on_date=datetime.date(2023, 6, 1))
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.cancelled_on) == ("cancelled", datetime.date(2023, 6, 1))


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transitions_are_refused(make, refused, current, target):
    order = _walk(make.order(received_on=RECEIVED_ON), current, make)
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
