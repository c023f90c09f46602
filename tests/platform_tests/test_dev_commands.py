"""`kado dev` (what `make dev` runs) and `kado db url|stop`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import kado_platform.core.management.commands.db as db_command
import kado_platform.core.management.commands.dev as dev_command


@pytest.fixture
def calls(monkeypatch):
    """Record the commands `kado dev` runs instead of migrating and serving for real."""
    seen = []
    monkeypatch.setattr(
        dev_command, "call_command", lambda name, *args, **kwargs: seen.append((name, args, kwargs))
    )
    return seen


def dev(*args):
    out = StringIO()
    call_command("dev", *args, stdout=out)
    return out.getvalue()


def test_dev_refuses_unless_debug(fed, settings, calls):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"^DEBUG: .*DEBUG=1"):
        dev()
    assert calls == []


def test_dev_migrates_prints_every_url_and_serves(fed, settings, calls, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(dev_command, "get_commands", lambda: {"migrate": "core"})
    out = dev()
    assert [name for name, _args, _kwargs in calls] == ["migrate", "runserver"]
    assert calls[-1][1] == ("127.0.0.1:8000",)
    assert calls[-1][2] == {"use_reloader": True}
    for url in [
        "http://localhost:8000/",
        "http://localhost:8000/login/",
        "http://alpha.localhost:8000/",
        "http://alpha.localhost:8000/login/",
        "http://beta.localhost:8000/login/",
    ]:
        assert url in out
    assert "kado user create" in out


def test_dev_loads_the_demo_only_when_that_command_exists(fed, settings, calls, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(dev_command, "get_commands", lambda: {"migrate": "core", "demo": "demo"})
    dev("--addrport", "0.0.0.0:9000", "--noreload")
    assert [(name, args) for name, args, _kwargs in calls] == [
        ("migrate", ()),
        ("demo", ("--if-empty",)),
        ("runserver", ("0.0.0.0:9000",)),
    ]
    assert calls[-1][2] == {"use_reloader": False}


def test_the_reloaded_child_only_serves(fed, settings, calls, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("RUN_MAIN", "true")
    assert dev() == ""
    assert [name for name, _args, _kwargs in calls] == ["runserver"]


def test_ports_in_printed_urls_follow_addrport(fed, settings, calls, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(dev_command, "get_commands", dict)
    out = dev("--addrport", "127.0.0.1:8123", "--no-serve")
    assert "http://alpha.localhost:8123/" in out
    assert [name for name, _args, _kwargs in calls] == ["migrate"]


def test_db_url_prints_the_configured_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://kado@db.example/kado")
    out = StringIO()
    call_command("db", "url", stdout=out)
    assert out.getvalue().strip() == "postgresql://kado@db.example/kado"


def test_db_url_falls_back_to_the_embedded_server(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(db_command.embedded_db, "database_url", lambda: "postgresql://embedded")
    out = StringIO()
    call_command("db", "url", stdout=out)
    assert out.getvalue().strip() == "postgresql://embedded"


def test_db_stop_stops_the_embedded_server(monkeypatch):
    stopped = []
    monkeypatch.setattr(db_command.embedded_db, "stop", lambda: stopped.append(True))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = StringIO()
    call_command("db", "stop", stdout=out)
    assert stopped == [True]
    assert "Stopped" in out.getvalue()


def test_a_handle_list_left_empty_by_a_killed_process_is_mended(tmp_path):
    from kado_platform.embedded_db import repair_handle_list

    handles = tmp_path / ".handle_pids.json"
    assert repair_handle_list(tmp_path) is False  # no list yet: nothing to mend
    handles.write_text("[101, 202]")
    assert repair_handle_list(tmp_path) is False
    assert handles.read_text() == "[101, 202]"
    handles.write_text("")  # what a process killed mid-write leaves
    assert repair_handle_list(tmp_path) is True
    assert handles.read_text() == "[]"
