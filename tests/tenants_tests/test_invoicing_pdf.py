"""The invoice PDF in Japanese: everything a qualified invoice must show, read back."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest

from kado_tenants.invoicing.choices import TaxRate
from kado_tenants.invoicing.pdf import invoice_pdf
from kado_tenants.invoicing.services import (
    invoice_correct,
    invoice_create,
    invoice_issue,
    invoice_issuer_set,
    invoice_line_add,
)
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.services import order_transition

DELIVERED = datetime.date(2023, 6, 20)


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def invoice(make, admin):
    invoice_issuer_set(
        name="一般財団法人アルファ市振興公社",
        registration_number="T7000012050002",
        address="長野県アルファ市大門1-1",
        bank_name="アルファ銀行",
        bank_branch="本店",
        bank_account_number="1234567",
        bank_account_holder="ザイ)アルファシシンコウコウシャ",
    )
    client = make.client(name="株式会社テスト商事")
    orders = []
    for _ in range(3):
        order = make.started_order(
            client=client,
            title="画像アノテーション",
            contract_type=ContractType.PER_DELIVERABLE,
            unit_price=105,
            estimated_minutes=60,
        )
        orders.append(order_transition(order=order, to_status="delivered", on_date=DELIVERED))
    draft = invoice_create(client=client, orders=orders, acting_user=admin)
    invoice_line_add(
        invoice=draft,
        description="打合せ用茶菓",
        transaction_date=DELIVERED,
        amount=1000,
        tax_rate=TaxRate.REDUCED,
    )
    return invoice_issue(invoice=draft, issued_on=datetime.date(2023, 6, 30), acting_user=admin)


def test_the_pdf_shows_a_qualified_invoice_in_japanese(invoice, tmp_path):
    pdf = invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "invoice.pdf").write_bytes(pdf)
    text = text_of(pdf)
    for expected in (
        "請求書",
        "株式会社テスト商事 御中",
        "一般財団法人アルファ市振興公社",
        "登録番号 T7000012050002",
        "請求書番号 2023-00001-1",
        "発行日 2023年6月30日",
        "2023/06/20",
        "画像アノテーション",
        "打合せ用茶菓※",
        "10%対象 ¥315",
        "消費税 ¥31",  # 315 × 10% = 31.5 → 31, once for the rate
        "8%対象 ¥1,000",
        "消費税 ¥80",
        "合計（税込） ¥1,426",
        "軽減税率",
        "アルファ銀行 本店 普通 1234567",
    ):
        assert expected in text, expected


def test_a_correction_says_what_it_replaces(invoice):
    corrected = invoice_correct(invoice=invoice, reason="宛名の誤り", issued_on=invoice.issued_on)
    text = text_of(invoice_pdf(corrected))
    assert "請求書（訂正）" in text
    assert "請求書番号 2023-00001-2" in text
    assert "2023-00001-1" in text and "理由: 宛名の誤り" in text
