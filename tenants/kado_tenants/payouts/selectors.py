"""Reads of a region's payouts and Freelance Act records that more than one edge needs."""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import F, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from kado_tenants.orders.models import Assignment
from kado_tenants.payouts import money
from kado_tenants.payouts.choices import StatementStatus
from kado_tenants.payouts.models import (
    AccommodationRequest,
    BankAccount,
    CommissionNotice,
    PayoutLine,
    PayoutSettings,
    PayoutStatement,
    RelationshipEnd,
    TransferBatch,
    TransferItem,
    WithholdingCategory,
)

CONTINUOUS_MONTHS = 6  # 特定受託事業者に係る取引の適正化等に関する法律施行令 第3条: 六月


def payout_settings_get() -> PayoutSettings:
    """The region's payout settings; an unsaved row with the defaults when none is stored."""
    return PayoutSettings.objects.filter(singleton=True).first() or PayoutSettings()


# What a Zengin file's header needs from the region (振込依頼人).
REMITTER_FIELDS = (
    "remitter_code",
    "remitter_name_kana",
    "bank_code",
    "branch_code",
    "account_number",
)


def remitter_missing(settings: PayoutSettings) -> list[str]:
    """The remitter details still blank, in the form's order: none means a file can be made."""
    return [field for field in REMITTER_FIELDS if not getattr(settings, field)]


def withholding_categories() -> frozenset[str]:
    """Categories whose pay has income tax withheld; none unless the region says so."""
    return frozenset(
        WithholdingCategory.objects.filter(withholds=True).values_list("category", flat=True)
    )


def withholding_category_list() -> QuerySet[WithholdingCategory]:
    return WithholdingCategory.objects.order_by("category")


def bank_account_for(worker) -> BankAccount | None:
    return BankAccount.objects.filter(worker_id=getattr(worker, "pk", worker)).first()


def _statements() -> QuerySet[PayoutStatement]:
    return PayoutStatement.objects.select_related("worker", "transfer", "transfer__batch")


def payout_statement_list(
    *, month: datetime.date | None = None, status: str | None = None, worker=None
) -> QuerySet[PayoutStatement]:
    """Statements, newest month first; `month` is any day of the month."""
    statements = _statements()
    if month is not None:
        statements = statements.filter(month=month.replace(day=1))
    if status:
        statements = statements.filter(status=status)
    if worker is not None:
        statements = statements.filter(worker_id=getattr(worker, "pk", worker))
    return statements.order_by("-month", "worker_id", "sequence", "id")


def payout_statement_get(*, pk) -> PayoutStatement | None:
    return statements_with_lines(_statements()).filter(pk=pk).first()


def statements_with_lines(statements: QuerySet[PayoutStatement]) -> QuerySet[PayoutStatement]:
    """`statements` with their lines (and orders) in id order: one query per page, not one each."""
    return statements.prefetch_related(
        Prefetch("lines", queryset=PayoutLine.objects.select_related("order").order_by("id"))
    )


def statement_risk(statement: PayoutStatement, *, today: datetime.date | None = None):
    """Why a statement endangers the 60-day payment rule (Freelance Act art. 4), or None.

    `overdue`: not transferred and its deadline has passed; `due_soon`: not transferred
    and the deadline is within 7 days; `transferred_late`: its transfer date is after it.
    """
    today = today or timezone.localdate()
    transfer = statement.transfer if _has_transfer(statement) else None
    if transfer is not None:
        return (
            "transferred_late"
            if transfer.batch.transfer_date > statement.payment_deadline
            else None
        )
    if statement.payment_deadline < today:
        return "overdue"
    if statement.payment_deadline <= today + datetime.timedelta(days=money.AT_RISK_DAYS):
        return "due_soon"
    return None


def _has_transfer(statement) -> bool:
    try:
        return statement.transfer is not None
    except PayoutStatement.transfer.RelatedObjectDoesNotExist:
        return False


def statements_at_risk(*, today: datetime.date | None = None) -> QuerySet[PayoutStatement]:
    """Statements unpaid within 7 days of their 60-day deadline or past it, or paid late;
    the soonest deadline first. Drafts count: an unapproved statement is unpaid too."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=money.AT_RISK_DAYS)
    return (
        _statements()
        .filter(
            Q(transfer__isnull=True, payment_deadline__lte=horizon)
            | Q(transfer__batch__transfer_date__gt=F("payment_deadline"))
        )
        .order_by("payment_deadline", "id")
    )


# --- Freelance Act -----------------------------------------------------------------------


def notice_exists_for(assignment) -> bool:
    """Whether the assignment's 3条通知 has been issued: work may be logged only if so."""
    return CommissionNotice.objects.filter(
        assignment_id=getattr(assignment, "pk", assignment)
    ).exists()


def notice_hourly_rates(assignment_ids) -> dict[int, int]:
    """The hourly rate each assignment's 3条通知 stated, by assignment id.

    The notice fixes the terms of its commission (Freelance Act art. 3): work under it is
    paid at that rate whatever the worker's rate became later. Assignments without a
    notice, or whose notice states a fixed amount instead, are absent.
    """
    return dict(
        CommissionNotice.objects.filter(
            assignment_id__in=list(assignment_ids), hourly_rate__isnull=False
        ).values_list("assignment_id", "hourly_rate")
    )


def commission_notice_get(*, assignment=None, pk=None) -> CommissionNotice | None:
    notices = CommissionNotice.objects.select_related("assignment", "assignment__order")
    if assignment is not None:
        notices = notices.filter(assignment_id=getattr(assignment, "pk", assignment))
    if pk is not None:
        notices = notices.filter(pk=pk)
    return notices.first()


def commission_notice_list(*, worker=None, order=None) -> QuerySet[CommissionNotice]:
    notices = CommissionNotice.objects.select_related("assignment", "assignment__order")
    if worker is not None:
        notices = notices.filter(assignment__worker_id=getattr(worker, "pk", worker))
    if order is not None:
        notices = notices.filter(assignment__order_id=getattr(order, "pk", order))
    return notices.order_by("-commissioned_on", "-id")


def relationship_started_on(worker) -> datetime.date | None:
    """The first commission to the worker: the earliest notice, else the earliest assignment."""
    worker_id = getattr(worker, "pk", worker)
    first_notice = CommissionNotice.objects.filter(assignment__worker_id=worker_id).aggregate(
        first=Min("commissioned_on")
    )["first"]
    first_assignment = Assignment.objects.filter(worker_id=worker_id).aggregate(
        first=Min("assigned_on")
    )["first"]
    dates = [day for day in (first_notice, first_assignment) if day is not None]
    return min(dates) if dates else None


def relationship_is_continuous(*, started_on: datetime.date | None, until: datetime.date) -> bool:
    """継続的業務委託: the relationship spans six months or more (施行令 第3条)."""
    if started_on is None:
        return False
    return until >= money.add_months(started_on, CONTINUOUS_MONTHS)


# A worker's own circumstances, encrypted at rest: lists of records never show them.
_WORKER_PRIVATE = ("worker__constraint_reason", "worker__constraint_note")


def accommodation_request_list(
    *, worker=None, open_only: bool = False, with_text: bool = True
) -> QuerySet[AccommodationRequest]:
    """Requests, newest first, each with its worker; `open_only`: those still awaiting a
    response (no response date), which art. 13 asks the region to answer; without
    `with_text`, what was asked and answered is neither read nor decrypted."""
    requests = AccommodationRequest.objects.select_related("worker").defer(*_WORKER_PRIVATE)
    if not with_text:
        requests = requests.defer("content", "response")
    if worker is not None:
        requests = requests.filter(worker_id=getattr(worker, "pk", worker))
    if open_only:
        requests = requests.filter(responded_on__isnull=True)
    return requests.order_by("-requested_on", "-id")


def accommodation_request_get(*, pk) -> AccommodationRequest | None:
    return AccommodationRequest.objects.filter(pk=pk).first()


def relationship_end_list(*, worker=None) -> QuerySet[RelationshipEnd]:
    """Notices ending a relationship, newest notice first, each with its worker."""
    ends = RelationshipEnd.objects.select_related("worker").defer(*_WORKER_PRIVATE)
    if worker is not None:
        ends = ends.filter(worker_id=getattr(worker, "pk", worker))
    return ends.order_by("-notified_on", "-id")


# --- Zengin transfers --------------------------------------------------------------------


def statements_awaiting_transfer() -> QuerySet[PayoutStatement]:
    """Approved statements in no transfer file yet: what a Zengin file may pay."""
    return (
        _statements()
        .filter(status=StatementStatus.APPROVED, transfer__isnull=True)
        .order_by("payment_deadline", "month", "worker_id", "id")
    )


def transfer_batch_list() -> QuerySet[TransferBatch]:
    """Zengin files made, newest first, with the statements each one pays (not the files)."""
    return (
        TransferBatch.objects.defer("content")
        .prefetch_related(Prefetch("items", queryset=TransferItem.objects.order_by("statement_id")))
        .order_by("-created_at", "-id")
    )


def transfer_file_get(*, pk: int) -> tuple[str, bytes] | None:
    """A Zengin file as it was made, for another download: None when there is no such
    batch, or its stored bytes no longer match the digest recorded when it was made."""
    batch = TransferBatch.objects.filter(pk=pk).values("filename", "content", "sha256").first()
    if batch is None:
        return None
    content = bytes(batch["content"])
    if not content or hashlib.sha256(content).hexdigest() != batch["sha256"]:
        return None
    return batch["filename"], content
