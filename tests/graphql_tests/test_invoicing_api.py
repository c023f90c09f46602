"""Invoices on the region host's /graphql, for region admins only: create, issue,
search, correct and send through Stripe, with typed errors and region-scoped IDs."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.db import connection

from kado_platform.billing.gateway import use_http_client
from kado_platform.billing.testing import FakeStripe
from kado_tenants.clients.services import client_create
from kado_tenants.invoicing.services import invoice_issuer_set
from kado_tenants.orders.services import order_create, order_transition

DELIVERED = datetime.date(2023, 6, 20)
INVOICE_FIELDS = """
  id number version status kind total subtotal taxTotal clientName issuerRegistrationNumber
  issuedOn dueOn retainUntil supersedesId correctionReason stripeStatus
  lines { position description transactionDate taxRate amount orderId orderReference }
  taxSubtotals { taxRate taxableAmount taxAmount }
"""
CREATE = f"""mutation ($input: InvoiceCreateInput!) {{
  invoiceCreate(input: $input) {{ errors {{ field message code }} invoice {{ {INVOICE_FIELDS} }} }}
}}"""
ISSUE = f"""mutation ($input: InvoiceIssueInput!) {{
  invoiceIssue(input: $input) {{ errors {{ field message code }} invoice {{ {INVOICE_FIELDS} }} }}
}}"""
CORRECT = f"""mutation ($input: InvoiceCorrectInput!) {{
  invoiceCorrect(input: $input) {{ errors {{ field message code }} invoice {{ {INVOICE_FIELDS} }} }}
}}"""
SEND = """mutation ($input: InvoiceSendViaStripeInput!) {
  invoiceSendViaStripe(input: $input) {
    errors { field message code } invoice { id stripeStatus stripeHostedInvoiceUrl }
  }
}"""
SEARCH = """query ($filter: InvoiceFilter, $after: String) {
  invoices(first: 10, after: $after, filter: $filter) {
    totalCount edges { node { id number version total status clientName } }
  }
}"""


@pytest.fixture
def gql(web, fed):
    def _run(query, variables=None, *, user="alpha_admin", region=None):
        client = web(region or fed.alpha, fed.user(user))
        response = client.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        connection.set_schema_to_public()
        return response.json()

    return _run


@pytest.fixture
def orders(fed, in_region, gid):
    """Three delivered orders of 105 yen for one client of alpha, and its global ID."""
    with in_region(fed.alpha):
        invoice_issuer_set(
            name="一般財団法人アルファ市振興公社",
            registration_number="T7000012050002",
            address="長野県アルファ市大門1-1",
            bank_name="アルファ銀行",
            bank_branch="本店",
            bank_account_number="1234567",
            bank_account_holder="ザイ)アルファ",
        )
        client = client_create(name="株式会社グラフ商事", kind="urban_company")
        made = []
        for _ in range(3):
            order = order_create(
                client=client,
                title="データ入力",
                category="data_entry",
                contract_type="per_deliverable",
                unit_price=105,
                quantity=1,
                estimated_minutes=60,
                received_on=datetime.date(2023, 6, 1),
                due_on=datetime.date(2023, 6, 30),
            )
            order_transition(order=order, to_status="in_progress", on_date=DELIVERED)
            order_transition(order=order, to_status="delivered", on_date=DELIVERED)
            made.append(order)
    return gid("Client", "alpha", client.pk), [gid("Order", "alpha", o.pk) for o in made]


def _ok(body, name):
    assert "errors" not in body, body
    payload = body["data"][name]
    assert payload["errors"] == [], payload["errors"]
    return payload["invoice"]


def _issued(gql, orders):
    client_id, order_ids = orders
    draft = _ok(
        gql(CREATE, {"input": {"clientId": client_id, "orderIds": order_ids}}), "invoiceCreate"
    )
    return _ok(gql(ISSUE, {"input": {"id": draft["id"], "issuedOn": "2023-06-30"}}), "invoiceIssue")


def test_create_issue_and_read_an_invoice(gql, orders):
    client_id, order_ids = orders
    draft = _ok(
        gql(CREATE, {"input": {"clientId": client_id, "orderIds": order_ids}}), "invoiceCreate"
    )
    assert (draft["status"], draft["number"]) == ("DRAFT", None)
    assert [line["amount"] for line in draft["lines"]] == [105, 105, 105]
    issued = _ok(
        gql(ISSUE, {"input": {"id": draft["id"], "issuedOn": "2023-06-30"}}), "invoiceIssue"
    )
    assert issued["status"] == "ISSUED"
    assert issued["number"] == "2023-00001" and issued["version"] == 1
    assert (issued["subtotal"], issued["taxTotal"], issued["total"]) == (315, 31, 346)
    assert issued["taxSubtotals"] == [{"taxRate": 10, "taxableAmount": 315, "taxAmount": 31}]
    assert issued["issuerRegistrationNumber"] == "T7000012050002"
    assert issued["retainUntil"] == "2031-05-31"
    assert [line["orderId"] for line in issued["lines"]] == order_ids
    assert issued["lines"][0]["transactionDate"] == "2023-06-20"
    body = gql("query ($id: ID!) { invoice(id: $id) { number pdf } }", {"id": issued["id"]})
    assert body["data"]["invoice"]["number"] == "2023-00001"
    assert base64.b64decode(body["data"]["invoice"]["pdf"]).startswith(b"%PDF")
    # Issued: the same mutation is refused with a typed error, nothing changes.
    again = gql(ISSUE, {"input": {"id": issued["id"]}})["data"]["invoiceIssue"]
    assert again["errors"] == [
        {"field": "id", "message": again["errors"][0]["message"], "code": "invoice_not_draft"}
    ]


def test_search_by_date_amount_and_counterparty(gql, orders):
    issued = _issued(gql, orders)

    def numbers(**filter_):
        # Other tests (and the docs' examples over HTTP) commit invoices in this region:
        # every search but the counterparty's own is narrowed to this test's client.
        filter_.setdefault("counterparty", "グラフ商事")
        body = gql(SEARCH, {"filter": filter_})
        assert "errors" not in body, body
        return [edge["node"]["number"] for edge in body["data"]["invoices"]["edges"]]

    assert numbers() == ["2023-00001"]
    assert numbers(counterparty="存在しない") == []
    assert numbers(**{"from": "2023-06-30", "to": "2023-06-30"}) == ["2023-00001"]
    assert numbers(**{"from": "2023-07-01"}) == []
    assert numbers(minAmount=346, maxAmount=346) == ["2023-00001"]
    assert numbers(minAmount=347) == []
    assert numbers(client=orders[0], statuses=["ISSUED"]) == ["2023-00001"]
    refused = gql(SEARCH, {"filter": {"minAmount": 10, "maxAmount": 1}})
    assert refused["errors"][0]["extensions"]["code"] == "bad_input"
    assert issued["clientName"] == "株式会社グラフ商事"


def test_correct_and_credit(gql, orders):
    issued = _issued(gql, orders)
    lines = [
        {
            "description": "データ入力（訂正）",
            "transactionDate": "2023-06-20",
            "amount": 100,
            "orderId": order,
        }
        for order in orders[1]
    ]
    corrected = _ok(
        gql(
            CORRECT,
            {
                "input": {
                    "id": issued["id"],
                    "reason": "単価の誤り",
                    "lines": lines,
                    "issuedOn": "2023-07-01",
                }
            },
        ),
        "invoiceCorrect",
    )
    assert (corrected["number"], corrected["version"]) == ("2023-00001", 2)
    assert corrected["supersedesId"] == issued["id"]
    assert (corrected["total"], corrected["taxTotal"]) == (330, 30)
    old = gql("query ($id: ID!) { invoice(id: $id) { status total } }", {"id": issued["id"]})
    assert old["data"]["invoice"] == {"status": "SUPERSEDED", "total": 346}
    credit = _ok(
        gql(
            CORRECT,
            {
                "input": {
                    "id": corrected["id"],
                    "reason": "契約解除",
                    "creditNote": True,
                    "issuedOn": "2023-07-02",
                }
            },
        ),
        "invoiceCorrect",
    )
    assert (credit["kind"], credit["version"], credit["total"]) == ("CREDIT_NOTE", 3, -330)
    stale = gql(CORRECT, {"input": {"id": issued["id"], "reason": "x"}})["data"]["invoiceCorrect"]
    assert stale["errors"][0]["code"] == "invoice_not_current"
    assert stale["invoice"] is None


def test_a_correction_naming_an_unknown_order_is_refused_and_writes_nothing(gql, orders, gid):
    issued = _issued(gql, orders)
    unknown = gid("Order", "alpha", 999_999)
    lines = [
        {"description": "既知", "transactionDate": "2023-06-20", "amount": 100, "orderId": o}
        for o in orders[1]
    ]
    lines.insert(1, {**lines[0], "description": "不明", "orderId": unknown})
    body = gql(CORRECT, {"input": {"id": issued["id"], "reason": "訂正", "lines": lines}})
    payload = body["data"]["invoiceCorrect"]
    assert payload["invoice"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("lines.1.orderId", "order_not_found")
    ]
    current = gql("query ($id: ID!) { invoice(id: $id) { status version } }", {"id": issued["id"]})
    assert current["data"]["invoice"] == {"status": "ISSUED", "version": 1}


def test_send_via_stripe(gql, orders, settings):
    settings.STRIPE_API_KEY = "sk_test_fake"
    fake = FakeStripe()
    use_http_client(fake)
    try:
        issued = _issued(gql, orders)
        body = gql(SEND, {"input": {"id": issued["id"]}})
        payload = body["data"]["invoiceSendViaStripe"]
        assert payload["errors"] == []
        assert payload["invoice"]["stripeStatus"] == "open"
        assert sum(int(s.form["amount"]) for s in fake.posts("^/v1/invoiceitems$")) == 346
        again = gql(SEND, {"input": {"id": issued["id"]}})["data"]["invoiceSendViaStripe"]
        assert again["errors"][0]["code"] == "already_sent"
    finally:
        use_http_client(None)


def test_without_stripe_configured_the_mutation_says_so(gql, orders, settings):
    settings.STRIPE_API_KEY = ""
    issued = _issued(gql, orders)
    payload = gql(SEND, {"input": {"id": issued["id"]}})["data"]["invoiceSendViaStripe"]
    assert payload["errors"][0]["code"] == "stripe_not_configured"


def test_only_region_admins_and_only_their_region(gql, orders, fed):
    issued = _issued(gql, orders)
    for query, variables in [
        (SEARCH, {}),
        ("query ($id: ID!) { invoice(id: $id) { number } }", {"id": issued["id"]}),
    ]:
        body = gql(query, variables, user="alpha_staff")
        assert body["errors"][0]["extensions"]["code"] == "permission_denied"
    staff = gql(
        CREATE, {"input": {"clientId": orders[0], "orderIds": orders[1]}}, user="alpha_staff"
    )
    assert staff["errors"][0]["extensions"]["code"] == "permission_denied"
    other = gql(
        "query ($id: ID!) { invoice(id: $id) { number } }",
        {"id": issued["id"]},
        user="beta_admin",
        region=fed.beta,
    )
    assert other["errors"][0]["extensions"]["code"] == "not_found"
    beta_list = gql(SEARCH, {}, user="beta_admin", region=fed.beta)
    assert all(
        edge["node"]["clientName"] != "株式会社グラフ商事"
        for edge in beta_list["data"]["invoices"]["edges"]
    )


HUB_MONEY = """{ report(fiscalYear: 2023) {
  billed collected paidOut byRegion { region { code } billed collected paidOut }
} }"""


def _hub_money(gql, fed):
    body = gql(HUB_MONEY, user="leader", region=fed.hub)
    assert "errors" not in body, body
    report = body["data"]["report"]
    for kind in ("billed", "collected", "paidOut"):
        assert report[kind] == sum(row[kind] for row in report["byRegion"]), kind
    return report, {row["region"]["code"]: row for row in report["byRegion"]}


def test_an_issued_invoice_reaches_the_hub_report_as_billed(gql, orders, fed):
    before, before_regions = _hub_money(gql, fed)
    invoice = _issued(gql, orders)
    after, after_regions = _hub_money(gql, fed)

    assert invoice["total"] == 346
    assert after_regions["alpha"]["billed"] - before_regions["alpha"]["billed"] == 346
    assert after["billed"] - before["billed"] == 346
    assert after_regions["alpha"]["collected"] == before_regions["alpha"]["collected"]
    assert after_regions["beta"] == before_regions["beta"]
    body = gql(HUB_MONEY, user="coordinator", region=fed.hub)
    assert body["data"] is None or body["data"]["report"] is None
    assert body["errors"]
