"""What the benchmark scripts share: the application on the path, the PostgreSQL server,
scratch databases, the machine's description, a free port, and gunicorn serving a checkout
of the application."""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = ("platform", "tenants", "graphql", "frontend")
RESERVED_DATABASES = ("kado", "postgres")

# The scripts run as `python benchmarks/<script>.py` and import the application after this.
for _folder in SOURCE_FOLDERS:
    if str(REPO / _folder) not in sys.path:
        sys.path.insert(0, str(REPO / _folder))


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


def scratch_database(url: str, name: str, *, fresh: bool = True) -> str:
    """The URL of a benchmark's own database, made if missing and made afresh with `fresh`.
    The application's and the tests' databases are refused, never dropped."""
    import psycopg

    if name in RESERVED_DATABASES or name.startswith(("test_", "template")):
        raise SystemExit(f"Refusing to use the database {name!r}: pick a scratch name.")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and fresh:
        drop_database(url, name)
    if fresh or not exists:
        admin_sql(url, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine() -> dict[str, str]:
    """What the figures were measured on, for the record next to them."""
    cpu = ram = load = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "cpu": cpu,
        "nproc": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load": load,
    }


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
