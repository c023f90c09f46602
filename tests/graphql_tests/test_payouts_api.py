"""The payout API on a region host: region admins list, generate and approve statements,
export a Zengin file (base64, with its totals), issue 3条通知 and record accommodation
requests; staff and other regions are refused."""

from __future__ import annotations

import base64
import datetime

import pytest

from kado_tenants.orders.services import worklog_approve, worklog_record
from kado_tenants.payouts import zengin
from kado_tenants.payouts.services import bank_account_set, payout_settings_update

ERRORS = "errors { field message code }"


@pytest.fixture
def post(web, fed):
    def _post(query, variables=None, *, as_user="alpha_admin", region=None):
        client = web(region or fed.alpha)
        response = client.post(
            "/graphql",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {fed.token(as_user)}",
        )
        return response.json()

    return _post


@pytest.fixture
def month_of_work(fed, in_region, maker):
    """Two workers with approved May 2023 work and bank accounts in region alpha."""
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        make = maker(acting_user=admin)
        payout_settings_update(
            remitter_code="1234567890",
            remitter_name_kana="アルファシシンコウコウシャ",
            bank_code="0001",
            branch_code="001",
            account_number="1234567",
        )
        workers = []
        for minutes, kana in ((600, "ヤマダ ハナコ"), (125, "ガッコウ タロウ")):
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
                holder_kana=kana,
            )
            workers.append(worker)
        yield {"workers": workers, "make": make}


GENERATE = f"""mutation($m: Date!) {{ payoutStatementsGenerate(input: {{month: $m}}) {{
  statements {{ id workerId status fee netAmount dueOn paymentDeadline risk
                lines {{ kind minutes amount orderReference }} }}
  {ERRORS} }} }}"""
APPROVE = f"""mutation($id: ID!) {{ payoutStatementApprove(input: {{id: $id}}) {{
  statement {{ id status approvedAt }} {ERRORS} }} }}"""
EXPORT = f"""mutation($ids: [ID!]!, $d: Date!) {{
  zenginExport(input: {{statementIds: $ids, transferDate: $d}}) {{
    fileBase64 filename count total lateStatementIds {ERRORS} }} }}"""
LIST = """query($f: PayoutStatementFilter) { payoutStatements(first: 10, filter: $f) {
  totalCount edges { node { id status netAmount transferDate } } } }"""


def test_generate_approve_list_and_export(post, month_of_work):
    made = post(GENERATE, {"m": "2023-05-20"})["data"]["payoutStatementsGenerate"]
    assert made["errors"] == []
    statements = made["statements"]
    assert [s["netAmount"] for s in statements] == [12_000, 2_500]
    assert statements[0]["lines"][0]["minutes"] == 600
    assert {s["status"] for s in statements} == {"DRAFT"}

    ids = [s["id"] for s in statements]
    for statement_id in ids:
        approved = post(APPROVE, {"id": statement_id})["data"]["payoutStatementApprove"]
        assert approved["errors"] == [] and approved["statement"]["status"] == "APPROVED"
    again = post(APPROVE, {"id": ids[0]})["data"]["payoutStatementApprove"]
    assert again["errors"][0]["code"] == "statement_already_approved"
    assert again["errors"][0]["field"] == "id"

    listed = post(LIST, {"f": {"month": "2023-05-01", "status": "APPROVED"}})["data"]
    assert listed["payoutStatements"]["totalCount"] == 2
    by_worker = post(LIST, {"f": {"workerId": statements[1]["workerId"]}})["data"]
    assert [e["node"]["id"] for e in by_worker["payoutStatements"]["edges"]] == [ids[1]]

    transfer_date = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    exported = post(EXPORT, {"ids": ids, "d": transfer_date})["data"]["zenginExport"]
    assert exported["errors"] == []
    assert (exported["count"], exported["total"]) == (2, 14_500)
    assert exported["lateStatementIds"] == ids  # 2023's work paid today is past 60 days
    content = base64.b64decode(exported["fileBase64"])
    parsed = zengin.parse_file(content)
    assert int(parsed.trailer["total"]) == 14_500
    assert [row["payee_name"] for row in parsed.data] == ["ﾔﾏﾀﾞ ﾊﾅｺ", "ｶﾞﾂｺｳ ﾀﾛｳ"]

    twice = post(EXPORT, {"ids": ids[:1], "d": transfer_date})["data"]["zenginExport"]
    assert twice["errors"][0]["code"] == "statement_already_transferred"
    assert twice["fileBase64"] is None

    one = post(
        "query($id: ID!) { payoutStatement(id: $id) { id transferDate risk fee } }",
        {"id": ids[0]},
    )["data"]["payoutStatement"]
    assert one["transferDate"] == transfer_date and one["risk"] == "TRANSFERRED_LATE"


def test_staff_and_other_regions_are_refused(post, month_of_work, fed):
    denied = post(LIST, as_user="alpha_staff")
    assert denied["errors"][0]["extensions"]["code"] == "permission_denied"
    denied = post(GENERATE, {"m": "2023-05-01"}, as_user="alpha_staff")
    assert denied["errors"][0]["extensions"]["code"] == "permission_denied"

    made = post(GENERATE, {"m": "2023-05-01"})["data"]["payoutStatementsGenerate"]["statements"]
    other = post(
        "query($id: ID!) { payoutStatement(id: $id) { id } }",
        {"id": made[0]["id"]},
        as_user="beta_admin",
        region=fed.beta,
    )
    assert other["errors"][0]["extensions"]["code"] == "not_found"


def test_commission_notice_and_accommodation_request(post, fed, in_region, maker):
    with in_region(fed.alpha):
        make = maker(acting_user=fed.user("alpha_admin"))
        assignment = make.assignment()
        worker_id = base64.b64encode(f"Worker:alpha:{assignment.worker_id}".encode()).decode()
    assignment_id = base64.b64encode(f"Assignment:alpha:{assignment.pk}".encode()).decode()
    issue = f"""mutation($a: ID!, $p: Date) {{ commissionNoticeIssue(input: {{
        assignmentId: $a, deliveryOn: "2023-06-30", paymentDueOn: $p}}) {{
        notice {{ id paymentDueOn amountComputation body }} {ERRORS} }} }}"""
    refused = post(issue, {"a": assignment_id, "p": "2023-08-29"})["data"]["commissionNoticeIssue"]
    assert refused["errors"][0]["code"] == "payment_after_60_days"
    assert refused["errors"][0]["field"] == "paymentDueOn"
    issued = post(issue, {"a": assignment_id, "p": "2023-07-31"})["data"]["commissionNoticeIssue"]
    assert issued["errors"] == [] and issued["notice"]["paymentDueOn"] == "2023-07-31"
    assert "時間単価" in issued["notice"]["amountComputation"]

    record = f"""mutation($w: ID!) {{ accommodationRequestRecord(input: {{workerId: $w,
        requestedOn: "2023-12-01", kind: CHILDCARE, content: "お迎えのため17時まで",
        response: "16時までの稼働に調整", respondedOn: "2023-12-04"}}) {{
        request {{ id kind continuous respondedOn }} {ERRORS} }} }}"""
    recorded = post(record, {"w": worker_id})["data"]["accommodationRequestRecord"]
    assert recorded["errors"] == []
    assert recorded["request"]["kind"] == "CHILDCARE" and recorded["request"]["continuous"]


@pytest.mark.parametrize(
    ("list_field", "filter_type"),
    [
        ("payoutStatements", "PayoutStatementFilter"),
        ("accommodationRequests", "AccommodationRequestFilter"),
        ("relationshipEnds", "RelationshipEndFilter"),
    ],
)
def test_an_empty_worker_id_is_a_bad_id_not_no_filter(post, list_field, filter_type):
    """An empty workerId is refused naming the filter, as on workLogs; it never lists every
    worker's rows."""
    body = post(
        f"query($f: {filter_type}) {{ {list_field}(first: 10, filter: $f) {{ totalCount }} }}",
        {"f": {"workerId": ""}},
    )
    assert body["data"] is None or body["data"][list_field] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "bad_input"
    assert error["extensions"]["field"] == "filter.workerId"
