"""Documents that passed validation are remembered: only passes, per schema and limits.

kado_graphql.core.validation remembers (by a digest of the text) the documents that passed
the first two validation passes, so that a client sending the same query again skips their
rules. These tests send the same text several times and check that nothing that was
refused becomes accepted: an invalid document is refused every time, a document valid on
one schema is still refused on the other, and tighter limits still refuse a document that
passed under looser ones.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from graphql import parse, validate
from kado_graphql.core.limits import current
from kado_graphql.core.validation import passed_documents, protection_rules, standard_rules
from kado_graphql.schema import hub_schema, region_schema
from kado_graphql.views import validation_rules

UNUSED_FRAGMENT = "query { regions { code } } fragment Unused on Region { name }"
UNKNOWN_FIELD = "query { regions { code nope } }"


@pytest.fixture
def hub_post(graphql_http, fed):
    def _post(query, variables=None):
        response = graphql_http(fed.hub, query, as_user="coordinator", variables=variables)
        return response.status_code, response.json()

    return _post


@pytest.mark.parametrize("query", [UNUSED_FRAGMENT, UNKNOWN_FIELD])
def test_an_invalid_document_is_refused_every_time(hub_post, query, codes):
    answers = [hub_post(query) for _ in range(3)]
    assert [status for status, _body in answers] == [400, 400, 400]
    assert all(codes(body) == ["graphql_validation_failed"] for _status, body in answers)
    assert answers[0][1] == answers[1][1] == answers[2][1]


def test_a_valid_document_answers_the_same_every_time(hub_post):
    query = "query { regions { code name } }"
    first = hub_post(query)
    assert first[0] == 200 and "errors" not in first[1]
    assert [hub_post(query) for _ in range(2)] == [first, first]


def test_a_remembered_document_with_fragments_runs_as_the_first_time(hub_post):
    query = """
        query Regions { regions { ...Names } }
        fragment Names on Region { code name }
    """
    first = hub_post(query)
    assert first[0] == 200 and first[1]["data"]["regions"], first
    assert all(set(region) == {"code", "name"} for region in first[1]["data"]["regions"])
    assert [hub_post(query) for _ in range(2)] == [first, first]


def test_a_document_valid_on_the_hub_is_still_refused_on_a_region(graphql_http, fed, codes):
    query = "query ($y: Int!) { report(fiscalYear: $y) { fiscalYear } }"
    hub = graphql_http(fed.hub, query, as_user="leader", variables={"y": 2024})
    assert hub.status_code == 200, hub.text
    for _ in range(2):
        region = graphql_http(fed.alpha, query, as_user="alpha_admin", variables={"y": 2024})
        assert region.status_code == 400
        assert codes(region.json()) == ["graphql_validation_failed"]


def test_tighter_limits_refuse_a_document_that_passed_under_looser_ones(fed, codes):
    query = "query { regions { code } }"
    cache.clear()
    client = Client(HTTP_HOST=fed.hub.host, HTTP_AUTHORIZATION=f"Bearer {fed.token('coordinator')}")

    def send():
        response = client.post("/graphql", {"query": query}, content_type="application/json")
        return response.status_code, response.json()

    status, body = send()
    assert status == 200, body
    with override_settings(KADO_GRAPHQL_MAX_DEPTH=1):
        status, body = send()
    assert status == 400
    assert codes(body) == ["query_too_deep"]
    assert send()[0] == 200


def test_only_documents_without_errors_are_remembered():
    schema = hub_schema.graphql_schema
    limits = current()
    passed_documents.clear()
    valid = parse("query { regions { code } }")
    invalid = parse(UNKNOWN_FIELD)
    assert validate(schema, valid, standard_rules()) == []
    assert len(validate(schema, invalid, standard_rules())) == 1
    assert validate(schema, valid, protection_rules(limits)) == []
    remembered = list(passed_documents._by_schema[schema])
    assert [key[0] for key in remembered] == [
        ("standard",),
        ("protection", limits, limits.introspection),
    ]
    # Remembered for the hub's schema only: the region schema still runs every rule.
    assert region_schema.graphql_schema not in passed_documents._by_schema
    # A remembered document passes again without errors, and an invalid one fails again.
    assert validate(schema, parse("query { regions { code } }"), standard_rules()) == []
    assert len(validate(schema, parse(UNKNOWN_FIELD), standard_rules())) == 1


def test_the_memory_is_bounded():
    schema = region_schema.graphql_schema
    passed_documents.clear()
    for number in range(passed_documents.size + 50):
        assert validate(schema, parse(f"query Q{number} {{ __typename }}"), standard_rules()) == []
    assert len(passed_documents._by_schema[schema]) == passed_documents.size


def test_the_variables_pass_runs_for_a_remembered_document(hub_post, codes):
    query = "query ($n: Int!) { orders(first: $n) { totalCount edges { node { id } } } }"
    assert hub_post(query, {"n": 5})[0] == 200
    assert hub_post(query, {"n": 5})[0] == 200  # remembered now
    status, body = hub_post(query, {"n": 101})
    assert status == 400 and codes(body) == ["bad_input"]
    assert body["errors"][0]["extensions"]["field"] == "first"


def test_every_rule_still_runs_in_one_list_after_a_pass_was_remembered():
    """`validation_rules()` (all passes in one `validate`, as graphene-django would run
    them) refuses a document even when one of its passes remembers that document."""
    schema = hub_schema.graphql_schema
    passed_documents.clear()
    aliases = " ".join(f"a{number}: __typename" for number in range(25))
    text = f"query {{ {aliases} }}"
    assert validate(schema, parse(text), standard_rules()) == []  # now remembered
    errors = validate(schema, parse(text), validation_rules())
    assert [error.extensions["code"] for error in errors] == ["too_many_aliases"]
