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
import os
import subprocess
import sys
import textwrap
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


def _test_database_url() -> str:
    """The URL of this session's test database (as conftest's live_server builds it)."""
    db = settings.DATABASES["default"]
    host = db.get("HOST") or ""
    url = f"postgresql://{db.get('USER') or 'postgres'}:{db.get('PASSWORD') or ''}@"
    url += host if host and not host.startswith("/") else ""
    url += f":{db['PORT']}" if db.get("PORT") and not host.startswith("/") else ""
    url += f"/{connection.settings_dict['NAME']}"
    if host.startswith("/"):
        url += f"?host={host}"
    return url


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
def test_a_failure_commits_nothing_in_a_real_transaction(fed):
    audit_before = _last_audit_id()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SETTINGS_MODULE": "kado_platform.settings",
        "DEBUG": "1",
        "KADO_TESTING": "1",
        "PYTHONPATH": os.pathsep.join(
            str(REPO_ROOT / d) for d in ("platform", "tenants", "graphql", "frontend")
        ),
    }
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
