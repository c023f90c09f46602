"""Each host's /graphql serves its own schema and region, over real HTTP."""

import base64

import pytest

# The seed's two workers of each region: the first to join (the API tests commit more).
SEED = "workers(first: 2, orderBy: {field: JOINED_ON})"
WORKERS = "{ region { code } " + SEED + " { edges { node { id name constraintReason } } } }"
WORKERS_PLAIN = "{ " + SEED + " { edges { node { id name } } } }"


def pk_of(global_id):
    return base64.b64decode(global_id).decode().rsplit(":", 1)[1]


def nodes(connection):
    return [edge["node"] for edge in connection["edges"]]


def test_region_admin_reads_their_own_region_only(graphql_http, fed):
    response = graphql_http(fed.alpha, WORKERS, as_user="alpha_admin")
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["region"]["code"] == "alpha"
    names = {worker["name"] for worker in nodes(body["data"]["workers"])}
    assert names == {"アルファ 花子", "アルファ 太郎"}
    assert {worker["constraintReason"] for worker in nodes(body["data"]["workers"])} == {
        "CHILDCARE"
    }


def test_primary_keys_collide_but_data_does_not(graphql_http, fed):
    alpha = nodes(
        graphql_http(fed.alpha, WORKERS_PLAIN, as_user="alpha_admin").json()["data"]["workers"]
    )
    beta = nodes(
        graphql_http(fed.beta, WORKERS_PLAIN, as_user="beta_admin").json()["data"]["workers"]
    )
    # The keys collide; the global IDs name the region, so the IDs do not.
    assert {pk_of(w["id"]) for w in alpha} == {pk_of(w["id"]) for w in beta}
    assert not {w["id"] for w in alpha} & {w["id"] for w in beta}
    assert not {w["name"] for w in alpha} & {w["name"] for w in beta}


@pytest.mark.parametrize(
    "user", ["alpha_admin", "alpha_staff", "coordinator", "leader", "operator"]
)
def test_a_token_is_refused_on_a_host_where_its_user_has_no_role(graphql_http, fed, user):
    response = graphql_http(fed.beta, WORKERS_PLAIN, as_user=user)
    assert response.status_code == 401
    assert "ベータ" not in response.text


def test_staff_cannot_read_the_sensitive_constraint_reason(graphql_http, fed):
    body = graphql_http(fed.alpha, WORKERS, as_user="alpha_staff").json()
    assert body["data"] is None or all(
        worker is None or worker.get("constraintReason") is None
        for worker in nodes((body["data"] or {}).get("workers") or {"edges": []})
    )
    assert any(error["extensions"]["code"] == "permission_denied" for error in body["errors"])
    assert "childcare" not in str(body).lower()
    names_only = graphql_http(fed.alpha, WORKERS_PLAIN, as_user="alpha_staff").json()
    assert "errors" not in names_only
    assert len(nodes(names_only["data"]["workers"])) == 2


def test_anonymous_requests_get_permission_errors_and_no_data(graphql_http, fed):
    body = graphql_http(fed.alpha, WORKERS_PLAIN).json()
    assert body["errors"][0]["extensions"]["code"] == "permission_denied"
    assert "アルファ" not in str(body)


def test_the_hub_serves_the_federation_schema_not_region_data(graphql_http, fed):
    regions = graphql_http(fed.hub, "{ regions { code name } }", as_user="coordinator").json()
    assert {region["code"] for region in regions["data"]["regions"]} >= {"alpha", "beta"}
    workers = graphql_http(fed.hub, WORKERS_PLAIN, as_user="coordinator").json()
    assert "Cannot query field 'workers'" in workers["errors"][0]["message"]


def test_unknown_hosts_are_404_on_graphql(http_server):
    import requests

    response = requests.post(
        f"{http_server.url}/graphql",
        json={"query": "{ viewer { email } }"},
        headers={"Host": f"gamma.localhost:{http_server.port}"},
        timeout=10,
    )
    assert response.status_code == 404


def test_queries_over_get_are_refused(http_server, fed):
    http = http_server.session(fed.alpha)
    response = http.get(
        f"{http_server.url}/graphql",
        params={"query": WORKERS_PLAIN},
        headers={
            "Authorization": f"Bearer {fed.token('alpha_admin')}",
            "Accept": "application/json",
        },
        timeout=10,
    )
    assert response.status_code == 405


def test_a_cookie_session_must_send_the_csrf_token(http_server, fed, http_login):
    http = http_login(fed.alpha, "alpha_staff")
    query = {"query": WORKERS_PLAIN}
    refused = http.post(f"{http_server.url}/graphql", json=query, timeout=10)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "csrf_failed"
    accepted = http.post(
        f"{http_server.url}/graphql",
        json=query,
        headers={"X-CSRFToken": http.cookies["csrftoken"]},
        timeout=10,
    )
    assert accepted.status_code == 200
    assert len(nodes(accepted.json()["data"]["workers"])) == 2
