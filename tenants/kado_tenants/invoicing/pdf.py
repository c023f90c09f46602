"""The invoice as a PDF in Japanese (A4), with everything a qualified invoice must show:
the issuer and its registration number, the counterparty, transaction dates and
descriptions, the amounts per tax rate with the rate, the consumption tax per rate, and
the day of issue. ReportLab's built-in CID font (HeiseiKakuGo-W5) needs no font files.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from kado_tenants.invoicing.choices import TaxRate
from kado_tenants.invoicing.models import Invoice

FONT = "HeiseiKakuGo-W5"
LINES_PER_PAGE = 22
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def yen(amount: int) -> str:
    return f"¥{amount:,}" if amount >= 0 else f"-¥{-amount:,}"


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _title(invoice: Invoice) -> str:
    if invoice.is_credit_note:
        return "適格返還請求書（返品・値引き等）"
    if invoice.version > 1:
        return "請求書（訂正）"
    return "請求書"


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an issued invoice (a draft prints with 下書き and no number)."""
    font = _font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{_title(invoice)} {invoice.number or 'draft'}")
    canvas.setAuthor(invoice.issuer_name or "KADO")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    lines = list(invoice.lines.order_by("position"))
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]

    for page_number, page_lines in enumerate(pages, start=1):
        y = height - 25 * mm
        canvas.setFont(font, 20)
        canvas.drawCentredString(width / 2, y, _title(invoice))
        canvas.setFont(font, 9)
        number = f"請求書番号 {invoice.number}-{invoice.version}" if invoice.number else "下書き"
        canvas.drawRightString(right, y + 8 * mm, number)
        canvas.drawRightString(right, y + 3 * mm, f"発行日 {_date(invoice.issued_on)}")
        canvas.drawRightString(right, y - 2 * mm, f"{page_number} / {len(pages)}")

        y -= 15 * mm
        canvas.setFont(font, 13)
        client_name = invoice.client_name or invoice.client.name
        canvas.drawString(left, y, f"{client_name} 御中")
        canvas.line(left, y - 2 * mm, left + 85 * mm, y - 2 * mm)
        if invoice.client_corporate_number:
            canvas.setFont(font, 8)
            canvas.drawString(left, y - 6 * mm, f"法人番号 {invoice.client_corporate_number}")

        canvas.setFont(font, 10)
        issuer_y = y
        for text in (
            invoice.issuer_name,
            f"登録番号 {invoice.issuer_registration_number}",
            invoice.issuer_address,
            f"電話 {invoice.issuer_phone}" if invoice.issuer_phone else "",
        ):
            if text:
                canvas.drawString(right - 75 * mm, issuer_y, text)
                issuer_y -= 5 * mm

        y -= 22 * mm
        canvas.setFont(font, 10)
        canvas.drawString(left, y, "下記のとおりご請求申し上げます。")
        y -= 9 * mm
        canvas.setFont(font, 14)
        canvas.drawString(left, y, f"ご請求金額（税込） {yen(invoice.total)}")
        canvas.setFont(font, 10)
        canvas.drawString(left + 105 * mm, y, f"お支払期限 {_date(invoice.due_on)}")

        y -= 12 * mm
        columns = (left, left + 28 * mm, right - 42 * mm, right)
        canvas.setFillColor(colors.HexColor("#e8eef5"))
        canvas.rect(left, y - 2 * mm, right - left, 7 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setFont(font, 9)
        canvas.drawString(columns[0] + 1 * mm, y, "取引日")
        canvas.drawString(columns[1], y, "内容")
        canvas.drawString(columns[2], y, "税率")
        canvas.drawRightString(columns[3] - 1 * mm, y, "金額（税抜）")
        y -= 7 * mm
        for line in page_lines:
            reduced = "※" if line.tax_rate == TaxRate.REDUCED else ""
            canvas.drawString(columns[0] + 1 * mm, y, f"{line.transaction_date:%Y/%m/%d}")
            canvas.drawString(columns[1], y, f"{line.description[:46]}{reduced}")
            canvas.drawString(columns[2], y, f"{line.tax_rate}%")
            canvas.drawRightString(columns[3] - 1 * mm, y, yen(line.amount))
            canvas.setStrokeColor(colors.lightgrey)
            canvas.line(left, y - 2 * mm, right, y - 2 * mm)
            canvas.setStrokeColor(colors.black)
            y -= 6.5 * mm

        if page_number == len(pages):
            y -= 4 * mm
            canvas.setFont(font, 10)
            for subtotal in invoice.tax_subtotals.order_by("-tax_rate"):
                canvas.drawString(
                    right - 110 * mm,
                    y,
                    f"{subtotal.tax_rate}%対象 {yen(subtotal.taxable_amount)}"
                    f"　消費税 {yen(subtotal.tax_amount)}",
                )
                y -= 6 * mm
            canvas.drawRightString(right, y, f"小計（税抜） {yen(invoice.subtotal)}")
            y -= 6 * mm
            canvas.drawRightString(right, y, f"消費税合計 {yen(invoice.tax_total)}")
            y -= 6 * mm
            canvas.setFont(font, 12)
            canvas.drawRightString(right, y, f"合計（税込） {yen(invoice.total)}")
            y -= 10 * mm
            canvas.setFont(font, 9)
            if any(line.tax_rate == TaxRate.REDUCED for line in lines):
                canvas.drawString(left, y, "※印は軽減税率（8%）対象です。")
                y -= 5 * mm
            canvas.drawString(
                left, y, "消費税は税率ごとに合計した金額に対して一回のみ端数処理しています。"
            )
            y -= 8 * mm
            if invoice.issuer_bank and not invoice.is_credit_note:
                canvas.drawString(left, y, f"お振込先 {invoice.issuer_bank}")
                y -= 5 * mm
                canvas.drawString(left, y, "振込手数料はお客様のご負担にてお願いいたします。")
                y -= 5 * mm
            if invoice.supersedes_id:
                old = invoice.supersedes
                canvas.drawString(
                    left,
                    y,
                    f"本書は請求書番号 {old.number}-{old.version}（{_date(old.issued_on)}発行）"
                    "に代わるものです。",
                )
                y -= 5 * mm
                canvas.drawString(left, y, f"理由: {invoice.correction_reason[:60]}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
