"""The executor's short path for leaf fields answers exactly as graphql-core's own.

kado_graphql.core.execution skips graphql-core's per-field machinery (and the permission
middleware's call) for plain leaf fields that the middleware has already allowed in this
request. These tests run the same documents through graphql-core's ExecutionContext and
ours, on rows where the short path must give way: nulls, defaults, values that do not
serialise, fields refused by permission, other middleware. No database: the rows are
dicts and plain objects, the user a stand-in with its memberships already loaded.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import graphene

from graphql import ExecutionContext, execute, parse
from kado_graphql.core.execution import KadoExecutionContext
from kado_graphql.core.permissions import PermissionMiddleware
from kado_graphql.core.scalars import Yen
from kado_graphql.core.types import PUBLIC, KadoObjectType
from kado_platform.accounts.policy import Perm

ROWS = 30


class Colour(graphene.Enum):
    RED = "red"
    BLUE = "blue"


class Owner(KadoObjectType):
    class Meta:
        name = "Owner"
        permission = PUBLIC

    name = graphene.String(required=True)
    town = graphene.String()


class Hidden(KadoObjectType):
    class Meta:
        name = "Hidden"
        permission = Perm.REGION_SENSITIVE

    name = graphene.String()


class Item(KadoObjectType):
    class Meta:
        name = "Item"
        permission = PUBLIC
        field_permissions = {"secret": Perm.REGION_SENSITIVE}

    code = graphene.String(required=True)
    note = graphene.String()
    label = graphene.String(default_value="none")
    colour = graphene.Field(Colour)
    when = graphene.Date()
    amount = Yen()
    must = graphene.String(required=True)
    secret = graphene.String()
    shout = graphene.String()
    owner = graphene.Field(Owner)
    home = graphene.Field(Owner, required=True)
    hidden = graphene.Field(Hidden)

    def resolve_shout(item, info):
        return _get(item, "code").upper()


class Query(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(Item), required=True)
    nullable_items = graphene.List(Item)

    def resolve_items(root, info):
        return info.context.rows

    def resolve_nullable_items(root, info):
        return info.context.rows


SCHEMA = graphene.Schema(query=Query).graphql_schema


def _get(item, key):
    return item[key] if isinstance(item, dict) else getattr(item, key)


def _row(index: int):
    values = {
        "code": f"c{index}",
        "note": None if index % 3 == 0 else f"note {index}",
        "colour": "red" if index % 2 else "blue",
        "when": datetime.date(2024, 4, 1) + datetime.timedelta(days=index),
        "amount": 1_000 * index,
        "must": f"m{index}",
        "secret": f"s{index}",
        "owner": {"name": f"o{index}", "town": None if index % 5 == 0 else "塩尻"},
        "home": SimpleNamespace(name=f"h{index}", town="松本"),
        "hidden": {"name": "x"},
    }
    if index % 4 == 0:
        values["label"] = f"label {index}"  # the others fall back to the default
    return values if index % 2 else SimpleNamespace(**values)


class _Request:
    def __init__(self, rows, *, roles=("coordinator",)):
        self.rows = rows
        self.user = SimpleNamespace(
            is_authenticated=True,
            is_active=True,
            is_superuser=False,
            _kado_memberships=[(role, None) for role in roles],
        )
        self.tenant = SimpleNamespace(is_suspended=False, is_federation=True, pk=1)


class CountingPermissionMiddleware(PermissionMiddleware):
    calls = 0

    def resolve(self, next_, root, info, **kwargs):
        CountingPermissionMiddleware.calls += 1
        return super().resolve(next_, root, info, **kwargs)


def _run(document, rows, *, context_class, middleware=None, roles=("coordinator",)):
    result = execute(
        SCHEMA,
        parse(document),
        context_value=_Request(rows, roles=roles),
        middleware=middleware if middleware is not None else [PermissionMiddleware()],
        execution_context_class=context_class,
    )
    errors = sorted((error.formatted for error in result.errors or ()), key=str)
    return result.data, errors


def _both(document, rows, **kwargs):
    ours = _run(document, rows, context_class=KadoExecutionContext, **kwargs)
    theirs = _run(document, rows, context_class=ExecutionContext, **kwargs)
    assert ours == theirs
    return ours


EVERYTHING = """
query {
  items {
    __typename code note label colour when amount must shout
    again: code
    ...Extra
    skipped: note @skip(if: true)
    included: colour @include(if: true)
    owner { name town } home { name ... on Owner { town } }
  }
}
fragment Extra on Item { more: amount }
"""


def test_a_page_answers_as_graphql_core_does():
    data, errors = _both(EVERYTHING, [_row(i) for i in range(1, ROWS + 1)])
    assert errors == []
    assert len(data["items"]) == ROWS
    third, fourth = data["items"][2], data["items"][3]
    assert third["note"] is None and third["label"] == "none"
    assert fourth["label"] == "label 4" and fourth["colour"] == "BLUE"
    assert fourth["when"] == "2024-04-05" and fourth["amount"] == 4_000
    assert "skipped" not in third and fourth["included"] == "BLUE"
    assert fourth["__typename"] == "Item" and fourth["shout"] == "C4"
    assert data["items"][4]["owner"] == {"name": "o5", "town": None}
    assert fourth["home"] == {"name": "h4", "town": "松本"}


def test_the_short_path_is_taken_after_the_first_row():
    CountingPermissionMiddleware.calls = 0
    _run(
        "{ items { code note label colour when amount must } }",
        [_row(i) for i in range(1, ROWS + 1)],
        context_class=KadoExecutionContext,
        middleware=[CountingPermissionMiddleware()],
    )
    # `items`, the first row's 7 fields, and the null notes (every third row) and
    # defaults (labels: three rows in four) that take the long path.
    ours = CountingPermissionMiddleware.calls
    CountingPermissionMiddleware.calls = 0
    _run(
        "{ items { code note label colour when amount must } }",
        [_row(i) for i in range(1, ROWS + 1)],
        context_class=ExecutionContext,
        middleware=[CountingPermissionMiddleware()],
    )
    assert CountingPermissionMiddleware.calls == 1 + 7 * ROWS
    assert ours == 1 + 7 + ROWS // 3


def test_a_refused_leaf_is_refused_on_every_row():
    data, errors = _both("{ nullableItems { code secret } }", [_row(i) for i in range(1, 6)])
    assert [item["secret"] for item in data["nullableItems"]] == [None] * 5
    assert [error["path"] for error in errors] == [["nullableItems", i, "secret"] for i in range(5)]
    assert {error["extensions"]["code"] for error in errors} == {"permission_denied"}


def test_a_leaf_allowed_to_a_role_is_served_to_it():
    data, errors = _both(
        "{ items { code secret } }", [_row(i) for i in range(1, 6)], roles=("region_admin",)
    )
    assert errors == []
    assert [item["secret"] for item in data["items"]] == [f"s{i}" for i in range(1, 6)]


def test_a_null_in_a_non_null_leaf_fails_as_graphql_core_says():
    rows = [_row(i) for i in range(1, 8)]
    rows[5] = _replaced(rows[5], must=None)
    data, errors = _both("{ nullableItems { code must } }", rows)
    assert data["nullableItems"][5] is None and data["nullableItems"][4]["must"] == "m5"
    assert [error["path"] for error in errors] == [["nullableItems", 5, "must"]]
    assert "Cannot return null for non-nullable field Item.must." in errors[0]["message"]


def test_a_value_that_does_not_serialise_fails_as_graphql_core_says():
    rows = [_row(i) for i in range(1, 8)]
    rows[4] = _replaced(rows[4], amount=12.5)
    data, errors = _both("{ items { code amount } }", rows)
    assert data["items"][4] == {"code": "c5", "amount": None}
    assert [error["path"] for error in errors] == [["items", 4, "amount"]]
    assert "Yen must be a whole number" in errors[0]["message"]


def test_other_middleware_turns_the_short_path_off():
    seen = []

    def spy(next_, root, info, **kwargs):
        seen.append(info.field_name)
        return next_(root, info, **kwargs)

    data, _errors = _both(
        "{ items { code amount } }",
        [_row(i) for i in range(1, ROWS + 1)],
        middleware=[PermissionMiddleware(), spy],
    )
    assert len(data["items"]) == ROWS
    # Both executors ran with the spy: each saw every field of every row.
    assert seen.count("code") == 2 * ROWS and seen.count("amount") == 2 * ROWS


def test_without_the_permission_middleware_the_long_path_runs():
    data, errors = _both("{ items { code } }", [_row(i) for i in range(1, 4)], middleware=[])
    assert errors == [] and [item["code"] for item in data["items"]] == ["c1", "c2", "c3"]


def test_an_object_field_takes_the_short_path_too():
    CountingPermissionMiddleware.calls = 0
    data, _errors = _run(
        "{ items { owner { name } } }",
        [_row(i) for i in range(1, ROWS + 1)],
        context_class=KadoExecutionContext,
        middleware=[CountingPermissionMiddleware()],
    )
    assert [item["owner"]["name"] for item in data["items"]] == [f"o{i}" for i in range(1, 31)]
    # `items`, then the first row's `owner` and its `name`; every other row is short.
    assert CountingPermissionMiddleware.calls == 3


def test_an_error_below_an_object_field_nulls_it_as_graphql_core_does():
    rows = [_row(i) for i in range(1, 8)]
    rows[3] = _replaced(rows[3], owner={"name": None, "town": "x"})
    data, errors = _both("{ items { code owner { name town } } }", rows)
    assert data["items"][3] == {"code": "c4", "owner": None}
    assert [error["path"] for error in errors] == [["items", 3, "owner", "name"]]


def test_an_error_below_a_non_null_object_field_reaches_its_parent():
    rows = [_row(i) for i in range(1, 8)]
    rows[2] = _replaced(rows[2], home=SimpleNamespace(name=None, town="x"))
    data, errors = _both("{ nullableItems { code home { name } } }", rows)
    assert data["nullableItems"][2] is None and data["nullableItems"][1]["home"] == {"name": "h2"}
    assert [error["path"] for error in errors] == [["nullableItems", 2, "home", "name"]]


def test_a_refused_object_field_is_refused_on_every_row():
    data, errors = _both("{ items { code hidden { name } } }", [_row(i) for i in range(1, 5)])
    assert [item["hidden"] for item in data["items"]] == [None] * 4
    assert [error["path"] for error in errors] == [["items", i, "hidden"] for i in range(4)]


def _replaced(row, **values):
    if isinstance(row, dict):
        return {**row, **values}
    return SimpleNamespace(**{**vars(row), **values})


class _NoteUnreadable(SimpleNamespace):
    @property
    def note(self):
        raise ValueError("the note cannot be read")


class _TownUnreadable(SimpleNamespace):
    @property
    def town(self):
        raise ValueError("the town cannot be read")


def test_a_field_whose_read_fails_fails_alone_as_graphql_core_says():
    rows = [_row(i) for i in range(1, 6)]
    second = {key: value for key, value in vars(rows[1]).items() if key != "note"}
    rows[1] = _NoteUnreadable(**second)
    rows[3] = _replaced(rows[3], owner=_TownUnreadable(name="o4"))
    data, errors = _both("{ nullableItems { code note owner { name town } } }", rows)
    assert data["nullableItems"][1]["code"] == "c2" and data["nullableItems"][1]["note"] is None
    assert data["nullableItems"][3]["owner"] == {"name": "o4", "town": None}
    assert [error["path"] for error in errors] == [
        ["nullableItems", 1, "note"],
        ["nullableItems", 3, "owner", "town"],
    ]
