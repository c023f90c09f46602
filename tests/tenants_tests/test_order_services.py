"""Order intake and changes: amounts, references per fiscal year, and what is refused."""

import datetime

import pytest
from django.db import IntegrityError

from kado_platform.audit.models import AuditEntry
from kado_tenants.clients.models import Client
from kado_tenants.orders import services as order_services
from kado_tenants.orders.categories import Category
from kado_tenants.orders.models import ContractType, Order
from kado_tenants.orders.selectors import fiscal_year_bounds, fiscal_year_of, order_list
from kado_tenants.orders.services import (
    order_amount,
    order_create,
    order_transition,
    order_update,
    worklog_record,
)

MAY_10 = datetime.date(2023, 5, 10)


def _last_number(fiscal_year: int) -> int:
    """The highest sequence already used in this fiscal year (the seed data has some)."""
    numbers = [
        int(reference.split("-")[1])
        for reference in Order.objects.filter(reference__startswith=f"{fiscal_year}-").values_list(
            "reference", flat=True
        )
    ]
    return max(numbers, default=0)


# --- amounts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contract_type", "unit_price", "estimated_minutes", "quantity", "amount"),
    [
        (ContractType.HOURLY, 1_200, 600, 1, 12_000),
        (ContractType.HOURLY, 1_000, 90, 1, 1_500),
        (ContractType.HOURLY, 1_100, 50, 1, 916),  # 916.66… floored, never rounded up
        (ContractType.HOURLY, 1_001, 1, 1, 16),  # 16.68… floored
        (ContractType.HOURLY, 1_050, 45_000, 1, 787_500),
        (ContractType.PER_DELIVERABLE, 30, 6_000, 1_000, 30_000),
        (ContractType.PER_DELIVERABLE, 45, 600, 12_345, 555_525),
        (ContractType.PER_DELIVERABLE, 150_000, 9_600, 1, 150_000),
    ],
)
def test_order_amount_is_whole_yen(
    make, contract_type, unit_price, estimated_minutes, quantity, amount
):
    order = make.order(
        contract_type=contract_type,
        unit_price=unit_price,
        estimated_minutes=estimated_minutes,
        quantity=quantity,
    )
    stored = Order.objects.get(pk=order.pk).amount
    assert stored == amount
    assert isinstance(stored, int)
    assert (
        order_amount(
            contract_type=contract_type,
            unit_price=unit_price,
            estimated_minutes=estimated_minutes,
            quantity=quantity,
        )
        == amount
    )


def test_order_create_stores_the_order_and_audits_it(make, admin):
    client = make.client()
    order = order_create(
        client=client,
        title=" 3D地図データ作成 ",
        category=Category.HD_MAP,
        contract_type=ContractType.HOURLY,
        unit_price=1_300,
        estimated_minutes=1_200,
        received_on=MAY_10,
        due_on=datetime.date(2023, 7, 31),
        acting_user=admin,
    )
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.title, fresh.status, fresh.amount, fresh.client_id) == (
        "3D地図データ作成",
        "received",
        26_000,
        client.pk,
    )
    entry = AuditEntry.objects.get(action="order.create", object_id=str(order.pk))
    assert entry.actor == admin and entry.region_code == "alpha"
    assert entry.changes == {
        "order_id": order.pk,
        "reference": order.reference,
        "status": "received",
        "client_id": client.pk,
        "category": "hd_map",
        "contract_type": "hourly",
        "unit_price": 1300,
        "quantity": 1,
        "estimated_minutes": 1200,
        "amount": 26000,
        "received_on": "2023-05-10",
        "due_on": "2023-07-31",
        "federated_order_id": None,  # a region's own order, not a share of a federated one
    }


# --- references -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "fiscal_year"),
    [
        (datetime.date(2023, 4, 1), 2023),
        (datetime.date(2024, 3, 31), 2023),
        (datetime.date(2024, 4, 1), 2024),
        (datetime.date(2023, 3, 31), 2022),
        (datetime.date(2021, 1, 15), 2020),
    ],
)
def test_the_reference_carries_the_fiscal_year_of_the_date_received(make, received_on, fiscal_year):
    assert fiscal_year_of(received_on) == fiscal_year
    expected = f"{fiscal_year}-{_last_number(fiscal_year) + 1:04d}"
    order = make.order(received_on=received_on, due_on=received_on)
    assert order.reference == expected
    assert Order.objects.get(pk=order.pk).reference == expected


def test_references_count_up_within_a_fiscal_year_and_restart_in_the_next(make):
    base_2019 = _last_number(2019)
    base_2020 = _last_number(2020)
    days = [
        datetime.date(2019, 4, 1),
        datetime.date(2019, 12, 24),
        datetime.date(2020, 3, 31),
        datetime.date(2020, 4, 1),  # FY2020 starts
        datetime.date(2020, 5, 1),
    ]
    references = [make.order(received_on=day, due_on=day).reference for day in days]
    assert references == [
        f"2019-{base_2019 + 1:04d}",
        f"2019-{base_2019 + 2:04d}",
        f"2019-{base_2019 + 3:04d}",
        f"2020-{base_2020 + 1:04d}",
        f"2020-{base_2020 + 2:04d}",
    ]
    assert fiscal_year_bounds(2019) == (datetime.date(2019, 4, 1), datetime.date(2020, 3, 31))
    fy2019 = {order.reference for order in order_list(fiscal_year=2019)}
    assert set(references[:3]) <= fy2019
    assert not set(references[3:]) & fy2019


def test_the_next_reference_follows_the_highest_number_not_the_count(make):
    day = datetime.date(2018, 6, 1)
    first = make.order(received_on=day, due_on=day)
    Order.objects.filter(pk=first.pk).update(reference="2018-0041")
    assert make.order(received_on=day, due_on=day).reference == "2018-0042"


def test_numbers_past_9999_keep_counting(make):
    day = datetime.date(2017, 6, 1)
    first = make.order(received_on=day, due_on=day)
    Order.objects.filter(pk=first.pk).update(reference="2017-9999")
    assert make.order(received_on=day, due_on=day).reference == "2017-10000"
    assert make.order(received_on=day, due_on=day).reference == "2017-10001"


def test_a_reference_taken_meanwhile_is_retried_with_the_next_number(make, monkeypatch):
    """What a concurrent intake looks like: the number read is taken by the time we insert."""
    day = datetime.date(2016, 6, 1)
    taken = make.order(received_on=day, due_on=day)
    assert taken.reference == f"2016-{_last_number(2016):04d}"
    real = order_services._next_reference_number
    calls = []

    def stale_then_real(fiscal_year):
        calls.append(fiscal_year)
        return real(fiscal_year) - 1 if len(calls) == 1 else real(fiscal_year)

    monkeypatch.setattr(order_services, "_next_reference_number", stale_then_real)
    order = make.order(received_on=day, due_on=day)
    assert calls == [2016, 2016]
    assert int(order.reference.split("-")[1]) == int(taken.reference.split("-")[1]) + 1
    assert Order.objects.filter(reference=order.reference).count() == 1


def test_when_every_number_tried_is_taken_the_intake_is_refused(make, refused, monkeypatch):
    day = datetime.date(2016, 6, 1)
    taken = make.order(received_on=day, due_on=day)
    number = int(taken.reference.split("-")[1])
    monkeypatch.setattr(order_services, "_next_reference_number", lambda fiscal_year: number)
    client = make.client()
    refused(
        lambda: make.order(client=client, received_on=day, due_on=day),
        code="reference_busy",
        field="reference",
    )


def test_other_integrity_errors_are_not_swallowed(make, monkeypatch):
    client = make.client()

    def broken_save(self, *args, **kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(Order, "save", broken_save)
    with pytest.raises(IntegrityError):
        make.order(client=client)


# --- refusals on create ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"client": None}, "client_required", "client"),
        ({"client": Client(name="未保存", kind="local_company")}, "client_required", "client"),
        ({"title": "  "}, "blank", "title"),
        ({"category": "gardening"}, "invalid_choice", "category"),
        ({"contract_type": "fixed_fee"}, "invalid_choice", "contract_type"),
        ({"unit_price": 0}, "min_value", "unit_price"),
        ({"unit_price": 1200.0}, "not_whole_number", "unit_price"),
        ({"unit_price": "1200"}, "not_whole_number", "unit_price"),
        ({"unit_price": True}, "not_whole_number", "unit_price"),
        ({"unit_price": 2**31}, "max_value", "unit_price"),
        ({"estimated_minutes": 0}, "min_value", "estimated_minutes"),
        ({"estimated_minutes": 90.5}, "not_whole_number", "estimated_minutes"),
        ({"quantity": 0}, "min_value", "quantity"),
        ({"quantity": 3}, "quantity_hourly", "quantity"),
        ({"received_on": "2023-05-10"}, "not_a_date", "received_on"),
        ({"due_on": datetime.datetime(2023, 6, 1, 12)}, "not_a_date", "due_on"),
        ({"due_on": datetime.date(2023, 5, 9)}, "due_before_received", "due_on"),
    ],
)
def test_order_create_refusals(make, refused, overrides, code, field):
    client = make.client()
    values = {"client": client, **overrides}
    refused(lambda: make.order(**values), code=code, field=field)


def test_an_order_due_the_day_it_is_received_is_fine(make):
    assert make.order(received_on=MAY_10, due_on=MAY_10).due_on == MAY_10


# --- updates --------------------------------------------------------------------------


def test_order_update_recomputes_the_amount_and_audits_the_change(make, admin):
    order = make.order(unit_price=1_200, estimated_minutes=600)
    reference = order.reference
    order_update(
        order=order,
        unit_price=1_500,
        estimated_minutes=90,
        title="アノテーション(追加)",
        acting_user=admin,
    )
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.unit_price, fresh.estimated_minutes, fresh.amount) == (1500, 90, 2250)
    assert fresh.reference == reference
    entry = AuditEntry.objects.get(action="order.update", object_id=str(order.pk))
    assert entry.actor == admin
    assert entry.changes == {
        "order_id": order.pk,
        "amount": [12000, 2250],
        "estimated_minutes": [600, 90],
        "title": "changed",
        "unit_price": [1200, 1500],
    }


def test_order_update_to_per_deliverable_prices_by_quantity(make):
    order = make.order(unit_price=50, estimated_minutes=600)
    order_update(order=order, contract_type=ContractType.PER_DELIVERABLE, quantity=400)
    assert Order.objects.get(pk=order.pk).amount == 20_000


def test_the_contract_type_is_fixed_once_a_worker_has_its_terms(make, refused):
    """The 3条通知 states an hourly rate or an amount; switching the kind of contract after
    it would pay the work on terms the worker was never given."""
    order = make.order(received_on=datetime.date(2025, 1, 6), due_on=datetime.date(2025, 3, 31))
    assignment = make.assignment(order=order)  # since 2024-11-01, assigning issues the notice
    assert assignment.commission_notice.hourly_rate
    refused(
        lambda: order_update(order=order, contract_type=ContractType.PER_DELIVERABLE, quantity=10),
        code="contract_type_noticed",
        field="contract_type",
    )
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.contract_type, fresh.amount) == (ContractType.HOURLY, order.amount)
    order_update(order=order, due_on=order.due_on + datetime.timedelta(days=7))  # other terms may


def test_order_update_is_allowed_in_progress(make):
    order = make.started_order()
    order_update(order=order, due_on=datetime.date(2023, 8, 31))
    assert Order.objects.get(pk=order.pk).due_on == datetime.date(2023, 8, 31)


def test_order_update_can_move_to_another_client(make):
    order = make.order()
    other = make.client()
    order_update(order=order, client=other)
    assert Order.objects.get(pk=order.pk).client_id == other.pk
    entry = AuditEntry.objects.filter(action="order.update", object_id=str(order.pk)).get()
    assert entry.changes["client_id"][1] == other.pk


def test_order_update_without_a_change_writes_nothing(make):
    order = make.order()
    audits = AuditEntry.objects.count()
    order_update(order=order, unit_price=order.unit_price)
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"reference": "2023-9999"}, "field_unknown", "reference"),
        ({"amount": 1}, "field_unknown", "amount"),
        ({"status": "paid"}, "field_unknown", "status"),
        ({"unit_price": 999.9}, "not_whole_number", "unit_price"),
        ({"estimated_minutes": -1}, "min_value", "estimated_minutes"),
        ({"quantity": 2}, "quantity_hourly", "quantity"),
        ({"client": None}, "client_required", "client"),
        ({"due_on": datetime.date(2023, 5, 1)}, "due_before_received", "due_on"),
        ({"received_on": datetime.date(2023, 3, 31)}, "received_on_fiscal_year", "received_on"),
        ({"category": "nothing"}, "invalid_choice", "category"),
    ],
)
def test_order_update_refusals_leave_the_order_as_it_was(make, refused, changes, code, field):
    order = make.order()
    refused(lambda: order_update(order=order, **changes), code=code, field=field)
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.unit_price, fresh.amount, fresh.due_on, fresh.received_on) == (
        1200,
        12000,
        datetime.date(2023, 6, 30),
        MAY_10,
    )
    assert (order.unit_price, order.amount, order.due_on) == (1200, 12000, fresh.due_on)


def test_the_date_received_may_move_within_its_fiscal_year(make):
    order = make.order(received_on=MAY_10)
    order_update(order=order, received_on=datetime.date(2023, 4, 3))
    assert Order.objects.get(pk=order.pk).received_on == datetime.date(2023, 4, 3)


def test_the_date_received_cannot_move_past_logged_work(make, refused):
    order = make.started_order()
    assignment = make.assignment(order=order)
    worklog_record(assignment=assignment, work_date=datetime.date(2023, 5, 12), minutes=60)
    refused(
        lambda: order_update(order=order, received_on=datetime.date(2023, 5, 13)),
        code="received_after_work",
        field="received_on",
    )


@pytest.mark.parametrize("status", ["delivered", "cancelled"])
def test_a_closed_order_cannot_be_changed(make, refused, status):
    order = make.started_order()
    order_transition(order=order, to_status=status, on_date=datetime.date(2023, 6, 1))
    refused(
        lambda: order_update(order=order, title="変更"),
        code="order_not_editable",
        field="status",
    )
