"""The Freelance Act (特定受託事業者に係る取引の適正化等に関する法律): the 3条通知 before work,
payment within 60 days and the at-risk flag, accommodation requests, 30 days' notice."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.models import Assignment, WorkLog
from kado_tenants.orders.services import worklog_approve, worklog_record
from kado_tenants.payouts.models import AccommodationRequest, CommissionNotice, RelationshipEnd
from kado_tenants.payouts.selectors import notice_exists_for, statement_risk, statements_at_risk
from kado_tenants.payouts.services import (
    accommodation_request_record,
    accommodation_request_respond,
    bank_account_set,
    commission_notice_issue,
    deliverable_pay_record,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
    relationship_end,
    require_commission_notice,
    zengin_export,
)

D = datetime.date


# --- 3条通知 ----------------------------------------------------------------------------


def test_notice_states_every_required_item(make, admin):
    assignment = make.assignment()  # order received 2023-05-10, due 2023-06-30
    notice = commission_notice_issue(assignment=assignment, acting_user=admin)

    assert notice.commissioned_on == assignment.assigned_on
    assert notice.delivery_on == D(2023, 6, 30)
    assert notice.payment_due_on == D(2023, 7, 31)  # 6月末締め翌月末払い, within 60 days
    assert notice.hourly_rate == assignment.worker.hourly_rate and notice.amount is None
    for item in (
        "委託事業者",
        "特定受託事業者: " + assignment.worker.name,
        "業務委託をした日: 2023年05月10日",
        "給付の内容: 画像アノテーション",
        "給付を受領する期日: 2023年06月30日",
        "給付を受領する場所",
        "報酬の額: 時間単価 1,000円",
        "報酬の支払期日: 2023年07月31日",
        "報酬の支払方法: 銀行振込",
    ):
        assert item in notice.body
    assert notice_exists_for(assignment)
    entry = AuditEntry.objects.filter(action="commission_notice.issue").latest("id")
    assert assignment.worker.name not in str(entry.changes)


def test_notice_is_in_japanese_whatever_language_the_issuer_browses_in(make, admin):
    assignment = make.assignment()  # AI annotation, 画像アノテーション
    with translation.override("en"):
        notice = commission_notice_issue(assignment=assignment, acting_user=admin)

    label = "AI教師データ作成（画像アノテーション）"
    assert notice.content == f"画像アノテーション（{label}）"
    assert f"給付の内容: 画像アノテーション（{label}）" in notice.body
    assert "training" not in notice.body
    assert re.findall(r"[A-Za-z]{3,}", notice.body) == []  # "AI" is part of the label


def test_payment_at_most_60_days_after_delivery(make, admin):
    assignment = make.assignment()
    delivery = D(2023, 6, 30)
    before = CommissionNotice.objects.count()
    with pytest.raises(DomainError) as info:
        commission_notice_issue(
            assignment=assignment, delivery_on=delivery, payment_due_on=D(2023, 8, 29)
        )  # day 61 counting the delivery day as day 1
    assert (info.value.code, info.value.field) == ("payment_after_60_days", "payment_due_on")
    assert "2023-08-28" in info.value.message
    assert CommissionNotice.objects.count() == before

    notice = commission_notice_issue(
        assignment=assignment,
        delivery_on=delivery,
        payment_due_on=D(2023, 8, 28),  # day 60
        inspection_on=D(2023, 7, 5),
        delivery_place="電子メールで提出",
    )
    assert "検査を完了する期日: 2023年07月05日" in notice.body


def test_notice_is_issued_once_and_never_changes(make, admin):
    assignment = make.assignment()  # 2023: before the Act, so issued by hand here
    notice = commission_notice_issue(assignment=assignment)
    with pytest.raises(DomainError) as info:
        commission_notice_issue(assignment=assignment)
    assert info.value.code == "notice_exists"
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionNotice.objects.filter(pk=notice.pk).update(payment_due_on=D(2023, 9, 30))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payouts_commissionnotice WHERE id = %s", [notice.pk])

    late = make.assignment()
    worklog_record(assignment=late, work_date=D(2023, 5, 12), minutes=60)
    with pytest.raises(DomainError) as info:
        commission_notice_issue(assignment=late)
    assert info.value.code == "work_already_started"


# Commissions from the day the Act came into force (2024-11-01).
ACT_ORDER = {"received_on": D(2025, 4, 10), "due_on": D(2025, 5, 31)}


def test_assigning_work_under_the_act_issues_the_notice_in_the_same_transaction(make, admin):
    order = make.order(**ACT_ORDER)
    assignment = make.assignment(order=order)

    notice = CommissionNotice.objects.get(assignment=assignment)
    assert notice.commissioned_on == D(2025, 4, 10)
    assert notice.delivery_on == D(2025, 5, 31)
    assert notice.payment_due_on == D(2025, 6, 30)  # 5月末締め翌月末払い, within 60 days
    assert notice.hourly_rate == assignment.worker.hourly_rate
    assert notice.issued_by_id == admin.pk
    assert "業務委託をした日: 2025年04月10日" in notice.body
    actions = list(
        AuditEntry.objects.filter(action__in=["assignment.create", "commission_notice.issue"])
        .order_by("-id")
        .values_list("action", flat=True)[:2]
    )
    assert actions == ["commission_notice.issue", "assignment.create"]
    worklog_record(assignment=assignment, work_date=D(2025, 4, 11), minutes=90)
    with pytest.raises(DomainError) as info:
        commission_notice_issue(assignment=assignment)
    assert info.value.code == "notice_exists"


def test_assigning_an_overdue_order_states_delivery_no_earlier_than_the_commission(make, admin):
    order = make.order(received_on=D(2025, 4, 10), due_on=D(2025, 4, 30))
    assignment = make.assignment(order=order, assigned_on=D(2025, 5, 7))
    notice = CommissionNotice.objects.get(assignment=assignment)
    assert notice.delivery_on == D(2025, 5, 7)
    assert notice.payment_due_on <= D(2025, 5, 7) + datetime.timedelta(days=59)


def _nothing_written(call, code, field):
    before = (
        Assignment.objects.count(),
        CommissionNotice.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(DomainError) as info:
        call()
    assert (info.value.code, info.value.field) == (code, field)
    assert info.value.message
    after = (
        Assignment.objects.count(),
        CommissionNotice.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_per_deliverable_work_under_the_act_needs_the_agreed_amount(make, admin):
    order = make.order(
        contract_type=ContractType.PER_DELIVERABLE, unit_price=500, quantity=10, **ACT_ORDER
    )
    worker = make.active_worker()
    _nothing_written(
        lambda: make.assignment(order=order, worker=worker),
        "amount_required",
        "agreed_amount",
    )
    for bad, code in ((0, "min_value"), (-5, "min_value"), (1.5, "not_whole_number")):
        _nothing_written(
            lambda bad=bad: make.assignment(order=order, worker=worker, agreed_amount=bad),
            code,
            "agreed_amount",
        )

    assignment = make.assignment(order=order, worker=worker, agreed_amount=4_000)
    notice = CommissionNotice.objects.get(assignment=assignment)
    assert notice.amount == 4_000 and "4,000円" in notice.body


def test_hourly_work_states_no_fixed_amount(make, admin):
    order = make.order(**ACT_ORDER)
    worker = make.active_worker()
    _nothing_written(
        lambda: make.assignment(order=order, worker=worker, agreed_amount=10_000),
        "amount_not_hourly",
        "agreed_amount",
    )


def test_no_work_is_logged_under_the_act_without_a_notice(make, admin):
    """A row that reached the table without the service (an import, say) cannot start work."""
    order = make.started_order(**ACT_ORDER)
    bare = Assignment.objects.create(
        order=order, worker=make.active_worker(), assigned_on=D(2025, 4, 10)
    )
    with pytest.raises(DomainError) as info:
        worklog_record(assignment=bare, work_date=D(2025, 4, 11), minutes=60)
    assert (info.value.code, info.value.field) == ("commission_notice_missing", "assignment")
    assert not WorkLog.objects.filter(assignment=bare).exists()

    commission_notice_issue(assignment=bare, acting_user=admin)
    require_commission_notice(bare)
    worklog_record(assignment=bare, work_date=D(2025, 4, 11), minutes=60)
    assert WorkLog.objects.filter(assignment=bare).count() == 1


def test_work_commissioned_before_the_act_needs_no_notice(make, admin):
    assignment = make.assignment(
        order=make.order(received_on=D(2024, 10, 31), due_on=D(2024, 11, 29))
    )
    assert not notice_exists_for(assignment)
    require_commission_notice(assignment)
    worklog_record(assignment=assignment, work_date=D(2024, 10, 31), minutes=30)


def test_per_deliverable_notice_needs_the_amount(make, admin):
    order = make.order(contract_type=ContractType.PER_DELIVERABLE, unit_price=500, quantity=10)
    assignment = make.assignment(order=order)
    with pytest.raises(DomainError) as info:
        commission_notice_issue(assignment=assignment)
    assert info.value.code == "amount_required"
    notice = commission_notice_issue(assignment=assignment, amount=30_000)
    assert notice.amount == 30_000 and "30,000円" in notice.body


# --- statements at risk of the 60-day rule ------------------------------------------------


def _statement(make, admin):
    assignment = make.assignment()
    entry = worklog_record(assignment=assignment, work_date=D(2023, 5, 15), minutes=60)
    worklog_approve(work_log=entry, acting_user=admin)
    bank_account_set(
        worker=assignment.worker,
        bank_code="0001",
        branch_code="001",
        account_number="7654321",
        holder_kana="シオジリ ハナコ",
    )
    [statement] = payout_statements_generate(month=D(2023, 5, 1), acting_user=admin)
    return statement


def test_statement_at_risk_within_seven_days_of_its_deadline(make, admin):
    statement = _statement(make, admin)
    deadline = statement.payment_deadline
    assert deadline == D(2023, 7, 29)

    def flagged(today):
        return list(statements_at_risk(today=today).values_list("pk", flat=True))

    assert flagged(deadline - datetime.timedelta(days=8)) == []
    assert flagged(deadline - datetime.timedelta(days=7)) == [statement.pk]
    assert statement_risk(statement, today=deadline - datetime.timedelta(days=7)) == "due_soon"
    assert statement_risk(statement, today=deadline + datetime.timedelta(days=1)) == "overdue"
    assert flagged(deadline + datetime.timedelta(days=30)) == [statement.pk]


def test_a_transfer_by_the_deadline_clears_the_flag_and_a_late_one_keeps_it(make, admin):
    payout_settings_update(
        remitter_code="1234567890",
        remitter_name_kana="アルファ",
        bank_code="0001",
        branch_code="001",
        account_number="1234567",
    )
    on_time = payout_statement_approve(statement=_statement(make, admin), acting_user=admin)
    zengin_export(statements=[on_time], transfer_date=D(2023, 6, 30), today=D(2023, 6, 20))
    assert list(statements_at_risk(today=D(2023, 7, 28))) == []

    other = make.active_worker()
    assignment = make.assignment(worker=other)
    entry = worklog_record(assignment=assignment, work_date=D(2023, 5, 16), minutes=60)
    worklog_approve(work_log=entry, acting_user=admin)
    bank_account_set(
        worker=other, bank_code="0001", branch_code="001", account_number="1", holder_kana="ア"
    )
    [late] = payout_statements_generate(month=D(2023, 5, 1), acting_user=admin)
    payout_statement_approve(statement=late, acting_user=admin)
    export = zengin_export(statements=[late], transfer_date=D(2023, 8, 1), today=D(2023, 7, 31))
    assert export.late_statement_ids == (late.pk,)
    late.refresh_from_db()
    assert statement_risk(late, today=D(2023, 8, 1)) == "transferred_late"
    assert list(statements_at_risk(today=D(2023, 6, 1)).values_list("pk", flat=True)) == [late.pk]


def test_deliverables_move_the_deadline_and_due_date_earlier(make, admin):
    order = make.order(
        contract_type=ContractType.PER_DELIVERABLE,
        unit_price=500,
        quantity=10,
        received_on=D(2023, 5, 1),
    )
    assignment = make.assignment(order=order)
    deliverable_pay_record(
        assignment=assignment,
        description="100枚のアノテーション",
        quantity=100,
        unit_price=30,
        received_on=D(2023, 5, 2),
    )
    [statement] = payout_statements_generate(month=D(2023, 5, 1), acting_user=admin)
    line = statement.lines.get()
    assert (line.kind, line.amount, line.quantity) == ("deliverable", 3_000, 100)
    assert statement.payment_deadline == D(2023, 6, 30)  # 5/2 + 59 days
    assert statement.due_on == D(2023, 6, 30)


# --- accommodation requests (art. 13) -----------------------------------------------------


def test_accommodation_request_recorded_with_its_response(make, admin):
    assignment = make.assignment()  # first commission 2023-05-10
    long_running = accommodation_request_record(
        worker=assignment.worker,
        requested_on=D(2023, 12, 1),
        kind="childcare",
        content="保育園のお迎えのため、17時以降の作業を避けたい",
        acting_user=admin,
    )
    assert long_running.continuous is True  # six months or more: art. 13(1) duty
    early = accommodation_request_record(
        worker=assignment.worker,
        requested_on=D(2023, 6, 1),
        kind="care",
        content="通院の付き添い",
        response="納期を1週間延長",
        responded_on=D(2023, 6, 3),
    )
    assert early.continuous is False  # art. 13(2): effort duty

    accommodation_request_respond(
        request=long_running, response="作業時間帯を9時〜16時に変更", responded_on=D(2023, 12, 5)
    )
    long_running.refresh_from_db()
    assert long_running.responded_on == D(2023, 12, 5)
    with pytest.raises(DomainError) as info:
        accommodation_request_respond(
            request=long_running, response="again", responded_on=D(2023, 12, 6)
        )
    assert info.value.code == "already_responded"

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content FROM payouts_accommodationrequest WHERE id = %s", [long_running.pk]
        )
        assert "保育園" not in cursor.fetchone()[0]  # encrypted at rest
    audits = AuditEntry.objects.filter(action__startswith="accommodation_request")
    assert audits.count() == 3
    assert all("保育園" not in str(entry.changes) for entry in audits)


def test_accommodation_refusals_write_nothing(make, admin):
    worker = make.active_worker()
    before = AccommodationRequest.objects.count()
    for kwargs, code in (
        ({"kind": "holiday"}, "kind_unknown"),
        ({"content": "  "}, "content_required"),
        ({"response": "OK"}, "response_incomplete"),
        ({"response": "OK", "responded_on": D(2023, 5, 1)}, "responded_before_request"),
    ):
        fields = {
            "worker": worker,
            "requested_on": D(2023, 6, 1),
            "kind": "care",
            "content": "介護",
            **kwargs,
        }
        with pytest.raises(DomainError) as info:
            accommodation_request_record(**fields)
        assert info.value.code == code
    assert AccommodationRequest.objects.count() == before


# --- ending a relationship (art. 16) ------------------------------------------------------


def test_thirty_days_notice_for_a_relationship_of_six_months(make, admin):
    assignment = make.assignment()  # first commission 2023-05-10
    worker = assignment.worker
    with pytest.raises(DomainError) as info:
        relationship_end(worker=worker, notified_on=D(2023, 11, 15), ends_on=D(2023, 12, 1))
    assert (info.value.code, info.value.field) == ("notice_too_short", "ends_on")
    assert "2023-12-15" in info.value.message
    assert RelationshipEnd.objects.count() == 0

    record = relationship_end(
        worker=worker, notified_on=D(2023, 11, 1), ends_on=D(2023, 12, 1), acting_user=admin
    )  # exactly 30 days
    assert record.continuous is True
    assert record.relationship_started_on == D(2023, 5, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipEnd.objects.filter(pk=record.pk).update(ends_on=D(2023, 11, 2))


def test_shorter_relationships_and_exceptions(make, admin):
    short = make.assignment().worker
    record = relationship_end(worker=short, notified_on=D(2023, 7, 25), ends_on=D(2023, 8, 1))
    assert record.continuous is False  # under six months: no 30-day rule

    long = make.assignment().worker
    record = relationship_end(
        worker=long, notified_on=D(2023, 12, 1), ends_on=D(2023, 12, 2), exception="disaster"
    )
    assert record.exception == "disaster"

    never = make.active_worker()
    with pytest.raises(DomainError) as info:
        relationship_end(worker=never, notified_on=D(2023, 12, 1), ends_on=D(2024, 1, 15))
    assert info.value.code == "no_relationship"
    with pytest.raises(DomainError) as info:
        relationship_end(worker=long, notified_on=D(2023, 12, 1), ends_on=D(2023, 11, 1))
    assert info.value.code == "ends_before_notice"


def test_inspection_completes_between_delivery_and_payment(make, admin):
    assignment = make.assignment()
    delivery, payment = D(2023, 6, 30), D(2023, 7, 31)
    for inspection in (delivery - datetime.timedelta(days=1), payment + datetime.timedelta(days=1)):
        _nothing_written(
            lambda inspection=inspection: commission_notice_issue(
                assignment=assignment,
                delivery_on=delivery,
                payment_due_on=payment,
                inspection_on=inspection,
                acting_user=admin,
            ),
            "inspection_out_of_range",
            "inspection_on",
        )
    assert not notice_exists_for(assignment)
    notice = commission_notice_issue(
        assignment=assignment,
        delivery_on=delivery,
        payment_due_on=payment,
        inspection_on=payment,  # the last day it may complete
        acting_user=admin,
    )
    assert notice.inspection_on == payment
