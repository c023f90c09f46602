"""Report tables written as files: XLSX (openpyxl) and CSV (UTF-8 with BOM, or CP932).

Cells keep the raw values of the table: whole yen, counts and minutes as integers, months
as dates, so a spreadsheet can sum them. The headers are in the user's language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.http import HttpResponse

from kado_web.reports import FISCAL_YEAR, INT, MINUTES, MONTH, YEN, ReportTable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: ?encoding= values: UTF-8 with a BOM (Excel opens it as UTF-8) or Windows' Shift_JIS.
ENCODINGS = {"utf-8": ("utf-8-sig", "utf-8"), "cp932": ("cp932", "Windows-31J")}
NUMBER_FORMATS = {
    YEN: '#,##0"円"',
    INT: "#,##0",
    MINUTES: "#,##0",
    FISCAL_YEAR: '0"年度"',
    MONTH: 'yyyy"年"m"月"',
}


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_bytes(table: ReportTable, encoding: str = "utf-8") -> bytes:
    """The table as CSV; characters CP932 cannot hold become "?" rather than failing."""
    codec = ENCODINGS.get(encoding, ENCODINGS["utf-8"])[0]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                value.strftime("%Y-%m") if isinstance(value, datetime.date) else value
                for value in row
            ]
        )
    return text.getvalue().encode(codec, errors="replace")


def csv_response(table: ReportTable, filename: str, encoding: str = "utf-8") -> HttpResponse:
    charset = ENCODINGS.get(encoding, ENCODINGS["utf-8"])[1]
    response = HttpResponse(csv_bytes(table, encoding), content_type=f"text/csv; charset={charset}")
    return _attachment(response, filename)


def _sheet_title(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
    candidate, number = name, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def xlsx_bytes(tables: list[ReportTable], *, subtitle: str = "") -> bytes:
    """One sheet per table: the headers in row 1, then one row per table row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = subtitle or (tables[0].title if tables else "KADO")
    workbook.properties.creator = "KADO"
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        sheet.append([str(column.label) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            width = max(
                [len(str(column.label)) * 2] + [len(str(row[index - 1])) + 4 for row in table.rows]
            )
            sheet.column_dimensions[letter].width = min(max(width, 10), 48)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(tables: list[ReportTable], filename: str, *, subtitle: str = "") -> HttpResponse:
    response = HttpResponse(xlsx_bytes(tables, subtitle=subtitle), content_type=XLSX_TYPE)
    return _attachment(response, filename)
