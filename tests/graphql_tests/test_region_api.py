"""The region API's queries over real HTTP, as a client sends them: every role against
every top-level field, global IDs of the other region refused, filters, paging, the
sensitive fields. Rows written here through the API are committed in the session's
test database, so each test names its rows uniquely and reads back only those."""

from __future__ import annotations

import pytest

from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.orders.models import Order

READS = {
    "region": "{ region { code } }",
    "viewer": "{ viewer { email } }",
    "workers": "{ workers(first: 5) { totalCount edges { node { id name status } } } }",
    "worker": "query($id: ID!) { worker(id: $id) { id name } }",
    "clients": "{ clients(first: 5) { totalCount edges { node { id name kind } } } }",
    "client": "query($id: ID!) { client(id: $id) { id name } }",
    "orders": "{ orders(first: 5) { totalCount edges { node { id reference status } } } }",
    "order": "query($id: ID!) { order(id: $id) { id reference } }",
    "workLogs": "{ workLogs(first: 5) { totalCount } }",
    "skills": "{ skills(first: 5) { totalCount } }",
}
SEED_IDS = {"worker": ("Worker", 1), "client": ("Client", 1), "order": ("Order", 1)}


@pytest.fixture
def api(graphql_http, fed):
    """`api(query, variables, as_user=..., region=...)` → (status, body) on alpha by default."""

    def _call(query, variables=None, *, as_user="alpha_admin", region=None):
        response = graphql_http(
            region or fed.alpha, query, as_user=as_user, variables=variables or {}
        )
        return response.status_code, response.json()

    return _call


def ok(api, query, variables=None, **kwargs):
    status, body = api(query, variables, **kwargs)
    assert status == 200 and "errors" not in body, body
    return body["data"]


@pytest.fixture
def seed_variables(gid):
    """`seed_variables(field, region)` → the variables naming the seed row a field reads."""

    def _variables(field, region="alpha"):
        if field in SEED_IDS:
            type_name, pk = SEED_IDS[field]
            return {"id": gid(type_name, region, pk)}
        return None

    return _variables


# --- who may read what ----------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(READS))
@pytest.mark.parametrize("user", ["alpha_admin", "alpha_staff"])
def test_region_admins_and_staff_read_every_field(api, field, user, seed_variables):
    data = ok(api, READS[field], seed_variables(field), as_user=user)
    assert data[field] is not None


@pytest.mark.parametrize("field", sorted(set(READS) - {"region", "viewer"}))
def test_anonymous_is_refused_every_region_field(api, field, codes, seed_variables):
    status, body = api(READS[field], seed_variables(field), as_user=None)
    assert status == 200
    assert codes(body) == ["permission_denied"]
    assert body["data"] is None or body["data"][field] is None
    assert "アルファ" not in str(body)


@pytest.mark.parametrize("field", sorted(READS))
@pytest.mark.parametrize("user", ["beta_admin", "beta_staff", "coordinator", "leader", "operator"])
def test_users_without_a_role_in_the_region_are_refused(api, field, user, seed_variables):
    status, body = api(READS[field], seed_variables(field), as_user=user)
    assert status == 401
    assert "アルファ" not in str(body)


def test_each_region_reads_its_own_rows_though_keys_collide(api, fed, gid):
    alpha = ok(api, READS["order"], {"id": gid("Order", "alpha", 1)})["order"]
    beta = ok(
        api, READS["order"], {"id": gid("Order", "beta", 1)}, as_user="beta_admin", region=fed.beta
    )
    assert alpha["reference"] == beta["order"]["reference"] == "2023-0001"
    assert alpha["id"] != beta["order"]["id"]


# --- global IDs ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(SEED_IDS))
def test_another_regions_id_is_not_found(api, field, codes, seed_variables):
    status, body = api(READS[field], seed_variables(field, region="beta"))
    assert status == 200
    assert codes(body) == ["not_found"]
    assert body["data"][field] is None
    assert "ベータ" not in str(body)


def test_ids_of_the_wrong_type_or_shape_are_bad_input(api, gid, codes):
    _status, body = api(READS["worker"], {"id": gid("Order", "alpha", 1)})
    assert codes(body) == ["bad_input"] and body["data"]["worker"] is None
    _status, body = api(READS["worker"], {"id": "not-an-id"})
    assert codes(body) == ["bad_input"]
    _status, body = api(READS["worker"], {"id": gid("Worker", "alpha", 999_999_999)})
    assert codes(body) == ["not_found"]


def test_an_id_filter_of_another_region_is_not_found(api, gid, codes):
    query = "query($c: [ID!]) { orders(first: 5, filter: {clientIds: $c}) { totalCount } }"
    _status, body = api(query, {"c": [gid("Client", "beta", 1)]})
    assert codes(body) == ["not_found"]
    assert body["errors"][0]["extensions"]["field"] == "filter.clientIds"
    data = ok(api, query, {"c": [gid("Client", "alpha", 1)]})
    assert data["orders"]["totalCount"] >= 1
    query = "query($o: ID) { workLogs(first: 5, filter: {orderId: $o}) { totalCount } }"
    assert codes(api(query, {"o": gid("Order", "beta", 1)})[1]) == ["not_found"]


# --- the seed, nested ----------------------------------------------------------------------

ORDER_DETAIL = """
query($id: ID!) {
  order(id: $id) {
    id reference title status category contractType amount unitPrice quantity
    estimatedMinutes fiscalYear receivedOn dueOn startedOn
    client { id name kind }
    assignments { id assignedOn loggedMinutes approvedMinutes worker { id name } order { id } }
    workLogs(first: 10) { totalCount edges { node { id minutes } } }
    progress { loggedMinutes estimatedMinutes }
    allowedTransitions
  }
}
"""


def test_an_order_with_its_client_assignments_progress_and_transitions(api, gid):
    order = ok(api, ORDER_DETAIL, {"id": gid("Order", "alpha", 1)})["order"]
    assert order["reference"] == "2023-0001"
    assert order["client"] == {
        "id": gid("Client", "alpha", 1),
        "name": "アルファ商事",
        "kind": "LOCAL_COMPANY",
    }
    assert order["category"] == "AI_ANNOTATION" and order["contractType"] == "HOURLY"
    assert order["fiscalYear"] == 2023 and order["receivedOn"] == "2023-05-01"
    assert order["assignments"][0]["worker"]["name"] == "アルファ 花子"
    assert order["assignments"][0]["order"]["id"] == order["id"]
    assert order["progress"]["estimatedMinutes"] == 600
    assert order["allowedTransitions"] == ["IN_PROGRESS", "CANCELLED"]


# --- sensitive fields -------------------------------------------------------------------------

SENSITIVE = "query($id: ID!) { worker(id: $id) { name constraintReason constraintNote } }"


def test_the_admin_reads_the_constraint_reason_and_note(api, gid):
    worker = ok(api, SENSITIVE, {"id": gid("Worker", "alpha", 1)})["worker"]
    assert worker["constraintReason"] == "CHILDCARE"
    assert worker["constraintNote"] == "アルファの秘密"


def test_staff_never_see_the_constraint_reason_or_note(api, gid, codes):
    status, body = api(SENSITIVE, {"id": gid("Worker", "alpha", 1)}, as_user="alpha_staff")
    assert status == 200
    assert set(codes(body)) == {"permission_denied"}
    assert "CHILDCARE" not in str(body) and "秘密" not in str(body)
    listed = "{ workers(first: 10) { edges { node { name constraintReason } } } }"
    status, body = api(listed, as_user="alpha_staff")
    assert set(codes(body)) == {"permission_denied"}
    assert "CHILDCARE" not in str(body) and "秘密" not in str(body)


# --- filters, sorting, paging ---------------------------------------------------------------

CLIENT_CREATE = """
mutation($input: ClientCreateInput!) { clientCreate(input: $input) { client { id } errors { code } } }
"""
ORDER_CREATE = """
mutation($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { id reference amount } errors { field code } }
}
"""


def _client(api, name, kind="URBAN_COMPANY"):
    data = ok(api, CLIENT_CREATE, {"input": {"name": name, "kind": kind}})["clientCreate"]
    assert data["errors"] == []
    return data["client"]["id"]


def _order(api, client_id, title, **terms):
    values = {
        "clientId": client_id,
        "title": title,
        "category": "DATA_ENTRY",
        "contractType": "HOURLY",
        "unitPrice": 1200,
        "estimatedMinutes": 600,
        "receivedOn": "2024-05-01",
        "dueOn": "2024-06-30",
        **terms,
    }
    data = ok(api, ORDER_CREATE, {"input": values})["orderCreate"]
    assert data["errors"] == [], data
    return data["order"]


def test_orders_filter_sort_and_page(api, unique, codes):
    tag = unique("Filter")
    client_a = _client(api, f"{tag} A", "MUNICIPALITY")
    client_b = _client(api, f"{tag} B")
    made = [
        _order(api, client_a, f"{tag} one", unitPrice=1000),
        _order(api, client_a, f"{tag} two", unitPrice=3000, category="KITTING"),
        _order(
            api,
            client_b,
            f"{tag} three",
            unitPrice=2000,
            receivedOn="2023-06-01",
            dueOn="2023-07-01",
        ),
    ]
    query = """
    query($f: OrderFilter, $o: OrderOrder, $first: Int!, $after: String) {
      orders(first: $first, after: $after, filter: $f, orderBy: $o) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { title amount category fiscalYear client { id } } }
      }
    }
    """
    page = ok(api, query, {"f": {"search": tag}, "first": 10})["orders"]
    assert page["totalCount"] == 3
    by_amount = ok(
        api,
        query,
        {"f": {"search": tag}, "o": {"field": "AMOUNT", "direction": "DESC"}, "first": 10},
    )["orders"]
    assert [edge["node"]["amount"] for edge in by_amount["edges"]] == [30000, 20000, 10000]
    first = ok(api, query, {"f": {"search": tag}, "o": {"field": "AMOUNT"}, "first": 2})["orders"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = ok(
        api,
        query,
        {
            "f": {"search": tag},
            "o": {"field": "AMOUNT"},
            "first": 2,
            "after": first["pageInfo"]["endCursor"],
        },
    )["orders"]
    amounts = [edge["node"]["amount"] for edge in first["edges"] + rest["edges"]]
    assert amounts == [10000, 20000, 30000] and rest["pageInfo"]["hasNextPage"] is False

    def titles(**filters):
        found = ok(api, query, {"f": {"search": tag, **filters}, "first": 10})["orders"]
        return sorted(edge["node"]["title"].split()[-1] for edge in found["edges"])

    assert titles(categories=["KITTING"]) == ["two"]
    assert titles(clientIds=[client_b]) == ["three"]
    assert titles(fiscalYear=2023) == ["three"]
    assert titles(fiscalYear=2024, categories=["DATA_ENTRY", "KITTING"]) == ["one", "two"]
    assert titles(statuses=["RECEIVED"]) == ["one", "three", "two"]
    assert titles(statuses=["PAID"]) == []
    assert made[2]["reference"].startswith("2023-")
    _status, body = api(query, {"f": {"fiscalYear": 99999}, "first": 1})
    assert codes(body) == ["bad_input"]


def test_clients_and_workers_filter(api, unique):
    tag = unique("Who")
    _client(api, f"{tag} city", "MUNICIPALITY")
    _client(api, f"{tag} co", "LOCAL_COMPANY")
    query = "query($f: ClientFilter) { clients(first: 10, filter: $f) { totalCount edges { node { name kind } } } }"
    found = ok(api, query, {"f": {"search": tag, "kinds": ["MUNICIPALITY"]}})["clients"]
    assert [edge["node"]["name"] for edge in found["edges"]] == [f"{tag} city"]
    assert ok(api, query, {"f": {"search": tag}})["clients"]["totalCount"] == 2

    create = """
    mutation($input: WorkerCreateInput!) { workerCreate(input: $input) { worker { id } errors { code } } }
    """
    for name, rate in ((f"{tag} 一", 1500), (f"{tag} 二", 1100)):
        made = ok(
            api,
            create,
            {
                "input": {
                    "name": name,
                    "nameKana": "テスト",
                    "hourlyRate": rate,
                    "joinedOn": "2024-04-01",
                }
            },
        )["workerCreate"]
        assert made["errors"] == []
    workers = """
    query($f: WorkerFilter, $o: WorkerOrder) {
      workers(first: 10, filter: $f, orderBy: $o) { totalCount edges { node { name hourlyRate status } } }
    }
    """
    found = ok(api, workers, {"f": {"search": tag}, "o": {"field": "HOURLY_RATE"}})["workers"]
    assert [edge["node"]["hourlyRate"] for edge in found["edges"]] == [1100, 1500]
    assert {edge["node"]["status"] for edge in found["edges"]} == {"APPLICANT"}
    assert (
        ok(api, workers, {"f": {"search": tag, "statuses": ["ACTIVE"]}})["workers"]["totalCount"]
        == 0
    )
    assert (
        ok(api, workers, {"f": {"search": tag, "statuses": ["APPLICANT", "ACTIVE"]}})["workers"][
            "totalCount"
        ]
        == 2
    )
    assert (
        ok(api, workers, {"f": {"search": tag, "skills": ["no-such-skill"]}})["workers"][
            "totalCount"
        ]
        == 0
    )


@pytest.mark.parametrize("first", [0, 101])
def test_first_is_capped(api, first, codes):
    status, body = api(f"{{ orders(first: {first}) {{ totalCount }} }}")
    assert status == 400 and codes(body) == ["bad_input"]


def test_first_is_required(api, codes):
    status, body = api("{ workers { totalCount } }")
    assert status == 400 and codes(body) == ["graphql_validation_failed"]


def test_enum_values_are_the_documented_names(api, fed, in_region):
    status, _body = api("{ orders(first: 1, filter: {statuses: [in_progress]}) { totalCount } }")
    assert status == 400
    with in_region(fed.alpha):  # what the server sees: the seed and rows other tests committed
        counts = {
            value: Order.objects.filter(status=value).count()
            for value in (OrderStatus.IN_PROGRESS, OrderStatus.RECEIVED)
        }
        total = Order.objects.count()
    assert counts[OrderStatus.RECEIVED] >= 1  # the seed's order: a filter matching none shows
    assert counts[OrderStatus.IN_PROGRESS] != total  # and so does a filter ignored
    for value, name in (
        (OrderStatus.IN_PROGRESS, "IN_PROGRESS"),
        (OrderStatus.RECEIVED, "RECEIVED"),
    ):
        data = ok(api, f"{{ orders(first: 1, filter: {{statuses: [{name}]}}) {{ totalCount }} }}")
        assert data["orders"]["totalCount"] == counts[value], (name, counts, total)
