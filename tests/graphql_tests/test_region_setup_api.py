"""Setting a region up to pay and to record skills, through the region API over real HTTP:
the remitter details, a worker's bank account, withholding by category, skills, the
response to an accommodation request and deliverable pay. Each refusal (bad input,
staff, another region's IDs) is typed and writes nothing; then a region whose Zengin
export failed for want of the remitter and the bank account pays through the API alone.

Writes through HTTP are committed in the session's test database: each test names its
rows uniquely, and the region-wide settings it changes (remitter, withholding) are put
back as they were, so region alpha stays as other tests expect it. Two tests post to the
same /graphql endpoint through Django's test client instead, inside the test's
transaction: the end-to-end one (a transfer file cannot be undone, and the federation's
figures count it) and the accommodation response (other tests count every such audit
entry of the database)."""

from __future__ import annotations

import base64
import datetime

import pytest

from kado_platform.audit.models import AuditEntry
from kado_tenants.payouts import zengin
from kado_tenants.payouts.models import BankAccount, DeliverablePay, WithholdingCategory
from kado_tenants.workforce.models import Skill

ERRORS = "errors { field message code }"
SETTINGS_FIELDS = (
    "principalName remitterCode remitterNameKana bankCode branchCode accountType "
    "accountNumber recordSeparator paymentMonthOffset paymentDay paymentMethod"
)
MUTATIONS = {
    "payoutSettingsUpdate": ("PayoutSettingsUpdateInput", f"settings {{ {SETTINGS_FIELDS} }}"),
    "bankAccountSet": (
        "BankAccountSetInput",
        "bankAccount { workerId bankCode branchCode accountType accountNumber holderKana }",
    ),
    "withholdingCategorySet": (
        "WithholdingCategorySetInput",
        "withholdingCategory { category withholds note }",
    ),
    "skillCreate": ("SkillCreateInput", "skill { code name nameEn }"),
    "accommodationRequestRespond": (
        "AccommodationRequestRespondInput",
        "request { id response respondedOn }",
    ),
    "deliverablePayRecord": (
        "DeliverablePayRecordInput",
        "deliverablePay { id assignmentId description quantity unitPrice amount receivedOn }",
    ),
    "accommodationRequestRecord": ("AccommodationRequestRecordInput", "request { id }"),
    "workerCreate": ("WorkerCreateInput", "worker { id skills { code } }"),
    "workerChangeStatus": ("WorkerChangeStatusInput", "worker { id }"),
    "clientCreate": ("ClientCreateInput", "client { id }"),
    "orderCreate": ("OrderCreateInput", "order { id }"),
    "orderTransition": ("OrderTransitionInput", "order { id }"),
    "assignmentCreate": ("AssignmentCreateInput", "assignment { id }"),
    "workLogRecord": ("WorkLogRecordInput", "workLog { id }"),
    "workLogApprove": ("WorkLogApproveInput", "workLog { id }"),
    "payoutStatementsGenerate": (
        "PayoutStatementsGenerateInput",
        "statements { id workerId fee consumptionTax withholdingBase withholdingTax netAmount }",
    ),
    "payoutStatementApprove": ("PayoutStatementApproveInput", "statement { id status }"),
    "zenginExport": (
        "ZenginExportInput",
        "fileBase64 filename count total lateStatementIds",
    ),
}
SETTINGS = f"{{ payoutSettings {{ {SETTINGS_FIELDS} remitterComplete }} }}"
BANK_ACCOUNT = """query($w: ID!) { bankAccount(workerId: $w) {
  bankCode branchCode accountType accountNumber holderKana } }"""
WITHHOLDING = "{ withholdingCategories { category withholds note } }"
# A category no other test sets withholding for; put back to "no withholding" afterwards.
CATEGORY = "FURUSATO_TAX"
WORK_MONTH = "2019-02-01"  # a month no other test works in


def document(name: str) -> str:
    input_type, payload = MUTATIONS[name]
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {payload} {ERRORS} }} }}"


@pytest.fixture
def api(graphql_http, fed):
    """`api(query, variables, as_user=..., region=...)` → the response body (HTTP 200)."""

    def _call(query, variables=None, *, as_user="alpha_admin", region=None):
        response = graphql_http(
            region or fed.alpha, query, as_user=as_user, variables=variables or {}
        )
        assert response.status_code == 200, response.text
        return response.json()

    return _call


@pytest.fixture
def mutate(api):
    """`mutate(name, input, as_user=...)` → the payload, typed errors inside."""

    def _mutate(name, values, *, as_user="alpha_admin", region=None):
        body = api(document(name), {"input": values}, as_user=as_user, region=region)
        assert "errors" not in body, body
        return body["data"][name]

    return _mutate


@pytest.fixture
def denied(api, codes):
    """Assert that a user may not call a mutation: a top-level permission error, no data."""

    def _denied(name, values, *, as_user, region=None, code="permission_denied"):
        body = api(document(name), {"input": values}, as_user=as_user, region=region)
        assert codes(body) == [code], body
        assert body["data"][name] is None

    return _denied


@pytest.fixture
def foreign_token_refused(graphql_http, fed):
    """Assert that another region's admin token is refused on alpha's host (HTTP 401)."""

    def _refused(name, values):
        response = graphql_http(
            fed.alpha, document(name), as_user="beta_admin", variables={"input": values}
        )
        assert response.status_code == 401, response.text
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["unauthenticated"]

    return _refused


def done(payload):
    assert payload["errors"] == [], payload["errors"]
    return payload


def refusals(payload) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


def audited(in_region, fed, action: str) -> int:
    """How many audit entries of `action` region alpha has (committed by the server)."""
    with in_region(fed.alpha):
        return AuditEntry.objects.filter(action=action, region_code="alpha").count()


@pytest.fixture
def alpha_settings(api):
    """Region alpha's payout settings as they were; put back after the test."""
    before = api(SETTINGS)["data"]["payoutSettings"]
    yield before
    restore = {key: value for key, value in before.items() if key != "remitterComplete"}
    restored = api(document("payoutSettingsUpdate"), {"input": restore})
    assert restored["data"]["payoutSettingsUpdate"]["errors"] == [], restored


@pytest.fixture
def alpha_withholding(api):
    """Withholding for CATEGORY put back to none after the test."""
    yield
    api(
        document("withholdingCategorySet"),
        {"input": {"category": CATEGORY, "withholds": False, "note": ""}},
    )


def new_worker(mutate, name, *, skill_codes=(), active=False):
    values = {
        "name": name,
        "nameKana": "ヤマダ ハナコ",
        "hourlyRate": 1500,
        "joinedOn": "2019-01-07",
        "skillCodes": list(skill_codes),
    }
    worker = done(mutate("workerCreate", values))["worker"]
    if active:
        for status, day in (("TRAINING", "2019-01-08"), ("ACTIVE", "2019-01-09")):
            done(
                mutate(
                    "workerChangeStatus", {"id": worker["id"], "status": status, "changedOn": day}
                )
            )
    return worker


def assignment_of(mutate, tag, worker, terms):
    client = done(mutate("clientCreate", {"name": tag, "kind": "MUNICIPALITY"}))["client"]
    order = done(
        mutate(
            "orderCreate",
            {"clientId": client["id"], "title": tag, "estimatedMinutes": 600, **terms},
        )
    )["order"]
    done(
        mutate(
            "orderTransition",
            {"id": order["id"], "toStatus": "IN_PROGRESS", "onDate": terms["receivedOn"]},
        )
    )
    return done(
        mutate(
            "assignmentCreate",
            {"orderId": order["id"], "workerId": worker["id"], "assignedOn": terms["receivedOn"]},
        )
    )["assignment"]


# --- payout settings -------------------------------------------------------------------


REMITTER = {
    "principalName": "一般財団法人 カド振興公社",
    "remitterCode": "1234567890",
    "remitterNameKana": "カド シンコウ",
    "bankCode": "0001",
    "branchCode": "001",
    "accountType": "CURRENT",
    "accountNumber": "12345",
}


def test_payout_settings_update_refusals_write_nothing(
    api, mutate, denied, foreign_token_refused, alpha_settings, in_region, fed
):
    before_audit = audited(in_region, fed, "payout_settings.update")
    cases = [
        ({**REMITTER, "remitterCode": "12345"}, ("remitterCode", "remitter_code_format")),
        ({**REMITTER, "remitterNameKana": "角振興"}, ("remitterNameKana", "kana_invalid")),
        ({**REMITTER, "bankCode": "9999"}, ("bankCode", "bank_unknown")),
        ({**REMITTER, "branchCode": "999"}, ("bankCode", "branch_unknown")),
        ({**REMITTER, "accountNumber": "12345678"}, ("accountNumber", "account_number_format")),
        ({"paymentDay": 32}, ("paymentDay", "max_value")),
    ]
    for values, refusal in cases:
        assert refusals(mutate("payoutSettingsUpdate", values)) == [refusal], values
    denied("payoutSettingsUpdate", REMITTER, as_user="alpha_staff")
    foreign_token_refused("payoutSettingsUpdate", REMITTER)
    assert api(SETTINGS)["data"]["payoutSettings"] == alpha_settings
    assert audited(in_region, fed, "payout_settings.update") == before_audit
    staff_read = api(SETTINGS, as_user="alpha_staff")
    assert staff_read["data"] is None
    assert staff_read["errors"][0]["extensions"]["code"] == "permission_denied"


def test_payout_settings_update_saves_and_reads_back(api, mutate, alpha_settings, in_region, fed):
    before_audit = audited(in_region, fed, "payout_settings.update")
    saved = done(
        mutate("payoutSettingsUpdate", {**REMITTER, "paymentMonthOffset": 1, "paymentDay": 25})
    )["settings"]
    expected = {
        "principalName": "一般財団法人 カド振興公社",
        "remitterCode": "1234567890",
        "remitterNameKana": "ｶﾄﾞ ｼﾝｺｳ",  # half-width, as the Zengin file writes it
        "bankCode": "0001",
        "branchCode": "001",
        "accountType": "CURRENT",
        "accountNumber": "0012345",  # zero-padded to 7 digits
        "recordSeparator": alpha_settings["recordSeparator"],
        "paymentMonthOffset": 1,
        "paymentDay": 25,
        "paymentMethod": alpha_settings["paymentMethod"],
    }
    assert saved == expected
    assert api(SETTINGS)["data"]["payoutSettings"] == {**expected, "remitterComplete": True}
    assert audited(in_region, fed, "payout_settings.update") == before_audit + 1
    # Only the fields given change.
    again = done(mutate("payoutSettingsUpdate", {"principalName": "カド公社"}))["settings"]
    assert again == {**expected, "principalName": "カド公社"}


# --- a worker's bank account -------------------------------------------------------------


ACCOUNT = {
    "bankCode": "0009",
    "branchCode": "001",
    "accountType": "SAVINGS",
    "accountNumber": "12345",
    "holderKana": "ヤマダ ハナコ",
}


def test_bank_account_set_refusals_write_nothing(api, mutate, denied, unique, gid, in_region, fed):
    worker = new_worker(mutate, unique("口座"))
    before_audit = audited(in_region, fed, "bank_account.set")
    cases = [
        ({"bankCode": "12"}, ("bankCode", "bank_code_format")),
        ({"bankCode": "9999"}, ("bankCode", "bank_unknown")),
        ({"branchCode": "999"}, ("bankCode", "branch_unknown")),
        ({"accountNumber": "12a"}, ("accountNumber", "account_number_format")),
        ({"holderKana": "山田花子"}, ("holderKana", "kana_invalid")),
        ({"holderKana": "  "}, ("holderKana", "kana_required")),
    ]
    for change, refusal in cases:
        values = {"workerId": worker["id"], **ACCOUNT, **change}
        assert refusals(mutate("bankAccountSet", values)) == [refusal], change
    missing = mutate("bankAccountSet", {"workerId": gid("Worker", "alpha", 999_999_999), **ACCOUNT})
    assert refusals(missing) == [("workerId", "not_found")]
    values = {"workerId": worker["id"], **ACCOUNT}
    denied("bankAccountSet", values, as_user="alpha_staff")
    # Region beta's admin, on beta's host, names alpha's worker: not found there.
    other = mutate("bankAccountSet", values, as_user="beta_admin", region=fed.beta)
    assert refusals(other) == [("workerId", "not_found")]
    assert api(BANK_ACCOUNT, {"w": worker["id"]})["data"]["bankAccount"] is None
    assert audited(in_region, fed, "bank_account.set") == before_audit
    pk = int(base64.b64decode(worker["id"]).decode().rsplit(":", 1)[1])
    with in_region(fed.alpha):
        assert not BankAccount.objects.filter(worker_id=pk).exists()


def test_bank_account_set_records_and_replaces(api, mutate, unique, in_region, fed):
    worker = new_worker(mutate, unique("口座"))
    saved = done(mutate("bankAccountSet", {"workerId": worker["id"], **ACCOUNT}))["bankAccount"]
    assert saved == {
        "workerId": worker["id"],
        "bankCode": "0009",
        "branchCode": "001",
        "accountType": "SAVINGS",
        "accountNumber": "0012345",
        "holderKana": "ﾔﾏﾀﾞ ﾊﾅｺ",
    }
    replaced = done(
        mutate(
            "bankAccountSet",
            {
                "workerId": worker["id"],
                "bankCode": "0001",
                "branchCode": "001",
                "accountNumber": "7654321",
                "holderKana": "やまだ はなこ",
            },
        )
    )["bankAccount"]
    assert replaced["accountType"] == "ORDINARY"  # the default
    assert api(BANK_ACCOUNT, {"w": worker["id"]})["data"]["bankAccount"] == {
        "bankCode": "0001",
        "branchCode": "001",
        "accountType": "ORDINARY",
        "accountNumber": "7654321",
        "holderKana": "ﾔﾏﾀﾞ ﾊﾅｺ",
    }
    pk = int(base64.b64decode(worker["id"]).decode().rsplit(":", 1)[1])
    with in_region(fed.alpha):
        assert BankAccount.objects.filter(worker_id=pk).count() == 1
    staff_read = api(BANK_ACCOUNT, {"w": worker["id"]}, as_user="alpha_staff")
    assert staff_read["errors"][0]["extensions"]["code"] == "permission_denied"


# --- withholding by category ---------------------------------------------------------------


def test_withholding_category_set(api, mutate, denied, alpha_withholding, in_region, fed):
    denied(
        "withholdingCategorySet", {"category": CATEGORY, "withholds": True}, as_user="alpha_staff"
    )
    listed = api(WITHHOLDING)["data"]["withholdingCategories"]
    assert not any(row["category"] == CATEGORY and row["withholds"] for row in listed)

    note = "所得税法第204条第1項第1号"
    saved = done(
        mutate("withholdingCategorySet", {"category": CATEGORY, "withholds": True, "note": note})
    )["withholdingCategory"]
    assert saved == {"category": CATEGORY, "withholds": True, "note": note}
    listed = api(WITHHOLDING)["data"]["withholdingCategories"]
    assert [row for row in listed if row["category"] == CATEGORY] == [saved]

    # A refused change leaves the row as it was.
    too_long = mutate(
        "withholdingCategorySet", {"category": CATEGORY, "withholds": False, "note": "x" * 201}
    )
    assert refusals(too_long) == [("note", "max_length")]
    with in_region(fed.alpha):
        row = WithholdingCategory.objects.get(category="furusato_tax")
        assert (row.withholds, row.note) == (True, note)


# --- skills ------------------------------------------------------------------------------


def test_skill_create_lets_workers_be_registered_with_it(mutate, denied, unique, in_region, fed):
    code = unique("skill").lower()
    before = mutate("workerCreate", {**_worker_values(unique("技能")), "skillCodes": [code]})
    assert refusals(before) == [("skillCodes", "skill_unknown")]

    skill = {"code": code, "name": "ふるさと納税事務", "nameEn": "Hometown-tax clerical work"}
    denied("skillCreate", skill, as_user="alpha_staff")
    for change, refusal in (
        ({"code": "no spaces"}, ("code", "invalid")),
        ({"name": ""}, ("name", "blank")),
        ({"nameEn": "x" * 101}, ("nameEn", "max_length")),
    ):
        assert refusals(mutate("skillCreate", {**skill, **change})) == [refusal], change
    with in_region(fed.alpha):
        assert not Skill.objects.filter(code__in=[code, "no spaces"]).exists()

    assert done(mutate("skillCreate", skill))["skill"] == skill
    taken = mutate("skillCreate", {**skill, "name": "別名"})
    assert refusals(taken) == [("code", "skill_code_taken")]
    with in_region(fed.alpha):
        assert list(Skill.objects.filter(code=code).values_list("name", flat=True)) == [
            "ふるさと納税事務"
        ]
    worker = new_worker(mutate, unique("技能"), skill_codes=[code])
    assert worker["skills"] == [{"code": code}]


def _worker_values(name):
    return {"name": name, "nameKana": "ヤマダ", "hourlyRate": 1000, "joinedOn": "2019-01-07"}


# --- deliverable pay ----------------------------------------------------------------------


def test_deliverable_pay_record(mutate, denied, unique, in_region, fed):
    tag = unique("成果物")
    worker = new_worker(mutate, tag, active=True)
    terms = {
        "category": "DATA_ENTRY",
        "unitPrice": 800,
        "quantity": 50,
        "receivedOn": "2019-02-01",
        "dueOn": "2019-02-28",
    }
    per_unit = assignment_of(mutate, tag, worker, {**terms, "contractType": "PER_DELIVERABLE"})
    hourly = assignment_of(
        mutate, f"{tag}時間", worker, {**terms, "contractType": "HOURLY", "quantity": None}
    )
    pay = {
        "assignmentId": per_unit["id"],
        "description": "入力済み帳票",
        "quantity": 30,
        "unitPrice": 800,
        "receivedOn": "2019-02-20",
    }
    for change, refusal in (
        ({"quantity": 0}, ("quantity", "min_value")),
        ({"receivedOn": "2019-01-31"}, ("receivedOn", "received_on_range")),
        ({"assignmentId": hourly["id"]}, ("assignmentId", "order_not_per_deliverable")),
    ):
        assert refusals(mutate("deliverablePayRecord", {**pay, **change})) == [refusal], change
    denied("deliverablePayRecord", pay, as_user="alpha_staff")
    other = mutate("deliverablePayRecord", pay, as_user="beta_admin", region=fed.beta)
    assert refusals(other) == [("assignmentId", "not_found")]
    pk = int(base64.b64decode(per_unit["id"]).decode().rsplit(":", 1)[1])
    with in_region(fed.alpha):
        assert not DeliverablePay.objects.filter(assignment_id=pk).exists()

    recorded = done(mutate("deliverablePayRecord", pay))["deliverablePay"]
    assert {key: value for key, value in recorded.items() if key != "id"} == {
        "assignmentId": per_unit["id"],
        "description": "入力済み帳票",
        "quantity": 30,
        "unitPrice": 800,
        "amount": 24_000,
        "receivedOn": "2019-02-20",
    }
    with in_region(fed.alpha):
        assert DeliverablePay.objects.filter(assignment_id=pk).count() == 1


# --- the point: a region that could not pay now pays ------------------------------------
#
# A Zengin export that succeeds leaves a transfer file, which the federation's figures
# count and nothing may delete; so this test posts to the same /graphql endpoint through
# Django's test client, inside the test's transaction, and leaves nothing behind.


@pytest.fixture
def in_process(web, fed):
    """`in_process(name, input, as_user=..., region=...)` → the payload, posted to /graphql
    through Django's test client; `.body(...)` the whole answer; `.read(query, variables)`
    a query's data."""

    def _body_of(query, variables, as_user, region):
        response = web(region or fed.alpha).post(
            "/graphql",
            {"query": query, "variables": variables},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {fed.token(as_user)}",
        )
        assert response.status_code == 200, response.content
        return response.json()

    def _post(name, values, *, as_user="alpha_admin", region=None):
        body = _body_of(document(name), {"input": values}, as_user, region)
        assert "errors" not in body, body
        return body["data"][name]

    _post.body = lambda name, values, *, as_user="alpha_admin", region=None: _body_of(
        document(name), {"input": values}, as_user, region
    )
    _post.read = lambda query, variables=None: _body_of(query, variables or {}, "alpha_admin", None)
    return _post


def test_a_region_set_up_through_the_api_pays_by_zengin(in_process, unique):
    post = in_process
    # Start as a new region does: no remitter details, no withholding.
    blank = {
        field: ""
        for field in ("remitterCode", "remitterNameKana", "bankCode", "branchCode", "accountNumber")
    }
    done(post("payoutSettingsUpdate", blank))
    done(post("withholdingCategorySet", {"category": CATEGORY, "withholds": True}))

    tag = unique("振込")
    worker = new_worker(post, tag, active=True)
    assignment = assignment_of(
        post,
        tag,
        worker,
        {
            "category": CATEGORY,
            "contractType": "HOURLY",
            "unitPrice": 1500,
            "receivedOn": "2019-02-01",
            "dueOn": "2019-02-28",
        },
    )
    log = done(
        post(
            "workLogRecord",
            {"assignmentId": assignment["id"], "workDate": "2019-02-14", "minutes": 90},
        )
    )["workLog"]
    done(post("workLogApprove", {"id": log["id"]}))
    made = done(post("payoutStatementsGenerate", {"month": WORK_MONTH}))["statements"]
    [statement] = [s for s in made if s["workerId"] == worker["id"]]
    # 1,500 yen an hour for 90 minutes; 10.21% withheld (2,250 × 1021 // 10000 = 229).
    assert {key: value for key, value in statement.items() if key not in ("id", "workerId")} == {
        "fee": 2250,
        "consumptionTax": 0,
        "withholdingBase": 2250,
        "withholdingTax": 229,
        "netAmount": 2021,
    }
    done(post("payoutStatementApprove", {"id": statement["id"]}))

    transfer_date = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    export = {"statementIds": [statement["id"]], "transferDate": transfer_date}
    assert refusals(post("zenginExport", export)) == [("settings", "remitter_incomplete")]
    done(post("payoutSettingsUpdate", REMITTER))
    assert refusals(post("zenginExport", export)) == [("statementIds", "bank_account_missing")]
    done(post("bankAccountSet", {"workerId": worker["id"], **ACCOUNT}))

    exported = done(post("zenginExport", export))
    assert (exported["count"], exported["total"]) == (1, 2021)
    assert exported["lateStatementIds"] == [statement["id"]]  # 2019's work is long overdue
    parsed = zengin.parse_file(base64.b64decode(exported["fileBase64"]))
    assert parsed.header["remitter_code"] == "1234567890"
    assert parsed.header["remitter_name"].rstrip() == "ｶﾄﾞ ｼﾝｺｳ"
    assert parsed.header["bank_code"] == "0001" and parsed.header["branch_code"] == "001"
    assert parsed.header["account_number"] == "0012345"
    [row] = parsed.data
    assert (row["bank_code"], row["branch_code"], row["account_number"]) == (
        "0009",
        "001",
        "0012345",
    )
    assert row["payee_name"] == "ﾔﾏﾀﾞ ﾊﾅｺ" and int(row["amount"]) == 2021
    assert int(parsed.trailer["total"]) == 2021


# --- the response to an accommodation request --------------------------------------------


# Other tests count every accommodation-request audit entry of the database, so this one
# runs in the test's transaction too (see `in_process` below) and leaves none behind.
RESPOND_READ = """query($w: ID!) { accommodationRequests(first: 5,
  filter: {workerId: $w, awaitingResponse: true}) { totalCount } }"""


def test_accommodation_request_respond(in_process, unique, gid, fed):
    mutate, api = in_process, in_process.read
    worker = new_worker(mutate, unique("配慮"))
    request = done(
        mutate(
            "accommodationRequestRecord",
            {
                "workerId": worker["id"],
                "requestedOn": "2019-03-01",
                "kind": "CARE",
                "content": "通院付き添いのため火曜午後は不可",
            },
        )
    )["request"]
    before_audit = AuditEntry.objects.filter(action="accommodation_request.respond").count()
    answer = {"id": request["id"], "response": "火曜午後の割当を外す", "respondedOn": "2019-03-04"}
    for change, refusal in (
        ({"respondedOn": "2019-02-28"}, ("respondedOn", "responded_before_request")),
        ({"response": "  "}, ("response", "response_required")),
        ({"id": gid("AccommodationRequest", "alpha", 999_999_999)}, ("id", "not_found")),
    ):
        assert refusals(mutate("accommodationRequestRespond", {**answer, **change})) == [refusal]
    staff = in_process.body("accommodationRequestRespond", answer, as_user="alpha_staff")
    assert staff["data"]["accommodationRequestRespond"] is None
    assert staff["errors"][0]["extensions"]["code"] == "permission_denied"
    other = in_process("accommodationRequestRespond", answer, as_user="beta_admin", region=fed.beta)
    assert refusals(other) == [("id", "not_found")]
    assert api(RESPOND_READ, {"w": worker["id"]})["data"]["accommodationRequests"] == {
        "totalCount": 1
    }
    assert AuditEntry.objects.filter(action="accommodation_request.respond").count() == before_audit

    answered = done(mutate("accommodationRequestRespond", answer))["request"]
    assert answered == {
        "id": request["id"],
        "response": "火曜午後の割当を外す",
        "respondedOn": "2019-03-04",
    }
    assert api(RESPOND_READ, {"w": worker["id"]})["data"]["accommodationRequests"] == {
        "totalCount": 0
    }
    twice = mutate("accommodationRequestRespond", {**answer, "response": "別の回答"})
    assert refusals(twice) == [("response", "already_responded")]
    assert (
        AuditEntry.objects.filter(action="accommodation_request.respond").count()
        == before_audit + 1
    )
