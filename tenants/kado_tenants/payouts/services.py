"""Writes to a region's payouts: statements, Zengin transfers and Freelance Act records.

Every function is keyword-only, atomic and audited; it checks everything before it
writes, so a refusal (a DomainError with a code, a message and the field at fault) leaves
nothing behind. Audit entries carry ids, amounts, dates and field names: never a name,
a kana reading, a bank or account number, or the content of an accommodation request.

The money rules (rounding, withholding, consumption tax) are in `kado_tenants.payouts.money`;
the Zengin layout in `kado_tenants.payouts.zengin`.

The orders services call in here: `assignment_create` issues the 3条通知 in its own
transaction (`commission_notice_issue`), and `worklog_record` refuses work on an
assignment without one (`require_commission_notice`).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_tenants.orders.categories import Category
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.models import Assignment, WorkLog
from kado_tenants.payouts import money, zengin
from kado_tenants.payouts.choices import (
    AccommodationKind,
    AccountType,
    LineKind,
    StatementStatus,
    TerminationException,
)
from kado_tenants.payouts.kana import KanaError, to_zengin_kana
from kado_tenants.payouts.models import (
    AccommodationRequest,
    BankAccount,
    CommissionNotice,
    DeliverablePay,
    PayoutLine,
    PayoutSettings,
    PayoutStatement,
    PayoutWorkLog,
    RelationshipEnd,
    TransferBatch,
    TransferItem,
    WithholdingCategory,
)
from kado_tenants.payouts.selectors import (
    notice_exists_for,
    notice_hourly_rates,
    payout_settings_get,
    relationship_is_continuous,
    relationship_started_on,
    remitter_missing,
    withholding_categories,
)
from kado_tenants.workforce.models import Worker
from kado_tenants.workforce.services import check_date, check_whole_number, field_label, lock_row

NOTICE_PERIOD_DAYS = 30  # Freelance Act art. 16(1): 少なくとも三十日前までに
SETTINGS_FIELDS = frozenset(
    {
        "principal_name",
        "remitter_code",
        "remitter_name_kana",
        "bank_code",
        "branch_code",
        "account_type",
        "account_number",
        "record_separator",
        "payment_month_offset",
        "payment_day",
        "payment_method",
    }
)
# Settings whose values may be copied into the audit log; the rest are named only.
SETTINGS_AUDITED_VALUES = frozenset(
    {"record_separator", "payment_month_offset", "payment_day", "account_type"}
)


def _text(value) -> str:
    return (value or "").strip()


def _today(today) -> datetime.date:
    return timezone.localdate() if today is None else check_date(today, field="today")


def _digits(value, *, length: int, field: str, pad: bool = False) -> str:
    text = _text(value)
    if pad and text.isascii() and text.isdigit() and len(text) < length:
        text = text.zfill(length)
    if not (text.isascii() and text.isdigit() and len(text) == length):
        raise DomainError(
            f"{field}_format",
            _("“%(field)s” must be %(length)s digits."),
            field=field,
            params={"field": field_label(field), "length": length},
        )
    return text


def _check_bank(bank_code: str, branch_code: str, *, field: str, whose: str = ""):
    """The bank and branch from the zengin-code master, or a refusal naming what is unknown."""
    bank, branch = zengin.bank_lookup(bank_code, branch_code)
    suffix = {"whose": whose}
    if bank is None:
        raise DomainError(
            "bank_unknown",
            _("%(whose)sBank code %(code)s is not in the Zengin bank master.")
            if whose
            else _("Bank code %(code)s is not in the Zengin bank master."),
            field=field,
            params={"code": bank_code, **suffix},
        )
    if branch is None:
        raise DomainError(
            "branch_unknown",
            _("%(whose)sBranch %(branch)s of bank %(code)s is not in the Zengin bank master.")
            if whose
            else _("Branch %(branch)s of bank %(code)s is not in the Zengin bank master."),
            field=field,
            params={"code": bank_code, "branch": branch_code, **suffix},
        )
    return bank, branch


def _kana(text: str, *, field: str, max_length: int | None, whose: str) -> str:
    try:
        converted = to_zengin_kana(text, max_length=max_length)
    except KanaError as error:
        raise DomainError(
            "kana_invalid",
            _(
                "%(whose)s: “%(char)s” cannot be written in a bank transfer (half-width kana, "
                "A-Z, 0-9 and a few signs only)."
            ),
            field=field,
            params={"whose": whose, "char": error.char},
        ) from error
    if not converted:
        raise DomainError(
            "kana_required",
            _("%(whose)s: a kana name is required."),
            field=field,
            params={"whose": whose},
        )
    return converted


def _worker_label(worker: Worker) -> str:
    return str(_("Worker %(name)s (id %(id)s)") % {"name": worker.name, "id": worker.pk})


def _require_user(acting_user, *, action: str) -> None:
    if not getattr(acting_user, "is_authenticated", False) or acting_user.pk is None:
        raise DomainError(
            "approver_required",
            _("%(action)s needs a signed-in user.") % {"action": action},
            field="acting_user",
        )


# --- settings ------------------------------------------------------------------------------


@transaction.atomic
def payout_settings_update(*, acting_user=None, **changes) -> PayoutSettings:
    """Change the region's remitter details, payment rule or file options."""
    unknown = sorted(set(changes) - SETTINGS_FIELDS)
    if unknown:
        raise DomainError(
            "field_unknown",
            _("Payout settings have no field “%(field)s”."),
            field=unknown[0],
            params={"field": unknown[0]},
        )
    current = payout_settings_get()
    if current.pk is not None:
        lock_row(current)
    for field in ("principal_name", "payment_method"):
        if field in changes:
            changes[field] = _text(changes[field])
    if changes.get("remitter_code"):
        changes["remitter_code"] = _digits(
            changes["remitter_code"], length=10, field="remitter_code"
        )
    if changes.get("account_number"):
        changes["account_number"] = _digits(
            changes["account_number"], length=7, field="account_number", pad=True
        )
    if changes.get("remitter_name_kana"):
        changes["remitter_name_kana"] = _kana(
            changes["remitter_name_kana"],
            field="remitter_name_kana",
            max_length=40,
            whose=str(_("Remitter name")),
        )
    for field in ("payment_month_offset", "payment_day"):
        if field in changes:
            check_whole_number(changes[field], field=field, minimum=0)
    changed = {field: value for field, value in changes.items() if getattr(current, field) != value}
    before = {field: getattr(current, field) for field in changed}
    for field, value in changed.items():
        setattr(current, field, value)
    try:
        validate(current)
        if current.bank_code and current.branch_code:
            _check_bank(current.bank_code, current.branch_code, field="bank_code")
    except DomainError:
        if current.pk is not None:
            current.refresh_from_db()
        raise
    if not changed:
        return current
    current.save()
    audit_record(
        action="payout_settings.update",
        actor=acting_user,
        instance=current,
        changes={
            field: [before[field], value] if field in SETTINGS_AUDITED_VALUES else "changed"
            for field, value in sorted(changed.items())
        },
    )
    return current


@transaction.atomic
def withholding_category_set(
    *, category: str, withholds: bool, note: str = "", acting_user=None
) -> WithholdingCategory:
    """Say whether pay for a category of work has income tax withheld (data, per region)."""
    if category not in Category.values:
        raise DomainError("category_unknown", _("Unknown category of work."), field="category")
    if not isinstance(withholds, bool):
        raise DomainError("not_boolean", _("“withholds” must be true or false."), field="withholds")
    row = WithholdingCategory.objects.select_for_update().filter(category=category).first()
    before = row.withholds if row else None
    row = row or WithholdingCategory(category=category)
    row.withholds = withholds
    row.note = _text(note)
    validate(row)  # before the first write: a refused new row is never created
    row.save()
    audit_record(
        action="withholding_category.set",
        actor=acting_user,
        instance=row,
        changes={"category": category, "withholds": [before, withholds]},
    )
    return row


# --- bank accounts -------------------------------------------------------------------------


@transaction.atomic
def bank_account_set(
    *,
    worker: Worker,
    bank_code: str,
    branch_code: str,
    account_number: str,
    holder_kana: str,
    account_type: str = AccountType.ORDINARY,
    acting_user=None,
) -> BankAccount:
    """Record (or replace) where a worker is paid; codes are checked against the master."""
    whose = _worker_label(worker)
    bank_code = _digits(bank_code, length=4, field="bank_code")
    branch_code = _digits(branch_code, length=3, field="branch_code")
    account_number = _digits(account_number, length=7, field="account_number", pad=True)
    if account_type not in AccountType.values:
        raise DomainError(
            "account_type_unknown",
            _("The account type must be 1 (普通), 2 (当座) or 4 (貯蓄)."),
            field="account_type",
        )
    _check_bank(bank_code, branch_code, field="bank_code", whose=f"{whose}: ")
    holder = _kana(holder_kana, field="holder_kana", max_length=None, whose=whose)
    account = BankAccount.objects.select_for_update().filter(worker=worker).first()
    created = account is None
    account = account or BankAccount(worker=worker)
    account.bank_code = bank_code
    account.branch_code = branch_code
    account.account_type = account_type
    account.account_number = account_number
    account.holder_kana = holder
    validate(account)
    account.save()
    audit_record(
        action="bank_account.set",
        actor=acting_user,
        instance=account,
        changes={"worker_id": worker.pk, "created": created},
    )
    return account


# --- deliverables --------------------------------------------------------------------------


@transaction.atomic
def deliverable_pay_record(
    *,
    assignment: Assignment,
    description: str,
    quantity: int,
    unit_price: int,
    received_on: datetime.date,
    acting_user=None,
) -> DeliverablePay:
    """Pay for deliverables received from a worker on a per-deliverable order."""
    check_whole_number(quantity, field="quantity", minimum=1)
    check_whole_number(unit_price, field="unit_price", minimum=1)
    check_date(received_on, field="received_on")
    description = _text(description)
    assignment = Assignment.objects.select_related("order").get(pk=assignment.pk)
    if assignment.order.contract_type != ContractType.PER_DELIVERABLE:
        raise DomainError(
            "order_not_per_deliverable",
            _(
                "Deliverable pay is recorded only on per-deliverable orders; hourly work is paid "
                "from approved work logs."
            ),
            field="assignment",
        )
    if received_on < assignment.assigned_on or received_on > timezone.localdate():
        raise DomainError(
            "received_on_range",
            _("The date received must be between the assignment and today."),
            field="received_on",
        )
    pay = DeliverablePay(
        assignment=assignment,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        received_on=received_on,
        recorded_by_id=getattr(acting_user, "pk", None),
    )
    validate(pay)
    pay.save()
    audit_record(
        action="deliverable_pay.record",
        actor=acting_user,
        instance=pay,
        changes={
            "assignment_id": assignment.pk,
            "quantity": quantity,
            "unit_price": unit_price,
            "amount": pay.amount,
            "received_on": received_on.isoformat(),
        },
    )
    return pay


# --- statements ----------------------------------------------------------------------------


def due_date_for(closing_on: datetime.date, settings: PayoutSettings) -> datetime.date:
    """The region's payday for work closed on `closing_on` (月末締め, N months later)."""
    due = money.add_months(
        closing_on.replace(day=1), settings.payment_month_offset, on_day=settings.payment_day
    )
    return max(due, closing_on)


def hourly_rate_for(assignment, worker: Worker, notice_rates: dict[int, int]) -> int:
    """The rate work under an assignment is paid at: the one its 3条通知 stated.

    The notice fixes the terms of the commission (Freelance Act art. 3), so a later change
    of the worker's rate applies to new commissions only. Work whose assignment has no
    notice stating a rate (commissioned before the Act, when no notice was issued) is
    paid at the worker's current rate, as it always was.
    """
    return notice_rates.get(assignment.pk, worker.hourly_rate)


def _lines_for(
    worker: Worker, logs, deliverables, *, closing_on, withholding, notice_rates
) -> list[tuple[PayoutLine, list[WorkLog]]]:
    """Unsaved lines, each with the work logs it pays: hourly lines (one per order, that
    is one assignment, at its notice's rate; minutes summed, then one floor) and
    deliverable lines (the unit price recorded on receipt; no work logs)."""
    per_order: dict[int, list[WorkLog]] = defaultdict(list)
    for log in logs:
        per_order[log.assignment.order_id].append(log)
    lines = []
    for order_logs in per_order.values():
        assignment = order_logs[0].assignment
        order = assignment.order
        rate = hourly_rate_for(assignment, worker, notice_rates)
        minutes = sum(log.minutes for log in order_logs)
        line = PayoutLine(
            kind=LineKind.HOURLY,
            order=order,
            category=order.category,
            description=f"{order.reference} {order.title}"[:200],
            minutes=minutes,
            unit_price=rate,
            quantity=1,
            amount=money.hourly_amount(rate, minutes),
            withholding=order.category in withholding,
            # Services paid on a monthly closing agreed in the 3条通知 count as received
            # on the closing day (the JFTC's reading of art. 4 for monthly closing).
            received_on=closing_on,
        )
        lines.append((line, order_logs))
    for pay in deliverables:
        order = pay.assignment.order
        line = PayoutLine(
            kind=LineKind.DELIVERABLE,
            order=order,
            category=order.category,
            description=f"{order.reference} {pay.description}"[:200],
            minutes=None,
            unit_price=pay.unit_price,
            quantity=pay.quantity,
            amount=pay.amount,
            withholding=order.category in withholding,
            received_on=pay.received_on,
            deliverable=pay,
        )
        lines.append((line, []))
    return lines


def statement_hourly_rate(lines, worker: Worker) -> int:
    """The hourly rate a statement shows: that of its hourly lines when they share one;
    with several (commissions on different terms), the rate most of the minutes were
    paid at, the higher on a tie; each line shows its own. A statement of deliverables
    only shows the worker's current rate."""
    minutes_at: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.kind == LineKind.HOURLY:
            minutes_at[line.unit_price] += line.minutes
    if not minutes_at:
        return worker.hourly_rate
    return max(minutes_at, key=lambda rate: (minutes_at[rate], rate))


def statement_totals(lines, *, registered: bool) -> dict[str, int]:
    """Fee, consumption tax, withholding base and tax, and net payment of a set of lines."""
    fee = sum(line.amount for line in lines)
    base = sum(line.amount for line in lines if line.withholding)
    tax = money.consumption_tax(fee) if registered else 0
    withheld = money.withholding_tax(base)
    return {
        "fee": fee,
        "consumption_tax": tax,
        "withholding_base": base,
        "withholding_tax": withheld,
        "net_amount": fee + tax - withheld,
    }


@transaction.atomic
def payout_statements_generate(
    *, month: datetime.date, acting_user=None, today: datetime.date | None = None
) -> list[PayoutStatement]:
    """Draft this month's statements from approved work logs and received deliverables.

    `month` is any day of a calendar month that has ended. Each worker gets at most one
    draft per month; running it again rebuilds the drafts. Logs and deliverables already
    on an approved statement are never paid again (a log is on one statement at most, by
    a unique key); those approved late go on a further statement of the same month.
    """
    check_date(month, field="month")
    first, closing_on = money.month_bounds(month)
    if closing_on >= _today(today):
        raise DomainError(
            "month_not_closed",
            _("Statements are made after the month closes (on its last day)."),
            field="month",
        )
    settings = payout_settings_get()
    withholding = withholding_categories()
    drafts = {
        statement.worker_id: statement
        for statement in PayoutStatement.objects.select_for_update().filter(
            month=first, status=StatementStatus.DRAFT
        )
    }
    PayoutWorkLog.objects.filter(line__statement__in=list(drafts.values())).delete()
    PayoutLine.objects.filter(statement__in=list(drafts.values())).delete()

    logs = (
        WorkLog.objects.select_for_update(of=("self",))
        .select_related("assignment", "assignment__order")
        .filter(
            work_date__range=(first, closing_on),
            approved_at__isnull=False,
            assignment__order__contract_type=ContractType.HOURLY,
            payout__isnull=True,
        )
        .order_by("assignment__worker_id", "assignment__order_id", "work_date", "id")
    )
    deliverables = (
        DeliverablePay.objects.select_for_update(of=("self",))
        .select_related("assignment", "assignment__order")
        .filter(received_on__range=(first, closing_on), payout_line__isnull=True)
        .order_by("assignment__worker_id", "received_on", "id")
    )
    by_worker_logs: dict[int, list] = defaultdict(list)
    by_worker_pays: dict[int, list] = defaultdict(list)
    for log in logs:
        by_worker_logs[log.assignment.worker_id].append(log)
    for pay in deliverables:
        by_worker_pays[pay.assignment.worker_id].append(pay)
    worker_ids = sorted(set(by_worker_logs) | set(by_worker_pays))
    workers = Worker.objects.in_bulk(worker_ids)
    notice_rates = notice_hourly_rates({log.assignment_id for log in logs})
    last_sequence = dict(
        PayoutStatement.objects.filter(month=first, worker_id__in=worker_ids)
        .values_list("worker_id")
        .annotate(last=Max("sequence"))
    )

    made = []
    for worker_id in worker_ids:
        worker = workers[worker_id]
        paid = _lines_for(
            worker,
            by_worker_logs[worker_id],
            by_worker_pays[worker_id],
            closing_on=closing_on,
            withholding=withholding,
            notice_rates=notice_rates,
        )
        lines = [line for line, _logs in paid]
        registered = bool(worker.invoice_registration_number)
        totals = statement_totals(lines, registered=registered)
        first_received_on = min(line.received_on for line in lines)
        deadline = money.payment_deadline(first_received_on)
        statement = drafts.pop(worker_id, None)
        if statement is None:
            sequence = last_sequence.get(worker_id, 0) + 1
            statement = PayoutStatement(worker=worker, month=first, sequence=sequence)
        statement.status = StatementStatus.DRAFT
        statement.closing_on = closing_on
        statement.hourly_rate = statement_hourly_rate(lines, worker)
        statement.invoice_registration_number = worker.invoice_registration_number
        statement.first_received_on = first_received_on
        statement.payment_deadline = deadline
        statement.due_on = min(due_date_for(closing_on, settings), deadline)
        for field, value in totals.items():
            setattr(statement, field, value)
        statement.save()
        for line in lines:
            line.statement = statement
        PayoutLine.objects.bulk_create(lines)
        PayoutWorkLog.objects.bulk_create(
            PayoutWorkLog(line=line, work_log=log) for line, logs in paid for log in logs
        )
        audit_record(
            action="payout_statement.generate",
            actor=acting_user,
            instance=statement,
            changes={
                "worker_id": worker_id,
                "month": first.isoformat(),
                "sequence": statement.sequence,
                "lines": len(lines),
                "work_logs": sum(len(logs) for _line, logs in paid),
                **totals,
                "due_on": statement.due_on.isoformat(),
                "payment_deadline": deadline.isoformat(),
            },
        )
        made.append(statement)
    for stale in drafts.values():  # drafts left with nothing to pay
        audit_record(
            action="payout_statement.discard",
            actor=acting_user,
            instance=stale,
            changes={"worker_id": stale.worker_id, "month": first.isoformat()},
        )
        stale.delete()
    return made


@transaction.atomic
def payout_statement_approve(*, statement: PayoutStatement, acting_user) -> PayoutStatement:
    """Approve a draft statement: from now on it cannot change."""
    _require_user(acting_user, action=_("Approving a payout statement"))
    lock_row(statement)
    if statement.status == StatementStatus.APPROVED:
        raise DomainError(
            "statement_already_approved",
            _("This payout statement is already approved and cannot change."),
            field="status",
        )
    lines = list(statement.lines.all())
    expected = statement_totals(lines, registered=bool(statement.invoice_registration_number))
    actual = {field: getattr(statement, field) for field in expected}
    if not lines or expected != actual:
        raise DomainError(
            "amounts_mismatch",
            _("The statement's totals do not add up to its lines; generate it again."),
            field="status",
        )
    statement.status = StatementStatus.APPROVED
    statement.approved_at = timezone.now()
    statement.approved_by_id = acting_user.pk
    statement.save(update_fields=["status", "approved_at", "approved_by_id"])
    audit_record(
        action="payout_statement.approve",
        actor=acting_user,
        instance=statement,
        changes={"worker_id": statement.worker_id, "net_amount": statement.net_amount},
    )
    return statement


def payout_statement_update(*, statement: PayoutStatement, **changes):
    """Statements change only by being generated again while they are drafts."""
    raise DomainError(
        "statement_immutable"
        if statement.status == StatementStatus.APPROVED
        else "statement_generated",
        _("A payout statement is computed from approved work; it is not edited by hand."),
        field="status",
    )


# --- Zengin transfer files ---------------------------------------------------------------


@dataclass(frozen=True)
class ZenginExport:
    batch: TransferBatch
    content: bytes
    filename: str
    count: int
    total: int
    late_statement_ids: tuple[int, ...]


def _remitter(settings: PayoutSettings) -> zengin.Remitter:
    missing = remitter_missing(settings)
    if missing:
        raise DomainError(
            "remitter_incomplete",
            _("Set the region's remitter details first (missing: %(fields)s)."),
            field="settings",
            params={"fields": ", ".join(missing)},
        )
    bank, branch = _check_bank(settings.bank_code, settings.branch_code, field="settings")
    name = _kana(
        settings.remitter_name_kana, field="settings", max_length=40, whose=str(_("Remitter"))
    )
    return zengin.Remitter(
        code=settings.remitter_code,
        name=name,
        bank_code=settings.bank_code,
        bank_name=_kana(bank.kana, field="settings", max_length=15, whose=bank.code),
        branch_code=settings.branch_code,
        branch_name=_kana(branch.kana, field="settings", max_length=15, whose=bank.code),
        account_type=settings.account_type,
        account_number=settings.account_number,
    )


def _transfer(statement: PayoutStatement) -> zengin.Transfer:
    worker = statement.worker
    whose = _worker_label(worker)
    account = getattr(worker, "bank_account", None)  # selected with the statement
    if account is None:
        raise DomainError(
            "bank_account_missing",
            _("%(whose)s has no bank account recorded."),
            field="statement_ids",
            params={"whose": whose},
        )
    bank, branch = _check_bank(
        account.bank_code, account.branch_code, field="statement_ids", whose=f"{whose}: "
    )
    if statement.net_amount < 1:
        raise DomainError(
            "amount_zero",
            _("%(whose)s: a statement paying nothing cannot be transferred."),
            field="statement_ids",
            params={"whose": whose},
        )
    return zengin.Transfer(
        bank_code=account.bank_code,
        bank_name=_kana(bank.kana, field="statement_ids", max_length=15, whose=whose),
        branch_code=account.branch_code,
        branch_name=_kana(branch.kana, field="statement_ids", max_length=15, whose=whose),
        account_type=account.account_type,
        account_number=account.account_number,
        payee_name=_kana(account.holder_kana, field="statement_ids", max_length=30, whose=whose),
        amount=statement.net_amount,
        customer_code1=statement.pk,
        customer_code2=worker.pk,
    )


@transaction.atomic
def zengin_export(
    *,
    statements,
    transfer_date: datetime.date,
    acting_user=None,
    today: datetime.date | None = None,
) -> ZenginExport:
    """A Zengin 総合振込 file paying approved statements their net amount, each once.

    The transfer amount is the net payment: bank fees are borne by the payer. A statement
    already in a file is refused (a unique key makes this hold under concurrency too).
    """
    check_date(transfer_date, field="transfer_date")
    if transfer_date < _today(today):
        raise DomainError(
            "transfer_date_past",
            _("The transfer date cannot be in the past."),
            field="transfer_date",
        )
    ids = sorted({getattr(statement, "pk", statement) for statement in statements or ()})
    if not ids:
        raise DomainError(
            "statements_required",
            _("Choose at least one approved statement."),
            field="statement_ids",
        )
    rows = list(
        PayoutStatement.objects.select_for_update(of=("self",))
        .select_related("worker", "worker__bank_account")
        .filter(pk__in=ids)
        .order_by("id")
    )
    if len(rows) != len(ids):
        raise DomainError(
            "statement_unknown", _("A chosen statement does not exist."), field="statement_ids"
        )
    for statement in rows:
        if statement.status != StatementStatus.APPROVED:
            raise DomainError(
                "statement_not_approved",
                _("Statement %(id)s is not approved; only approved statements are paid."),
                field="statement_ids",
                params={"id": statement.pk},
            )
    transferred = list(
        TransferItem.objects.filter(statement_id__in=ids).values_list("statement_id", flat=True)
    )
    if transferred:
        raise DomainError(
            "statement_already_transferred",
            _("Statement %(id)s is already in a transfer file."),
            field="statement_ids",
            params={"id": transferred[0]},
        )
    settings = payout_settings_get()
    remitter = _remitter(settings)
    transfers = [_transfer(statement) for statement in rows]
    content = zengin.build_file(
        remitter=remitter,
        transfer_date=transfer_date,
        transfers=transfers,
        separator=settings.record_separator,
    )
    total = sum(transfer.amount for transfer in transfers)
    digest = hashlib.sha256(content).hexdigest()
    region = getattr(connection, "schema_name", "region")
    filename = f"zengin-{region}-{transfer_date:%Y%m%d}-{digest[:8]}.txt"
    batch = TransferBatch.objects.create(
        transfer_date=transfer_date,
        filename=filename,
        count=len(transfers),
        total=total,
        sha256=digest,
        content=content,
        created_by_id=getattr(acting_user, "pk", None),
    )
    TransferItem.objects.bulk_create(
        TransferItem(batch=batch, statement=statement, amount=statement.net_amount)
        for statement in rows
    )
    late = tuple(s.pk for s in rows if transfer_date > s.payment_deadline)
    audit_record(
        action="zengin.export",
        actor=acting_user,
        instance=batch,
        changes={
            "statement_ids": ids,
            "count": len(transfers),
            "total": total,
            "transfer_date": transfer_date.isoformat(),
            "sha256": digest,
            "late_statement_ids": list(late),
            "bank_master": zengin.master_version(),
        },
    )
    return ZenginExport(
        batch=batch,
        content=content,
        filename=filename,
        count=len(transfers),
        total=total,
        late_statement_ids=late,
    )


# --- Freelance Act (特定受託事業者に係る取引の適正化等に関する法律, in force 2024-11-01) ----


def notice_required(commissioned_on: datetime.date) -> bool:
    """Whether a commission of that day falls under the Freelance Act (from 2024-11-01)."""
    return commissioned_on >= money.FREELANCE_ACT_IN_FORCE


def require_commission_notice(assignment) -> None:
    """Refuse work on an assignment under the Act whose 3条通知 was not issued."""
    if notice_required(assignment.assigned_on) and not notice_exists_for(assignment):
        raise DomainError(
            "commission_notice_missing",
            _("Issue the terms notice (3条通知) for this assignment before work is logged."),
            field="assignment",
        )


def _yen(value: int) -> str:
    return f"{value:,}円"


def _notice_body(notice: CommissionNotice, order) -> str:
    """The notice as given to the worker, every item of 施行規則 第1条 in order."""
    lines = [
        "業務委託に関する取引条件の明示（特定受託事業者に係る取引の適正化等に関する法律 第3条）",
        f"委託事業者: {notice.principal_name}",
        f"特定受託事業者: {notice.worker_name}",
        f"業務委託をした日: {notice.commissioned_on:%Y年%m月%d日}",
        f"給付の内容: {notice.content}",
        f"給付を受領する期日: {notice.delivery_on:%Y年%m月%d日}",
        f"給付を受領する場所: {notice.delivery_place}",
    ]
    if notice.inspection_on:
        lines.append(f"検査を完了する期日: {notice.inspection_on:%Y年%m月%d日}")
    lines += [
        f"報酬の額: {notice.amount_computation}",
        f"報酬の支払期日: {notice.payment_due_on:%Y年%m月%d日}（{notice.payment_terms}）",
        f"報酬の支払方法: {notice.payment_method}",
        f"案件番号: {order.reference}",
    ]
    return "\n".join(lines)


def check_commission_amount(contract_type: str, amount, *, field: str, required: bool = True):
    """The fee a commission states: hourly work none (the worker's rate applies),
    per-deliverable work the amount agreed, a whole number of yen."""
    if contract_type == ContractType.HOURLY:
        if amount is not None:
            raise DomainError(
                "amount_not_hourly",
                _("Hourly work is paid by the hour: state no fixed amount."),
                field=field,
            )
    elif amount is None:
        if required:
            raise DomainError(
                "amount_required",
                _("State the amount agreed with the worker for this per-deliverable work."),
                field=field,
            )
    else:
        check_whole_number(amount, field=field, minimum=1)


@transaction.atomic
def commission_notice_issue(
    *,
    assignment: Assignment,
    content: str = "",
    delivery_on: datetime.date | None = None,
    delivery_place: str = "",
    payment_due_on: datetime.date | None = None,
    commissioned_on: datetime.date | None = None,
    inspection_on: datetime.date | None = None,
    amount: int | None = None,
    payment_method: str = "",
    acting_user=None,
) -> CommissionNotice:
    """Issue and record the 3条通知 of an assignment, once, before any work is logged.

    Freelance Act art. 3(1): on commissioning, the commissioning party states the terms in
    writing or electronically; 公正取引委員会関係 施行規則 第1条 lists the items. Art. 4(1):
    the payment date falls within 60 days counted from the day the work is received (that
    day included), so a payment date after `delivery_on + 59 days` is refused.

    Defaults: the content is the order's title and category; the delivery date its due
    date (or the date commissioned, for an order already past its due date); the place 'electronic submission'; the date commissioned the assignment's date;
    the payment date the region's payday for the delivery month (月末締め), never past the
    60-day limit. Hourly orders state the hourly rate and how minutes become yen; a
    per-deliverable order needs the `amount` agreed.
    """
    assignment = Assignment.objects.select_related("order", "worker").get(pk=assignment.pk)
    order, worker = assignment.order, assignment.worker
    settings = payout_settings_get()
    commissioned_on = check_date(commissioned_on or assignment.assigned_on, field="commissioned_on")
    delivery_on = check_date(delivery_on or max(order.due_on, commissioned_on), field="delivery_on")
    if inspection_on is not None:
        check_date(inspection_on, field="inspection_on")
    if notice_exists_for(assignment):
        raise DomainError(
            "notice_exists",
            _("The terms notice of this assignment was already issued; it cannot change."),
            field="assignment",
        )
    if WorkLog.objects.filter(assignment=assignment).exists():
        raise DomainError(
            "work_already_started",
            _("The terms notice must be issued before work starts; work is already logged."),
            field="assignment",
        )
    if delivery_on < commissioned_on:
        raise DomainError(
            "delivery_before_commission",
            _("The delivery date cannot be before the date commissioned."),
            field="delivery_on",
        )
    deadline = money.payment_deadline(delivery_on)
    if payment_due_on is None:
        payment_due_on = min(due_date_for(money.month_bounds(delivery_on)[1], settings), deadline)
    check_date(payment_due_on, field="payment_due_on")
    if payment_due_on > deadline:
        raise DomainError(
            "payment_after_60_days",
            _(
                "The payment date must be within 60 days of delivery (the delivery day "
                "counts as the first): %(deadline)s at the latest."
            ),
            field="payment_due_on",
            params={"deadline": deadline.isoformat()},
        )
    if payment_due_on < delivery_on:
        raise DomainError(
            "payment_before_delivery",
            _("The payment date cannot be before the delivery date."),
            field="payment_due_on",
        )
    if inspection_on is not None and not delivery_on <= inspection_on <= payment_due_on:
        raise DomainError(
            "inspection_out_of_range",
            _("The inspection completes between delivery and payment."),
            field="inspection_on",
        )
    terms = (
        f"毎月末日締切、{'翌' if settings.payment_month_offset else '当'}月"
        f"{'末日' if settings.payment_day >= 31 else f'{settings.payment_day}日'}払い"
    )
    check_commission_amount(order.contract_type, amount, field="amount")
    if order.contract_type == ContractType.HOURLY:
        hourly_rate = worker.hourly_rate
        computation = (
            f"時間単価 {_yen(hourly_rate)} × 承認された稼働時間（分）÷ 60。案件ごと・月ごとに"
            "分数を合計してから1円未満を切り捨てる。適格請求書発行事業者には消費税10%を"
            "別途表示して加算し、源泉徴収の対象となる業務は所得税及び復興特別所得税を控除する。"
        )
    else:
        hourly_rate = None
        computation = f"{_yen(amount)}（消費税別。源泉徴収の対象となる業務は所得税等を控除）"
        terms = "成果物の受領後、上記期日払い"
    # The notice is a legal document given in Japanese, whatever language the person
    # issuing it browses in: the category's label is rendered in Japanese.
    with translation.override("ja"):
        default_content = f"{order.title}（{Category(order.category).label}）"
    notice = CommissionNotice(
        assignment=assignment,
        principal_name=_text(settings.principal_name)
        or getattr(getattr(connection, "tenant", None), "name", "")
        or "委託事業者",
        worker_name=worker.name,
        commissioned_on=commissioned_on,
        content=_text(content) or default_content,
        delivery_on=delivery_on,
        delivery_place=_text(delivery_place)
        or "電磁的方法による提出（委託事業者の指定するシステム）",
        inspection_on=inspection_on,
        hourly_rate=hourly_rate,
        amount=amount,
        amount_computation=computation,
        payment_due_on=payment_due_on,
        payment_terms=terms,
        payment_method=_text(payment_method) or settings.payment_method,
        issued_by_id=getattr(acting_user, "pk", None),
    )
    with translation.override("ja"):
        notice.body = _notice_body(notice, order)
    validate(notice)
    notice.save()
    audit_record(
        action="commission_notice.issue",
        actor=acting_user,
        instance=notice,
        changes={
            "assignment_id": assignment.pk,
            "order_id": order.pk,
            "worker_id": worker.pk,
            "commissioned_on": commissioned_on.isoformat(),
            "delivery_on": delivery_on.isoformat(),
            "payment_due_on": payment_due_on.isoformat(),
            "hourly_rate": hourly_rate,
            "amount": amount,
        },
    )
    return notice


def _continuous(worker: Worker, until: datetime.date) -> tuple[datetime.date | None, bool]:
    started = relationship_started_on(worker)
    latest_delivery = (
        CommissionNotice.objects.filter(assignment__worker=worker)
        .order_by("-delivery_on")
        .values_list("delivery_on", flat=True)
        .first()
    )
    horizon = max(day for day in (until, latest_delivery) if day is not None)
    return started, relationship_is_continuous(started_on=started, until=horizon)


@transaction.atomic
def accommodation_request_record(
    *,
    worker: Worker,
    requested_on: datetime.date,
    kind: str,
    content: str,
    response: str = "",
    responded_on: datetime.date | None = None,
    acting_user=None,
) -> AccommodationRequest:
    """Record a request to balance the work with childcare or care, and the response.

    Freelance Act art. 13: in a continuous relationship (six months or more, 施行令
    第3条) the commissioning party must give the necessary consideration (13(1)); in a
    shorter one it must endeavour to (13(2)). The record says which applied. The content
    is sensitive (encrypted at rest, never audited).
    """
    check_date(requested_on, field="requested_on")
    if kind not in AccommodationKind.values:
        raise DomainError(
            "kind_unknown", _("The kind must be childcare, care or pregnancy."), field="kind"
        )
    content, response = _text(content), _text(response)
    if not content:
        raise DomainError("content_required", _("Record what was asked."), field="content")
    _check_response(requested_on, response, responded_on)
    _started, continuous = _continuous(worker, requested_on)
    request = AccommodationRequest(
        worker=worker,
        requested_on=requested_on,
        kind=kind,
        content=content,
        response=response,
        responded_on=responded_on,
        continuous=continuous,
    )
    validate(request)
    request.save()
    audit_record(
        action="accommodation_request.record",
        actor=acting_user,
        instance=request,
        changes={
            "worker_id": worker.pk,
            "kind": kind,
            "requested_on": requested_on.isoformat(),
            "responded": bool(response),
            "continuous": continuous,
        },
    )
    return request


def _check_response(requested_on, response: str, responded_on) -> None:
    if responded_on is not None:
        check_date(responded_on, field="responded_on")
        if responded_on < requested_on:
            raise DomainError(
                "responded_before_request",
                _("The response cannot be dated before the request."),
                field="responded_on",
            )
    if bool(response) != (responded_on is not None):
        raise DomainError(
            "response_incomplete",
            _("A response is recorded with the date it was given."),
            field="responded_on" if response else "response",
        )


@transaction.atomic
def accommodation_request_respond(
    *,
    request: AccommodationRequest,
    response: str,
    responded_on: datetime.date,
    acting_user=None,
) -> AccommodationRequest:
    """Record the response to a request that has none yet."""
    lock_row(request)
    if request.responded_on is not None:
        raise DomainError(
            "already_responded",
            _("This request already has its response."),
            field="response",
        )
    response = _text(response)
    if not response:
        raise DomainError("response_required", _("Record the response."), field="response")
    _check_response(request.requested_on, response, responded_on)
    request.response = response
    request.responded_on = responded_on
    request.save(update_fields=["response", "responded_on", "updated_at"])
    audit_record(
        action="accommodation_request.respond",
        actor=acting_user,
        instance=request,
        changes={"worker_id": request.worker_id, "responded_on": responded_on.isoformat()},
    )
    return request


@transaction.atomic
def relationship_end(
    *,
    worker: Worker,
    notified_on: datetime.date,
    ends_on: datetime.date,
    exception: str = "",
    acting_user=None,
) -> RelationshipEnd:
    """Give (and record) notice that a worker's relationship ends.

    Freelance Act art. 16(1): a continuous relationship (six months or more from the
    first commission, 施行令 第3条) is ended or not renewed only on at least 30 days'
    notice, unless one of the exceptions of 厚生労働省関係 施行規則 第4条 applies (the
    `exception` recorded). Shorter relationships are recorded without the 30-day rule.
    """
    check_date(notified_on, field="notified_on")
    check_date(ends_on, field="ends_on")
    exception = _text(exception)
    if exception and exception not in TerminationException.values:
        raise DomainError(
            "exception_unknown", _("Unknown exception to the notice period."), field="exception"
        )
    if ends_on < notified_on:
        raise DomainError(
            "ends_before_notice",
            _("The relationship cannot end before the notice is given."),
            field="ends_on",
        )
    started, continuous = _continuous(worker, ends_on)
    if started is None:
        raise DomainError(
            "no_relationship",
            _("Nothing was ever commissioned to this worker."),
            field="worker",
        )
    earliest = notified_on + datetime.timedelta(days=NOTICE_PERIOD_DAYS)
    if continuous and not exception and ends_on < earliest:
        raise DomainError(
            "notice_too_short",
            _(
                "A relationship of six months or more ends on at least 30 days' notice: "
                "with notice on %(notified)s it can end on %(earliest)s at the earliest."
            ),
            field="ends_on",
            params={"notified": notified_on.isoformat(), "earliest": earliest.isoformat()},
        )
    record = RelationshipEnd(
        worker=worker,
        notified_on=notified_on,
        ends_on=ends_on,
        relationship_started_on=started,
        continuous=continuous,
        exception=exception,
        created_by_id=getattr(acting_user, "pk", None),
    )
    validate(record)
    record.save()
    audit_record(
        action="relationship.end",
        actor=acting_user,
        instance=record,
        changes={
            "worker_id": worker.pk,
            "notified_on": notified_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "started_on": started.isoformat(),
            "continuous": continuous,
            "exception": exception,
        },
    )
    return record
