"""Invoice numbers have no gaps and no duplicates when admins issue at the same moment.

Each thread has its own PostgreSQL connection and issues one committed draft, so the
per-fiscal-year counter row is what serialises them (not the test's transaction).
"""

from __future__ import annotations

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django_tenants.utils import schema_context

from kado_tenants.clients.services import client_create
from kado_tenants.invoicing.models import Invoice
from kado_tenants.invoicing.services import invoice_create, invoice_issue, invoice_issuer_set
from kado_tenants.orders.services import order_create, order_transition

D = datetime.date
THREADS = 12
# A fiscal year no other test issues in, so the numbers counted here are ours alone.
FISCAL_YEAR = 2019


def _in_own_connection(fn, *args):
    """Run on a fresh connection in autocommit, outside the test's rolled-back transaction."""

    def run():
        try:
            return fn(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _commit_drafts(schema_name) -> list[int]:
    with schema_context(schema_name), transaction.atomic():
        invoice_issuer_set(
            name="ベータ町テレワーク推進協議会",
            registration_number="T7000012050002",
            address="長野県ベータ町1-1",
            bank_name="ベータ銀行",
            bank_branch="本店",
            bank_account_number="7654321",
            bank_account_holder="ベータチヨウ",
        )
        client = client_create(name="並行請求テスト株式会社", kind="urban_company")
        drafts = []
        for number in range(THREADS):
            order = order_create(
                client=client,
                title=f"並行請求 {number}",
                category="data_entry",
                contract_type="per_deliverable",
                unit_price=1_000 + number,
                quantity=1,
                estimated_minutes=60,
                received_on=D(2019, 5, 1),
                due_on=D(2019, 5, 31),
            )
            order_transition(order=order, to_status="in_progress", on_date=D(2019, 5, 2))
            order_transition(order=order, to_status="delivered", on_date=D(2019, 5, 20))
            drafts.append(invoice_create(client=client, orders=[order]).pk)
        return drafts


def test_concurrent_issues_take_consecutive_numbers(fed):
    drafts = _in_own_connection(_commit_drafts, fed.beta.schema_name)
    start = threading.Barrier(THREADS)

    def issue(pk):
        try:
            with schema_context(fed.beta.schema_name):
                draft = Invoice.objects.get(pk=pk)
                start.wait(timeout=30)
                return invoice_issue(invoice=draft, issued_on=D(2019, 6, 28)).sequence
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        sequences = sorted(pool.map(issue, drafts))
    with schema_context(fed.beta.schema_name):
        issued = sorted(
            Invoice.objects.filter(fiscal_year=FISCAL_YEAR).values_list("sequence", flat=True)
        )

    assert len(set(sequences)) == THREADS, "no number is given twice"
    assert sequences == list(range(sequences[0], sequences[0] + THREADS)), "no gap"
    assert issued == list(range(1, len(issued) + 1)), "the year's numbers start at 1, unbroken"
