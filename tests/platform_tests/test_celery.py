"""Background jobs: eager in the suite, and once with a real worker on Redis.

Every task runs in the schema of the region it was sent for; a task sent without one
runs on `public`, where no region table exists.
"""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import ProgrammingError, connection, transaction

from kado_platform.celery_app import app, in_region
from kado_platform.federation.selectors import report
from kado_platform.tasks import (
    index_check_all,
    index_rebuild_region,
    nightly_checks,
    region_stats,
    report_export,
    stripe_event_apply_task,
    stripe_events_requeue_task,
)
from kado_tenants.invoicing.services import (
    invoice_mark_paid,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
MONEY = ("billed", "collected", "paid_out")
#: The outcome columns of the report export and the report's keys they come from.
OUTCOMES = {
    "started": "started_working",
    "employed": "moved_to_employment",
    "social_participation": "moved_to_social_participation",
    "returned": "returned",
}


def test_settings_ack_late_retry_and_eager_without_a_broker():
    assert app.conf.task_always_eager is True
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    for task in (
        index_rebuild_region,
        index_check_all,
        report_export,
        nightly_checks,
        stripe_event_apply_task,
        stripe_events_requeue_task,
    ):
        assert task.max_retries == 6 and task.retry_backoff
        assert ProgrammingError not in task.autoretry_for  # a bug is not retried
    assert app.conf.beat_schedule["nightly-checks"]["task"] == "kado.nightly_checks"


def test_a_task_runs_in_the_region_it_was_sent_for(fed):
    alpha = in_region(region_stats, fed.alpha).get()
    beta = in_region(region_stats, fed.beta).get()
    assert alpha["region"] == "alpha" and beta["region"] == "beta"
    assert alpha["orders"] >= 1 and beta["orders"] >= 1
    assert connection.schema_name == "public"


def test_a_task_without_a_region_cannot_read_region_tables(fed):
    assert connection.schema_name == "public"
    with pytest.raises(ProgrammingError, match="does not exist"), transaction.atomic():
        region_stats.delay().get()


def test_index_tasks_rebuild_and_report_differences_to_sentry(fed, monkeypatch):
    from kado_platform.federation.models import OrderIndexEntry

    counts = index_rebuild_region.delay("alpha").get()
    assert counts["orders"] >= 1
    assert index_check_all.delay().get() == {}
    OrderIndexEntry.objects.filter(region=fed.alpha).delete()
    reported = []
    monkeypatch.setattr("sentry_sdk.capture_message", lambda *a, **k: reported.append(a))
    found = index_check_all.delay().get()
    assert found == {"alpha": {"orders": counts["orders"]}}
    assert reported and "1 region" in reported[0][0]
    # Idempotent: rebuilding twice gives the same rows, and the check is clean again.
    assert index_rebuild_region.delay("alpha").get() == counts
    assert index_rebuild_region.delay("alpha").get() == counts
    assert index_check_all.delay().get() == {}


def _money_in_alpha(fed, in_region, maker) -> dict[str, int]:
    """Alpha bills two invoices in FY2023, is paid for one, and pays a worker by a Zengin
    transfer: three different sums, so a column swapped for another shows. Returns them."""
    with in_region(fed.alpha):
        make = maker(acting_user=fed.user("alpha_admin"))
        make.invoice_issuer()
        client = make.client()
        invoices = [
            make.issued_invoice(
                client=client, unit_price=unit_price, issued_on=datetime.date(2023, 6, 30)
            )
            for unit_price in (12_000, 3_000)
        ]
        paid, _unpaid = invoices
        invoice_mark_paid(invoice=paid, paid_on=datetime.date(2023, 7, 20), amount=paid.total)
        statement = make.zengin_transfer(minutes=600)
    return {
        "billed": sum(invoice.total for invoice in invoices),
        "collected": paid.total,
        "paid_out": statement.net_amount,
    }


def _region_money(data, code) -> dict[str, int]:
    [row] = [row for row in data["by_region"] if row["region"].code == code]
    return {kind: row[kind] for kind in MONEY}


def _outcomes_in_alpha(fed, in_region, maker) -> dict[str, int]:
    """Four alpha workers start working in FY2023; one moves to employment and two to
    other social participation, and all three come back: four different counts."""
    from kado_tenants.workforce.services import worker_change_status

    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        make = maker(acting_user=admin)
        workers = [make.active_worker(joined_on=datetime.date(2023, 5, 1)) for _ in range(4)]
        for worker, outcome in zip(
            workers, ("employed", "social_participation", "social_participation"), strict=False
        ):
            for status, day in ((outcome, (2023, 8, 1)), ("returned", (2024, 1, 10))):
                worker_change_status(
                    worker=worker,
                    status=status,
                    changed_on=datetime.date(*day),
                    acting_user=admin,
                )
    return {"started": 4, "employed": 1, "social_participation": 2, "returned": 3}


def _region_outcomes(data, code) -> dict[str, int]:
    [row] = [row for row in data["by_region"] if row["region"].code == code]
    return {column: row[key] for column, key in OUTCOMES.items()}


def test_nightly_checks_and_report_export(fed, settings, tmp_path, in_region, maker):
    settings.KADO_S3_BUCKET = ""
    settings.KADO_DELIVERABLES_ROOT = tmp_path
    result = nightly_checks.delay().get()
    assert set(result) == {"index_differences", "statements_at_risk", "stripe_events_requeued"}
    assert result["stripe_events_requeued"] == []

    before = _region_money(report(fiscal_year=2023), "alpha")
    made = _money_in_alpha(fed, in_region, maker)
    assert len(set(made.values())) == 3 and min(made.values()) > 0
    # (the worker paid above started working in FY2023 too: counted from here on)
    outcomes_before = _region_outcomes(report(fiscal_year=2023), "alpha")
    moved = _outcomes_in_alpha(fed, in_region, maker)
    figures = report(fiscal_year=2023)  # what the GraphQL report answers for FY2023
    alpha = _region_money(figures, "alpha")
    assert {kind: alpha[kind] - before[kind] for kind in MONEY} == made
    alpha_outcomes = _region_outcomes(figures, "alpha")
    assert {k: alpha_outcomes[k] - outcomes_before[k] for k in OUTCOMES} == moved

    key = report_export.delay(2023, "csv").get()
    assert key == "public/reports/federation-report-FY2023.csv"
    assert report_export.delay(2023, "csv").get() == key  # the same file, overwritten
    rows = list(csv.reader(io.StringIO((tmp_path / key).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["section", "key", "amount", "orders", "minutes", *MONEY, *OUTCOMES]
    assert {len(row) for row in rows} == {12}
    by_region = {row[1]: row for row in rows if row[0] == "region"}
    assert set(by_region) >= {"alpha", "beta"}
    for code, row in by_region.items():
        assert dict(zip(MONEY, map(int, row[5:8]), strict=True)) == _region_money(figures, code)
        assert dict(zip(OUTCOMES, map(int, row[8:]), strict=True)) == _region_outcomes(
            figures, code
        )
    assert dict(zip(MONEY, map(int, by_region["alpha"][5:8]), strict=True)) == alpha
    assert dict(zip(OUTCOMES, map(int, by_region["alpha"][8:]), strict=True)) == alpha_outcomes
    [total] = [row for row in rows if row[0] == "total"]
    assert total[1] == "2023"
    assert [int(value) for value in total[5:8]] == [figures[kind] for kind in MONEY]
    assert [int(value) for value in total[8:]] == [figures[key] for key in OUTCOMES.values()]
    # Money and outcomes are not broken down by category, client kind or month: those
    # cells are empty.
    breakdowns = [row for row in rows[1:] if row[0] not in {"total", "region"}]
    assert {row[0] for row in breakdowns} == {"category", "client_kind", "month"}
    assert {tuple(row[5:]) for row in breakdowns} == {("",) * 7}
    with pytest.raises(ValueError, match="Unknown report format"):
        report_export.delay(2023, "xls").get()


# --- a real worker --------------------------------------------------------------------


@pytest.mark.slow
def test_a_real_worker_keeps_each_task_in_its_region(subprocess_env, django_db_blocker, redis_url):
    if redis_url is None:
        pytest.skip("no redis-server on this machine (needed for a real worker)")
    from django_tenants.utils import schema_context
    from tenant_schemas_celery.app import CeleryApp

    from kado_tenants.clients.models import Client

    broker = redis_url
    queue = f"kado-test-{uuid.uuid4().hex[:8]}"
    marker = f"worker-probe-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        # Other tests commit clients through the live server, so alpha is made to hold
        # exactly two more than beta: a task that saw the other region would miscount.
        base = {}
        for code in ("alpha", "beta"):
            with schema_context(code):
                base[code] = Client.objects.count()
        extra = {"alpha": max(base["beta"] - base["alpha"], 0) + 3}
        extra["beta"] = base["alpha"] + extra["alpha"] - 2 - base["beta"]
        for code, count in extra.items():
            with schema_context(code):
                for n in range(count):
                    Client.objects.create(name=f"{marker}-{n}", kind="local_company")
        expected = {}
        for code in extra:
            with schema_context(code):
                expected[code] = Client.objects.count()
        connection.set_schema_to_public()
    env = subprocess_env(
        KADO_CELERY_BROKER_URL=broker, KADO_CELERY_RESULT_BACKEND=broker, without=("REDIS_URL",)
    )
    log_path = REPO_ROOT / ".data" / f"celery-worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kado_platform.celery_app", "worker",
         "--pool=solo", "-Q", queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=INFO"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
    )  # fmt: skip
    sender = CeleryApp("kado-test-sender", broker=broker, backend=broker)
    try:
        results = {
            code: sender.send_task("kado.region_stats", queue=queue, headers={"_schema_name": code})
            for code in extra
        }
        without = sender.send_task(
            "kado.region_stats", queue=queue, headers={"_schema_name": "public"}
        )
        deadline = time.monotonic() + 90
        seen = {}
        for code, result in results.items():
            seen[code] = result.get(timeout=max(1, deadline - time.monotonic()))
        without.get(timeout=max(1, deadline - time.monotonic()), propagate=False)
        assert seen["alpha"]["region"] == "alpha" and seen["beta"]["region"] == "beta"
        assert seen["alpha"]["clients"] == expected["alpha"]
        assert seen["beta"]["clients"] == expected["beta"]
        assert expected["alpha"] - expected["beta"] == 2  # each saw its own rows only
        assert without.state == "FAILURE"
        assert "does not exist" in str(without.result)
    except Exception:
        print(log_path.read_text())
        raise
    finally:
        worker.terminate()
        worker.wait(20)
        log.close()
        with django_db_blocker.unblock():
            for code in extra:
                with schema_context(code):
                    Client.objects.filter(name__startswith=marker).delete()
            connection.set_schema_to_public()
