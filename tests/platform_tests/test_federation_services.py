"""Federated orders split across regions, and the federation-wide selectors."""

import datetime

import pytest

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_platform.federation.models import Allocation, FederatedOrder, OrderIndexEntry
from kado_platform.federation.selectors import (
    capacity,
    federated_order_get,
    report,
    trend,
    weekday_counts,
)
from kado_platform.federation.services import (
    allocation_create,
    federated_order_cancel,
    federated_order_close,
    federated_order_create,
)
from kado_platform.regions.services import region_suspend

D = datetime.date


def _federated(**overrides):
    values = {
        "client_name": "自動運転マップ株式会社",
        "client_kind": "urban_company",
        "title": "高精度3次元地図 作成",
        "category": "hd_map",
        "contract_type": "hourly",
        "unit_price": 1500,
        "total_minutes": 6000,
        "received_on": D(2024, 4, 10),
        "due_on": D(2024, 9, 30),
    }
    values.update(overrides)
    return federated_order_create(**values)


def test_a_federated_order_gets_a_fiscal_year_reference_and_its_amount(fed):
    order = _federated()
    assert order.reference == "F2024-0001"
    assert order.total_amount == 1500 * 6000 // 60 == 150_000
    assert _federated(received_on=D(2025, 3, 31), due_on=D(2025, 4, 30)).reference == "F2024-0002"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"client_kind": "alien"}, "client_kind", "invalid_choice"),
        ({"category": "mining"}, "category", "invalid_choice"),
        ({"contract_type": "fixed"}, "contract_type", "invalid_choice"),
        ({"total_minutes": 0}, "total_minutes", "not_positive"),
        ({"unit_price": -1}, "unit_price", "not_positive"),
        ({"unit_price": 0}, "unit_price", "not_positive"),  # no region could take a share
        ({"unit_price": 1.5}, "unit_price", "not_positive"),
        ({"due_on": D(2024, 4, 1)}, "due_on", "due_before_received"),
        ({"title": ""}, "title", "blank"),
    ],
)
def test_bad_federated_orders_are_refused_and_nothing_is_written(fed, overrides, field, code):
    before = (FederatedOrder.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as refused:
        _federated(**overrides)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert (FederatedOrder.objects.count(), AuditEntry.objects.count()) == before


def test_an_allocation_creates_the_regional_order_linked_both_ways(fed, in_region):
    from kado_tenants.orders.models import Order

    order = _federated()
    allocation = allocation_create(federated_order=order, region=fed.alpha, minutes=2400)
    assert allocation.amount == 1500 * 2400 // 60
    with in_region(fed.alpha):
        regional = Order.objects.select_related("client").get(pk=allocation.order_id)
        assert regional.federated_order_id == order.pk
        assert regional.estimated_minutes == 2400
        assert regional.amount == allocation.amount
        assert regional.client.name == "自動運転マップ株式会社"
        assert regional.client.kind == "urban_company"
    with in_region(fed.beta):
        assert not Order.objects.filter(federated_order_id=order.pk).exists()
    entry = OrderIndexEntry.objects.get(region=fed.alpha, order_id=allocation.order_id)
    assert (entry.amount, entry.category) == (allocation.amount, "hd_map")


def test_allocations_never_exceed_the_federated_order(fed, in_region):
    from kado_tenants.orders.models import Order

    order = _federated()
    allocation_create(federated_order=order, region=fed.alpha, minutes=4000)
    with in_region(fed.beta):
        before = Order.objects.count()
    with pytest.raises(DomainError) as refused:
        allocation_create(federated_order=order, region=fed.beta, minutes=2001)
    assert refused.value.code == "over_allocated"
    assert "2000" in refused.value.message
    with in_region(fed.beta):
        assert Order.objects.count() == before
    assert Allocation.objects.filter(federated_order=order).count() == 1
    allocation_create(federated_order=order, region=fed.beta, minutes=2000)


def test_one_share_per_region_and_only_active_regions(fed):
    order = _federated()
    allocation_create(federated_order=order, region=fed.alpha, minutes=100)
    with pytest.raises(DomainError) as twice:
        allocation_create(federated_order=order, region=fed.alpha, minutes=100)
    assert (twice.value.code, twice.value.field) == ("already_allocated", "region")
    region_suspend(region=fed.beta)
    fed.beta.refresh_from_db()
    with pytest.raises(DomainError) as suspended:
        allocation_create(federated_order=order, region=fed.beta, minutes=100)
    assert suspended.value.code == "region_unavailable"
    with pytest.raises(DomainError):
        allocation_create(federated_order=order, region=fed.hub, minutes=100)


def test_progress_rolls_up_from_the_regions(fed, in_region):
    from kado_tenants.orders.models import Assignment, Order, WorkLog
    from kado_tenants.workforce.models import Worker

    order = _federated()
    allocation = allocation_create(federated_order=order, region=fed.alpha, minutes=600)
    with in_region(fed.alpha):
        regional = Order.objects.get(pk=allocation.order_id)
        assignment = Assignment.objects.create(
            order=regional, worker=Worker.objects.first(), assigned_on=D(2024, 4, 11)
        )
        WorkLog.objects.create(assignment=assignment, work_date=D(2024, 4, 12), minutes=240)
    [loaded] = federated_order_get(pk=order.pk).allocations.all()
    assert (loaded.logged_minutes, loaded.order_status) == (240, "received")


def test_weekday_counts():
    assert weekday_counts(D(2026, 11, 23), D(2026, 11, 29)) == [1] * 7  # Monday to Sunday
    assert weekday_counts(D(2026, 11, 27), D(2026, 11, 30)) == [1, 0, 0, 0, 1, 1, 1]
    assert sum(weekday_counts(D(2026, 1, 1), D(2026, 12, 31))) == 365


def test_capacity_counts_skilled_active_workers_and_their_minutes(fed, in_region):
    from kado_tenants.workforce.models import AvailabilityWindow, Skill, Worker

    with in_region(fed.alpha):
        skill = Skill.objects.create(code="hd-map", name="地図", name_en="Maps")
        first, second = Worker.objects.order_by("id")[:2]
        first.skills.add(skill)
        second.skills.add(skill)
        AvailabilityWindow.objects.create(worker=first, weekday=0, start_minute=540, end_minute=720)
        AvailabilityWindow.objects.create(
            worker=second, weekday=2, start_minute=600, end_minute=660
        )
        second.status = "training"
        second.save()
    rows = {
        row["region"].code: row
        for row in capacity(skills=["hd-map"], date_from=D(2026, 11, 23), date_to=D(2026, 12, 6))
    }
    assert rows["alpha"]["workers"] == 1
    assert rows["alpha"]["minutes"] == 180 * 2
    assert rows["beta"] == {"region": rows["beta"]["region"], "workers": 0, "minutes": 0}
    everyone = {
        row["region"].code: row
        for row in capacity(skills=[], date_from=D(2026, 11, 23), date_to=D(2026, 11, 29))
    }
    # Other tests commit workers in beta: the expectation is read from beta's own table.
    with in_region(fed.beta):
        active_in_beta = Worker.objects.filter(status="active").count()
    assert everyone["beta"]["workers"] == active_in_beta >= 2


def test_report_and_trend_follow_the_fiscal_year(fed, in_region):
    from kado_tenants.clients.models import Client
    from kado_tenants.orders.models import Assignment, Order, WorkLog
    from kado_tenants.workforce.models import Worker, WorkerStatusChange

    def order(region, received_on, amount, category="data_entry", status="paid"):
        with in_region(region):
            return Order.objects.create(
                reference=f"R-{received_on:%Y%m%d}-{amount}",
                client=Client.objects.first(),
                title="報告テスト",
                category=category,
                unit_price=amount,
                estimated_minutes=60,
                amount=amount,
                received_on=received_on,
                due_on=received_on,
                status=status,
            )

    order(fed.alpha, D(2030, 4, 1), 100_000)
    order(fed.alpha, D(2031, 3, 31), 50_000, category="vaccination")
    order(fed.beta, D(2030, 12, 1), 30_000)
    order(fed.beta, D(2030, 12, 2), 999_999, status="cancelled")
    order(fed.alpha, D(2031, 4, 1), 7_000)  # FY2031
    with in_region(fed.alpha):
        worker = Worker.objects.first()
        assignment = Assignment.objects.create(
            order=Order.objects.get(reference="R-20300401-100000"),
            worker=worker,
            assigned_on=D(2030, 4, 1),
        )
        WorkLog.objects.create(assignment=assignment, work_date=D(2030, 5, 1), minutes=120)
        WorkLog.objects.create(assignment=assignment, work_date=D(2031, 2, 1), minutes=60)
        WorkerStatusChange.objects.create(
            worker=worker, from_status="active", to_status="employed", changed_on=D(2030, 10, 1)
        )
    figures = report(fiscal_year=2030)
    assert (figures["amount"], figures["orders"]) == (180_000, 3)
    assert figures["minutes"] == 180
    assert figures["active_workers"] == 1
    assert figures["moved_to_employment"] == 1
    regions = {row["region"].code: row for row in figures["by_region"]}
    assert regions["alpha"]["amount"] == 150_000 and regions["beta"]["amount"] == 30_000
    assert regions["alpha"]["moved_to_employment"] == 1
    categories = {row["key"]: row["amount"] for row in figures["by_category"]}
    assert categories == {"data_entry": 130_000, "vaccination": 50_000}
    months = {row["month"]: row for row in figures["by_month"]}
    assert len(months) == 12
    assert months[D(2030, 12, 1)]["amount"] == 30_000
    assert months[D(2031, 2, 1)]["minutes"] == 60
    assert [row["amount"] for row in trend(from_fiscal_year=2029, to_fiscal_year=2031)] == [
        0,
        180_000,
        7_000,
    ]


# Closing and cancelling, and shares cancelled in their region ------------------------


def _regional(region, allocation, in_region):
    from kado_tenants.orders.models import Order

    with in_region(region):
        return Order.objects.get(pk=allocation.order_id)


def _move(region, allocation, in_region, *steps):
    """Take a share's regional order through its life cycle, a day per step."""
    from kado_tenants.orders.services import order_transition

    regional = _regional(region, allocation, in_region)
    with in_region(region):
        for day, step in enumerate(steps, start=11):
            regional = order_transition(order=regional, to_status=step, on_date=D(2024, 4, day))
        return regional


def _log_work(region, allocation, in_region, minutes=30):
    from kado_tenants.orders.models import Assignment, WorkLog
    from kado_tenants.workforce.models import Worker

    with in_region(region):
        assignment = Assignment.objects.create(
            order_id=allocation.order_id, worker=Worker.objects.first(), assigned_on=D(2024, 4, 11)
        )
        WorkLog.objects.create(assignment=assignment, work_date=D(2024, 4, 12), minutes=minutes)


def _statuses(fed, allocations, in_region) -> list[str]:
    return [
        _regional(region, allocation, in_region).status
        for region, allocation in zip((fed.alpha, fed.beta), allocations, strict=False)
    ]


def _audited(order, action) -> list[dict]:
    return list(
        AuditEntry.objects.filter(
            action=action, object_type="federation.FederatedOrder", object_id=str(order.pk)
        ).values_list("changes", flat=True)
    )


def test_a_share_cancelled_in_its_region_frees_its_minutes_for_another(fed, in_region):
    """A cancelled share frees its minutes: alpha's 600 were cancelled, so beta may take all 1,000."""
    order = _federated(total_minutes=1000)
    alpha = allocation_create(federated_order=order, region=fed.alpha, minutes=600)
    with pytest.raises(DomainError) as before:
        allocation_create(federated_order=order, region=fed.beta, minutes=1000)
    assert (before.value.code, before.value.params) == ("over_allocated", {"left": 400})
    _move(fed.alpha, alpha, in_region, "cancelled")

    from kado_platform.federation.selectors import allocated_totals, live_shares

    assert allocated_totals(order) == {"minutes": 0, "units": 0, "amount": 0}
    beta = allocation_create(federated_order=order, region=fed.beta, minutes=1000)
    assert beta.amount == 1500 * 1000 // 60 == 25_000
    assert allocated_totals(order) == {"minutes": 1000, "units": 1, "amount": 25_000}
    loaded = federated_order_get(pk=order.pk)
    assert [(a.region.code, a.order_status) for a in loaded.allocations.all()] == [
        ("alpha", "cancelled"),
        ("beta", "received"),
    ]
    assert [a.region.code for a in live_shares(loaded)] == ["beta"]
    with pytest.raises(DomainError) as full:
        allocation_create(federated_order=order, region=fed.alpha, minutes=1)
    assert (full.value.code, full.value.params) == ("over_allocated", {"left": 0})


def test_a_region_whose_share_was_cancelled_can_be_given_a_new_one(fed, in_region):
    from kado_tenants.orders.models import Order

    order = _federated(total_minutes=1000)
    first = allocation_create(federated_order=order, region=fed.alpha, minutes=600)
    old_order_id = first.order_id
    _move(fed.alpha, first, in_region, "in_progress", "cancelled")
    again = allocation_create(federated_order=order, region=fed.alpha, minutes=900)
    # The region's one row now points at the new regional order; the old one stays cancelled.
    assert again.pk == first.pk
    assert again.order_id != old_order_id
    assert (again.minutes, again.amount) == (900, 1500 * 900 // 60)
    assert Allocation.objects.filter(federated_order=order).count() == 1
    with in_region(fed.alpha):
        shares = dict(Order.objects.filter(federated_order_id=order.pk).values_list("pk", "status"))
        assert shares == {old_order_id: "cancelled", again.order_id: "received"}
        assert Order.objects.get(pk=again.order_id).estimated_minutes == 900
    [audit] = AuditEntry.objects.filter(
        action="allocation.create", object_id=str(first.pk), changes__replaced_order_id=old_order_id
    ).values_list("changes", flat=True)
    assert audit["order_id"] == again.order_id and audit["minutes"] == 900
    with pytest.raises(DomainError) as twice:
        allocation_create(federated_order=order, region=fed.alpha, minutes=50)
    assert (twice.value.code, twice.value.field) == ("already_allocated", "region")


def test_cancelling_cancels_every_regional_share_in_the_same_transaction(fed, in_region):
    from django.utils import timezone

    from kado_tenants.orders.models import Order

    order = _federated()
    shares = [
        allocation_create(federated_order=order, region=fed.alpha, minutes=600),
        allocation_create(federated_order=order, region=fed.beta, minutes=1200),
    ]
    _move(fed.beta, shares[1], in_region, "in_progress")
    cancelled = federated_order_cancel(federated_order=order, acting_user=fed.user("coordinator"))
    assert cancelled.status == "cancelled"
    assert FederatedOrder.objects.get(pk=order.pk).status == "cancelled"
    assert _statuses(fed, shares, in_region) == ["cancelled", "cancelled"]
    assert _regional(fed.alpha, shares[0], in_region).cancelled_on == timezone.localdate()
    indexed = OrderIndexEntry.objects.filter(
        region__in=[fed.alpha, fed.beta], order_id__in=[s.order_id for s in shares]
    )
    assert sorted(indexed.values_list("status", flat=True)) == ["cancelled", "cancelled"]
    [changes] = _audited(order, "federated_order.cancel")
    assert changes == {
        "status": ["open", "cancelled"],
        "cancelled_orders": {"alpha": shares[0].order_id, "beta": shares[1].order_id},
    }
    # A cancelled order takes no share, and the refusal writes nothing anywhere.
    with in_region(fed.alpha):
        regional_before = Order.objects.count()
    with pytest.raises(DomainError) as closed:
        allocation_create(federated_order=order, region=fed.alpha, minutes=60)
    assert (closed.value.code, closed.value.field) == ("federated_order_closed", "federated_order")
    with in_region(fed.alpha):
        assert Order.objects.count() == regional_before
    assert Allocation.objects.filter(federated_order=order).count() == 2
    for again in (federated_order_cancel, federated_order_close):
        with pytest.raises(DomainError) as twice:
            again(federated_order=order)
        assert twice.value.code == "federated_order_closed"


def test_a_share_received_in_advance_is_cancelled_on_its_date_received(fed, in_region):
    order = _federated(received_on=D(2099, 5, 1), due_on=D(2099, 6, 30))
    share = allocation_create(federated_order=order, region=fed.alpha, minutes=60)
    federated_order_cancel(federated_order=order)
    regional = _regional(fed.alpha, share, in_region)
    assert (regional.status, regional.cancelled_on) == ("cancelled", D(2099, 5, 1))


def test_an_order_without_shares_is_cancelled_but_not_closed(fed):
    order = _federated()
    with pytest.raises(DomainError) as refused:
        federated_order_close(federated_order=order)
    assert (refused.value.code, refused.value.field) == ("nothing_delivered", "federated_order")
    assert federated_order_cancel(federated_order=order).status == "cancelled"
    assert _audited(order, "federated_order.cancel") == [
        {"status": ["open", "cancelled"], "cancelled_orders": {}}
    ]


@pytest.mark.parametrize(
    ("alpha_steps", "alpha_work", "code"),
    [
        ((), 30, "share_has_work"),
        (("in_progress", "delivered"), 240, "share_has_work"),
        (("in_progress", "delivered", "inspected"), 0, "share_not_cancellable"),
    ],
)
def test_cancelling_is_refused_while_a_share_has_work_and_writes_nothing(
    fed, in_region, alpha_steps, alpha_work, code
):
    order = _federated()
    shares = [
        allocation_create(federated_order=order, region=fed.alpha, minutes=600),
        allocation_create(federated_order=order, region=fed.beta, minutes=600),
    ]
    if alpha_steps:
        _move(fed.alpha, shares[0], in_region, *alpha_steps)
    if alpha_work:
        _log_work(fed.alpha, shares[0], in_region, minutes=alpha_work)
    alpha_status = alpha_steps[-1] if alpha_steps else "received"
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        federated_order_cancel(federated_order=order, acting_user=fed.user("coordinator"))
    assert (refused.value.code, refused.value.field) == (code, "federated_order")
    assert "アルファ市" in refused.value.message
    # Beta's share, which has no work, is left as it was too: all or nothing.
    assert FederatedOrder.objects.get(pk=order.pk).status == "open"
    assert _statuses(fed, shares, in_region) == [alpha_status, "received"]
    assert AuditEntry.objects.count() == audits


def test_closing_needs_every_live_share_delivered(fed, in_region):
    order = _federated()
    shares = [
        allocation_create(federated_order=order, region=fed.alpha, minutes=600),
        allocation_create(federated_order=order, region=fed.beta, minutes=600),
    ]
    _move(fed.alpha, shares[0], in_region, "in_progress", "delivered")
    _move(fed.beta, shares[1], in_region, "in_progress")
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        federated_order_close(federated_order=order)
    assert (refused.value.code, refused.value.field) == ("share_not_delivered", "federated_order")
    assert refused.value.params == {"region": "ベータ町"}
    assert FederatedOrder.objects.get(pk=order.pk).status == "open"
    assert AuditEntry.objects.count() == audits

    # Beta's share is cancelled in the region: the delivered alpha share is all that counts.
    _move(fed.beta, shares[1], in_region, "cancelled")
    closed = federated_order_close(federated_order=order, acting_user=fed.user("coordinator"))
    assert closed.status == "closed"
    assert FederatedOrder.objects.get(pk=order.pk).status == "closed"
    assert _statuses(fed, shares, in_region) == ["delivered", "cancelled"]
    assert _audited(order, "federated_order.close") == [
        {"status": ["open", "closed"], "regions": ["alpha"]}
    ]
    with pytest.raises(DomainError) as allocating:
        allocation_create(federated_order=order, region=fed.beta, minutes=60)
    assert allocating.value.code == "federated_order_closed"
    with pytest.raises(DomainError) as cancelling:
        federated_order_cancel(federated_order=order)
    assert cancelling.value.code == "federated_order_closed"
    assert FederatedOrder.objects.get(pk=order.pk).status == "closed"


def test_an_order_whose_every_share_was_cancelled_cannot_be_closed(fed, in_region):
    order = _federated()
    share = allocation_create(federated_order=order, region=fed.alpha, minutes=600)
    _move(fed.alpha, share, in_region, "cancelled")
    with pytest.raises(DomainError) as refused:
        federated_order_close(federated_order=order)
    assert refused.value.code == "nothing_delivered"
    assert FederatedOrder.objects.get(pk=order.pk).status == "open"
