"""The isolation matrix, generated from the code (see trust_cases.py).

Every top-level Query and Mutation field of hub_schema and region_schema, as every role,
on every Host variant; and every web route of the hub's and a region's URL conf, as every
role, on every Host variant. Required IDs are the OTHER region's global IDs of real rows
(their primary keys collide on purpose). A response may carry only the markers its
caller may read on the host that really served it (trust_cases.forbidden_markers); no
case may answer 5xx. The bulk runs in-process (Django's test client, in a transaction
rolled back per test); test_concurrency.py runs it over real HTTP.
"""

from __future__ import annotations

import pytest
from django.test import Client
from trust_cases import (
    OTHER,
    ROLES,
    TARGETS,
    expected_forbidden,
    graphql_cases,
    host_variants,
    leaks_in,
    region_of,
    response_text,
    user_key,
    web_routes,
)

from kado_platform.accounts.sessions import SESSION_REGION_KEY


def check(response, forbidden, label, failures):
    text = response_text(response)
    leaked = leaks_in(text, forbidden)
    if leaked:
        failures.append(f"LEAK {label}: {leaked}")
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {label}: {text[:300]}")


def covering(items, variants, roles, *, strong_roles):
    """The in-process matrix: every item × every role on the canonical host, and every
    item × every other Host variant as the roles that hold the most there (the host's
    own admin, the other region's admin; for the hub, two federation roles).
    test_concurrency.py samples the full cross product over HTTP."""
    for item in items:
        for variant in variants:
            for role in roles if variant.name == "canonical" else strong_roles:
                yield item, variant, role


def strong_roles(target):
    return ["coordinator", "other_admin"] if target == "hub" else ["admin", "other_admin"]


def graphql_request(fed, op, variant, role, target):
    key = user_key(role, "alpha" if target == "hub" else target)
    extra = dict(variant.extra)
    if key:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {fed.token(key)}"
    response = Client(HTTP_HOST=variant.host).post(
        "/graphql", op.body(), content_type="application/json", **extra
    )
    return response, (fed.user(key) if key else None)


@pytest.mark.parametrize("target", TARGETS)
def test_graphql_matrix(fed, markers, figures, target):
    ops = [op for t, op in graphql_cases(markers) if t == target]
    variants = host_variants(target, OTHER[target])
    failures, tried = [], 0
    for op, variant, role in covering(ops, variants, ROLES, strong_roles=strong_roles(target)):
        response, user = graphql_request(fed, op, variant, role, target)
        tried += 1
        check(
            response,
            expected_forbidden(fed, markers, variant, user, credential_host=None),
            f"{op.name} as {role} on {variant.name} ({variant.host})",
            failures,
        )
    figures.add("isolation.graphql_cases_in_process", tried)
    figures.add(f"isolation.graphql_operations.{target}", len(ops))
    figures.add("isolation.leaks_found", sum(f.startswith("LEAK") for f in failures))
    assert not failures, "\n".join(failures[:30])


def _signed_in(fed, key, host_code):
    """A test client whose session was made on `host_code`'s host for user `key`."""
    client = Client()
    if key is None:
        return client
    client.force_login(fed.user(key))
    session = client.session
    session[SESSION_REGION_KEY] = region_of(fed, host_code).schema_name
    session.save()
    return client


def web_cases(routes, variants, target):
    """Every route × every role on the canonical host (GET, and POST outside the admin);
    every route replayed on the other region's host and behind X-Forwarded-Host by the
    strong roles; the remaining Host variants (refused before any route is chosen, or the
    same host spelled differently) on one route per view, as every role."""
    from django.urls import resolve

    probes, seen = [], set()
    urlconf = "kado_platform.urls.hub" if target == "hub" else "kado_platform.urls.region"
    for path in routes:
        view = resolve(path, urlconf=urlconf).func
        name = getattr(view, "__name__", repr(view))
        if name not in seen:
            seen.add(name)
            probes.append(path)
    strong = strong_roles(target)
    for variant in variants:
        if variant.name == "canonical":
            for path in routes:
                for role in ROLES:
                    yield path, variant, role, "get"
                    if not path.startswith("/admin/"):
                        yield path, variant, role, "post"
        elif variant.name in ("other", "x-forwarded-host"):
            for path in routes:
                for role in strong:
                    yield path, variant, role, "get"
        else:
            for path in probes:
                for role in ROLES:
                    yield path, variant, role, "get"


@pytest.mark.parametrize("target", TARGETS)
def test_web_route_matrix(fed, markers, figures, settings, target):
    """Every route as every role signed in on the target host, and on the Host variants
    (a session replayed on another host must be refused)."""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_matrix"  # configured: a bad signature is a 400
    urlconf = "kado_platform.urls.hub" if target == "hub" else "kado_platform.urls.region"
    other = OTHER[target]
    routes = web_routes(urlconf, markers.path_pks(other))
    variants = host_variants(target, other)
    failures, tried = [], 0
    clients = {}
    for path, variant, role, method in web_cases(routes, variants, target):
        key = user_key(role, "alpha" if target == "hub" else target)
        user = fed.user(key) if key else None
        if key and path.endswith("logout/"):
            continue  # would end the session the next routes use; logout is tested apart
        forbidden = expected_forbidden(fed, markers, variant, user, credential_host=target)
        if variant.served != target or role not in clients:
            # A replayed session is ended on the spot: each replay gets a fresh one.
            clients[role] = _signed_in(fed, key, target)
        response = getattr(clients[role], method)(
            path, HTTP_HOST=variant.host, **dict(variant.extra)
        )
        if variant.served != target:
            del clients[role]
        tried += 1
        label = f"{method.upper()} {path} as {role} on {variant.name} ({variant.host})"
        check(response, forbidden, label, failures)
    figures.add("isolation.web_cases_in_process", tried)
    figures.add(f"isolation.web_routes.{target}", len(routes))
    figures.add("isolation.leaks_found", sum(f.startswith("LEAK") for f in failures))
    assert not failures, "\n".join(failures[:40])
