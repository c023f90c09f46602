"""Each protection of /graphql refuses with a clear error and a fitting status, never 500.

Most tests go over real HTTP to the test gunicorn (DEBUG=1, settings from its env).
Where a test needs other settings — production mode (DEBUG off), a tiny rate limit — it
uses Django's in-process test client with `override_settings`: the view reads
settings.DEBUG and every limit on each request (a view instance is made per request),
so this runs the same code a production process would, through the same middleware.
Connections, cursors and dates have no field in the schemas yet, so a test-only schema
is executed through KadoGraphQLView in-process.
"""

from __future__ import annotations

import datetime
import json
import logging

import graphene
import pytest
import requests
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from graphql import get_introspection_query
from kado_graphql.core.connections import KadoConnection, KadoConnectionField, encode_cursor
from kado_graphql.core.types import PUBLIC, KadoObjectType
from kado_graphql.views import KadoGraphQLView

TOKEN_USER = "alpha_admin"


@pytest.fixture
def post(graphql_http, fed):
    """POST a query to alpha over real HTTP as the region admin; (status, json)."""

    def _post(query, variables=None, **kwargs):
        kwargs.setdefault("as_user", TOKEN_USER)
        response = graphql_http(fed.alpha, query, variables=variables, **kwargs)
        return response.status_code, response.json()

    return _post


def raw_post(http_server, fed, body: bytes, content_type: str, token_user=TOKEN_USER):
    headers = {"Content-Type": content_type}
    if token_user:
        headers["Authorization"] = f"Bearer {fed.token(token_user)}"
    return http_server.session(fed.alpha).post(
        f"{http_server.url}/graphql", data=body, headers=headers, timeout=30
    )


# --- Shape of the document ------------------------------------------------------------


def test_a_too_deep_query_is_refused_before_validation(post, codes):
    query = "{ " + "a { " * 15 + "b" + " }" * 15 + " }"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["query_too_deep"]


def test_alias_overloading_is_refused(post, codes):
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(50)) + " }"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["too_many_aliases"]


def test_field_duplication_is_refused(post, codes):
    query = "query cop { " + "__typename " * 500 + "}"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["duplicated_fields"]


def test_directive_overloading_is_refused_with_one_error(post, codes):
    query = "query cop { __typename " + "@aa" * 10 + " }"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["too_many_directives"]


def test_a_query_over_the_cost_limit_is_refused(post, codes):
    # 4 × (1 + 100 edges + 100 nodes + 100 workers × (1 + 10 skills × 3 fields)) > 10000
    one = "workers(first: 100) { edges { node { skills { name code nameEn } } } }"
    query = "{ " + " ".join(f"w{i}: {one}" for i in range(4)) + " }"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["query_too_costly"]
    status, body = post("{ " + one + " }")
    assert status == 200, body


def test_the_cost_counts_first_given_as_a_variable(post, codes):
    one = "workers(first: $n) { edges { node { skills { name code nameEn } } } }"
    query = "query($n: Int!) { " + " ".join(f"w{i}: {one}" for i in range(4)) + " }"
    status, body = post(query, {"n": 100})
    assert status == 400
    assert codes(body) == ["query_too_costly"]
    status, body = post(query, {"n": 2})
    assert status == 200, body


def test_circular_introspection_is_refused_even_in_development(post, codes):
    query = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["circular_introspection"]
    # Also when the cycle goes through fragments.
    query = (
        "{ __schema { types { ...T } } } "
        "fragment T on __Type { fields { type { ...U } } } "
        "fragment U on __Type { fields { name } }"
    )
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["circular_introspection"]


def test_graphiqls_introspection_query_works_in_development(post):
    status, body = post(get_introspection_query(descriptions=True))
    assert status == 200, body
    assert body["data"]["__schema"]["queryType"]["name"] == "RegionQuery"


# --- Size and parsing -----------------------------------------------------------------


def test_the_token_limit_stops_parsing(post, codes):
    query = "{ " + "__typename " * 2100 + "}"
    status, body = post(query)
    assert status == 400
    assert codes(body) == ["query_too_large"]


def test_an_oversized_body_is_413_before_parsing(http_server, fed, codes):
    body = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * 200_000}})
    response = raw_post(http_server, fed, body.encode(), "application/json")
    assert response.status_code == 413
    assert codes(response.json()) == ["query_too_large"]


def test_malformed_queries_are_400_with_a_parse_error(post, codes):
    status, body = post("{ workers { id ")
    assert status == 400
    assert codes(body) == ["graphql_parse_failed"]
    assert "Syntax Error" in body["errors"][0]["message"]


def test_unknown_fields_and_wrong_types_are_400(post, codes):
    status, body = post("{ workerz { id } }")
    assert status == 400
    assert codes(body) == ["graphql_validation_failed"]
    status, body = post('{ workers(first: "ten") { id } }')
    assert status == 400
    status, body = post("query($n: Int!) { workers(first: $n) { totalCount } }", {"n": "ten"})
    assert status == 400
    assert codes(body) == ["bad_input"]
    assert "data" not in body


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"null",
        b"[]",
        b"{}",
        b'"query"',
        b'{"query": 5}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "operationName": 7}',
        b'{"query": "{ __typename }", "operationName": "Nope"}',
        b"\xff\xfe{",
        b"{not json",
    ],
)
def test_bad_bodies_are_400_never_500(http_server, fed, payload):
    response = raw_post(http_server, fed, payload, "application/json")
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"]


# --- Transport ------------------------------------------------------------------------


def test_batching_is_refused(http_server, fed, codes):
    body = json.dumps([{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    response = raw_post(http_server, fed, body.encode(), "application/json")
    assert response.status_code == 400
    assert codes(response.json()) == ["batching_not_supported"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"query=%7B__typename%7D", "application/x-www-form-urlencoded"),
        (
            b'--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n{__typename}\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
        (b'{"query": "{ __typename }"}', "text/plain"),
        (b"{ __typename }", "application/graphql"),
    ],
)
def test_only_json_posts_are_accepted(http_server, fed, body, content_type, codes):
    # Forms and text/plain are what a cross-site page can send without a preflight.
    for token_user in (TOKEN_USER, None):
        response = raw_post(http_server, fed, body, content_type, token_user=token_user)
        assert response.status_code == 415
        assert codes(response.json()) == ["unsupported_media_type"]


def test_query_in_the_url_of_a_post_is_ignored(http_server, fed):
    response = http_server.session(fed.alpha).post(
        f"{http_server.url}/graphql?query=%7B__typename%7D",
        json={"query": "{ region { code } }"},
        headers={"Authorization": f"Bearer {fed.token(TOKEN_USER)}"},
        timeout=10,
    )
    assert response.json() == {"data": {"region": {"code": "alpha"}}}


def test_graphiql_is_served_in_development_only_on_get(http_server, fed):
    response = http_server.session(fed.alpha).get(
        f"{http_server.url}/graphql", headers={"Accept": "text/html"}, timeout=10
    )
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


# --- Production mode (in process, DEBUG off) ----------------------------------------


@pytest.fixture
def production(fed):
    cache.clear()
    with override_settings(DEBUG=False):
        yield Client(HTTP_HOST=fed.alpha.host, HTTP_AUTHORIZATION=f"Bearer {fed.token(TOKEN_USER)}")
    cache.clear()


def _json(client, query):
    response = client.post("/graphql", {"query": query}, content_type="application/json")
    return response.status_code, response.json()


def test_introspection_is_off_in_production(production, codes):
    status, body = _json(production, get_introspection_query())
    assert status == 400
    assert "introspection_disabled" in codes(body)
    status, body = _json(production, '{ __type(name: "Worker") { name } }')
    assert status == 400
    assert codes(body) == ["introspection_disabled"]
    # __typename is not introspection: clients add it everywhere.
    status, body = _json(production, "{ __typename region { code } }")
    assert status == 200
    assert body["data"] == {"__typename": "RegionQuery", "region": {"code": "alpha"}}


def test_graphiql_is_off_in_production(production):
    response = production.get("/graphql", HTTP_ACCEPT="text/html")
    assert response.status_code == 405
    assert b"graphiql" not in response.content.lower()


def test_field_suggestions_do_not_spell_out_the_schema_in_production(production):
    status, body = _json(production, "{ workerz { id } }")
    assert status == 400
    assert "Did you mean" not in body["errors"][0]["message"]
    assert "workers" not in body["errors"][0]["message"].replace("workerz", "")


# --- Rate limits (in process, tiny limits) ------------------------------------------


def test_rate_limit_per_token_answers_429_with_retry_after(fed, codes):
    cache.clear()
    try:
        with override_settings(KADO_GRAPHQL_RATE_LIMIT=2, KADO_GRAPHQL_RATE_WINDOW=60):
            admin = Client(
                HTTP_HOST=fed.alpha.host, HTTP_AUTHORIZATION=f"Bearer {fed.token('alpha_admin')}"
            )
            staff = Client(
                HTTP_HOST=fed.alpha.host, HTTP_AUTHORIZATION=f"Bearer {fed.token('alpha_staff')}"
            )
            for _ in range(2):
                assert _json(admin, "{ __typename }")[0] == 200
            refused = admin.post(
                "/graphql", {"query": "{ __typename }"}, content_type="application/json"
            )
            assert refused.status_code == 429
            assert 1 <= int(refused["Retry-After"]) <= 60
            assert codes(refused.json()) == ["rate_limited"]
            # Another token has its own budget.
            assert _json(staff, "{ __typename }")[0] == 200
    finally:
        cache.clear()


def test_rate_limit_per_ip_for_anonymous_requests(fed):
    cache.clear()
    try:
        with override_settings(KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS=1):
            anonymous = Client(HTTP_HOST=fed.alpha.host)
            assert _json(anonymous, "{ __typename }")[0] == 200
            assert _json(anonymous, "{ __typename }")[0] == 429
            other_ip = Client(HTTP_HOST=fed.alpha.host, REMOTE_ADDR="10.0.0.9")
            assert _json(other_ip, "{ __typename }")[0] == 200
    finally:
        cache.clear()


# --- Connections, cursors, dates, masking (test-only schema, in process) ------------


class ItemType(KadoObjectType):
    class Meta:
        name = "Item"
        permission = PUBLIC

    number = graphene.Int(required=True)


class ItemConnection(KadoConnection):
    class Meta:
        node = ItemType


class RegionRowType(KadoObjectType):
    class Meta:
        name = "RegionRow"
        permission = PUBLIC

    code = graphene.String(required=True)


class RegionRowConnection(KadoConnection):
    class Meta:
        node = RegionRowType


class DayType(KadoObjectType):
    class Meta:
        name = "Day"
        permission = PUBLIC

    weekday = graphene.Int(required=True)


class TreeType(KadoObjectType):
    class Meta:
        name = "Tree"
        permission = PUBLIC

    depth = graphene.Int(required=True)
    child = graphene.Field(lambda: TreeType)

    def resolve_child(root, info):
        return {"depth": root["depth"] + 1}


class ItemsQuery(graphene.ObjectType):
    tree = graphene.Field(TreeType)
    items = KadoConnectionField(ItemConnection)
    regions = KadoConnectionField(RegionRowConnection)
    day = graphene.Field(DayType, on=graphene.Date(required=True))
    broken = graphene.Field(ItemType)

    def resolve_tree(root, info):
        return {"depth": 0}

    def resolve_items(root, info):
        return [type("Row", (), {"number": n})() for n in range(250)]

    def resolve_regions(root, info):
        from kado_platform.regions.selectors import region_list

        return region_list()

    def resolve_day(root, info, on):
        return {"weekday": on.isoweekday()}

    def resolve_broken(root, info):
        raise RuntimeError("SELECT secret FROM region_alpha.worker -- password=hunter2")


items_schema = graphene.Schema(query=ItemsQuery)


def run(schema, query, *, region, variables=None, user=None):
    """Execute through KadoGraphQLView in process; (status, json)."""
    request = RequestFactory().post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_HOST=region.host,
    )
    request.user = user or AnonymousUser()
    request.tenant = region
    request._dont_enforce_csrf_checks = True
    connection.set_tenant(region)
    try:
        response = KadoGraphQLView.as_view(schema=schema)(request)
    finally:
        connection.set_schema_to_public()
    return response.status_code, json.loads(response.content)


PAGE = "query($first: Int!, $after: String) { items(first: $first, after: $after) { totalCount edges { cursor node { number } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"


def test_connections_page_with_opaque_cursors(fed):
    status, body = run(items_schema, PAGE, region=fed.alpha, variables={"first": 100})
    assert status == 200, body
    page = body["data"]["items"]
    assert page["totalCount"] == 250
    assert [edge["node"]["number"] for edge in page["edges"]] == list(range(100))
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    status, body = run(
        items_schema,
        PAGE,
        region=fed.alpha,
        variables={"first": 100, "after": page["pageInfo"]["endCursor"]},
    )
    second = body["data"]["items"]
    assert second["edges"][0]["node"]["number"] == 100
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert not any(str(n) == edge["cursor"] for n, edge in enumerate(page["edges"]))


@pytest.mark.parametrize("first", [0, -1, 101, 1000])
def test_first_must_be_1_to_100(fed, first, codes):
    status, body = run(items_schema, PAGE, region=fed.alpha, variables={"first": first})
    assert status == 400
    assert codes(body) == ["bad_input"]
    assert body["errors"][0]["extensions"]["field"] == "first"
    literal = f"{{ items(first: {first}) {{ totalCount }} }}"
    status, body = run(items_schema, literal, region=fed.alpha)
    assert status == 400
    assert codes(body) == ["bad_input"]


def test_first_is_required_on_connections(fed):
    status, body = run(items_schema, "{ items { totalCount } }", region=fed.alpha)
    assert status == 400
    assert "first" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "", "a" * 500, encode_cursor(1)[:-2], "a2FkbzotMQ==", "a2FkbzpvbmU=", "MTA="],
)
def test_invalid_cursors_are_refused_clearly(fed, cursor, codes):
    status, body = run(
        items_schema, PAGE, region=fed.alpha, variables={"first": 10, "after": cursor}
    )
    assert status == 400
    assert "data" not in body
    assert codes(body) == ["bad_input"]
    assert body["errors"][0]["extensions"]["field"] == "after"
    assert body["errors"][0]["message"] == "カーソルが正しくありません。"


def test_a_queryset_page_is_one_query_plus_one_count(fed, data_queries):
    query = "{ regions(first: 1) { totalCount edges { node { code } } pageInfo { hasNextPage } } }"
    with CaptureQueriesContext(connection) as context:
        status, body = run(items_schema, query, region=fed.hub)
    assert status == 200, body
    assert body["data"]["regions"]["totalCount"] == 2
    assert body["data"]["regions"]["edges"] == [{"node": {"code": "alpha"}}]
    assert body["data"]["regions"]["pageInfo"]["hasNextPage"] is True
    queries = data_queries(context)
    assert len(queries) == 2, queries
    assert "COUNT(" in queries[1].upper() and "LIMIT 2" in queries[0].upper()
    with CaptureQueriesContext(connection) as context:  # no totalCount, no COUNT
        run(items_schema, "{ regions(first: 5) { edges { node { code } } } }", region=fed.hub)
    assert len(data_queries(context)) == 1, data_queries(context)


def test_connection_cost_multiplies_by_first(fed, codes):
    nested = "{ items(first: 100) { edges { node { number } } } }"
    assert run(items_schema, nested, region=fed.alpha)[0] == 200
    with override_settings(KADO_GRAPHQL_MAX_COST=250):
        status, body = run(items_schema, nested, region=fed.alpha)
    assert status == 400
    assert codes(body) == ["query_too_costly"]


@pytest.mark.parametrize("value", ["2023-02-30", "yesterday", "2023-1-1x", ""])
def test_invalid_dates_are_400(fed, value, codes):
    query = "query($on: Date!) { day(on: $on) { weekday } }"
    status, body = run(items_schema, query, region=fed.alpha, variables={"on": value})
    assert status == 400
    assert codes(body) == ["bad_input"]
    literal = f'{{ day(on: "{value}") {{ weekday }} }}'
    status, body = run(items_schema, literal, region=fed.alpha)
    assert status == 400
    good = run(items_schema, query, region=fed.alpha, variables={"on": "2026-11-27"})
    assert good[1]["data"]["day"]["weekday"] == datetime.date(2026, 11, 27).isoweekday()


def test_too_deep_through_fragments_is_refused(fed, codes):
    # Each definition is shallow as written; with its fragments expanded the query is not.
    a = "fragment A on Tree { child { child { child { child { ...B } } } } }"
    b = "fragment B on Tree { child { child { child { child { child { child { depth } } } } } } }"
    status, body = run(items_schema, f"{{ tree {{ ...A }} }} {a} {b}", region=fed.alpha)
    assert status == 400
    assert codes(body) == ["query_too_deep"]
    shallow = "{ tree { ...B } } " + b
    status, body = run(items_schema, shallow, region=fed.alpha)
    assert status == 200, body


def test_unexpected_exceptions_are_logged_and_masked(fed, caplog):
    with caplog.at_level(logging.ERROR, logger="kado_graphql"):
        status, body = run(items_schema, "{ broken { number } }", region=fed.alpha)
    assert status == 200
    assert body["data"] == {"broken": None}
    assert body["errors"] == [
        {
            "message": "Internal error",
            "extensions": {"code": "internal_error"},
            "locations": [{"line": 1, "column": 3}],
            "path": ["broken"],
        }
    ]
    assert "secret" not in json.dumps(body) and "hunter2" not in json.dumps(body)
    logged = [record for record in caplog.records if record.name == "kado_graphql"]
    assert logged and logged[0].exc_info[0] is RuntimeError


def test_unknown_host_and_get_are_not_500(http_server):
    response = requests.post(
        f"{http_server.url}/graphql",
        data=b"{",
        headers={"Host": f"nowhere.localhost:{http_server.port}", "Content-Type": "text/plain"},
        timeout=10,
    )
    assert response.status_code == 404
