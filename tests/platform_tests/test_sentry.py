"""Sentry events are tagged with the region and the roles, and carry no personal data.

Events are captured in memory by a transport that keeps the envelopes instead of
sending them, then searched for every sensitive value the request and the code held.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys

import pytest
import sentry_sdk
from django.http import HttpResponseServerError
from django.urls import path
from sentry_sdk.transport import Transport

from kado_platform.core.sentry import FILTERED, init_sentry, integrations, scrub_event

WORKER = {
    "name": "山田 花子",
    "name_kana": "ヤマダ ハナコ",
    "email": "hanako.yamada@example.jp",
    "phone": "090-1234-5678",
    "constraint_reason": "caregiving",
    "constraint_note": "母の介護で午前のみ",
    "hourly_rate": "時給1350円",  # distinctive: a bare 4-digit number turns up in timestamps and ids
    "invoice_registration_number": "T1234567890123",
}
QUERY_TOKEN = "reset-token-5566778899"
TOKENS: list[str] = []  # the bearer tokens the tests send


@pytest.fixture(autouse=True)
def _tokens(fed):
    TOKENS[:] = [fed.token(key) for key in ("alpha_admin", "coordinator")]


class CapturingTransport(Transport):
    def __init__(self):
        super().__init__()
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        found = []
        for envelope in self.envelopes:
            event = envelope.get_event() or envelope.get_transaction_event()
            if event is not None:
                found.append(event)
        return found

    def text(self) -> str:
        """Everything sent, with JSON's \\u escapes undone: Japanese must be searchable."""
        lines = []
        for envelope in self.envelopes:
            for line in envelope.serialize().decode("utf-8").splitlines():
                try:
                    lines.append(json.dumps(json.loads(line), ensure_ascii=False))
                except ValueError:
                    lines.append(line)
        return "\n".join(lines)


@pytest.fixture
def sentry():
    transport = CapturingTransport()
    init_sentry(
        dsn="https://public@sentry.invalid/1",
        environment="test-env",
        release="rel-abc123",
        transport=transport,
        default_integrations=True,
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def boom(request):
    worker = dict(WORKER)  # a local variable full of personal data
    raise ValueError(f"could not save {worker['email']} (tel {worker['phone']})")


def plain_server_error(request):
    return HttpResponseServerError("error")


class BoomUrls:  # a URLconf object (a class is hashable, as URL resolvers need)
    urlpatterns = [path("boom", boom)]
    handler500 = plain_server_error


def _assert_nothing_sensitive(text: str):
    for field, value in WORKER.items():
        assert value not in text, f"{field} leaked"
    for fragment in ("山田", "ハナコ", "介護", QUERY_TOKEN, "csrftoken-value", *TOKENS):
        assert fragment not in text, f"{fragment} leaked"


def _wsgi_post(host: str, path_info: str, *, query: str, body: bytes, headers: dict) -> str:
    """POST through Django's real WSGI entry point, as gunicorn does (Sentry wraps it)."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **{f"HTTP_{key.upper().replace('-', '_')}": value for key, value in headers.items()},
    }
    statuses = []
    # As Django's test client does: keep the test's connection (and its transaction) open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return statuses[0]


def test_a_view_error_is_tagged_and_scrubbed(fed, web, sentry, settings):
    settings.ROOT_URLCONF = BoomUrls
    signed_in = web(fed.alpha, fed.user("alpha_admin"))
    session_id = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    status = _wsgi_post(
        fed.alpha.host,
        "/boom",
        query=f"token={QUERY_TOKEN}&q=%E5%B1%B1%E7%94%B0",
        body=json.dumps({"worker": WORKER}, ensure_ascii=False).encode(),
        headers={
            "Authorization": f"Bearer {fed.token('alpha_admin')}",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_id}; csrftoken=csrftoken-value",
            "X-Request-ID": "req-sentry-0001",
        },
    )
    assert status.startswith("500")

    [event] = [event for event in sentry.events() if event.get("exception")]
    assert event["tags"]["region"] == fed.alpha.schema_name
    assert event["tags"]["roles"] == "region_admin"
    assert event["tags"]["request_id"] == "req-sentry-0001"
    assert event["release"] == "rel-abc123"
    assert event["environment"] == "test-env"

    request = event["request"]
    assert request["url"] == f"http://{fed.alpha.host}/boom"
    assert request["method"] == "POST"
    assert "data" not in request and "cookies" not in request
    assert request.get("query_string") in {None, FILTERED}
    headers = {key.lower(): value for key, value in request["headers"].items()}
    assert headers["x-request-id"] == "req-sentry-0001"
    assert headers["authorization"] == FILTERED
    assert headers.get("cookie", FILTERED) == FILTERED
    assert "user" not in event or set(event["user"]) <= {"id"}
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert not any(frame.get("vars") for frame in frames)  # no local variables
    assert event["exception"]["values"][0]["value"] == f"could not save {FILTERED} (tel {FILTERED})"

    text = sentry.text()
    _assert_nothing_sensitive(text)
    assert session_id not in text


def test_roles_are_those_on_the_host_hub_and_anonymous(fed, web, sentry, settings):
    settings.PUBLIC_SCHEMA_URLCONF = BoomUrls
    coordinator = web(fed.hub, fed.user("coordinator"), raise_request_exception=False)
    assert coordinator.post("/boom").status_code == 500
    # A region admin of alpha holds no role on the hub.
    stranger = web(fed.hub, fed.user("alpha_admin"), raise_request_exception=False)
    assert stranger.post("/boom").status_code == 500
    anonymous = web(fed.hub, raise_request_exception=False)
    assert anonymous.post("/boom").status_code == 500

    tags = [event["tags"] for event in sentry.events() if event.get("exception")]
    assert [(tag["region"], tag["roles"]) for tag in tags] == [
        ("public", "coordinator"),
        ("public", "none"),
        ("public", "anonymous"),
    ]


def test_a_logged_error_outside_a_request_is_tagged_with_the_schema(fed, in_region, sentry):
    with in_region(fed.beta):
        logging.getLogger("kado_tenants.workforce").error(
            "payout failed for %s", WORKER["email"], extra={"worker": WORKER, "token": TOKENS[0]}
        )
    [event] = sentry.events()
    assert event["tags"]["region"] == fed.beta.schema_name
    assert event["level"] == "error"
    _assert_nothing_sensitive(sentry.text())


def test_scrub_event_removes_fields_tokens_and_contact_details(fed):
    event = {
        "message": "Bearer abcdefghijklmnop for hanako.yamada@example.jp, 03-1234-5678",
        "extra": {"worker": dict(WORKER), "count": 3, "api_token": "x" * 20},
        "request": {
            "url": "https://alpha.kado.example.jp/workers/1?email=a@b.jp",
            "headers": {"Authorization": "Bearer x", "X-Api-Key": "k", "Host": "alpha"},
            "cookies": {"sessionid": "s"},
            "data": {"name": "山田"},
            "query_string": "email=a@b.jp",
        },
        "user": {"id": 7, "email": "a@b.jp", "ip_address": "10.0.0.1"},
        "breadcrumbs": {"values": [{"message": "saved", "data": {"phone": "0312345678"}}]},
        "contexts": {"runtime": {"name": "CPython"}},
        "sdk": {"name": "sentry.python"},
    }
    scrubbed = scrub_event(event, {})
    text = json.dumps(scrubbed, ensure_ascii=False)
    for value in ("hanako.yamada", "abcdefghijklmnop", "03-1234-5678", "山田", "a@b.jp"):
        assert value not in text
    assert scrubbed["extra"]["count"] == 3
    assert scrubbed["extra"]["worker"]["hourly_rate"] == FILTERED
    assert scrubbed["extra"]["api_token"] == FILTERED
    assert scrubbed["request"]["headers"]["Authorization"] == FILTERED
    assert scrubbed["request"]["headers"]["X-Api-Key"] == FILTERED
    assert scrubbed["request"]["headers"]["Host"] == "alpha"
    assert scrubbed["request"]["url"] == "https://alpha.kado.example.jp/workers/1"
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["contexts"]["runtime"]["name"] == "CPython"
    assert scrubbed["sdk"]["name"] == "sentry.python"


def test_integrations_are_django_and_celery_only_when_celery_is_installed():
    import importlib.util

    names = [type(integration).__name__ for integration in integrations()]
    assert names[0] == "DjangoIntegration"
    has_celery = importlib.util.find_spec("celery") is not None
    assert ("CeleryIntegration" in names) is has_celery


def _sentry_state_in_a_fresh_process(subprocess_env, extra_env: dict) -> dict:
    code = (
        "import json, django, sentry_sdk; django.setup(); c = sentry_sdk.get_client(); "
        "print(json.dumps({'active': c.is_active(), 'pii': c.options.get('send_default_pii'), "
        "'release': c.options.get('release'), 'environment': c.options.get('environment'), "
        "'locals': c.options.get('include_local_variables')}))"
    )
    # No database behind the URL: Sentry starts (or not) from the settings alone.
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="kado_platform.settings",
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        without=("SENTRY_", "KADO_RELEASE", "KADO_ENVIRONMENT"),
        **extra_env,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_start_sentry_only_with_a_dsn(subprocess_env):
    assert _sentry_state_in_a_fresh_process(subprocess_env, {})["active"] is False
    state = _sentry_state_in_a_fresh_process(
        subprocess_env,
        {
            "SENTRY_DSN": "https://public@sentry.invalid/1",
            "KADO_RELEASE": "3f2c1e0",
            "KADO_ENVIRONMENT": "staging",
        },
    )
    assert state == {
        "active": True,
        "pii": False,
        "release": "3f2c1e0",
        "environment": "staging",
        "locals": False,
    }
