import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.payouts.types import AccountTypeEnum, BankAccountType
from kado_graphql.region.enums import choice
from kado_graphql.region.lookups import worker_by_id
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.choices import AccountType
from kado_tenants.payouts.services import bank_account_set


class BankAccountSet(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "Record (or replace) where a worker is paid; the bank and branch must be in the "
            "Zengin bank master."
        )
        error_fields = {"worker": "worker_id"}

    class Input:
        """The worker and the account."""

        worker_id = graphene.ID(required=True)
        bank_code = graphene.String(required=True, description="4 digits.")
        branch_code = graphene.String(required=True, description="3 digits.")
        account_type = AccountTypeEnum(description="Default ORDINARY (普通).")
        account_number = graphene.String(required=True, description="Up to 7 digits.")
        holder_kana = graphene.String(
            required=True, description="口座名義 in kana; converted to half-width."
        )

    bank_account = graphene.Field(BankAccountType)

    @classmethod
    def perform(cls, root, info, *, worker_id, account_type=None, **account):
        bank_account = bank_account_set(
            worker=worker_by_id(info, worker_id, field="worker_id"),
            account_type=choice(account_type) if account_type else AccountType.ORDINARY,
            acting_user=info.context.user,
            **account,
        )
        return cls(bank_account=bank_account)
