"""`kado demo`: the demo federation of DOMAIN.md, its yearly curve and its determinism."""

from __future__ import annotations

import datetime
import fcntl
import itertools
import os
import re
import struct
import sys
import termios
import threading
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django_tenants.utils import schema_context

from kado_platform.accounts.models import Membership, User
from kado_platform.core.validators import municipality_code_is_valid
from kado_platform.demo.builder import DemoBuilder, DemoError
from kado_platform.demo.catalog import (
    CATEGORIES,
    DEMO_PASSWORD,
    PREFECTURE_OFFICES,
    REGIONS,
    REGIONS_BY_CODE,
)
from kado_platform.demo.history import DAILY_CAP, stable_seed
from kado_platform.demo.plan import (
    fiscal_year_of,
    plan_totals_by_year,
    plan_yearly_amounts,
    split_largest_remainder,
    wareki_fiscal_year,
)
from kado_platform.regions.models import Region, RegionKind
from kado_tenants.clients.models import Client, ClientKind
from kado_tenants.orders.categories import Category
from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.orders.models import ContractType, Order, WorkLog
from kado_tenants.workforce.models import (
    ConstraintReason,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)

SMALL = 0.05


# ---------------------------------------------------------------- the plan, no database
def test_the_twelve_regions_of_the_seed_with_valid_codes():
    assert len(REGIONS) == 12
    counts = {spec.code: spec.teleworkers for spec in REGIONS}
    assert counts["shiojiri"] == 150
    assert counts["matsumoto"] == 50
    assert counts["tateshina"] == 50
    assert counts["surrounding"] == 30
    assert counts["omachi"] == 5
    assert REGIONS_BY_CODE["shiojiri"].kind == RegionKind.HUB
    kinds = Counter(spec.kind for spec in REGIONS)
    assert kinds == {RegionKind.HUB: 1, RegionKind.PARTNER: 7, RegionKind.BUSINESS_PARTNER: 4}
    assert REGIONS_BY_CODE["surrounding"].municipality_code == ""
    codes = [spec.municipality_code for spec in REGIONS if spec.municipality_code]
    codes += [code for spec in REGIONS for _name, _kana, code in spec.municipalities]
    codes += [code for _name, _kana, code in PREFECTURE_OFFICES.values()]
    assert len(codes) > 20
    assert all(municipality_code_is_valid(code) for code in codes), codes
    assert len({spec.abbreviation for spec in REGIONS}) == 12


def test_yearly_plan_follows_the_seed_curve():
    plan = plan_yearly_amounts()
    totals = plan_totals_by_year(plan)
    assert totals[2015] == 10_000_000
    assert totals[2020] == 200_000_000
    assert totals[2023] == 300_000_000
    years = sorted(totals)
    assert years == list(range(2015, 2024))
    assert all(totals[a] < totals[b] for a, b in itertools.pairwise(years))
    for year in years:
        by_region = {code: sum(plan[code][year].values()) for code in plan}
        assert max(by_region, key=by_region.get) == "shiojiri"
    # Only Shiojiri worked in FY2015; regions get nothing before they joined.
    assert sum(plan["shiojiri"][2015].values()) == 10_000_000
    assert sum(plan["bibai"][2021].values()) == 0
    assert sum(plan["bibai"][2022].values()) > 0


def test_municipal_peaks_and_every_category():
    plan = plan_yearly_amounts()
    by_category: dict[str, Counter] = {}
    for years in plan.values():
        for year, categories in years.items():
            for category, amount in categories.items():
                by_category.setdefault(category, Counter())[year] += amount
    assert set(by_category) == set(Category.values)
    assert all(sum(years.values()) > 0 for years in by_category.values())
    for category in (Category.VACCINATION, Category.ECONOMIC_RELIEF):
        peak = max(by_category[category], key=by_category[category].get)
        assert peak in (2020, 2021), (category, peak)
        assert by_category[category][2019] == 0
    assert by_category[Category.DATA_ENTRY][2015] > 0


def test_plan_of_some_regions_is_their_part_of_the_whole():
    whole = plan_yearly_amounts(scale=0.5)
    part = plan_yearly_amounts(scale=0.5, regions=[REGIONS_BY_CODE["azumino"]])
    assert part == {"azumino": whole["azumino"]}
    assert plan_totals_by_year(whole)[2023] == 150_000_000


def test_helpers():
    assert split_largest_remainder(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert sum(split_largest_remainder(1_000_003, {"a": 0.3, "b": 0.7, "z": 0}).values()) == (
        1_000_003
    )
    assert fiscal_year_of(datetime.date(2021, 3, 31)) == 2020
    assert fiscal_year_of(datetime.date(2021, 4, 1)) == 2021
    assert wareki_fiscal_year(2023) == "令和5年度"
    assert wareki_fiscal_year(2019) == "令和元年度"
    assert wareki_fiscal_year(2015) == "平成27年度"
    assert stable_seed(1, "shiojiri") == stable_seed(1, "shiojiri") != stable_seed(2, "shiojiri")


def test_category_catalog_covers_every_seed_category():
    assert {spec.category for spec in CATEGORIES} == set(Category.values)
    assert all(len(spec.weights) == 9 for spec in CATEGORIES)


# ------------------------------------------------------------------- built in the test db
def _snapshot(codes):
    snap = {}
    for code in codes:
        with schema_context(code):
            snap[code] = {
                "workers": list(
                    Worker.objects.order_by("id").values_list(
                        "name", "name_kana", "status", "hourly_rate", "joined_on"
                    )
                ),
                "orders": list(
                    Order.objects.order_by("id").values_list(
                        "reference", "title", "category", "amount", "status", "received_on"
                    )
                ),
                "minutes": WorkLog.objects.aggregate(total=Sum("minutes"))["total"],
            }
    connection.set_schema_to_public()
    return snap


def _build_and_roll_back(codes, seed):
    with transaction.atomic():
        DemoBuilder(seed=seed, scale=SMALL, codes=codes).build()
        snap = _snapshot(codes)
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    return snap


def test_same_seed_same_federation_other_seed_other(db):
    first = _build_and_roll_back(["omachi"], seed=7)
    again = _build_and_roll_back(["omachi"], seed=7)
    other = _build_and_roll_back(["omachi"], seed=8)
    assert not Region.objects.filter(code="omachi").exists()  # rolled back
    assert first["omachi"]["workers"]
    assert first["omachi"]["orders"]
    assert first == again
    assert [w[0] for w in first["omachi"]["workers"]] != [w[0] for w in other["omachi"]["workers"]]
    assert [o[3] for o in first["omachi"]["orders"]] != [o[3] for o in other["omachi"]["orders"]]


def test_small_demo(db):
    """One build (it clones two schemas), checked for its regions, logins and history."""
    result = DemoBuilder(seed=2010, scale=SMALL, codes=["shiojiri", "kawamoto"]).build()
    connection.set_schema_to_public()
    _check_regions_users_and_roles(result)
    _check_region_history(result)
    _check_money(result)
    _check_wide_area_orders(result)


def _check_wide_area_orders(small_demo):
    """One wide-area order shared by the two regions and worked in the first, one waiting."""
    from kado_platform.federation.selectors import federated_order_list

    assert small_demo.federated_orders == 2
    # Other tests commit wide-area orders too: the demo's are found by their clients.
    demo_clients = ["株式会社モビリティデータ研究所", "県市町村振興協会"]
    waiting, working = federated_order_list().filter(client_name__in=demo_clients)
    assert (waiting.total_minutes, list(waiting.allocations.all())) == (6_000, [])
    shares = {a.region.code: a for a in working.allocations.all()}
    assert {code: a.minutes for code, a in shares.items()} == {"shiojiri": 4_800, "kawamoto": 2_400}
    # Five days of three hours on shiojiri's share; kawamoto's has not started.
    assert (shares["shiojiri"].logged_minutes, shares["shiojiri"].order_status) == (
        900,
        "in_progress",
    )
    assert (shares["kawamoto"].logged_minutes, shares["kawamoto"].order_status) == (0, "received")
    with schema_context("shiojiri"):
        order = Order.objects.get(federated_order_id=working.pk)
        logs = WorkLog.objects.filter(assignment__order=order)
        assert sum(log.minutes for log in logs) == 900
        assert logs.filter(approved_at__isnull=False).count() == 3
        assert order.assignments.get().commission_notice.hourly_rate
    connection.set_schema_to_public()


def _check_regions_users_and_roles(small_demo):
    shiojiri = Region.objects.get(code="shiojiri")
    assert shiojiri.kind == RegionKind.HUB
    assert shiojiri.municipality_code == "202151"
    assert shiojiri.name == "塩尻市"
    assert Region.objects.get(code="kawamoto").kind == RegionKind.BUSINESS_PARTNER
    roles = {
        (m.user.email, m.role, m.region.code if m.region else "")
        for m in Membership.objects.filter(user__email__endswith="kado.example")
    }
    assert roles == {
        ("operator@kado.example", "operator", ""),
        ("leader@kado.example", "leader", ""),
        ("coordinator@kado.example", "coordinator", ""),
        ("admin@shiojiri.kado.example", "region_admin", "shiojiri"),
        ("staff@shiojiri.kado.example", "region_staff", "shiojiri"),
        ("admin@kawamoto.kado.example", "region_admin", "kawamoto"),
        ("staff@kawamoto.kado.example", "region_staff", "kawamoto"),
    }
    for email, _role, _region in roles:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert len(small_demo.logins) == 7


def _check_region_history(small_demo):
    summary = {region.code: region for region in small_demo.regions}
    plan = plan_yearly_amounts(scale=SMALL, regions=[REGIONS_BY_CODE["shiojiri"]])["shiojiri"]
    with schema_context("shiojiri"):
        workers = list(Worker.objects.all())
        assert len(workers) == round(150 * SMALL) == summary["shiojiri"].workers
        assert all(" " in w.name and w.name_kana for w in workers)
        assert all(1000 <= w.hourly_rate <= 1600 for w in workers)
        assert {w.constraint_reason for w in workers} - {""} <= set(ConstraintReason.values)
        assert any(w.constraint_reason for w in workers)
        assert WorkerStatus.ACTIVE in {w.status for w in workers}
        for worker in workers:
            last = worker.status_changes.order_by("changed_on", "id").last()
            assert last.to_status == worker.status
        assert WorkerStatusChange.objects.filter(to_status=WorkerStatus.APPLICANT).count() == (
            len(workers)
        )

        assert set(Client.objects.values_list("kind", flat=True)) == set(ClientKind.values)
        orders = list(Order.objects.all())
        assert {o.category for o in orders} == set(Category.values)
        for order in orders:
            assert order.due_on >= order.received_on
            if order.contract_type == ContractType.HOURLY:
                assert order.amount == order.unit_price * order.estimated_minutes // 60
            else:
                assert order.amount == order.unit_price * order.quantity
        totals = Counter()
        for order in orders:
            if order.status != OrderStatus.CANCELLED:
                totals[fiscal_year_of(order.received_on)] += order.amount
        for year, categories in plan.items():
            planned = sum(categories.values())
            assert abs(totals[year] - planned) <= max(0.01 * planned, 30_000), year
        assert totals[2023] > totals[2020] > totals[2015] > 0

        past = {o.status for o in orders if o.received_on < datetime.date(2023, 4, 1)}
        assert past == {OrderStatus.PAID}
        latest = {o.status for o in orders if o.received_on >= datetime.date(2023, 4, 1)}
        assert latest == set(OrderStatus.values)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(m) FROM (SELECT a.worker_id, w.work_date, SUM(w.minutes) AS m "
                "FROM orders_worklog w JOIN orders_assignment a ON a.id = w.assignment_id "
                "GROUP BY 1, 2) AS daily"
            )
            assert cursor.fetchone()[0] <= DAILY_CAP
        paid = [o for o in orders if o.status == OrderStatus.PAID]
        estimated = sum(o.estimated_minutes for o in paid)
        logged = WorkLog.objects.filter(assignment__order__in=paid).aggregate(t=Sum("minutes"))
        assert 0.85 * estimated <= logged["t"] <= 1.06 * estimated
        assert not WorkLog.objects.filter(assignment__order__status=OrderStatus.RECEIVED).exists()
    connection.set_schema_to_public()


# ------------------------------------------------------------------------- the command
def test_command_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", "--regions", "omachi", stdout=StringIO())
    assert not Region.objects.filter(code="omachi").exists()


def test_if_empty_skips_when_regions_exist(db, settings):
    settings.DEBUG = True
    assert Region.objects.regions().exists()  # alpha and beta of the test federation
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "skipped" in out.getvalue()
    assert not Region.objects.filter(code="shiojiri").exists()


def test_command_builds_and_prints_logins(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", "--scale", str(SMALL), "--regions", "omachi", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert Region.objects.filter(code="omachi").exists()
    assert DEMO_PASSWORD in text
    assert "admin@omachi.kado.example" in text
    assert "http://omachi.localhost:8000/" in text
    assert "合計 total" in text
    with pytest.raises(CommandError, match="omachi"):
        call_command("demo", "--regions", "omachi", stdout=StringIO())


def _demo_with_stderr(stderr, monkeypatch) -> bool:
    """`kado demo` of one small region with `stderr` as sys.stderr, rolled back; whether
    the region was built."""
    with monkeypatch.context() as patch, transaction.atomic():
        patch.setattr(sys, "stderr", stderr)
        call_command(
            "demo", "--scale", str(SMALL), "--regions", "omachi", "--seed", "3", stdout=StringIO()
        )
        built = Region.objects.filter(code="omachi").exists()
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    return built


BAR = re.compile(r"大町市 omachi: +(\d+)%\|.*?\| (\d+)/(\d+) ")


def test_command_draws_its_progress_on_a_terminal(db, settings, monkeypatch):
    """stderr a pseudo-terminal, as in a shell: the region's bar is drawn and advances."""
    settings.DEBUG = True
    master, replica = os.openpty()
    # 24 rows of 100 columns, as a terminal window has: a new pty is 0 by 0, and tqdm
    # draws nothing on a terminal without rows.
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    received = bytearray()

    def drain():
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with open(replica, "w", encoding="utf-8") as terminal:
        assert terminal.isatty()
        assert _demo_with_stderr(terminal, monkeypatch)
    reader.join(10)
    os.close(master)
    drawn = received.decode("utf-8", "replace")
    steps = [int(done) for _percent, done, _total in BAR.findall(drawn)]
    assert steps, drawn[:500]
    assert steps[0] == 0 and max(steps) > 0  # drawn at the start, then advanced
    assert "受注 FY2023" in drawn  # the step it is on


def test_command_is_quiet_when_stderr_is_not_a_terminal(db, settings, monkeypatch, tmp_path):
    """stderr a file, as in CI, cron or a pipe: no bar at all."""
    settings.DEBUG = True
    with open(tmp_path / "stderr.txt", "w", encoding="utf-8") as not_a_terminal:
        assert not not_a_terminal.isatty()
        assert _demo_with_stderr(not_a_terminal, monkeypatch)
    written = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert not BAR.search(written) and "omachi" not in written and "%|" not in written


def test_command_refuses_unknown_region_and_bad_scale(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="atlantis"):
        call_command("demo", "--regions", "atlantis", stdout=StringIO())
    with pytest.raises(DemoError):
        DemoBuilder(scale=0)


def _check_money(small_demo):
    """January 2024 went through the services: notices, an invoice paid, a Zengin file."""
    from kado_platform.federation.models import MoneyIndexEntry
    from kado_tenants.invoicing.models import Invoice
    from kado_tenants.payouts.models import (
        AccommodationRequest,
        CommissionNotice,
        PayoutStatement,
        RelationshipEnd,
        TransferBatch,
    )

    money = {region.code: region.money for region in small_demo.regions}
    shiojiri = Region.objects.get(code="shiojiri")
    with schema_context("shiojiri"):
        [invoice] = Invoice.objects.all()
        assert (invoice.status, invoice.number) == ("paid", "2023-00001")
        assert invoice.total == money["shiojiri"].billed > 0
        # January 2024's three commissions, and the wide-area share worked since October 2026.
        assert CommissionNotice.objects.count() == 3 + 1
        approved = PayoutStatement.objects.filter(
            status="approved", month=datetime.date(2024, 1, 1)
        )
        [batch] = TransferBatch.objects.all()
        assert batch.count == approved.count() == money["shiojiri"].statements >= 3
        assert not PayoutStatement.objects.filter(status="draft").exists()
        assert batch.total == sum(s.net_amount for s in approved) == money["shiojiri"].transferred
        # The Freelance Act records: one request answered, one awaiting, one notice.
        requests = AccommodationRequest.objects.order_by("requested_on")
        assert [r.responded_on is not None for r in requests] == [True, False]
        assert RelationshipEnd.objects.count() == 1
        assert money["shiojiri"].freelance_records == 3
    connection.set_schema_to_public()
    indexed = {
        kind: sum(
            MoneyIndexEntry.objects.filter(region=shiojiri, kind=kind).values_list(
                "amount", flat=True
            )
        )
        for kind in ("billed", "collected", "paid_out")
    }
    assert indexed == {
        "billed": invoice.total,
        "collected": invoice.total,
        "paid_out": batch.total,
    }
