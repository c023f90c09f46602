"""Error reports to Sentry without personal data.

`init_sentry` is called by the settings only when SENTRY_DSN is set. Every event carries
the region (schema name), the request id and the roles of the user on that host as tags.
Nothing personal leaves: `send_default_pii` is off, local variables and request bodies
are never sent, and `scrub_event` (the `before_send`) removes worker fields, credentials,
cookies, headers that authenticate, query strings, and e-mail addresses, phone numbers
and bearer tokens found in any text.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

import sentry_sdk

FILTERED = "[Filtered]"

# Worker fields (要配慮個人情報 among them) and other personal data, by exact key.
SENSITIVE_KEYS = frozenset(
    {
        "name",
        "name_kana",
        "email",
        "phone",
        "constraint_reason",
        "constraint_note",
        "hourly_rate",
        "invoice_registration_number",
        "username",
        "first_name",
        "last_name",
        "full_name",
        "address",
        "ip_address",
        "data",  # request bodies
        "cookies",
        "query_string",
        "env",
    }
)
# Credentials, by part of the key.
SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "api_key",
    "apikey",
    "x-api-key",
    "dsn",
    "private",
    "signature",
    "credential",
)
# Parts of an event that describe the runtime, not the request: left as they are.
_STRUCTURAL_KEYS = frozenset({"sdk", "contexts", "modules", "tags", "release", "environment"})

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER_RE = re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}")
_PHONE_RE = re.compile(r"(?<![\d-])0\d{1,4}-?\d{1,4}-?\d{3,4}(?![\d-])")


def _sensitive(key: str) -> bool:
    lowered = key.lower()
    return lowered in SENSITIVE_KEYS or any(part in lowered for part in SENSITIVE_KEY_PARTS)


def scrub_text(text: str) -> str:
    text = _EMAIL_RE.sub(FILTERED, text)
    text = _BEARER_RE.sub(lambda match: f"{match.group(1)} {FILTERED}", text)
    return _PHONE_RE.sub(FILTERED, text)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (FILTERED if isinstance(key, str) and _sensitive(key) else _scrub(item))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        # Header lists in some integrations: [["Authorization", "Bearer …"], …]
        if len(value) == 2 and isinstance(value[0], str) and _sensitive(value[0]):
            return [value[0], FILTERED]
        return [_scrub(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """`before_send`: drop what could identify a worker or let someone sign in."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("env", None)
        if request.get("query_string"):
            request["query_string"] = FILTERED
        url = request.get("url")
        if isinstance(url, str) and "?" in url:
            request["url"] = url.split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for key, value in list(event.items()):
        if key in _STRUCTURAL_KEYS:
            continue
        event[key] = _scrub(value)
    _tag_from_context(event)
    return event


def _tag_from_context(event: dict) -> None:
    """Region and request id for events outside a request (Celery tasks, commands)."""
    from kado_platform.core.observability import current_region, current_request_id

    tags = event.setdefault("tags", {})
    if "region" not in tags:
        tags["region"] = current_region() or "unknown"
    request_id = current_request_id()
    if request_id and "request_id" not in tags:
        tags["request_id"] = request_id


def roles_tag(user, region) -> str:
    """The user's roles on this host, comma-separated; `anonymous` when signed out."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    from kado_platform.accounts.policy import roles_on

    roles = sorted(role.value for role in roles_on(user, region))
    return ",".join(roles) or "none"


@contextlib.contextmanager
def request_scope(request, *, region: str | None, request_id: str):
    """Tag the events of one request; roles are read when an event is actually sent."""
    if not sentry_sdk.get_client().is_active():
        yield
        return
    with sentry_sdk.isolation_scope() as scope:
        scope.set_tag("region", region or "unknown")
        scope.set_tag("request_id", request_id)

        def add_roles(event, hint):
            tags = event.setdefault("tags", {})
            try:
                tags["roles"] = roles_tag(getattr(request, "user", None), request.tenant)
            except Exception:
                tags["roles"] = "unknown"
            return event

        scope.add_event_processor(add_roles)
        yield


def default_release(repo_root: Path) -> str | None:
    """The git sha of the checkout, when there is one (images get KADO_RELEASE instead)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=repo_root,
            capture_output=True,
            text=True,
            timeout=2,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def integrations() -> list:
    from sentry_sdk.integrations.django import DjangoIntegration

    found = [DjangoIntegration(transaction_style="url")]
    if importlib.util.find_spec("celery") is not None:
        from sentry_sdk.integrations.celery import CeleryIntegration

        found.append(CeleryIntegration(monitor_beat_tasks=False))
    return found


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str | None,
    traces_sample_rate: float = 0.0,
    **options: Any,
) -> None:
    with warnings.catch_warnings():
        # Newer SDKs call send_default_pii deprecated in favour of data_collection; stating
        # it explicitly keeps the SDK's own default scrubber on in every 2.x version.
        warnings.filterwarnings("ignore", "The send_default_pii option", DeprecationWarning)
        _init(dsn, environment, release, traces_sample_rate, options)


def _init(dsn, environment, release, traces_sample_rate, options) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=integrations(),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=traces_sample_rate,
        **options,
    )
