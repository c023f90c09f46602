"""Exports of the federation's consolidated report."""

from __future__ import annotations

import csv
import io

from kado_platform.core.storage import deliverable_store
from kado_platform.federation.selectors import report
from kado_platform.tasks.base import kado_task

FORMATS = ("csv",)


def report_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "amount", "orders", "minutes"])
    writer.writerow(["total", data["fiscal_year"], data["amount"], data["orders"], data["minutes"]])
    for row in data["by_region"]:
        writer.writerow(
            ["region", row["region"].code, row["amount"], row["orders"], row["minutes"]]
        )
    for section in ("by_category", "by_client_kind"):
        for row in data[section]:
            writer.writerow([section[3:], row["key"], row["amount"], row["orders"], row["minutes"]])
    for row in data["by_month"]:
        writer.writerow(
            ["month", row["month"].strftime("%Y-%m"), row["amount"], row["orders"], row["minutes"]]
        )
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
