import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import ConstraintReasonEnum
from kado_graphql.region.mutations.common import (
    AvailabilityWindowInput,
    require_sensitive,
    sensitive_values,
    text_or_empty,
    window_tuples,
)
from kado_graphql.region.types import WorkerType
from kado_platform.accounts.policy import Perm
from kado_tenants.workforce.services import worker_create


class WorkerCreate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = (
            "Register a worker; they start as APPLICANT. Setting constraintReason or "
            "constraintNote needs region-admin rights (sensitive personal data)."
        )

    class Input:
        """A new worker."""

        name = graphene.String(required=True)
        name_kana = graphene.String(required=True, description="In katakana or hiragana.")
        hourly_rate = graphene.Int(required=True, description="Yen per hour.")
        joined_on = graphene.Date(required=True)
        email = graphene.String()
        phone = graphene.String()
        skill_codes = graphene.List(graphene.NonNull(graphene.String))
        invoice_registration_number = graphene.String()
        availability = graphene.List(graphene.NonNull(AvailabilityWindowInput))
        constraint_reason = ConstraintReasonEnum()
        constraint_note = graphene.String()

    worker = graphene.Field(WorkerType)

    @classmethod
    def perform(cls, root, info, **data):
        require_sensitive(info, data)
        worker = worker_create(
            name=data["name"],
            name_kana=data["name_kana"],
            hourly_rate=data["hourly_rate"],
            joined_on=data["joined_on"],
            skill_codes=data.get("skill_codes") or (),
            availability=window_tuples(data.get("availability")),
            **text_or_empty(data, "email", "phone", "invoice_registration_number"),
            **sensitive_values(data),
            acting_user=info.context.user,
        )
        return cls(worker=worker)
