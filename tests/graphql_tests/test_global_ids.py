"""Global IDs name their region: `base64("Type:<region>:<pk>")`.

Primary keys collide between regions on purpose (see conftest): the same pk renders
two different IDs on the two hosts, and an ID of one region is `not_found` on another.
"""

from __future__ import annotations

import base64
import json

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory

from kado_graphql.core.ids import (
    GlobalId,
    GlobalIDField,
    decode_global_id,
    parse_global_id,
    resolve_global_id,
    to_global_id,
)
from kado_graphql.core.types import PUBLIC, KadoObjectType
from kado_graphql.views import KadoGraphQLView


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class ThingType(KadoObjectType):
    class Meta:
        name = "Thing"
        permission = PUBLIC

    id = GlobalIDField()


class FoundType(KadoObjectType):
    class Meta:
        name = "Found"
        permission = PUBLIC

    region = graphene.String(required=True)
    pk = graphene.Int(required=True)


class Query(graphene.ObjectType):
    thing = graphene.Field(ThingType)
    find = graphene.Field(FoundType, id=graphene.ID(required=True))

    def resolve_thing(root, info):
        return type("Row", (), {"pk": 7})()

    def resolve_find(root, info, id):  # noqa: A002
        if info.context.tenant.is_federation:
            found = resolve_global_id(info, id, ("Thing", "Order"), field="id")
            return {"region": found.region, "pk": found.pk}
        return {
            "region": info.context.tenant.code,
            "pk": decode_global_id(info, id, "Thing", field="id"),
        }


schema = graphene.Schema(query=Query)


def run(query, *, region, variables=None):
    request = RequestFactory().post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_HOST=region.host,
    )
    request.user = AnonymousUser()
    request.tenant = region
    request._dont_enforce_csrf_checks = True
    connection.set_tenant(region)
    try:
        response = KadoGraphQLView.as_view(schema=schema)(request)
    finally:
        connection.set_schema_to_public()
    return response.status_code, json.loads(response.content)


FIND = "query($id: ID!) { find(id: $id) { region pk } }"


def test_round_trip():
    value = to_global_id("Order", "alpha", 42)
    assert base64.b64decode(value) == b"Order:alpha:42"
    assert parse_global_id(value) == GlobalId("Order", "alpha", 42)
    assert parse_global_id(value).key == ("alpha", 42)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "nope",
        "!!!!",
        b64("Order:alpha"),
        b64("Order:alpha:0"),
        b64("Order:alpha:-3"),
        b64("Order:alpha:1.5"),
        b64("Order:alpha:١٢"),
        b64("Order:alpha:99999999999999999999"),
        b64("Order:Alpha:1"),
        b64("Order:alpha:1:2"),
        b64("Or der:alpha:1"),
        b64("Order:../public:1"),
        "A" * 1000,
        base64.b64encode(b"\xff\xfe:alpha:1").decode(),
    ],
)
def test_malformed_ids_are_bad_input(fed, value):
    status, body = run(FIND, region=fed.alpha, variables={"id": value})
    assert status == 200
    assert body["data"] == {"find": None}
    assert body["errors"][0]["extensions"] == {"code": "bad_input", "field": "id"}
    assert body["errors"][0]["message"] == "有効な ID ではありません。"


def test_the_same_pk_is_two_ids_in_two_regions(fed):
    alpha = run("{ thing { id } }", region=fed.alpha)[1]["data"]["thing"]["id"]
    beta = run("{ thing { id } }", region=fed.beta)[1]["data"]["thing"]["id"]
    assert base64.b64decode(alpha) == b"Thing:alpha:7"
    assert base64.b64decode(beta) == b"Thing:beta:7"


def test_an_id_of_the_requests_region_is_decoded(fed):
    status, body = run(FIND, region=fed.alpha, variables={"id": b64("Thing:alpha:7")})
    assert status == 200
    assert body == {"data": {"find": {"region": "alpha", "pk": 7}}}


def test_another_regions_id_is_not_found_and_never_resolved(fed):
    status, body = run(FIND, region=fed.alpha, variables={"id": b64("Thing:beta:7")})
    assert status == 200
    assert body["data"] == {"find": None}
    assert body["errors"][0]["extensions"]["code"] == "not_found"
    assert "beta" not in json.dumps(body)


def test_an_id_of_another_type_is_bad_input(fed):
    _status, body = run(FIND, region=fed.alpha, variables={"id": b64("Order:alpha:7")})
    assert body["errors"][0]["extensions"]["code"] == "bad_input"
    assert body["errors"][0]["message"] == "Thing の ID を指定してください。"


def test_the_hub_accepts_any_region_and_says_which(fed):
    _status, body = run(FIND, region=fed.hub, variables={"id": b64("Order:beta:3")})
    assert body == {"data": {"find": {"region": "beta", "pk": 3}}}


def test_ids_that_cannot_be_made_are_refused():
    with pytest.raises(ValueError):
        to_global_id("Order", "Alpha City", 1)
    with pytest.raises(ValueError):
        to_global_id("Or:der", "alpha", 1)
