"""Object types that declare who may see them; the permission middleware enforces it.

Every type reachable from a schema must be a KadoObjectType with a `permission` in its
Meta (or PUBLIC, said explicitly). A type without one cannot be created, and a field
that returns an object type without one is refused at run time: a forgotten check
fails closed.
"""

from __future__ import annotations

import graphene
from graphene.types.objecttype import ObjectTypeOptions

from kado_graphql.core.connections import KadoConnection
from kado_platform.accounts.policy import Perm

PUBLIC = "public"

__all__ = ["PUBLIC", "KadoConnection", "KadoObjectType"]


class KadoObjectTypeOptions(ObjectTypeOptions):
    permission: Perm | str | None = None
    field_permissions: dict[str, Perm] | None = None


class KadoObjectType(graphene.ObjectType):
    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls, permission=None, field_permissions=None, _meta=None, **options
    ):
        if permission is None:
            raise TypeError(
                f"{cls.__name__} must declare Meta.permission (a Perm, or PUBLIC on purpose)."
            )
        _meta = _meta or KadoObjectTypeOptions(cls)
        _meta.permission = permission
        _meta.field_permissions = dict(field_permissions or {})
        super().__init_subclass_with_meta__(_meta=_meta, **options)
