"""Provisioning and life cycle of regions.

A region is a row, a schema, a domain and a first admin. All four are made in one
transaction: PostgreSQL DDL is transactional, so a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from psycopg import sql

from kado_platform.accounts.roles import Role
from kado_platform.accounts.services import membership_grant, user_create
from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_platform.regions.models import Domain, Region, RegionKind, RegionStatus


def region_template_ensure(*, verbosity: int = 0) -> None:
    """Create and migrate the template schema that new regions are cloned from."""
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(template)))
    call_command(
        "migrate_schemas", tenant=True, schema_name=template, interactive=False, verbosity=verbosity
    )
    connection.set_schema_to_public()


PROVISIONING_LOCK = 0x4B41444F  # "KADO"


def region_template_is_current() -> bool:
    """Whether the template exists and has every region migration applied."""
    from django.db.migrations.executor import MigrationExecutor

    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        return False
    with schema_context(template):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.set_schema_to_public()
    return not plan


@transaction.atomic
def federation_ensure(*, name: str = "広域連携本部", name_en: str = "KADO Federation") -> Region:
    """The public-schema row that django-tenants routes the base domain to."""
    region, created = Region.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={
            "code": "federation",
            "name": name,
            "name_en": name_en,
            "kind": RegionKind.FEDERATION,
            "joined_on": timezone.localdate(),
        },
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": region, "is_primary": True}
    )
    if created:
        audit_record(action="federation.create", instance=region, region_code="")
    return region


@transaction.atomic
def region_create(
    *,
    code: str,
    name: str,
    name_en: str,
    municipality_code: str = "",
    prefecture: str = "20",
    kind: str = RegionKind.PARTNER,
    joined_on: datetime.date | None = None,
    admin_email: str,
    admin_password: str | None = None,
    admin_name: str = "",
    use_template: bool = True,
    acting_user=None,
) -> Region:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # One provisioning at a time: cloning re-creates a shared SQL function, which two
        # concurrent transactions would fight over ("tuple concurrently updated").
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROVISIONING_LOCK])
    code = (code or "").strip()
    if kind == RegionKind.FEDERATION:
        raise DomainError(
            "region_kind", _("Only the federation itself has that kind."), field="kind"
        )
    region = Region(
        code=code,
        schema_name=code,
        name=(name or "").strip(),
        name_en=(name_en or "").strip(),
        municipality_code=(municipality_code or "").strip(),
        prefecture=prefecture,
        kind=kind,
        joined_on=joined_on or timezone.localdate(),
    )
    validate(region, exclude=["schema_name"])
    if schema_exists(code, case_sensitive=False):
        raise DomainError(
            "schema_exists", _("A schema with this code already exists."), field="code"
        )
    region.save()
    if use_template:
        if not region_template_is_current():
            # A clone records every migration as applied: the template must carry them all.
            region_template_ensure()
        region.create_schema(verbosity=0)  # clones settings.TENANT_BASE_SCHEMA
    else:
        _create_schema_by_migrations(region)
    connection.set_schema_to_public()
    Domain.objects.create(domain=f"{code}.{settings.BASE_DOMAIN}", tenant=region, is_primary=True)
    admin = _region_admin_for(
        email=admin_email, password=admin_password, name=admin_name, acting_user=acting_user
    )
    membership_grant(user=admin, role=Role.REGION_ADMIN, region=region, acting_user=acting_user)
    audit_record(
        action="region.create",
        actor=acting_user,
        instance=region,
        changes={"code": code, "kind": str(kind), "template": use_template},
        region_code=code,
    )
    return region


def _create_schema_by_migrations(region: Region) -> None:
    """The slow path, kept for the benchmark and for a missing template."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(region.schema_name)))
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=region.schema_name,
        interactive=False,
        verbosity=0,
    )


def _region_admin_for(*, email, password, name, acting_user):
    from kado_platform.accounts.selectors import user_by_email

    existing = user_by_email(email or "")
    if existing is not None:
        return existing
    return user_create(email=email, password=password, name=name, acting_user=acting_user)


@transaction.atomic
def region_suspend(*, region: Region, acting_user=None) -> Region:
    return _region_set_status(region=region, status=RegionStatus.SUSPENDED, acting_user=acting_user)


@transaction.atomic
def region_resume(*, region: Region, acting_user=None) -> Region:
    return _region_set_status(region=region, status=RegionStatus.ACTIVE, acting_user=acting_user)


def _region_set_status(*, region: Region, status: RegionStatus, acting_user) -> Region:
    with schema_context(get_public_schema_name()):
        return _region_set_status_on_public(region=region, status=status, acting_user=acting_user)


def _region_set_status_on_public(*, region: Region, status: RegionStatus, acting_user) -> Region:
    if region.is_federation:
        raise DomainError(
            "federation_status", _("The federation itself cannot be suspended."), field="code"
        )
    region = Region.objects.select_for_update().get(pk=region.pk)
    if region.status == status:
        return region
    previous = region.status
    region.status = status
    region.save(update_fields=["status"])
    audit_record(
        action=f"region.{'suspend' if status == RegionStatus.SUSPENDED else 'resume'}",
        actor=acting_user,
        instance=region,
        changes={"status": [previous, str(status)]},
        region_code=region.code,
    )
    return region
