from kado_graphql.payouts.mutations.accommodation_request_record import (
    AccommodationRequestRecord,
)
from kado_graphql.payouts.mutations.commission_notice_issue import CommissionNoticeIssue
from kado_graphql.payouts.mutations.payout_statement_approve import PayoutStatementApprove
from kado_graphql.payouts.mutations.payout_statements_generate import PayoutStatementsGenerate
from kado_graphql.payouts.mutations.relationship_end_record import RelationshipEndRecord
from kado_graphql.payouts.mutations.zengin_export import ZenginExport

__all__ = [
    "AccommodationRequestRecord",
    "CommissionNoticeIssue",
    "PayoutStatementApprove",
    "PayoutStatementsGenerate",
    "RelationshipEndRecord",
    "ZenginExport",
]
