"""Qualified invoices (適格請求書): tax once per rate, numbering without gaps, issued
invoices that neither the services nor the database let change, corrections and credit
notes as new versions, and the search that 電子帳簿保存法 asks for."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_tenants.invoicing.choices import InvoiceKind, InvoiceStatus, TaxRate, TaxRounding
from kado_tenants.invoicing.models import Invoice, InvoiceIssuer, InvoiceLine, InvoiceTaxSubtotal
from kado_tenants.invoicing.selectors import invoice_list, invoice_versions, invoiceable_orders
from kado_tenants.invoicing.services import (
    invoice_correct,
    invoice_create,
    invoice_credit_note,
    invoice_discard,
    invoice_issue,
    invoice_issuer_set,
    invoice_line_add,
    invoice_line_set_rate,
    invoice_mark_paid,
    retention_date,
)
from kado_tenants.invoicing.tax import TaxSubtotal, tax_breakdown, tax_on
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.models import Order
from kado_tenants.orders.services import order_transition

REGISTRATION = "T7000012050002"  # the National Tax Agency's own corporate number, with T
DELIVERED = datetime.date(2023, 6, 20)
ISSUED = datetime.date(2023, 6, 30)


# --- pure tax math: once per rate ---------------------------------------------------


def test_three_lines_of_105_yen_at_10_percent_give_31_yen_not_30():
    lines = [(105, 10), (105, 10), (105, 10)]
    assert tax_breakdown(lines) == [TaxSubtotal(rate=10, taxable=315, tax=31)]
    per_line = sum(tax_on(amount, rate) for amount, rate in lines)
    assert per_line == 30  # what rounding each line would (wrongly) give


@pytest.mark.parametrize(
    ("taxable", "rate", "floor", "half_up", "ceil"),
    [
        (315, 10, 31, 32, 32),  # 31.5
        (1234, 10, 123, 123, 124),  # 123.4
        (1235, 8, 98, 99, 99),  # 98.8
        (1000, 8, 80, 80, 80),  # exact
        (19, 8, 1, 2, 2),  # 1.52
        (0, 10, 0, 0, 0),
    ],
)
def test_floor_round_and_ceil(taxable, rate, floor, half_up, ceil):
    assert tax_on(taxable, rate, TaxRounding.FLOOR) == floor
    assert tax_on(taxable, rate, TaxRounding.ROUND) == half_up
    assert tax_on(taxable, rate, TaxRounding.CEIL) == ceil


def test_mixed_rates_are_summed_and_rounded_per_rate():
    lines = [(105, 10), (105, 8), (105, 10), (105, 8), (105, 10), (105, 8)]
    assert tax_breakdown(lines) == [
        TaxSubtotal(rate=10, taxable=315, tax=31),  # 31.5 → 31
        TaxSubtotal(rate=8, taxable=315, tax=25),  # 25.2 → 25
    ]
    assert tax_breakdown(lines, TaxRounding.CEIL)[1].tax == 26


def test_a_credit_mirrors_the_invoice_and_money_is_never_a_float():
    assert tax_on(-315, 10) == -31
    assert tax_breakdown([(-105, 10)] * 3, TaxRounding.ROUND) == [
        TaxSubtotal(rate=10, taxable=-315, tax=-32)
    ]
    with pytest.raises(TypeError):
        tax_on(105.0, 10)
    with pytest.raises(ValueError, match="rate"):
        tax_on(100, 5)


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def issuer(alpha, admin):
    return invoice_issuer_set(
        name="一般財団法人 アルファ市振興公社",
        registration_number=REGISTRATION,
        postal_code="399-0700",
        address="長野県アルファ市大門1-1",
        phone="0263-00-0000",
        bank_name="アルファ銀行",
        bank_branch="本店",
        bank_account_number="1234567",
        bank_account_holder="ザイ)アルファシシンコウコウシャ",
        acting_user=admin,
    )


@pytest.fixture
def delivered(make):
    """`delivered(client=..., amount=...)`: an order of that client delivered on DELIVERED."""

    def _make(*, client, amount=None, inspected=False, **overrides):
        fields = {"client": client, **overrides}
        if amount is not None:
            fields.update(
                contract_type=ContractType.PER_DELIVERABLE,
                unit_price=amount,
                quantity=1,
                estimated_minutes=60,
            )
        order = make.started_order(**fields)
        order_transition(order=order, to_status="delivered", on_date=DELIVERED)
        if inspected:
            order_transition(order=order, to_status="inspected", on_date=DELIVERED)
        return order

    return _make


@pytest.fixture
def client_(make):
    return make.client(name="株式会社テスト商事", corporate_number="7000012050002")


@pytest.fixture
def issued(issuer, client_, delivered, admin):
    """An issued invoice for two orders (12,000 yen and 5,000 yen at 10%)."""
    first = delivered(client=client_)
    second = delivered(client=client_, amount=5000, inspected=True)
    draft = invoice_create(client=client_, orders=[first, second], acting_user=admin)
    return invoice_issue(invoice=draft, issued_on=ISSUED, acting_user=admin)


def _counts():
    return {
        "invoices": Invoice.objects.count(),
        "lines": InvoiceLine.objects.count(),
        "tax": InvoiceTaxSubtotal.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _refused(call, code, field="__any__"):
    before = _counts()
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.message
    if field != "__any__":
        assert info.value.field == field
    assert info.value.message
    assert _counts() == before
    return info.value


# --- the issuer -----------------------------------------------------------------------


def test_the_issuer_is_one_row_with_a_checked_registration_number(issuer, admin):
    assert issuer.tax_rounding == TaxRounding.FLOOR  # the default
    again = invoice_issuer_set(tax_rounding=TaxRounding.ROUND, acting_user=admin)
    assert again.pk == issuer.pk and InvoiceIssuer.objects.count() == 1
    for bad, code in [
        ("T7000012050003", "registration_number_check_digit"),
        ("7000012050002", "registration_number_format"),
        ("T700001205000２", "registration_number_format"),
    ]:
        before = AuditEntry.objects.count()
        with pytest.raises(DomainError) as info:
            invoice_issuer_set(registration_number=bad, acting_user=admin)
        assert info.value.code == code
        assert info.value.field == "registration_number"
        assert AuditEntry.objects.count() == before
        assert InvoiceIssuer.objects.get().registration_number == REGISTRATION


# --- drafts and issue ---------------------------------------------------------------


def test_issuing_numbers_freezes_and_moves_the_orders_to_invoiced(issued, client_):
    assert issued.status == InvoiceStatus.ISSUED
    assert (issued.number, issued.version, issued.fiscal_year) == ("2023-00001", 1, 2023)
    assert issued.issued_on == ISSUED
    assert issued.due_on == ISSUED + datetime.timedelta(days=30)
    assert issued.retain_until == datetime.date(2031, 5, 31)
    assert (issued.subtotal, issued.tax_total, issued.total) == (17000, 1700, 18700)
    assert issued.issuer_registration_number == REGISTRATION
    assert issued.issuer_address.startswith("〒399-0700 ")
    assert "アルファ銀行 本店 普通 1234567" in issued.issuer_bank
    assert (issued.client_name, issued.client_corporate_number) == (
        "株式会社テスト商事",
        "7000012050002",
    )
    lines = list(issued.lines.select_related("order"))
    assert [line.transaction_date for line in lines] == [DELIVERED, DELIVERED]
    assert lines[0].description.endswith(f"（{lines[0].order.reference}）")
    for line in lines:
        line.order.refresh_from_db()
        assert line.order.status == "invoiced"
        assert line.order.invoiced_on == ISSUED
        assert line.order.inspected_on in (ISSUED, DELIVERED)
    assert list(issued.tax_subtotals.values_list("tax_rate", "taxable_amount", "tax_amount")) == [
        (10, 17000, 1700)
    ]
    actions = set(
        AuditEntry.objects.filter(
            object_id=str(issued.pk), object_type="invoicing.Invoice"
        ).values_list("action", flat=True)
    )
    assert {"invoice.create", "invoice.issue"} <= actions
    assert not invoiceable_orders(client=client_).exists()


def test_105_yen_three_times_on_a_real_invoice_is_31_yen_of_tax(issuer, client_, delivered):
    orders = [delivered(client=client_, amount=105) for _ in range(3)]
    invoice = invoice_issue(invoice=invoice_create(client=client_, orders=orders), issued_on=ISSUED)
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (315, 31, 346)


def test_mixed_rates_and_the_regions_rounding_mode(issuer, client_, delivered, admin):
    invoice_issuer_set(tax_rounding=TaxRounding.CEIL, acting_user=admin)
    orders = [delivered(client=client_, amount=105) for _ in range(3)]
    draft = invoice_create(client=client_, orders=orders, tax_rate=TaxRate.REDUCED)
    invoice_line_set_rate(invoice=draft, position=1, tax_rate=TaxRate.STANDARD)
    invoice_line_add(
        invoice=draft,
        description="資料送付（軽減税率対象外）",
        transaction_date=DELIVERED,
        amount=1234,
        tax_rate=TaxRate.STANDARD,
    )
    invoice = invoice_issue(invoice=draft, issued_on=ISSUED)
    # 10%: 105 + 1234 = 1339 → 133.9 → 134 (ceil); 8%: 210 → 16.8 → 17 (ceil)
    assert list(invoice.tax_subtotals.values_list("tax_rate", "taxable_amount", "tax_amount")) == [
        (10, 1339, 134),
        (8, 210, 17),
    ]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (1549, 151, 1700)
    assert invoice.tax_rounding == TaxRounding.CEIL


def test_refusals_write_nothing(issuer, client_, delivered, make, admin):
    order = delivered(client=client_)
    other_client = make.client()
    _refused(lambda: invoice_create(client=client_, orders=[]), "orders_required", "orders")
    _refused(lambda: invoice_create(client=other_client, orders=[order]), "order_other_client")
    started = make.started_order(client=client_)
    _refused(lambda: invoice_create(client=client_, orders=[started]), "order_not_invoiceable")
    _refused(lambda: invoice_create(client=client_, orders=[order], tax_rate=5), "tax_rate_unknown")
    _refused(lambda: invoice_create(client=client_, orders=[order, order]), "order_repeated")
    draft = invoice_create(client=client_, orders=[order])
    _refused(lambda: invoice_create(client=client_, orders=[order]), "order_already_invoiced")
    for amount, code in [
        (-1, "amount_negative"),
        (10.5, "amount_not_integer"),
        ("100", "amount_not_integer"),
    ]:
        _refused(
            lambda amount=amount: invoice_line_add(
                invoice=draft, description="x", transaction_date=DELIVERED, amount=amount
            ),
            code,
            "lines.0.amount",
        )
    _refused(
        lambda: invoice_issue(
            invoice=draft, issued_on=ISSUED, due_on=ISSUED - datetime.timedelta(days=1)
        ),
        "due_before_issue",
        "due_on",
    )


def test_no_issuer_no_invoice(alpha, make, delivered):
    client = make.client()
    draft = invoice_create(client=client, orders=[delivered(client=client)])
    _refused(lambda: invoice_issue(invoice=draft, issued_on=ISSUED), "issuer_missing", "issuer")
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DRAFT and draft.number == ""


def test_numbers_per_fiscal_year_without_gaps(issuer, client_, delivered):
    def issue(on, *, delivered_on=DELIVERED):
        order = delivered(client=client_)
        return invoice_issue(invoice=invoice_create(client=client_, orders=[order]), issued_on=on)

    assert issue(datetime.date(2024, 3, 31)).number == "2023-00001"
    # A refused issue (the order cannot be invoiced before it was delivered) is rolled
    # back with the number it had drawn: the next invoice takes that number.
    order = delivered(client=client_)
    draft = invoice_create(client=client_, orders=[order])
    _refused(
        lambda: invoice_issue(invoice=draft, issued_on=DELIVERED - datetime.timedelta(days=5)),
        "on_date_too_early",
    )
    assert invoice_issue(invoice=draft, issued_on=datetime.date(2024, 3, 31)).number == "2023-00002"
    assert issue(datetime.date(2024, 4, 1)).number == "2024-00001"
    assert issue(datetime.date(2024, 4, 2)).number == "2024-00002"
    assert retention_date(datetime.date(2024, 4, 1)) == datetime.date(2032, 5, 31)
    assert retention_date(datetime.date(2024, 3, 31)) == datetime.date(2031, 5, 31)


def test_a_draft_can_be_discarded_and_its_orders_invoiced_again(issuer, client_, delivered):
    order = delivered(client=client_)
    invoice_discard(invoice=invoice_create(client=client_, orders=[order]))
    assert invoice_create(client=client_, orders=[order]).lines.get().order == order


# --- immutability ---------------------------------------------------------------------


def _db_refuses(statement):
    with pytest.raises(IntegrityError, match="issued"), transaction.atomic():
        statement()


def test_an_issued_invoice_cannot_change_in_the_services(issued):
    _refused(
        lambda: invoice_line_add(
            invoice=issued, description="追加", transaction_date=ISSUED, amount=100
        ),
        "invoice_not_draft",
        "invoice",
    )
    _refused(
        lambda: invoice_line_set_rate(invoice=issued, position=1, tax_rate=8), "invoice_not_draft"
    )
    _refused(lambda: invoice_discard(invoice=issued), "invoice_not_draft")
    _refused(lambda: invoice_issue(invoice=issued, issued_on=ISSUED), "invoice_not_draft")


def test_an_issued_invoice_cannot_change_in_the_database_via_the_orm(issued):
    _db_refuses(
        lambda: Invoice.objects.filter(pk=issued.pk).update(total=1, subtotal=1, tax_total=0)
    )
    _db_refuses(lambda: Invoice.objects.filter(pk=issued.pk).update(client_name="別の会社"))
    stale = Invoice.objects.get(pk=issued.pk)
    stale.issuer_registration_number = "T4100001009547"
    _db_refuses(stale.save)
    _db_refuses(lambda: Invoice.objects.filter(pk=issued.pk).update(status="draft"))
    _db_refuses(lambda: Invoice.objects.filter(pk=issued.pk).delete())
    _db_refuses(lambda: InvoiceLine.objects.filter(invoice=issued).update(amount=1))
    _db_refuses(lambda: InvoiceLine.objects.filter(invoice=issued).delete())
    _db_refuses(
        lambda: InvoiceLine.objects.create(
            invoice=issued, position=9, description="x", transaction_date=ISSUED, amount=1
        )
    )
    _db_refuses(lambda: InvoiceTaxSubtotal.objects.filter(invoice=issued).update(tax_amount=0))
    fresh = Invoice.objects.get(pk=issued.pk)
    assert (fresh.total, fresh.client_name, fresh.status) == (18700, "株式会社テスト商事", "issued")


def test_an_issued_invoice_cannot_change_in_the_database_via_raw_sql(issued):
    def raw(sql, params):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

        return run

    _db_refuses(
        raw(
            "UPDATE invoicing_invoice SET total = 0, subtotal = 0, tax_total = 0 WHERE id = %s",
            [issued.pk],
        )
    )
    _db_refuses(
        raw("UPDATE invoicing_invoice SET issued_on = issued_on + 1 WHERE id = %s", [issued.pk])
    )
    _db_refuses(raw("DELETE FROM invoicing_invoice WHERE id = %s", [issued.pk]))
    _db_refuses(
        raw("UPDATE invoicing_invoiceline SET description = 'x' WHERE invoice_id = %s", [issued.pk])
    )
    assert Invoice.objects.get(pk=issued.pk).total == 18700


def test_only_status_moves_forward_and_a_negative_total_needs_a_credit_note(
    issued, client_, delivered
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).update(status="paid")  # paid needs its date
    draft = invoice_create(client=client_, orders=[delivered(client=client_)])
    with pytest.raises(IntegrityError, match="never_negative"), transaction.atomic():
        Invoice.objects.filter(pk=draft.pk).update(subtotal=-1, tax_total=0, total=-1)


# --- corrections and credit notes ---------------------------------------------------


def test_a_correction_is_a_new_version_of_the_same_number(issued, admin):
    corrected = invoice_correct(
        invoice=issued,
        reason="単価の誤り",
        lines=[
            {
                "description": line.description,
                "transaction_date": line.transaction_date,
                "amount": line.amount - 1000,
                "tax_rate": line.tax_rate,
                "order": line.order,
            }
            for line in issued.lines.order_by("position")
        ],
        issued_on=ISSUED + datetime.timedelta(days=3),
        acting_user=admin,
    )
    issued.refresh_from_db()
    assert issued.status == InvoiceStatus.SUPERSEDED
    assert (issued.number, issued.version, issued.total) == ("2023-00001", 1, 18700)
    assert (corrected.number, corrected.version) == ("2023-00001", 2)
    assert corrected.supersedes == issued and issued.superseded_by == corrected
    assert corrected.correction_reason == "単価の誤り"
    assert (corrected.subtotal, corrected.tax_total, corrected.total) == (15000, 1500, 16500)
    # A second correction, of the current version only.
    third = invoice_correct(invoice=corrected, reason="宛名の訂正", issued_on=corrected.issued_on)
    assert (third.version, third.total) == (3, 16500)
    assert [v.version for v in invoice_versions(third)] == [1, 2, 3]
    assert [v.status for v in invoice_versions(third)] == ["superseded", "superseded", "issued"]
    _refused(lambda: invoice_correct(invoice=issued, reason="again"), "invoice_not_current")
    _refused(lambda: invoice_correct(invoice=third, reason="  "), "reason_required", "reason")
    _refused(
        lambda: invoice_correct(
            invoice=third, reason="x", issued_on=ISSUED - datetime.timedelta(days=1)
        ),
        "issued_before_original",
    )
    _refused(
        lambda: invoice_correct(
            invoice=third,
            reason="x",
            lines=[{"description": "値引き", "transaction_date": ISSUED, "amount": -100}],
        ),
        "amount_negative",
    )
    # The orders stay invoiced, once.
    for line in third.lines.select_related("order"):
        assert line.order.status == "invoiced"


def test_a_credit_note_is_a_negative_version_with_a_reason(issued, admin):
    credit = invoice_credit_note(
        invoice=issued, reason="契約解除", issued_on=ISSUED, acting_user=admin
    )
    assert credit.kind == InvoiceKind.CREDIT_NOTE
    assert (credit.number, credit.version) == (issued.number, 2)
    assert (credit.subtotal, credit.tax_total, credit.total) == (-17000, -1700, -18700)
    assert credit.correction_reason == "契約解除"
    issued.refresh_from_db()
    assert issued.status == InvoiceStatus.SUPERSEDED
    _refused(lambda: invoice_credit_note(invoice=credit, reason="x"), "already_credited")
    _refused(
        lambda: invoice_mark_paid(invoice=credit, paid_on=ISSUED, amount=0), "invoice_not_payable"
    )


def test_paid_once_with_the_exact_amount_and_the_orders_follow(issued, admin):
    _refused(
        lambda: invoice_mark_paid(invoice=issued, paid_on=ISSUED, amount=18699), "amount_mismatch"
    )
    paid_on = ISSUED + datetime.timedelta(days=10)
    invoice_mark_paid(invoice=issued, paid_on=paid_on, amount=18700, acting_user=admin)
    assert issued.status == InvoiceStatus.PAID and issued.paid_on == paid_on
    for line in issued.lines.select_related("order"):
        assert (line.order.status, line.order.paid_on) == ("paid", paid_on)
    before = _counts()
    invoice_mark_paid(invoice=issued, paid_on=paid_on + datetime.timedelta(days=1), amount=18700)
    assert _counts() == before
    issued.refresh_from_db()
    assert issued.paid_on == paid_on
    _refused(lambda: invoice_correct(invoice=issued, reason="x"), "invoice_paid")
    with pytest.raises(IntegrityError, match="stamped once"), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).update(paid_on=paid_on + datetime.timedelta(days=2))


# --- search ---------------------------------------------------------------------------


def test_search_by_date_amount_and_counterparty(issuer, make, delivered):
    acme = make.client(name="株式会社アクメ", corporate_number="4100001009547")
    beta = make.client(name="ベータ工業株式会社")
    made = {}
    for name, client, amount, day in [
        ("a1", acme, 1000, datetime.date(2023, 7, 1)),
        ("a2", acme, 50000, datetime.date(2023, 8, 1)),
        ("b1", beta, 3000, datetime.date(2023, 7, 15)),
    ]:
        order = delivered(client=client, amount=amount)
        made[name] = invoice_issue(
            invoice=invoice_create(client=client, orders=[order]), issued_on=day
        )

    def names(**filters):
        found = set(invoice_list(**filters).values_list("pk", flat=True))
        return {name for name, invoice in made.items() if invoice.pk in found}

    assert names(date_from=datetime.date(2023, 7, 10), date_to=datetime.date(2023, 7, 31)) == {"b1"}
    assert names(min_amount=3300, max_amount=3300) == {"b1"}  # 3000 + 10%
    assert names(min_amount=10_000) == {"a2"}
    assert names(counterparty="アクメ") == {"a1", "a2"}
    assert names(counterparty="4100001009547") == {"a1", "a2"}
    assert names(client=beta) == {"b1"}
    assert names(client=acme.pk, max_amount=2000) == {"a1"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'invoicing_invoice' "
            "AND schemaname = current_schema()"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert {
        "invoice_issued_on",
        "invoice_total",
        "invoice_client_issued_on",
        "invoice_client_name",
    } <= indexes


# --- refusals of line counts and of orders a correction names ----------------------------


def test_a_draft_takes_200_lines_and_refuses_the_201st(issuer, client_, delivered):
    draft = invoice_create(client=client_, orders=[delivered(client=client_)])
    # Lines written around the service to reach the limit quickly: 1 + 198 = 199.
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=draft,
            position=position,
            description=f"資料 {position}",
            transaction_date=DELIVERED,
            amount=100,
        )
        for position in range(2, 200)
    )

    def add():
        return invoice_line_add(
            invoice=draft, description="追加", transaction_date=DELIVERED, amount=100
        )

    assert add().position == 200
    _refused(add, "too_many_lines", "lines")
    assert draft.lines.count() == 200


def _copied_lines(invoice, **changes):
    return [
        {
            "description": line.description,
            "transaction_date": line.transaction_date,
            "amount": line.amount,
            "tax_rate": line.tax_rate,
            "order": line.order,
            **changes,
        }
        for line in invoice.lines.order_by("position")
    ]


def _still_current(invoice):
    invoice.refresh_from_db()
    assert (invoice.status, invoice.version) == (InvoiceStatus.ISSUED, 1)
    assert Invoice.objects.filter(number=invoice.number).count() == 1


def test_a_correction_takes_200_lines_and_refuses_201(issued):
    extra = {"description": "内訳", "transaction_date": ISSUED, "amount": 10}
    lines = _copied_lines(issued)
    _refused(
        lambda: invoice_correct(
            invoice=issued, reason="内訳の追加", lines=lines + [extra] * (201 - len(lines))
        ),
        "too_many_lines",
        "lines",
    )
    _still_current(issued)
    corrected = invoice_correct(
        invoice=issued,
        reason="内訳の追加",
        lines=lines + [extra] * (200 - len(lines)),
        issued_on=ISSUED,
    )
    assert corrected.lines.count() == 200


def test_a_correction_names_only_orders_of_the_invoice_it_corrects(issued, client_, delivered):
    other = delivered(client=client_)  # the client's, invoiceable, but not on this invoice
    for order in (other, other.pk):
        lines = _copied_lines(issued)
        lines[1]["order"] = order
        _refused(
            lambda lines=lines: invoice_correct(invoice=issued, reason="訂正", lines=lines),
            "order_not_on_invoice",
            "lines.1.order",
        )
    _still_current(issued)
    other.refresh_from_db()
    assert other.status == "delivered"


def test_a_correction_refuses_an_order_id_that_is_no_order_of_the_region(issued):
    unknown = (Order.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1000
    for order in (unknown, Order(pk=unknown), "1"):
        lines = _copied_lines(issued)
        lines[0]["order"] = order
        _refused(
            lambda lines=lines: invoice_correct(invoice=issued, reason="訂正", lines=lines),
            "order_not_found",
            "lines.0.order",
        )
    _still_current(issued)
    # The ids of the invoice's own orders are accepted, and the lines keep their orders.
    lines = _copied_lines(issued)
    for line in lines:
        line["order"] = line["order"].pk
    corrected = invoice_correct(invoice=issued, reason="訂正", lines=lines, issued_on=ISSUED)
    assert [line.order_id for line in corrected.lines.order_by("position")] == [
        line["order"] for line in lines
    ]
