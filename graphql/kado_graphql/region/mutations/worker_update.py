import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import ConstraintReasonEnum
from kado_graphql.region.lookups import worker_by_id
from kado_graphql.region.mutations.common import require_sensitive, sensitive_values, text_or_empty
from kado_graphql.region.types import WorkerType
from kado_platform.accounts.policy import Perm
from kado_tenants.workforce.services import worker_update

PLAIN_FIELDS = ("name", "name_kana", "hourly_rate", "joined_on")


class WorkerUpdate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Change a worker's details: only the fields given change (null empties an "
            "optional text). The status changes through workerChangeStatus. Setting "
            "constraintReason or constraintNote needs region-admin rights."
        )

    class Input:
        """The worker and the fields to change."""

        id = graphene.ID(required=True)
        name = graphene.String()
        name_kana = graphene.String()
        hourly_rate = graphene.Int(description="Yen per hour.")
        joined_on = graphene.Date()
        email = graphene.String()
        phone = graphene.String()
        skill_codes = graphene.List(
            graphene.NonNull(graphene.String), description="The whole set; [] removes all."
        )
        invoice_registration_number = graphene.String()
        constraint_reason = ConstraintReasonEnum(description="null clears it.")
        constraint_note = graphene.String(description="null clears it.")

    worker = graphene.Field(WorkerType)

    @classmethod
    def perform(cls, root, info, *, id, **data):  # noqa: A002
        require_sensitive(info, data)
        worker = worker_by_id(info, id)
        changes = {field: data[field] for field in PLAIN_FIELDS if field in data}
        if data.get("skill_codes") is not None:
            changes["skill_codes"] = data["skill_codes"]
        changes.update(text_or_empty(data, "email", "phone", "invoice_registration_number"))
        changes.update(sensitive_values(data))
        worker = worker_update(worker=worker, acting_user=info.context.user, **changes)
        return cls(worker=worker)
