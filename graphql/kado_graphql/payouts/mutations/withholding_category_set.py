import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import PayoutCategoryEnum, WithholdingCategoryType
from kado_graphql.region.enums import choice
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import withholding_category_set


class WithholdingCategorySet(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Say whether pay for a category of work has income tax withheld (所得税法 第204条); "
            "it applies to every worker's statements drafted from then on."
        )

    class Input:
        """The category of work, whether it withholds, and the legal basis."""

        category = PayoutCategoryEnum(required=True)
        withholds = graphene.Boolean(required=True)
        note = graphene.String(description="The legal basis, e.g. 所得税法第204条第1項第1号.")

    withholding_category = graphene.Field(WithholdingCategoryType)

    @classmethod
    def perform(cls, root, info, *, category, withholds, note=None):
        row = withholding_category_set(
            category=choice(category),
            withholds=withholds,
            note=note or "",
            acting_user=info.context.user,
        )
        return cls(withholding_category=row)
