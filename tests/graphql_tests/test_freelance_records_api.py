"""The Freelance Act records on a region host: region admins list accommodation requests
(art. 13), those awaiting a response, and ends of relationships (art. 16), page by page,
and record an end; what a request asked and the answer need the sensitive permission;
staff and other regions' IDs are refused; a page of 10 costs the queries of a page of 2."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kado_platform.accounts.policy import GRANTS, Perm
from kado_platform.accounts.roles import Role
from kado_tenants.payouts.models import RelationshipEnd
from kado_tenants.payouts.services import accommodation_request_record, relationship_end

D = datetime.date
ERRORS = "errors { field message code }"


@pytest.fixture
def post(fed, data_queries):
    """In process on a region host (the test's rows are visible): (body, data queries)."""

    def _post(query, variables=None, *, as_user="alpha_admin", region=None):
        client = Client(
            HTTP_HOST=(region or fed.alpha).host,
            HTTP_AUTHORIZATION=f"Bearer {fed.token(as_user)}",
        )
        with CaptureQueriesContext(connection) as context:
            response = client.post(
                "/graphql",
                json.dumps({"query": query, "variables": variables or {}}),
                content_type="application/json",
            )
        assert response.status_code == 200
        return response.json(), data_queries(context)

    return _post


@pytest.fixture
def records(fed, in_region, maker):
    """In alpha: two workers, three requests (the oldest answered), two ends."""
    make = maker(acting_user=fed.user("alpha_admin"))
    with in_region(fed.alpha):
        order = make.order()
        hanako = make.assignment(order=order).worker
        taro = make.assignment(order=order).worker
        answered = accommodation_request_record(
            worker=hanako,
            requested_on=D(2023, 6, 1),
            kind="care",
            content="通院の付き添い",
            response="納期を1週間延長",
            responded_on=D(2023, 6, 3),
        )
        middle = accommodation_request_record(
            worker=taro, requested_on=D(2023, 7, 1), kind="pregnancy", content="出産予定"
        )
        newest = accommodation_request_record(
            worker=hanako, requested_on=D(2023, 12, 1), kind="childcare", content="保育園"
        )
        end_short = relationship_end(worker=taro, notified_on=D(2023, 7, 25), ends_on=D(2023, 8, 1))
        end_exception = relationship_end(
            worker=hanako, notified_on=D(2023, 12, 1), ends_on=D(2023, 12, 2), exception="disaster"
        )
    return {
        "workers": {"hanako": hanako, "taro": taro},
        "requests": [newest, middle, answered],
        "ends": [end_exception, end_short],
    }


REQUESTS = """query($first: Int!, $after: String, $f: AccommodationRequestFilter) {
  accommodationRequests(first: $first, after: $after, filter: $f) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id workerId workerName requestedOn kind continuous respondedOn } } } }"""
SENSITIVE = """{ accommodationRequests(first: 10) {
  edges { node { id content response respondedOn } } } }"""
ENDS = """query($first: Int!, $after: String, $f: RelationshipEndFilter) {
  relationshipEnds(first: $first, after: $after, filter: $f) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id workerId workerName notifiedOn endsOn relationshipStartedOn
                   continuous exception } } } }"""


def _nodes(connection_data):
    return [edge["node"] for edge in connection_data["edges"]]


def test_the_admin_reads_both_lists_page_by_page(post, records, gid):
    hanako = records["workers"]["hanako"]
    newest, middle, answered = records["requests"]

    body, _ = post(REQUESTS, {"first": 2})
    page = body["data"]["accommodationRequests"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    assert [node["id"] for node in _nodes(page)] == [
        gid("AccommodationRequest", "alpha", newest.pk),
        gid("AccommodationRequest", "alpha", middle.pk),
    ]
    first = _nodes(page)[0]
    assert first["workerId"] == gid("Worker", "alpha", hanako.pk)
    assert first["workerName"] == hanako.name
    assert (first["requestedOn"], first["kind"], first["respondedOn"]) == (
        "2023-12-01",
        "CHILDCARE",
        None,
    )
    assert first["continuous"] is True  # commissioned since 2023-05-10: six months
    assert _nodes(page)[1]["continuous"] is False

    body, _ = post(REQUESTS, {"first": 2, "after": page["pageInfo"]["endCursor"]})
    rest = body["data"]["accommodationRequests"]
    assert rest["pageInfo"]["hasNextPage"] is False
    [last] = _nodes(rest)
    assert last["id"] == gid("AccommodationRequest", "alpha", answered.pk)
    assert last["respondedOn"] == "2023-06-03"

    body, _ = post(REQUESTS, {"first": 10, "f": {"awaitingResponse": True}})
    awaiting = _nodes(body["data"]["accommodationRequests"])
    assert [node["requestedOn"] for node in awaiting] == ["2023-12-01", "2023-07-01"]
    worker_filter = {"workerId": gid("Worker", "alpha", hanako.pk), "awaitingResponse": True}
    body, _ = post(REQUESTS, {"first": 10, "f": worker_filter})
    assert [n["requestedOn"] for n in _nodes(body["data"]["accommodationRequests"])] == [
        "2023-12-01"
    ]

    body, _ = post(SENSITIVE)
    shown = _nodes(body["data"]["accommodationRequests"])
    assert [(n["content"], n["response"]) for n in shown] == [
        ("保育園", ""),
        ("出産予定", ""),
        ("通院の付き添い", "納期を1週間延長"),
    ]

    end_exception, end_short = records["ends"]
    body, _ = post(ENDS, {"first": 1})
    page = body["data"]["relationshipEnds"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"] is True
    [node] = _nodes(page)
    assert node["id"] == gid("RelationshipEnd", "alpha", end_exception.pk)
    assert (node["notifiedOn"], node["endsOn"], node["exception"]) == (
        "2023-12-01",
        "2023-12-02",
        "DISASTER",
    )
    assert node["workerName"] == hanako.name and node["continuous"] is True
    body, _ = post(ENDS, {"first": 1, "after": page["pageInfo"]["endCursor"]})
    page = body["data"]["relationshipEnds"]
    [node] = _nodes(page)
    assert node["id"] == gid("RelationshipEnd", "alpha", end_short.pk)
    assert node["exception"] is None and node["continuous"] is False
    assert page["pageInfo"]["hasNextPage"] is False

    taro = records["workers"]["taro"]
    body, _ = post(ENDS, {"first": 10, "f": {"workerId": gid("Worker", "alpha", taro.pk)}})
    assert [n["id"] for n in _nodes(body["data"]["relationshipEnds"])] == [
        gid("RelationshipEnd", "alpha", end_short.pk)
    ]


def test_the_sensitive_fields_need_the_sensitive_permission(post, records, monkeypatch, codes):
    # Every real role with region.admin holds region.sensitive too; take it away here.
    monkeypatch.setitem(
        GRANTS, Role.REGION_ADMIN, GRANTS[Role.REGION_ADMIN] - {Perm.REGION_SENSITIVE}
    )
    for field in ("content", "response"):
        body, _ = post(
            f"{{ accommodationRequests(first: 10) {{ edges {{ node {{ {field} }} }} }} }}"
        )
        assert set(codes(body)) == {"permission_denied"}, field
        assert "保育園" not in str(body) and "納期" not in str(body)
    body, _ = post(REQUESTS, {"first": 10})  # the rest of a request stays readable
    assert "errors" not in body, body
    assert body["data"]["accommodationRequests"]["totalCount"] == 3


def test_staff_and_other_regions_are_refused(graphql_http, fed, gid, codes):
    for query in (REQUESTS, ENDS):
        body = graphql_http(fed.alpha, query, as_user="alpha_staff", variables={"first": 5}).json()
        assert codes(body) == ["permission_denied"] and body["data"] is None
    body = graphql_http(fed.alpha, SENSITIVE, as_user="alpha_staff").json()
    assert codes(body) == ["permission_denied"]

    beta_worker = {"workerId": gid("Worker", "beta", 1)}
    for query, name in ((REQUESTS, "accommodationRequests"), (ENDS, "relationshipEnds")):
        body = graphql_http(
            fed.alpha,
            query,
            as_user="alpha_admin",
            variables={"first": 5, "f": beta_worker},
        ).json()
        assert codes(body) == ["not_found"], body
        assert body["errors"][0]["extensions"]["field"] == "filter.workerId"
        assert body["data"] is None or body["data"].get(name) is None
    # A beta admin's token is no key to alpha.
    body = graphql_http(fed.alpha, ENDS, as_user="beta_admin", variables={"first": 5}).json()
    assert codes(body) == ["unauthenticated"] and body.get("data") is None


RECORD_END = f"""mutation($input: RelationshipEndRecordInput!) {{
  relationshipEndRecord(input: $input) {{
    relationshipEnd {{ id workerId notifiedOn endsOn continuous exception }} {ERRORS} }} }}"""


def test_an_end_is_recorded_with_typed_refusals(post, fed, in_region, maker, gid, codes):
    make = maker(acting_user=fed.user("alpha_admin"))
    with in_region(fed.alpha):
        worker = make.assignment().worker  # first commission 2023-05-10
        before = RelationshipEnd.objects.count()
    worker_id = gid("Worker", "alpha", worker.pk)

    short = {"workerId": worker_id, "notifiedOn": "2023-11-15", "endsOn": "2023-12-01"}
    body, _ = post(RECORD_END, {"input": short})
    payload = body["data"]["relationshipEndRecord"]
    assert payload["relationshipEnd"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("endsOn", "notice_too_short")]
    assert "2023-12-15" in payload["errors"][0]["message"]

    body, _ = post(RECORD_END, {"input": {**short, "workerId": gid("Worker", "beta", 1)}})
    payload = body["data"]["relationshipEndRecord"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("workerId", "not_found")]

    body, _ = post(RECORD_END, {"input": short}, as_user="alpha_staff")
    assert codes(body) == ["permission_denied"]
    with in_region(fed.alpha):
        assert RelationshipEnd.objects.count() == before

    body, _ = post(RECORD_END, {"input": {**short, "exception": "WORKER_AT_FAULT"}})
    payload = body["data"]["relationshipEndRecord"]
    assert payload["errors"] == []
    made = payload["relationshipEnd"]
    assert (made["workerId"], made["continuous"], made["exception"]) == (
        worker_id,
        True,
        "WORKER_AT_FAULT",
    )
    with in_region(fed.alpha):
        [record] = RelationshipEnd.objects.filter(worker=worker)
    assert made["id"] == gid("RelationshipEnd", "alpha", record.pk)
    assert record.exception == "worker_at_fault" and record.ends_on == D(2023, 12, 1)


# --- the cost of a page -------------------------------------------------------------------

ITEMS = 10
BOTH = """query($first: Int!) {
  accommodationRequests(first: $first) {
    totalCount edges { node { id workerId workerName requestedOn kind content response
                              respondedOn continuous } } }
  relationshipEnds(first: $first) {
    totalCount edges { node { id workerId workerName notifiedOn endsOn relationshipStartedOn
                              continuous exception } } } }"""


@pytest.fixture
def many_records(fed, in_region, maker):
    """ITEMS workers of alpha, each with a request and an end."""
    make = maker(acting_user=fed.user("alpha_admin"))
    with in_region(fed.alpha):
        order = make.order()
        for n in range(ITEMS):
            worker = make.assignment(
                order=order, worker=make.active_worker(name=f"記録 {n}")
            ).worker
            accommodation_request_record(
                worker=worker, requested_on=D(2023, 6, 1), kind="care", content=f"申出 {n}"
            )
            relationship_end(worker=worker, notified_on=D(2023, 6, 1), ends_on=D(2023, 6, 30))


def test_a_page_of_10_records_costs_the_queries_of_a_page_of_2(post, many_records):
    post(BOTH, {"first": 1})  # a token's first use is recorded once
    small, small_queries = post(BOTH, {"first": 2})
    large, large_queries = post(BOTH, {"first": ITEMS})
    assert "errors" not in large, large
    for name in ("accommodationRequests", "relationshipEnds"):
        assert len(small["data"][name]["edges"]) == 2
        assert len(large["data"][name]["edges"]) == ITEMS
        assert large["data"][name]["totalCount"] == ITEMS
        assert all(n["workerName"].startswith("記録") for n in _nodes(large["data"][name]))
    print(
        f"\nSQL queries: Freelance Act records (first: 2) {len(small_queries)}, "
        f"(first: {ITEMS}) {len(large_queries)}"
    )
    assert len(large_queries) == len(small_queries), "\n".join(large_queries)
