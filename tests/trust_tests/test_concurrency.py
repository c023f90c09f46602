"""The matrix over real HTTP, from 8 threads at once, against both regions and the hub.

A seeded random sample of the FULL cross product (every operation or route × every role
× every Host variant), sent through gunicorn (2 processes × 4 threads) by 8 client
threads at once. GraphQL cases and web pages go to `rollback_server` (the product's WSGI
app with each request rolled back, so valid mutations commit nothing; its connections
live on between requests, so a schema left behind by one request would show in the
next); read-only GraphQL cases also go to the plain `trust_server`. Sessions are real
session rows made for each role on its host, sent as cookies to every variant.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from trust_cases import (
    OTHER,
    ROLES,
    TARGETS,
    expected_forbidden,
    graphql_cases,
    host_variants,
    leaks_in,
    response_text,
    user_key,
    web_routes,
)

from kado_platform.accounts.sessions import SESSION_REGION_KEY

THREADS = 8
GRAPHQL_SAMPLE = 1600
WEB_SAMPLE = 700
PLAIN_SAMPLE = 300


def _headers(server, variant) -> dict:
    host = variant.host if ":" in variant.host else f"{variant.host}:{server.port}"
    headers = {"Host": host}
    for meta, value in variant.extra:
        headers[meta.removeprefix("HTTP_").replace("_", "-").title()] = value
    return headers


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
        emails = {
            "operator": "operator@kado.test",
            "leader": "leader@kado.test",
            "coordinator": "coordinator@kado.test",
            "alpha_admin": "admin@alpha.test",
            "alpha_staff": "staff@alpha.test",
            "beta_admin": "admin@beta.test",
            "beta_staff": "staff@beta.test",
        }
        for target in TARGETS:
            for role in ROLES:
                key = user_key(role, "alpha" if target == "hub" else target)
                if key is None:
                    continue
                user = user_by_email(emails[key])
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


def _run(cases, send, figures, name):
    failures = []

    def one(case):
        try:
            return case, send(case), None
        except requests.RequestException as error:
            return case, None, error

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for case, outcome, error in pool.map(one, cases):
            figures.add(f"isolation.{name}")
            if error is not None:
                failures.append(f"ERROR {case[-1]}: {error}")
                continue
            status, leaked, label = outcome
            figures.status(f"isolation.{name}", status)
            if leaked:
                failures.append(f"LEAK {label}: {leaked}")
            if status >= 500:
                failures.append(f"{status} {label}")
    figures.add("isolation.leaks_found", sum(f.startswith("LEAK") for f in failures))
    return failures


def test_graphql_matrix_from_8_threads_over_http(
    rollback_server, trust_server, fed, markers, figures
):
    rng = random.Random(20260407)
    product = [
        (target, op, variant, role)
        for target, op in graphql_cases(markers)
        for variant in host_variants(target, OTHER[target], port=rollback_server.port)
        for role in ROLES
    ]
    sample = rng.sample(product, min(GRAPHQL_SAMPLE, len(product)))
    figures.note("isolation.graphql_full_cross_product", len(product))
    prepared = []
    for target, op, variant, role in sample:
        key = user_key(role, "alpha" if target == "hub" else target)
        user = fed.user(key) if key else None
        forbidden = expected_forbidden(fed, markers, variant, user, credential_host=None)
        label = f"{op.name} as {role} on {variant.name} ({variant.host})"
        token = fed.token(key) if key else None
        prepared.append((op, variant, token, forbidden, label))

    def send(server):
        def _send(case):
            op, variant, token, forbidden, label = case
            headers = {**_headers(server, variant), "Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            response = requests.post(
                f"{server.url}/graphql", data=op.body(), headers=headers, timeout=60
            )
            return response.status_code, leaks_in(response_text(response), forbidden), label

        return _send

    failures = _run(prepared, send(rollback_server), figures, "graphql_cases_http_8_threads")
    reads = [case for case in prepared if case[0].kind == "query"][:PLAIN_SAMPLE]
    failures += _run(reads, send(trust_server), figures, "graphql_cases_http_plain_server")
    assert not failures, "\n".join(failures[:30])


def test_web_matrix_from_8_threads_over_http(rollback_server, fed, markers, sessions, figures):
    rng = random.Random(20260408)
    product = []
    for target in TARGETS:
        urlconf = "kado_platform.urls.hub" if target == "hub" else "kado_platform.urls.region"
        routes = [
            path
            for path in web_routes(urlconf, markers.path_pks(OTHER[target]))
            if not path.endswith("logout/")
        ]
        for path in routes:
            for variant in host_variants(target, OTHER[target], port=rollback_server.port):
                for role in ROLES:
                    product.append((target, path, variant, role))
    sample = rng.sample(product, min(WEB_SAMPLE, len(product)))
    figures.note("isolation.web_full_cross_product", len(product))
    prepared = []
    for target, path, variant, role in sample:
        key = user_key(role, "alpha" if target == "hub" else target)
        user = fed.user(key) if key else None
        forbidden = expected_forbidden(fed, markers, variant, user, credential_host=target)
        cookies = {"sessionid": sessions[key, target]} if key else {}
        label = f"GET {path} as {role} on {variant.name} ({variant.host})"
        prepared.append((path, variant, cookies, forbidden, label))

    def send(case):
        path, variant, cookies, forbidden, label = case
        response = requests.get(
            f"{rollback_server.url}{path}",
            headers=_headers(rollback_server, variant),
            cookies=cookies,
            timeout=60,
            allow_redirects=False,
        )
        return response.status_code, leaks_in(response_text(response), forbidden), label

    failures = _run(prepared, send, figures, "web_cases_http_8_threads")
    assert not failures, "\n".join(failures[:30])
