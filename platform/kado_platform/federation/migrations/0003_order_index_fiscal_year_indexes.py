"""Indexes for the hub's usual reads of the order index (see docs/benchmarks.md).

- `order_index_fy_recent` serves a page of one fiscal year newest first: without it the
  planner walks `order_index_recent` from the newest order and throws away every row of
  later years before the first match.
- `order_index_fy_filters` answers the page's COUNT and every aggregate of the FY report
  from the index alone (index-only scans): the filters lead, the summed and grouped
  columns ride along in INCLUDE.

Raw SQL rather than Meta.indexes, like the functions in 0002, and CONCURRENTLY: the
regions' triggers write this table in every regional transaction, so a plain CREATE
INDEX would hold up every region's writes while it builds.
"""

from django.db import migrations

CREATE = [
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS order_index_fy_recent
        ON public.federation_orderindexentry (fiscal_year, received_on DESC, id DESC)
    """,
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS order_index_fy_filters
        ON public.federation_orderindexentry (fiscal_year, status, category)
        INCLUDE (region_id, client_kind, amount, logged_minutes, received_on)
    """,
]
DROP = [
    "DROP INDEX CONCURRENTLY IF EXISTS public.order_index_fy_filters",
    "DROP INDEX CONCURRENTLY IF EXISTS public.order_index_fy_recent",
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("federation", "0002_index_functions"),
    ]

    operations = [
        migrations.RunSQL(CREATE[0], reverse_sql=DROP[1]),
        migrations.RunSQL(CREATE[1], reverse_sql=DROP[0]),
    ]
