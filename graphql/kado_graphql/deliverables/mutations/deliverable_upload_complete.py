import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.deliverables.lookups import deliverable_by_id
from kado_graphql.deliverables.types import DeliverableType
from kado_platform.accounts.policy import Perm
from kado_tenants.deliverables.services import deliverable_upload_complete


class DeliverableUploadComplete(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "After the POST: check what storage received (size, type) and mark the "
            "deliverable uploaded. Calling it again changes nothing."
        )

    class Input:
        """The deliverable, and optionally the SHA-256 of its bytes (hex)."""

        id = graphene.ID(required=True)
        sha256 = graphene.String()

    deliverable = graphene.Field(DeliverableType)

    @classmethod
    def perform(cls, root, info, *, id, sha256=""):  # noqa: A002
        deliverable = deliverable_upload_complete(
            deliverable=deliverable_by_id(info, id),
            acting_user=info.context.user,
            sha256=sha256 or "",
        )
        return cls(deliverable=deliverable)
