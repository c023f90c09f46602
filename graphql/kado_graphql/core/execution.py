"""graphql-core's executor, with a short path for plain fields already allowed.

A page of 50 orders is about 1,000 fields, most of them a column read off the row and
serialised (a string, a date, yen) or a related row (the order's region). For each,
graphql-core builds a `ResolveInfo`, the argument values and the middleware call, then
dispatches on the type: about 4.5 µs a field, more than the SQL of the page. A field
takes the short path only when all of this holds, and then gives the very value the
long path would:

- its resolver is graphene's default (read the attribute or the dict key), it has no
  arguments, and it returns a scalar or an enum, or an object type without an
  `is_type_of` check (whose own fields go through this again), perhaps non-null;
- the permission middleware has already allowed this (parent type, field) for this
  request (`permissions.decided_fields`): the first row of a page takes the long path and is
  checked, the others reuse that decision, exactly as the middleware itself does;
- the value is read without error, is not null and, for a leaf, serialises without
  error. Otherwise the long path runs, so that nulls and errors are reported as graphql-core reports them; an
  error below an object field is located and handled as graphql-core's `execute_field`
  does (null here, or passed up when the field is non-null).

The schema has no async resolvers, so nothing is awaited here: the context's
`is_awaitable` is false for every value.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple
from weakref import WeakKeyDictionary

from graphene.types.resolver import dict_or_attr_resolver
from graphql.pyutils import Path

from graphql import (
    ExecutionContext,
    GraphQLObjectType,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_object_type,
    located_error,
)
from kado_graphql.core.permissions import PermissionMiddleware, decided_fields


class _Plain(NamedTuple):
    attname: str
    default: object
    serialize: object  # a leaf's; None for an object type
    object_type: GraphQLObjectType | None
    field_type: object


_plans: WeakKeyDictionary[GraphQLObjectType, dict[str, _Plain]] = WeakKeyDictionary()


def _plan(parent_type: GraphQLObjectType) -> dict[str, _Plain]:
    """The fields of `parent_type` that may take the short path, by GraphQL name."""
    plan = _plans.get(parent_type)
    if plan is None:
        plan = {}
        for name, field in parent_type.fields.items():
            resolve = field.resolve
            nullable = get_nullable_type(field.type)
            if not (
                isinstance(resolve, partial)
                and resolve.func is dict_or_attr_resolver
                and not resolve.keywords
                and len(resolve.args) == 2
                and not field.args
            ):
                continue
            if is_leaf_type(nullable):
                plan[name] = _Plain(*resolve.args, nullable.serialize, None, field.type)
            elif is_object_type(nullable) and nullable.is_type_of is None:
                plan[name] = _Plain(*resolve.args, None, nullable, field.type)
        _plans[parent_type] = plan
    return plan


def _never_awaitable(_value) -> bool:
    return False


class KadoExecutionContext(ExecutionContext):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_awaitable = _never_awaitable
        manager = self.middleware_manager
        # Only our permission middleware may be skipped, and only where it has decided.
        self._short_path = manager is not None and all(
            isinstance(middleware, PermissionMiddleware) for middleware in manager.middlewares
        )

    def execute_fields(self, parent_type, source_value, path, fields):
        if not self._short_path:
            return super().execute_fields(parent_type, source_value, path, fields)
        plan = _plan(parent_type)
        decided = decided_fields(self.context_value)
        is_dict = isinstance(source_value, dict)
        results = {}
        for response_name, field_nodes in fields.items():
            name = field_nodes[0].name.value
            plain = plan.get(name)
            if plain is not None and (parent_type, name) in decided:
                try:
                    if is_dict:
                        value = source_value.get(plain.attname, plain.default)
                    else:
                        value = getattr(source_value, plain.attname, plain.default)
                except Exception:  # a property or a lazy load that fails: the long path
                    value = None  # reads it again and reports it at this field
                if value is not None and plain.object_type is not None:
                    field_path = Path(path, response_name, parent_type.name)
                    results[response_name] = self._object(plain, field_nodes, field_path, value)
                    continue
                if value is not None:
                    try:
                        serialized = plain.serialize(value)
                    except Exception:  # the long path reports it
                        serialized = None
                    if serialized is not None and serialized is not Undefined:
                        results[response_name] = serialized
                        continue
            result = self.execute_field(
                parent_type, source_value, field_nodes, Path(path, response_name, parent_type.name)
            )
            if result is not Undefined:
                results[response_name] = result
        return results

    def _object(self, plain: _Plain, field_nodes, field_path, value):
        """An object field's value completed as `execute_field` would, without its info."""
        try:
            return self.execute_fields(
                plain.object_type,
                value,
                field_path,
                self.collect_subfields(plain.object_type, field_nodes),
            )
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, field_path.as_list())
            self.handle_field_error(error, plain.field_type, field_path)
            return None
