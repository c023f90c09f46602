"""The graphql-cop list and the rest of the GraphQL abuse catalogue, in one table, each
attack sent over real HTTP and refused; then property-based fuzzing of both endpoints.

Development-mode attacks go to `http_server` (DEBUG on, as the suite runs); the ones that
depend on production mode (introspection, GraphiQL, suggestions, error details) go to
`production_server` (DEBUG off). Each row names the test in
tests/graphql_tests/test_protection.py that covers the protection in depth, if any.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trust_cases import Dummies, global_id, root_fields, selection

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    get_introspection_query,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from kado_graphql.schema import hub_schema, region_schema

PROTECTION = "tests/graphql_tests/test_protection.py"


@dataclass(frozen=True)
class Attack:
    name: str
    server: str  # "dev" or "production"
    method: str
    body: bytes | None
    content_type: str | None
    status: int
    code: str | None = None
    query_string: str = ""
    accept: str = "application/json"
    absent: tuple = ()  # texts that must not be in the answer
    covered_by: str = ""


def _json(query, **extra) -> bytes:
    return json.dumps({"query": query, **extra}).encode()


ALIASES = "query cop { " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"
DUPLICATES = "query cop { " + "__typename " * 500 + "}"
DIRECTIVES = "query cop { __typename " + "@aa" * 50 + " }"
CIRCULAR = (
    "query cop { __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
)
DEEP = "query cop { " + "a { " * 30 + "b" + " }" * 30 + " }"
COSTLY = (
    "{ "
    + " ".join(
        f"w{i}: workers(first: 100) {{ edges {{ node {{ skills {{ name code nameEn }} }} }} }}"
        for i in range(4)
    )
    + " }"
)
TWO_MUTATIONS = (
    "mutation cop { a: workerCreate(input: {}) { errors { code } } "
    "b: workerCreate(input: {}) { errors { code } } }"
)
FRAGMENT_CYCLE = (
    "query cop { region { ...A } } fragment A on RegionInfo { ...B } "
    "fragment B on RegionInfo { ...A }"
)

ATTACKS = [
    # graphql-cop ------------------------------------------------------------------------
    Attack(
        "alias overloading",
        "dev",
        "POST",
        _json(ALIASES),
        "application/json",
        400,
        "too_many_aliases",
        covered_by=f"{PROTECTION}::test_alias_overloading_is_refused",
    ),
    Attack(
        "array-based query batching",
        "dev",
        "POST",
        json.dumps([{"query": "{ __typename }"}] * 10).encode(),
        "application/json",
        400,
        "batching_not_supported",
        covered_by=f"{PROTECTION}::test_batching_is_refused",
    ),
    Attack(
        "directive overloading",
        "dev",
        "POST",
        _json(DIRECTIVES),
        "application/json",
        400,
        "too_many_directives",
        covered_by=f"{PROTECTION}::test_directive_overloading_is_refused_with_one_error",
    ),
    Attack(
        "field duplication",
        "dev",
        "POST",
        _json(DUPLICATES),
        "application/json",
        400,
        "duplicated_fields",
        covered_by=f"{PROTECTION}::test_field_duplication_is_refused",
    ),
    Attack(
        "field suggestions (production)",
        "production",
        "POST",
        _json("{ workerz { id } }"),
        "application/json",
        400,
        "graphql_validation_failed",
        absent=("Did you mean",),
        covered_by=f"{PROTECTION}::test_field_suggestions_do_not_spell_out_the_schema_in_production",
    ),
    Attack(
        "GET method query support",
        "dev",
        "GET",
        None,
        None,
        405,
        "method_not_allowed",
        query_string="?query=%7B__typename%7D",
    ),
    Attack(
        "GET-based mutation",
        "dev",
        "GET",
        None,
        None,
        405,
        "method_not_allowed",
        query_string="?query=mutation%20cop%20%7B__typename%7D",
    ),
    Attack(
        "GraphiQL IDE (production)",
        "production",
        "GET",
        None,
        None,
        405,
        "method_not_allowed",
        accept="text/html",
        absent=("graphiql", "GraphiQL"),
        covered_by=f"{PROTECTION}::test_graphiql_is_off_in_production",
    ),
    Attack(
        "introspection (production)",
        "production",
        "POST",
        _json(get_introspection_query()),
        "application/json",
        400,
        "introspection_disabled",
        absent=("__Schema", "queryType"),
        covered_by=f"{PROTECTION}::test_introspection_is_off_in_production",
    ),
    Attack(
        "introspection __type (production)",
        "production",
        "POST",
        _json('{ __type(name: "Worker") { fields { name } } }'),
        "application/json",
        400,
        "introspection_disabled",
    ),
    Attack(
        "introspection-based circular query",
        "dev",
        "POST",
        _json(CIRCULAR),
        "application/json",
        400,
        "circular_introspection",
        covered_by=f"{PROTECTION}::test_circular_introspection_is_refused_even_in_development",
    ),
    Attack(
        "POST-based url-encoded query (CSRF)",
        "dev",
        "POST",
        b"query=%7B__typename%7D",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
        covered_by=f"{PROTECTION}::test_only_json_posts_are_accepted",
    ),
    Attack(
        "POST-based url-encoded mutation (CSRF)",
        "dev",
        "POST",
        b"query=mutation%20%7B__typename%7D",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
    ),
    Attack(
        "POST multipart form (CSRF)",
        "dev",
        "POST",
        b'--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n{__typename}\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
        415,
        "unsupported_media_type",
    ),
    Attack(
        "POST text/plain JSON (CSRF without preflight)",
        "dev",
        "POST",
        _json("{ __typename }"),
        "text/plain",
        415,
        "unsupported_media_type",
    ),
    Attack(
        "trace mode",
        "production",
        "POST",
        _json("query cop { __typename }", extensions={"tracing": True}),
        "application/json",
        200,
        None,
        absent=('"tracing"', '"extensions"', "startTime"),
    ),
    Attack(
        "unhandled errors (detailed exception)",
        "production",
        "POST",
        _json("qwerty cop { abc }"),
        "application/json",
        400,
        "graphql_parse_failed",
        absent=("Traceback", 'File "', "site-packages", "psycopg"),
    ),
    # beyond graphql-cop ------------------------------------------------------------------
    Attack(
        "deep nesting",
        "dev",
        "POST",
        _json(DEEP),
        "application/json",
        400,
        "query_too_deep",
        covered_by=f"{PROTECTION}::test_a_too_deep_query_is_refused_before_validation",
    ),
    Attack(
        "query cost",
        "dev",
        "POST",
        _json(COSTLY),
        "application/json",
        400,
        "query_too_costly",
        covered_by=f"{PROTECTION}::test_a_query_over_the_cost_limit_is_refused",
    ),
    Attack(
        "token flood",
        "dev",
        "POST",
        _json("{ " + "__typename " * 2100 + "}"),
        "application/json",
        400,
        "query_too_large",
        covered_by=f"{PROTECTION}::test_the_token_limit_stops_parsing",
    ),
    Attack(
        "oversized body",
        "dev",
        "POST",
        _json("{ __typename }", pad="x" * 200_000),
        "application/json",
        413,
        "query_too_large",
        covered_by=f"{PROTECTION}::test_an_oversized_body_is_413_before_parsing",
    ),
    Attack(
        "several mutations in one request",
        "dev",
        "POST",
        _json(TWO_MUTATIONS),
        "application/json",
        400,
        "too_many_mutations",
    ),
    Attack(
        "fragment cycle",
        "dev",
        "POST",
        _json(FRAGMENT_CYCLE),
        "application/json",
        400,
        "graphql_validation_failed",
    ),
    Attack(
        "first over 100",
        "dev",
        "POST",
        _json("{ workers(first: 100000) { totalCount } }"),
        "application/json",
        400,
        "bad_input",
        covered_by=f"{PROTECTION}::test_first_must_be_1_to_100",
    ),
    Attack(
        "malformed cursor",
        "dev",
        "POST",
        _json('{ workers(first: 5, after: "!!notacursor") { totalCount } }'),
        "application/json",
        400,
        "bad_input",
        covered_by=f"{PROTECTION}::test_invalid_cursors_are_refused_clearly",
    ),
]


def _codes(response):
    try:
        body = response.json()
    except ValueError:
        return []
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.name for attack in ATTACKS])
def test_graphql_cop_attacks_are_refused_over_http(
    attack, http_server, production_server, fed, figures
):
    server = http_server if attack.server == "dev" else production_server
    headers = {
        "Host": server.host(fed.alpha),
        "Accept": attack.accept,
        "Authorization": f"Bearer {fed.token('alpha_admin')}",
    }
    if attack.content_type:
        headers["Content-Type"] = attack.content_type
    response = requests.request(
        attack.method,
        f"{server.url}/graphql{attack.query_string}",
        data=attack.body,
        headers=headers,
        timeout=30,
    )
    figures.add("abuse.attacks_sent")
    assert response.status_code == attack.status, response.text[:500]
    if attack.code is not None:
        assert attack.code in _codes(response), response.text[:500]
    for text in attack.absent:
        assert text not in response.text, f"{text!r} in {response.text[:500]}"
    if attack.status != 200:
        assert '"data"' not in response.text or '"data": null' in response.text


def test_a_cookie_session_must_prove_csrf_over_http(http_server, fed, figures, http_login):
    """A signed-in browser's cookie alone cannot post GraphQL (a cross-site page could)."""
    http = http_login(fed.alpha, "alpha_admin")
    body = _json("{ region { code } }")
    forged = http.post(
        f"{http_server.url}/graphql",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert forged.status_code == 403
    assert _codes(forged) == ["csrf_failed"]
    honest = http.post(
        f"{http_server.url}/graphql",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": http.cookies["csrftoken"],
            "Referer": f"http://{http_server.host(fed.alpha)}/",
        },
        timeout=30,
    )
    assert honest.status_code == 200, honest.text[:300]
    assert honest.json() == {"data": {"region": {"code": "alpha"}}}
    figures.add("abuse.attacks_sent", 2)


# --- property-based fuzzing ----------------------------------------------------------

FUZZ_EXAMPLES = 170
FUZZ_BATCH = 6  # requests per example, sent at once
HUGE = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30]


def _texts():
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "",
                " ",
                "'; DROP TABLE x; --",
                "\x00",
                "𠮷野家",
                "ｱｲｳ",
                "a" * 5000,
                "%s%s%n",
                "${jndi:x}",
                "<script>alert(1)</script>",
                "null",
                "0",
            ]
        ),
    )


def _raw_id(type_name, region, pk):
    return base64.b64encode(f"{type_name}:{region}:{pk}".encode()).decode()


def _ids():
    types = st.sampled_from(
        [
            "Worker",
            "Client",
            "Order",
            "Assignment",
            "WorkLog",
            "PayoutStatement",
            "Invoice",
            "FederatedOrder",
            "Deliverable",
            "X",
        ]
    )
    regions = st.sampled_from(["alpha", "beta", "federation", "public", "gamma", "ALPHA", "a"])
    pks = st.one_of(st.integers(min_value=-5, max_value=50), st.sampled_from(HUGE))
    return st.one_of(
        st.builds(_raw_id, types, regions, pks),
        st.builds(
            global_id,
            types.filter(lambda t: t != "X"),
            st.sampled_from(["alpha", "beta"]),
            st.integers(min_value=1, max_value=30),
        ),
        _texts(),
        st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode()),
    )


def _dates():
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(
            [
                "2023-02-30",
                "2023-13-01",
                "0000-01-01",
                "9999-12-31",
                "yesterday",
                "2023-1-1",
                "",
                "2023-05-10T00:00:00",
                "１２３４-05-06",
            ]
        ),
        _texts(),
    )


def _value(graphql_type, name, depth=0):
    """A strategy of valid-ish values for a GraphQL input type (sometimes of the wrong kind)."""
    if is_non_null_type(graphql_type):
        return _value(graphql_type.of_type, name, depth)
    if is_list_type(graphql_type):
        return st.lists(_value(graphql_type.of_type, name, depth + 1), max_size=4)
    named = get_named_type(graphql_type)
    if isinstance(named, GraphQLInputObjectType):
        if depth > 3:
            return st.just({})
        fields = {
            field_name: _value(field.type, field_name, depth + 1)
            for field_name, field in named.fields.items()
        }
        required = [n for n, f in named.fields.items() if is_non_null_type(f.type)]
        return st.fixed_dictionaries(
            {n: fields[n] for n in required},
            optional={n: s for n, s in fields.items() if n not in required},
        )
    if isinstance(named, GraphQLEnumType):
        return st.one_of(st.sampled_from(list(named.values)), _texts())
    scalar = named.name
    wrong = st.one_of(st.none(), st.booleans(), _texts(), st.integers())
    if scalar == "ID":
        return st.one_of(_ids(), wrong)
    if scalar in ("Int", "Yen"):
        return st.one_of(
            st.integers(min_value=-10, max_value=200_000),
            st.sampled_from(HUGE),
            wrong,
            st.floats(allow_nan=False),
        )
    if scalar == "Float":
        return st.one_of(st.floats(allow_nan=False), wrong)
    if scalar == "Boolean":
        return st.one_of(st.booleans(), wrong)
    if scalar in ("Date", "DateTime"):
        return st.one_of(_dates(), wrong)
    if name in ("after", "before", "cursor"):
        return st.one_of(_ids(), _texts())
    return st.one_of(_texts(), wrong)


_SCHEMAS = {"hub": hub_schema, "region": region_schema}
_FIELDS = [
    (endpoint, kind, name)
    for endpoint, schema in _SCHEMAS.items()
    for kind in ("query", "mutation")
    for name in root_fields(schema, kind)
]
_DUMMY = Dummies("beta", {})


@st.composite
def fuzz_request(draw):
    endpoint, kind, name = draw(st.sampled_from(_FIELDS))
    field = root_fields(_SCHEMAS[endpoint], kind)[name]
    variables, definitions, call_args = {}, [], []
    for arg_name, arg in field.args.items():
        if not is_non_null_type(arg.type) and not draw(st.booleans()):
            continue
        definitions.append(f"${arg_name}: {arg.type}")
        call_args.append(f"{arg_name}: ${arg_name}")
        if draw(st.integers(0, 9)) > 0:  # now and then the variable is missing
            variables[arg_name] = draw(_value(arg.type, arg_name))
    depth = draw(st.integers(1, 3))
    head = f"{kind} Fuzz" + (f"({', '.join(definitions)})" if definitions else "")
    call = f"{name}({', '.join(call_args)})" if call_args else name
    query = f"{head} {{ {call} {selection(field.type, depth, _DUMMY)} }}"
    if draw(st.integers(0, 19)) == 0:  # a mangled document now and then
        cut = draw(st.integers(0, len(query)))
        query = (
            query[:cut]
            + draw(st.sampled_from(["{", "}", "(", "$", "@", '"', "…", ""]))
            + query[cut:]
        )
    host = "hub" if endpoint == "hub" else draw(st.sampled_from(["alpha", "beta"]))
    if draw(st.integers(0, 19)) == 0:  # the other endpoint's operation
        host = draw(st.sampled_from(["hub", "alpha", "beta"]))
    at_home = {
        "hub": ["coordinator", "leader", "operator"],
        "alpha": ["alpha_admin", "alpha_staff"],
        "beta": ["beta_admin"],
    }[host]
    anyone = [None, "alpha_admin", "alpha_staff", "beta_admin", "coordinator", "leader", "operator"]
    # Mostly a role that holds on this host (so resolvers and services run), else anyone.
    role = draw(st.sampled_from(at_home if draw(st.integers(0, 4)) else anyone))
    return host, role, json.dumps({"query": query, "variables": variables})


def test_fuzzing_both_endpoints_never_answers_5xx(rollback_server, fed, figures):
    """≥1,000 generated requests from the schemas, 6 at a time, over real HTTP; each
    request's transaction is rolled back by the server wrapper, so nothing is kept."""
    hosts = {"hub": fed.hub, "alpha": fed.alpha, "beta": fed.beta}
    tokens = {
        key: fed.token(key)
        for key in ("alpha_admin", "alpha_staff", "beta_admin", "coordinator", "leader", "operator")
    }
    sent, failures = [0], []
    # One pool for the whole run (a fresh requests session per request costs the client
    # more than the server); one connection per request, spread over gunicorn's workers.
    http = urllib3.HTTPConnectionPool(
        "127.0.0.1", rollback_server.port, maxsize=FUZZ_BATCH, block=True, retries=False
    )

    def send(request):
        host, role, body = request
        headers = {
            "Host": rollback_server.host(hosts[host]),
            "Content-Type": "application/json",
            "Connection": "close",
        }
        if role:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        response = http.urlopen(
            "POST", "/graphql", body=body.encode(), headers=headers, redirect=False, timeout=60
        )
        return request, response

    pool = ThreadPoolExecutor(max_workers=FUZZ_BATCH)

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(fuzz_request(), min_size=FUZZ_BATCH, max_size=FUZZ_BATCH))
    def run(batch):
        for request, response in pool.map(send, batch):
            sent[0] += 1
            figures.status("fuzz.graphql", response.status)
            if response.status >= 500:
                text = response.data.decode(errors="replace")
                failures.append(f"{response.status} {request}: {text[:300]}")
        assert not failures, "\n".join(failures[:5])

    try:
        run()
    finally:
        pool.shutdown()
        http.close()
        figures.add("fuzz.graphql_requests", sent[0])
        figures.add("fuzz.graphql_5xx", len(failures))
    assert sent[0] >= 1000
