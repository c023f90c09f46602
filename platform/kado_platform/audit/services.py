from django.db import connection

from kado_platform.audit.models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    instance=None,
    changes: dict | None = None,
    region_code: str | None = None,
) -> AuditEntry:
    """Append one audit entry in the caller's transaction, so it commits or rolls back with it.

    `changes` carries field names and non-personal values only (statuses, amounts, ids).
    """
    if region_code is None:
        schema = getattr(connection, "schema_name", "public")
        region_code = "" if schema == "public" else schema
    return AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        region_code=region_code,
        object_type=instance._meta.label if instance is not None else "",
        object_id=str(instance.pk) if instance is not None else "",
        changes=changes or {},
    )
