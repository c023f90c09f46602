import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.types import SkillType
from kado_platform.accounts.policy import Perm
from kado_tenants.workforce.services import skill_create


class SkillCreate(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Add a skill to the region's list, so workers can be registered and searched "
            "with it; the code names it in inputs and filters and never changes."
        )

    class Input:
        """The code (letters, digits, - and _), the Japanese name and the English name."""

        code = graphene.String(required=True)
        name = graphene.String(required=True)
        name_en = graphene.String(required=True)

    skill = graphene.Field(SkillType)

    @classmethod
    def perform(cls, root, info, **skill):
        return cls(skill=skill_create(acting_user=info.context.user, **skill))
