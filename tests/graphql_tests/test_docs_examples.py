"""The examples in docs/api.md run against the live test server, as written.

A fenced block whose info string is `<language> <endpoint>-example` is an example:
`graphql` blocks are POSTed (a `json <endpoint>-variables` block right after gives the
variables), `sh` blocks run in bash and `python` blocks are executed, both with KADO_URL
and KADO_TOKEN set. An endpoint runs only when it is listed in ENDPOINTS, with the host
(a region key of the test federation, or "hub") and the user its examples run as.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ENDPOINTS = {
    "region": ("alpha", "alpha_admin"),
    "hub": ("hub", "coordinator"),
    "leadership": ("hub", "leader"),
}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
INFO = re.compile(r"^(?P<language>[a-z]+)\s+(?P<endpoint>[a-z]+)-(?P<kind>example|variables)$")


@dataclass
class Example:
    language: str
    endpoint: str
    code: str
    line: int
    variables: str | None = None

    @property
    def id(self) -> str:
        return f"{self.endpoint}-{self.language}-line{self.line}"


def examples() -> list[Example]:
    text = DOC.read_text("utf-8")
    found: list[Example] = []
    for match in FENCE.finditer(text):
        info = INFO.match(match.group(1).strip())
        if info is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        if info["kind"] == "variables":
            previous = found[-1] if found else None
            assert previous and previous.language == "graphql" and previous.variables is None, (
                f"docs/api.md:{line}: variables must follow a graphql example"
            )
            previous.variables = match.group(2)
            continue
        found.append(Example(info["language"], info["endpoint"], match.group(2), line))
    return found


EXAMPLES = examples()


def test_the_doc_has_examples_of_every_kind():
    kinds = {(example.endpoint, example.language) for example in EXAMPLES}
    assert {("region", "graphql"), ("region", "sh"), ("region", "python")} <= kinds
    assert {("hub", "graphql"), ("hub", "python"), ("leadership", "graphql")} <= kinds
    assert {example.endpoint for example in EXAMPLES} <= set(ENDPOINTS), (
        "an endpoint with examples must be listed in ENDPOINTS"
    )


@pytest.fixture
def target(fed, http_server):
    def _target(example):
        region_key, user = ENDPOINTS[example.endpoint]
        region = fed.hub if region_key == "hub" else getattr(fed, region_key)
        url = f"http://{region.host}:{http_server.port}/graphql"
        return region, user, url, fed.token(user)

    return _target


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_example_runs(example, target, graphql_http, monkeypatch):
    import json

    region, user, url, token = target(example)
    if example.language == "graphql":
        variables = json.loads(example.variables) if example.variables else None
        response = graphql_http(region, example.code, as_user=user, variables=variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        for payload in body["data"].values():
            if isinstance(payload, dict) and "errors" in payload:
                assert payload["errors"] == [], payload
    elif example.language == "sh":
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", example.code],
            env={**os.environ, "KADO_URL": url, "KADO_TOKEN": token},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert '"errors"' not in result.stdout, result.stdout
        assert json.loads(result.stdout)["data"]
    elif example.language == "python":
        monkeypatch.setenv("KADO_URL", url)
        monkeypatch.setenv("KADO_TOKEN", token)
        _resolve_to_loopback(monkeypatch, region.host)
        exec(compile(example.code, f"docs/api.md:{example.line}", "exec"), {})  # noqa: S102
    else:
        pytest.fail(f"docs/api.md:{example.line}: no runner for {example.language!r}")


def _resolve_to_loopback(monkeypatch, host):
    """The test hosts (alpha.localhost) are served on loopback; curl knows *.localhost is
    loopback, Python's resolver may not."""
    original = socket.getaddrinfo

    def getaddrinfo(name, *args, **kwargs):
        return original("127.0.0.1" if name == host else name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
