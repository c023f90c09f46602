"""JSON log lines carry the region and the request id; the request id is echoed back."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.test import Client

from kado_platform.core import observability
from kado_platform.core.observability import (
    JsonLogFormatter,
    RequestContextFilter,
    log_context,
    logging_config,
)


@pytest.fixture
def json_lines():
    """Every record of the `kado` and root loggers, formatted as production formats it."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        handler.flush()
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous_level)


def test_a_request_line_carries_region_request_id_and_status(fed, json_lines):
    response = Client(HTTP_HOST=fed.alpha.host).get(
        "/login/", headers={"X-Request-ID": "abc-123-def-456"}
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "abc-123-def-456"
    line = next(entry for entry in json_lines() if entry["logger"] == "kado.request")
    assert line["region"] == fed.alpha.schema_name
    assert line["request_id"] == "abc-123-def-456"
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/login/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert "time" in line


def test_every_line_logged_during_a_request_has_the_context(fed, json_lines, monkeypatch):
    from kado_platform.core import health

    def refuse():
        raise RuntimeError("database down")

    monkeypatch.setattr(health, "check_database", refuse)
    # Bypass the probe middleware so the request goes through region routing to the view.
    monkeypatch.setattr(health, "PROBES", {})
    response = Client(HTTP_HOST=fed.beta.host).get(
        "/readyz", headers={"X-Request-ID": "req-beta-0001"}
    )
    assert response.status_code == 503
    lines = [entry for entry in json_lines() if entry.get("request_id") == "req-beta-0001"]
    loggers = {entry["logger"] for entry in lines}
    assert {"kado_platform.core.health", "kado.request"} <= loggers
    assert all(entry["region"] == fed.beta.schema_name for entry in lines)
    warning = next(entry for entry in lines if entry["logger"] == "kado_platform.core.health")
    assert warning["level"] == "WARNING"
    assert "RuntimeError" in warning["exc_info"]


def test_a_missing_or_unsafe_request_id_is_replaced(fed, json_lines):
    client = Client(HTTP_HOST=fed.hub.host)
    generated = client.get("/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    injected = client.get("/login/", headers={"X-Request-ID": 'x" \n{"level":"CRITICAL"}'})
    assert re.fullmatch(r"[0-9a-f]{32}", injected["X-Request-ID"])
    hub_lines = [entry for entry in json_lines() if entry["logger"] == "kado.request"]
    assert [entry["region"] for entry in hub_lines] == ["public", "public"]


def test_context_is_cleared_after_the_request(fed):
    Client(HTTP_HOST=fed.alpha.host).get("/login/", headers={"X-Request-ID": "abc-123-def-456"})
    assert observability.request_id_var.get() is None
    assert observability.region_var.get() is None


def test_log_context_binds_a_region_outside_requests(json_lines):
    with log_context(region="region_alpha", request_id="job-000042"):
        logging.getLogger("kado.jobs").info("rebuilt the index", extra={"rows": 3})
    line = json_lines()[-1]
    assert line["region"] == "region_alpha"
    assert line["request_id"] == "job-000042"
    assert line["rows"] == 3
    assert line["message"] == "rebuilt the index"


def test_outside_a_request_the_region_is_the_connections_schema(fed, in_region, json_lines):
    with in_region(fed.beta):
        logging.getLogger("kado.cli").info("hello")
    logging.getLogger("kado.cli").info("back on public")
    before, after = json_lines()[-2:]
    assert before["region"] == fed.beta.schema_name
    assert before["request_id"] is None
    assert after["region"] == "public"


def test_json_lines_keep_japanese_readable():
    record = logging.LogRecord("kado", logging.INFO, __file__, 1, "塩尻市の受注", None, None)
    RequestContextFilter().filter(record)
    assert "塩尻市の受注" in JsonLogFormatter().format(record)


def test_settings_use_the_context_filter_in_both_formats():
    for log_format in ("json", "text"):
        config = logging_config(log_format=log_format, level="INFO")
        handler = config["handlers"]["console"]
        assert handler["formatter"] == log_format
        assert handler["filters"] == ["context"]
    assert "%(region)s" in observability.TEXT_LOG_FORMAT
    assert "%(request_id)s" in observability.TEXT_LOG_FORMAT
    with pytest.raises(ValueError):
        logging_config(log_format="xml", level="INFO")
