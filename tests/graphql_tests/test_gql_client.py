"""The API through a real GraphQL client: gql's `Client` over `RequestsHTTPTransport`,
against the live test server, as a program calling KADO would.

The client checks documents against the published SDL before sending, follows cursors
page by page, reads typed mutation errors as data and raises `TransportQueryError` on a
refusal. Writes through HTTP are committed in the session's test database: every test
names its rows uniquely and reads back only those."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

from graphql import GraphQLError

SCHEMAS = Path(__file__).resolve().parents[2] / "graphql"
HUB_SDL = (SCHEMAS / "schema.hub.graphql").read_text()
REGION_SDL = (SCHEMAS / "schema.region.graphql").read_text()

ERRORS = "errors { field message code }"

HUB_ORDERS = """
query Orders($first: Int!, $after: String, $filter: OrderFilter) {
  orders(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id reference title region { code } } }
  }
}
"""

CLIENT_CREATE = f"""
mutation NewClient($input: ClientCreateInput!) {{
  clientCreate(input: $input) {{ client {{ id name kind }} {ERRORS} }}
}}
"""

ORDER_CREATE = f"""
mutation NewOrder($input: OrderCreateInput!) {{
  orderCreate(input: $input) {{ order {{ id reference amount status }} {ERRORS} }}
}}
"""


def request(document: str, **variables) -> GraphQLRequest:
    return GraphQLRequest(document, variable_values=variables or None)


@pytest.fixture
def connect(http_server, fed):
    """`with connect(region, user, schema=SDL) as (session, sent):` a gql session on the
    region's (or the hub's) host with the user's bearer token; `sent` lists the status of
    every HTTP response the session got, so a test can tell what reached the server."""

    @contextlib.contextmanager
    def _connect(region, user, *, schema=None):
        transport = RequestsHTTPTransport(
            url=f"{http_server.url}/graphql",
            headers={
                "Host": http_server.host(region),
                "Authorization": f"Bearer {fed.token(user)}",
            },
            timeout=30,
        )
        client = Client(transport=transport, schema=schema)
        with client as session:
            sent: list[int] = []
            transport.session.hooks["response"].append(
                lambda response, *args, **kwargs: sent.append(response.status_code)
            )
            yield session, sent

    return _connect


def _region_orders(connect, region, user, tag: str, received_on: list[str]) -> set[str]:
    """Orders titled `<tag> <n>` made in a region through its own API, as its admin."""
    made = set()
    with connect(region, user, schema=REGION_SDL) as (session, _sent):
        created = session.execute(
            request(CLIENT_CREATE, input={"name": f"{tag} 商事", "kind": "LOCAL_COMPANY"})
        )["clientCreate"]
        assert created["errors"] == []
        for number, day in enumerate(received_on):
            result = session.execute(
                request(
                    ORDER_CREATE,
                    input={
                        "clientId": created["client"]["id"],
                        "title": f"{tag} {number}",
                        "category": "DATA_ENTRY",
                        "contractType": "HOURLY",
                        "unitPrice": 1500,
                        "estimatedMinutes": 60,
                        "receivedOn": day,
                        "dueOn": "2025-03-31",
                    },
                )
            )["orderCreate"]
            assert result["errors"] == []
            made.add(result["order"]["id"])
    return made


def test_a_coordinator_walks_the_hub_orders_page_by_page(connect, fed, unique):
    tag = unique("Gql")
    # Several on the same day: the cursor must hold across ties of the sort key.
    days = ["2024-05-01", "2024-05-01", "2024-05-01", "2024-06-01"]
    made = _region_orders(connect, fed.alpha, "alpha_admin", tag, days)
    made |= _region_orders(connect, fed.beta, "beta_admin", tag, days[:3])
    assert len(made) == 7
    mine = {"search": tag}

    with connect(fed.hub, "coordinator", schema=HUB_SDL) as (session, _sent):
        whole = session.execute(request(HUB_ORDERS, first=100, filter=mine))["orders"]
        assert whole["pageInfo"]["hasNextPage"] is False
        everything = [edge["node"]["id"] for edge in whole["edges"]]

        walked, pages, after = [], 0, None
        while True:
            page = session.execute(request(HUB_ORDERS, first=3, after=after, filter=mine))["orders"]
            pages += 1
            assert page["totalCount"] == whole["totalCount"]
            assert len(page["edges"]) <= 3
            walked += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
            assert pages < 10, "the cursor does not move on"

    assert pages == 3
    assert walked == everything
    assert len(set(walked)) == len(walked) == whole["totalCount"] == 7
    assert set(walked) == made
    regions = {edge["node"]["region"]["code"] for edge in whole["edges"]}
    assert regions == {"alpha", "beta"}


def test_the_client_refuses_a_field_the_schema_lacks_before_sending(connect, fed):
    with connect(fed.hub, "coordinator", schema=HUB_SDL) as (session, sent):
        with pytest.raises(GraphQLError, match="workerName"):
            session.execute(request("{ orders(first: 1) { edges { node { id workerName } } } }"))
        with pytest.raises(GraphQLError, match="first"):
            session.execute(request("{ orders { totalCount } }"))
        assert sent == []
        # The same client sends what the schema has, and the server answers it.
        data = session.execute(request("{ orders(first: 1) { totalCount } }"))
        assert data["orders"]["totalCount"] >= 2
        assert sent == [200]
    # Without the schema, the same document reaches the server, which refuses it.
    with connect(fed.hub, "coordinator") as (session, sent):
        with pytest.raises(TransportQueryError) as refused:
            session.execute(request("{ orders(first: 1) { edges { node { id workerName } } } }"))
        assert sent == [400]
        assert "workerName" in refused.value.errors[0]["message"]


def test_a_refused_mutation_is_typed_data_and_writes_nothing(connect, fed, unique):
    count = "{ federatedOrders(first: 1) { totalCount } }"
    with connect(fed.hub, "coordinator", schema=HUB_SDL) as (session, _sent):
        before = session.execute(request(count))["federatedOrders"]["totalCount"]
        result = session.execute(
            request(
                f"""mutation ($input: FederatedOrderCreateInput!) {{
                      federatedOrderCreate(input: $input) {{ federatedOrder {{ id }} {ERRORS} }}
                    }}""",
                input={
                    "clientName": unique("株式会社"),
                    "clientKind": "URBAN_COMPANY",
                    "title": "3次元地図 点群編集",
                    "category": "HD_MAP",
                    "contractType": "HOURLY",
                    "unitPrice": 1500,
                    "totalMinutes": 0,
                    "receivedOn": "2026-12-01",
                    "dueOn": "2027-03-31",
                },
            )
        )["federatedOrderCreate"]
        assert result["federatedOrder"] is None
        [error] = result["errors"]
        assert (error["field"], error["code"]) == ("totalMinutes", "not_positive")
        assert error["message"]
        assert session.execute(request(count))["federatedOrders"]["totalCount"] == before


def test_a_refused_field_raises_with_its_permission_code(connect, fed):
    orders = "{ orders(first: 1) { totalCount } }"
    # A leader is on the hub but may not list orders: the field is refused.
    with connect(fed.hub, "leader", schema=HUB_SDL) as (session, sent):
        with pytest.raises(TransportQueryError) as refused:
            session.execute(request(orders))
        assert sent == [200]
        assert [error["extensions"]["code"] for error in refused.value.errors] == [
            "permission_denied"
        ]
        assert refused.value.errors[0]["path"] == ["orders"]
    # A region admin's token is not valid on the hub at all: HTTP 401, before any field.
    with connect(fed.hub, "alpha_admin", schema=HUB_SDL) as (session, sent):
        with pytest.raises(TransportQueryError) as refused:
            session.execute(request(orders))
        assert sent == [401]
        assert refused.value.errors[0]["extensions"]["code"] == "unauthenticated"
        assert refused.value.data is None


def test_a_region_admin_creates_an_order_and_reads_it_back(connect, fed, unique):
    title = unique("Gql")
    with connect(fed.alpha, "alpha_admin", schema=REGION_SDL) as (session, _sent):
        client = session.execute(
            request(CLIENT_CREATE, input={"name": f"{title} 市役所", "kind": "MUNICIPALITY"})
        )["clientCreate"]
        assert client["errors"] == []
        created = session.execute(
            request(
                ORDER_CREATE,
                input={
                    "clientId": client["client"]["id"],
                    "title": title,
                    "category": "BACK_OFFICE",
                    "contractType": "HOURLY",
                    "unitPrice": 1500,
                    "estimatedMinutes": 90,
                    "receivedOn": "2024-05-01",
                    "dueOn": "2024-06-30",
                },
            )
        )["orderCreate"]
        assert created["errors"] == []
        order = created["order"]
        assert order["amount"] == 2250 and order["status"] == "RECEIVED"

        read = session.execute(
            request(
                """query ($id: ID!) { order(id: $id) {
                     id reference title amount status fiscalYear receivedOn dueOn
                     client { id name kind } } }""",
                id=order["id"],
            )
        )["order"]
        assert read == {
            "id": order["id"],
            "reference": order["reference"],
            "title": title,
            "amount": 2250,
            "status": "RECEIVED",
            "fiscalYear": 2024,
            "receivedOn": "2024-05-01",
            "dueOn": "2024-06-30",
            "client": client["client"],
        }
        listed = session.execute(
            request(
                "query ($s: String) { orders(first: 5, filter: {search: $s}) "
                "{ totalCount edges { node { id } } } }",
                s=title,
            )
        )["orders"]
        assert listed == {"totalCount": 1, "edges": [{"node": {"id": order["id"]}}]}
