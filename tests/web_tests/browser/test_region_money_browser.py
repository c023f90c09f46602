"""A region admin's invoices and payout statements in a real browser: the invoice search,
a draft with its totals and PDF, a refused issue, a statement past the 60-day limit and
the Zengin page; axe-core on each page."""

from __future__ import annotations

import datetime
import re
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

MONTH = datetime.date(2022, 1, 1)  # a month no other test pays


@pytest.fixture(scope="module")
def money_rows(http_server, django_db_blocker):
    """A draft invoice and a draft payout statement in alpha, committed before any test's
    transaction begins so the server sees them, and removed afterwards (drafts can be;
    issued invoices and approved statements cannot, so the walk issues and approves
    nothing)."""
    from kado_platform.regions.selectors import region_get
    from kado_tenants.clients.models import Client
    from kado_tenants.invoicing.services import invoice_create
    from kado_tenants.orders.models import Assignment, Order, WorkLog
    from kado_tenants.payouts.models import PayoutStatement
    from kado_tenants.payouts.services import payout_statements_generate
    from kado_tenants.workforce.models import Worker

    suffix = str(int(time.time() * 1000))[-6:]
    with django_db_blocker.unblock():
        alpha = region_get(code="alpha")
    made = []  # removed last first, even when making them failed halfway

    def keep(row):
        made.append(row)
        return row

    try:
        with django_db_blocker.unblock(), schema_context(alpha.schema_name):
            client = keep(
                Client.objects.create(name=f"ブラウザ請求先{suffix}", kind="urban_company")
            )
            order = keep(
                Order.objects.create(
                    reference=f"B-{suffix}",
                    client=client,
                    title="ブラウザ試験の納品",
                    category="data_entry",
                    contract_type="hourly",
                    unit_price=1_200,
                    estimated_minutes=500,
                    amount=10_000,
                    received_on=datetime.date(2022, 1, 5),
                    due_on=datetime.date(2022, 1, 31),
                    started_on=datetime.date(2022, 1, 6),
                    delivered_on=datetime.date(2022, 1, 20),
                    status="delivered",
                )
            )
            invoice = keep(invoice_create(client=client, orders=[order]))
            worker = keep(
                Worker.objects.create(
                    name=f"明細 試験{suffix}",
                    name_kana="メイサイ シケン",
                    hourly_rate=1_200,
                    joined_on=datetime.date(2021, 4, 1),
                    status="active",
                )
            )
            assignment = keep(
                Assignment.objects.create(
                    order=order, worker=worker, assigned_on=datetime.date(2022, 1, 6)
                )
            )
            keep(
                WorkLog.objects.create(
                    assignment=assignment,
                    work_date=datetime.date(2022, 1, 14),
                    minutes=90,
                    approved_at=timezone.now(),
                )
            )
            made.extend(payout_statements_generate(month=MONTH))
        connection.set_schema_to_public()
        statement = made[-1]
        assert isinstance(statement, PayoutStatement)
        yield {"client": client, "invoice": invoice, "worker": worker, "statement": statement}
    finally:
        with django_db_blocker.unblock(), schema_context(alpha.schema_name):
            for row in reversed(made):
                row.delete()
        connection.set_schema_to_public()


def test_a_region_admin_opens_the_invoices_and_a_statement(site, money_rows):
    fed, page = site.fed, site.page
    client_name = money_rows["client"].name
    invoice, statement = money_rows["invoice"], money_rows["statement"]

    site.login(fed.alpha, "admin@alpha.test")
    nav = page.locator("nav.site-nav")
    expect(nav).to_contain_text("請求書")
    expect(nav).to_contain_text("支払明細")

    # The invoice search: by counterparty, then the draft with its totals and PDF.
    nav.locator("a[href='/invoices/']").click()
    expect(page.locator("h1")).to_have_text("請求書")
    site.axe("invoices")
    page.fill("#id_counterparty", client_name)
    page.click("form[role=search] button[type=submit]")
    row = page.locator("#results tr", has_text=client_name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("11,000円")
    expect(row).to_contain_text("下書き")
    row.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/invoices/{invoice.pk}/$"))
    expect(page.locator("#invoice-total")).to_have_text("11,000円")
    expect(page.locator("#tax-subtotals")).to_contain_text("1,000円")
    site.axe("invoice-detail")
    with page.expect_download() as download:
        page.click("#invoice-pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # Alpha has not set its issuer details: issuing is refused, what was typed is kept,
    # and the invoice is still a draft.
    page.fill("#id_issued_on", "2022-01-31")
    page.click("form[action$='/issue/'] button[type=submit]")
    expect(page.locator("#form-errors")).to_contain_text("発行者の情報")
    expect(page.locator("#id_issued_on")).to_have_value("2022-01-31")
    expect(page.locator("#invoice-status")).to_have_text("下書き")
    site.axe("invoice-issue-refused")

    # The month's statements, and one past the Freelance Act's 60-day limit.
    nav.locator("a[href='/payouts/']").click()
    expect(page.locator("h1")).to_have_text("支払明細")
    page.fill("#id_month", "2022-01")
    page.click("form[role=search] button[type=submit]")
    row = page.locator("#results tr", has_text=money_rows["worker"].name)
    expect(row).to_contain_text("1,800円")  # 90 minutes at 1,200 yen an hour
    expect(row).to_contain_text("60日期限超過")
    site.axe("payouts")
    row.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/payouts/{statement.pk}/$"))
    expect(page.locator("#payment-risk")).to_be_visible()
    expect(page.locator("#statement-net")).to_have_text("1,800円")
    expect(page.locator("#statement-status")).to_have_text("下書き")
    site.axe("payout-detail")

    # The Zengin page offers approved statements only: this draft is not among them.
    nav.locator("a[href='/payouts/transfers/']").click()
    expect(page.locator("h1")).to_have_text("全銀振込ファイル")
    expect(page.locator(f"input[name=statements][value='{statement.pk}']")).to_have_count(0)
    site.axe("zengin")
