"""KadoMutation: declared permission, one input, typed errors, rollback, masking.

The mutations here are test-only; they write an audit entry first so that a rollback
shows. They run through KadoGraphQLView in process (the schemas have no mutations yet).
"""

from __future__ import annotations

import json
import logging

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory

from kado_graphql.core.ids import decode_global_id
from kado_graphql.core.mutations import KadoMutation
from kado_graphql.core.types import PUBLIC, KadoObjectType
from kado_graphql.views import KadoGraphQLView
from kado_platform.accounts import policy
from kado_platform.accounts.policy import Perm
from kado_platform.accounts.roles import Role
from kado_platform.audit.models import AuditEntry
from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError

ACTION = "graphql-test.write"


class NoteType(KadoObjectType):
    class Meta:
        name = "Note"
        permission = Perm.REGION_READ

    text = graphene.String(required=True)


class NoteWrite(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = "Writes an audit entry, then does what `outcome` says."

    class Input:
        text = graphene.String(required=True)
        due_on = graphene.Date()
        outcome = graphene.String(required=True)
        worker_id = graphene.ID()

    note = graphene.Field(NoteType)

    @classmethod
    def perform(cls, root, info, *, text, outcome, due_on=None, worker_id=None):
        audit_record(action=ACTION, actor=info.context.user, changes={"text": text})
        if worker_id is not None:
            decode_global_id(info, worker_id, "Worker", field="worker_id")
        if outcome == "domain_error":
            raise DomainError(
                "too_late",
                "The due date %(day)s is past.",
                field="due_on",
                params={"day": "2020-01-01"},
            )
        if outcome == "validation_error":
            raise ValidationError(
                {
                    "text": [ValidationError("Too short.", code="min_length")],
                    "__all__": [ValidationError("Not today.", code="closed")],
                }
            )
        if outcome == "crash":
            raise RuntimeError("duplicate key value violates unique constraint secret_idx")
        if outcome == "drop_read":  # as if the write took the user's read permission away
            staff = policy.GRANTS[Role.REGION_STAFF]
            policy.GRANTS[Role.REGION_STAFF] = staff - {Perm.REGION_READ}
        return cls(note={"text": text})


class NoteApprove(KadoMutation):
    class Meta:
        permission = Perm.REGION_APPROVE

    class Input:
        text = graphene.String(required=True)

    ok = graphene.Boolean()

    @classmethod
    def perform(cls, root, info, *, text):
        audit_record(action=ACTION, actor=info.context.user)
        return cls(ok=True)


class PingType(KadoObjectType):
    class Meta:
        name = "Ping"
        permission = PUBLIC

    ok = graphene.Boolean()


class Query(graphene.ObjectType):
    ping = graphene.Field(PingType)


class Mutation(graphene.ObjectType):
    note_write = NoteWrite.Field()
    note_approve = NoteApprove.Field()


schema = graphene.Schema(query=Query, mutation=Mutation)

WRITE = """
mutation($input: NoteWriteInput!) {
  noteWrite(input: $input) { note { text } errors { field message code } }
}
"""


def run(query, *, region, user=None, variables=None):
    request = RequestFactory().post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_HOST=region.host,
    )
    request.user = user or AnonymousUser()
    request.tenant = region
    request._dont_enforce_csrf_checks = True
    connection.set_tenant(region)
    try:
        response = KadoGraphQLView.as_view(schema=schema)(request)
    finally:
        connection.set_schema_to_public()
    return response.status_code, json.loads(response.content)


def written() -> int:
    return AuditEntry.objects.filter(action=ACTION).count()


def write(fed, outcome, user="alpha_staff", **extra):
    return run(
        WRITE,
        region=fed.alpha,
        user=fed.user(user),
        variables={"input": {"text": "hello", "outcome": outcome, **extra}},
    )


def test_success_returns_the_payload_with_no_errors_and_keeps_the_write(fed):
    status, body = write(fed, "ok")
    assert status == 200
    assert body == {"data": {"noteWrite": {"note": {"text": "hello"}, "errors": []}}}
    assert written() == 1


def test_a_domain_error_is_a_typed_error_and_nothing_is_written(fed):
    status, body = write(fed, "domain_error")
    assert status == 200
    assert body["data"]["noteWrite"] == {
        "note": None,
        "errors": [
            {"field": "dueOn", "message": "The due date 2020-01-01 is past.", "code": "too_late"}
        ],
    }
    assert "errors" not in body
    assert written() == 0


def test_a_validation_error_lists_every_field(fed):
    status, body = write(fed, "validation_error")
    assert status == 200
    assert body["data"]["noteWrite"]["errors"] == [
        {"field": "text", "message": "Too short.", "code": "min_length"},
        {"field": None, "message": "Not today.", "code": "closed"},
    ]
    assert written() == 0


def test_another_regions_id_in_the_input_is_a_typed_not_found(fed):
    import base64

    beta_worker = base64.b64encode(b"Worker:beta:1").decode()
    _status, body = write(fed, "ok", workerId=beta_worker)
    assert "data" in body, body
    assert body["data"]["noteWrite"]["errors"] == [
        {"field": "workerId", "message": "見つかりません。", "code": "not_found"}
    ]
    _status, body = write(fed, "ok", workerId="not-an-id")
    assert body["data"]["noteWrite"]["errors"][0]["code"] == "bad_input"
    assert written() == 0


def test_an_unexpected_exception_is_masked_logged_and_rolled_back(fed, caplog):
    with caplog.at_level(logging.ERROR, logger="kado_graphql"):
        status, body = write(fed, "crash")
    assert status == 200
    assert body["data"] == {"noteWrite": None}
    assert body["errors"][0]["message"] == "Internal error"
    assert body["errors"][0]["extensions"] == {"code": "internal_error"}
    assert "secret_idx" not in json.dumps(body)
    assert any(record.exc_info and record.name == "kado_graphql" for record in caplog.records)
    assert written() == 0


@pytest.mark.parametrize(
    ("user", "mutation"),
    [(None, "noteWrite"), ("alpha_staff", "noteApprove"), ("beta_admin", "noteWrite")],
)
def test_permission_is_checked_before_anything_runs(fed, user, mutation):
    query = (
        'mutation { %s(input: {text: "x", outcome: "ok"}) { errors { code } } }'
        if mutation == "noteWrite"
        else 'mutation { %s(input: {text: "x"}) { errors { code } } }'
    ) % mutation
    status, body = run(query, region=fed.alpha, user=fed.user(user) if user else None)
    assert status == 200
    assert body["data"] == {mutation: None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["permission_denied"]
    assert written() == 0


def test_the_region_admin_may_approve(fed):
    _status, body = run(
        'mutation { noteApprove(input: {text: "x"}) { ok errors { code } } }',
        region=fed.alpha,
        user=fed.user("alpha_admin"),
    )
    assert body == {"data": {"noteApprove": {"ok": True, "errors": []}}}
    assert written() == 1


def test_one_mutation_per_request(fed):
    query = """mutation {
      a: noteWrite(input: {text: "a", outcome: "ok"}) { errors { code } }
      b: noteWrite(input: {text: "b", outcome: "domain_error"}) { errors { code } }
    }"""
    status, body = run(query, region=fed.alpha, user=fed.user("alpha_admin"))
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "too_many_mutations"
    assert written() == 0


def test_bad_input_types_are_400_and_write_nothing(fed):
    status, body = write(fed, "ok", dueOn="2023-02-30")
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "bad_input"
    status, body = run(
        'mutation { noteWrite(input: {text: 5, outcome: "ok"}) { errors { code } } }',
        region=fed.alpha,
        user=fed.user("alpha_admin"),
    )
    assert status == 400
    assert written() == 0


def test_the_schema_has_one_input_and_a_payload_with_errors():
    sdl = str(schema)
    assert "noteWrite(input: NoteWriteInput!): NoteWritePayload" in sdl
    assert "input NoteWriteInput {" in sdl
    assert "errors: [Error!]!" in sdl
    assert "type Error {" in sdl


def test_a_mutation_without_a_permission_cannot_be_declared():
    with pytest.raises(TypeError, match=r"must declare Meta\.permission"):

        class Forgotten(KadoMutation):
            class Input:
                text = graphene.String()

            @classmethod
            def perform(cls, root, info, **data):
                return cls()


def test_a_mutation_without_perform_or_with_arguments_cannot_be_declared():
    with pytest.raises(TypeError, match="perform"):

        class NoPerform(KadoMutation):
            class Meta:
                permission = Perm.REGION_WRITE

    with pytest.raises(TypeError, match="class Input"):

        class WithArguments(KadoMutation):
            class Meta:
                permission = Perm.REGION_WRITE

            class Arguments:
                text = graphene.String()

            @classmethod
            def perform(cls, root, info, **data):
                return cls()


def test_what_a_mutation_changes_is_decided_again_for_the_next_one(fed, monkeypatch, settings):
    settings.KADO_GRAPHQL_MAX_MUTATIONS = 2  # one per request unless a deployment says more
    monkeypatch.setattr(policy, "GRANTS", dict(policy.GRANTS))
    _status, body = run(
        """mutation {
          a: noteWrite(input: {text: "one", outcome: "ok"}) { note { text } }
          b: noteWrite(input: {text: "two", outcome: "drop_read"}) { note { text } }
        }""",
        region=fed.alpha,
        user=fed.user("alpha_staff"),
    )
    assert body["data"]["a"] == {"note": {"text": "one"}}
    # `b` was allowed to write, but its note needs a permission the write took away.
    assert body["data"]["b"] == {"note": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["b", "note"], "permission_denied")
    ]


def test_error_field_wildcards_must_match_when_declared():
    with pytest.raises(TypeError, match="same number of `\\*`"):

        class Mismatched(KadoMutation):
            class Meta:
                permission = Perm.REGION_WRITE
                error_fields = {"lines.*.order": "order_id"}

            @classmethod
            def perform(cls, root, info):
                return cls()
