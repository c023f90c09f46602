"""Global IDs: `base64("Type:<region>:<pk>")`.

Primary keys repeat in every region's schema, so an ID names its region too, and any
cache or loader keyed by an ID is keyed by (region, pk). On a region host an ID of
another region is refused as `not_found` and never resolved; on the hub (the federation
read model) any region is accepted and the caller gets the region to route by.

    class OrderType(KadoObjectType):
        id = GlobalIDField()          # Order:<request's region>:<order.pk>

    order_pk = decode_global_id(info, input["order_id"], "Order", field="order_id")
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple

import graphene
from django.utils.translation import gettext as _

from kado_graphql.core.errors import BadInputError, NotFoundError

MAX_PK = 2**63 - 1  # bigint
_MAX_ID_LENGTH = 200
_TYPE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REGION_CODE = re.compile(r"^[a-z][a-z0-9-]{1,62}$")


class GlobalId(NamedTuple):
    type_name: str
    region: str
    pk: int

    @property
    def key(self) -> tuple[str, int]:
        """What a cache or loader keys this object by."""
        return (self.region, self.pk)


def to_global_id(type_name: str, region: str, pk: int) -> str:
    if not _TYPE_NAME.match(type_name) or not _REGION_CODE.match(str(region)):
        raise ValueError(f"Cannot make a global ID of {type_name!r} in {region!r}.")
    raw = f"{type_name}:{region}:{int(pk)}"
    return base64.b64encode(raw.encode()).decode()


def parse_global_id(value, *, field: str | None = None) -> GlobalId:
    """The parts of a global ID, checked for shape only; malformed → `bad_input`."""
    malformed = BadInputError(_("Not a valid ID."), field=field)
    if not isinstance(value, str) or not value or len(value) > _MAX_ID_LENGTH:
        raise malformed
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise malformed from None
    parts = raw.split(":")
    if len(parts) != 3:
        raise malformed
    type_name, region, pk_text = parts
    if not _TYPE_NAME.match(type_name) or not _REGION_CODE.match(region):
        raise malformed
    if not pk_text.isascii() or not pk_text.isdigit() or len(pk_text) > 19:
        raise malformed
    pk = int(pk_text)
    if not 0 < pk <= MAX_PK:
        raise malformed
    return GlobalId(type_name, region, pk)


def resolve_global_id(info, value, expected, *, field: str | None = None) -> GlobalId:
    """A global ID of one of the `expected` type names, valid on the request's host.

    Wrong shape or type → `bad_input`; another region's ID on a region host →
    `not_found`, exactly as an ID that does not exist.
    """
    expected = (expected,) if isinstance(expected, str) else tuple(expected)
    global_id = parse_global_id(value, field=field)
    if global_id.type_name not in expected:
        raise BadInputError(
            _("Expected the ID of a %(types)s.") % {"types": " or ".join(expected)},
            field=field,
        )
    tenant = getattr(info.context, "tenant", None)
    if tenant is None:
        raise NotFoundError(field=field)
    if not tenant.is_federation and global_id.region != tenant.code:
        raise NotFoundError(field=field)
    return global_id


def decode_global_id(info, value, expected, *, field: str | None = None) -> int:
    """The primary key in a global ID that belongs to the request's region."""
    global_id = resolve_global_id(info, value, expected, field=field)
    tenant = info.context.tenant
    if tenant.is_federation:
        raise TypeError("On the hub, use resolve_global_id() and route by its region.")
    return global_id.pk


def decode_optional_global_id(info, value, expected, *, field: str) -> int | None:
    """decode_global_id() for an optional filter: None when left out; an empty string is
    a malformed ID like any other, never "no filter"."""
    return None if value is None else decode_global_id(info, value, expected, field=field)


HUB_CODE = "federation"  # the region code of the hub's own rows in global IDs


def _region_of(root, info) -> str:
    code = getattr(root, "region_code", None)
    return code or info.context.tenant.code


class GlobalIDField(graphene.Field):
    """`id: ID!` as a global ID of the parent type, in the row's region.

    The region is `root.region_code` when the row carries one (the federation read
    model), else the request's region; pass `region=callable(root, info)` to choose.
    """

    def __init__(self, *, region=None, pk=None, **kwargs):
        kwargs.setdefault("description", "Global ID: the type, the region and the key.")
        super().__init__(graphene.ID, required=True, **kwargs)
        self._region = region or _region_of
        self._pk = pk or (lambda root, info: root.pk)

    def wrap_resolve(self, parent_resolver):
        def resolve(root, info, **_args):
            return to_global_id(
                info.parent_type.name, self._region(root, info), self._pk(root, info)
            )

        return resolve
