"""Correcting and withdrawing work logs through the region API over real HTTP: region
staff may correct their region's unapproved logs; an approved log, a bad value and
another region's ID are refused as typed errors, and a refusal writes nothing.

Writes through HTTP are committed in the session's test database: each test makes its own
worker, client and order with unique names, and works in July 2018, a month no other test
logs work in."""

from __future__ import annotations

import base64
import datetime

import pytest

from kado_platform.audit.models import AuditEntry
from kado_platform.federation.models import OrderIndexEntry
from kado_tenants.orders.models import WorkLog

ERRORS = "errors { field message code }"
LOG = "workLog { id workDate minutes note approved }"
MUTATIONS = {
    "workerCreate": ("WorkerCreateInput", "worker { id }"),
    "workerChangeStatus": ("WorkerChangeStatusInput", "worker { id }"),
    "clientCreate": ("ClientCreateInput", "client { id }"),
    "orderCreate": ("OrderCreateInput", "order { id }"),
    "orderTransition": ("OrderTransitionInput", "order { id }"),
    "assignmentCreate": ("AssignmentCreateInput", "assignment { id }"),
    "workLogRecord": ("WorkLogRecordInput", LOG),
    "workLogApprove": ("WorkLogApproveInput", LOG),
    "workLogUpdate": ("WorkLogUpdateInput", LOG),
    "workLogWithdraw": (
        "WorkLogWithdrawInput",
        "withdrawnId order { id progress { loggedMinutes estimatedMinutes } }",
    ),
}
ORDER_PROGRESS = "query($id: ID!) { order(id: $id) { progress { loggedMinutes } } }"


def document(name: str) -> str:
    input_type, payload = MUTATIONS[name]
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {payload} {ERRORS} }} }}"


def pk_of(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().rsplit(":", 1)[1])


def done(payload):
    assert payload["errors"] == [], payload["errors"]
    return payload


def refusals(payload) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


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
def logged(mutate, unique):
    """A fresh worker on a fresh hourly order (600 minutes estimated), who logged 90
    minutes on 2018-07-03 and 30 on 2018-07-04 (recorded by staff)."""
    tag = unique("稼働訂正")
    worker = done(
        mutate(
            "workerCreate",
            {
                "name": tag,
                "nameKana": "テイセイ ハナコ",
                "hourlyRate": 1200,
                "joinedOn": "2018-06-01",
            },
        )
    )["worker"]
    for status in ("TRAINING", "ACTIVE"):
        done(
            mutate(
                "workerChangeStatus",
                {"id": worker["id"], "status": status, "changedOn": "2018-06-01"},
            )
        )
    client = done(mutate("clientCreate", {"name": tag, "kind": "LOCAL_COMPANY"}))["client"]
    order = done(
        mutate(
            "orderCreate",
            {
                "clientId": client["id"],
                "title": tag,
                "category": "DATA_ENTRY",
                "contractType": "HOURLY",
                "unitPrice": 1200,
                "estimatedMinutes": 600,
                "receivedOn": "2018-07-02",
                "dueOn": "2018-07-31",
            },
        )
    )["order"]
    done(
        mutate(
            "orderTransition",
            {"id": order["id"], "toStatus": "IN_PROGRESS", "onDate": "2018-07-02"},
        )
    )
    assignment = done(
        mutate(
            "assignmentCreate",
            {"orderId": order["id"], "workerId": worker["id"], "assignedOn": "2018-07-02"},
        )
    )["assignment"]
    logs = [
        done(
            mutate(
                "workLogRecord",
                {
                    "assignmentId": assignment["id"],
                    "workDate": day,
                    "minutes": minutes,
                    "note": "誤入力",
                },
                as_user="alpha_staff",
            )
        )["workLog"]
        for day, minutes in (("2018-07-03", 90), ("2018-07-04", 30))
    ]
    return {"order": order, "logs": logs}


def stored(in_region, fed, global_id):
    """The log as region alpha's table holds it (committed by the server), or None."""
    with in_region(fed.alpha):
        row = WorkLog.objects.filter(pk=pk_of(global_id)).first()
        if row is None:
            return None
        return (row.work_date.isoformat(), row.minutes, row.note, row.approved_at is not None)


def audited(in_region, fed, global_id) -> list[str]:
    """The audit actions on this log in region alpha, oldest first."""
    with in_region(fed.alpha):
        return list(
            AuditEntry.objects.filter(
                region_code="alpha", object_type="orders.WorkLog", object_id=str(pk_of(global_id))
            )
            .order_by("pk")
            .values_list("action", flat=True)
        )


def logged_minutes(api, fed, order) -> tuple[int, int]:
    """The order's logged minutes as the API and as the federation's read model show them."""
    shown = api(ORDER_PROGRESS, {"id": order["id"]})["data"]["order"]["progress"]["loggedMinutes"]
    indexed = OrderIndexEntry.objects.get(region=fed.alpha, order_id=pk_of(order["id"]))
    return shown, indexed.logged_minutes


def test_staff_correct_an_unapproved_log(api, mutate, logged, in_region, fed):
    first, _second = logged["logs"]
    payload = done(
        mutate(
            "workLogUpdate",
            {"id": first["id"], "minutes": 60, "note": "60分に訂正"},
            as_user="alpha_staff",
        )
    )
    assert payload["workLog"] == {
        "id": first["id"],
        "workDate": "2018-07-03",
        "minutes": 60,
        "note": "60分に訂正",
        "approved": False,
    }
    assert stored(in_region, fed, first["id"]) == ("2018-07-03", 60, "60分に訂正", False)
    assert audited(in_region, fed, first["id"]) == ["worklog.record", "worklog.update"]
    assert logged_minutes(api, fed, logged["order"]) == (90, 90)
    # Only the fields given change; the day moves within the month.
    moved = done(mutate("workLogUpdate", {"id": first["id"], "workDate": "2018-07-05"}))
    assert (moved["workLog"]["workDate"], moved["workLog"]["minutes"]) == ("2018-07-05", 60)
    assert moved["workLog"]["note"] == "60分に訂正"
    assert stored(in_region, fed, first["id"]) == ("2018-07-05", 60, "60分に訂正", False)


def test_staff_withdraw_an_unapproved_log(api, mutate, logged, in_region, fed):
    first, second = logged["logs"]
    payload = done(mutate("workLogWithdraw", {"id": first["id"]}, as_user="alpha_staff"))
    assert payload["withdrawnId"] == first["id"]
    assert payload["order"] == {
        "id": logged["order"]["id"],
        "progress": {"loggedMinutes": 30, "estimatedMinutes": 600},
    }
    assert stored(in_region, fed, first["id"]) is None
    assert stored(in_region, fed, second["id"]) == ("2018-07-04", 30, "誤入力", False)
    assert audited(in_region, fed, first["id"]) == ["worklog.record", "worklog.withdraw"]
    assert logged_minutes(api, fed, logged["order"]) == (30, 30)
    again = mutate("workLogWithdraw", {"id": first["id"]}, as_user="alpha_staff")
    assert refusals(again) == [("id", "not_found")]


def test_an_approved_log_is_refused_and_stays(api, mutate, logged, in_region, fed):
    first, _second = logged["logs"]
    assert done(mutate("workLogApprove", {"id": first["id"]}))["workLog"]["approved"] is True
    for user in ("alpha_staff", "alpha_admin"):
        update = mutate("workLogUpdate", {"id": first["id"], "minutes": 60}, as_user=user)
        assert refusals(update) == [("id", "worklog_already_approved")]
        assert update["workLog"] is None
        assert update["errors"][0]["message"]
        withdraw = mutate("workLogWithdraw", {"id": first["id"]}, as_user=user)
        assert refusals(withdraw) == [("id", "worklog_already_approved")]
        assert (withdraw["withdrawnId"], withdraw["order"]) == (None, None)
    assert stored(in_region, fed, first["id"]) == ("2018-07-03", 90, "誤入力", True)
    assert audited(in_region, fed, first["id"]) == ["worklog.record", "worklog.approve"]
    assert logged_minutes(api, fed, logged["order"]) == (120, 120)


def test_bad_corrections_are_typed_and_write_nothing(api, mutate, logged, gid, in_region, fed):
    first, second = logged["logs"]
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    cases = [
        ({"minutes": 0}, ("minutes", "min_value")),
        ({"minutes": 1441}, ("minutes", "max_value")),
        ({"workDate": "2018-07-01"}, ("workDate", "work_before_received")),
        ({"workDate": tomorrow}, ("workDate", "work_date_future")),
        ({"workDate": "2018-07-04"}, ("workDate", "worklog_duplicate")),
        ({"note": "長" * 201}, ("note", "max_length")),
    ]
    for change, refusal in cases:
        payload = mutate("workLogUpdate", {"id": first["id"], **change}, as_user="alpha_staff")
        assert refusals(payload) == [refusal], change
        assert payload["workLog"] is None
    missing = gid("WorkLog", "alpha", 999_999_999)
    assert refusals(mutate("workLogUpdate", {"id": missing, "minutes": 60})) == [
        ("id", "not_found")
    ]
    assert refusals(mutate("workLogWithdraw", {"id": missing})) == [("id", "not_found")]
    assert stored(in_region, fed, first["id"]) == ("2018-07-03", 90, "誤入力", False)
    assert stored(in_region, fed, second["id"]) == ("2018-07-04", 30, "誤入力", False)
    assert audited(in_region, fed, first["id"]) == ["worklog.record"]
    assert logged_minutes(api, fed, logged["order"]) == (120, 120)


def test_another_regions_log_is_not_found(graphql_http, mutate, logged, in_region, fed):
    first, _second = logged["logs"]
    # Beta's staff, on beta's host, name alpha's log: an ID of another region.
    for name, values in (
        ("workLogUpdate", {"id": first["id"], "minutes": 60}),
        ("workLogWithdraw", {"id": first["id"]}),
    ):
        payload = mutate(name, values, as_user="beta_staff", region=fed.beta)
        assert refusals(payload) == [("id", "not_found")], name
        assert payload["errors"][0]["message"]
    # Beta's token on alpha's host is not a user there.
    response = graphql_http(
        fed.alpha,
        document("workLogWithdraw"),
        as_user="beta_admin",
        variables={"input": {"id": first["id"]}},
    )
    assert response.status_code == 401, response.text
    assert stored(in_region, fed, first["id"]) == ("2018-07-03", 90, "誤入力", False)
    assert audited(in_region, fed, first["id"]) == ["worklog.record"]
