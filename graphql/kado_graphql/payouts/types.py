"""The payout API's types: statements, lines, 3条通知, accommodation requests, the ends of
relationships, and what a region sets up to pay: its payout settings, workers' bank
accounts, withholding by category and deliverable pay.

Region admins only (REGION_ADMIN): pay, tax and family circumstances are not for staff;
what an accommodation request asked and the response, and a worker's account number and
holder, also need REGION_SENSITIVE.
Money is whole yen (Int), days are Dates. Global IDs name the region
(`PayoutStatement:alpha:42`); a statement's worker is given by the Worker's global ID.
"""

from __future__ import annotations

import graphene

from kado_graphql.core.connections import KadoConnection
from kado_graphql.core.ids import GlobalIDField, to_global_id
from kado_graphql.core.scalars import Yen
from kado_graphql.core.types import KadoObjectType
from kado_graphql.region.enums import choices_enum
from kado_platform.accounts.policy import Perm
from kado_tenants.orders.categories import Category
from kado_tenants.payouts.choices import (
    AccommodationKind,
    AccountType,
    LineKind,
    RecordSeparator,
    StatementStatus,
    TerminationException,
)
from kado_tenants.payouts.selectors import remitter_missing, statement_risk

StatementStatusEnum = choices_enum(
    StatementStatus, "PayoutStatementStatus", "DRAFT until approved; APPROVED never changes."
)
PayoutLineKindEnum = choices_enum(LineKind, "PayoutLineKind", "Hourly work or a deliverable.")
AccommodationKindEnum = choices_enum(
    AccommodationKind, "AccommodationKind", "What a request for accommodation concerns."
)
TerminationExceptionEnum = choices_enum(
    TerminationException,
    "TerminationException",
    "Why a relationship may end on less than 30 days' notice (Freelance Act art. 16(1)).",
)
PayoutCategoryEnum = choices_enum(Category, "PayoutCategory", "The type of work paid (業務分類).")
PaymentRiskEnum = graphene.Enum(
    "PaymentRisk",
    [("DUE_SOON", "due_soon"), ("OVERDUE", "overdue"), ("TRANSFERRED_LATE", "transferred_late")],
    description=(
        "How a statement endangers the Freelance Act's 60-day rule: unpaid within 7 days of "
        "the deadline, unpaid past it, or transferred after it."
    ),
)


class WorkerRecord:
    """The fields of a statement or a Freelance Act record, all about one worker: its own
    global ID first, then the worker's."""

    id = GlobalIDField()
    worker_id = graphene.ID(required=True, description="The worker's global ID.")
    worker_name = graphene.String(required=True)

    def resolve_worker_id(record, info):
        return to_global_id("Worker", info.context.tenant.code, record.worker_id)

    def resolve_worker_name(record, info):
        return record.worker.name


class PayoutLineType(KadoObjectType):
    class Meta:
        name = "PayoutLine"
        permission = Perm.REGION_ADMIN
        description = "One line of a statement: an order's minutes at one rate, or a deliverable."

    kind = graphene.Field(PayoutLineKindEnum, required=True)
    order_reference = graphene.String(required=True)
    category = graphene.Field(PayoutCategoryEnum, required=True)
    description = graphene.String(required=True)
    minutes = graphene.Int(description="Approved minutes summed (hourly lines).")
    unit_price = graphene.Int(required=True, description="Yen per hour, or per unit.")
    quantity = graphene.Int(required=True)
    amount = Yen(required=True, description="Yen: rate × minutes // 60, or unit × qty.")
    withholding = graphene.Boolean(required=True, description="Income tax withheld on it.")
    received_on = graphene.Date(required=True)

    def resolve_order_reference(line, info):
        return line.order.reference


class PayoutStatementType(WorkerRecord, KadoObjectType):
    class Meta:
        name = "PayoutStatement"
        permission = Perm.REGION_ADMIN
        description = "A worker's monthly payout statement (支払明細)."

    month = graphene.Date(required=True, description="The first day of the month paid for.")
    sequence = graphene.Int(required=True, description="1, or more for late-approved work.")
    status = graphene.Field(StatementStatusEnum, required=True)
    closing_on = graphene.Date(required=True, description="締切日: the month's last day.")
    hourly_rate = graphene.Int(required=True)
    invoice_registration_number = graphene.String(required=True)
    fee = Yen(required=True, description="Yen, consumption tax excluded.")
    consumption_tax = Yen(required=True, description="10% for registered workers.")
    withholding_base = Yen(required=True)
    withholding_tax = Yen(required=True, description="源泉徴収税額.")
    net_amount = Yen(required=True, description="What is transferred.")
    due_on = graphene.Date(required=True)
    payment_deadline = graphene.Date(
        required=True, description="The latest lawful payment date (60 days from receipt)."
    )
    approved_at = graphene.DateTime()
    transfer_date = graphene.Date(description="When a Zengin file pays it; null until then.")
    risk = graphene.Field(PaymentRiskEnum, description="Null when the 60-day rule is safe.")
    lines = graphene.List(graphene.NonNull(PayoutLineType), required=True)

    def resolve_transfer_date(statement, info):
        # The reverse one-to-one raises an AttributeError subclass when there is none.
        transfer = getattr(statement, "transfer", None)
        return transfer.batch.transfer_date if transfer else None

    def resolve_risk(statement, info):
        return statement_risk(statement)

    def resolve_lines(statement, info):
        # Every source prefetches the lines (statements_with_lines, payout_statement_get).
        return statement.lines.all()


class PayoutStatementConnection(KadoConnection):
    class Meta:
        node = PayoutStatementType


class CommissionNoticeType(KadoObjectType):
    class Meta:
        name = "CommissionNotice"
        permission = Perm.REGION_ADMIN
        description = "The terms notice of Freelance Act art. 3 (3条通知); never changes."

    id = GlobalIDField()
    assignment_id = graphene.ID(required=True)
    principal_name = graphene.String(required=True)
    worker_name = graphene.String(required=True)
    commissioned_on = graphene.Date(required=True)
    content = graphene.String(required=True)
    delivery_on = graphene.Date(required=True)
    delivery_place = graphene.String(required=True)
    inspection_on = graphene.Date()
    hourly_rate = graphene.Int()
    amount = Yen()
    amount_computation = graphene.String(required=True)
    payment_due_on = graphene.Date(required=True)
    payment_terms = graphene.String(required=True)
    payment_method = graphene.String(required=True)
    body = graphene.String(required=True, description="The notice as given, in Japanese.")

    def resolve_assignment_id(notice, info):
        return to_global_id("Assignment", info.context.tenant.code, notice.assignment_id)


class AccommodationRequestType(WorkerRecord, KadoObjectType):
    class Meta:
        name = "AccommodationRequest"
        permission = Perm.REGION_ADMIN
        description = "A request to balance work with childcare or care (Freelance Act art. 13)."
        # A family's situation, encrypted at rest.
        field_permissions = {
            "content": Perm.REGION_SENSITIVE,
            "response": Perm.REGION_SENSITIVE,
        }

    requested_on = graphene.Date(required=True)
    kind = graphene.Field(AccommodationKindEnum, required=True)
    # Nullable so that a refusal nulls these two fields, not the whole request.
    content = graphene.String(description="What was asked (sensitive).")
    response = graphene.String(description="Empty until answered (sensitive).")
    responded_on = graphene.Date(description="Null while the request awaits a response.")
    continuous = graphene.Boolean(
        required=True, description="Six months or more: the art. 13(1) duty applies."
    )


class AccommodationRequestConnection(KadoConnection):
    class Meta:
        node = AccommodationRequestType


class AccommodationRequestFilter(graphene.InputObjectType):
    worker_id = graphene.ID()
    awaiting_response = graphene.Boolean(
        description="True: only the requests that have no response yet."
    )


class RelationshipEndType(WorkerRecord, KadoObjectType):
    class Meta:
        name = "RelationshipEnd"
        permission = Perm.REGION_ADMIN
        description = (
            "A notice ending a worker's relationship (Freelance Act art. 16: 30 days ahead "
            "for a relationship of six months or more, unless an exception applies)."
        )

    notified_on = graphene.Date(required=True)
    ends_on = graphene.Date(required=True)
    relationship_started_on = graphene.Date(
        required=True, description="The first commission to the worker."
    )
    continuous = graphene.Boolean(
        required=True, description="Six months or more: the 30 days' notice applies."
    )
    exception = graphene.Field(
        TerminationExceptionEnum, description="Null when the notice period was kept."
    )

    def resolve_exception(end, info):
        return end.exception or None


class RelationshipEndConnection(KadoConnection):
    class Meta:
        node = RelationshipEndType


class RelationshipEndFilter(graphene.InputObjectType):
    worker_id = graphene.ID()


class PayoutStatementFilter(graphene.InputObjectType):
    month = graphene.Date(description="Any day of the month.")
    status = graphene.Field(StatementStatusEnum)
    worker_id = graphene.ID()


AccountTypeEnum = choices_enum(AccountType, "AccountType", "預金種目 as the Zengin file codes it.")
RecordSeparatorEnum = choices_enum(
    RecordSeparator, "ZenginRecordSeparator", "What ends each record of a Zengin file."
)


class PayoutSettingsType(KadoObjectType):
    class Meta:
        name = "PayoutSettings"
        permission = Perm.REGION_ADMIN
        description = (
            "The region's payout details: the remitter (委託者) a Zengin file names, the "
            "payment rule and the file options; the defaults until a region sets them."
        )

    principal_name = graphene.String(
        required=True, description="委託事業者名 on the 3条通知; empty: the region's name."
    )
    remitter_code = graphene.String(required=True, description="振込依頼人コード, 10 digits.")
    remitter_name_kana = graphene.String(required=True, description="The remitter in kana.")
    bank_code = graphene.String(required=True, description="The paying bank, 4 digits.")
    branch_code = graphene.String(required=True, description="Its branch, 3 digits.")
    account_type = graphene.Field(AccountTypeEnum, required=True)
    account_number = graphene.String(required=True, description="7 digits.")
    record_separator = graphene.Field(RecordSeparatorEnum, required=True)
    payment_month_offset = graphene.Int(
        required=True, description="Months after the closing month: 0 or 1 (翌月)."
    )
    payment_day = graphene.Int(
        required=True, description="Day of the month paid; 31 means the month's last day."
    )
    payment_method = graphene.String(required=True)
    remitter_complete = graphene.Boolean(
        required=True, description="Whether every remitter detail a Zengin file needs is set."
    )

    def resolve_remitter_complete(settings, info):
        return not remitter_missing(settings)


class BankAccountType(KadoObjectType):
    class Meta:
        name = "BankAccount"
        permission = Perm.REGION_ADMIN
        description = "Where a worker is paid (one account per worker)."
        # Where a person's money goes: the number and the holder need the sensitive permission.
        field_permissions = {
            "account_number": Perm.REGION_SENSITIVE,
            "holder_kana": Perm.REGION_SENSITIVE,
        }

    worker_id = graphene.ID(required=True, description="The worker's global ID.")
    bank_code = graphene.String(required=True)
    branch_code = graphene.String(required=True)
    account_type = graphene.Field(AccountTypeEnum, required=True)
    # Nullable so that a refusal nulls these two fields, not the whole account.
    account_number = graphene.String(description="7 digits (sensitive).")
    holder_kana = graphene.String(description="口座名義, half-width kana (sensitive).")

    def resolve_worker_id(account, info):
        return to_global_id("Worker", info.context.tenant.code, account.worker_id)


class WithholdingCategoryType(KadoObjectType):
    class Meta:
        name = "WithholdingCategory"
        permission = Perm.REGION_ADMIN
        description = (
            "Whether pay for a category of work has income tax withheld (所得税法 第204条); "
            "a category the region never set does not withhold."
        )

    category = graphene.Field(PayoutCategoryEnum, required=True)
    withholds = graphene.Boolean(required=True)
    note = graphene.String(required=True, description="The legal basis, or empty.")


class DeliverablePayType(KadoObjectType):
    class Meta:
        name = "DeliverablePay"
        permission = Perm.REGION_ADMIN
        description = "Pay for deliverables received on a per-deliverable assignment."

    id = GlobalIDField()
    assignment_id = graphene.ID(required=True)
    description = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    unit_price = Yen(required=True)
    amount = Yen(required=True, description="unitPrice × quantity.")
    received_on = graphene.Date(required=True)

    def resolve_assignment_id(pay, info):
        return to_global_id("Assignment", info.context.tenant.code, pay.assignment_id)
