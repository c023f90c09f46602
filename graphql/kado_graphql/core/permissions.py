"""The GraphQL middleware that enforces every declared permission on every field.

One mechanism for reads and writes: before a field resolves, the type it returns must
be allowed by its `Meta.permission` (a KadoObjectType, a KadoConnection's node, or a
KadoMutation's payload, which carries the mutation's permission), and the field must be
allowed by its parent's `Meta.field_permissions`. A type that declares nothing is
refused. KadoMutation asks the same `allowed()` again before `perform`, so a mutation
stays closed even when executed without this middleware.
"""

from __future__ import annotations

from graphene.utils.str_converters import to_snake_case

from graphql import get_named_type, is_abstract_type, is_object_type
from kado_graphql.core.errors import PermissionDeniedError
from kado_graphql.core.types import PUBLIC
from kado_platform.accounts.policy import has_perm

_MISSING = object()
_PERMISSIONLESS_TYPES = frozenset({"PageInfo"})


def _declared_permission(graphql_type):
    """The permission a GraphQL object type needs: its own, or its connection's node's."""
    if graphql_type.name in _PERMISSIONLESS_TYPES or graphql_type.name.startswith("__"):
        return PUBLIC
    graphene_type = getattr(graphql_type, "graphene_type", None)
    meta = getattr(graphene_type, "_meta", None)
    permission = getattr(meta, "permission", _MISSING)
    if permission is _MISSING and getattr(meta, "node", None) is not None:
        return getattr(meta.node._meta, "permission", _MISSING)
    if permission is _MISSING and graphql_type.name.endswith("Edge"):
        node_field = graphql_type.fields.get("node")
        return _declared_permission(get_named_type(node_field.type)) if node_field else _MISSING
    return permission


def allowed(request, permission) -> bool:
    """Whether the request's user holds `permission` on the request's host."""
    if permission is PUBLIC or permission == PUBLIC:
        return True
    if permission is _MISSING or permission is None:
        return False
    return has_perm(request.user, permission, getattr(request, "tenant", None))


def require(request, permission) -> None:
    if not allowed(request, permission):
        raise PermissionDeniedError()


_DECIDED = "_kado_allowed_fields"


def decided_fields(request) -> set:
    """The (parent type, field name) pairs this request has been allowed so far."""
    return request.__dict__.setdefault(_DECIDED, set())


class PermissionMiddleware:
    def resolve(self, next_, root, info, **kwargs):
        # The decision depends only on the request (user, host) and the schema position, so
        # it is made once per (parent type, field) and request: a page of 100 rows asks once.
        # The executor (kado_graphql.core.execution) skips this call for plain fields once
        # they are in the set, so a refusal here must never be recorded as decided.
        decided = decided_fields(info.context)
        if (info.parent_type, info.field_name) not in decided:
            self._check(info.context, info)
            decided.add((info.parent_type, info.field_name))
        return next_(root, info, **kwargs)

    @staticmethod
    def _check(request, info) -> None:
        parent = getattr(info.parent_type, "graphene_type", None)
        field_permissions = getattr(getattr(parent, "_meta", None), "field_permissions", None)
        if field_permissions:
            needed = field_permissions.get(to_snake_case(info.field_name))
            if needed is not None and not allowed(request, needed):
                raise PermissionDeniedError()
        named = get_named_type(info.return_type)
        if is_object_type(named):
            require(request, _declared_permission(named))
        elif is_abstract_type(named):
            # An interface or union: fail closed unless every type it can be is allowed.
            for possible in info.schema.get_possible_types(named):
                require(request, _declared_permission(possible))
        elif info.parent_type in (info.schema.query_type, info.schema.mutation_type) and not (
            info.field_name.startswith("__")
        ):
            # A top-level field must return a type that declares its permission.
            raise PermissionDeniedError()
