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


def _page(fed, first, data_queries):
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
    return body["data"]["orders"], data_queries(context)


def test_a_page_of_100_orders_costs_the_queries_of_a_page_of_10(fed, many_orders, data_queries):
    assert len(many_orders) == 2
    _page(fed, 1, data_queries)  # a token's first use is recorded once: not a cost of the page
    small, small_queries = _page(fed, 10, data_queries)
    large, large_queries = _page(fed, 100, data_queries)
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


# --- payout statements with their lines, orders with their 3条通知 ----------------------------

ITEMS = 10


def _post(fed, query, variables, data_queries):
    client = Client(
        HTTP_HOST=fed.alpha.host, HTTP_AUTHORIZATION=f"Bearer {fed.token('alpha_admin')}"
    )
    with CaptureQueriesContext(connection) as context:
        response = client.post(
            "/graphql",
            json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"], data_queries(context)


STATEMENTS = """
query($first: Int!) {
  payoutStatements(first: $first, filter: {month: "2025-05-01"}) {
    totalCount
    edges {
      node {
        id workerId workerName month status netAmount transferDate risk
        lines { kind orderReference category description minutes unitPrice amount receivedOn }
      }
    }
  }
}
"""
# Commissioned after the Freelance Act came into force: each assignment issues its notice.
ACT_MONTH = {"received_on": datetime.date(2025, 5, 1), "due_on": datetime.date(2025, 5, 31)}


@pytest.fixture
def many_statements(fed, in_region, maker):
    """ITEMS workers of alpha, each with a May 2025 statement of two lines (two orders)."""
    from kado_tenants.orders.services import worklog_approve, worklog_record
    from kado_tenants.payouts.services import payout_statements_generate

    admin = fed.user("alpha_admin")
    make = maker(acting_user=admin)
    with in_region(fed.alpha):
        orders = [make.order(title=f"明細の注文 {n}", **ACT_MONTH) for n in range(2)]
        for n in range(ITEMS):
            worker = make.active_worker(name=f"明細 花子{n}", hourly_rate=1_000 + n)
            for order in orders:
                entry = worklog_record(
                    assignment=make.assignment(order=order, worker=worker),
                    work_date=datetime.date(2025, 5, 12),
                    minutes=60,
                )
                worklog_approve(work_log=entry, acting_user=admin)
        statements = payout_statements_generate(month=datetime.date(2025, 5, 1), acting_user=admin)
    return {"count": len(statements), "references": {order.reference for order in orders}}


def test_a_page_of_10_statements_with_lines_costs_the_queries_of_a_page_of_2(
    fed, many_statements, data_queries
):
    assert many_statements["count"] == ITEMS
    _post(fed, STATEMENTS, {"first": 1}, data_queries)  # a token's first use is recorded once
    small, small_queries = _post(fed, STATEMENTS, {"first": 2}, data_queries)
    large, large_queries = _post(fed, STATEMENTS, {"first": ITEMS}, data_queries)
    small, large = small["payoutStatements"], large["payoutStatements"]
    assert len(small["edges"]) == 2 and len(large["edges"]) == ITEMS
    assert large["totalCount"] == ITEMS
    assert all(len(edge["node"]["lines"]) == 2 for edge in large["edges"])
    references = {
        line["orderReference"] for edge in large["edges"] for line in edge["node"]["lines"]
    }
    assert references == many_statements["references"]
    assert all(edge["node"]["workerName"].startswith("明細") for edge in large["edges"])
    print(
        f"\nSQL queries: payoutStatements(first: 2) {len(small_queries)}, "
        f"(first: {ITEMS}) {len(large_queries)}"
    )
    assert len(large_queries) == len(small_queries), "\n".join(large_queries)


NOTICES = """
query($first: Int!) {
  orders(first: $first, filter: {search: "通知の注文"}) {
    totalCount
    edges {
      node {
        id reference
        assignments {
          id assignedOn
          worker { id name }
          commissionNotice {
            id assignmentId commissionedOn deliveryOn paymentDueOn hourlyRate amount body
          }
        }
      }
    }
  }
}
"""


@pytest.fixture
def many_notices(fed, in_region, maker):
    """ITEMS orders of alpha commissioned under the Act, each assigned to two workers (so
    each assignment has its 3条通知)."""
    from kado_tenants.payouts.models import CommissionNotice

    make = maker(acting_user=fed.user("alpha_admin"))
    with in_region(fed.alpha):
        workers = [make.active_worker(name=f"通知 太郎{n}") for n in range(2)]
        for n in range(ITEMS):
            order = make.order(title=f"通知の注文 {n}", **ACT_MONTH)
            for worker in workers:
                make.assignment(order=order, worker=worker)
        return CommissionNotice.objects.filter(
            assignment__order__title__startswith="通知の注文"
        ).count()


def test_a_page_of_10_orders_with_their_notices_costs_the_queries_of_a_page_of_2(
    fed, many_notices, data_queries
):
    assert many_notices == 2 * ITEMS
    _post(fed, NOTICES, {"first": 1}, data_queries)  # a token's first use is recorded once
    small, small_queries = _post(fed, NOTICES, {"first": 2}, data_queries)
    large, large_queries = _post(fed, NOTICES, {"first": ITEMS}, data_queries)
    small, large = small["orders"], large["orders"]
    assert len(small["edges"]) == 2 and len(large["edges"]) == ITEMS
    assert large["totalCount"] == ITEMS
    assignments = [a for edge in large["edges"] for a in edge["node"]["assignments"]]
    assert len(assignments) == 2 * ITEMS
    assert all(a["commissionNotice"]["assignmentId"] == a["id"] for a in assignments)
    assert all("業務委託をした日" in a["commissionNotice"]["body"] for a in assignments)
    print(
        f"\nSQL queries: orders with notices (first: 2) {len(small_queries)}, "
        f"(first: {ITEMS}) {len(large_queries)}"
    )
    assert len(large_queries) == len(small_queries), "\n".join(large_queries)
