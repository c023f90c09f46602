"""Payouts on the region host, for region admins: statements, the Zengin export and the
Freelance Act records (3条通知, accommodation requests, ends of relationships)."""

from __future__ import annotations

import graphene

from kado_graphql.core.connections import KadoConnectionField
from kado_graphql.core.ids import decode_optional_global_id
from kado_graphql.payouts.lookups import statement_by_id
from kado_graphql.payouts.mutations import (
    AccommodationRequestRecord,
    CommissionNoticeIssue,
    PayoutStatementApprove,
    PayoutStatementsGenerate,
    RelationshipEndRecord,
    ZenginExport,
)
from kado_graphql.payouts.types import (
    AccommodationRequestConnection,
    AccommodationRequestFilter,
    PayoutStatementConnection,
    PayoutStatementFilter,
    PayoutStatementType,
    RelationshipEndConnection,
    RelationshipEndFilter,
)
from kado_graphql.region.enums import choice
from kado_tenants.payouts.selectors import (
    accommodation_request_list,
    payout_statement_list,
    relationship_end_list,
    statements_with_lines,
)


def _worker_filter(info, filter) -> int | None:  # noqa: A002
    return decode_optional_global_id(
        info, filter.get("worker_id"), "Worker", field="filter.workerId"
    )


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

    accommodation_requests = KadoConnectionField(
        AccommodationRequestConnection,
        filter=AccommodationRequestFilter(),
        description=(
            "Accommodation requests (Freelance Act art. 13), newest first; what was asked "
            "and the response need the sensitive permission (region admins)."
        ),
    )
    relationship_ends = KadoConnectionField(
        RelationshipEndConnection,
        filter=RelationshipEndFilter(),
        description=(
            "Notices ending a relationship (Freelance Act art. 16), newest notice first "
            "(region admins)."
        ),
    )

    def resolve_payout_statements(root, info, filter=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        return statements_with_lines(
            payout_statement_list(
                month=filter.get("month"),
                status=choice(filter["status"]) if filter.get("status") else None,
                worker=_worker_filter(info, filter),
            )
        )

    def resolve_payout_statement(root, info, id):  # noqa: A002
        return statement_by_id(info, id)

    def resolve_accommodation_requests(root, info, filter=None):  # noqa: A002
        return accommodation_request_list(
            worker=_worker_filter(info, filter or {}),
            open_only=bool(filter and filter.get("awaiting_response")),
        )

    def resolve_relationship_ends(root, info, filter=None):  # noqa: A002
        return relationship_end_list(worker=_worker_filter(info, filter or {}))


class PayoutMutations(graphene.ObjectType):
    payout_statements_generate = PayoutStatementsGenerate.Field()
    payout_statement_approve = PayoutStatementApprove.Field()
    zengin_export = ZenginExport.Field()
    commission_notice_issue = CommissionNoticeIssue.Field()
    accommodation_request_record = AccommodationRequestRecord.Field()
    relationship_end_record = RelationshipEndRecord.Field()
