"""`kado migrate` with nothing to migrate, over many regions.

    DEBUG=1 .venv/bin/python benchmarks/migrate_noop.py --regions 200 --markdown

Works in a scratch database (`kado_bench_migrate` on the same server: the embedded one
unless DATABASE_URL is set), which it creates and migrates, then fills with regions
up to `--regions`: the first by `regions.services.region_create` (cloned from the template),
the others as copies of its schema made with pg_dump and psql plus their region and domain
rows (cloning takes about ten seconds a region on a loaded machine; a copy is the same
schema, with every migration recorded, for a fraction of that); the
database is kept for the next run unless `--drop` is given. It never touches `kado` or a
`test_*` database. Then it times, as separate processes the way a deploy runs them:

- `kado check`: starting Django and connecting, the floor under any command;
- `kado migrate --noinput`: the project's command (skips regions already up to date);
- with `--baseline`, django-tenants' own `kado migrate_schemas --noinput`, which starts
  Django's migrate in every region one after the other.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from servers import REPO, SOURCE_FOLDERS, machine, scratch_database, server_url

SCRATCH = "kado_bench_migrate"


def fill(regions: int) -> tuple[int, float]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kado_platform.regions.models import Domain, Region
    from kado_platform.regions.services import federation_ensure, region_create

    call_command("migrate", interactive=False, verbosity=0)
    federation_ensure()
    have = Region.objects.exclude(schema_name="public").count()
    started = time.perf_counter()
    if have == 0:
        region_create(
            code="bench0000",
            name="ベンチ0",
            name_en="Bench 0",
            municipality_code="",
            admin_email="admin@bench0000.bench",
        )
        connection.set_schema_to_public()
        have = 1
    if have < regions:
        dump = schema_dump(os.environ["DATABASE_URL"], "bench0000")
    for index in range(have, regions):
        code = f"bench{index:04d}"
        # A copy of the first region's schema (tables, triggers, recorded migrations):
        # the same as a clone for `migrate`, in a fraction of clone_schema's time.
        script = re.sub(r"\bbench0000\b", code, dump)
        restore(os.environ["DATABASE_URL"], f"DROP SCHEMA IF EXISTS {code} CASCADE;\n{script}")
        region = Region(
            code=code,
            schema_name=code,
            name=f"ベンチ{index}",
            name_en=f"Bench {index}",
            municipality_code="",
            joined_on=datetime.date.today(),
        )
        region.save(verbosity=0)
        Domain.objects.create(domain=f"{code}.{settings.BASE_DOMAIN}", tenant=region)
        if (index + 1) % 25 == 0:
            print(f"  {index + 1} regions", file=sys.stderr)
    made = max(regions - have, 0)
    return made, time.perf_counter() - started


def _pg_bin(name: str) -> str:
    import shutil

    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    return str(bundled) if bundled.exists() else (shutil.which(name) or name)


def schema_dump(url: str, schema: str) -> str:
    """The first region's schema as SQL (structure and rows: its recorded migrations)."""
    done = subprocess.run(
        [_pg_bin("pg_dump"), "--schema", schema, "--no-owner", "--no-privileges", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def restore(url: str, script: str) -> None:
    subprocess.run(
        [_pg_bin("psql"), "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction", url],
        input=script, capture_output=True, text=True, check=True,
    )  # fmt: skip


def timed(command: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--drop", action="store_true", help="Start from an empty database.")
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()

    url = scratch_database(server_url(), SCRATCH, fresh=options.drop)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kado_platform.settings")
    made, fill_seconds = fill(options.regions)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": os.pathsep.join(str(REPO / folder) for folder in SOURCE_FOLDERS),
    }
    kado = [sys.executable, "-m", "kado_platform.cli"]
    figures: dict[str, list[float]] = {"kado check": [], "kado migrate": []}
    last = None
    for _ in range(options.runs):
        figures["kado check"].append(timed([*kado, "check"], env)[0])
        seconds, last = timed([*kado, "migrate", "--noinput"], env)
        figures["kado migrate"].append(seconds)
    if options.baseline:
        figures["kado migrate_schemas (django-tenants)"] = [
            timed([*kado, "migrate_schemas", "--noinput"], env)[0]
        ]
    summary = next(line for line in last.stdout.splitlines() if "regions:" in line)

    host = machine()
    described = (
        f"{host['cpu']}, nproc {host['nproc']}, Python {host['python']}, "
        f"load average {host['load']}"
    )
    if options.markdown:
        print(
            f"Regions: {options.regions} ({made} made in this run, {fill_seconds:.0f} s). {described}."
        )
        print(f"`kado migrate` said: `{summary.strip()}`\n")
        print("| command | runs | median (s) | min (s) | max (s) |")
        print("|---|---:|---:|---:|---:|")
        for name, values in figures.items():
            print(
                f"| `{name}` | {len(values)} | {statistics.median(values):.1f} | "
                f"{min(values):.1f} | {max(values):.1f} |"
            )
    else:
        print(described)
        print(summary)
        for name, values in figures.items():
            print(f"{name}: {', '.join(f'{v:.2f}' for v in values)} s")


if __name__ == "__main__":
    main()
