"""What the benchmark scripts share: the PostgreSQL server, scratch database URLs, a free
port, and gunicorn serving a checkout of the application."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = ("platform", "tenants", "graphql", "frontend")


def server_url() -> str:
    """DATABASE_URL, or the embedded development server (started if needed)."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return configured
    from kado_platform.embedded_db import database_url

    return database_url()


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin_sql(url: str, statement: str) -> None:
    """A statement on the server's `postgres` database, outside any transaction."""
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    url: str,
    port: int,
    workers: int,
    *,
    env: dict[str, str],
    log_name: str,
    code: Path = REPO,
    timeout: int = 120,
    health_headers: dict[str, str] | None = None,
) -> subprocess.Popen:
    """gunicorn (`workers` × 4 threads, DEBUG off) serving the application of the checkout
    at `code` on `url`; returns once /healthz answers."""
    import requests

    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        **env,
        "PYTHONPATH": os.pathsep.join(str(code / folder) for folder in SOURCE_FOLDERS),
    }
    environment.pop("KADO_TESTING", None)
    log_path = REPO / ".data" / f"{log_name}-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "kado_platform.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4"),
            *("--timeout", str(timeout)),
        ],
        env=environment,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        cwd=code,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            requests.get(
                f"http://127.0.0.1:{port}/healthz",
                headers={"Host": "localhost", **(health_headers or {})},
                timeout=2,
            )
            return process
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text())
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")
