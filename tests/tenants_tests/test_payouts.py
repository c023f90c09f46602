"""Worker payouts: worked examples of the money rules, statements from approved work
only, each work log paid once, and approved statements that cannot change (ORM or SQL)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_tenants.orders.categories import Category
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.models import WorkLog
from kado_tenants.orders.services import worklog_approve, worklog_record
from kado_tenants.payouts import money
from kado_tenants.payouts.models import (
    PayoutLine,
    PayoutStatement,
    PayoutWorkLog,
)
from kado_tenants.payouts.services import (
    commission_notice_issue,
    deliverable_pay_record,
    payout_settings_update,
    payout_statement_approve,
    payout_statement_update,
    payout_statements_generate,
    withholding_category_set,
)
from kado_tenants.workforce.services import worker_update

MAY = datetime.date(2023, 5, 1)
# 法人番号 with a valid check digit (conftest), as a T-number.
T_NUMBER = "T7000012050002"


def log(make, admin, assignment, day: int, minutes: int, *, approve=True) -> WorkLog:
    entry = worklog_record(
        assignment=assignment, work_date=datetime.date(2023, 5, day), minutes=minutes
    )
    if approve:
        worklog_approve(work_log=entry, acting_user=admin)
    return entry


# --- the rules, as numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "tax"),
    [
        (0, 0),
        (9_999, 1_020),  # 1,020.8979 → floored
        (10_000, 1_021),
        (999_999, 102_099),  # 102,099.8979 → floored
        (1_000_000, 102_100),  # the boundary: 10.21% of the whole
        (1_000_001, 102_100),  # 0.2042 yen on the excess → floored to 0
        (1_000_005, 102_101),  # 1.021 → 1
        (1_500_000, 204_200),  # 102,100 + 500,000 × 20.42% (102,100)
        (2_000_000, 306_300),
    ],
)
def test_withholding_across_the_million_yen_boundary(base, tax):
    assert money.withholding_tax(base) == tax


def test_hourly_amount_floors_once_after_summing_minutes():
    assert money.hourly_amount(1_000, 59) == 983  # 983.33…
    assert money.hourly_amount(1_000, 1) + money.hourly_amount(1_000, 1) == 32
    assert money.hourly_amount(1_000, 2) == 33  # one floor: 33.33…, not 16 + 16


def test_consumption_tax_is_ten_percent_floored():
    assert money.consumption_tax(12_345) == 1_234
    assert money.consumption_tax(9) == 0


def test_money_rules_refuse_floats_and_negatives():
    with pytest.raises(TypeError):
        money.withholding_tax(1000.0)
    with pytest.raises(ValueError):
        money.hourly_amount(1000, -1)


def test_payment_deadline_counts_the_day_of_receipt():
    assert money.payment_deadline(datetime.date(2023, 5, 31)) == datetime.date(2023, 7, 29)
    assert money.add_months(datetime.date(2023, 1, 31), 1) == datetime.date(2023, 2, 28)


# --- statements -----------------------------------------------------------------------------


def test_statement_from_approved_logs_only(make, admin):
    assignment = make.assignment()
    paid = [log(make, admin, assignment, 11, 90), log(make, admin, assignment, 12, 45)]
    unapproved = log(make, admin, assignment, 13, 60, approve=False)

    [statement] = payout_statements_generate(month=MAY, acting_user=admin)

    assert statement.worker_id == assignment.worker_id
    assert statement.status == "draft"
    assert (statement.fee, statement.consumption_tax, statement.withholding_tax) == (2_250, 0, 0)
    assert statement.net_amount == 2_250  # 1,000 yen/h × 135 min // 60
    [line] = statement.lines.all()
    assert (line.kind, line.minutes, line.unit_price, line.amount) == ("hourly", 135, 1_000, 2_250)
    linked = set(PayoutWorkLog.objects.filter(line=line).values_list("work_log_id", flat=True))
    assert linked == {entry.pk for entry in paid}
    assert unapproved.pk not in linked
    assert statement.closing_on == datetime.date(2023, 5, 31)
    assert statement.due_on == datetime.date(2023, 6, 30)  # 月末締め翌月末払い
    assert statement.payment_deadline == datetime.date(2023, 7, 29)


def test_minutes_are_summed_per_line_before_the_floor(make, admin):
    assignment = make.assignment()
    log(make, admin, assignment, 11, 1)
    log(make, admin, assignment, 12, 1)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    assert statement.fee == 33  # 2,000 / 60 floored once; per log it would be 32


def test_withholding_is_data_per_category_and_applies_per_payment(make, admin):
    big = make.active_worker(hourly_rate=100_000)
    withholding = make.assignment(worker=big)
    other = make.assignment(
        worker=big, order=make.order(category=Category.DATA_ENTRY, title="入力")
    )
    log(make, admin, withholding, 11, 900)  # 1,500,000 yen of AI annotation
    log(make, admin, other, 12, 60)  # 100,000 yen of data entry

    [before] = payout_statements_generate(month=MAY, acting_user=admin)
    assert before.withholding_tax == 0  # default: no category withholds

    withholding_category_set(category=Category.AI_ANNOTATION, withholds=True, acting_user=admin)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)

    assert statement.pk == before.pk  # the draft is rebuilt in place
    assert statement.fee == 1_600_000
    assert statement.withholding_base == 1_500_000
    assert statement.withholding_tax == 204_200  # 102,100 + 102,100
    assert statement.net_amount == 1_600_000 - 204_200
    lines = {line.category: line.withholding for line in statement.lines.all()}
    assert lines == {Category.AI_ANNOTATION: True, Category.DATA_ENTRY: False}


def test_a_refused_withholding_rule_for_a_new_category_writes_nothing(alpha, refused):
    """The note is checked before the first write, so the category gets no row at all."""
    from kado_tenants.payouts.models import WithholdingCategory

    # A category with no rule yet (other tests commit rules for some).
    kept = set(WithholdingCategory.objects.values_list("category", flat=True))
    category = next(value for value in Category.values if value not in kept)
    refused(
        lambda: withholding_category_set(category=category, withholds=True, note="長" * 201),
        code="max_length",
        field="note",
    )
    assert not WithholdingCategory.objects.filter(category=category).exists()


def test_a_code_of_the_wrong_length_is_named_as_the_form_names_it(alpha, refused):
    from django.utils import translation

    with translation.override("ja"):
        error = refused(
            lambda: payout_settings_update(remitter_code="12345"),
            code="remitter_code_format",
            field="remitter_code",
        )
    assert "振込依頼人コード" in error.message and "remitter_code" not in error.message


def test_one_million_yen_withholds_exactly_102100(make, admin):
    worker = make.active_worker(hourly_rate=100_000)
    assignment = make.assignment(worker=worker)
    log(make, admin, assignment, 11, 600)
    withholding_category_set(category=Category.AI_ANNOTATION, withholds=True)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    assert (statement.fee, statement.withholding_tax) == (1_000_000, 102_100)


def test_registered_worker_gets_consumption_tax_and_withholding_on_the_fee_alone(make, admin):
    worker = make.active_worker(hourly_rate=2_000, invoice_registration_number=T_NUMBER)
    assignment = make.assignment(worker=worker)
    log(make, admin, assignment, 11, 300)  # 10,000 yen
    withholding_category_set(category=Category.AI_ANNOTATION, withholds=True)

    [statement] = payout_statements_generate(month=MAY, acting_user=admin)

    assert statement.invoice_registration_number == T_NUMBER
    assert statement.fee == 10_000
    assert statement.consumption_tax == 1_000
    assert statement.withholding_base == 10_000  # tax-exclusive (NTA 直法6-1)
    assert statement.withholding_tax == 1_021
    assert statement.net_amount == 10_000 + 1_000 - 1_021


def test_unregistered_worker_is_shown_no_consumption_tax(make, admin):
    assignment = make.assignment()
    log(make, admin, assignment, 11, 60)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    assert statement.consumption_tax == 0


def test_a_month_is_paid_only_after_it_closes(make, admin):
    with pytest.raises(DomainError) as info:
        payout_statements_generate(month=datetime.date.today(), acting_user=admin)
    assert (info.value.code, info.value.field) == ("month_not_closed", "month")


# --- each log once, and approved statements frozen ----------------------------------------


def test_a_work_log_is_on_one_statement_only(make, admin):
    assignment = make.assignment()
    first = log(make, admin, assignment, 11, 60)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    payout_statement_approve(statement=statement, acting_user=admin)

    assert payout_statements_generate(month=MAY, acting_user=admin) == []

    late = log(make, admin, assignment, 12, 30)  # approved after the statement
    [second] = payout_statements_generate(month=MAY, acting_user=admin)
    assert (second.sequence, second.fee) == (2, 500)
    assert list(second.lines.get().work_logs.values_list("work_log_id", flat=True)) == [late.pk]

    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutWorkLog.objects.create(line=second.lines.get(), work_log=first)


def test_approve_needs_a_user_and_happens_once(make, admin):
    assignment = make.assignment()
    log(make, admin, assignment, 11, 60)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    with pytest.raises(DomainError) as info:
        payout_statement_approve(statement=statement, acting_user=None)
    assert info.value.code == "approver_required"

    payout_statement_approve(statement=statement, acting_user=admin)
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        payout_statement_approve(statement=statement, acting_user=admin)
    assert info.value.code == "statement_already_approved"
    assert AuditEntry.objects.count() == audits
    with pytest.raises(DomainError) as info:
        payout_statement_update(statement=statement, fee=1)
    assert info.value.code == "statement_immutable"


def test_approved_statement_refuses_orm_and_raw_sql_changes(make, admin):
    assignment = make.assignment()
    log(make, admin, assignment, 11, 60)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    payout_statement_approve(statement=statement, acting_user=admin)
    line = statement.lines.get()

    statement.due_on = datetime.date(2023, 6, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        statement.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutStatement.objects.filter(pk=statement.pk).update(status="draft")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payouts_payoutstatement SET net_amount = net_amount + 1, "
            "fee = fee + 1 WHERE id = %s",
            [statement.pk],
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payouts_payoutstatement WHERE id = %s", [statement.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payouts_payoutline SET amount = 1 WHERE id = %s", [line.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutWorkLog.objects.filter(line=line).delete()

    statement.refresh_from_db()
    assert (statement.status, statement.net_amount) == ("approved", 1_000)


def test_draft_statements_can_be_rebuilt(make, admin):
    assignment = make.assignment()
    log(make, admin, assignment, 11, 60)
    [draft] = payout_statements_generate(month=MAY, acting_user=admin)
    log(make, admin, assignment, 12, 60)
    [again] = payout_statements_generate(month=MAY, acting_user=admin)
    assert again.pk == draft.pk
    assert again.fee == 2_000


def test_audit_of_a_statement_has_amounts_not_names(make, admin):
    assignment = make.assignment()
    log(make, admin, assignment, 11, 60)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    entry = AuditEntry.objects.filter(action="payout_statement.generate").latest("id")
    assert entry.changes["net_amount"] == statement.net_amount
    assert assignment.worker.name not in str(entry.changes)


# --- the rate of the 3条通知 governs --------------------------------------------------------


def statement_of(worker, admin):
    """The worker's May statement (other tests' committed rows may be drafted alongside)."""
    made = payout_statements_generate(month=MAY, acting_user=admin)
    [statement] = [statement for statement in made if statement.worker_id == worker.pk]
    return statement


def test_work_is_paid_at_the_notice_rate_after_the_worker_rate_changes(make, admin):
    worker = make.active_worker(hourly_rate=1_200)
    assignment = make.assignment(worker=worker)
    notice = commission_notice_issue(assignment=assignment, acting_user=admin)
    assert notice.hourly_rate == 1_200
    worker_update(worker=worker, hourly_rate=900, acting_user=admin)  # a cut, after the notice
    log(make, admin, assignment, 11, 60)

    statement = statement_of(worker, admin)

    [line] = statement.lines.all()
    assert (line.minutes, line.unit_price, line.amount) == (60, 1_200, 1_200)
    assert (statement.hourly_rate, statement.fee, statement.net_amount) == (1_200, 1_200, 1_200)


def test_each_commission_is_paid_at_its_own_notice_rate_in_one_statement(make, admin):
    worker = make.active_worker(hourly_rate=1_000, invoice_registration_number=T_NUMBER)
    annotation = make.assignment(worker=worker)  # AI annotation: withholds (below)
    commission_notice_issue(assignment=annotation, acting_user=admin)  # 1,000 yen/h
    worker_update(worker=worker, hourly_rate=1_500, acting_user=admin)
    entry = make.assignment(
        worker=worker, order=make.order(category=Category.DATA_ENTRY, title="入力")
    )
    commission_notice_issue(assignment=entry, acting_user=admin)  # 1,500 yen/h
    pieces = make.assignment(
        worker=worker,
        order=make.order(contract_type=ContractType.PER_DELIVERABLE, unit_price=500, quantity=10),
    )
    commission_notice_issue(assignment=pieces, amount=3_000, acting_user=admin)
    worker_update(worker=worker, hourly_rate=2_000, acting_user=admin)  # neither notice's rate
    withholding_category_set(category=Category.AI_ANNOTATION, withholds=True, acting_user=admin)
    log(make, admin, annotation, 11, 90)
    log(make, admin, annotation, 12, 35)
    log(make, admin, entry, 13, 47)
    deliverable_pay_record(
        assignment=pieces,
        description="アノテーション 6件",
        quantity=6,
        unit_price=500,
        received_on=datetime.date(2023, 5, 20),
        acting_user=admin,
    )

    statement = statement_of(worker, admin)

    lines = {line.order_id: line for line in statement.lines.all()}
    assert len(lines) == 3
    hourly = lines[annotation.order_id]
    assert (hourly.minutes, hourly.unit_price, hourly.amount) == (125, 1_000, 2_083)  # 2,083.33
    assert hourly.withholding is True
    other = lines[entry.order_id]
    assert (other.minutes, other.unit_price, other.amount) == (47, 1_500, 1_175)  # 70,500 / 60
    assert other.withholding is False
    deliverable = lines[pieces.order_id]
    assert (deliverable.kind, deliverable.unit_price, deliverable.quantity) == (
        "deliverable",
        500,
        6,
    )
    assert (deliverable.amount, deliverable.withholding) == (3_000, True)
    assert statement.fee == 6_258  # 2,083 + 1,175 + 3,000
    assert statement.consumption_tax == 625  # 625.8 floored
    assert statement.withholding_base == 5_083  # 2,083 + 3,000
    assert statement.withholding_tax == 518  # 5,083 × 10.21% = 518.97… floored
    assert statement.net_amount == 6_365  # 6,258 + 625 − 518
    assert statement.hourly_rate == 1_000  # 125 of the 172 minutes were paid at it

    approved = payout_statement_approve(statement=statement, acting_user=admin)
    assert approved.status == "approved"  # the totals add up to the lines


def test_work_without_a_notice_is_paid_at_the_current_rate(make, admin):
    """Commissioned before the Act (2023): no notice fixed a rate, so the worker's applies."""
    worker = make.active_worker(hourly_rate=1_000)
    assignment = make.assignment(worker=worker)
    worker_update(worker=worker, hourly_rate=1_300, acting_user=admin)
    log(make, admin, assignment, 11, 30)

    statement = statement_of(worker, admin)

    [line] = statement.lines.all()
    assert (line.minutes, line.unit_price, line.amount) == (30, 1_300, 650)
    assert (statement.hourly_rate, statement.fee) == (1_300, 650)
