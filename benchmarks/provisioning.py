"""Region provisioning: cloning the template schema against running every migration.

    DEBUG=1 .venv/bin/python benchmarks/provisioning.py --regions 10

Works in a scratch database on the same PostgreSQL server (the embedded one unless
DATABASE_URL is set), which it creates, migrates and drops again, so the development
data is never touched. Each region is made by `regions.services.region_create`, the
function behind `kado region create`, alternating the two methods so that warm-up and
caching favour neither. Besides the totals it times the phases of each path, by wrapping
(in this process only) the functions the services call:

- `clone function`: django-tenants' CREATE OR REPLACE of its `clone_schema` SQL function
- `clone`: the `SELECT clone_schema(template, new)` that copies tables, sequences, ...
- `fake migrate`: `migrate_schemas --fake`, recording every migration as applied
- `migrate`: `migrate_schemas` on an empty schema (the slow path)
- `admin user`: user_create, dominated by hashing the password

Run with `--markdown` to print the tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict

from servers import drop_database, machine, scratch_database, server_url

PHASES: dict[str, list[float]] = defaultdict(list)


def timed(key: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PHASES[key].append(time.perf_counter() - started)

    wrapper.__wrapped__ = function
    return wrapper


def instrument() -> None:
    import django_tenants.models
    from django_tenants.clone import CloneSchema

    import kado_platform.regions.services as services

    CloneSchema._create_clone_schema_function = timed(
        "clone function", CloneSchema._create_clone_schema_function
    )
    CloneSchema.clone_schema = timed("clone_schema (incl. function)", CloneSchema.clone_schema)
    django_tenants.models.call_command = timed("fake migrate", django_tenants.models.call_command)
    services.call_command = timed("migrate", services.call_command)
    services.user_create = timed("admin user", services.user_create)


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "p95": p95,
        "min": ordered[0],
        "max": ordered[-1],
    }


def run(count: int, password: str | None) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kado_platform.regions import services

    call_command("migrate", verbosity=0)  # public schema and the region template
    services.federation_ensure()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
            ["region_template"],
        )
        template_tables = cursor.fetchone()[0]

    instrument()
    totals: dict[str, list[float]] = {"clone": [], "migrations": []}
    phases: dict[str, dict[str, list[float]]] = {"clone": {}, "migrations": {}}
    for index in range(count):
        for method in ("clone", "migrations") if index % 2 == 0 else ("migrations", "clone"):
            PHASES.clear()
            started = time.perf_counter()
            services.region_create(
                code=f"bench-{method[0]}{index}",
                name=f"ベンチ{index}",
                name_en=f"Bench {index}",
                municipality_code="202151",
                admin_email=f"admin-{method[0]}{index}@bench.test",
                admin_password=password,
                use_template=method == "clone",
            )
            totals[method].append(time.perf_counter() - started)
            for key, values in PHASES.items():
                phases[method].setdefault(key, []).append(sum(values))
            print(f"{method:>10} #{index + 1}: {totals[method][-1]:.3f} s", file=sys.stderr)
    connection.close()
    return {
        "postgres": version,
        "template_tables": template_tables,
        "totals": {method: summary(values) for method, values in totals.items()},
        "phases": {
            method: {key: summary(values) for key, values in found.items()}
            for method, found in phases.items()
        },
    }


def markdown(result: dict, command: str) -> str:
    lines = [
        f"Command: `{command}`",
        "",
        f"Machine: {result['machine']['cpu']}, {result['machine']['nproc']} CPUs, "
        f"{result['machine']['ram']} RAM; {result['machine']['os']}; "
        f"Python {result['machine']['python']}; PostgreSQL {result['postgres']} "
        f"(embedded pgserver unless DATABASE_URL was set); "
        f"{result['template_tables']} tables in the region template; "
        f"load average at the end {result['machine']['load']}.",
        "",
        "| method | n | mean s | median s | p95 s | min s | max s |",
        "|---|---|---|---|---|---|---|",
    ]
    for method, row in result["totals"].items():
        lines.append(
            f"| {method} | {row['n']} | {row['mean']:.3f} | {row['median']:.3f} | "
            f"{row['p95']:.3f} | {row['min']:.3f} | {row['max']:.3f} |"
        )
    lines += ["", "| method | phase | mean s | median s | p95 s |", "|---|---|---|---|---|"]
    for method, found in result["phases"].items():
        for key, row in found.items():
            lines.append(
                f"| {method} | {key} | {row['mean']:.3f} | {row['median']:.3f} | {row['p95']:.3f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=10, help="regions per method")
    parser.add_argument(
        "--no-password",
        action="store_true",
        help="create the admins without a password, to leave hashing out of the figures",
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown summary")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kado_platform.settings")
    base = server_url()
    scratch = f"kado_bench_{uuid.uuid4().hex[:8]}"
    os.environ["DATABASE_URL"] = scratch_database(base, scratch)
    try:
        result = run(args.regions, None if args.no_password else "bench-Password-2026")
    finally:
        if not args.keep:
            drop_database(base, scratch)
    result["machine"] = machine()
    result["password"] = not args.no_password
    command = "DEBUG=1 .venv/bin/python benchmarks/provisioning.py " + " ".join(sys.argv[1:])
    if args.markdown:
        print(markdown(result, command.strip()))
    else:
        import json

        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
