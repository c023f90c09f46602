"""Cross-region reads at scale: the hub endpoint against the read model, a loop and UNION ALL.

    DEBUG=1 .venv/bin/python benchmarks/federation_scale.py --regions 12,200,1741 --orders 1000000
    DEBUG=1 .venv/bin/python benchmarks/federation_scale.py --quick

Works in its own scratch database (`kado_bench` unless `--database` says otherwise) on the
same PostgreSQL server as development (the embedded one unless DATABASE_URL is set). It
creates and migrates that database, never touches any other, and drops it at the end
unless `--keep` is given.

For each federation size, in ascending order, it:

1. adds the missing regions: rows in regions_region and regions_domain in bulk, and each
   schema cloned from the region template by django-tenants' own `clone_schema` SQL
   function (installed once, not once per region) followed by copying the template's
   django_migrations rows (what `migrate_schemas --fake` records). The regional tables
   are therefore the production DDL, indexes and index triggers;
2. empties every region and loads clients, workers, orders, assignments and work logs
   with COPY, `--orders` in total spread over the regions by a Zipf law (s = 1, the shape
   of municipal populations). `--load triggers` lets the statement-level index triggers
   fill the read model during the COPY; `--load rebuild` (the default, faster) disables
   them with `session_replication_role = replica` for the COPY and then runs
   `public.kado_index_rebuild(schema)` per region. Then VACUUM ANALYZE;
3. times, after warm-up, with `--repeat` runs each (median and p95):
   - `http`: the hub GraphQL `orders(first: 50, filter: …)` (as a coordinator) and
     `report(fiscalYear: …)` (as leadership) through real HTTP against gunicorn serving
     the scratch database, with bearer tokens made by the services;
   - `direct`: the very SQL statements the selectors issue (captured from Django and
     replayed with psycopg on one open connection): the page (LIMIT 51) and the COUNT,
     or every query of the report;
   - `loop`: one psycopg connection, a schema-qualified query (or two) per region, merged
     and sorted in Python;
   - `union`: one `UNION ALL` statement over every region schema, built with
     psycopg.sql.Identifier. When a single statement would need more locks than
     `--lock-budget` (the server's lock table is shared with everyone else on it), the
     union runs in chunks of schemas and the chunks are merged; the result says so.

Results go to `.data/federation_scale.json`; `--markdown` prints the tables for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import io
import json
import os
import random
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

from provisioning import summary
from servers import (
    REPO,
    drop_database,
    free_port,
    machine,
    scratch_database,
    server_url,
    start_gunicorn,
)

FISCAL_YEAR = 2024
STATUSES = ["RECEIVED", "IN_PROGRESS", "DELIVERED"]
CATEGORIES = ["AI_ANNOTATION", "DATA_ENTRY", "BACK_OFFICE", "HD_MAP"]
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2019, 2025
PASSWORD = "bench-Password-2026"  # noqa: S105 (a throwaway scratch user)

ORDERS_QUERY = """
query ($first: Int!, $filter: OrderFilter) {
  orders(first: $first, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id reference title clientName clientKind category contractType status amount
      receivedOn dueOn fiscalYear
      region { code name }
      progress { loggedMinutes estimatedMinutes ratio }
    } }
  }
}
"""

FLOOR_QUERY = "{ __typename }"
REPORT_QUERY = """
query ($fiscalYear: Int!) {
  report(fiscalYear: $fiscalYear) {
    fiscalYear amount orders minutes activeWorkers movedToEmployment returned
    byRegion { region { code name } amount orders minutes activeWorkers
               movedToEmployment returned }
    byCategory { key amount orders minutes }
    byClientKind { key amount orders minutes }
    byMonth { month amount orders minutes }
  }
}
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the federation


def region_code(index: int) -> str:
    return f"m{index:04d}"


def template_ddl(url: str, template: str) -> str:
    """The template schema's DDL (tables, indexes, constraints, triggers) with a placeholder."""
    import shutil

    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
    pg_dump = str(bundled) if bundled.exists() else shutil.which("pg_dump")
    dump = subprocess.run(
        [pg_dump, "--schema-only", "--no-owner", "--no-privileges", "-n", template, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    dump = dump.replace(f"CREATE SCHEMA {template};", "CREATE SCHEMA {schema};")
    return dump.replace(f"{template}.", "{schema}.")


def schema_signature(conn, schema: str) -> list[str]:
    """Everything that makes a region schema what it is, with its own name blanked out."""
    rows = conn.execute(
        """
        SELECT 'table ' || c.relname || ' ' || c.relkind::text FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(s)s
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = %(s)s
        UNION ALL
        SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %(s)s AND NOT t.tgisinternal
        UNION ALL
        SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
          JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = %(s)s
        UNION ALL
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '
               || is_nullable || ' ' || COALESCE(column_default, '') || ' ' || is_identity
          FROM information_schema.columns WHERE table_schema = %(s)s
        """,
        {"s": schema},
    ).fetchall()
    return sorted(row[0].replace(f"{schema}.", "S.").replace(f'"{schema}".', "S.") for row in rows)


def _unnamed(signature: list[str]) -> list[str]:
    import re

    return sorted(
        re.sub(r"^(constraint|index CREATE (UNIQUE )?INDEX) \S+", r"\1", line)
        for line in signature
        if not re.fullmatch(r"table \S+ i", line)  # index relations: their names
    )


def ensure_regions(url: str, count: int, batch: int, method: str) -> dict:
    """Regions m0001 … m<count>: rows in bulk, schemas from the template.

    `clone`: django-tenants' clone_schema SQL function (what region_create runs), installed
    once. `dump`: the template's own DDL from pg_dump, run once per schema (much faster;
    checked against a cloned region below). Either way the template's django_migrations
    rows are copied, which is what `migrate_schemas --fake` records.
    """
    import psycopg
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone
    from django_tenants.clone import CloneSchema
    from psycopg import sql

    from kado_platform.regions.models import Domain, Region, RegionKind

    existing = set(Region.objects.regions().values_list("code", flat=True))
    wanted = [region_code(i) for i in range(1, count + 1)]
    missing = [code for code in wanted if code not in existing]
    template = settings.TENANT_BASE_SCHEMA
    started = time.perf_counter()
    ddl = template_ddl(url, template) if missing and method == "dump" else ""
    # The first region of a database is always cloned: the dumped ones are compared with it.
    cloned = {region_code(1)} if method == "clone" or region_code(1) in missing else set()
    if missing and cloned:
        CloneSchema()._create_clone_schema_function()  # once, not once per region
    today = timezone.localdate()
    with psycopg.connect(url, autocommit=True) as conn:
        for offset in range(0, len(missing), batch):
            codes = missing[offset : offset + batch]
            with transaction.atomic(), conn.transaction():
                regions = Region.objects.bulk_create(
                    Region(
                        code=code,
                        schema_name=code,
                        name=f"自治体{code[1:]}",
                        name_en=f"Municipality {code[1:]}",
                        kind=RegionKind.PARTNER,
                        joined_on=today,
                    )
                    for code in codes
                )
                Domain.objects.bulk_create(
                    Domain(domain=f"{r.code}.{settings.BASE_DOMAIN}", tenant=r, is_primary=True)
                    for r in regions
                )
            for code in codes:
                with conn.transaction():
                    if method == "clone" or code in cloned:
                        conn.execute(
                            "SELECT public.clone_schema(%s, %s, 'NODATA')", [template, code]
                        )
                    else:
                        conn.execute(ddl.replace("{schema}", f'"{code}"'))
                    conn.execute(
                        sql.SQL(
                            "INSERT INTO {} (app, name, applied) SELECT app, name, now() FROM {}"
                        ).format(
                            sql.Identifier(code, "django_migrations"),
                            sql.Identifier(template, "django_migrations"),
                        )
                    )
                conn.execute("RESET ALL")
            done = offset + len(codes)
            if done % 100 < batch or done == len(missing):
                log(f"  regions: {len(existing) + done}/{count} ({method})")
        elapsed = time.perf_counter() - started
        same = {}
        if method == "dump" and [code for code in missing if code not in cloned]:
            # The first region is made by clone_schema (see run_size): compare. clone_schema
            # renames unique constraints, so that comparison leaves constraint names out.
            made = schema_signature(conn, next(c for c in missing if c not in cloned))
            same["as_template"] = made == schema_signature(conn, template)
            same["as_clone_but_names"] = _unnamed(made) == _unnamed(
                schema_signature(conn, region_code(1))
            )
    return {
        "created": len(missing),
        "method": method,
        "seconds": elapsed,
        "per_region": elapsed / len(missing) if missing else 0.0,
        "same_as_clone": same,
    }


def region_rows(count: int) -> list[tuple[int, str]]:
    from kado_platform.regions.models import Region

    codes = {region_code(i) for i in range(1, count + 1)}
    return sorted(
        (pk, code)
        for pk, code in Region.objects.regions().values_list("id", "code")
        if code in codes
    )


def zipf_sizes(total: int, count: int, s: float = 1.0) -> list[int]:
    weights = [1 / (rank**s) for rank in range(1, count + 1)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _date(value: datetime.date) -> str:
    return value.isoformat()


def region_data(code: str, orders: int, seed: int) -> dict[str, tuple[list[str], str]]:
    """COPY payloads (columns, text) for one region."""
    from kado_tenants.clients.choices import ClientKind
    from kado_tenants.orders.categories import Category
    from kado_tenants.orders.choices import ContractType

    rng = random.Random(seed)
    now = "2026-04-01 09:00:00+09"
    kinds = list(ClientKind.values)
    categories = list(Category.values)
    contracts = list(ContractType.values)
    statuses = ["paid"] * 45 + ["invoiced"] * 8 + ["inspected"] * 5 + ["delivered"] * 7
    statuses += ["in_progress"] * 15 + ["received"] * 10 + ["cancelled"] * 10
    n_clients = max(3, orders // 40)
    n_workers = max(2, orders // 60)
    clients = io.StringIO()
    for i in range(1, n_clients + 1):
        kind = rng.choice(kinds)
        clients.write(f"{i}\t{code}取引先{i}\tトリヒキサキ\t{kind}\t\t\t\t\t{now}\n")
    workers = io.StringIO()
    for i in range(1, n_workers + 1):
        joined = datetime.date(2018, 4, 1) + datetime.timedelta(days=rng.randrange(2500))
        workers.write(
            f"{i}\t{code}作業者{i}\tサギョウシャ\t\t\t{1000 + rng.randrange(10) * 50}\t\t"
            f"active\t{_date(joined)}\t\t\t{now}\t{now}\n"
        )
    first_day = datetime.date(FIRST_FISCAL_YEAR, 4, 1)
    span = (datetime.date(LAST_FISCAL_YEAR + 1, 3, 31) - first_day).days
    order_rows = io.StringIO()
    assignment_rows = io.StringIO()
    worklog_rows = io.StringIO()
    assignment = 0
    for i in range(1, orders + 1):
        received = first_day + datetime.timedelta(days=rng.randrange(span))
        due = received + datetime.timedelta(days=rng.randrange(14, 120))
        category = rng.choice(categories)
        price = rng.choice((1100, 1200, 1500, 3000))
        # Amounts are the Yen scalar (up to 2**53), so a year's total may pass 2**31 yen.
        quantity = rng.randrange(1, 41)
        minutes = quantity * 60
        status = rng.choice(statuses)
        order_rows.write(
            f"{i}\tB{i:08d}\t{category} 業務 {i}\t{category}\t{rng.choice(contracts)}\t"
            f"{price}\t{quantity}\t{minutes}\t{price * quantity}\t{_date(received)}\t"
            f"{_date(due)}\t{status}\t{now}\t{now}\t{rng.randrange(1, n_clients + 1)}\n"
        )
        if status != "received" and rng.random() < 0.3:
            assignment += 1
            worker = rng.randrange(1, n_workers + 1)
            assignment_rows.write(f"{assignment}\t{_date(received)}\t{now}\t{worker}\t{i}\n")
            for day in range(rng.randrange(1, 4)):
                work_date = received + datetime.timedelta(days=day + 1)
                worklog_rows.write(
                    f"{assignment * 4 + day}\t{_date(work_date)}\t{rng.randrange(30, 480)}\t"
                    f"\t{now}\t{assignment}\n"
                )
    return {
        "clients_client": (
            [
                "id",
                "name",
                "name_kana",
                "kind",
                "corporate_number",
                "contact_name",
                "email",
                "phone",
                "created_at",
            ],
            clients.getvalue(),
        ),
        "workforce_worker": (
            [
                "id",
                "name",
                "name_kana",
                "email",
                "phone",
                "hourly_rate",
                "invoice_registration_number",
                "status",
                "joined_on",
                "constraint_reason",
                "constraint_note",
                "created_at",
                "updated_at",
            ],
            workers.getvalue(),
        ),
        "orders_order": (
            [
                "id",
                "reference",
                "title",
                "category",
                "contract_type",
                "unit_price",
                "quantity",
                "estimated_minutes",
                "amount",
                "received_on",
                "due_on",
                "status",
                "created_at",
                "updated_at",
                "client_id",
            ],
            order_rows.getvalue(),
        ),
        "orders_assignment": (
            ["id", "assigned_on", "created_at", "worker_id", "order_id"],
            assignment_rows.getvalue(),
        ),
        "orders_worklog": (
            ["id", "work_date", "minutes", "note", "created_at", "assignment_id"],
            worklog_rows.getvalue(),
        ),
    }


REGIONAL_TABLES = [
    "orders_worklog",
    "orders_assignment",
    "orders_order",
    "clients_client",
    "workforce_worker",
]


def load(url: str, regions: list[tuple[int, str]], total: int, mode: str) -> dict:
    """Empty every region and the read model, then COPY the synthetic data."""
    import psycopg
    from psycopg import sql

    sizes = zipf_sizes(total, len(regions))
    timings = {"generate": 0.0, "copy": 0.0, "index": 0.0}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE public.federation_orderindexentry, public.federation_workerindexentry, "
            "public.federation_workminutes"
        )
        for position, ((_pk, code), size) in enumerate(zip(regions, sizes, strict=True)):
            started = time.perf_counter()
            data = region_data(code, size, seed=position)
            timings["generate"] += time.perf_counter() - started
            started = time.perf_counter()
            with conn.transaction():
                if mode == "rebuild":
                    conn.execute("SET LOCAL session_replication_role = replica")
                conn.execute(
                    sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                        sql.SQL(", ").join(sql.Identifier(code, t) for t in REGIONAL_TABLES)
                    )
                )
                with conn.cursor() as cur:
                    for table in (
                        "clients_client",
                        "workforce_worker",
                        "orders_order",
                        "orders_assignment",
                        "orders_worklog",
                    ):
                        columns, payload = data[table]
                        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                            sql.Identifier(code, table),
                            sql.SQL(", ").join(map(sql.Identifier, columns)),
                        )
                        with cur.copy(statement) as copy:
                            copy.write(payload)
                        cur.execute(
                            sql.SQL(
                                "SELECT setval(pg_get_serial_sequence({}, 'id'), "
                                "(SELECT COALESCE(MAX(id), 0) + 1 FROM {}), false)"
                            ).format(sql.Literal(f"{code}.{table}"), sql.Identifier(code, table))
                        )
            copied = time.perf_counter() - started
            timings["copy"] += copied
            if mode == "rebuild":
                started = time.perf_counter()
                conn.execute("SELECT public.kado_index_rebuild(%s)", [code])
                timings["index"] += time.perf_counter() - started
            if (position + 1) % 100 == 0 or position + 1 == len(regions):
                log(f"  loaded {position + 1}/{len(regions)} regions")
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        timings["vacuum_analyze"] = time.perf_counter() - started
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM public.federation_orderindexentry), "
            "(SELECT count(*) FROM public.federation_workminutes), "
            "pg_database_size(current_database()), "
            "pg_total_relation_size('public.federation_orderindexentry')"
        ).fetchone()
    return {
        "mode": mode,
        "sizes": {"largest": max(sizes), "smallest": min(sizes)},
        "seconds": timings,
        "index_rows": counts[0],
        "work_minute_rows": counts[1],
        "database_bytes": counts[2],
        "order_index_bytes": counts[3],
    }


# --------------------------------------------------------------------------- measuring


def measure(function, *, warmup: int, repeat: int) -> tuple[dict, object]:
    """One function's timing summary and its last result."""
    return measure_in_turns({"only": function}, warmup=warmup, repeat=repeat)["only"]


def measure_in_turns(functions: dict, *, warmup: int, repeat: int) -> dict:
    """Several functions run in turns, so each meets the same load on a shared machine:
    {name: (summary, last result)}."""
    results = {}
    for _ in range(warmup):
        for name, function in functions.items():
            results[name] = function()
    times = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            started = time.perf_counter()
            results[name] = function()
            times[name].append(time.perf_counter() - started)
    return {name: (summary(times[name]), results[name]) for name in functions}


def captured_sql() -> dict[str, list[str]]:
    """The statements the hub's selectors send for the two queries, as sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kado_graphql.federation.filters import order_filter_arguments
    from kado_platform.federation import selectors

    filter_ = {
        "statuses": [s.lower() for s in STATUSES],
        "categories": [c.lower() for c in CATEGORIES],
        "fiscal_year": FISCAL_YEAR,
    }
    entries = selectors.order_index_list(**order_filter_arguments(filter_))
    with CaptureQueriesContext(connection) as orders:
        list(entries[0:51])
        entries.count()
    with CaptureQueriesContext(connection) as report:
        result = selectors.report(fiscal_year=FISCAL_YEAR)
        for row in result["by_region"]:
            _ = row["region"].code

    def statements(captured):
        # django-tenants' `SET search_path` statements are left out: the replay sets it once.
        return [q["sql"] for q in captured if not q["sql"].startswith("SET ")]

    return {
        "orders": statements(orders.captured_queries),
        "report": statements(report.captured_queries),
    }


class Http:
    def __init__(self, port: int, tokens: dict[str, str]):
        import requests

        self.session = requests.Session()
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.tokens = tokens

    def post(self, query: str, variables: dict, user: str) -> dict:
        response = self.session.post(
            self.url,
            json={"query": query, "variables": variables},
            headers={
                "Host": "localhost",
                "Authorization": f"Bearer {self.tokens[user]}",
                "X-Forwarded-Proto": "https",
            },
            timeout=300,
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{response.status_code}: {str(body)[:500]}")
        return body["data"]


def orders_variables() -> dict:
    return {
        "first": 50,
        "filter": {"statuses": STATUSES, "categories": CATEGORIES, "fiscalYear": FISCAL_YEAR},
    }


def fy_bounds() -> tuple[datetime.date, datetime.date]:
    return datetime.date(FISCAL_YEAR, 4, 1), datetime.date(FISCAL_YEAR + 1, 3, 31)


def regional_orders_sql(schema: str, region_id: int):
    """One region's filtered orders, with the read model's columns, from its own tables."""
    from psycopg import sql

    first, last = fy_bounds()
    return sql.SQL(
        """
        SELECT {region}::bigint AS region_id, o.id, o.reference, o.title, c.name AS client_name,
               c.kind AS client_kind, o.category, o.contract_type, o.status, o.amount,
               o.estimated_minutes,
               COALESCE((SELECT SUM(w.minutes) FROM {worklog} w
                          JOIN {assignment} a ON a.id = w.assignment_id
                         WHERE a.order_id = o.id), 0) AS logged_minutes,
               o.received_on, o.due_on
          FROM {orders} o JOIN {clients} c ON c.id = o.client_id
         WHERE o.status = ANY({statuses}) AND o.category = ANY({categories})
           AND o.received_on BETWEEN {first} AND {last}
        """
    ).format(
        region=sql.Literal(region_id),
        worklog=sql.Identifier(schema, "orders_worklog"),
        assignment=sql.Identifier(schema, "orders_assignment"),
        orders=sql.Identifier(schema, "orders_order"),
        clients=sql.Identifier(schema, "clients_client"),
        statuses=sql.Literal([s.lower() for s in STATUSES]),
        categories=sql.Literal([c.lower() for c in CATEGORIES]),
        first=sql.Literal(first),
        last=sql.Literal(last),
    )


def regional_count_sql(schema: str):
    from psycopg import sql

    first, last = fy_bounds()
    return sql.SQL(
        "SELECT count(*) FROM {orders} o WHERE o.status = ANY({statuses}) "
        "AND o.category = ANY({categories}) AND o.received_on BETWEEN {first} AND {last}"
    ).format(
        orders=sql.Identifier(schema, "orders_order"),
        statuses=sql.Literal([s.lower() for s in STATUSES]),
        categories=sql.Literal([c.lower() for c in CATEGORIES]),
        first=sql.Literal(first),
        last=sql.Literal(last),
    )


def regional_report_sql(schema: str, region_id: int) -> dict:
    """The report's figures of one region from its own tables, at the grain they roll up from."""
    from psycopg import sql

    first, last = fy_bounds()
    names = {
        "region": sql.Literal(region_id),
        "orders": sql.Identifier(schema, "orders_order"),
        "clients": sql.Identifier(schema, "clients_client"),
        "worklog": sql.Identifier(schema, "orders_worklog"),
        "assignment": sql.Identifier(schema, "orders_assignment"),
        "changes": sql.Identifier(schema, "workforce_workerstatuschange"),
        "first": sql.Literal(first),
        "last": sql.Literal(last),
    }
    orders = sql.SQL(
        """
        SELECT {region}::bigint, o.category, c.kind,
               date_trunc('month', o.received_on)::date, SUM(o.amount)::bigint,
               count(*), COALESCE(SUM(logged.minutes), 0)::bigint
          FROM {orders} o JOIN {clients} c ON c.id = o.client_id
          LEFT JOIN (SELECT a.order_id, SUM(w.minutes) AS minutes
                       FROM {worklog} w JOIN {assignment} a ON a.id = w.assignment_id
                      GROUP BY a.order_id) logged ON logged.order_id = o.id
         WHERE o.received_on BETWEEN {first} AND {last} AND o.status <> 'cancelled'
         GROUP BY 2, 3, 4
        """
    ).format(**names)
    work = sql.SQL(
        """
        SELECT {region}::bigint, date_trunc('month', w.work_date)::date, SUM(w.minutes)::bigint,
               array_agg(DISTINCT a.worker_id)
          FROM {worklog} w JOIN {assignment} a ON a.id = w.assignment_id
         WHERE w.work_date BETWEEN {first} AND {last}
         GROUP BY 2
        """
    ).format(**names)
    outcomes = sql.SQL(
        """
        SELECT {region}::bigint, to_status, count(DISTINCT worker_id)
          FROM {changes}
         WHERE to_status IN ('employed', 'returned') AND changed_on BETWEEN {first} AND {last}
         GROUP BY 2
        """
    ).format(**names)
    return {"orders": orders, "work": work, "outcomes": outcomes}


def roll_up_report(order_rows, work_rows, outcome_rows) -> dict:
    """The report's totals and breakdowns from per-region rows (as selectors.report has them)."""
    from collections import defaultdict

    def figures():
        return {"amount": 0, "orders": 0, "minutes": 0}

    by_region = defaultdict(figures)
    by_category = defaultdict(figures)
    by_kind = defaultdict(figures)
    by_month = defaultdict(figures)
    for region, category, kind, month, amount, count, minutes in order_rows:
        for bucket in (by_region[region], by_category[category], by_kind[kind]):
            bucket["amount"] += amount
            bucket["orders"] += count
            bucket["minutes"] += minutes
        by_month[month]["amount"] += amount
        by_month[month]["orders"] += count
    workers = defaultdict(set)
    worked = defaultdict(int)
    for region, month, minutes, worker_ids in work_rows:
        by_month[month]["minutes"] += minutes
        worked[region] += minutes
        workers[region].update(worker_ids)
    outcomes = defaultdict(int)
    for _region, status, count in outcome_rows:
        outcomes[status] += count
    return {
        "amount": sum(f["amount"] for f in by_region.values()),
        "orders": sum(f["orders"] for f in by_region.values()),
        "minutes": sum(worked.values()),
        "active_workers": sum(len(w) for w in workers.values()),
        "moved_to_employment": outcomes["employed"],
        "by_region": dict(by_region),
        "by_category": dict(sorted(by_category.items())),
        "by_client_kind": dict(sorted(by_kind.items())),
        "by_month": dict(sorted(by_month.items())),
    }


def _sort_key(row):
    # RECEIVED_DESC; ties broken by region and order (the read model breaks them by its row id).
    return (row[12], row[0], row[1])


class Comparators:
    """(a) direct SQL on the read model, (b) a per-schema loop, (c) UNION ALL."""

    def __init__(self, url: str, regions: list[tuple[int, str]], statements, lock_budget: int):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute("SET search_path = public")
        self.regions = regions
        self.statements = statements
        self.lock_budget = lock_budget
        self.chunk = len(regions)

    def close(self):
        self.conn.close()

    # (a)
    def direct_orders(self):
        with self.conn.cursor() as cur:
            cur.execute(self.statements["orders"][0])
            rows = cur.fetchall()
            cur.execute(self.statements["orders"][1])
            return {"count": cur.fetchone()[0], "page": rows[:50]}

    def direct_report(self):
        results = []
        with self.conn.cursor() as cur:
            for statement in self.statements["report"]:
                cur.execute(statement)
                results.append(cur.fetchall())
        return {"amount": results[0][0][0], "orders": results[0][0][1]}

    # (b)
    def loop_orders(self):
        total = 0
        best = []
        with self.conn.cursor() as cur:
            for pk, code in self.regions:
                base = regional_orders_sql(code, pk)
                cur.execute(
                    base + _sql("ORDER BY o.received_on DESC, o.id DESC LIMIT 51"),
                )
                best = heapq.nlargest(51, best + cur.fetchall(), key=_sort_key)
                cur.execute(regional_count_sql(code))
                total += cur.fetchone()[0]
        return {"count": total, "page": best[:50]}

    def loop_report(self):
        orders, work, outcomes = [], [], []
        with self.conn.cursor() as cur:
            for pk, code in self.regions:
                statements = regional_report_sql(code, pk)
                cur.execute(statements["orders"])
                orders += cur.fetchall()
                cur.execute(statements["work"])
                work += cur.fetchall()
                cur.execute(statements["outcomes"])
                outcomes += cur.fetchall()
        return roll_up_report(orders, work, outcomes)

    # (c)
    def _chunks(self):
        for start in range(0, len(self.regions), self.chunk):
            yield self.regions[start : start + self.chunk]

    def union_orders(self):
        from psycopg import sql

        total = 0
        best = []
        with self.conn.cursor() as cur:
            for chunk in self._chunks():
                page = sql.SQL(" UNION ALL ").join(
                    sql.SQL("({})").format(regional_orders_sql(code, pk)) for pk, code in chunk
                )
                cur.execute(
                    sql.SQL(
                        "SELECT * FROM ({}) u ORDER BY 13 DESC, 1 DESC, 2 DESC LIMIT 51"
                    ).format(page)
                )
                best = heapq.nlargest(51, best + cur.fetchall(), key=_sort_key)
                counts = sql.SQL(" UNION ALL ").join(
                    sql.SQL("({})").format(regional_count_sql(code)) for _pk, code in chunk
                )
                cur.execute(sql.SQL("SELECT SUM(count) FROM ({}) u").format(counts))
                total += int(cur.fetchone()[0] or 0)
        return {"count": total, "page": best[:50]}

    def union_report(self):
        from psycopg import sql

        orders, work, outcomes = [], [], []
        with self.conn.cursor() as cur:
            for chunk in self._chunks():
                parts = [regional_report_sql(code, pk) for pk, code in chunk]
                for key, target in (("orders", orders), ("work", work), ("outcomes", outcomes)):
                    cur.execute(
                        sql.SQL(" UNION ALL ").join(
                            sql.SQL("({})").format(part[key]) for part in parts
                        )
                    )
                    target += cur.fetchall()
        return roll_up_report(orders, work, outcomes)

    def locks_held_by_one_union(self) -> dict:
        """Relation locks the page's UNION ALL over every region holds, and the lock table.

        Run once, in a transaction rolled back at once; the shared lock table has room for
        about max_locks_per_transaction × (max_connections + max_prepared_transactions).
        """
        from psycopg import sql

        statement = sql.SQL(" UNION ALL ").join(
            sql.SQL("({})").format(regional_orders_sql(code, pk)) for pk, code in self.regions
        )
        with self.conn.transaction(force_rollback=True), self.conn.cursor() as cur:
            cur.execute(sql.SQL("SELECT count(*) FROM ({}) u").format(statement))
            cur.execute(
                "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() "
                "AND locktype = 'relation'"
            )
            held = cur.fetchone()[0]
        settings = dict(
            self.conn.execute(
                "SELECT name, setting::int FROM pg_settings WHERE name IN "
                "('max_locks_per_transaction', 'max_connections', 'max_prepared_transactions')"
            ).fetchall()
        )
        slots = settings["max_locks_per_transaction"] * (
            settings["max_connections"] + settings["max_prepared_transactions"]
        )
        return {"held": held, "lock_table_slots": slots, "default_slots": 64 * 100, **settings}

    def locks_per_region(self) -> float:
        """Most relation locks one UNION ALL statement takes per region (first 10 regions)."""
        from psycopg import sql

        sample = self.regions[:10]
        statements = [
            sql.SQL(" UNION ALL ").join(
                sql.SQL("({})").format(regional_report_sql(code, pk)[key]) for pk, code in sample
            )
            for key in ("orders", "work", "outcomes")
        ]
        statements.append(
            sql.SQL(" UNION ALL ").join(
                sql.SQL("({})").format(regional_orders_sql(code, pk)) for pk, code in sample
            )
        )
        worst = 0
        for statement in statements:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(statement)
                cur.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() "
                    "AND locktype = 'relation'"
                )
                worst = max(worst, cur.fetchone()[0])
        return worst / len(sample)

    def without_new_indexes(self, *, warmup: int, repeat: int) -> dict:
        """(a) again with migration 0003's indexes dropped inside a rolled-back transaction."""
        figures = {}
        try:
            with self.conn.transaction():
                self.conn.execute(
                    "DROP INDEX public.order_index_fy_recent, public.order_index_fy_filters, "
                    "public.work_minutes_month_cover"
                )
                figures["direct orders"], _ = measure(
                    self.direct_orders, warmup=warmup, repeat=repeat
                )
                figures["direct report"], _ = measure(
                    self.direct_report, warmup=warmup, repeat=repeat
                )
                plans = {}
                for name, statement in (
                    ("page", self.statements["orders"][0]),
                    ("count", self.statements["orders"][1]),
                ):
                    rows = self.conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
                    plans[name] = "\n".join(row[0] for row in rows.fetchall())
                figures["explain"] = plans
                raise _RollBack
        except _RollBack:
            pass
        return figures


class _RollBack(Exception):
    pass


def _sql(text: str):
    from psycopg import sql

    return sql.SQL(" " + text)


def explain(url: str, statement: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET search_path = public")
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement).fetchall()
    return "\n".join(row[0] for row in rows)


# --------------------------------------------------------------------------- the server


def start_server(url: str, port: int, workers: int, code: Path = REPO) -> subprocess.Popen:
    """gunicorn serving `url` with the application code of the checkout at `code`."""
    return start_gunicorn(
        url,
        port,
        workers,
        env={
            "DATABASE_CONN_MAX_AGE": "60",
            "SECRET_KEY": "bench-only-" + "x" * 40,
            "KADO_GRAPHQL_RATE_LIMIT": "100000",
        },
        log_name="bench-server",
        code=code,
        timeout=600,
        health_headers={"X-Forwarded-Proto": "https"},
    )


def users() -> dict[str, str]:
    from kado_platform.accounts.selectors import user_by_email
    from kado_platform.accounts.services import api_token_create, membership_grant, user_create

    tokens = {}
    for key, role in (("coordinator", "coordinator"), ("leader", "leader")):
        email = f"{key}@bench.test"
        user = user_by_email(email)
        if user is None:
            user = user_create(email=email, password=PASSWORD)
            membership_grant(user=user, role=role)
        _token, tokens[key] = api_token_create(user=user, name="benchmark")
    return tokens


# --------------------------------------------------------------------------- one size


def run_size(url: str, count: int, args, tokens: dict, *, first: bool) -> dict:
    from django.db import connection

    built = built_path(args, count)
    if args.reuse and built.exists():
        # A federation built earlier by `--build-only` with the same size and orders.
        saved = json.loads(built.read_text())
        provisioned, loaded = saved["provisioning"], saved["load"]
        regions = region_rows(count)
        log(f"{count} regions: reusing the federation built at {saved['built_at']}")
    else:
        log(f"{count} regions: provisioning")
        # The smallest federation is cloned as region_create clones; the rest from the dump.
        method = args.provision if args.provision != "auto" else ("clone" if first else "dump")
        provisioned = ensure_regions(url, count, args.batch, method)
        regions = region_rows(count)
        log(f"{count} regions: loading {args.orders} orders ({args.load})")
        loaded = load(url, regions, args.orders, args.load)
        built.write_text(
            json.dumps(
                {
                    "built_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                    "provisioning": provisioned,
                    "load": loaded,
                },
                indent=2,
            )
        )
    connection.close()
    if args.build_only:
        return {"regions": count, "provisioning": provisioned, "load": loaded}
    statements = captured_sql()
    connection.close()
    comparators = Comparators(url, regions, statements, args.lock_budget)
    locks = comparators.locks_per_region()
    needed = locks * count
    if needed > args.lock_budget:
        comparators.chunk = max(1, int(args.lock_budget // locks))
    port = free_port()
    server = start_server(url, port, args.workers, Path(args.code).absolute())
    http = Http(port, tokens)
    figures = {}
    checks = {}
    without = {}
    try:
        warm, rep = args.warmup, args.repeat
        # The loop and the union are slow at scale: fewer runs (--slow-repeat says how many).
        slow = args.slow_repeat or max(3, rep // 3)
        slow_warm = args.slow_warmup
        log(f"{count} regions: measuring")
        # The endpoint and the direct SQL run in turns (one of each per round), so that
        # both meet the same load on the shared machine and their ratio is fair.
        results = measure_in_turns(
            {
                "http orders": lambda: http.post(ORDERS_QUERY, orders_variables(), "coordinator"),
                "direct orders": comparators.direct_orders,
                # What any request costs before its own work: token, region, middleware.
                "http floor": lambda: http.post(FLOOR_QUERY, {}, "coordinator"),
            },
            warmup=warm,
            repeat=rep,
        )
        results |= measure_in_turns(
            {
                "http report": lambda: http.post(
                    REPORT_QUERY, {"fiscalYear": FISCAL_YEAR}, "leader"
                ),
                "direct report": comparators.direct_report,
            },
            warmup=warm,
            repeat=rep,
        )
        if args.http_only:
            for key in ("http orders", "http report"):
                figures[key] = results[key][0]
            if args.compare_code:
                # The same requests to a second gunicorn serving another checkout, in turns.
                other_port = free_port()
                other_server = start_server(
                    url, other_port, args.workers, Path(args.compare_code).absolute()
                )
                try:
                    other = Http(other_port, tokens)
                    for query, variables, user in (
                        ("orders", orders_variables(), "coordinator"),
                        ("report", {"fiscalYear": FISCAL_YEAR}, "leader"),
                    ):
                        text = ORDERS_QUERY if query == "orders" else REPORT_QUERY
                        pair = measure_in_turns(
                            {
                                f"http {query}": partial(http.post, text, variables, user),
                                f"http {query} (compared)": partial(
                                    other.post, text, variables, user
                                ),
                            },
                            warmup=warm,
                            repeat=rep,
                        )
                        for key, (figure, _result) in pair.items():
                            figures[f"{key} in turns"] = figure
                finally:
                    other_server.terminate()
                    other_server.wait(30)
            return {"regions": count, "code": args.code, "figures": figures}
        for key, (figure, _result) in results.items():
            figures[key] = figure
        http_orders, direct_orders = results["http orders"][1], results["direct orders"][1]
        http_report, direct_report = results["http report"][1], results["direct report"][1]
        figures["loop orders"], loop_orders = measure(
            comparators.loop_orders, warmup=slow_warm, repeat=slow
        )
        figures["loop report"], loop_report = measure(
            comparators.loop_report, warmup=slow_warm, repeat=slow
        )
        figures["union orders"], union_orders = measure(
            comparators.union_orders, warmup=slow_warm, repeat=slow
        )
        figures["union report"], union_report = measure(
            comparators.union_report, warmup=slow_warm, repeat=slow
        )
        if not args.no_without:
            without = comparators.without_new_indexes(warmup=warm, repeat=rep)
        if comparators.chunk >= count:
            figures["union locks held"] = comparators.locks_held_by_one_union()
        report = http_report["report"]
        checks = {
            "orders totalCount (http, direct, loop, union)": [
                http_orders["orders"]["totalCount"],
                direct_orders["count"],
                loop_orders["count"],
                union_orders["count"],
            ],
            "first page received_on equal (http vs loop vs union)": [
                e["node"]["receivedOn"] for e in http_orders["orders"]["edges"]
            ]
            == [str(row[12]) for row in loop_orders["page"]]
            == [str(row[12]) for row in union_orders["page"]],
            "report amount (http, direct, loop, union)": [
                report["amount"],
                direct_report["amount"],
                loop_report["amount"],
                union_report["amount"],
            ],
            "report orders (http, direct, loop, union)": [
                report["orders"],
                direct_report["orders"],
                loop_report["orders"],
                union_report["orders"],
            ],
            "report minutes (http, loop, union)": [
                report["minutes"],
                loop_report["minutes"],
                union_report["minutes"],
            ],
        }
    finally:
        server.terminate()
        server.wait(30)
        comparators.close()
    plan = explain(url, statements["orders"][0]) if args.explain else ""
    count_plan = explain(url, statements["orders"][1]) if args.explain else ""
    return {
        "regions": count,
        "provisioning": provisioned,
        "load": loaded,
        "union": {
            "locks_per_region": locks,
            "locks_needed": round(needed),
            "chunk": comparators.chunk,
            "statements_per_query": -(-count // comparators.chunk),
        },
        "figures": figures,
        "checks": checks,
        "without_new_indexes": without,
        "explain": {"page": plan, "count": count_plan},
        "statements": statements,
    }


def built_path(args, count: int) -> Path:
    """Where `--build-only` leaves what it built, for `--reuse` to find."""
    return REPO / ".data" / f"federation_scale-{args.database}-{count}-{args.orders}.json"


def own_server(path: str, max_locks: int) -> str:
    """A PostgreSQL cluster of the benchmark's own (pgserver, unix socket), and its URL.

    A `UNION ALL` over every region needs about 21 relation locks per region in one
    transaction: 1,741 regions need far more than a default server's lock table
    (max_locks_per_transaction 64 × max_connections 100). Raising it takes a restart, which
    the shared development server must not get; this one is started (and left running) with
    `max_locks_per_transaction` = `max_locks`, every other setting as pgserver's default.
    """
    import warnings

    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pgserver
    from pgserver._commands import pg_ctl

    pgdata = Path(path).absolute()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    current = server.psql("SHOW max_locks_per_transaction;")
    if f" {max_locks}\n" not in current:
        server.psql(f"ALTER SYSTEM SET max_locks_per_transaction = {int(max_locks)};")
        pg_ctl(["-w", "restart"], pgdata=pgdata, user=server.system_user, timeout=60)
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    return server.get_uri("postgres")


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"Command: `{result['command']}`",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} CPUs, {m['ram']} RAM; {m['os']}; "
        f"Python {m['python']}; PostgreSQL {result['postgres']}; load average at the end "
        f"{m['load']} (the machine was shared).",
        "",
        "Median / p95 in milliseconds.",
        "",
        "| regions | orders | query | HTTP endpoint | (a) direct SQL | endpoint ÷ direct "
        "| (b) per-schema loop | (c) UNION ALL |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in result["sizes"]:
        f = size["figures"]
        for query in ("orders", "report"):

            def cell(key, query=query, f=f):
                row = f[f"{key} {query}"]
                return f"{row['median'] * 1000:.1f} / {row['p95'] * 1000:.1f}"

            ratio = f[f"http {query}"]["median"] / f[f"direct {query}"]["median"]
            union = cell("union")
            if size["union"]["statements_per_query"] > 1:
                union += f" ({size['union']['statements_per_query']} chunks)"
            lines.append(
                f"| {size['regions']} | {size['load']['index_rows']:,} | {query} | "
                f"{cell('http')} | {cell('direct')} | {ratio:.2f}× | {cell('loop')} | {union} |"
            )
    floors = [size for size in result["sizes"] if "http floor" in size["figures"]]
    if floors:
        lines += [
            "",
            "The floor: the same endpoint answering `{ __typename }` for the same coordinator "
            "(token, region, middleware, validation, JSON, no SQL of its own), in the same "
            "turns (median / p95 ms):",
            "",
            "| regions | floor | orders endpoint | orders − floor | (a) direct SQL |",
            "|---|---|---|---|---|",
        ]
        for size in floors:
            f = size["figures"]

            def ms(row):
                return f"{row['median'] * 1000:.1f} / {row['p95'] * 1000:.1f}"

            above = (f["http orders"]["median"] - f["http floor"]["median"]) * 1000
            lines.append(
                f"| {size['regions']} | {ms(f['http floor'])} | {ms(f['http orders'])} | "
                f"{above:.1f} | {ms(f['direct orders'])} |"
            )
    lines += [
        "",
        "| regions | regions added: how, s per region | load s (generate / COPY / index) "
        "| VACUUM ANALYZE s | database size | order index size | union locks per region |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in result["sizes"]:
        s = size["load"]["seconds"]
        lines.append(
            f"| {size['regions']} | {size['provisioning']['created']} by "
            f"{size['provisioning']['method']}, {size['provisioning']['per_region']:.2f} | "
            f"{s['generate']:.1f} / {s['copy']:.1f} / "
            f"{s['index']:.1f} | {s['vacuum_analyze']:.1f} | "
            f"{size['load']['database_bytes'] / 2**20:,.0f} MiB | "
            f"{size['load']['order_index_bytes'] / 2**20:,.0f} MiB | "
            f"{size['union']['locks_per_region']:.1f} |"
        )
    lines += [
        "",
        "(a) direct SQL with and without migration 0003's indexes (median / p95 ms):",
        "",
        "| regions | orders page + count: with | without | report: with | without |",
        "|---|---|---|---|---|",
    ]
    for size in result["sizes"]:
        f, w = size["figures"], size["without_new_indexes"]
        if not w:
            continue

        def ms(row):
            return f"{row['median'] * 1000:.1f} / {row['p95'] * 1000:.1f}"

        lines.append(
            f"| {size['regions']} | {ms(f['direct orders'])} | {ms(w['direct orders'])} | "
            f"{ms(f['direct report'])} | {ms(w['direct report'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", default="12,200,1741", help="federation sizes, ascending")
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders in total")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3,12 regions, 20k orders")
    parser.add_argument("--load", choices=("rebuild", "triggers"), default="rebuild")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--batch", type=int, default=20, help="region rows per transaction")
    parser.add_argument(
        "--provision",
        choices=("auto", "clone", "dump"),
        default="auto",
        help="auto: clone_schema for the first size, the template's DDL dump for the rest",
    )
    parser.add_argument(
        "--lock-budget",
        type=int,
        default=4000,
        help="most relation locks one UNION ALL statement may take on the shared server",
    )
    parser.add_argument("--database", default="kado_bench")
    parser.add_argument("--fresh", action="store_true", help="drop the scratch database first")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the page query")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown summary")
    parser.add_argument("--output", default=str(REPO / ".data" / "federation_scale.json"))
    parser.add_argument(
        "--server",
        help="data folder of a PostgreSQL cluster of the benchmark's own (started if needed, "
        "left running) instead of the development server",
    )
    parser.add_argument(
        "--max-locks",
        type=int,
        default=512,
        help="max_locks_per_transaction of the --server cluster",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="provision and load each size, then stop (implies --keep): build in the background",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a federation that --build-only built (same --database, size, --orders)",
    )
    parser.add_argument("--slow-repeat", type=int, default=0, help="runs of the loop and union")
    parser.add_argument("--slow-warmup", type=int, default=1)
    parser.add_argument(
        "--no-without",
        action="store_true",
        help="skip (a) without migration 0003's indexes (they do not depend on the regions)",
    )
    parser.add_argument(
        "--code",
        default=str(REPO),
        help="checkout whose application gunicorn serves (e.g. a git worktree of an older "
        "commit, to compare the endpoint before and after a change on the same data)",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="with --reuse: measure the database as built, without `kado migrate` first (a "
        "region migration added since would otherwise run in every region before measuring)",
    )
    parser.add_argument(
        "--compare-code",
        help="with --http-only: also serve this checkout and send the same requests to both "
        "servers in turns",
    )
    parser.add_argument(
        "--http-only",
        action="store_true",
        help="time the HTTP endpoint only (with --reuse and --code: a before/after run)",
    )
    args = parser.parse_args()
    if args.quick:
        args.regions, args.orders, args.repeat, args.warmup = "3,12", 20_000, 5, 1
    if args.build_only:
        args.keep = True
    sizes = sorted(int(part) for part in args.regions.split(","))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kado_platform.settings")
    base = own_server(args.server, args.max_locks) if args.server else server_url()
    url = scratch_database(base, args.database, fresh=args.fresh)
    os.environ["DATABASE_URL"] = url
    result = {
        "command": "DEBUG=1 .venv/bin/python benchmarks/federation_scale.py "
        + " ".join(sys.argv[1:]),
        "sizes": [],
    }
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from kado_platform.regions.services import federation_ensure

        started = time.perf_counter()
        if not args.no_migrate:
            call_command("migrate", verbosity=0)
        federation_ensure()
        result["migrate_seconds"] = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            result["postgres"] = cursor.fetchone()[0]
            cursor.execute("SHOW max_locks_per_transaction")
            result["max_locks_per_transaction"] = cursor.fetchone()[0]
        tokens = users()
        for index, count in enumerate(sizes):
            size = run_size(url, count, args, tokens, first=index == 0)
            result["sizes"].append(size)
            log(
                json.dumps({"regions": count, "figures": size.get("figures", size.get("load"))})[
                    :2000
                ]
            )
            if not args.build_only:
                Path(args.output).write_text(json.dumps(result, indent=2, default=str))
        connection.close()
    finally:
        if not args.keep:
            drop_database(base, args.database)
    result["machine"] = machine()
    if args.build_only:
        print(json.dumps({s["regions"]: s["load"] for s in result["sizes"]}, indent=2))
        return
    Path(args.output).write_text(json.dumps(result, indent=2, default=str))
    if args.markdown and not args.http_only:
        print(markdown(result))
    else:
        print(json.dumps({s["regions"]: s["figures"] for s in result["sizes"]}, indent=2))


if __name__ == "__main__":
    main()
