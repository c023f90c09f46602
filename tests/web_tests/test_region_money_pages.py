"""Invoices, payout statements and the Zengin file on a region's pages, through Django's
test client: region admins only, other regions' keys are 404s, refusals show next to
their field and write nothing, the PDF is a PDF and the Zengin file parses back."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest

from kado_platform.audit.models import AuditEntry
from kado_tenants.clients.services import client_create
from kado_tenants.invoicing.models import Invoice
from kado_tenants.invoicing.selectors import invoice_get, invoice_list, invoice_versions
from kado_tenants.invoicing.services import invoice_create, invoice_issue, invoice_issuer_set
from kado_tenants.orders.services import (
    order_create,
    order_transition,
    worklog_approve,
    worklog_record,
)
from kado_tenants.payouts import zengin
from kado_tenants.payouts.models import PayoutStatement
from kado_tenants.payouts.selectors import (
    payout_statement_get,
    payout_statement_list,
    transfer_batch_list,
)
from kado_tenants.payouts.services import (
    bank_account_set,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
)

DELIVERED = datetime.date(2023, 6, 20)
LIST_PAGES = ["/invoices/", "/invoices/new/", "/payouts/", "/payouts/transfers/"]


def _issuer(label: str):
    invoice_issuer_set(
        name=f"一般財団法人{label}振興公社",
        registration_number="T7000012050002",
        address=f"長野県{label}市大門1-1",
        bank_name=f"{label}銀行",
        bank_branch="本店",
        bank_account_number="1234567",
        bank_account_holder="ザイ)シンコウコウシャ",
    )


def _delivered_orders(client, count: int, *, unit_price: int = 52_500):
    orders = []
    for _ in range(count):
        order = order_create(
            client=client,
            title="データ入力",
            category="data_entry",
            contract_type="per_deliverable",
            unit_price=unit_price,
            quantity=2,
            estimated_minutes=60,
            received_on=datetime.date(2023, 6, 1),
            due_on=datetime.date(2023, 6, 30),
        )
        order_transition(order=order, to_status="in_progress", on_date=DELIVERED)
        order_transition(order=order, to_status="delivered", on_date=DELIVERED)
        orders.append(order)
    return orders


def _month_of_work(maker, admin, kana=("ヤマダ ハナコ", "ガッコウ タロウ")):
    """Approved May 2023 work of two workers with bank accounts, and the remitter set."""
    make = maker(acting_user=admin)
    payout_settings_update(
        remitter_code="1234567890",
        remitter_name_kana="シンコウコウシャ",
        bank_code="0001",
        branch_code="001",
        account_number="1234567",
    )
    workers = []
    for minutes, holder in zip((600, 125), kana, strict=True):
        worker = make.active_worker(hourly_rate=1_200)
        assignment = make.assignment(worker=worker)
        entry = worklog_record(
            assignment=assignment, work_date=datetime.date(2023, 5, 15), minutes=minutes
        )
        worklog_approve(work_log=entry, acting_user=admin)
        bank_account_set(
            worker=worker,
            bank_code="0009",
            branch_code="001",
            account_number="1111111",
            holder_kana=holder,
        )
        workers.append(worker)
    return workers


@pytest.fixture
def invoicing(fed, in_region):
    """Region alpha with an issuer, a client and three delivered orders of 105,000 yen."""
    with in_region(fed.alpha):
        _issuer("アルファ")
        client = client_create(name="株式会社アルファ請求先", kind="urban_company")
        orders = _delivered_orders(client, 3)
    return {"client": client, "orders": orders}


@pytest.fixture
def issued(fed, in_region, invoicing):
    """An issued invoice of alpha (two orders) and a draft (the third)."""
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        orders = invoicing["orders"]
        first = invoice_create(client=invoicing["client"], orders=orders[:2], acting_user=admin)
        invoice_issue(invoice=first, issued_on=datetime.date(2023, 6, 30), acting_user=admin)
        draft = invoice_create(client=invoicing["client"], orders=orders[2:], acting_user=admin)
    return {"invoice": first, "draft": draft}


def _row_counts():
    return {
        "invoices": Invoice.objects.count(),
        "statements": PayoutStatement.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _field_error(body: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="id_{field}_error">(.*?)</div>', body, re.S)
    assert match, f"no error shown next to {field}"
    return match.group(1)


# --- who may open the pages ----------------------------------------------------------------


def test_only_the_regions_admins_open_the_money_pages(fed, web, issued, in_region):
    pages = [*LIST_PAGES, f"/invoices/{issued['invoice'].pk}/"]
    pages += [
        f"/invoices/{issued['invoice'].pk}/pdf/",
        f"/invoices/{issued['invoice'].pk}/correct/",
    ]
    admin = web(fed.alpha, fed.user("alpha_admin"))
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        if response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            assert "アルファ市" in body and "ベータ" not in body

    staff = web(fed.alpha, fed.user("alpha_staff"))
    other_admin = web(fed.alpha, fed.user("beta_admin"))  # a session forced onto alpha
    for client in (staff, other_admin):
        for path in pages:
            assert client.get(path).status_code == 403, path
        assert client.post(f"/invoices/{issued['draft'].pk}/issue/", {}).status_code == 403
        assert client.post("/payouts/generate/", {"month": "2023-05"}).status_code == 403
    with in_region(fed.alpha):
        assert invoice_get(pk=issued["draft"].pk).is_draft  # the refused POST did nothing

    for key in ("coordinator", "leader", "operator"):
        assert web(fed.alpha, fed.user(key)).get("/invoices/").status_code == 403
        assert web(fed.hub, fed.user(key)).get("/invoices/").status_code == 404
    anonymous = web(fed.alpha).get("/payouts/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_the_navigation_offers_the_money_pages_to_admins_only(fed, web):
    admin = web(fed.alpha, fed.user("alpha_admin")).get("/dashboard/").content.decode()
    for href in ('href="/invoices/"', 'href="/payouts/"', 'href="/payouts/transfers/"'):
        assert href in admin
    assert "請求書" in admin and "支払明細" in admin
    staff = web(fed.alpha, fed.user("alpha_staff")).get("/dashboard/").content.decode()
    assert 'href="/invoices/"' not in staff and 'href="/payouts/"' not in staff


def test_another_regions_keys_are_not_found(fed, web, in_region, same_pk, maker):
    beta_admin = fed.user("beta_admin")
    # Rows that exist in beta only, under keys alpha has not used.
    same_pk(Invoice, fed.alpha, fed.beta)
    same_pk(PayoutStatement, fed.alpha, fed.beta)
    with in_region(fed.beta):
        _issuer("ベータ")
        client = client_create(name="株式会社ベータ請求先", kind="urban_company")
        invoice = invoice_create(client=client, orders=_delivered_orders(client, 1))
        _month_of_work(maker, beta_admin)
        statement = payout_statements_generate(month=datetime.date(2023, 5, 1))[0]
    with in_region(fed.alpha):
        assert invoice_get(pk=invoice.pk) is None
        assert payout_statement_get(pk=statement.pk) is None
        before = _row_counts()

    admin = web(fed.alpha, fed.user("alpha_admin"))
    for path in ("", "pdf/", "correct/"):
        response = admin.get(f"/invoices/{invoice.pk}/{path}")
        assert response.status_code == 404, path
        assert 'class="site-header"' in response.content.decode()
    for path in ("issue/", "paid/", "credit-note/", "correct/"):
        assert admin.post(f"/invoices/{invoice.pk}/{path}", {"reason": "x"}).status_code == 404
    assert admin.get(f"/payouts/{statement.pk}/").status_code == 404
    assert admin.post(f"/payouts/{statement.pk}/approve/").status_code == 404
    # Beta's statement named in alpha's Zengin form is not a choice there.
    refused = admin.post(
        "/payouts/transfers/",
        {"statements": [statement.pk], "transfer_date": "2099-01-05"},
    )
    assert refused.status_code == 200
    assert "ベータ" not in refused.content.decode()
    _field_error(refused.content.decode(), "statements")
    with in_region(fed.alpha):
        assert _row_counts() == before
    with in_region(fed.beta):
        assert payout_statement_get(pk=statement.pk).status == "draft"


def test_colliding_keys_show_this_regions_row(fed, web, in_region, same_pk):
    pk = same_pk(Invoice, fed.alpha, fed.beta)
    for region, label in ((fed.alpha, "アルファ"), (fed.beta, "ベータ")):
        with in_region(region):
            client = client_create(name=f"株式会社{label}衝突", kind="urban_company")
            assert invoice_create(client=client, orders=_delivered_orders(client, 1)).pk == pk
    body = web(fed.alpha, fed.user("alpha_admin")).get(f"/invoices/{pk}/").content.decode()
    assert "株式会社アルファ衝突" in body and "ベータ" not in body


# --- invoices ------------------------------------------------------------------------------


def test_the_invoice_list_searches_by_date_amount_counterparty_and_status(fed, web, issued):
    admin = web(fed.alpha, fed.user("alpha_admin"))
    number = f"{issued['invoice'].number}-1"
    body = admin.get("/invoices/").content.decode()
    assert number in body and "231,000円" in body  # 210,000 + 21,000 tax, with separators
    assert "下書き" in body

    def listed(query):
        return admin.get(f"/invoices/?{query}").content.decode()

    assert number in listed("status=issued") and "115,500円" not in listed("status=issued")
    assert number not in listed("status=draft")
    assert number in listed("date_from=2023-06-30&date_to=2023-06-30")
    assert number not in listed("date_from=2023-07-01")
    assert number in listed("min_amount=231000&max_amount=231000")
    assert number not in listed("min_amount=231001")
    assert number in listed("counterparty=アルファ請求")
    assert number not in listed("counterparty=存在しない会社")
    assert number in listed(f"client={issued['invoice'].client_id}")
    # A bad filter value is ignored, not an error; htmx gets the results only.
    assert admin.get("/invoices/?min_amount=abc&date_from=x").status_code == 200
    partial = admin.get("/invoices/?status=issued", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and number in partial


def test_the_invoice_page_shows_the_qualified_invoice_and_its_pdf(fed, web, issued):
    admin = web(fed.alpha, fed.user("alpha_admin"))
    invoice = issued["invoice"]
    body = admin.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "T7000012050002" in body
    assert "一般財団法人アルファ振興公社" in body
    assert body.count("データ入力") >= 2  # its lines
    subtotals = re.search(r'<table class="data-table" id="tax-subtotals">.*?</table>', body, re.S)
    assert "210,000円" in subtotals.group(0) and "21,000円" in subtotals.group(0)
    assert "231,000円" in subtotals.group(0)
    # Japanese first: the status badge in Japanese, not its English label.
    assert re.search(r'id="invoice-status">([^<]*)<', body).group(1) == "発行済み"

    pdf = admin.get(f"/invoices/{invoice.pk}/pdf/?download=1")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"%%EOF" in pdf.content[-32:]
    assert pdf["Content-Disposition"] == (f'attachment; filename="invoice-{invoice.number}-v1.pdf"')


def test_a_draft_is_made_from_delivered_orders_and_issued(fed, web, in_region, invoicing):
    admin = web(fed.alpha, fed.user("alpha_admin"))
    orders = invoicing["orders"]
    form = admin.get("/invoices/new/").content.decode()
    assert all(f'value="{order.pk}"' in form for order in orders)

    with in_region(fed.alpha):
        other = client_create(name="株式会社別の顧客", kind="urban_company")
        before = _row_counts()
    refused = admin.post(
        "/invoices/new/", {"client": other.pk, "orders": [orders[0].pk], "tax_rate": "10"}
    )
    assert refused.status_code == 200
    assert orders[0].reference in _field_error(refused.content.decode(), "orders")
    with in_region(fed.alpha):
        assert _row_counts() == before

    made = admin.post(
        "/invoices/new/",
        {"client": invoicing["client"].pk, "orders": [o.pk for o in orders], "tax_rate": "8"},
    )
    assert made.status_code == 302
    pk = int(made["Location"].rstrip("/").rsplit("/", 1)[1])
    draft_page = admin.get(made["Location"]).content.decode()
    assert f'action="/invoices/{pk}/issue/"' in draft_page

    # A due date before the day of issue: refused by the service, shown by the field.
    with in_region(fed.alpha):
        before = _row_counts()
    refused = admin.post(
        f"/invoices/{pk}/issue/", {"issued_on": "2023-06-30", "due_on": "2023-06-01"}
    )
    assert refused.status_code == 200
    body = refused.content.decode()
    _field_error(body, "due_on")
    assert 'value="2023-06-01"' in body  # what was typed is kept
    with in_region(fed.alpha):
        assert _row_counts() == before
        assert invoice_get(pk=pk).is_draft and invoice_get(pk=pk).number == ""

    issued = admin.post(f"/invoices/{pk}/issue/", {"issued_on": "2023-06-30", "due_on": ""})
    assert issued.status_code == 302
    with in_region(fed.alpha):
        invoice = invoice_get(pk=pk)
        assert invoice.status == "issued" and invoice.number
        assert (invoice.subtotal, invoice.tax_total) == (315_000, 25_200)  # 8%, rounded once
    page = admin.get(f"/invoices/{pk}/").content.decode()
    assert "8%" in page and "25,200円" in page and "340,200円" in page


def test_paid_correction_and_credit_note(fed, web, in_region, issued):
    admin = web(fed.alpha, fed.user("alpha_admin"))
    invoice = issued["invoice"]

    with in_region(fed.alpha):
        before = _row_counts()
    wrong = admin.post(f"/invoices/{invoice.pk}/paid/", {"paid_on": "2023-07-31", "amount": "1"})
    assert wrong.status_code == 200
    assert "231000" in _field_error(wrong.content.decode(), "amount")  # names the total
    with in_region(fed.alpha):
        assert _row_counts() == before
        assert invoice_get(pk=invoice.pk).status == "issued"

    # A correction dated before the invoice it corrects is refused by its field.
    page = admin.get(f"/invoices/{invoice.pk}/correct/").content.decode()
    assert 'name="line_0_amount"' in page and 'name="line_1_amount"' in page
    data = {
        "reason": "単価の誤り",
        "issued_on": "2023-06-01",
        "due_on": "",
        "line_0_description": "データ入力（訂正）",
        "line_0_transaction_date": "2023-06-20",
        "line_0_amount": "100000",
        "line_0_tax_rate": "10",
        "line_1_description": "データ入力",
        "line_1_transaction_date": "2023-06-20",
        "line_1_amount": "105000",
        "line_1_tax_rate": "10",
    }
    refused = admin.post(f"/invoices/{invoice.pk}/correct/", data)
    assert refused.status_code == 200
    _field_error(refused.content.decode(), "issued_on")
    assert 'value="データ入力（訂正）"' in refused.content.decode()
    with in_region(fed.alpha):
        assert _row_counts() == before

    corrected = admin.post(f"/invoices/{invoice.pk}/correct/", data | {"issued_on": "2023-07-03"})
    assert corrected.status_code == 302
    with in_region(fed.alpha):
        versions = invoice_versions(invoice_get(pk=invoice.pk))
        assert [(v.version, v.status) for v in versions] == [(1, "superseded"), (2, "issued")]
        second = versions[1]
        assert second.total == 225_500
    page = admin.get(f"/invoices/{second.pk}/").content.decode()
    assert f"{invoice.number}-1" in page and f"{invoice.number}-2" in page  # the chain
    assert "単価の誤り" in page and "225,500円" in page
    # The superseded version offers no step any more.
    old_page = admin.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "/paid/" not in old_page and "/credit-note/" not in old_page

    paid = admin.post(f"/invoices/{second.pk}/paid/", {"paid_on": "2023-07-31", "amount": "225500"})
    assert paid.status_code == 302
    credit = admin.post(
        f"/invoices/{second.pk}/credit-note/", {"reason": "契約解除", "issued_on": "2023-08-01"}
    )
    assert credit.status_code == 302
    with in_region(fed.alpha):
        note = invoice_list(statuses=["issued"]).get(number=invoice.number)
        assert (note.kind, note.version, note.total) == ("credit_note", 3, -225_500)
    assert "-225,500円" in admin.get(credit["Location"]).content.decode()


def test_posts_need_the_csrf_token(fed, web, in_region, issued):
    strict = web(fed.alpha, fed.user("alpha_admin"), enforce_csrf_checks=True)
    draft = issued["draft"]
    response = strict.post(f"/invoices/{draft.pk}/issue/", {"issued_on": "2023-06-30"})
    assert response.status_code == 403
    with in_region(fed.alpha):
        assert invoice_get(pk=draft.pk).is_draft
    page = strict.get(f"/invoices/{draft.pk}/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 2  # the issue form and the log-out form


# --- payouts -------------------------------------------------------------------------------


@pytest.fixture
def month_of_work(fed, in_region, maker):
    with in_region(fed.alpha):
        return _month_of_work(maker, fed.user("alpha_admin"))


def test_statements_are_generated_shown_and_approved(fed, web, in_region, month_of_work):
    admin = web(fed.alpha, fed.user("alpha_admin"))
    with in_region(fed.alpha):
        before = _row_counts()
    not_closed = admin.post("/payouts/generate/", {"month": "2099-12"})
    assert not_closed.status_code == 200
    _field_error(not_closed.content.decode(), "month")
    with in_region(fed.alpha):
        assert _row_counts() == before

    made = admin.post("/payouts/generate/", {"month": "2023-05"})
    assert made.status_code == 302 and made["Location"].endswith("?month=2023-05")
    listed = admin.get(made["Location"]).content.decode()
    assert "12,000円" in listed and "2,500円" in listed
    assert "60日" in listed  # 2023's work unpaid today is past the limit
    with in_region(fed.alpha):
        statements = list(payout_statement_list(month=datetime.date(2023, 5, 1)))
    assert len(statements) == 2
    assert "12,000円" not in admin.get("/payouts/?month=2023-04").content.decode()
    assert "12,000円" not in admin.get("/payouts/?status=approved").content.decode()

    first = statements[0]
    page = admin.get(f"/payouts/{first.pk}/").content.decode()
    amounts = re.search(r'id="statement-amounts">.*?</table>', page, re.S).group(0)
    assert "12,000円" in amounts
    assert 'id="payment-risk"' in page
    deadline = first.payment_deadline  # 60 days from the closing day, that day counted
    assert deadline == datetime.date(2023, 7, 29)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page

    approved = admin.post(f"/payouts/{first.pk}/approve/")
    assert approved.status_code == 302
    with in_region(fed.alpha):
        assert payout_statement_get(pk=first.pk).status == "approved"
        before = _row_counts()
    page = admin.get(f"/payouts/{first.pk}/").content.decode()
    assert f'action="/payouts/{first.pk}/approve/"' not in page
    again = admin.post(f"/payouts/{first.pk}/approve/")
    assert again.status_code == 200 and 'role="alert"' in again.content.decode()
    with in_region(fed.alpha):
        assert _row_counts() == before


def test_the_zengin_file_is_the_services_bytes_and_parses_back(fed, web, in_region, month_of_work):
    admin_user = fed.user("alpha_admin")
    with in_region(fed.alpha):
        first, second = payout_statements_generate(
            month=datetime.date(2023, 5, 1), acting_user=admin_user
        )
        payout_statement_approve(statement=first, acting_user=admin_user)
    admin = web(fed.alpha, admin_user)
    page = admin.get("/payouts/transfers/").content.decode()
    assert f'value="{first.pk}"' in page and f'value="{second.pk}"' not in page  # drafts
    tomorrow = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()

    with in_region(fed.alpha):
        before = _row_counts()
    draft = admin.post(
        "/payouts/transfers/", {"statements": [first.pk, second.pk], "transfer_date": tomorrow}
    )
    assert draft.status_code == 200
    assert str(second.pk) in _field_error(draft.content.decode(), "statements")
    past = admin.post(
        "/payouts/transfers/", {"statements": [first.pk], "transfer_date": "2023-06-01"}
    )
    _field_error(past.content.decode(), "transfer_date")
    with in_region(fed.alpha):
        assert _row_counts() == before

    response = admin.post(
        "/payouts/transfers/", {"statements": [first.pk], "transfer_date": tomorrow}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=Shift_JIS"
    filename = re.fullmatch(
        r'attachment; filename="(zengin-\w+-\d{8}-[0-9a-f]{8}\.txt)"',
        response["Content-Disposition"],
    ).group(1)
    parsed = zengin.parse_file(response.content)
    assert len(parsed.data) == 1
    assert int(parsed.data[0]["amount"]) == 12_000
    assert parsed.data[0]["payee_name"] == "ﾔﾏﾀﾞ ﾊﾅｺ"
    assert int(parsed.trailer["total"]) == 12_000 and int(parsed.trailer["count"]) == 1
    records, _separator = zengin.split_records(response.content)
    assert len(records) == 4 and all(len(record) == 120 for record in records)
    response.content.decode("cp932")  # Shift_JIS throughout
    with in_region(fed.alpha):  # the bytes the service made, as it recorded them
        batch = transfer_batch_list().get()
    assert batch.sha256 == hashlib.sha256(response.content).hexdigest()
    assert batch.filename == filename

    twice = admin.post("/payouts/transfers/", {"statements": [first.pk], "transfer_date": tomorrow})
    assert twice.status_code == 200
    _field_error(twice.content.decode(), "statements")
    batches = admin.get("/payouts/transfers/").content.decode()
    listed = re.search(r'id="transfer-batches">.*?</table>', batches, re.S).group(0)
    assert filename in listed and "12,000円" in listed
    detail = admin.get(f"/payouts/{first.pk}/").content.decode()
    assert filename in detail

    # The file is kept as made: downloaded again, byte for byte, by this region's admin only.
    assert f'href="/payouts/transfers/{batch.pk}/file/"' in listed
    again = admin.get(f"/payouts/transfers/{batch.pk}/file/")
    assert again.status_code == 200 and again.content == response.content
    assert again["Content-Disposition"] == response["Content-Disposition"]
    staff = web(fed.alpha, fed.user("alpha_staff"))
    assert staff.get(f"/payouts/transfers/{batch.pk}/file/").status_code == 403
    other = web(fed.beta, fed.user("beta_admin"))
    assert other.get(f"/payouts/transfers/{batch.pk}/file/").status_code == 404
