"""The region host's deliverables: the files of an order, and their upload."""

from __future__ import annotations

import graphene

from kado_graphql.deliverables.lookups import order_by_id
from kado_graphql.deliverables.mutations import DeliverableUploadComplete, DeliverableUploadStart
from kado_graphql.deliverables.types import DeliverableType
from kado_tenants.deliverables.selectors import deliverable_list


class DeliverableQueries(graphene.ObjectType):
    deliverables = graphene.List(
        graphene.NonNull(DeliverableType),
        required=True,
        order_id=graphene.ID(required=True),
        description="The files of one order, newest first (pending uploads included).",
    )

    def resolve_deliverables(root, info, order_id):
        return deliverable_list(order=order_by_id(info, order_id, field="orderId"))


class DeliverableMutations(graphene.ObjectType):
    deliverable_upload_start = DeliverableUploadStart.Field()
    deliverable_upload_complete = DeliverableUploadComplete.Field()
