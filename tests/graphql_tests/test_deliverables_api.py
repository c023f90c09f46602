"""Deliverables on the region host's /graphql, with the local store (no bucket configured):
start an upload, send the bytes to the signed upload endpoint, complete it, list the
order's files and download through the permission-checked view. Another region's IDs
and URLs answer not found."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

START = """mutation ($input: DeliverableUploadStartInput!) {
  deliverableUploadStart(input: $input) {
    errors { field message code }
    deliverable { id orderId filename contentType size status }
    upload { url fields { name value } expiresAt }
  }
}"""
COMPLETE = """mutation ($input: DeliverableUploadCompleteInput!) {
  deliverableUploadComplete(input: $input) {
    errors { field message code }
    deliverable { id status sha256 downloadUrl }
  }
}"""
LIST = """query ($orderId: ID!) {
  deliverables(orderId: $orderId) { id filename size status downloadUrl }
}"""


@pytest.fixture(autouse=True)
def local_store(settings, tmp_path):
    settings.KADO_S3_BUCKET = ""
    settings.KADO_DELIVERABLES_ROOT = tmp_path / "deliverables"
    return settings.KADO_DELIVERABLES_ROOT


@pytest.fixture
def gql(web, fed):
    def _run(query, variables=None, *, user="alpha_admin", region=None):
        client = web(region or fed.alpha, fed.user(user) if user else None)
        response = client.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        connection.set_schema_to_public()
        return response.json()

    return _run


@pytest.fixture
def seed_order_id(in_region, gid):
    """`seed_order_id(region)` → the global ID of the region's seed order 2023-0001."""
    from kado_tenants.orders.selectors import order_get_by_reference

    def _order_id(region):
        with in_region(region):
            return gid("Order", region.code, order_get_by_reference(reference="2023-0001").pk)

    return _order_id


def _start(gql, order_id, *, region=None, user="alpha_admin", **changes):
    data = {
        "orderId": order_id,
        "filename": "annotations.json",
        "contentType": "application/json",
        "size": 17,
        **changes,
    }
    return gql(START, {"input": data}, region=region, user=user)["data"]["deliverableUploadStart"]


def _upload(web, fed, region, user, upload, payload: bytes):
    fields = {field["name"]: field["value"] for field in upload["fields"]}
    client = web(region, fed.user(user))
    response = client.post(
        upload["url"].split(region.host, 1)[1],
        {**fields, "file": SimpleUploadedFile("annotations.json", payload)},
    )
    connection.set_schema_to_public()
    return response


def test_upload_complete_list_and_download(fed, gql, web, local_store, seed_order_id):
    order_id = seed_order_id(fed.alpha)
    payload = b'{"labels": [1,2]}'
    started = _start(gql, order_id, size=len(payload))
    assert started["errors"] == []
    assert started["deliverable"]["status"] == "PENDING"
    assert started["deliverable"]["orderId"] == order_id
    upload = started["upload"]
    assert upload["url"] == f"http://{fed.alpha.host}/deliverables/upload"
    assert _upload(web, fed, fed.alpha, "alpha_staff", upload, payload).status_code == 204
    key = next(f["value"] for f in upload["fields"] if f["name"] == "key")
    assert key.startswith("alpha/orders/") and (local_store / key).read_bytes() == payload

    done = gql(COMPLETE, {"input": {"id": started["deliverable"]["id"]}})
    done = done["data"]["deliverableUploadComplete"]
    assert done["errors"] == [] and done["deliverable"]["status"] == "UPLOADED"

    listed = gql(LIST, {"orderId": order_id}, user="alpha_staff")["data"]["deliverables"]
    assert [item["filename"] for item in listed] == ["annotations.json"]
    url = listed[0]["downloadUrl"]
    assert url.startswith(f"http://{fed.alpha.host}/deliverables/download/")
    path = url.split(fed.alpha.host, 1)[1]
    response = web(fed.alpha, fed.user("alpha_staff")).get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == payload
    assert "attachment" in response["Content-Disposition"]
    # The same link is refused without a permission on the host, and on another host.
    assert web(fed.alpha).get(path).status_code == 403
    assert web(fed.alpha, fed.user("beta_admin")).get(path).status_code == 403
    assert web(fed.beta, fed.user("beta_admin")).get(path).status_code == 404
    connection.set_schema_to_public()


def test_refused_types_and_sizes_are_typed_errors_and_write_nothing(fed, gql, seed_order_id):
    order_id = seed_order_id(fed.alpha)
    cases = [
        ({"filename": "x.html", "contentType": "text/html"}, "filename", "file_type_refused"),
        ({"contentType": "text/html"}, "contentType", "content_type_refused"),
        ({"size": 5 * 1024**3 + 1}, "size", "file_too_large"),
    ]
    for changes, field, code in cases:
        started = _start(gql, order_id, **changes)
        assert started["errors"] == [
            {"field": field, "message": started["errors"][0]["message"], "code": code}
        ]
        assert started["deliverable"] is None and started["upload"] is None
    listed = gql(LIST, {"orderId": order_id})["data"]["deliverables"]
    assert listed == []


def test_an_upload_that_does_not_match_its_policy_is_refused(fed, gql, web, seed_order_id):
    order_id = seed_order_id(fed.alpha)
    upload = _start(gql, order_id, size=17)["upload"]
    assert _upload(web, fed, fed.alpha, "alpha_admin", upload, b"x" * 18).status_code == 403
    # beta's user on beta's host cannot use alpha's upload policy either.
    fields = {f["name"]: f["value"] for f in upload["fields"]}
    response = web(fed.beta, fed.user("beta_admin")).post(
        "/deliverables/upload", {**fields, "file": SimpleUploadedFile("a.json", b"x" * 17)}
    )
    assert response.status_code == 403
    connection.set_schema_to_public()
    done = gql(COMPLETE, {"input": {"id": _start(gql, order_id)["deliverable"]["id"]}})
    assert done["data"]["deliverableUploadComplete"]["errors"][0]["code"] == "upload_missing"


def test_another_regions_deliverable_is_not_found(fed, gql, same_pk, gid, seed_order_id):
    from kado_tenants.deliverables.models import Deliverable

    same_pk(Deliverable, fed.alpha, fed.beta)
    beta_started = _start(gql, seed_order_id(fed.beta), region=fed.beta, user="beta_admin")
    beta_id = beta_started["deliverable"]["id"]
    pk = int(base64.b64decode(beta_id).decode().rsplit(":", 1)[1])
    # The same pk exists in alpha too; beta's ID on alpha's host is still not found.
    alpha_started = _start(gql, seed_order_id(fed.alpha))
    assert alpha_started["deliverable"]["id"] == gid("Deliverable", "alpha", pk)
    refused = gql(COMPLETE, {"input": {"id": beta_id}})["data"]["deliverableUploadComplete"]
    assert refused["errors"][0]["code"] == "not_found"
    beta_order = seed_order_id(fed.beta)
    listed = gql(LIST, {"orderId": beta_order})
    assert listed["errors"][0]["extensions"]["code"] == "not_found"


def test_staff_reads_but_only_writers_upload_and_other_roles_see_nothing(fed, gql, seed_order_id):
    order_id = seed_order_id(fed.alpha)
    assert _start(gql, order_id, user="alpha_staff")["errors"] == []
    denied = gql(START, {"input": {"orderId": order_id, "filename": "a.csv",
                                    "contentType": "text/csv", "size": 3}}, user="coordinator")  # fmt: skip
    assert denied["errors"][0]["extensions"]["code"] == "permission_denied"
    listed = gql(LIST, {"orderId": order_id}, user=None)
    assert listed["errors"][0]["extensions"]["code"] == "permission_denied"
