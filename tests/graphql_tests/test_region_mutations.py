"""The region API's mutations over real HTTP: who may call each, typed errors that write
nothing, IDs of the other region refused, the whole order life cycle.

Writes through HTTP are committed in the session's test database: every test names its
rows uniquely and reads back only those, through the API."""

from __future__ import annotations

import datetime

import pytest

ERRORS = "errors { field message code }"
MUTATIONS = {
    "workerCreate": ("WorkerCreateInput", "worker { id }"),
    "workerUpdate": ("WorkerUpdateInput", "worker { id }"),
    "workerChangeStatus": ("WorkerChangeStatusInput", "worker { id }"),
    "workerSetAvailability": ("WorkerSetAvailabilityInput", "worker { id }"),
    "clientCreate": ("ClientCreateInput", "client { id }"),
    "clientUpdate": ("ClientUpdateInput", "client { id }"),
    "orderCreate": ("OrderCreateInput", "order { id }"),
    "orderUpdate": ("OrderUpdateInput", "order { id }"),
    "orderTransition": ("OrderTransitionInput", "order { id }"),
    "assignmentCreate": ("AssignmentCreateInput", "assignment { id }"),
    "workLogRecord": ("WorkLogRecordInput", "workLog { id }"),
    "workLogApprove": ("WorkLogApproveInput", "workLog { id }"),
}


@pytest.fixture
def refused_inputs(gid):
    """Per mutation, an input that passes the schema but that the service refuses (or that
    names nothing): a caller who may run the mutation gets typed errors, nothing is written."""

    def missing(type_name):
        return gid(type_name, "alpha", 999_999_999)

    return {
        "workerCreate": {
            "name": "",
            "nameKana": "ア",
            "hourlyRate": 1000,
            "joinedOn": "2024-04-01",
        },
        "workerUpdate": {"id": missing("Worker")},
        "workerChangeStatus": {"id": missing("Worker"), "status": "TRAINING"},
        "workerSetAvailability": {"id": missing("Worker"), "windows": []},
        "clientCreate": {"name": "", "kind": "MUNICIPALITY"},
        "clientUpdate": {"id": missing("Client")},
        "orderCreate": {
            "clientId": missing("Client"),
            "title": "x",
            "category": "DATA_ENTRY",
            "contractType": "HOURLY",
            "unitPrice": 1,
            "estimatedMinutes": 1,
            "receivedOn": "2024-04-01",
            "dueOn": "2024-04-02",
        },
        "orderUpdate": {"id": missing("Order")},
        "orderTransition": {"id": missing("Order"), "toStatus": "IN_PROGRESS"},
        "assignmentCreate": {"orderId": missing("Order"), "workerId": missing("Worker")},
        "workLogRecord": {
            "assignmentId": missing("Assignment"),
            "workDate": "2024-05-01",
            "minutes": 60,
        },
        "workLogApprove": {"id": missing("WorkLog")},
    }


def document(name: str, payload: str | None = None) -> str:
    input_type, default_payload = MUTATIONS[name]
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) "
        f"{{ {payload or default_payload} {ERRORS} }} }}"
    )


@pytest.fixture
def api(graphql_http, fed):
    def _call(query, variables=None, *, as_user="alpha_admin", region=None):
        response = graphql_http(
            region or fed.alpha, query, as_user=as_user, variables=variables or {}
        )
        return response.status_code, response.json()

    return _call


@pytest.fixture
def mutate(api):
    """`mutate(name, input, payload=..., as_user=...)` → the payload (typed errors inside)."""

    def _mutate(name, values, payload=None, *, as_user="alpha_admin"):
        status, body = api(document(name, payload), {"input": values}, as_user=as_user)
        assert status == 200 and "errors" not in body, body
        return body["data"][name]

    return _mutate


def done(result):
    assert result["errors"] == [], result["errors"]
    return result


def read(api, query, variables=None, as_user="alpha_admin"):
    status, body = api(query, variables, as_user=as_user)
    assert status == 200 and "errors" not in body, body
    return body["data"]


# --- who may call what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "user"),
    [
        (name, user)
        for name in sorted(MUTATIONS)
        for user in ("alpha_admin", "alpha_staff")
        # Staff may not approve at all: test_staff_may_not_approve_work_logs below.
        if not (name == "workLogApprove" and user == "alpha_staff")
    ],
)
def test_region_users_reach_the_service_and_get_typed_errors(mutate, name, user, refused_inputs):
    result = mutate(name, refused_inputs[name], as_user=user)
    assert result["errors"], result
    assert all(error["code"] for error in result["errors"])


def test_staff_may_not_approve_work_logs(api, codes, refused_inputs):
    status, body = api(
        document("workLogApprove"),
        {"input": refused_inputs["workLogApprove"]},
        as_user="alpha_staff",
    )
    assert status == 200
    assert codes(body) == ["permission_denied"]
    assert body["data"]["workLogApprove"] is None


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_anonymous_may_call_no_mutation(api, name, codes, refused_inputs):
    status, body = api(document(name), {"input": refused_inputs[name]}, as_user=None)
    assert status == 200
    assert codes(body) == ["permission_denied"]
    assert body["data"][name] is None


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.parametrize("user", ["beta_admin", "coordinator"])
def test_users_of_another_region_or_the_hub_are_refused(api, name, user, refused_inputs):
    status, _body = api(document(name), {"input": refused_inputs[name]}, as_user=user)
    assert status == 401


# --- typed errors write nothing --------------------------------------------------------------

WORKERS_NAMED = "query($s: String) { workers(first: 5, filter: {search: $s}) { totalCount } }"
CLIENTS_NAMED = "query($s: String) { clients(first: 5, filter: {search: $s}) { totalCount } }"
ORDERS_NAMED = "query($s: String) { orders(first: 5, filter: {search: $s}) { totalCount } }"


def _worker_input(name, **extra):
    return {
        "name": name,
        "nameKana": "テスト",
        "hourlyRate": 1200,
        "joinedOn": "2024-04-01",
        **extra,
    }


def test_bad_worker_input_is_a_typed_error_and_writes_nothing(api, mutate, unique):
    name = unique("Mut")
    result = mutate("workerCreate", _worker_input(name, nameKana="kana"))
    assert result["worker"] is None
    assert [(error["field"], error["code"]) for error in result["errors"]] == [
        ("nameKana", "kana_only")
    ]
    result = mutate(
        "workerCreate",
        _worker_input(name, availability=[{"weekday": 1, "startMinute": 600, "endMinute": 500}]),
    )
    assert result["errors"][0]["field"] == "availability"
    assert read(api, WORKERS_NAMED, {"s": name})["workers"]["totalCount"] == 0


def test_bad_order_input_is_a_typed_error_and_writes_nothing(api, mutate, gid, unique):
    client = done(mutate("clientCreate", {"name": unique("Mut"), "kind": "LOCAL_COMPANY"}))[
        "client"
    ]
    title = unique("Mut")
    base = {
        "clientId": client["id"],
        "title": title,
        "category": "HD_MAP",
        "contractType": "HOURLY",
        "unitPrice": 1500,
        "estimatedMinutes": 120,
        "receivedOn": "2024-05-01",
        "dueOn": "2024-06-01",
    }
    for change, field, code in [
        ({"dueOn": "2024-04-01"}, "dueOn", "due_before_received"),
        ({"quantity": 3}, "quantity", "quantity_hourly"),
        ({"unitPrice": 0}, "unitPrice", "min_value"),
        ({"clientId": gid("Client", "beta", 1)}, "clientId", "not_found"),
        ({"clientId": gid("Worker", "alpha", 1)}, "clientId", "bad_input"),
    ]:
        result = mutate("orderCreate", {**base, **change})
        assert result["order"] is None
        assert [(error["field"], error["code"]) for error in result["errors"]] == [(field, code)]
    assert read(api, ORDERS_NAMED, {"s": title})["orders"]["totalCount"] == 0
    done(mutate("orderCreate", base))
    assert read(api, ORDERS_NAMED, {"s": title})["orders"]["totalCount"] == 1


def test_bad_client_input_is_a_typed_error_and_writes_nothing(api, mutate, unique):
    name = unique("Mut")
    result = mutate(
        "clientCreate", {"name": name, "kind": "URBAN_COMPANY", "corporateNumber": "123"}
    )
    assert result["errors"][0]["field"] == "corporateNumber"
    assert read(api, CLIENTS_NAMED, {"s": name})["clients"]["totalCount"] == 0


def test_wrong_input_types_are_400_and_write_nothing(api, unique, codes):
    name = unique("Mut")
    status, body = api(document("workerCreate"), {"input": _worker_input(name, hourlyRate="a lot")})
    assert status == 400 and codes(body) == ["bad_input"]
    status, body = api(document("orderTransition"), {"input": {"id": "x", "toStatus": "paid"}})
    assert status == 400
    assert read(api, WORKERS_NAMED, {"s": name})["workers"]["totalCount"] == 0


# --- the sensitive fields --------------------------------------------------------------------

SENSITIVE_READ = "query($id: ID!) { worker(id: $id) { name constraintReason constraintNote } }"


def test_staff_may_not_set_the_constraint_fields(api, mutate, unique, codes):
    name = unique("Mut")
    _status, body = api(
        document("workerCreate"),
        {"input": _worker_input(name, constraintReason="HEALTH")},
        as_user="alpha_staff",
    )
    assert codes(body) == ["permission_denied"]
    assert body["errors"][0]["extensions"]["field"] == "constraintReason"
    assert body["data"]["workerCreate"] is None
    assert read(api, WORKERS_NAMED, {"s": name})["workers"]["totalCount"] == 0

    worker = done(mutate("workerCreate", _worker_input(name), as_user="alpha_staff"))["worker"]
    for change in ({"constraintNote": "夜間のみ"}, {"constraintReason": None}):
        _status, body = api(
            document("workerUpdate"),
            {"input": {"id": worker["id"], **change}},
            as_user="alpha_staff",
        )
        assert codes(body) == ["permission_denied"]


def test_the_admin_sets_and_clears_the_constraint_fields(api, mutate, unique):
    name = unique("Mut")
    worker = done(
        mutate(
            "workerCreate",
            _worker_input(name, constraintReason="CAREGIVING", constraintNote="午前のみ"),
        )
    )["worker"]
    shown = read(api, SENSITIVE_READ, {"id": worker["id"]})["worker"]
    assert (shown["constraintReason"], shown["constraintNote"]) == ("CAREGIVING", "午前のみ")
    done(
        mutate(
            "workerUpdate", {"id": worker["id"], "constraintReason": None, "constraintNote": None}
        )
    )
    shown = read(api, SENSITIVE_READ, {"id": worker["id"]})["worker"]
    assert (shown["constraintReason"], shown["constraintNote"]) == (None, None)


# --- workers and clients ---------------------------------------------------------------------


def test_worker_update_status_and_availability(api, mutate, unique):
    name = unique("Mut")
    worker = done(mutate("workerCreate", _worker_input(name), as_user="alpha_staff"))["worker"]
    updated = done(
        mutate(
            "workerUpdate",
            {"id": worker["id"], "hourlyRate": 1800, "email": "A@Example.JP"},
            "worker { hourlyRate email name }",
        )
    )["worker"]
    assert updated == {"hourlyRate": 1800, "email": "a@example.jp", "name": name}
    result = mutate("workerChangeStatus", {"id": worker["id"], "status": "ACTIVE"})
    assert [(error["field"], error["code"]) for error in result["errors"]] == [
        ("status", "illegal_transition")
    ]
    result = mutate(
        "workerChangeStatus",
        {"id": worker["id"], "status": "TRAINING", "changedOn": "2024-05-01"},
        "worker { status }",
    )
    assert done(result)["worker"]["status"] == "TRAINING"
    windows = [
        {"weekday": 0, "startMinute": 540, "endMinute": 720},
        {"weekday": 0, "startMinute": 780, "endMinute": 1020},
    ]
    result = mutate(
        "workerSetAvailability",
        {"id": worker["id"], "windows": windows},
        "worker { availability { weekday startMinute endMinute minutes } }",
    )
    assert [window["minutes"] for window in done(result)["worker"]["availability"]] == [180, 240]
    overlapping = [*windows, {"weekday": 0, "startMinute": 600, "endMinute": 660}]
    result = mutate("workerSetAvailability", {"id": worker["id"], "windows": overlapping})
    assert result["errors"][0]["code"] == "window_overlap"
    kept = read(
        api,
        "query($id: ID!) { worker(id: $id) { availability { minutes } } }",
        {"id": worker["id"]},
    )
    assert len(kept["worker"]["availability"]) == 2


def test_client_update(api, mutate, gid, unique):
    client = done(mutate("clientCreate", {"name": unique("Mut"), "kind": "LOCAL_COMPANY"}))[
        "client"
    ]
    result = mutate(
        "clientUpdate",
        {"id": client["id"], "kind": "MUNICIPALITY", "contactName": "山田"},
        "client { kind contactName }",
        as_user="alpha_staff",
    )
    assert done(result)["client"] == {"kind": "MUNICIPALITY", "contactName": "山田"}
    result = mutate("clientUpdate", {"id": gid("Client", "beta", 1), "name": "乗っ取り"})
    assert [(error["field"], error["code"]) for error in result["errors"]] == [("id", "not_found")]


def test_another_regions_ids_in_mutations_are_not_found_and_touch_nothing(
    api, fed, graphql_http, gid
):
    for name, values, field in [
        ("workerUpdate", {"id": gid("Worker", "beta", 1), "name": "乗っ取り"}, "id"),
        ("orderTransition", {"id": gid("Order", "beta", 1), "toStatus": "CANCELLED"}, "id"),
        (
            "assignmentCreate",
            {"orderId": gid("Order", "alpha", 1), "workerId": gid("Worker", "beta", 2)},
            "workerId",
        ),
    ]:
        _status, body = api(document(name), {"input": values})
        result = body["data"][name]
        assert [(error["field"], error["code"]) for error in result["errors"]] == [
            (field, "not_found")
        ]
    beta = graphql_http(
        fed.beta,
        "query($o: ID!, $w: ID!) { order(id: $o) { status } worker(id: $w) { name } }",
        as_user="beta_admin",
        variables={"o": gid("Order", "beta", 1), "w": gid("Worker", "beta", 1)},
    ).json()["data"]
    assert beta == {"order": {"status": "RECEIVED"}, "worker": {"name": "ベータ 花子"}}


# --- the order life cycle ----------------------------------------------------------------------

ORDER_STATE = """
query($id: ID!) {
  order(id: $id) {
    status allowedTransitions startedOn deliveredOn inspectedOn invoicedOn paidOn cancelledOn
    progress { loggedMinutes estimatedMinutes }
    assignments { worker { id } loggedMinutes approvedMinutes }
    workLogs(first: 10) { totalCount edges { node { minutes approved } } }
  }
}
"""


def _active_worker(mutate, name):
    worker = done(mutate("workerCreate", _worker_input(name)))["worker"]
    for status, day in (("TRAINING", "2024-04-02"), ("ACTIVE", "2024-04-03")):
        done(mutate("workerChangeStatus", {"id": worker["id"], "status": status, "changedOn": day}))
    return worker


def _client_order(mutate, tag, kind, terms, payload="order { id }", *, as_user="alpha_admin"):
    """A new client of `kind` named `tag` and an order of it on `terms`, through the API."""
    client = done(mutate("clientCreate", {"name": tag, "kind": kind}))["client"]
    values = {"clientId": client["id"], "title": tag, "estimatedMinutes": 600, **terms}
    return done(mutate("orderCreate", values, payload, as_user=as_user))["order"]


def test_the_whole_order_life_cycle(api, mutate, unique):
    tag = unique("Life")
    order = _client_order(
        mutate,
        tag,
        "MUNICIPALITY",
        {
            "category": "DIGITAL_HELP",
            "contractType": "HOURLY",
            "unitPrice": 1500,
            "receivedOn": "2024-05-01",
            "dueOn": "2024-06-30",
        },
        "order { id reference amount status allowedTransitions }",
        as_user="alpha_staff",
    )
    assert order["status"] == "RECEIVED" and order["amount"] == 15000
    assert order["reference"].startswith("2024-")
    assert order["allowedTransitions"] == ["IN_PROGRESS", "CANCELLED"]
    worker = _active_worker(mutate, f"{tag} 人")

    # Changing the terms while open; the amount follows.
    updated = done(
        mutate("orderUpdate", {"id": order["id"], "estimatedMinutes": 1200}, "order { amount }")
    )["order"]
    assert updated["amount"] == 30000

    assignment = done(
        mutate(
            "assignmentCreate",
            {"orderId": order["id"], "workerId": worker["id"], "assignedOn": "2024-05-02"},
            "assignment { id assignedOn worker { id } order { id } }",
            as_user="alpha_staff",
        )
    )["assignment"]
    assert assignment["worker"]["id"] == worker["id"] and assignment["order"]["id"] == order["id"]
    again = mutate("assignmentCreate", {"orderId": order["id"], "workerId": worker["id"]})
    assert [error["code"] for error in again["errors"]] == ["assignment_duplicate"]

    # Illegal moves are refused and change nothing.
    for target in ("PAID", "DELIVERED", "RECEIVED"):
        refused = mutate("orderTransition", {"id": order["id"], "toStatus": target})
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [
            ("toStatus", "illegal_transition")
        ]
    too_early = mutate(
        "orderTransition", {"id": order["id"], "toStatus": "IN_PROGRESS", "onDate": "2024-04-01"}
    )
    assert too_early["errors"][0]["field"] == "onDate"
    assert read(api, ORDER_STATE, {"id": order["id"]})["order"]["status"] == "RECEIVED"

    def step(target, day, as_user="alpha_staff"):
        moved = done(
            mutate(
                "orderTransition",
                {"id": order["id"], "toStatus": target, "onDate": day},
                "order { status allowedTransitions }",
                as_user=as_user,
            )
        )["order"]
        assert moved["status"] == target
        return moved["allowedTransitions"]

    assert step("IN_PROGRESS", "2024-05-03") == ["DELIVERED", "CANCELLED"]
    logs = [
        done(
            mutate(
                "workLogRecord",
                {
                    "assignmentId": assignment["id"],
                    "workDate": day,
                    "minutes": minutes,
                    "note": "入力",
                },
                "workLog { id minutes approved order { id } worker { id } }",
                as_user="alpha_staff",
            )
        )["workLog"]
        for day, minutes in (("2024-05-03", 240), ("2024-05-04", 300))
    ]
    assert logs[0]["order"]["id"] == order["id"] and not logs[0]["approved"]
    duplicate = mutate(
        "workLogRecord", {"assignmentId": assignment["id"], "workDate": "2024-05-03", "minutes": 10}
    )
    assert duplicate["errors"][0]["code"] == "worklog_duplicate"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    too_late = mutate(
        "workLogRecord", {"assignmentId": assignment["id"], "workDate": future, "minutes": 10}
    )
    assert too_late["errors"][0]["code"] == "work_date_future"
    too_long = mutate(
        "workLogRecord",
        {"assignmentId": assignment["id"], "workDate": "2024-05-05", "minutes": 1441},
    )
    assert too_long["errors"][0]["field"] == "minutes"

    approved = done(
        mutate("workLogApprove", {"id": logs[0]["id"]}, "workLog { approved approvedAt }")
    )
    assert approved["workLog"]["approved"] is True and approved["workLog"]["approvedAt"]
    twice = mutate("workLogApprove", {"id": logs[0]["id"]})
    assert twice["errors"][0]["code"] == "worklog_already_approved"

    state = read(api, ORDER_STATE, {"id": order["id"]})["order"]
    assert state["progress"] == {"loggedMinutes": 540, "estimatedMinutes": 1200}
    assert state["assignments"] == [
        {"worker": {"id": worker["id"]}, "loggedMinutes": 540, "approvedMinutes": 240}
    ]
    assert state["workLogs"]["totalCount"] == 2
    logs_query = """
    query($f: WorkLogFilter) { workLogs(first: 10, filter: $f) { totalCount edges { node { minutes } } } }
    """

    def minutes(**filters):
        found = read(api, logs_query, {"f": {"orderId": order["id"], **filters}})["workLogs"]
        return sorted(edge["node"]["minutes"] for edge in found["edges"])

    assert minutes() == [240, 300]
    assert minutes(approved=True) == [240]
    assert minutes(approved=False) == [300]
    assert minutes(**{"from": "2024-05-04"}) == [300]
    assert minutes(to="2024-05-03") == [240]
    assert minutes(workerId=worker["id"]) == [240, 300]

    assert step("DELIVERED", "2024-05-10") == ["INSPECTED", "CANCELLED"]
    frozen = mutate("orderUpdate", {"id": order["id"], "title": "late change"})
    assert frozen["errors"][0]["code"] == "order_not_editable"
    # Invoiced and paid come from issuing an invoice and recording its payment only.
    assert step("INSPECTED", "2024-05-12") == []
    assert (
        mutate("orderTransition", {"id": order["id"], "toStatus": "CANCELLED"})["errors"][0]["code"]
        == "illegal_transition"
    )
    by_hand = mutate(
        "orderTransition",
        {"id": order["id"], "toStatus": "INVOICED", "onDate": "2024-05-31"},
        as_user="alpha_admin",
    )
    assert [(e["field"], e["code"]) for e in by_hand["errors"]] == [
        ("toStatus", "status_set_by_invoicing")
    ]
    state = read(api, ORDER_STATE, {"id": order["id"]})["order"]
    assert (
        state["startedOn"],
        state["deliveredOn"],
        state["inspectedOn"],
        state["invoicedOn"],
        state["paidOn"],
        state["cancelledOn"],
    ) == ("2024-05-03", "2024-05-10", "2024-05-12", None, None, None)


def test_a_cancelled_order_takes_no_work(api, mutate, unique):
    tag = unique("Cancel")
    order = _client_order(
        mutate,
        tag,
        "URBAN_COMPANY",
        {
            "category": "KITTING",
            "contractType": "PER_DELIVERABLE",
            "unitPrice": 500,
            "quantity": 40,
            "receivedOn": "2024-07-01",
            "dueOn": "2024-07-31",
        },
        "order { id amount }",
    )
    assert order["amount"] == 20000
    worker = _active_worker(mutate, f"{tag} 人")
    assignment = done(
        mutate(
            "assignmentCreate",
            {"orderId": order["id"], "workerId": worker["id"], "assignedOn": "2024-07-01"},
        )
    )["assignment"]
    cancelled = done(
        mutate(
            "orderTransition",
            {"id": order["id"], "toStatus": "CANCELLED", "onDate": "2024-07-02"},
            "order { status allowedTransitions cancelledOn }",
        )
    )["order"]
    assert cancelled == {
        "status": "CANCELLED",
        "allowedTransitions": [],
        "cancelledOn": "2024-07-02",
    }
    refused = mutate(
        "workLogRecord", {"assignmentId": assignment["id"], "workDate": "2024-07-02", "minutes": 30}
    )
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("assignmentId", "order_cancelled")
    ]


def test_assigning_work_under_the_freelance_act_issues_its_notice(api, mutate, unique):
    tag = unique("Act")
    order = _client_order(
        mutate,
        tag,
        "MUNICIPALITY",
        {
            "category": "DATA_ENTRY",
            "contractType": "PER_DELIVERABLE",
            "unitPrice": 500,
            "quantity": 20,
            "receivedOn": "2025-04-01",
            "dueOn": "2025-04-30",
        },
    )
    worker = _active_worker(mutate, f"{tag} 人")
    values = {"orderId": order["id"], "workerId": worker["id"], "assignedOn": "2025-04-02"}

    missing = mutate("assignmentCreate", values)
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [
        ("agreedAmount", "amount_required")
    ]
    state = read(api, ORDER_STATE, {"id": order["id"]})["order"]
    assert state["assignments"] == [], "a refused assignment writes nothing"

    assignment = done(
        mutate(
            "assignmentCreate",
            {**values, "agreedAmount": 8000},
            "assignment { id }",
            as_user="alpha_staff",
        )
    )["assignment"]
    status, body = api(
        "mutation($a: ID!) { commissionNoticeIssue(input: {assignmentId: $a, amount: 8000}) "
        "{ errors { code } notice { id } } }",
        {"a": assignment["id"]},
    )
    assert status == 200 and "errors" not in body, body
    assert body["data"]["commissionNoticeIssue"]["errors"] == [{"code": "notice_exists"}]

    notice_of = """query($id: ID!) { order(id: $id) { assignments {
        commissionNotice { amount deliveryOn paymentDueOn body } } } }"""
    [row] = read(api, notice_of, {"id": order["id"]})["order"]["assignments"]
    notice = row["commissionNotice"]
    assert (notice["amount"], notice["deliveryOn"]) == (8000, "2025-04-30")
    assert notice["paymentDueOn"] <= "2025-06-28"  # at most 60 days from delivery
    assert "報酬の額: 8,000円" in notice["body"]
    status, body = api(notice_of, {"id": order["id"]}, as_user="alpha_staff")
    assert body.get("errors"), "a region's staff do not read the terms notices"
    assert "8,000円" not in str(body.get("data"))
