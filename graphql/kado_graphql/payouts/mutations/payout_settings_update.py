import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import AccountTypeEnum, PayoutSettingsType, RecordSeparatorEnum
from kado_graphql.region.enums import choice
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import payout_settings_update

ENUM_FIELDS = ("account_type", "record_separator")


class PayoutSettingsUpdate(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Change the region's remitter details (委託者: what a Zengin file needs), payment "
            "rule or file options; fields left out stay as they are."
        )

    class Input:
        """The settings to change; an empty string clears a text."""

        principal_name = graphene.String()
        remitter_code = graphene.String(description="振込依頼人コード, 10 digits.")
        remitter_name_kana = graphene.String(description="Kana; converted to half-width.")
        bank_code = graphene.String(description="4 digits, in the Zengin bank master.")
        branch_code = graphene.String(description="3 digits, in the Zengin bank master.")
        account_type = AccountTypeEnum()
        account_number = graphene.String(description="Up to 7 digits (zero-padded).")
        record_separator = RecordSeparatorEnum()
        payment_month_offset = graphene.Int(description="0 (same month) or 1 (next month).")
        payment_day = graphene.Int(description="1…31; 31 means the month's last day.")
        payment_method = graphene.String()

    settings = graphene.Field(PayoutSettingsType)

    @classmethod
    def perform(cls, root, info, **changes):
        changes = {field: value for field, value in changes.items() if value is not None}
        for field in ENUM_FIELDS:
            if field in changes:
                changes[field] = choice(changes[field])
        settings = payout_settings_update(acting_user=info.context.user, **changes)
        return cls(settings=settings)
