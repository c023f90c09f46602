"""Rebuilding and checking the read model against the regional tables."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from kado_platform.audit.services import audit_record

# What is compared, per index table: its key columns and its value columns.
_TABLES = {
    "orders": (
        "federation_orderindexentry",
        ("order_id",),
        (
            "reference",
            "title",
            "client_name",
            "client_kind",
            "category",
            "contract_type",
            "status",
            "amount",
            "estimated_minutes",
            "logged_minutes",
            "received_on",
            "due_on",
            "fiscal_year",
        ),
    ),
    "workers": (
        "federation_workerindexentry",
        ("worker_id",),
        ("status", "skill_codes", "weekly_minutes", "joined_on", "employed_on", "returned_on"),
    ),
    "work_minutes": ("federation_workminutes", ("worker_id", "month"), ("minutes",)),
    "outcomes": (
        "federation_outcomeevent",
        ("change_id",),
        ("worker_id", "kind", "happened_on", "fiscal_year"),
    ),
    "money": (
        "federation_moneyindexentry",
        ("kind", "source_id"),
        ("amount", "booked_on", "fiscal_year"),
    ),
}


@dataclass(frozen=True)
class Difference:
    region: str
    table: str
    key: tuple
    indexed: dict | None
    expected: dict | None

    def describe(self) -> str:
        key = ", ".join(str(part) for part in self.key)
        if self.indexed is None:
            return f"{self.region} {self.table} [{key}]: missing from the index"
        if self.expected is None:
            return f"{self.region} {self.table} [{key}]: in the index but not in the region"
        fields = sorted(k for k in self.expected if self.expected[k] != self.indexed.get(k))
        changes = "; ".join(f"{f}: {self.indexed.get(f)!r} ≠ {self.expected[f]!r}" for f in fields)
        return f"{self.region} {self.table} [{key}]: {changes}"


def _snapshot(region) -> dict[str, dict[tuple, dict]]:
    snapshot = {}
    with connection.cursor() as cursor:
        for name, (table, keys, values) in _TABLES.items():
            columns = ", ".join((*keys, *values))
            cursor.execute(
                f"SELECT {columns} FROM public.{table} WHERE region_id = %s",  # noqa: S608 (constants)
                [region.pk],
            )
            rows = {}
            for row in cursor.fetchall():
                rows[tuple(row[: len(keys)])] = dict(zip(values, row[len(keys) :], strict=True))
            snapshot[name] = rows
    return snapshot


def _rebuild_sql(region) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.kado_index_rebuild(%s)", [region.schema_name])


class _RollBack(Exception):
    pass


def index_differences(region) -> list[Difference]:
    """What the index holds that a rebuild from the region's tables would change."""
    with schema_context(get_public_schema_name()):
        indexed = _snapshot(region)
        try:
            with transaction.atomic():
                _rebuild_sql(region)
                expected = _snapshot(region)
                raise _RollBack
        except _RollBack:
            pass
    differences = []
    for name in _TABLES:
        for key in sorted(set(indexed[name]) | set(expected[name]), key=str):
            have, want = indexed[name].get(key), expected[name].get(key)
            if have != want:
                differences.append(Difference(region.code, name, key, have, want))
    return differences


@transaction.atomic
def index_rebuild(*, region, acting_user=None) -> dict[str, int]:
    """Recompute a region's share of the read model; returns the row counts."""
    with schema_context(get_public_schema_name()):
        _rebuild_sql(region)
        counts = {name: len(rows) for name, rows in _snapshot(region).items()}
        audit_record(
            action="federation.index_rebuild",
            actor=acting_user,
            instance=region,
            changes=counts,
            region_code=region.code,
        )
    return counts
