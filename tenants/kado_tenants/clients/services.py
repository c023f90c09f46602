"""Writes to a region's clients: the companies and municipalities that order work."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_tenants.clients.models import Client

CLIENT_EDITABLE_FIELDS = frozenset(
    {"name", "name_kana", "kind", "corporate_number", "contact_name", "email", "phone"}
)
# Values safe to copy into the audit log; the rest (names, contacts) are logged by name only.
CLIENT_AUDITED_VALUES = frozenset({"kind"})


def _clean(field: str, value) -> str:
    value = (value or "").strip()
    return value.lower() if field == "email" else value


@transaction.atomic
def client_create(
    *,
    name: str,
    kind: str,
    name_kana: str = "",
    corporate_number: str = "",
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    acting_user=None,
) -> Client:
    client = Client(
        name=_clean("name", name),
        kind=kind,
        name_kana=_clean("name_kana", name_kana),
        corporate_number=_clean("corporate_number", corporate_number),
        contact_name=_clean("contact_name", contact_name),
        email=_clean("email", email),
        phone=_clean("phone", phone),
    )
    validate(client)
    client.save()
    audit_record(
        action="client.create",
        actor=acting_user,
        instance=client,
        changes={"kind": str(client.kind)},
    )
    return client


@transaction.atomic
def client_update(*, client: Client, acting_user=None, **changes) -> Client:
    """Change whitelisted fields; nothing is written (or audited) when nothing changed."""
    unknown = sorted(set(changes) - CLIENT_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            "field_unknown",
            _("A client has no editable field “%(field)s”."),
            field=unknown[0],
            params={"field": unknown[0]},
        )
    changes = {field: _clean(field, value) for field, value in changes.items()}
    changed = {field: value for field, value in changes.items() if getattr(client, field) != value}
    if not changed:
        return client
    before = {field: getattr(client, field) for field in changed}
    for field, value in changed.items():
        setattr(client, field, value)
    try:
        validate(client)
    except DomainError:
        client.refresh_from_db()  # the caller's instance must not keep refused values
        raise
    client.save(update_fields=list(changed))
    audit_record(
        action="client.update",
        actor=acting_user,
        instance=client,
        changes={
            field: [str(before[field]), str(value)] if field in CLIENT_AUDITED_VALUES else "changed"
            for field, value in changed.items()
        },
    )
    return client
