"""`SET search_path` once per connection and region (TENANT_LIMIT_SET_CALLS), never stale.

With the setting on, django-tenants trusts that a path it set is still the session's.
PostgreSQL undoes a `SET` made inside a transaction or savepoint that rolls back, so each
test sets a region's path inside one, rolls it back, and asks the server which path it
now has: it must be the region's again, or the next query would read another schema.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from kado_tenants.orders.models import Order


class _Undo(Exception):
    pass


def _server_search_path(on=connection) -> str:
    with on.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        return cursor.fetchone()[0]


def _title_of_first_order(on) -> str:
    with on.cursor() as cursor:
        cursor.execute("SELECT title FROM orders_order WHERE reference = '2023-0001'")
        return cursor.fetchone()[0]


def _set_inside_then_roll_back(region) -> None:
    with pytest.raises(_Undo), transaction.atomic():
        connection.set_tenant(region)  # after the SAVEPOINT, so the SET comes inside it
        assert Order.objects.filter(reference="2023-0001").exists()
        raise _Undo


def test_the_setting_is_on():
    assert settings.TENANT_LIMIT_SET_CALLS is True


def test_a_rolled_back_transaction_does_not_leave_a_stale_path(fed):
    # A connection of its own, outside the test's transaction, so that the rollback below
    # ends a real transaction (`transactional_db` would flush the shared federation).
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        other.set_schema_to_public()
        assert _server_search_path(other) == "public"
        other.set_tenant(fed.alpha)
        other.set_autocommit(False)
        assert _title_of_first_order(other) == "アルファの注文"
        other.rollback()  # PostgreSQL undoes the SET made in the transaction
        other.set_autocommit(True)
        assert _server_search_path(other) == f"{fed.alpha.schema_name}, public"
        assert _title_of_first_order(other) == "アルファの注文"
    finally:
        other.close()


def test_a_rolled_back_savepoint_does_not_leave_a_stale_path(fed):
    # `db` runs the test in a transaction: the atomic block below is a savepoint.
    connection.set_tenant(fed.beta)
    assert _server_search_path() == f"{fed.beta.schema_name}, public"
    _set_inside_then_roll_back(fed.alpha)
    assert _server_search_path() == f"{fed.alpha.schema_name}, public"
    connection.set_schema_to_public()
    assert _server_search_path() == "public"


def test_the_path_is_set_once_per_region_not_per_query(fed):
    connection.set_tenant(fed.alpha)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            list(Order.objects.all())
        connection.set_tenant(fed.beta)
        list(Order.objects.all())
    statements = [query["sql"] for query in captured.captured_queries]
    sets = [sql for sql in statements if sql.startswith("SET search_path")]
    assert sets == [
        f'SET search_path = "{fed.alpha.schema_name}","public"',
        f'SET search_path = "{fed.beta.schema_name}","public"',
    ]
    assert len(statements) == 6
    connection.set_schema_to_public()


ALPHA, BETA = "アルファの注文", "ベータの注文"  # the seed's order in each region


def _titles(client):
    # The seed's orders by name: other tests may have committed more rows in the regions.
    query = '{ orders(first: 20, filter: {search: "の注文"}) { edges { node { title } } } }'
    response = client.post(
        "/graphql", json.dumps({"query": query}), content_type="application/json"
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return sorted(edge["node"]["title"] for edge in body["data"]["orders"]["edges"])


def test_one_connection_serving_regions_and_the_hub_in_turn_reads_each_ones_rows(fed, web):
    # In-process requests share this test's connection: each must set its own path.
    alpha = web(fed.alpha, fed.user("alpha_admin"))
    beta = web(fed.beta, fed.user("beta_admin"))
    hub = web(fed.hub, fed.user("coordinator"))
    refused_write = json.dumps(
        {
            "query": 'mutation { clientCreate(input: {name: "", kind: LOCAL_COMPANY}) { errors { code } } }'
        }
    )
    for _ in range(2):
        seen = _titles(alpha)
        assert ALPHA in seen and BETA not in seen
        assert _server_search_path() == f"{fed.alpha.schema_name}, public"
        seen = _titles(hub)
        assert ALPHA in seen and BETA in seen
        assert _server_search_path() == "public"
        seen = _titles(beta)
        assert BETA in seen and ALPHA not in seen
        # A refused write rolls its transaction back: the next request still reads beta's.
        refused = beta.post("/graphql", refused_write, content_type="application/json")
        assert refused.json()["data"]["clientCreate"]["errors"]
        seen = _titles(beta)
        assert BETA in seen and ALPHA not in seen
        assert _server_search_path() == f"{fed.beta.schema_name}, public"
    connection.set_schema_to_public()


def test_a_new_thread_starts_on_public_whatever_region_its_parent_is_in(fed, django_db_blocker):
    """Django gives each thread its own connection: a thread started by code that is in a
    region (a pool, a library's worker) begins on public, where no region table exists, and
    must choose its region itself; it never inherits the parent's."""
    import threading

    from django.db.utils import ProgrammingError

    connection.set_tenant(fed.alpha)
    assert _title_of_first_order(connection) == "アルファの注文"
    seen = {}

    def child():
        try:
            with django_db_blocker.unblock():
                seen["schema"] = connection.schema_name
                seen["path"] = _server_search_path()
                try:
                    _title_of_first_order(connection)
                except ProgrammingError:
                    seen["region_table"] = "missing"
        finally:
            connection.close()

    thread = threading.Thread(target=child)
    thread.start()
    thread.join()
    assert seen == {"schema": "public", "path": "public", "region_table": "missing"}
    assert connection.schema_name == fed.alpha.schema_name  # the parent keeps its region
