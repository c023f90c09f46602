"""The isolation matrix, whole, over real HTTP from 8 threads at once (cases: trust_cases.py).

Every case of the cross product is sent exactly once: every top-level Query and Mutation
field of hub_schema and region_schema, and every web route of the hub's and a region's
URL conf (GET, and POST too on the canonical host outside the admin), × every role ×
every Host variant. Required IDs and path keys are the OTHER region's, of real rows whose
primary keys collide with this region's. The cases of alpha, beta and the hub are
shuffled together and sent by 8 client threads at once through gunicorn (2 processes ×
4 threads):

- GraphQL queries go to `http_server`, the product's app as it runs;
- GraphQL mutations and web pages go to `rollback_server`, where each request's
  transaction is rolled back: valid mutations commit nothing, and a session that its
  replay on another host ended lives on for the next case. Its database connections live
  on between requests, so a schema left behind by one request would show in the next.

GraphQL callers send bearer tokens; page callers send the cookie of a real session made
for their role on the target host (to every Host variant) and, on POST, a CSRF token, so
that POSTs reach the views. A response may carry only the markers its caller may read on
the host that really served it (trust_cases.forbidden_markers); no case may answer 5xx.
"""

from __future__ import annotations

import json
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import urllib3
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from trust_cases import (
    OTHER,
    ROLES,
    TARGETS,
    body_text,
    expected_forbidden,
    graphql_cases,
    host_variants,
    leaks_in,
    user_key,
    web_routes,
)

from kado_platform.accounts.sessions import SESSION_REGION_KEY

THREADS = 8
CSRF = secrets.token_hex(16)  # 32 characters: a valid CSRF secret for cookie and header
URLCONFS = {"hub": "kado_platform.urls.hub", "alpha": "kado_platform.urls.region"}
URLCONFS["beta"] = URLCONFS["alpha"]
USER_EMAILS = {
    "operator": "operator@kado.test",
    "leader": "leader@kado.test",
    "coordinator": "coordinator@kado.test",
    "alpha_admin": "admin@alpha.test",
    "alpha_staff": "staff@alpha.test",
    "beta_admin": "admin@beta.test",
    "beta_staff": "staff@beta.test",
}


@dataclass(frozen=True)
class Case:
    kind: str  # "graphql" or "web"
    server: str  # "plain" (http_server) or "rollback" (rollback_server)
    method: str
    path: str
    headers: dict
    body: bytes
    forbidden: tuple
    label: str
    where: tuple  # target, operation or route, Host variant, role, method: the case itself


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker):
    """A committed session per (user, host it was made on): (key, target) → session id."""
    from django.db import connection

    from kado_platform.accounts.selectors import user_by_email
    from kado_platform.regions.selectors import federation, region_get

    made = {}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        hosts = {"hub": federation(), "alpha": region_get(code="alpha")}
        hosts["beta"] = region_get(code="beta")
        for target in TARGETS:
            for role in ROLES:
                key = user_key(role, "alpha" if target == "hub" else target)
                if key is None:
                    continue
                user = user_by_email(USER_EMAILS[key])
                store = SessionStore()
                store[SESSION_KEY] = str(user.pk)
                store[BACKEND_SESSION_KEY] = "kado_platform.accounts.backends.RegionAwareBackend"
                store[HASH_SESSION_KEY] = user.get_session_auth_hash()
                store[SESSION_REGION_KEY] = hosts[target].schema_name
                store.create()
                made[key, target] = store.session_key
    yield made
    with django_db_blocker.unblock():
        for session_key in made.values():
            SessionStore(session_key=session_key).delete()


def variant_headers(variant) -> dict:
    """The Host exactly as the variant spells it (with or without a port), and its extras.

    One connection per request: kept-alive connections stick to one gunicorn process and
    leave the other idle; closed ones are spread by the kernel as they come."""
    headers = {"Host": variant.host, "Connection": "close"}
    for meta, value in variant.extra:
        headers[meta.removeprefix("HTTP_").replace("_", "-").title()] = value
    return headers


class Forbidden:
    """expected_forbidden, once per (host served, user, host the credential was made on)."""

    def __init__(self, fed, markers):
        self.fed, self.markers, self.known = fed, markers, {}

    def __call__(self, variant, key, credential_host) -> tuple:
        memo = (variant.served, key, credential_host)
        if memo not in self.known:
            user = self.fed.user(key) if key else None
            self.known[memo] = tuple(
                expected_forbidden(
                    self.fed, self.markers, variant, user, credential_host=credential_host
                )
            )
        return self.known[memo]


def graphql_matrix(fed, ops, ports, forbidden) -> list[Case]:
    """Every operation × every Host variant × every role, with bearer tokens."""
    cases = []
    for target, op in ops:
        server = "plain" if op.kind == "query" else "rollback"
        body = op.body().encode()
        ids = f" {json.dumps(op.variables)[:80]}" if op.variables else ""
        for variant in host_variants(target, OTHER[target], port=ports[server]):
            for role in ROLES:
                key = user_key(role, "alpha" if target == "hub" else target)
                headers = {**variant_headers(variant), "Content-Type": "application/json"}
                if key:
                    headers["Authorization"] = f"Bearer {fed.token(key)}"
                label = f"{op.name}{ids} as {role} on {variant.name} ({variant.host})"
                cases.append(
                    Case(
                        "graphql",
                        server,
                        "POST",
                        "/graphql",
                        headers,
                        body,
                        forbidden(variant, key, None),
                        label,
                        (target, op.body(), variant.name, role, "POST"),
                    )
                )
    return cases


def web_matrix(routes, sessions, port, forbidden) -> list[Case]:
    """Every route × every Host variant × every role (GET; POST too on the canonical host
    outside the admin), with a session made on the target host."""
    cases = []
    for target in TARGETS:
        other = OTHER[target]
        for path in routes[target]:
            for variant in host_variants(target, other, port=port):
                methods = ["GET"]
                if variant.name == "canonical" and not path.startswith("/admin/"):
                    methods.append("POST")
                for role in ROLES:
                    key = user_key(role, "alpha" if target == "hub" else target)
                    cookies = [f"sessionid={sessions[key, target]}"] if key else []
                    for method in methods:
                        headers = variant_headers(variant)
                        jar = list(cookies)
                        if method == "POST":
                            jar.append(f"csrftoken={CSRF}")
                            headers["X-CSRFToken"] = CSRF
                            headers["Content-Type"] = "application/x-www-form-urlencoded"
                        if jar:
                            headers["Cookie"] = "; ".join(jar)
                        label = f"{method} {path} as {role} on {variant.name} ({variant.host})"
                        cases.append(
                            Case(
                                "web",
                                "rollback",
                                method,
                                path,
                                headers,
                                b"",
                                forbidden(variant, key, target),
                                label,
                                (target, path, variant.name, role, method),
                            )
                        )
    return cases


def test_the_whole_matrix_from_8_threads_at_once(
    http_server, rollback_server, fed, markers, sessions, figures
):
    servers = {"plain": http_server, "rollback": rollback_server}
    ports = {name: server.port for name, server in servers.items()}
    forbidden = Forbidden(fed, markers)
    ops = graphql_cases(markers)
    routes = {t: web_routes(URLCONFS[t], markers.path_pks(OTHER[t])) for t in TARGETS}
    graphql = graphql_matrix(fed, ops, ports, forbidden)
    web = web_matrix(routes, sessions, rollback_server.port, forbidden)

    # Exactly the cross product, each case once.
    variants = len(host_variants("alpha", "beta"))
    posts = sum(not path.startswith("/admin/") for paths in routes.values() for path in paths)
    assert len(graphql) == len(ops) * variants * len(ROLES)
    assert len(web) == sum(map(len, routes.values())) * variants * len(ROLES) + posts * len(ROLES)
    cases = graphql + web
    assert len({case.where for case in cases}) == len(cases), "a case is listed twice"

    random.Random(20260407).shuffle(cases)  # alpha's, beta's and the hub's interleaved
    pools = {
        name: urllib3.HTTPConnectionPool(
            "127.0.0.1", server.port, maxsize=THREADS, block=True, retries=False
        )
        for name, server in servers.items()
    }

    def send(case):
        try:
            response = pools[case.server].urlopen(
                case.method,
                case.path,
                body=case.body,
                headers=case.headers,
                redirect=False,
                retries=False,
                timeout=60,
            )
        except urllib3.exceptions.HTTPError as error:
            return case, None, [], str(error)
        text = body_text(response.data, response.headers.get("Content-Type", ""))
        return case, response.status, leaks_in(text, case.forbidden), text[:300]

    failures, leaks = [], 0
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for case, status, leaked, text in pool.map(send, cases):
            name = f"isolation.{case.kind}_cases_http_8_threads"
            figures.add(name)
            if status is None:
                failures.append(f"ERROR {case.label}: {text}")
                continue
            figures.status(f"{name}.{case.server}", status)
            if leaked:
                leaks += 1
                failures.append(f"LEAK {case.label}: {leaked}")
            if status >= 500:
                failures.append(f"{status} {case.label}: {text}")
    for pool in pools.values():
        pool.close()

    figures.add("isolation.cases_tried", len(cases))
    figures.add("isolation.leaks_found", leaks)
    for target in TARGETS:
        figures.add(f"isolation.graphql_operations.{target}", sum(t == target for t, _ in ops))
        figures.add(f"isolation.web_routes.{target}", len(routes[target]))
    assert not failures, f"{len(failures)} failures of {len(cases)} cases:\n" + "\n".join(
        failures[:40]
    )
