"""Request context for logs and error reports: the region and a request id on every line.

`RequestContextMiddleware` (right after the region middleware) takes the request id from
`X-Request-ID` when the caller sent a sane one, or makes one; it keeps the region's schema
name and the request id in context variables for the duration of the request, echoes the
id in the response, and writes one structured line per request. `RequestContextFilter`
puts both on every log record, so the JSON formatter writes them on every line. Outside a
request (Celery tasks, commands) the region falls back to the connection's schema.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import time
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kado_request_id", default=None
)
region_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("kado_region", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and plain (it ends up in logs and headers).
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_logger = logging.getLogger("kado.request")


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str | None:
    if value and _REQUEST_ID_RE.match(value):
        return value
    return None


def current_region() -> str | None:
    """The region of the request, or else the schema the connection is set to."""
    region = region_var.get()
    if region:
        return region
    try:
        from django.db import connection

        return getattr(connection, "schema_name", None)
    except Exception:  # logging must never fail because of the database layer
        return None


def current_request_id() -> str | None:
    return request_id_var.get()


@contextlib.contextmanager
def log_context(*, region: str | None = None, request_id: str | None = None):
    """Bind a region and a request (or job) id for the code inside, e.g. a Celery task."""
    tokens = (region_var.set(region), request_id_var.set(request_id or new_request_id()))
    try:
        yield
    finally:
        region_var.reset(tokens[0])
        request_id_var.reset(tokens[1])


class RequestContextFilter(logging.Filter):
    """Adds `region` and `request_id` to every record (None when unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "region", None) is None:
            record.region = current_region()
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, region, request_id, extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(region)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)


TEXT_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(region)s %(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: `json` (production) or `text` (development)."""
    if log_format not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "kado_platform.core.observability.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "kado_platform.core.observability.JsonLogFormatter"},
            "text": {"format": TEXT_LOG_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "pgserver": {"level": "WARNING"},
            # The request line below replaces Django's own per-request warnings.
            "django.request": {"level": "ERROR"},
        },
    }


class RequestContextMiddleware:
    """Sets the request id and region for logs and Sentry; logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        tenant = getattr(request, "tenant", None)
        region = getattr(tenant, "schema_name", None)
        request.request_id = request_id
        tokens = (region_var.set(region), request_id_var.set(request_id))
        started = time.monotonic()
        try:
            from kado_platform.core.sentry import request_scope

            with request_scope(request, region=region, request_id=request_id):
                response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            region_var.reset(tokens[0])
            request_id_var.reset(tokens[1])
