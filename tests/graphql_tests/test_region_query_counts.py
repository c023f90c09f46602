"""A page of orders costs the same number of SQL queries whether it holds 10 or 100.

In process (django.test.Client on alpha's host, with the region admin's bearer token)
inside a test transaction, so the 110 orders made here are rolled back afterwards.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGE = """
query($first: Int!) {
  orders(first: $first, filter: {search: "計数の注文"}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id reference status amount fiscalYear allowedTransitions
        client { id name kind }
        assignments { id loggedMinutes worker { id name } }
        progress { loggedMinutes estimatedMinutes }
      }
    }
  }
}
"""
ORDERS = 110


def _data_queries(context) -> list[str]:
    """SQL that reads or writes data: django-tenants' SET search_path and savepoints aside."""
    return [
        query["sql"]
        for query in context.captured_queries
        if not query["sql"].upper().startswith(("SET ", "SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.fixture
def many_orders(fed, in_region):
    """110 orders in alpha, each with the seed's two active workers, half with work."""
    from kado_tenants.clients.services import client_create
    from kado_tenants.orders.services import assignment_create, order_create, worklog_record
    from kado_tenants.workforce.selectors import worker_list

    with in_region(fed.alpha):
        workers = list(worker_list(statuses=["active"], search="アルファ"))
        clients = [client_create(name=f"計数 {n}", kind="local_company") for n in range(5)]
        for n in range(ORDERS):
            order = order_create(
                client=clients[n % len(clients)],
                title=f"計数の注文 {n}",
                category="data_entry",
                contract_type="hourly",
                unit_price=1000 + n,
                estimated_minutes=600,
                received_on=datetime.date(2025, 4, 1) + datetime.timedelta(days=n % 200),
                due_on=datetime.date(2026, 3, 31),
            )
            for worker in workers:
                assignment = assignment_create(
                    order=order, worker=worker, assigned_on=order.received_on
                )
            if n % 2 == 0:
                worklog_record(assignment=assignment, work_date=order.received_on, minutes=30)
    return workers


def _page(fed, first):
    client = Client(
        HTTP_HOST=fed.alpha.host, HTTP_AUTHORIZATION=f"Bearer {fed.token('alpha_admin')}"
    )
    with CaptureQueriesContext(connection) as context:
        response = client.post(
            "/graphql",
            json.dumps({"query": PAGE, "variables": {"first": first}}),
            content_type="application/json",
        )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]["orders"], _data_queries(context)


def test_a_page_of_100_orders_costs_the_queries_of_a_page_of_10(fed, many_orders):
    assert len(many_orders) == 2
    _page(fed, 1)  # a token's first use is recorded once: not a cost of the page
    small, small_queries = _page(fed, 10)
    large, large_queries = _page(fed, 100)
    assert len(small["edges"]) == 10 and len(large["edges"]) == 100
    assert large["totalCount"] == ORDERS
    assert all(len(edge["node"]["assignments"]) == 2 for edge in large["edges"])
    assert all(edge["node"]["client"]["name"].startswith("計数") for edge in large["edges"])
    logged = {edge["node"]["progress"]["loggedMinutes"] for edge in large["edges"]}
    assert logged == {0, 30}
    print(
        f"\nSQL queries: orders(first: 10) {len(small_queries)}, (first: 100) {len(large_queries)}"
    )
    assert len(large_queries) == len(small_queries), "\n".join(large_queries)
    # Authentication, the page (orders with client and logged minutes), its assignments
    # with their workers and minutes, and the count: a handful, never one per order.
    assert len(large_queries) <= 10, "\n".join(large_queries)
