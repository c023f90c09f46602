"""Payouts on the region host, for region admins: statements, the Zengin export, the
Freelance Act records (3条通知, accommodation requests, ends of relationships) and what a
region sets up to pay: its payout settings, workers' bank accounts, withholding by category."""

from __future__ import annotations

import graphene

from kado_graphql.core.connections import KadoConnectionField
from kado_graphql.core.ids import decode_optional_global_id
from kado_graphql.payouts.lookups import statement_by_id
from kado_graphql.payouts.mutations import (
    AccommodationRequestRecord,
    AccommodationRequestRespond,
    BankAccountSet,
    CommissionNoticeIssue,
    DeliverablePayRecord,
    PayoutSettingsUpdate,
    PayoutStatementApprove,
    PayoutStatementsGenerate,
    RelationshipEndRecord,
    WithholdingCategorySet,
    ZenginExport,
)
from kado_graphql.payouts.types import (
    AccommodationRequestConnection,
    AccommodationRequestFilter,
    BankAccountType,
    PayoutSettingsType,
    PayoutStatementConnection,
    PayoutStatementFilter,
    PayoutStatementType,
    RelationshipEndConnection,
    RelationshipEndFilter,
    WithholdingCategoryType,
)
from kado_graphql.region.enums import choice
from kado_graphql.region.lookups import worker_by_id
from kado_graphql.region.selection import selected
from kado_tenants.payouts.selectors import (
    accommodation_request_list,
    bank_account_for,
    payout_settings_get,
    payout_statement_list,
    relationship_end_list,
    statements_with_lines,
    withholding_category_list,
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

    payout_settings = graphene.Field(
        PayoutSettingsType,
        required=True,
        description="The region's remitter details, payment rule and file options.",
    )
    withholding_categories = graphene.List(
        graphene.NonNull(WithholdingCategoryType),
        required=True,
        description="The categories of work the region has set withholding for, by category.",
    )
    bank_account = graphene.Field(
        BankAccountType,
        worker_id=graphene.ID(required=True),
        description="Where a worker is paid; null when none is recorded (region admins).",
    )

    def resolve_payout_settings(root, info):
        return payout_settings_get()

    def resolve_withholding_categories(root, info):
        return withholding_category_list()

    def resolve_bank_account(root, info, worker_id):
        return bank_account_for(worker_by_id(info, worker_id, field="workerId"))

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
            # The encrypted texts are read and decrypted only when the query asks for them.
            with_text=bool({"content", "response"} & selected(info, "edges", "node")),
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
    accommodation_request_respond = AccommodationRequestRespond.Field()
    payout_settings_update = PayoutSettingsUpdate.Field()
    bank_account_set = BankAccountSet.Field()
    withholding_category_set = WithholdingCategorySet.Field()
    deliverable_pay_record = DeliverablePayRecord.Field()
