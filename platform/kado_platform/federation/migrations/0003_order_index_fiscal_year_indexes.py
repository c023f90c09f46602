"""Indexes for the hub's usual reads of the order index (see docs/benchmarks.md).

- `order_index_fy_recent` serves a page of one fiscal year newest first: without it the
  planner walks `order_index_recent` from the newest order and throws away every row of
  later years before the first match.
- `order_index_fy_filters` answers the page's COUNT and every order aggregate of the FY
  report from the index alone (index-only scans): the filters lead, the counted, summed
  and grouped columns ride along in INCLUDE.
- `work_minutes_month_cover` does the same for the report's minutes and active workers.

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
        INCLUDE (id, region_id, client_kind, amount, logged_minutes, received_on)
    """,
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS work_minutes_month_cover
        ON public.federation_workminutes (month) INCLUDE (region_id, worker_id, minutes)
    """,
]
DROP = [
    "DROP INDEX CONCURRENTLY IF EXISTS public.work_minutes_month_cover",
    "DROP INDEX CONCURRENTLY IF EXISTS public.order_index_fy_filters",
    "DROP INDEX CONCURRENTLY IF EXISTS public.order_index_fy_recent",
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("federation", "0002_index_functions"),
    ]

    operations = [
        migrations.RunSQL(CREATE[0], reverse_sql=DROP[2]),
        migrations.RunSQL(CREATE[1], reverse_sql=DROP[1]),
        migrations.RunSQL(CREATE[2], reverse_sql=DROP[0]),
    ]
