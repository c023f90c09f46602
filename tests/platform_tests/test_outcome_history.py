"""The outcomes report keeps past years: every move to employment or back is kept.

The safety net is a cycle (work at KADO → employed → back → employed again); a year's
count must not change when the same worker moves again later.
"""

import datetime
from importlib import import_module

from django.db import connection

from kado_platform.federation.index import index_differences, index_rebuild
from kado_platform.federation.models import OutcomeEvent
from kado_platform.federation.selectors import report
from kado_tenants.workforce.models import Worker, WorkerStatusChange
from kado_tenants.workforce.services import worker_change_status

D = datetime.date


def _journey(maker, admin, joined_on, *moves):
    """An active worker who then makes each (status, day) move, through the service."""
    worker = maker(acting_user=admin).active_worker(joined_on=joined_on)
    for status, day in moves:
        worker_change_status(worker=worker, status=status, changed_on=day, acting_user=admin)
    return worker


def _events(region, worker):
    return [
        (e.kind, e.happened_on, e.fiscal_year)
        for e in OutcomeEvent.objects.filter(region=region, worker_id=worker.pk)
        .exclude(kind="started")
        .order_by("happened_on", "change_id")
    ]


def _outcomes(region, *fiscal_years):
    """(moved to employment, returned) of `region` in each year, as the report gives them."""
    figures = {}
    for year in fiscal_years:
        row = next(r for r in report(fiscal_year=year)["by_region"] if r["region"].pk == region.pk)
        figures[year] = (row["moved_to_employment"], row["returned"])
    return figures


def _totals(*fiscal_years):
    return {
        year: (figures["moved_to_employment"], figures["returned"])
        for year in fiscal_years
        for figures in [report(fiscal_year=year)]
    }


def _plus(before, added):
    return {
        year: tuple(a + b for a, b in zip(before[year], added[year], strict=True))
        for year in before
    }


YEARS = (2041, 2042, 2043)
CYCLE = (
    ("employed", D(2041, 6, 1)),  # FY2041
    ("returned", D(2042, 9, 1)),  # FY2042
    ("active", D(2042, 10, 1)),
    ("employed", D(2043, 7, 1)),  # FY2043
    ("returned", D(2044, 1, 15)),  # still FY2043 (April–March)
)


def test_the_safety_net_cycle_counts_in_every_year_it_happened(fed, in_region, maker):
    admin = fed.user("alpha_admin")
    before, totals_before = _outcomes(fed.alpha, *YEARS), _totals(*YEARS)
    with in_region(fed.alpha):
        cycled = _journey(maker, admin, D(2041, 4, 1), *CYCLE)
        # Employed twice within FY2041: one worker moved to employment that year, not two.
        twice = _journey(
            maker,
            admin,
            D(2041, 4, 1),
            ("employed", D(2041, 5, 1)),
            ("returned", D(2041, 8, 1)),
            ("active", D(2041, 8, 2)),
            ("employed", D(2041, 12, 1)),
        )
    assert _events(fed.alpha, cycled) == [
        ("employed", D(2041, 6, 1), 2041),
        ("returned", D(2042, 9, 1), 2042),
        ("employed", D(2043, 7, 1), 2043),
        ("returned", D(2044, 1, 15), 2043),
    ]
    assert _events(fed.alpha, twice) == [
        ("employed", D(2041, 5, 1), 2041),
        ("returned", D(2041, 8, 1), 2041),
        ("employed", D(2041, 12, 1), 2041),
    ]
    added = {2041: (2, 1), 2042: (0, 1), 2043: (1, 1)}
    assert _outcomes(fed.alpha, *YEARS) == _plus(before, added)
    assert _totals(*YEARS) == _plus(totals_before, added)


def test_the_rebuild_reproduces_the_outcome_rows_and_check_sees_them(fed, in_region, maker):
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        worker = _journey(maker, admin, D(2041, 4, 1), *CYCLE)
        changes = {
            c.to_status + str(c.changed_on): c.pk
            for c in WorkerStatusChange.objects.filter(worker=worker)
        }

    def rows():
        return sorted(
            OutcomeEvent.objects.filter(region=fed.alpha, worker_id=worker.pk)
            .exclude(
                kind="started"
            )  # the first challenge: tests/platform_tests/test_first_challenge.py
            .values_list("change_id", "worker_id", "kind", "happened_on", "fiscal_year")
        )

    expected = [
        (changes["employed2041-06-01"], worker.pk, "employed", D(2041, 6, 1), 2041),
        (changes["returned2042-09-01"], worker.pk, "returned", D(2042, 9, 1), 2042),
        (changes["employed2043-07-01"], worker.pk, "employed", D(2043, 7, 1), 2043),
        (changes["returned2044-01-15"], worker.pk, "returned", D(2044, 1, 15), 2043),
    ]
    assert rows() == expected
    assert index_differences(fed.alpha) == []

    lost = OutcomeEvent.objects.get(region=fed.alpha, change_id=changes["employed2041-06-01"])
    lost.delete()
    OutcomeEvent.objects.filter(region=fed.alpha, change_id=changes["returned2042-09-01"]).update(
        fiscal_year=2043
    )
    described = sorted(d.describe() for d in index_differences(fed.alpha))
    assert described == [
        f"alpha outcomes [{changes['employed2041-06-01']}]: missing from the index",
        f"alpha outcomes [{changes['returned2042-09-01']}]: fiscal_year: 2043 ≠ 2042",
    ]

    counts = index_rebuild(region=fed.alpha)
    assert rows() == expected
    assert counts["outcomes"] == OutcomeEvent.objects.filter(region=fed.alpha).count()
    assert index_differences(fed.alpha) == []


def test_a_deleted_move_leaves_the_report(fed, in_region, maker):
    admin = fed.user("alpha_admin")
    before = _outcomes(fed.alpha, 2041)
    with in_region(fed.alpha):
        worker = _journey(maker, admin, D(2041, 4, 1), ("employed", D(2041, 6, 1)))
    assert _outcomes(fed.alpha, 2041) == _plus(before, {2041: (1, 0)})
    with in_region(fed.alpha):
        WorkerStatusChange.objects.filter(worker=worker, to_status="employed").delete()
    assert _events(fed.alpha, worker) == []
    assert _outcomes(fed.alpha, 2041) == before


def test_colliding_worker_keys_of_two_regions_stay_apart(fed, in_region, maker, same_pk):
    before = {region: _outcomes(region, 2041, 2043) for region in (fed.alpha, fed.beta)}
    same_pk(Worker, fed.alpha, fed.beta)
    same_pk(WorkerStatusChange, fed.alpha, fed.beta)
    with in_region(fed.alpha):
        alpha_worker = _journey(
            maker, fed.user("alpha_admin"), D(2041, 4, 1), ("employed", D(2041, 6, 1))
        )
        alpha_change = WorkerStatusChange.objects.get(worker=alpha_worker, to_status="employed")
    with in_region(fed.beta):
        beta_worker = _journey(
            maker, fed.user("beta_admin"), D(2041, 4, 1), ("employed", D(2043, 7, 1))
        )
        beta_change = WorkerStatusChange.objects.get(worker=beta_worker, to_status="employed")
    assert alpha_worker.pk == beta_worker.pk and alpha_change.pk == beta_change.pk
    assert _events(fed.alpha, alpha_worker) == [("employed", D(2041, 6, 1), 2041)]
    assert _events(fed.beta, beta_worker) == [("employed", D(2043, 7, 1), 2043)]
    assert _outcomes(fed.alpha, 2041, 2043) == _plus(
        before[fed.alpha], {2041: (1, 0), 2043: (0, 0)}
    )
    assert _outcomes(fed.beta, 2041, 2043) == _plus(before[fed.beta], {2041: (0, 0), 2043: (1, 0)})


def test_the_migration_fills_in_the_moves_made_before_it(fed, in_region, maker):
    backfill = import_module(
        "kado_platform.federation.migrations.0005_outcome_events"
    ).OUTCOMES_BACKFILL
    with in_region(fed.alpha):
        worker = _journey(maker, fed.user("alpha_admin"), D(2041, 4, 1), *CYCLE)
    OutcomeEvent.objects.filter(region=fed.alpha, worker_id=worker.pk).delete()
    assert _events(fed.alpha, worker) == []
    with connection.cursor() as cursor:
        cursor.execute(backfill)
    assert _events(fed.alpha, worker) == [
        ("employed", D(2041, 6, 1), 2041),
        ("returned", D(2042, 9, 1), 2042),
        ("employed", D(2043, 7, 1), 2043),
        ("returned", D(2044, 1, 15), 2043),
    ]
