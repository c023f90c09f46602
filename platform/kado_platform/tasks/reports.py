"""Exports of the federation's consolidated report."""

from __future__ import annotations

import csv
import io

from kado_platform.core.storage import deliverable_store
from kado_platform.federation.choices import OUTCOME_KEYS, MoneyKind
from kado_platform.federation.selectors import report
from kado_platform.tasks.base import kado_task

FORMATS = ("csv",)
#: The report's money figures (whole yen): billed to clients (tax included), collected from
#: them, paid out to workers. They, and the outcomes below, exist for the year and per
#: region, not per category, client kind or month, so those rows leave them empty.
MONEY = tuple(MoneyKind.values)
#: The policy outcomes (workers counted once per kind): started working (first challenge),
#: moved to employment or other social participation (second challenge), returned (safety
#: net); headed by their OutcomeKind, read from the report's keys. For the year and per
#: region only, like the money.
OUTCOMES = OUTCOME_KEYS
OUTCOME_COLUMNS = tuple(kind.value for kind in OUTCOMES)
#: How many columns only the year and the regions fill.
PER_REGION = len(MONEY) + len(OUTCOMES)


def _figures(row: dict, *, per_region: bool) -> list:
    if per_region:
        extra = [row[kind] for kind in MONEY] + [row[key] for key in OUTCOMES.values()]
    else:
        extra = [""] * PER_REGION
    return [row["amount"], row["orders"], row["minutes"], *extra]


def report_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "amount", "orders", "minutes", *MONEY, *OUTCOME_COLUMNS])
    writer.writerow(["total", data["fiscal_year"], *_figures(data, per_region=True)])
    for row in data["by_region"]:
        writer.writerow(["region", row["region"].code, *_figures(row, per_region=True)])
    for section in ("by_category", "by_client_kind"):
        for row in data[section]:
            writer.writerow([section[3:], row["key"], *_figures(row, per_region=False)])
    for row in data["by_month"]:
        month = row["month"].strftime("%Y-%m")
        writer.writerow(["month", month, *_figures(row, per_region=False)])
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
