"""Deliverables of an order and the presigned upload that carries a file's bytes."""

from __future__ import annotations

import graphene
from django.utils import translation

from kado_graphql.core.ids import GlobalIDField, to_global_id
from kado_graphql.core.types import KadoObjectType
from kado_platform.accounts.policy import Perm
from kado_tenants.deliverables.choices import DeliverableStatus
from kado_tenants.deliverables.services import deliverable_download_url


def _describe(value):
    if value is None:
        return "PENDING until the upload is completed, then UPLOADED."
    with translation.override("en"):
        return str(value.label)


DeliverableStatusEnum = graphene.Enum.from_enum(
    DeliverableStatus, name="DeliverableStatus", description=_describe
)


class DeliverableType(KadoObjectType):
    class Meta:
        name = "Deliverable"
        permission = Perm.REGION_READ
        description = "A file handed over for an order (納品物), kept encrypted in storage."

    id = GlobalIDField()
    order_id = graphene.ID(required=True, description="The order's global ID.")
    filename = graphene.String(required=True, description="The name it was uploaded with.")
    content_type = graphene.String(required=True)
    size = graphene.BigInt(required=True, description="Bytes.")
    status = graphene.Field(DeliverableStatusEnum, required=True)
    sha256 = graphene.String(description="The uploader's SHA-256 of the bytes, if given.")
    created_at = graphene.DateTime(required=True)
    uploaded_at = graphene.DateTime()
    download_url = graphene.String(
        description="A download link valid for a few minutes (null until uploaded). "
        "Each one is signed after the caller's permission is checked, and audited."
    )

    def resolve_order_id(deliverable, info):
        return to_global_id("Order", info.context.tenant.code, deliverable.order_id)

    def resolve_status(deliverable, info):
        return DeliverableStatus(deliverable.status)

    def resolve_sha256(deliverable, info):
        return deliverable.sha256 or None

    def resolve_download_url(deliverable, info):
        if not deliverable.is_uploaded:
            return None
        url = deliverable_download_url(deliverable=deliverable, acting_user=info.context.user)
        return url if url.startswith("http") else info.context.build_absolute_uri(url)


class UploadFieldType(KadoObjectType):
    class Meta:
        name = "UploadField"
        permission = Perm.REGION_WRITE
        description = "One form field to send, as is, with the file."

    name = graphene.String(required=True)
    value = graphene.String(required=True)


class PresignedPostType(KadoObjectType):
    class Meta:
        name = "PresignedPost"
        permission = Perm.REGION_WRITE
        description = (
            "POST multipart/form-data to `url` with every field below, then the file as the "
            "last field named `file`. The storage refuses another key, size or type."
        )

    url = graphene.String(required=True)
    fields = graphene.List(graphene.NonNull(UploadFieldType), required=True)
    expires_at = graphene.DateTime(required=True)

    def resolve_url(post, info):
        return (
            post.url if post.url.startswith("http") else info.context.build_absolute_uri(post.url)
        )

    def resolve_fields(post, info):
        return [UploadFieldType(name=name, value=value) for name, value in post.fields.items()]
