"""`kado migrate`: skips regions already up to date, migrates the others in parallel,
reports a region that fails and exits non-zero while the other regions are migrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from kado_platform.core.management.commands.migrate import schemas_behind

REPO_ROOT = Path(__file__).resolve().parents[2]
EXTRA = ("gamma", "delta")


def test_up_to_date_regions_are_found_in_one_pass(fed):
    assert schemas_behind(["alpha", "beta"]) == []
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA kado_empty_probe")
    assert schemas_behind(["alpha", "kado_empty_probe", "beta"]) == ["kado_empty_probe"]


def _exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


@pytest.fixture
def two_more_regions(test_database_url, django_db_blocker):
    from kado_platform.accounts.models import Membership, User
    from kado_platform.regions.models import Domain, Region
    from kado_platform.regions.services import region_create

    with django_db_blocker.unblock():
        for code in EXTRA:
            region_create(
                code=code,
                name=f"{code}町",
                name_en=code.title(),
                municipality_code="",
                admin_email=f"admin@{code}.test",
            )
        connection.set_schema_to_public()
    try:
        yield test_database_url
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            regions = Region.objects.filter(code__in=EXTRA)
            Membership.objects.filter(region__in=regions).delete()
            Domain.objects.filter(tenant__in=regions).delete()
            with connection.cursor() as cursor:
                for code in EXTRA:
                    cursor.execute(
                        sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(code))
                    )
            regions.delete()
            User.objects.filter(email__in=[f"admin@{code}.test" for code in EXTRA]).delete()


def _kado_migrate(env: dict, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kado_platform.cli", "migrate", "--noinput", "--jobs", "2", *extra],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_migrate_skips_current_regions_reports_failures_and_goes_on(
    two_more_regions, django_db_blocker, subprocess_env
):
    env = subprocess_env()
    nothing = _kado_migrate(env)
    assert nothing.returncode == 0, nothing.stderr
    assert "4 regions: 4 up to date, 0 to migrate" in nothing.stdout

    with django_db_blocker.unblock():
        # gamma is one migration behind; delta too, and its migration will fail.
        for code in EXTRA:
            call_command(
                "migrate_schemas",
                "deliverables",
                "zero",
                schema_name=code,
                interactive=False,
                verbosity=0,
            )
        connection.set_schema_to_public()
        assert not _exists("gamma.deliverables_deliverable")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE delta.deliverables_deliverable (id integer)")

    failed = _kado_migrate(env)
    assert failed.returncode == 1
    assert "4 regions: 2 up to date, 2 to migrate" in failed.stdout
    assert "delta: " in failed.stderr and "already exists" in failed.stderr
    assert "1 of 2 regions failed: delta" in failed.stderr
    assert "migrate: 100%" in failed.stderr  # the per-region progress bar
    with django_db_blocker.unblock():
        assert _exists("gamma.deliverables_deliverable")  # the other region went on
        assert schemas_behind(["alpha", "beta", "gamma", "delta"]) == ["delta"]
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE delta.deliverables_deliverable")

    fixed = _kado_migrate(env)
    assert fixed.returncode == 0, fixed.stderr
    assert "4 regions: 3 up to date, 1 to migrate" in fixed.stdout
    with django_db_blocker.unblock():
        assert schemas_behind(["alpha", "beta", "gamma", "delta"]) == []
