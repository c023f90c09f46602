"""API tokens as a client meets them: made and revoked with `kado token`, sent over HTTP.

The token is made and revoked by the real command line (its own process, committing to
the test database) and used against the live server, so what a revocation does is seen
the way a client would see it: the next request is a 401, at once.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

from django.utils import timezone

from kado_platform.accounts.selectors import api_token_for

REPO_ROOT = Path(__file__).resolve().parents[2]
QUERY = "{ orders(first: 1) { totalCount } }"


def _kado(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from kado_platform.cli import main; main()", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def _post(http_server, fed, secret):
    return http_server.session(fed.hub).post(
        f"{http_server.url}/graphql",
        json={"query": QUERY},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )


def test_a_revoked_token_is_refused_at_once(fed, http_server, subprocess_env):
    env = subprocess_env()
    secret = _kado(env, "token", "create", "coordinator@kado.test", "--name", "revoke-me")
    secret = secret.strip().splitlines()[-1]
    working = _post(http_server, fed, secret)
    assert working.status_code == 200 and "errors" not in working.json(), working.text
    _kado(env, "token", "revoke", secret)
    refused = _post(http_server, fed, secret)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="kado"'
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["unauthenticated"]


def test_an_expired_token_is_refused(fed, web):
    token = api_token_for(fed.token("coordinator"))
    token.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    token.save(update_fields=["expires_at"])  # in this test's transaction only
    client = web(fed.hub, HTTP_AUTHORIZATION=f"Bearer {fed.token('coordinator')}")
    response = client.post("/graphql", {"query": QUERY}, content_type="application/json")
    assert response.status_code == 401
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["unauthenticated"]
