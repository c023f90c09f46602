import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.core.scalars import Yen
from kado_graphql.region.lookups import order_by_id, worker_by_id
from kado_graphql.region.mutations.common import today
from kado_graphql.region.types import AssignmentType
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.selectors import assignment_get
from kado_tenants.orders.services import assignment_create


class AssignmentCreate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Place an ACTIVE worker on a RECEIVED or IN_PROGRESS order, once. From 2024-11-01 "
            "this commissions the work under the Freelance Act: the terms notice (3条通知) is "
            "issued in the same transaction, and work cannot be logged without it."
        )
        error_fields = {"order": "order_id", "worker": "worker_id"}

    class Input:
        """The order, the worker and the day."""

        order_id = graphene.ID(required=True)
        worker_id = graphene.ID(required=True)
        assigned_on = graphene.Date(description="Default: today (JST).")
        agreed_amount = Yen(
            description=(
                "The fee agreed with the worker for PER_DELIVERABLE work (required from "
                "2024-11-01); must be absent for HOURLY work, which is paid at the worker's rate."
            )
        )

    assignment = graphene.Field(AssignmentType)

    @classmethod
    def perform(cls, root, info, *, order_id, worker_id, assigned_on=None, agreed_amount=None):
        assignment = assignment_create(
            order=order_by_id(info, order_id, field="order_id", with_assignments=False),
            worker=worker_by_id(info, worker_id, field="worker_id"),
            assigned_on=assigned_on or today(),
            agreed_amount=agreed_amount,
            acting_user=info.context.user,
        )
        return cls(assignment=assignment_get(pk=assignment.pk))
