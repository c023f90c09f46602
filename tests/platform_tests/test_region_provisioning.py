"""A region is a row, a schema, a domain and a first admin, made all at once or not at all.

Atomicity is proven twice, because each test runs inside a transaction of its own
(pytest-django's `db`), so region_create's `atomic` is only a savepoint there:

1. In-process, a failure is injected at each step after the schema exists; rolling back
   to the savepoint must remove the schema (PostgreSQL DDL is transactional) and every row.
2. In a separate Python process on the same test database, where region_create's
   `atomic` is the outermost transaction and a commit would be real. The failure is
   injected by monkeypatching inside that process only (the product has no test hooks);
   the process first reports that the schema, region, domain and user did exist at the
   moment of failure, so the check that nothing was committed is not vacuous. This test's
   own connection (READ COMMITTED) then sees everything the other process committed.

`transactional_db` is not used: its teardown flushes every public table, which would
destroy the session's federation that the other tests share.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

import kado_platform.regions.services as services
from kado_platform.accounts.models import Membership, User
from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.audit.models import AuditEntry
from kado_platform.regions.models import Domain, Region
from kado_platform.regions.services import region_create

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kado-test-pass-2026"


def _create(code="gamma", **overrides):
    arguments = {
        "code": code,
        "name": "ガンマ村",
        "name_en": "Gamma Village",
        "municipality_code": "203246",
        "admin_email": f"admin@{code}.test",
        "admin_password": PASSWORD,
        **overrides,
    }
    return region_create(**arguments)


def _columns(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = %s
            ORDER BY table_name, column_name
            """,
            [schema],
        )
        rows = cursor.fetchall()
    # Defaults name the schema's own sequences; compare them without the schema.
    return [(*row[:4], (row[4] or "").replace(f"{schema}.", "")) for row in rows]


def _constraints(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, constraint_type, count(*)
            FROM information_schema.table_constraints WHERE table_schema = %s
            GROUP BY 1, 2 ORDER BY 1, 2
            """,
            [schema],
        )
        return cursor.fetchall()


def _indexes(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, count(*) FROM pg_indexes WHERE schemaname = %s GROUP BY 1 ORDER BY 1",
            [schema],
        )
        return cursor.fetchall()


def _migrations(schema):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY 1, 2')  # noqa: S608 (a checked code)
        return cursor.fetchall()


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _leftovers(code, email, *, audit_after):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", [code]
        )
        schemas = cursor.fetchone()[0]
    return {
        "schema": schemas,
        "schema_exists": schema_exists(code),
        "region": Region.objects.filter(code=code).count(),
        "domain": Domain.objects.filter(domain__startswith=f"{code}.").count(),
        "user": User.objects.filter(email=email).count(),
        "membership": Membership.objects.filter(region__code=code).count(),
        "audit": AuditEntry.objects.filter(pk__gt=audit_after).count(),
    }


NOTHING = {
    "schema": 0,
    "schema_exists": False,
    "region": 0,
    "domain": 0,
    "user": 0,
    "membership": 0,
    "audit": 0,
}


# The happy paths ------------------------------------------------------------------------


@pytest.mark.parametrize("use_template", [True, False], ids=["clone", "migrations"])
def test_a_new_region_is_ready_to_use(fed, use_template):
    region = _create(use_template=use_template)

    assert schema_exists("gamma")
    assert region.schema_name == "gamma"
    assert Domain.objects.get(tenant=region, is_primary=True).domain == "gamma.localhost"
    admin = User.objects.get(email="admin@gamma.test")
    assert admin.check_password(PASSWORD)
    assert has_perm(admin, Perm.REGION_ADMIN, region)
    assert not has_perm(admin, Perm.SIGN_IN, fed.alpha)
    entry = AuditEntry.objects.get(action="region.create", region_code="gamma")
    assert entry.changes["template"] is use_template

    # The schema holds the region's tables and works on its own host.
    from kado_tenants.clients.models import Client

    with schema_context("gamma"):
        Client.objects.create(name="ガンマ商店", kind="company")
        assert Client.objects.count() == 1
    with schema_context("alpha"):
        assert not Client.objects.filter(name="ガンマ商店").exists()
    connection.set_schema_to_public()
    response = HttpClient(HTTP_HOST="gamma.localhost").get("/login/")
    assert response.status_code == 200
    assert "ガンマ村" in response.content.decode()


def test_a_clone_matches_the_template_and_a_migrated_schema(fed):
    _create("gamma", use_template=True)
    _create("delta", use_template=False)
    template = settings.TENANT_BASE_SCHEMA

    assert _columns("gamma") == _columns(template) == _columns("delta")
    assert _constraints("gamma") == _constraints(template) == _constraints("delta")
    assert _indexes("gamma") == _indexes(template) == _indexes("delta")
    # Every migration is recorded, so the next `migrate` continues from where the template was.
    assert _migrations("gamma") == _migrations("delta") == _migrations(template)
    assert len(_migrations("gamma")) > 0


def test_a_clone_copies_no_rows_from_the_template(fed):
    from kado_tenants.clients.models import Client

    with schema_context(settings.TENANT_BASE_SCHEMA):
        Client.objects.create(name="テンプレートに紛れた行", kind="company")
    _create("gamma")
    with schema_context("gamma"):
        assert Client.objects.count() == 0
    connection.set_schema_to_public()


def test_an_existing_user_becomes_the_admin_and_keeps_their_password(fed):
    alpha_admin = fed.user("alpha_admin")
    region = _create("gamma", admin_email="ADMIN@alpha.test ", admin_password="ignored-pass-2026")
    alpha_admin.refresh_from_db()
    assert alpha_admin.check_password(PASSWORD)
    assert has_perm(alpha_admin, Perm.REGION_ADMIN, region)
    assert has_perm(alpha_admin, Perm.REGION_ADMIN, fed.alpha)


# Atomicity, in this process (savepoint) ---------------------------------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("injected failure")


def _after_clone(original):
    def clone_then_fail(self, *args, **kwargs):
        original(self, *args, **kwargs)
        assert schema_exists(args[1] if len(args) > 1 else kwargs["new_schema_name"])
        raise RuntimeError("injected failure after the clone")

    return clone_then_fail


FAILURE_POINTS = {
    "clone": lambda mp: mp.setattr(
        CloneSchema, "clone_schema", _after_clone(CloneSchema.clone_schema)
    ),
    "fake_migrate": lambda mp: mp.setattr("django_tenants.models.call_command", _boom),
    "domain": lambda mp: mp.setattr(Domain.objects, "create", _boom),
    "user": lambda mp: mp.setattr(services, "user_create", _boom),
    "membership": lambda mp: mp.setattr(services, "membership_grant", _boom),
    "audit": lambda mp: mp.setattr(services, "audit_record", _boom),
}


@pytest.mark.parametrize("where", FAILURE_POINTS)
def test_a_failure_anywhere_leaves_nothing_behind(fed, monkeypatch, where):
    audit_before = _last_audit_id()
    FAILURE_POINTS[where](monkeypatch)
    with pytest.raises(RuntimeError, match="injected failure"):
        _create("gamma")
    monkeypatch.undo()
    connection.set_schema_to_public()
    assert _leftovers("gamma", "admin@gamma.test", audit_after=audit_before) == NOTHING
    # The same code can be provisioned right after.
    assert _create("gamma").code == "gamma"


def test_a_failure_by_migrations_leaves_nothing_behind(fed, monkeypatch):
    audit_before = _last_audit_id()
    monkeypatch.setattr(services, "membership_grant", _boom)
    with pytest.raises(RuntimeError):
        _create("gamma", use_template=False)
    connection.set_schema_to_public()
    assert _leftovers("gamma", "admin@gamma.test", audit_after=audit_before) == NOTHING


# Atomicity, committed for real in another process -------------------------------------------


SUBPROCESS_SCRIPT = textwrap.dedent(
    """
    import json

    import django

    django.setup()
    from django.db import connection
    from django_tenants.utils import schema_exists

    import kado_platform.regions.services as services
    from kado_platform.accounts.models import User
    from kado_platform.regions.models import Domain, Region

    CODE, EMAIL = "zeta-fail", "admin@zeta-fail.test"
    report = {
        "database": connection.settings_dict["NAME"],
        "sees_alpha": Region.objects.filter(code="alpha").exists(),
    }

    def grant_then_fail(**kwargs):
        connection.set_schema_to_public()
        report["at_failure"] = {
            "outermost_transaction": connection.in_atomic_block
            and not connection.savepoint_ids,
            "schema": bool(schema_exists(CODE)),
            "region": Region.objects.filter(code=CODE).exists(),
            "domain": Domain.objects.filter(tenant__code=CODE).exists(),
            "user": User.objects.filter(email=EMAIL).exists(),
        }
        raise RuntimeError("injected failure before the admin's membership")

    services.membership_grant = grant_then_fail
    try:
        services.region_create(
            code=CODE, name="ゼータ", name_en="Zeta", municipality_code="203246",
            admin_email=EMAIL, admin_password="kado-test-pass-2026",
        )
    except RuntimeError as error:
        report["error"] = str(error)
    report["after"] = {
        "in_transaction": connection.in_atomic_block,
        "schema": bool(schema_exists(CODE)),
        "region": Region.objects.filter(code=CODE).exists(),
    }
    print(json.dumps(report))
    """
)


@pytest.mark.slow
def test_a_failure_commits_nothing_in_a_real_transaction(fed, subprocess_env):
    audit_before = _last_audit_id()
    env = subprocess_env(DJANGO_SETTINGS_MODULE="kado_platform.settings")
    result = subprocess.run(
        [sys.executable, "-c", SUBPROCESS_SCRIPT],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["database"] == connection.settings_dict["NAME"]
    assert report["sees_alpha"]
    assert report["error"] == "injected failure before the admin's membership"
    assert report["at_failure"] == {
        "outermost_transaction": True,
        "schema": True,
        "region": True,
        "domain": True,
        "user": True,
    }
    assert report["after"] == {"in_transaction": False, "schema": False, "region": False}
    # Seen from this test's own connection: nothing was committed.
    leftovers = _leftovers("zeta-fail", "admin@zeta-fail.test", audit_after=audit_before)
    assert leftovers == NOTHING


CONCURRENT_SCRIPT = textwrap.dedent(
    """
    import sys

    import django

    django.setup()
    import kado_platform.regions.services as services

    code, outcome = sys.argv[1], sys.argv[2]
    grant = services.membership_grant

    def hold_then_commit(**kwargs):
        print("inside", flush=True)  # the test starts the other process now
        sys.stdin.readline()  # and says when that one is waiting for this one
        return grant(**kwargs)

    def fail(**kwargs):
        raise RuntimeError("injected failure")

    services.membership_grant = hold_then_commit if outcome == "commit" else fail
    try:
        services.region_create(
            code=code, name="並行", name_en="Concurrent", municipality_code="203246",
            admin_email=f"admin@{code}.test", admin_password="kado-test-pass-2026",
        )
        print("created")
    except Exception as error:
        print(f"{type(error).__name__}: {error}".splitlines()[0])
    """
)


def _drop_committed_region(url: str, code: str) -> None:
    """Remove a region that another process committed (this test's rollback cannot)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "DELETE FROM accounts_membership WHERE region_id IN "
            "(SELECT id FROM regions_region WHERE code = %s)",
            [code],
        )
        conn.execute(
            "DELETE FROM regions_domain WHERE tenant_id IN "
            "(SELECT id FROM regions_region WHERE code = %s)",
            [code],
        )
        conn.execute("DELETE FROM regions_region WHERE code = %s", [code])
        conn.execute("DELETE FROM audit_auditentry WHERE region_code = %s", [code])
        conn.execute("DELETE FROM accounts_user WHERE email = %s", [f"admin@{code}.test"])
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(code)))


def _wait_until_a_backend_waits_for_a_lock(url: str, *, timeout: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting:
                return
            time.sleep(0.1)
    raise AssertionError("the second provisioning never waited for the first")


@pytest.fixture
def drop_after_the_test(test_database_url):
    """Regions another process commits, removed after this test's transaction has ended
    (requested before `fed`, so it is torn down after `db` rolls back: dropping a region's
    schema while this test's transaction still reads the public tables would wait forever).
    """
    codes = []
    yield codes
    for code in codes:
        _drop_committed_region(test_database_url, code)


@pytest.mark.slow
def test_two_regions_provisioned_at_once_both_get_their_own_outcome(
    drop_after_the_test, fed, test_database_url, subprocess_env
):
    """Two provisionings overlap: the second starts while the first is inside its
    transaction (and waits for one of its locks), the first then commits. Each must reach
    its own outcome, with no error from the other (django-tenants replaces its SQL clone
    functions inside every provisioning transaction, a known source of
    `tuple concurrently updated` when two such transactions meet)."""
    url = test_database_url
    drop_after_the_test.append("para-one")
    env = subprocess_env(DJANGO_SETTINGS_MODULE="kado_platform.settings")

    def start(code, outcome):
        return subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_SCRIPT, code, outcome],
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = start("para-one", "commit")
    assert first.stdout.readline().strip() == "inside"
    second = start("para-two", "fail")
    _wait_until_a_backend_waits_for_a_lock(url, timeout=120)
    first.stdin.write("go\n")
    first.stdin.flush()
    first_out, first_err = first.communicate(timeout=180)
    second_out, second_err = second.communicate(timeout=180)
    assert first_out.strip().splitlines()[-1:] == ["created"], first_err
    assert second_out.strip().splitlines()[-1:] == ["RuntimeError: injected failure"], second_err
    assert Region.objects.filter(code="para-one").exists()
    assert not Region.objects.filter(code="para-two").exists()
    assert not schema_exists("para-two")
