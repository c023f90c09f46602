"""Money reaches the federation's read model with the regional write: billed, collected
and paid-out yen per region for the hub report, right under colliding primary keys."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from kado_platform.federation.index import index_differences
from kado_platform.federation.models import MoneyIndexEntry
from kado_platform.federation.selectors import report
from kado_tenants.invoicing.services import (
    invoice_credit_note,
    invoice_mark_paid,
)

D = datetime.date
FY = 2023


def _money(region) -> dict[str, int]:
    figures = next(row for row in report(fiscal_year=FY)["by_region"] if row["region"] == region)
    return {kind: figures[kind] for kind in ("billed", "collected", "paid_out")}


def _totals() -> dict[str, int]:
    whole = report(fiscal_year=FY)
    return {kind: whole[kind] for kind in ("billed", "collected", "paid_out")}


@pytest.fixture
def money(fed, in_region, maker):
    """Alpha bills two invoices (one paid, one cancelled by a credit note) and pays a
    worker; beta bills one invoice, unpaid. Returns what each should add to the report."""
    before = {"alpha": _money(fed.alpha), "beta": _money(fed.beta), "all": _totals()}
    alpha_user, beta_user = fed.user("alpha_admin"), fed.user("beta_admin")
    with in_region(fed.alpha):
        make = maker(acting_user=alpha_user)
        make.invoice_issuer()
        client = make.client()
        paid = make.issued_invoice(client=client, unit_price=12_000, issued_on=D(2023, 6, 30))
        invoice_mark_paid(invoice=paid, paid_on=D(2023, 7, 20), amount=paid.total)
        cancelled = make.issued_invoice(client=client, unit_price=7_000, issued_on=D(2023, 6, 30))
        credit = invoice_credit_note(
            invoice=cancelled, reason="発注取消", issued_on=D(2023, 7, 1), acting_user=alpha_user
        )
        statement = make.zengin_transfer(minutes=600)
    with in_region(fed.beta):
        make = maker(acting_user=beta_user)
        make.invoice_issuer()
        unpaid = make.issued_invoice(
            client=make.client(), unit_price=3_000, issued_on=D(2023, 8, 1)
        )
    return {
        "before": before,
        "alpha": {"billed": paid.total, "collected": paid.total, "paid_out": statement.net_amount},
        "beta": {"billed": unpaid.total, "collected": 0, "paid_out": 0},
        "ids": {"paid": paid.pk, "cancelled": cancelled.pk, "credit": credit.pk},
    }


def _added(before, after):
    return {kind: after[kind] - before[kind] for kind in after}


def test_the_report_gains_billed_collected_and_paid_out_per_region(fed, money):
    assert money["alpha"] == {"billed": 13_200, "collected": 13_200, "paid_out": 12_000}
    assert _added(money["before"]["alpha"], _money(fed.alpha)) == money["alpha"]
    assert _added(money["before"]["beta"], _money(fed.beta)) == money["beta"]
    assert _added(money["before"]["all"], _totals()) == {
        kind: money["alpha"][kind] + money["beta"][kind] for kind in money["alpha"]
    }


def test_a_credit_note_bills_nothing_and_each_region_keeps_its_own_ids(fed, money):
    ids = money["ids"]
    alpha = {
        (e.kind, e.source_id): e
        for e in MoneyIndexEntry.objects.filter(region=fed.alpha, source_id__in=ids.values())
    }
    assert ("billed", ids["paid"]) in alpha and ("collected", ids["paid"]) in alpha
    assert ("billed", ids["cancelled"]) not in alpha, "superseded by the credit note"
    assert ("billed", ids["credit"]) not in alpha, "a credit note cancels, it does not bill"
    assert alpha[("collected", ids["paid"])].booked_on == D(2023, 7, 20)
    assert alpha[("collected", ids["paid"])].fiscal_year == FY
    beta = MoneyIndexEntry.objects.filter(region=fed.beta, kind="billed")
    assert beta.filter(amount=3_300).exists()


def test_index_check_agrees_and_names_a_tampered_money_row(fed, money):
    assert [d for d in index_differences(fed.alpha) if d.table == "money"] == []
    assert [d for d in index_differences(fed.beta) if d.table == "money"] == []
    entry = MoneyIndexEntry.objects.get(
        region=fed.alpha, kind="collected", source_id=money["ids"]["paid"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE public.federation_moneyindexentry SET amount = amount + 1 WHERE id = %s",
            [entry.pk],
        )
    [difference] = [d for d in index_differences(fed.alpha) if d.table == "money"]
    assert difference.key == ("collected", money["ids"]["paid"])
    assert "amount: 13201 ≠ 13200" in difference.describe()
