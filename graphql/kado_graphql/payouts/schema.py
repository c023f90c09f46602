"""Payouts on the region host, for region admins: statements, the Zengin export and the
Freelance Act records (3条通知, accommodation requests)."""

from __future__ import annotations

import graphene

from kado_graphql.core.connections import KadoConnectionField
from kado_graphql.core.ids import decode_global_id
from kado_graphql.payouts.lookups import statement_by_id
from kado_graphql.payouts.mutations import (
    AccommodationRequestRecord,
    CommissionNoticeIssue,
    PayoutStatementApprove,
    PayoutStatementsGenerate,
    ZenginExport,
)
from kado_graphql.payouts.types import (
    PayoutStatementConnection,
    PayoutStatementFilter,
    PayoutStatementType,
)
from kado_graphql.region.enums import choice
from kado_tenants.payouts.selectors import payout_statement_list, statements_with_lines


class PayoutQueries(graphene.ObjectType):
    payout_statements = KadoConnectionField(
        PayoutStatementConnection,
        filter=PayoutStatementFilter(),
        description="Payout statements, newest month first (region admins).",
    )
    payout_statement = graphene.Field(
        PayoutStatementType,
        id=graphene.ID(required=True),
        description="One payout statement with its lines (region admins).",
    )

    def resolve_payout_statements(root, info, filter=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        worker = None
        if filter.get("worker_id"):
            worker = decode_global_id(info, filter["worker_id"], "Worker", field="filter.workerId")
        return statements_with_lines(
            payout_statement_list(
                month=filter.get("month"),
                status=choice(filter["status"]) if filter.get("status") else None,
                worker=worker,
            )
        )

    def resolve_payout_statement(root, info, id):  # noqa: A002
        return statement_by_id(info, id)


class PayoutMutations(graphene.ObjectType):
    payout_statements_generate = PayoutStatementsGenerate.Field()
    payout_statement_approve = PayoutStatementApprove.Field()
    zengin_export = ZenginExport.Field()
    commission_notice_issue = CommissionNoticeIssue.Field()
    accommodation_request_record = AccommodationRequestRecord.Field()
