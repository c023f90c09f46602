"""The checked-in SDL files are the schemas' contract: the code may not drift from them.

After changing a type, field or argument, run `kado graphql schema` and commit
graphql/schema.hub.graphql and graphql/schema.region.graphql with the change.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from graphql import get_named_type, is_abstract_type, is_non_null_type, is_object_type
from kado_graphql.core import sdl
from kado_graphql.core.connections import KadoConnection
from kado_graphql.core.limits import MAX_PAGE
from kado_graphql.schema import hub_schema, region_schema

SCHEMAS = {"hub": hub_schema, "region": region_schema}


def test_the_schema_files_match_the_code():
    try:
        call_command("graphql", "schema", "--check")
    except CommandError as error:
        pytest.fail(
            f"{error}\nThe GraphQL schema in the code differs from the checked-in SDL. "
            "Run `kado graphql schema` and commit graphql/schema.*.graphql."
        )


def test_the_check_fails_on_drift_and_the_command_fixes_it(tmp_path, capsys):
    with pytest.raises(CommandError, match="kado graphql schema"):
        call_command("graphql", "schema", "--check", "--dir", str(tmp_path))
    call_command("graphql", "schema", "--dir", str(tmp_path))
    call_command("graphql", "schema", "--check", "--dir", str(tmp_path))
    region_file = tmp_path / "schema.region.graphql"
    region_file.write_text(region_file.read_text().replace("nameEn", "nameEnglish"))
    with pytest.raises(CommandError, match=r"schema\.region\.graphql"):
        call_command("graphql", "schema", "--check", "--dir", str(tmp_path))


def test_the_files_are_valid_sdl_of_each_endpoint():
    from graphql import build_schema

    for name, text in sdl.schema_files().items():
        built = build_schema(text)
        endpoint = name.split(".")[1]
        assert built.query_type.name == SCHEMAS[endpoint].graphql_schema.query_type.name


@pytest.mark.parametrize("endpoint", sorted(SCHEMAS))
def test_every_object_type_declares_its_permission(endpoint):
    from kado_graphql.core.permissions import _MISSING, _declared_permission

    schema = SCHEMAS[endpoint].graphql_schema
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    for graphql_type in schema.type_map.values():
        if not is_object_type(graphql_type) or graphql_type in roots:
            continue
        if graphql_type.name.startswith("__"):
            continue
        assert _declared_permission(graphql_type) not in (_MISSING, None), (
            f"{endpoint}: type {graphql_type.name} declares no permission"
        )
        assert not is_abstract_type(graphql_type)


@pytest.mark.parametrize("endpoint", sorted(SCHEMAS))
def test_every_connection_requires_a_capped_first_and_pages_forward_only(endpoint):
    schema = SCHEMAS[endpoint].graphql_schema
    for graphql_type in schema.type_map.values():
        if not is_object_type(graphql_type) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            named = get_named_type(field.type)
            graphene_type = getattr(named, "graphene_type", None)
            if not (isinstance(graphene_type, type) and issubclass(graphene_type, KadoConnection)):
                continue
            where = f"{endpoint}: {graphql_type.name}.{name}"
            assert "first" in field.args, where
            assert is_non_null_type(field.args["first"].type), f"{where}: first must be Int!"
            assert not {"last", "before"} & set(field.args), f"{where}: forward paging only"
    assert MAX_PAGE == 100
