"""`kado migrate`: shared migrations, then every region's, in parallel, skipping regions
that are already up to date, then the region template.

A deploy usually has nothing to migrate in most regions. Instead of starting Django's
migrate once per schema (a second or so each, so minutes over hundreds of regions), one
query per few hundred schemas reads every region's `django_migrations` (a UNION ALL, with
schema names from the region table quoted by psycopg.sql.Identifier) and compares it with
the migration graph; only the regions that lack a migration are migrated, by a pool of
processes (`--jobs`, default TENANT_MULTIPROCESSING_MAX_PROCESSES or 4), each with its own
database connection. A region that fails is reported and the others go on; the command
then exits non-zero. A progress bar counts the regions.

With an app label, a migration name, `--schema`, `--fake`, `--fake-initial`, `--plan`,
`--prune` or `--check`, the command is django-tenants' migrate_schemas unchanged.
"""

from __future__ import annotations

import multiprocessing
import os
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name, get_tenant_model
from psycopg import sql
from tqdm import tqdm

from kado_platform.regions.services import PROVISIONING_LOCK, region_template_ensure

SCHEMAS_PER_QUERY = 250
_SPECIAL_OPTIONS = ("fake", "fake_initial", "plan", "prune", "check_unapplied")


def expected_migrations() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration a schema must have recorded, with what a squash replaces."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(migration.replaces or ()) for key, migration in loader.graph.nodes.items()}


def applied_migrations(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Each schema's recorded migrations, read in a few UNION ALL queries."""
    applied: dict[str, set[tuple[str, str]]] = {schema: set() for schema in schemas}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p')"
            " AND n.nspname = ANY(%s)",
            [schemas],
        )
        with_table = sorted(row[0] for row in cursor.fetchall())
        for start in range(0, len(with_table), SCHEMAS_PER_QUERY):
            chunk = with_table[start : start + SCHEMAS_PER_QUERY]
            query = sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT {} AS schema_name, app, name FROM {}.django_migrations").format(
                    sql.Literal(schema), sql.Identifier(schema)
                )
                for schema in chunk
            )
            cursor.execute(query)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return applied


def schemas_behind(schemas: list[str]) -> list[str]:
    """The schemas that lack at least one migration of the graph (or have no table)."""
    if not schemas:
        return []
    expected = expected_migrations()
    applied = applied_migrations(schemas)

    def current(done: set) -> bool:
        return all(
            key in done or (replaces and all(part in done for part in replaces))
            for key, replaces in expected.items()
        )

    return [schema for schema in schemas if not current(applied[schema])]


_SHARED_DDL = ("FUNCTION PUBLIC.", "CREATE EXTENSION", "DROP EXTENSION")


def _one_shared_ddl_at_a_time(execute, sql_text, params, many, context):
    """Region migrations also (re)create functions in the public schema; two transactions
    replacing the same function fail ("tuple concurrently updated"). Such a migration
    first takes the provisioning lock, held until its transaction ends (region_create
    takes the same one)."""
    if isinstance(sql_text, str) and any(part in sql_text.upper() for part in _SHARED_DDL):
        execute("SELECT pg_advisory_xact_lock(%s)", [PROVISIONING_LOCK], False, context)
    return execute(sql_text, params, many, context)


def _migrate_one(job):
    """In a worker process: migrate one schema; never raise, report."""
    args, options, schema = job
    started = time.monotonic()
    try:
        with connection.execute_wrapper(_one_shared_ddl_at_a_time):
            run_migrations(args, options, "parallel", schema, allow_atomic=False)
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        connections.close_all()
        return schema, f"{type(error).__name__}: {error}".strip(), time.monotonic() - started
    return schema, None, time.monotonic() - started


def _pool(processes: int):
    context = (
        multiprocessing.get_context("fork")
        if "fork" in multiprocessing.get_all_start_methods()
        else multiprocessing.get_context()
    )
    return context.Pool(processes=processes, maxtasksperchild=50)


class Command(MigrateSchemasCommand):
    help = (
        "Migrate the shared schema, then every region that is behind (in parallel), "
        "then the region template."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Regions migrated at once (default: TENANT_MULTIPROCESSING_MAX_PROCESSES or 4).",
        )
        parser.add_argument(
            "--all-regions",
            action="store_true",
            help="Run migrate in every region, even those already up to date.",
        )

    def handle(self, *args, **options):
        SyncCommon.handle(self, *args, **options)
        public = get_public_schema_name()
        special = (
            options.get("app_label")
            or options.get("migration_name")
            or any(options.get(name) for name in _SPECIAL_OPTIONS)
            or (self.schema_name and self.schema_name != public)
        )
        if special:
            super().handle(*args, **options)
        else:
            self._migrate_everything(args, options)
        every_region = self.schema_name in (None, "", public)
        if self.sync_tenant and every_region:
            self._template(options)

    def _template(self, options):
        template = settings.TENANT_BASE_SCHEMA
        if not options.get("all_regions") and not schemas_behind([template]):
            return
        region_template_ensure(verbosity=max(int(options.get("verbosity", 1)) - 1, 0))

    def _migrate_everything(self, args, options):
        verbosity = int(options.get("verbosity", 1))
        public = get_public_schema_name()
        if self.sync_public:
            run_migrations(args, options, "standard", public)
        if not self.sync_tenant:
            return
        started = time.monotonic()
        regions = list(
            get_tenant_model()
            .objects.exclude(schema_name=public)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        pending = regions if options.get("all_regions") else schemas_behind(regions)
        skipped = len(regions) - len(pending)
        if verbosity >= 1:
            self.stdout.write(
                f"地域 {len(regions)}: 最新 {skipped}、移行 {len(pending)} / "
                f"{len(regions)} regions: {skipped} up to date, {len(pending)} to migrate "
                f"(checked in {time.monotonic() - started:.2f} s)"
            )
        failures = self._run_pending(args, options, pending, verbosity)
        connection.set_schema_to_public()
        if failures:
            for schema, error in failures:
                self.stderr.write(f"{schema}: {error}")
            raise CommandError(
                f"{len(failures)} 地域の移行に失敗しました / "
                f"{len(failures)} of {len(pending)} regions failed: "
                + ", ".join(schema for schema, _error in failures)
            )

    def _run_pending(self, args, options, pending, verbosity):
        if not pending:
            return []
        jobs = options.get("jobs") or getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 4)
        jobs = max(1, min(int(jobs), len(pending), (os.cpu_count() or 1) * 4))
        child_options = {**options, "verbosity": max(verbosity - 1, 0)}
        work = [(args, child_options, schema) for schema in pending]
        progress = tqdm(
            total=len(pending), desc="migrate", unit="region", disable=verbosity < 1,
            file=self.stderr,
        )  # fmt: skip
        failures = []

        def done(schema, error, seconds):
            progress.update(1)
            if error:
                failures.append((schema, error))
                progress.write(f"✗ {schema}: {error.splitlines()[0]}", file=self.stderr)
            elif verbosity >= 2:
                progress.write(f"✓ {schema} ({seconds:.1f} s)", file=self.stderr)

        if jobs == 1:
            for job in work:
                done(*_migrate_one(job))
        else:
            connections.close_all()  # each process opens its own connection
            with _pool(jobs) as pool:
                for result in pool.imap_unordered(_migrate_one, work):
                    done(*result)
        progress.close()
        return sorted(failures)
