"""The hub's /graphql: orders across regions, capacity, wide-area orders and reports."""

import datetime
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.test.utils import CaptureQueriesContext

ORDERS = """
query ($first: Int!, $after: String, $filter: OrderFilter, $orderBy: OrderOrderBy) {
  orders(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id reference title clientName clientKind category status amount fiscalYear dueOn
      region { code name }
      progress { loggedMinutes estimatedMinutes ratio }
    } }
  }
}
"""

FEDERATED_CREATE = """
mutation ($input: FederatedOrderCreateInput!) {
  federatedOrderCreate(input: $input) {
    errors { field message code }
    federatedOrder { id reference totalAmount totalMinutes allocatedMinutes }
  }
}
"""

ALLOCATE = """
mutation ($input: AllocationCreateInput!) {
  allocationCreate(input: $input) {
    errors { field message code }
    federatedOrder {
      allocatedMinutes allocatedAmount progress { loggedMinutes estimatedMinutes }
      allocations { region { code } minutes amount orderId status }
    }
  }
}
"""


def _data(response):
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def test_a_coordinator_reads_orders_of_every_region_without_worker_data(graphql_http, fed):
    data = _data(
        graphql_http(
            fed.hub,
            ORDERS,
            as_user="coordinator",
            variables={"first": 50, "filter": {"regions": ["alpha", "beta"], "search": "の注文"}},
        )
    )
    nodes = [edge["node"] for edge in data["orders"]["edges"]]
    by_region = {node["region"]["code"]: node for node in nodes}
    assert by_region["alpha"]["title"] == "アルファの注文"
    assert by_region["beta"]["title"] == "ベータの注文"
    # Same primary key in both regions, different global IDs.
    assert by_region["alpha"]["id"] != by_region["beta"]["id"]
    assert by_region["alpha"]["amount"] == 12000
    assert by_region["alpha"]["category"] == "AI_ANNOTATION"
    assert by_region["alpha"]["fiscalYear"] == 2023
    text = str(data)
    for personal in ("花子", "太郎", "childcare", "秘密"):
        assert personal not in text


def test_filters_narrow_the_orders(graphql_http, fed):
    def count(**filter_):
        data = _data(
            graphql_http(
                fed.hub, ORDERS, as_user="coordinator", variables={"first": 1, "filter": filter_}
            )
        )
        return data["orders"]["totalCount"]

    everything = count()
    assert everything >= 2
    assert count(regions=["beta"], search="ベータの注文") == 1
    assert count(regions=["alpha"], search="ベータの注文") == 0
    assert count(statuses=["CANCELLED"], search="の注文") == 0
    assert count(categories=["AI_ANNOTATION"], search="アルファの注文") == 1
    assert count(clientKinds=["MUNICIPALITY"], search="アルファの注文") == 0
    assert count(fiscalYear=2023, search="アルファの注文") == 1
    assert count(fiscalYear=2022, search="アルファの注文") == 0
    assert count(dueBefore="2023-06-30", dueAfter="2023-06-30", search="アルファの注文") == 1
    assert count(dueBefore="2023-06-29", search="アルファの注文") == 0


def test_region_users_cannot_use_the_hub(graphql_http, fed):
    assert (
        graphql_http(
            fed.hub, "{ orders(first: 1) { totalCount } }", as_user="alpha_admin"
        ).status_code
        == 401
    )


def test_order_drilldown_counts_without_names(graphql_http, fed):
    listing = _data(
        graphql_http(
            fed.hub,
            ORDERS,
            as_user="coordinator",
            variables={"first": 1, "filter": {"regions": ["alpha"], "search": "アルファの注文"}},
        )
    )
    order_id = listing["orders"]["edges"][0]["node"]["id"]
    detail = _data(
        graphql_http(
            fed.hub,
            "query ($id: ID!) { order(id: $id) { assignmentCount monthlyMinutes { month minutes } "
            "order { title region { code } } } }",
            as_user="coordinator",
            variables={"id": order_id},
        )
    )["order"]
    assert detail["order"] == {"title": "アルファの注文", "region": {"code": "alpha"}}
    assert detail["assignmentCount"] == 1
    bad = graphql_http(
        fed.hub, '{ order(id: "bm9wZQ==") { assignmentCount } }', as_user="coordinator"
    ).json()
    assert bad["errors"][0]["extensions"]["code"] == "bad_input"


def test_capacity_is_counts_per_region(graphql_http, fed):
    data = _data(
        graphql_http(
            fed.hub,
            '{ capacity(skills: [], from: "2026-12-01", to: "2026-12-07") '
            "{ region { code } workers minutes } }",
            as_user="coordinator",
        )
    )
    rows = {row["region"]["code"]: row for row in data["capacity"]}
    # Other HTTP tests commit workers too, so the expectation is read from the index.
    from kado_platform.federation.models import WorkerIndexEntry

    for region in (fed.alpha, fed.beta):
        active = WorkerIndexEntry.objects.filter(region=region, status="active").count()
        assert rows[region.code]["workers"] == active >= 2
    backwards = graphql_http(
        fed.hub,
        '{ capacity(skills: [], from: "2026-12-07", to: "2026-12-01") { workers } }',
        as_user="coordinator",
    ).json()
    assert backwards["errors"][0]["extensions"]["code"] == "bad_input"


def _create_federated(graphql_http, fed, **overrides):
    values = {
        "clientName": f"広域クライアント {uuid.uuid4().hex[:8]}",
        "clientKind": "URBAN_COMPANY",
        "title": "画像アノテーション 広域",
        "category": "AI_ANNOTATION",
        "contractType": "HOURLY",
        "unitPrice": 1200,
        "totalMinutes": 6000,
        "receivedOn": "2026-04-01",
        "dueOn": "2026-09-30",
    }
    values.update(overrides)
    return graphql_http(
        fed.hub, FEDERATED_CREATE, as_user="coordinator", variables={"input": values}
    )


def test_a_coordinator_creates_and_allocates_a_federated_order(graphql_http, fed, unique):
    client_name = unique("広域クライアント")
    created = _data(_create_federated(graphql_http, fed, clientName=client_name))[
        "federatedOrderCreate"
    ]
    assert created["errors"] == []
    federated = created["federatedOrder"]
    assert federated["totalAmount"] == 120_000
    result = _data(
        graphql_http(
            fed.hub,
            ALLOCATE,
            as_user="coordinator",
            variables={
                "input": {"federatedOrderId": federated["id"], "region": "alpha", "minutes": 3600}
            },
        )
    )["allocationCreate"]
    assert result["errors"] == []
    [share] = result["federatedOrder"]["allocations"]
    assert share["region"] == {"code": "alpha"} and share["amount"] == 72_000
    assert share["status"] == "RECEIVED"
    # The regional order is among alpha's own orders, under the same global ID.
    regional = _data(
        graphql_http(
            fed.alpha,
            "query ($search: String) { orders(first: 10, filter: {search: $search}) "
            "{ edges { node { id title amount estimatedMinutes client { name } } } } }",
            as_user="alpha_admin",
            variables={"search": client_name},
        )
    )
    assert [edge["node"] for edge in regional["orders"]["edges"]] == [
        {
            "id": share["orderId"],
            "title": "画像アノテーション 広域",
            "amount": 72_000,
            "estimatedMinutes": 3600,
            "client": {"name": client_name},
        }
    ]
    over = _data(
        graphql_http(
            fed.hub,
            ALLOCATE,
            as_user="coordinator",
            variables={
                "input": {"federatedOrderId": federated["id"], "region": "beta", "minutes": 2401}
            },
        )
    )["allocationCreate"]
    assert over["errors"] == [
        {"field": "minutes", "message": over["errors"][0]["message"], "code": "over_allocated"}
    ]
    assert over["federatedOrder"] is None


def test_bad_federated_input_is_a_typed_error_and_writes_nothing(graphql_http, fed):
    before = _data(
        graphql_http(fed.hub, "{ federatedOrders(first: 1) { totalCount } }", as_user="coordinator")
    )
    result = _data(_create_federated(graphql_http, fed, totalMinutes=0, dueOn="2026-03-01"))
    errors = result["federatedOrderCreate"]["errors"]
    assert errors and errors[0]["field"] == "totalMinutes" and errors[0]["code"] == "not_positive"
    after = _data(
        graphql_http(fed.hub, "{ federatedOrders(first: 1) { totalCount } }", as_user="coordinator")
    )
    assert after == before


def test_twenty_coordinators_allocating_at_once_never_over_allocate(graphql_http, fed):
    """20 threads at once ask for 3,500 of the 6,000 minutes, ten for alpha and ten for
    beta: one share fits, a second would pass the total, so exactly one request wins."""
    federated = _data(_create_federated(graphql_http, fed))["federatedOrderCreate"][
        "federatedOrder"
    ]
    regions = ["alpha", "beta"]

    def allocate(index):
        # One share per region is allowed, so the 20 requests race for 2 regions with
        # minutes that would overflow if the lock did not hold.
        return graphql_http(
            fed.hub,
            ALLOCATE,
            as_user="coordinator",
            variables={
                "input": {
                    "federatedOrderId": federated["id"],
                    "region": regions[index % 2],
                    "minutes": 3500,
                }
            },
        ).json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(allocate, range(20)))
    won = [r for r in results if r["data"]["allocationCreate"]["errors"] == []]
    refused_codes = {
        r["data"]["allocationCreate"]["errors"][0]["code"] for r in results if r not in won
    }
    assert len(won) == 1
    assert refused_codes <= {"over_allocated", "already_allocated"}
    final = _data(
        graphql_http(
            fed.hub,
            "query ($id: ID!) { federatedOrder(id: $id) { allocatedMinutes totalMinutes allocations { minutes } } }",
            as_user="coordinator",
            variables={"id": federated["id"]},
        )
    )["federatedOrder"]
    assert final["allocatedMinutes"] == 3500 <= final["totalMinutes"]
    assert len(final["allocations"]) == 1


def test_report_and_trend_for_leadership(graphql_http, fed):
    data = _data(
        graphql_http(
            fed.hub,
            "{ report(fiscalYear: 2023) { fiscalYear amount orders byRegion { region { code } amount } "
            "byCategory { key amount } byMonth { month amount } } "
            "trend(fromFiscalYear: 2022, toFiscalYear: 2024) { fiscalYear amount orders } }",
            as_user="leader",
        )
    )
    report = data["report"]
    regions = {row["region"]["code"]: row["amount"] for row in report["byRegion"]}
    assert regions["alpha"] >= 12000 and regions["beta"] >= 12000
    assert len(report["byMonth"]) == 12
    assert report["byMonth"][0]["month"] == "2023-04-01"
    assert [point["fiscalYear"] for point in data["trend"]] == [2022, 2023, 2024]
    assert data["trend"][1]["amount"] == report["amount"]


def test_a_page_of_100_orders_costs_the_same_queries_as_a_page_of_10(fed, web, in_region):
    from kado_tenants.clients.models import Client
    from kado_tenants.orders.models import Order

    with in_region(fed.alpha):
        client = Client.objects.first()
        Order.objects.bulk_create(
            [
                Order(
                    reference=f"Q-{n:05d}",
                    client=client,
                    title=f"件数テスト{n}",
                    category="data_entry",
                    unit_price=1000,
                    estimated_minutes=60,
                    amount=1000,
                    received_on=datetime.date(2024, 5, 1),
                    due_on=datetime.date(2024, 6, 1),
                )
                for n in range(120)
            ]
        )
    browser = web(fed.hub, fed.user("coordinator"))

    def queries_for(first):
        with CaptureQueriesContext(connection) as captured:
            response = browser.post(
                "/graphql",
                {
                    "query": ORDERS,
                    "variables": {"first": first, "filter": {"search": "件数テスト"}},
                },
                content_type="application/json",
            )
        assert response.status_code == 200
        assert len(response.json()["data"]["orders"]["edges"]) == first
        return len(captured)

    assert queries_for(10) == queries_for(100)


def test_money_past_two_billion_yen_is_exact(graphql_http, fed):
    """GraphQL's Int stops at 2^31 − 1; a year's federation total passes it: Yen does not."""
    big = 3_000_000_000
    created = _data(
        _create_federated(
            graphql_http,
            fed,
            unitPrice=1_000_000,
            totalUnits=3_000,
            contractType="PER_DELIVERABLE",
            totalMinutes=60,
        )
    )["federatedOrderCreate"]
    assert created["errors"] == []
    assert created["federatedOrder"]["totalAmount"] == big


REGION_CLIENT_CREATE = """
mutation ($input: ClientCreateInput!) {
  clientCreate(input: $input) { client { id } errors { code } }
}
"""
REGION_ORDER_CREATE = """
mutation ($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { id } errors { field code } }
}
"""


def test_order_by_sorts_the_regions_orders_and_the_index_agrees(graphql_http, fed):
    from kado_platform.federation.index import index_differences

    tag = f"Sort-{uuid.uuid4().hex[:8]}"
    client = graphql_http(
        fed.alpha,
        REGION_CLIENT_CREATE,
        as_user="alpha_admin",
        variables={"input": {"name": f"{tag} 商事", "kind": "LOCAL_COMPANY"}},
    ).json()["data"]["clientCreate"]
    assert client["errors"] == []
    # (title, unit price, received, due): each of the six orderings gives another sequence.
    for title, price, received, due in (
        ("a", 1_500, "2024-04-10", "2024-12-31"),
        ("b", 3_000, "2024-05-01", "2024-07-31"),
        ("c", 900, "2024-06-20", "2024-09-30"),
    ):
        made = graphql_http(
            fed.alpha,
            REGION_ORDER_CREATE,
            as_user="alpha_admin",
            variables={
                "input": {
                    "clientId": client["client"]["id"],
                    "title": f"{tag} {title}",
                    "category": "DATA_ENTRY",
                    "contractType": "HOURLY",
                    "unitPrice": price,
                    "estimatedMinutes": 60,
                    "receivedOn": received,
                    "dueOn": due,
                }
            },
        ).json()["data"]["orderCreate"]
        assert made["errors"] == []

    def titles(order_by):
        body = graphql_http(
            fed.hub,
            ORDERS,
            as_user="coordinator",
            variables={"first": 10, "filter": {"search": tag}, "orderBy": order_by},
        ).json()
        return [edge["node"]["title"][-1] for edge in body["data"]["orders"]["edges"]]

    assert titles("RECEIVED_DESC") == ["c", "b", "a"]
    assert titles("RECEIVED_ASC") == ["a", "b", "c"]
    assert titles("DUE_ASC") == ["b", "c", "a"]
    assert titles("DUE_DESC") == ["a", "c", "b"]
    assert titles("AMOUNT_DESC") == ["b", "a", "c"]
    assert titles("AMOUNT_ASC") == ["c", "a", "b"]
    # The region's writes went through its API; the read model matches its tables.
    assert index_differences(fed.alpha) == []
