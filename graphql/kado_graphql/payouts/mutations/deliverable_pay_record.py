import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.core.scalars import Yen
from kado_graphql.payouts.types import DeliverablePayType
from kado_graphql.region.lookups import assignment_by_id
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import deliverable_pay_record


class DeliverablePayRecord(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Record pay for deliverables received on a per-deliverable assignment; the "
            "month's statements pay it (hourly work is paid from approved work logs)."
        )
        error_fields = {"assignment": "assignment_id"}

    class Input:
        """The assignment, what was received, how many, at what unit price, and when."""

        assignment_id = graphene.ID(required=True)
        description = graphene.String(required=True)
        quantity = graphene.Int(required=True)
        unit_price = Yen(required=True, description="Yen per unit.")
        received_on = graphene.Date(required=True)

    deliverable_pay = graphene.Field(DeliverablePayType)

    @classmethod
    def perform(cls, root, info, *, assignment_id, **pay):
        recorded = deliverable_pay_record(
            assignment=assignment_by_id(info, assignment_id, field="assignment_id"),
            acting_user=info.context.user,
            **pay,
        )
        return cls(deliverable_pay=recorded)
