"""One month of money through the services in each demo region (January 2024, FY2023).

The history writes nine years of orders and work in bulk; invoices, payout statements and
transfers are legal documents, so this month goes the way a region admin would: orders
commissioned with a terms notice (3条通知), work logged and approved, delivered, a
qualified invoice issued and paid, every worker's statement approved and paid by a Zengin
file. The demo then has something on every money page and in the hub report. The same
workers also make the Freelance Act records a region keeps: two requests for
consideration of childcare or care (one answered, one awaiting its answer) and one
notice ending a relationship.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from kado_platform.core.errors import DomainError
from kado_platform.demo.catalog import RegionSpec
from kado_tenants.clients.selectors import client_list
from kado_tenants.invoicing.services import (
    invoice_create,
    invoice_issue,
    invoice_issuer_set,
    invoice_mark_paid,
)
from kado_tenants.orders.services import (
    assignment_create,
    order_create,
    order_transition,
    worklog_approve,
    worklog_record,
)
from kado_tenants.payouts.services import (
    accommodation_request_record,
    bank_account_set,
    commission_notice_issue,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
    relationship_end,
    zengin_export,
)
from kado_tenants.workforce.choices import WorkerStatus
from kado_tenants.workforce.selectors import worker_list

MONTH = datetime.date(2024, 1, 1)
RECEIVED = datetime.date(2024, 1, 9)
DELIVERED = datetime.date(2024, 1, 31)
ISSUED = datetime.date(2024, 2, 5)
PAID = datetime.date(2024, 2, 29)  # 月末締め翌月末払い, both ways
# Bank and branch codes of the Zengin master (みずほ銀行 本店, りそな銀行 本店).
REMITTER_BANK = ("0001", "001")
PAYEE_BANK = ("0005", "001")
WORK_DAYS = (10, 11, 15, 16, 17, 22, 23, 24, 25, 29)


@dataclass
class MoneySummary:
    billed: int = 0
    statements: int = 0
    transferred: int = 0
    freelance_records: int = 0


def _commissioned_orders(spec: RegionSpec, *, admin, client, workers, rng) -> list:
    """One small hourly order per worker (its estimate is the work done, so the history's
    figures hardly move), commissioned with a notice, worked, approved and delivered."""
    orders = []
    for number, worker in enumerate(workers, start=1):
        days = sorted(rng.sample(WORK_DAYS, 4))
        minutes = [rng.choice((90, 120, 150, 180)) for _ in days]
        order = order_create(
            client=client,
            title=f"申請書データ入力 その{number}",
            category="data_entry",
            contract_type="hourly",
            unit_price=1_200,
            estimated_minutes=sum(minutes),
            received_on=RECEIVED,
            due_on=DELIVERED,
            acting_user=admin,
        )
        order = order_transition(
            order=order, to_status="in_progress", on_date=RECEIVED, acting_user=admin
        )
        assignment = assignment_create(
            order=order, worker=worker, assigned_on=RECEIVED, acting_user=admin
        )
        # Before 2024-11-01 the Act did not apply; the foundation states the terms anyway.
        commission_notice_issue(assignment=assignment, acting_user=admin)
        for day, minutes_of_day in zip(days, minutes, strict=True):
            work_log = worklog_record(
                assignment=assignment,
                work_date=MONTH.replace(day=day),
                minutes=minutes_of_day,
                acting_user=admin,
            )
            worklog_approve(work_log=work_log, acting_user=admin)
        orders.append(
            order_transition(
                order=order, to_status="delivered", on_date=DELIVERED, acting_user=admin
            )
        )
    return orders


def write_money(spec: RegionSpec, *, admin, seed: int) -> MoneySummary:
    """Run January 2024's money in the current region schema; returns what it made."""
    from kado_platform.demo.history import registration_number  # history imports this module

    rng = random.Random(f"kado-demo-money-{seed}-{spec.code}")  # noqa: S311 (demo data)
    summary = MoneySummary()
    invoice_issuer_set(
        name=f"{spec.name}テレワークセンター",
        registration_number=registration_number(rng),
        address=f"{spec.prefecture}{spec.name}",
        bank_name="みずほ銀行",
        bank_branch="本店",
        bank_account_number=f"{rng.randrange(10**7):07d}",
        bank_account_holder=spec.name_kana,
        acting_user=admin,
    )
    payout_settings_update(
        principal_name=f"{spec.name}テレワークセンター",
        remitter_code=f"{rng.randrange(10**10):010d}",
        remitter_name_kana=spec.name_kana,
        bank_code=REMITTER_BANK[0],
        branch_code=REMITTER_BANK[1],
        account_type="1",
        account_number=f"{rng.randrange(10**7):07d}",
        acting_user=admin,
    )
    client = client_list().order_by("id").first()
    workers = list(
        worker_list(status=WorkerStatus.ACTIVE).filter(joined_on__lte=RECEIVED).order_by("id")[:3]
    )
    if client is None or not workers:
        return summary

    orders = _commissioned_orders(spec, admin=admin, client=client, workers=workers, rng=rng)
    invoice = invoice_issue(
        invoice=invoice_create(client=client, orders=orders, acting_user=admin),
        issued_on=ISSUED,
        acting_user=admin,
    )
    invoice_mark_paid(invoice=invoice, paid_on=PAID, amount=invoice.total, acting_user=admin)
    summary.billed = invoice.total

    approved = []
    for statement in payout_statements_generate(month=MONTH, acting_user=admin, today=ISSUED):
        worker = statement.worker
        try:
            bank_account_set(
                worker=worker,
                bank_code=PAYEE_BANK[0],
                branch_code=PAYEE_BANK[1],
                account_type="1",
                account_number=f"{rng.randrange(10**7):07d}",
                holder_kana=worker.name_kana,
                acting_user=admin,
            )
        except DomainError:
            continue  # a reading the Zengin character set cannot hold: paid by hand
        approved.append(payout_statement_approve(statement=statement, acting_user=admin))
    if approved:
        export = zengin_export(
            statements=approved, transfer_date=PAID, acting_user=admin, today=ISSUED
        )
        summary.statements, summary.transferred = export.count, export.total
    summary.freelance_records = _freelance_act_records(workers, admin=admin)
    return summary


def _freelance_act_records(workers, *, admin) -> int:
    """Art. 13 requests (one answered, one open) and an art. 16 notice, as a region keeps."""
    # write_money has returned already when the region has no worker.
    accommodation_request_record(
        worker=workers[0],
        requested_on=datetime.date(2024, 1, 12),
        kind="childcare",
        content="保育園のお迎えのため、平日16時以降の作業を外してほしい。",
        response="2月分から16時までに終わる作業のみを割り当てる。",
        responded_on=datetime.date(2024, 1, 16),
        acting_user=admin,
    )
    made = 1
    if len(workers) > 1:
        accommodation_request_record(
            worker=workers[1],
            requested_on=datetime.date(2024, 2, 20),
            kind="care",
            content="親の通院の付き添いで、毎週木曜は作業できない。",
            acting_user=admin,
        )
        made += 1
    if len(workers) > 2:
        relationship_end(
            worker=workers[2],
            notified_on=datetime.date(2024, 2, 1),
            ends_on=datetime.date(2024, 3, 31),
            acting_user=admin,
        )
        made += 1
    return made
