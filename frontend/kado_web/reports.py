"""The leadership reports as tables: one shape for the page, its charts and the exports.

Each builder turns what a federation selector returned into a `ReportTable` of raw values
(ints for money, counts and minutes; text for names). The page formats the cells, the
chart reads its series from the same rows, and the XLSX and CSV exports write the raw
values, so the three can never disagree with each other or with the selector.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kado_platform.federation.choices import MoneyKind
from kado_tenants.clients.choices import ClientKind
from kado_tenants.orders.categories import Category
from kado_tenants.workforce.choices import WorkerStatus
from kado_web.japanese import era_label, yen_label

FIRST_FISCAL_YEAR = 2015  # the first year of the program's order figures (10M yen; 200M in FY2020)

#: Kinds of cell: how the page shows a value; the exports keep the raw value.
TEXT, INT, YEN, MINUTES, FISCAL_YEAR, MONTH = "text", "int", "yen", "minutes", "fy", "month"
NUMERIC = {INT, YEN, MINUTES}


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class ReportTable:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list]
    #: The chart drawn from the rows: its kind, and the columns plotted as series.
    chart_kind: str = "bar"
    chart_series: tuple[int, ...] = ()
    #: The column that names a row (rendered as <th scope="row">, used as chart labels).
    label_column: int = 0
    totals: list | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def _cells(self, row) -> list[dict]:
        return [
            {"text": format_cell(value, column.kind), "num": column.kind in NUMERIC}
            for value, column in zip(row, self.columns, strict=True)
        ]

    def display_rows(self) -> list[list[dict]]:
        """The rows as the page shows them: each cell's text and whether it is a number."""
        return [self._cells(row) for row in self.rows]

    def display_totals(self) -> list[dict] | None:
        return None if self.totals is None else self._cells(self.totals)

    def header(self) -> list[dict]:
        return [{"text": str(c.label), "num": c.kind in NUMERIC} for c in self.columns]

    def chart(self) -> dict | None:
        """The chart's data for the page's JSON script element (see frontend/src/charts.js)."""
        if not self.chart_series:
            return None
        labels = [
            format_cell(row[self.label_column], self.columns[self.label_column].kind)
            for row in self.rows
        ]
        series = []
        for index in self.chart_series:
            column = self.columns[index]
            values = [row[index] for row in self.rows]
            if column.kind == MINUTES:  # charted in hours; the table keeps the minutes
                values = [round(value / 60, 1) for value in values]
            series.append({"name": str(column.label), "values": values, "unit": unit_of(column)})
        return {
            "kind": self.chart_kind,
            "title": str(self.title),
            "labels": labels,
            "series": series,
        }


def unit_of(column: Column) -> str:
    """How the chart writes a value of the column: a format with {} for the number."""
    if column.kind == YEN:
        return yen_label(0).replace("0", "{}")
    if column.kind == MINUTES:
        return _("{} h")
    return "{}"


def format_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == YEN:
        return yen_label(value)
    if kind == INT:
        return f"{int(value):,}"
    if kind == MINUTES:
        hours, minutes = divmod(int(value), 60)
        if hours and minutes:
            return _("%(hours)s h %(minutes)s min") % {"hours": f"{hours:,}", "minutes": minutes}
        if hours:
            return _("%(hours)s h") % {"hours": f"{hours:,}"}
        return _("%(minutes)s min") % {"minutes": minutes}
    if kind == FISCAL_YEAR:
        return _("FY%(year)s") % {"year": value}
    if kind == MONTH and isinstance(value, datetime.date):
        return date_format(value, "YEAR_MONTH_FORMAT")
    return str(value)


# The titles, shared by the page's headings, the sheets and the export links.
TITLES = {
    "trend": gettext_lazy("Order volume by fiscal year"),
    "workers": gettext_lazy("Teleworkers by region"),
    "regions": gettext_lazy("Orders and work by region"),
    "categories": gettext_lazy("Orders by category"),
    "client-kinds": gettext_lazy("Orders by kind of client"),
    "months": gettext_lazy("Minutes worked by month"),
    "outcomes": gettext_lazy("Policy outcomes by region"),
    "money": gettext_lazy("Billed, collected and paid out by region"),
}
REPORT_SLUGS = tuple(TITLES)
#: Reports that depend on the chosen fiscal year (the others span every year).
YEARLY = {"regions", "categories", "client-kinds", "months", "outcomes", "money"}


def trend_table(points: list[dict]) -> ReportTable:
    return ReportTable(
        slug="trend",
        title=str(TITLES["trend"]),
        columns=[
            Column(_("Fiscal year"), FISCAL_YEAR),
            Column(_("Japanese era")),
            Column(_("Order amount (yen)"), YEN),
            Column(_("Number of orders"), INT),
            Column(_("Regions with orders"), INT),
        ],
        rows=[
            [p["fiscal_year"], era_label(p["fiscal_year"]), p["amount"], p["orders"], p["regions"]]
            for p in points
        ],
        chart_kind="bar",
        chart_series=(2,),
    )


def workers_table(counts: list[dict]) -> ReportTable:
    statuses = [
        WorkerStatus.ACTIVE,
        WorkerStatus.TRAINING,
        WorkerStatus.APPLICANT,
        WorkerStatus.EMPLOYED,
        WorkerStatus.SOCIAL_PARTICIPATION,
        WorkerStatus.RETURNED,
        WorkerStatus.LEFT,
    ]
    rows = [
        [
            row["region"].name,
            row["region"].get_prefecture_display(),
            row["region"].get_kind_display(),
            *[row["by_status"].get(status, 0) for status in statuses],
            row["total"],
        ]
        for row in counts
    ]
    columns = [
        Column(_("Region")),
        Column(_("Prefecture")),
        Column(_("Kind")),
        Column(_("Teleworkers (active)"), INT),
        *[Column(str(WorkerStatus(status).label), INT) for status in statuses[1:]],
        Column(_("Registered in all"), INT),
    ]
    return ReportTable(
        slug="workers",
        title=str(TITLES["workers"]),
        columns=columns,
        rows=rows,
        chart_kind="hbar",
        chart_series=(3,),
        totals=[_("Total"), "", "", *[sum(row[i] for row in rows) for i in range(3, len(columns))]],
    )


def region_table(report: dict) -> ReportTable:
    rows = [
        [r["region"].name, r["amount"], r["orders"], r["minutes"], r["active_workers"]]
        for r in report["by_region"]
    ]
    return ReportTable(
        slug="regions",
        title=str(TITLES["regions"]),
        columns=[
            Column(_("Region")),
            Column(_("Order amount (yen)"), YEN),
            Column(_("Number of orders"), INT),
            Column(_("Minutes worked"), MINUTES),
            Column(_("Teleworkers who worked"), INT),
        ],
        rows=rows,
        chart_kind="hbar",
        chart_series=(1,),
        totals=[
            _("Total"),
            report["amount"],
            report["orders"],
            report["minutes"],
            report["active_workers"],
        ],
    )


def _breakdown_table(slug: str, rows: list[dict], labels: dict, first: str, chart_kind: str):
    return ReportTable(
        slug=slug,
        title=str(TITLES[slug]),
        columns=[
            Column(first),
            Column(_("Order amount (yen)"), YEN),
            Column(_("Number of orders"), INT),
            Column(_("Minutes logged on the orders"), MINUTES),
        ],
        rows=[
            [str(labels.get(r["key"], r["key"])), r["amount"] or 0, r["orders"], r["minutes"] or 0]
            for r in rows
        ],
        chart_kind=chart_kind,
        chart_series=(1,),
    )


def category_table(report: dict) -> ReportTable:
    return _breakdown_table(
        "categories", report["by_category"], dict(Category.choices), _("Category"), "hbar"
    )


def client_kind_table(report: dict) -> ReportTable:
    return _breakdown_table(
        "client-kinds",
        report["by_client_kind"],
        dict(ClientKind.choices),
        _("Kind of client"),
        "pie",
    )


def month_table(report: dict) -> ReportTable:
    return ReportTable(
        slug="months",
        title=str(TITLES["months"]),
        columns=[
            Column(_("Month"), MONTH),
            Column(_("Minutes worked"), MINUTES),
            Column(_("Order amount (yen)"), YEN),
            Column(_("Number of orders"), INT),
        ],
        rows=[[m["month"], m["minutes"], m["amount"], m["orders"]] for m in report["by_month"]],
        chart_kind="line",
        chart_series=(1,),
        totals=[_("Total"), report["minutes"], report["amount"], report["orders"]],
    )


# The first challenge, the second challenge's two outcomes, then the safety net, as the
# report selector names them.
OUTCOME_KEYS = (
    "started_working",
    "moved_to_employment",
    "moved_to_social_participation",
    "returned",
)


def outcome_table(report: dict) -> ReportTable:
    return ReportTable(
        slug="outcomes",
        title=str(TITLES["outcomes"]),
        columns=[
            Column(_("Region")),
            Column(_("Started working"), INT),
            Column(_("Moved to employment"), INT),
            Column(_("Other social participation"), INT),
            Column(_("Returned to KADO"), INT),
        ],
        rows=[[r["region"].name, *(r[key] for key in OUTCOME_KEYS)] for r in report["by_region"]],
        chart_kind="bar",
        chart_series=(1, 2, 3, 4),
        totals=[_("Total"), *(report[key] for key in OUTCOME_KEYS)],
    )


def money_table(report: dict) -> ReportTable:
    """Where the year's money went: invoiced to clients, received, transferred to workers."""
    kinds = MoneyKind.values
    return ReportTable(
        slug="money",
        title=str(TITLES["money"]),
        columns=[
            Column(_("Region")),
            Column(_("Billed (yen, tax included)"), YEN),
            Column(_("Collected (yen)"), YEN),
            Column(_("Paid out to teleworkers (yen)"), YEN),
        ],
        rows=[[r["region"].name, *(r[kind] for kind in kinds)] for r in report["by_region"]],
        chart_kind="hbar",
        chart_series=(1, 2, 3),
        totals=[_("Total"), *(report[kind] for kind in kinds)],
    )


def yearly_tables(report: dict) -> list[ReportTable]:
    return [
        region_table(report),
        category_table(report),
        client_kind_table(report),
        month_table(report),
        outcome_table(report),
        money_table(report),
    ]
