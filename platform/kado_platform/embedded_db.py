"""An embedded PostgreSQL for development and tests, so a fresh machine needs no server.

pgserver ships the PostgreSQL binaries as a wheel. The server listens on a unix socket
inside the data folder only, is shared by every process that asks for it, and keeps
running after they exit so the next command starts instantly (`kado db stop` ends it).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

DATABASE_NAME = "kado"


def data_dir() -> Path:
    """The git-ignored folder that holds the embedded cluster."""
    configured = os.environ.get("KADO_DATA_DIR")
    if configured:
        return Path(configured).absolute()
    return Path(__file__).resolve().parents[2] / ".data"


def repair_handle_list(pgdata: Path) -> bool:
    """Mend pgserver's list of the processes using the server, if it is not JSON.

    A process killed while rewriting that file (a second Ctrl-C as `make dev` exits)
    leaves it empty, and every later start fails on it until it is mended. We never let
    pgserver stop the server (cleanup_mode=None), so an empty list loses nothing.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        return False
    except ValueError:
        handles.write_text("[]")
        return True
    return False


def _server():
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pgserver
    from pgserver.postgres_server import PostgresServer

    pgdata = data_dir() / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:  # the lock pgserver itself writes the list under
        repair_handle_list(pgdata)
    return pgserver.get_server(pgdata, cleanup_mode=None)


def database_url() -> str:
    """Start the embedded server if needed, make sure our database exists, return its URL."""
    server = _server()
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 (a constant)
    exists = server.psql(query)
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME} ENCODING 'UTF8' TEMPLATE template0;")
    return server.get_uri(DATABASE_NAME)


def stop() -> None:
    from pgserver._commands import pg_ctl

    pgdata = data_dir() / "postgres"
    if (pgdata / "postmaster.pid").exists():
        server = _server()
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=server.system_user)
