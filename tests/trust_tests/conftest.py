"""Fixtures of the trust tests: marker rows, two more servers, and the figures.

- `markers`: rows committed in alpha and in beta whose texts are DISTINCT markers (the
  seed's アルファ/ベータ plus ASCII ones) and whose primary keys collide; a response on a
  host must never carry a marker that host's caller may not see. Removed again when the
  module ends, so the rest of the suite sees the usual seed.
- `http_server` (tests/conftest.py): the gunicorn every HTTP test shares.
- `rollback_server`: the same app behind a WSGI wrapper that rolls every request's
  transaction back (rollback_wsgi.py): the matrix's and the fuzzing's mutations commit
  nothing, and a session its replay on another host ended lives on.
- `production_server`: DEBUG off, as production runs (introspection, GraphiQL and
  suggestions off), for the abuse table.
- `figures`: counters every test adds to; printed at the end of the run and written to
  .data/trust-figures.json (docs/trust.md quotes them).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The tests import the matrix's generator (trust_cases.py) from here; the rollback
# server's gunicorn imports rollback_wsgi.py from here too.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# ASCII markers have no base64 alphabet-only run that an ID or cursor could contain by
# chance ('-' and ' '); the kana ones are the seed's.
MARK = {"alpha": "mk-alpha-x7", "beta": "mk-beta-x7"}
SEED = {"alpha": "アルファ", "beta": "ベータ"}
USER_EMAILS = {
    "alpha": ["admin@alpha.test", "staff@alpha.test"],
    "beta": ["admin@beta.test", "staff@beta.test"],
}


@dataclass
class RegionMarkers:
    """What one region's rows say, by who may read it."""

    pii: list[str]  # worker personal data: never on the hub, nor on another host
    sensitive: list[str]  # constraint notes: region admins of that region only
    business: list[str]  # orders, clients, user emails: that region's host and the hub

    @property
    def all(self) -> list[str]:
        return [*self.pii, *self.sensitive, *self.business]


def region_markers(code: str) -> RegionMarkers:
    mark, seed = MARK[code], SEED[code]
    return RegionMarkers(
        pii=[
            f"{mark} worker",
            f"{mark}.worker@mail.test",
            f"{seed} 花子",
            f"{seed} 太郎",
            f"{seed}マーカー",
        ],
        sensitive=[f"{mark} secret note", f"{seed}の秘密"],
        business=[
            f"{mark} client",
            f"{mark} order",
            f"{seed}商事",
            f"{seed}の注文",
            *USER_EMAILS[code],
        ],
    )


MARKERS = {code: region_markers(code) for code in ("alpha", "beta")}


# --- figures --------------------------------------------------------------------------


@dataclass
class Figures:
    counts: Counter = field(default_factory=Counter)
    statuses: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            self.counts[name] += amount

    def status(self, name: str, status: int) -> None:
        with self.lock:
            self.statuses.setdefault(name, Counter())[str(status)] += 1

    def note(self, name: str, value) -> None:
        with self.lock:
            self.notes[name] = value


FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES.counts and not FIGURES.notes:
        return
    terminalreporter.section("trust figures")
    for name, value in sorted(FIGURES.counts.items()):
        terminalreporter.write_line(f"{name}: {value}")
    for name, statuses in sorted(FIGURES.statuses.items()):
        terminalreporter.write_line(f"{name} statuses: {dict(sorted(statuses.items()))}")
    for name, value in sorted(FIGURES.notes.items()):
        terminalreporter.write_line(f"{name}: {value}")
    out = REPO_ROOT / ".data" / "trust-figures.json"
    with contextlib.suppress(OSError):
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "counts": dict(FIGURES.counts),
                    "statuses": {k: dict(v) for k, v in FIGURES.statuses.items()},
                    "notes": FIGURES.notes,
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )


# --- the test GraphQL and web volume runs in-process without rate limits ---------------


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.KADO_GRAPHQL_RATE_LIMIT = 0
    settings.KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS = 0


# --- marker rows ----------------------------------------------------------------------


def _seed_markers(code: str) -> dict:
    from kado_tenants.clients.models import Client
    from kado_tenants.orders.models import Assignment, Order, WorkLog
    from kado_tenants.workforce.models import Worker

    mark, seed = MARK[code], SEED[code]
    client = Client.objects.create(
        name=f"{mark} client", kind="local_company", email=f"{mark}.client@mail.test"
    )
    worker = Worker.objects.create(
        name=f"{mark} worker",
        name_kana=f"{seed}マーカー",
        email=f"{mark}.worker@mail.test",
        hourly_rate=1500,
        joined_on=datetime.date(2021, 4, 1),
        status="active",
        constraint_reason="caregiving",
        constraint_note=f"{mark} secret note",
    )
    order = Order.objects.create(
        reference="2023-0901",
        client=client,
        title=f"{mark} order",
        category="ai_annotation",
        unit_price=1200,
        estimated_minutes=600,
        amount=12000,
        received_on=datetime.date(2023, 5, 1),
        due_on=datetime.date(2023, 6, 30),
    )
    assignment = Assignment.objects.create(
        order=order, worker=worker, assigned_on=datetime.date(2023, 5, 2)
    )
    log = WorkLog.objects.create(
        assignment=assignment, work_date=datetime.date(2023, 5, 3), minutes=60, note=f"{mark} log"
    )
    return {
        "client": client,
        "worker": worker,
        "order": order,
        "assignment": assignment,
        "log": log,
    }


def _drop_markers(rows: dict) -> None:
    rows["log"].delete()
    rows["assignment"].delete()
    rows["order"].delete()
    rows["worker"].delete()
    rows["client"].delete()


@dataclass
class Seeded:
    text: dict  # region code → RegionMarkers
    pks: dict  # region code → GraphQL type name → primary key of a marker row

    def path_pks(self, code: str) -> dict:
        """Model name (as in URLs) → pk of the region's marker row."""
        pks = self.pks[code]
        return {
            "worker": pks["Worker"],
            "workers": pks["Worker"],
            "client": pks["Client"],
            "clients": pks["Client"],
            "order": pks["Order"],
            "orders": pks["Order"],
            "assignment": pks["Assignment"],
            "worklog": pks["WorkLog"],
            "worklogs": pks["WorkLog"],
        }


def _align_sequences(regions, models) -> None:
    """The next row of each model gets the same key in every region."""
    from psycopg import sql

    for model in models:
        sequence = f"{model._meta.db_table}_id_seq"
        values = []
        for region in regions:
            with schema_context(region.schema_name), connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("SELECT last_value FROM {}").format(sql.Identifier(sequence))
                )
                values.append(cursor.fetchone()[0])
        for region in regions:
            with schema_context(region.schema_name), connection.cursor() as cursor:
                cursor.execute("SELECT setval(%s, %s, false)", [sequence, max(values) + 1])


@pytest.fixture(scope="module")
def markers(django_db_setup, django_db_blocker) -> Seeded:
    """Marker rows committed in both regions (their keys collide), removed afterwards."""
    from kado_platform.regions.selectors import region_get
    from kado_tenants.clients.models import Client
    from kado_tenants.orders.models import Assignment, Order, WorkLog
    from kado_tenants.workforce.models import Worker

    made = {}
    with django_db_blocker.unblock():
        regions = [region_get(code=code) for code in ("alpha", "beta")]
        _align_sequences(regions, [Client, Worker, Order, Assignment, WorkLog])
        for region in regions:
            with schema_context(region.schema_name):
                made[region.code] = _seed_markers(region.code)
        connection.set_schema_to_public()
    pks = {
        code: {
            "Worker": rows["worker"].pk,
            "Client": rows["client"].pk,
            "Order": rows["order"].pk,
            "Assignment": rows["assignment"].pk,
            "WorkLog": rows["log"].pk,
        }
        for code, rows in made.items()
    }
    assert pks["alpha"] == pks["beta"], "the marker rows' keys must collide"
    yield Seeded(text=MARKERS, pks=pks)
    with django_db_blocker.unblock():
        for code, rows in made.items():
            with schema_context(region_get(code=code).schema_name):
                _drop_markers(rows)
        connection.set_schema_to_public()


# --- servers --------------------------------------------------------------------------
# `http_server` (tests/conftest.py) is the plain one; these two start from the same
# helper with other settings.


@pytest.fixture(scope="session")
def rollback_server(start_gunicorn):
    with start_gunicorn(app="rollback_wsgi:application", pythonpath=(HERE,)) as server:
        yield server


@pytest.fixture(scope="session")
def production_server(start_gunicorn):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "trust-tests-production-mode-secret-key-0123456789",
        "KADO_FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHkta2V5LWthZG8tZmVkZXJhdGlvbi0wMDE=",
        "KADO_SSL_REDIRECT": "0",
        "KADO_BEHIND_TLS_PROXY": "0",
        "KADO_HSTS_SECONDS": "0",
    }
    with start_gunicorn(env=env, workers=1, threads=2) as server:
        yield server
