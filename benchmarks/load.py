"""Load on loopback: coordinators on the hub and staff on two regions, for a fixed time.

    DEBUG=1 .venv/bin/python benchmarks/load.py --seconds 60 --coordinators 8 --staff 8

Works in its own scratch database (`kado_load` unless `--database` says otherwise) on the
development PostgreSQL server (the embedded one unless DATABASE_URL is set): creates and
migrates it, provisions regions `north` and `south` with the same rows (their keys
collide), never touches any other database, and drops it at the end unless `--keep`.
gunicorn serves it on 127.0.0.1 (`--workers` × 4 threads, DEBUG off, rate limits off).

Then, for `--seconds`, every virtual user loops without think time:
- a coordinator's desk (bearer tokens) asks the hub for `orders(first: 20)` and
  `capacity(...)` as a coordinator and `report(fiscalYear: ...)` as leadership, in turn;
- a region staff member (one region each, alternating) asks their region for
  `workers(first: 20)` and `orders(first: 20)` and records a work log (`workLogRecord`,
  one per worker, order and day, so each one writes a row).
It reports throughput, p50/p95/p99 latency and errors per kind of request. Finally 20
coordinators allocate the same federated order at once (3,500 of 6,000 minutes each to
two regions): exactly one share may win, and the allocated total never exceeds the order.

Results go to `.data/load.json`; `--markdown` prints the table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from servers import (
    REPO,
    drop_database,
    free_port,
    machine,
    scratch_database,
    server_url,
    start_gunicorn,
)

PASSWORD = "load-test-pass-2026"  # noqa: S105  (scratch database only)
REGIONS = ("north", "south")


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the data


def seed(workers_per_region: int, orders_per_region: int) -> dict:
    """Regions, users, tokens and rows; returns what the virtual users need."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from kado_platform.accounts.services import api_token_create, membership_grant, user_create
    from kado_platform.regions.services import federation_ensure, region_create
    from kado_tenants.clients.models import Client
    from kado_tenants.orders.models import Order
    from kado_tenants.orders.services import assignment_create
    from kado_tenants.workforce.models import Worker

    federation_ensure()
    tokens = {"coordinator": [], "leader": [], "staff": {}}
    for index in range(4):
        user = user_create(email=f"leader{index}@load.test", password=PASSWORD)
        membership_grant(user=user, role="leader")
        tokens["leader"].append(api_token_create(user=user, name="load")[1])
    for index in range(20):
        user = user_create(email=f"coordinator{index}@load.test", password=PASSWORD)
        membership_grant(user=user, role="coordinator")
        tokens["coordinator"].append(api_token_create(user=user, name="load")[1])
    assignments = {}
    for number, code in enumerate(REGIONS):
        region = region_create(
            code=code,
            name=f"{code} town",
            name_en=f"{code.title()} Town",
            municipality_code=("202151", "202029")[number],
            admin_email=f"admin@{code}.test",
            admin_password=PASSWORD,
        )
        staff = user_create(email=f"staff@{code}.test", password=PASSWORD)
        membership_grant(user=staff, role="region_staff", region=region)
        tokens["staff"][code] = api_token_create(user=staff, name="load")[1]
        with schema_context(region.schema_name):
            client = Client.objects.create(name=f"{code} client", kind="local_company")
            workers = [
                Worker.objects.create(
                    name=f"{code} worker {i}",
                    name_kana="ロード",
                    hourly_rate=1200,
                    joined_on=datetime.date(2022, 4, 1),
                    status="active",
                )
                for i in range(workers_per_region)
            ]
            orders = [
                Order.objects.create(
                    reference=f"2025-{i + 1:04d}",
                    client=client,
                    title=f"{code} order {i}",
                    category="ai_annotation",
                    unit_price=1200,
                    estimated_minutes=600,
                    amount=12000,
                    received_on=datetime.date(2025, 5, 1),
                    due_on=datetime.date(2026, 3, 31),
                    status="in_progress",
                    started_on=datetime.date(2025, 5, 2),
                )
                for i in range(orders_per_region)
            ]
            # Through the service: assigning commissions the work and issues its terms
            # notice (3条通知), without which no work log is accepted.
            assignments[code] = [
                base64.b64encode(
                    f"Assignment:{code}:"
                    f"{assignment_create(order=o, worker=w, assigned_on=datetime.date(2025, 5, 2)).pk}".encode()
                ).decode()
                for o, w in zip(orders, workers * (len(orders) // len(workers) + 1), strict=False)
            ]
        connection.set_schema_to_public()
    tokens["assignments"] = assignments
    return tokens


# --------------------------------------------------------------------------- the server


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    return start_gunicorn(
        url,
        port,
        workers,
        env={
            "SECRET_KEY": "load-only-" + "x" * 40,
            "KADO_FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHkta2V5LWthZG8tZmVkZXJhdGlvbi0wMDE=",
            "KADO_SSL_REDIRECT": "0",
            "KADO_BEHIND_TLS_PROXY": "0",
            "KADO_GRAPHQL_RATE_LIMIT": "0",
            "KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS": "0",
        },
        log_name="load-server",
    )


# --------------------------------------------------------------------------- the load

HUB_QUERIES = {
    "hub orders": "{ orders(first: 20) { totalCount edges { node { id title amount } } } }",
    "hub capacity": '{ capacity(skills: [], from: "2025-12-01", to: "2025-12-07") '
    "{ region { code } workers minutes } }",
    "hub report": "{ report(fiscalYear: 2025) { amount orders byRegion { region { code } amount } } }",
}
REGION_QUERIES = {
    "region workers": "{ workers(first: 20) { totalCount edges { node { id name status } } } }",
    "region orders": "{ orders(first: 20) { totalCount edges { node { id title status } } } }",
}
WORK_LOG = """mutation ($input: WorkLogRecordInput!) {
  workLogRecord(input: $input) { errors { code } workLog { id minutes } } }"""


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)

    def record(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1


def _ok(response) -> bool:
    if response.status_code != 200:
        return False
    body = response.json()
    if body.get("errors"):
        return False
    payload = next(iter((body.get("data") or {}).values()), None)
    return not (isinstance(payload, dict) and payload.get("errors"))


def run_load(port: int, tokens: dict, args) -> dict:
    import requests

    base = f"http://127.0.0.1:{port}/graphql"
    stop = time.monotonic() + args.seconds
    recorder = Recorder()

    def call(session, host, token, kind, query, variables=None):
        started = time.perf_counter()
        ok = False
        try:
            response = session.post(
                base,
                json={"query": query, "variables": variables or {}},
                headers={"Host": host, "Authorization": f"Bearer {token}"},
                timeout=60,
            )
            ok = _ok(response)
        except requests.RequestException:
            ok = False
        recorder.record(kind, time.perf_counter() - started, ok)

    def coordinator(index: int) -> None:
        session = requests.Session()
        token = tokens["coordinator"][index % len(tokens["coordinator"])]
        kinds = list(HUB_QUERIES.items())
        step = 0
        while time.monotonic() < stop:
            kind, query = kinds[step % len(kinds)]
            # The report is leadership's (federation.reports): asked with a leader's token.
            who = tokens["leader"][index % len(tokens["leader"])] if kind == "hub report" else token
            call(session, "localhost", who, kind, query)
            step += 1

    def staff(index: int) -> None:
        session = requests.Session()
        code = REGIONS[index % len(REGIONS)]
        host, token = f"{code}.localhost", tokens["staff"][code]
        assignments = tokens["assignments"][code]
        kinds = list(REGION_QUERIES.items())
        step, written = 0, 0
        lane = index // len(REGIONS)  # this user's own range of days: no two write one pair
        while time.monotonic() < stop:
            if step % 3 == 2:
                assignment = assignments[written % len(assignments)]
                work_date = datetime.date(2025, 6, 1) + datetime.timedelta(
                    days=lane * 60 + written // len(assignments)
                )
                written += 1
                call(
                    session,
                    host,
                    token,
                    "region workLogRecord",
                    WORK_LOG,
                    {
                        "input": {
                            "assignmentId": assignment,
                            "workDate": work_date.isoformat(),
                            "minutes": 30,
                        }
                    },
                )
            else:
                kind, query = kinds[step % len(kinds)]
                call(session, host, token, kind, query)
            step += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.coordinators + args.staff) as pool:
        futures = [pool.submit(coordinator, i) for i in range(args.coordinators)]
        futures += [pool.submit(staff, i) for i in range(args.staff)]
        for future in futures:
            future.result()
    elapsed = time.monotonic() - started

    def summary(values):
        ordered = sorted(values)

        def pct(p):
            return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

        return {
            "requests": len(values),
            "per_second": round(len(values) / elapsed, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(pct(95), 1),
            "p99_ms": round(pct(99), 1),
        }

    kinds = {
        kind: {**summary(values), "errors": recorder.errors[kind]}
        for kind, values in sorted(recorder.latencies.items())
    }
    everything = [v for values in recorder.latencies.values() for v in values]
    return {
        "seconds": round(elapsed, 1),
        "total": {**summary(everything), "errors": sum(recorder.errors.values())},
        "kinds": kinds,
    }


def allocation_race(port: int, tokens: dict) -> dict:
    """20 coordinators allocate 3,500 of the same 6,000 minutes at once, to two regions."""
    import requests

    base = f"http://127.0.0.1:{port}/graphql"
    created = requests.post(
        base,
        json={
            "query": "mutation ($input: FederatedOrderCreateInput!) { federatedOrderCreate"
            "(input: $input) { errors { code } federatedOrder { id } } }",
            "variables": {
                "input": {
                    "clientName": "race client",
                    "clientKind": "URBAN_COMPANY",
                    "title": "race",
                    "category": "AI_ANNOTATION",
                    "contractType": "HOURLY",
                    "unitPrice": 1200,
                    "totalMinutes": 6000,
                    "receivedOn": "2025-04-01",
                    "dueOn": "2025-09-30",
                }
            },
        },
        headers={"Host": "localhost", "Authorization": f"Bearer {tokens['coordinator'][0]}"},
        timeout=60,
    ).json()["data"]["federatedOrderCreate"]["federatedOrder"]["id"]

    def allocate(index):
        return requests.post(
            base,
            json={
                "query": "mutation ($input: AllocationCreateInput!) { allocationCreate"
                "(input: $input) { errors { code } federatedOrder { allocatedMinutes } } }",
                "variables": {
                    "input": {
                        "federatedOrderId": created,
                        "region": REGIONS[index % 2],
                        "minutes": 3500,
                    }
                },
            },
            headers={
                "Host": "localhost",
                "Authorization": f"Bearer {tokens['coordinator'][index]}",
            },
            timeout=120,
        ).json()

    barrier_start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(allocate, range(20)))
    seconds = time.perf_counter() - barrier_start
    won = [r for r in results if r["data"]["allocationCreate"]["errors"] == []]
    final = requests.post(
        base,
        json={
            "query": "query ($id: ID!) { federatedOrder(id: $id) { allocatedMinutes "
            "totalMinutes allocations { minutes } } }",
            "variables": {"id": created},
        },
        headers={"Host": "localhost", "Authorization": f"Bearer {tokens['coordinator'][0]}"},
        timeout=60,
    ).json()["data"]["federatedOrder"]
    outcome = {
        "coordinators": 20,
        "won": len(won),
        "refusals": sorted(
            {r["data"]["allocationCreate"]["errors"][0]["code"] for r in results if r not in won}
        ),
        "allocated_minutes": final["allocatedMinutes"],
        "total_minutes": final["totalMinutes"],
        "seconds": round(seconds, 2),
    }
    outcome["ok"] = (
        outcome["won"] == 1 and final["allocatedMinutes"] == 3500 <= final["totalMinutes"]
    )
    return outcome


def markdown(result: dict) -> str:
    lines = [
        "| request | requests | per second | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, row in {**result["load"]["kinds"], "all": result["load"]["total"]}.items():
        lines.append(
            f"| {kind} | {row['requests']} | {row['per_second']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} | {row['errors']} |"
        )
    race = result["race"]
    lines.append("")
    lines.append(
        f"Allocation race: {race['coordinators']} coordinators at once, {race['won']} won, "
        f"refusals {', '.join(race['refusals'])}; allocated {race['allocated_minutes']} of "
        f"{race['total_minutes']} minutes ({'ok' if race['ok'] else 'OVER-ALLOCATED'})."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--coordinators", type=int, default=8)
    parser.add_argument("--staff", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (× 4 threads)")
    parser.add_argument("--region-workers", type=int, default=40)
    parser.add_argument("--region-orders", type=int, default=200)
    parser.add_argument("--database", default="kado_load")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--output", default=str(REPO / ".data" / "load.json"))
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kado_platform.settings")
    base = server_url()
    url = scratch_database(base, args.database)
    os.environ["DATABASE_URL"] = url
    result = {
        "command": "DEBUG=1 .venv/bin/python benchmarks/load.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
    }
    process = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        log("migrating the scratch database")
        call_command("migrate", verbosity=0)
        tokens = seed(args.region_workers, args.region_orders)
        connection.close()
        port = free_port()
        process = start_server(url, port, args.workers)
        log(
            f"gunicorn on 127.0.0.1:{port}: {args.coordinators} coordinators and {args.staff} staff"
        )
        result["load"] = run_load(port, tokens, args)
        result["race"] = allocation_race(port, tokens)
        call_command("index", "check")
        result["index_check"] = "agrees"
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if not args.keep:
            drop_database(base, args.database)
    Path(args.output).parent.mkdir(exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=2))
    print(markdown(result) if args.markdown else json.dumps(result, indent=2))
    if not result["race"]["ok"]:
        raise SystemExit("over-allocated")
    failed = result["load"]["total"]["errors"]
    if failed:
        # Refusals under load are findings, not figures: the run does not count.
        raise SystemExit(f"{failed} requests failed (see the table)")


if __name__ == "__main__":
    main()
