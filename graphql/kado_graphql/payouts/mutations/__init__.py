from kado_graphql.payouts.mutations.accommodation_request_record import (
    AccommodationRequestRecord,
)
from kado_graphql.payouts.mutations.accommodation_request_respond import (
    AccommodationRequestRespond,
)
from kado_graphql.payouts.mutations.bank_account_set import BankAccountSet
from kado_graphql.payouts.mutations.commission_notice_issue import CommissionNoticeIssue
from kado_graphql.payouts.mutations.deliverable_pay_record import DeliverablePayRecord
from kado_graphql.payouts.mutations.payout_settings_update import PayoutSettingsUpdate
from kado_graphql.payouts.mutations.payout_statement_approve import PayoutStatementApprove
from kado_graphql.payouts.mutations.payout_statements_generate import PayoutStatementsGenerate
from kado_graphql.payouts.mutations.relationship_end_record import RelationshipEndRecord
from kado_graphql.payouts.mutations.withholding_category_set import WithholdingCategorySet
from kado_graphql.payouts.mutations.zengin_export import ZenginExport

__all__ = [
    "AccommodationRequestRecord",
    "AccommodationRequestRespond",
    "BankAccountSet",
    "CommissionNoticeIssue",
    "DeliverablePayRecord",
    "PayoutSettingsUpdate",
    "PayoutStatementApprove",
    "PayoutStatementsGenerate",
    "RelationshipEndRecord",
    "WithholdingCategorySet",
    "ZenginExport",
]
