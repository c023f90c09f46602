"""Faults: a database connection killed in the middle of a mutation, a Redis outage.

The kill goes through real HTTP: the test holds a row lock the server's allocation must
wait for AFTER it has already written the regional order and its index row, then ends
the server's backend with pg_terminate_backend from a second connection. Nothing of that
transaction may remain, the next request must work, and `kado index check` must agree.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

import psycopg
import pytest
import requests
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from kado_platform.federation.models import Allocation, FederatedOrder, OrderIndexEntry

CREATE = """mutation ($input: FederatedOrderCreateInput!) {
  federatedOrderCreate(input: $input) { errors { code } federatedOrder { id } } }"""
ALLOCATE = """mutation ($input: AllocationCreateInput!) {
  allocationCreate(input: $input) { errors { field code } federatedOrder { allocatedMinutes } } }"""


def _post(server, fed, query, variables, user="coordinator"):
    return requests.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Host": server.host(fed.hub), "Authorization": f"Bearer {fed.token(user)}"},
        timeout=60,
    )


def _regional_orders(fed, in_region, federated_pk):
    from kado_tenants.orders.models import Order

    with in_region(fed.alpha):
        return list(
            Order.objects.filter(federated_order_id=federated_pk).values_list("pk", "title")
        )


def test_a_connection_killed_mid_allocation_leaves_nothing_half_written(
    http_server, test_database_url, fed, in_region, figures
):
    title = f"trust kill {uuid.uuid4().hex[:8]}"
    created = _post(
        http_server,
        fed,
        CREATE,
        {
            "input": {
                "clientName": f"{title} client",
                "clientKind": "URBAN_COMPANY",
                "title": title,
                "category": "AI_ANNOTATION",
                "contractType": "HOURLY",
                "unitPrice": 1200,
                "totalMinutes": 6000,
                "receivedOn": "2026-04-01",
                "dueOn": "2026-09-30",
            }
        },
    ).json()["data"]["federatedOrderCreate"]
    assert created["errors"] == []
    federated = FederatedOrder.objects.get(title=title)
    allocate = {
        "input": {
            "federatedOrderId": created["federatedOrder"]["id"],
            "region": "alpha",
            "minutes": 600,
        }
    }

    # Hold the allocation's unique key (order, alpha) in an open transaction: the server
    # passes its checks, writes the regional order (and, by trigger, its index row), then
    # waits on this lock when it inserts the allocation.
    holder = psycopg.connect(test_database_url)
    killer = psycopg.connect(test_database_url, autocommit=True)
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                "INSERT INTO public.federation_allocation "
                "(federated_order_id, region_id, minutes, units, amount, order_id, created_at) "
                "VALUES (%s, %s, 1, 1, 1, 2147483000, now())",
                [federated.pk, fed.alpha.pk],
            )
        outcome = {}
        thread = threading.Thread(
            target=lambda: outcome.update(response=_post(http_server, fed, ALLOCATE, allocate))
        )
        thread.start()
        waiting = None
        deadline = time.monotonic() + 30
        while waiting is None and time.monotonic() < deadline:
            with killer.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE %s AND pid <> %s",
                    ["%federation_allocation%", holder.info.backend_pid],
                )
                row = cursor.fetchone()
            waiting = row[0] if row else None
            if waiting is None:
                time.sleep(0.05)
        assert waiting is not None, "the server's allocation never waited on the lock"
        # The regional order was already written inside the server's transaction.
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [waiting])
        thread.join(60)
        holder.rollback()
    finally:
        holder.close()
        killer.close()

    response = outcome["response"]
    figures.note("faults.killed_mutation_answer", response.status_code)
    assert response.status_code in (200, 500, 503)
    body = response.json()
    assert "errors" in body and body.get("data") in (None, {"allocationCreate": None})
    assert "terminat" not in response.text.lower()  # no database message leaks
    # Nothing of the killed transaction: no allocation, no regional order, no index row.
    assert not Allocation.objects.filter(federated_order=federated).exists()
    assert _regional_orders(fed, in_region, federated.pk) == []
    assert not OrderIndexEntry.objects.filter(region=fed.alpha, title=title).exists()

    # The next request works, and writes all three together.
    again = _post(http_server, fed, ALLOCATE, allocate)
    assert again.status_code == 200, again.text
    assert again.json()["data"]["allocationCreate"]["errors"] == []
    [(order_pk, _title)] = _regional_orders(fed, in_region, federated.pk)
    assert Allocation.objects.get(federated_order=federated).order_id == order_pk
    assert OrderIndexEntry.objects.filter(region=fed.alpha, order_id=order_pk).count() == 1
    connection.set_schema_to_public()
    call_command("index", "check")  # raises CommandError if the read model disagrees
    figures.note("faults.killed_mutation", "nothing partial; next request applied; index agrees")


@pytest.fixture
def redis_down(fed):
    from kado_platform.regions.middleware import RegionMiddleware  # noqa: F401

    closed = "redis://127.0.0.1:1/0"  # port 1: nothing listens there
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": closed,
            "KEY_PREFIX": "kado",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=caches, KADO_GRAPHQL_RATE_LIMIT=600):
        yield


def test_a_redis_outage_is_reported_and_loses_no_record(redis_down, fed, in_region, figures):
    from kado_tenants.clients.models import Client as RegionClient

    client = Client(
        HTTP_HOST=fed.alpha.host, HTTP_AUTHORIZATION=f"Bearer {fed.token('alpha_admin')}"
    )
    name = f"trust redis {uuid.uuid4().hex[:8]}"
    records = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        response = client.post(
            "/graphql",
            {
                "query": "mutation ($input: ClientCreateInput!) { clientCreate(input: $input) "
                "{ errors { code } client { id name } } }",
                "variables": {"input": {"name": name, "kind": "LOCAL_COMPANY"}},
            },
            content_type="application/json",
        )
    finally:
        logging.getLogger().removeHandler(handler)
    figures.note("faults.redis_outage_answer", response.status_code)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["clientCreate"]["errors"] == []
    with in_region(fed.alpha):
        assert RegionClient.objects.filter(name=name).count() == 1
    assert any("cache" in record.getMessage().lower() for record in records)
