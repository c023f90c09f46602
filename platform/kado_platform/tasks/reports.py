"""Exports of the federation's consolidated report."""

from __future__ import annotations

import csv
import io

from kado_platform.core.storage import deliverable_store
from kado_platform.federation.choices import MoneyKind
from kado_platform.federation.selectors import report
from kado_platform.tasks.base import kado_task

FORMATS = ("csv",)
#: The report's money figures (whole yen): billed to clients (tax included), collected from
#: them, paid out to workers. They exist for the year and per region, not per category,
#: client kind or month, so those rows leave them empty.
MONEY = tuple(MoneyKind.values)


def _figures(row: dict, *, with_money: bool) -> list:
    money = [row[kind] for kind in MONEY] if with_money else [""] * len(MONEY)
    return [row["amount"], row["orders"], row["minutes"], *money]


def report_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "amount", "orders", "minutes", *MONEY])
    writer.writerow(["total", data["fiscal_year"], *_figures(data, with_money=True)])
    for row in data["by_region"]:
        writer.writerow(["region", row["region"].code, *_figures(row, with_money=True)])
    for section in ("by_category", "by_client_kind"):
        for row in data[section]:
            writer.writerow([section[3:], row["key"], *_figures(row, with_money=False)])
    for row in data["by_month"]:
        month = row["month"].strftime("%Y-%m")
        writer.writerow(["month", month, *_figures(row, with_money=False)])
    return out.getvalue()


@kado_task("kado.report_export")
def report_export(fiscal_year: int, format: str = "csv") -> str:  # noqa: A002
    """Write the fiscal year's report to the file store under the federation's (`public/`)
    prefix; the same key each time, so a retry overwrites rather than duplicates."""
    if format not in FORMATS:
        raise ValueError(f"Unknown report format {format!r}; use one of {FORMATS}.")
    key = f"public/reports/federation-report-FY{int(fiscal_year)}.{format}"
    content = report_csv(report(fiscal_year=int(fiscal_year)))
    # UTF-8 with a BOM: Excel in Japan opens it without mojibake.
    deliverable_store().put(
        key=key, content=content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    return key
