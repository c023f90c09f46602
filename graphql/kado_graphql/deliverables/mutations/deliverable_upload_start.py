import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.deliverables.lookups import order_by_id
from kado_graphql.deliverables.types import DeliverableType, PresignedPostType
from kado_platform.accounts.policy import Perm
from kado_tenants.deliverables.services import deliverable_upload_start


class DeliverableUploadStart(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Declare a file for an order and get a presigned POST for its bytes. A name, type "
            "or size that is not accepted is refused here, before anything reaches storage."
        )
        error_fields = {"order": "order_id"}

    class Input:
        """The order, and the file's name, content type and exact size in bytes."""

        order_id = graphene.ID(required=True)
        filename = graphene.String(required=True)
        content_type = graphene.String(required=True)
        size = graphene.BigInt(required=True)

    deliverable = graphene.Field(DeliverableType)
    upload = graphene.Field(PresignedPostType)

    @classmethod
    def perform(cls, root, info, *, order_id, filename, content_type, size):
        deliverable, post = deliverable_upload_start(
            order=order_by_id(info, order_id),
            filename=filename,
            content_type=content_type,
            size=size,
            acting_user=info.context.user,
        )
        return cls(deliverable=deliverable, upload=post)
