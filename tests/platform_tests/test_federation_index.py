"""The read model follows every regional write in the same transaction, and can be checked."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum

from kado_platform.federation.index import index_differences, index_rebuild
from kado_platform.federation.models import (
    MoneyIndexEntry,
    OrderIndexEntry,
    OutcomeEvent,
    WorkerIndexEntry,
    WorkMinutes,
)
from kado_platform.federation.sql import INVOICE_TRIGGERS, TRANSFER_TRIGGERS, TRIGGERS

D = datetime.date


def _orders(region):
    return {e.order_id: e for e in OrderIndexEntry.objects.filter(region=region)}


def _make_order(client, title="索引テスト", minutes=600):
    from kado_tenants.orders.models import Order

    return Order.objects.create(
        reference=f"T-{title[:6]}-{minutes}",
        client=client,
        title=title,
        category="data_entry",
        unit_price=1200,
        estimated_minutes=minutes,
        amount=1200 * minutes // 60,
        received_on=D(2024, 3, 15),
        due_on=D(2024, 5, 1),
    )


def test_the_seeded_orders_of_both_regions_are_indexed_separately(fed, in_region):
    from kado_tenants.orders.models import Order

    alpha, beta = _orders(fed.alpha), _orders(fed.beta)
    with in_region(fed.alpha):
        alpha_ids = set(Order.objects.values_list("id", flat=True))
        seeded = Order.objects.get(reference="2023-0001").pk
    assert set(alpha) == alpha_ids
    with in_region(fed.beta):
        assert Order.objects.get(reference="2023-0001").pk == seeded, "keys collide on purpose"
    assert alpha[seeded].title == "アルファの注文"
    assert beta[seeded].title == "ベータの注文"


def test_an_order_write_updates_its_index_row_in_the_same_transaction(fed, in_region):
    from kado_tenants.clients.models import Client

    with in_region(fed.alpha):
        client = Client.objects.get(name="アルファ商事")
        order = _make_order(client)
    entry = OrderIndexEntry.objects.get(region=fed.alpha, order_id=order.pk)
    assert (entry.amount, entry.fiscal_year, entry.client_name) == (12000, 2023, client.name)
    assert entry.client_kind == "local_company"
    with in_region(fed.alpha):
        order.status = "in_progress"
        order.save()
        client.name = "改名商事"
        client.save()
    entry.refresh_from_db()
    assert (entry.status, entry.client_name) == ("in_progress", "改名商事")
    with in_region(fed.alpha):
        order.delete()
    assert not OrderIndexEntry.objects.filter(region=fed.alpha, order_id=order.pk).exists()


def test_work_logs_roll_up_into_logged_minutes_and_monthly_minutes(fed, in_region):
    from kado_tenants.orders.models import Assignment, WorkLog

    with in_region(fed.alpha):
        assignment = Assignment.objects.select_related("order").first()
        WorkLog.objects.bulk_create(
            [
                WorkLog(assignment=assignment, work_date=D(2023, 5, day), minutes=90)
                for day in range(3, 13)
            ]
        )
        one = WorkLog.objects.filter(assignment=assignment).order_by("work_date").first()
        one.minutes = 30
        one.work_date = D(2023, 6, 1)
        one.save()
        expected = WorkLog.objects.filter(assignment__order=assignment.order).aggregate(
            total=Sum("minutes")
        )["total"]
    entry = OrderIndexEntry.objects.get(region=fed.alpha, order_id=assignment.order_id)
    assert entry.logged_minutes == expected == 9 * 90 + 30
    months = {
        m.month: m.minutes
        for m in WorkMinutes.objects.filter(region=fed.alpha, worker_id=assignment.worker_id)
    }
    assert months == {D(2023, 5, 1): 9 * 90, D(2023, 6, 1): 30}
    # Beta's worker with the same id has worked nothing.
    assert not WorkMinutes.objects.filter(region=fed.beta, worker_id=assignment.worker_id).exists()


def test_worker_skills_availability_and_journey_reach_the_worker_index(fed, in_region):
    from kado_tenants.workforce.models import AvailabilityWindow, Skill, Worker, WorkerStatusChange

    with in_region(fed.alpha):
        worker = Worker.objects.order_by("id").first()
        skill = Skill.objects.create(code="annotation", name="アノテーション", name_en="Annotation")
        worker.skills.add(skill)
        AvailabilityWindow.objects.create(
            worker=worker, weekday=0, start_minute=540, end_minute=720
        )
        AvailabilityWindow.objects.create(
            worker=worker, weekday=0, start_minute=780, end_minute=900
        )
        AvailabilityWindow.objects.create(
            worker=worker, weekday=4, start_minute=600, end_minute=660
        )
        WorkerStatusChange.objects.create(
            worker=worker, from_status="active", to_status="employed", changed_on=D(2024, 4, 1)
        )
        worker.status = "employed"
        worker.save()
    entry = WorkerIndexEntry.objects.get(region=fed.alpha, worker_id=worker.pk)
    assert entry.skill_codes == ["annotation"]
    assert entry.weekly_minutes == [300, 0, 0, 0, 60, 0, 0]
    assert (entry.status, entry.employed_on) == ("employed", D(2024, 4, 1))
    with in_region(fed.alpha):
        skill.code = "image-annotation"
        skill.save()
    entry.refresh_from_db()
    assert entry.skill_codes == ["image-annotation"]
    beta_twin = WorkerIndexEntry.objects.get(region=fed.beta, worker_id=worker.pk)
    assert beta_twin.skill_codes == [] and beta_twin.status == "active"


READ_MODEL = (OrderIndexEntry, WorkerIndexEntry, WorkMinutes, MoneyIndexEntry, OutcomeEvent)


def test_the_index_holds_no_personal_data(fed):
    columns = {f.column for model in READ_MODEL for f in model._meta.fields}
    assert not columns & {
        "name",
        "name_kana",
        "email",
        "phone",
        "constraint_reason",
        "constraint_note",
    }
    names = {"アルファ 花子", "アルファ 太郎", "ベータ 花子", "ベータ 太郎"}
    with connection.cursor() as cursor:
        for table in (model._meta.db_table for model in READ_MODEL):
            cursor.execute(f"SELECT row_to_json(t)::text FROM public.{table} t")  # noqa: S608
            dump = " ".join(row[0] for row in cursor.fetchall())
            assert not any(name in dump for name in names)
            assert "childcare" not in dump


def test_check_finds_a_tampered_row_and_rebuild_mends_it(fed, capsys):
    assert index_differences(fed.alpha) == []
    entry = OrderIndexEntry.objects.filter(region=fed.alpha).first()
    OrderIndexEntry.objects.filter(pk=entry.pk).update(amount=1, status="paid")
    WorkerIndexEntry.objects.filter(region=fed.alpha).first().delete()
    differences = index_differences(fed.alpha)
    assert len(differences) == 2
    described = "\n".join(d.describe() for d in differences)
    assert f"alpha orders [{entry.order_id}]" in described
    assert "amount: 1 ≠ 12000" in described
    assert "missing from the index" in described
    assert index_differences(fed.beta) == []

    with pytest.raises(CommandError, match="2 index rows differ"):
        call_command("index", "check")
    assert f"alpha orders [{entry.order_id}]" in capsys.readouterr().out

    counts = index_rebuild(region=fed.alpha)
    assert counts["orders"] >= 1
    assert index_differences(fed.alpha) == []
    call_command("index", "check")


def test_a_new_region_carries_the_triggers(fed):
    from kado_platform.regions.services import region_create

    region = region_create(
        code="gamma",
        name="ガンマ村",
        name_en="Gamma",
        municipality_code="203246",
        admin_email="admin@gamma.test",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND t.tgname LIKE 'kado_index_%%'",
            [region.schema_name],
        )
        installed = cursor.fetchone()[0]
    expected = sum(
        sql.count("CREATE TRIGGER") for sql in (TRIGGERS, INVOICE_TRIGGERS, TRANSFER_TRIGGERS)
    )
    assert installed == expected == 20 + 3 + 4  # regional work, invoices, transfers


def test_a_stale_template_is_migrated_before_a_region_is_cloned(fed):
    """A clone records every migration as applied, so it must never copy a stale template."""
    from django.core.management import call_command

    from kado_platform.regions.services import region_create, region_template_is_current

    assert region_template_is_current()
    call_command(
        "migrate_schemas",
        "orders",
        "0002",
        schema_name="region_template",
        interactive=False,
        verbosity=0,
    )
    assert not region_template_is_current()
    region = region_create(
        code="delta",
        name="デルタ町",
        name_en="Delta",
        municipality_code="203246",
        admin_email="admin@delta.test",
    )
    assert region_template_is_current()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'orders_order' AND column_name = 'federated_order_id'",
            [region.schema_name],
        )
        assert cursor.fetchone() == (1,)


def test_rebuild_shows_its_progress_unless_asked_to_be_quiet(fed):
    """`kado index rebuild` draws a bar over the regions on stderr and says what each
    region's rebuild counted; `-v 0` draws and says nothing there."""
    from kado_platform.regions.selectors import region_list

    count = len(list(region_list()))
    assert count >= 2  # alpha and beta
    shown, out = StringIO(), StringIO()
    call_command("index", "rebuild", stdout=out, stderr=shown)
    assert "rebuild: 100%|" in shown.getvalue()
    assert f"| {count}/{count} " in shown.getvalue()
    assert re.search(r"^alpha: \{.+\}$", shown.getvalue(), re.MULTILINE)
    assert f"Rebuilt {count} regions." in out.getvalue()

    quiet, out = StringIO(), StringIO()
    call_command("index", "rebuild", verbosity=0, stdout=out, stderr=quiet)
    assert f"Rebuilt {count} regions." in out.getvalue()  # it did run
    assert quiet.getvalue() == ""
    assert index_differences(fed.alpha) == [] and index_differences(fed.beta) == []
