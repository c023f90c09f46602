"""The first challenge (第1チャレンジ): people with time constraints start working.

A worker's first move to active is a start (`started`), counted in the fiscal year it
happened, whether the worker came through applicant and training or was registered as
active. Coming back to active (after employment, other social participation or leaving)
is the safety net at work, not a new start.
In-process tests read FY2050–FY2053 and the HTTP test FY2060–FY2062, years no other test
uses; the HTTP test commits its rows (the live server sees no others) and deletes them.
The demo test builds part of the demo federation and rolls it back.
"""

from __future__ import annotations

import datetime
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from kado_platform.federation.index import index_differences, index_rebuild
from kado_platform.federation.models import OutcomeEvent
from kado_platform.federation.selectors import report
from kado_tenants.workforce.models import Worker, WorkerStatus, WorkerStatusChange
from kado_tenants.workforce.services import worker_change_status

D = datetime.date
S = WorkerStatus


def _walk(worker, admin, *moves):
    for status, day in moves:
        worker_change_status(worker=worker, status=status, changed_on=day, acting_user=admin)
    return worker


def _events(region, worker):
    return [
        (e.kind, e.happened_on, e.fiscal_year)
        for e in OutcomeEvent.objects.filter(region=region, worker_id=worker.pk).order_by(
            "happened_on", "change_id"
        )
    ]


def _started(region, *fiscal_years):
    """`region`'s started-working count per year, as the report gives it."""
    return {
        year: next(
            r["started_working"]
            for r in report(fiscal_year=year)["by_region"]
            if r["region"].pk == region.pk
        )
        for year in fiscal_years
    }


def _totals(*fiscal_years):
    return {year: report(fiscal_year=year)["started_working"] for year in fiscal_years}


def _plus(before, added):
    return {year: before[year] + added[year] for year in before}


# --- in the read model and the report ----------------------------------------------------


def test_a_worker_through_training_starts_once_in_the_year_of_becoming_active(
    fed, in_region, maker
):
    """Applied and trained in FY2050 (March 2051), active in FY2051 (April 2051)."""
    admin = fed.user("alpha_admin")
    years = (2050, 2051)
    before, totals = _started(fed.alpha, *years), _totals(*years)
    with in_region(fed.alpha):
        worker = maker(acting_user=admin).worker(joined_on=D(2051, 2, 1))
        _walk(worker, admin, (S.TRAINING, D(2051, 3, 31)))
        assert _events(fed.alpha, worker) == []
        _walk(worker, admin, (S.ACTIVE, D(2051, 4, 1)))
        stopped = maker(acting_user=admin).worker(joined_on=D(2051, 2, 1))
        _walk(stopped, admin, (S.TRAINING, D(2051, 3, 1)), (S.LEFT, D(2051, 5, 1)))
    assert _events(fed.alpha, worker) == [("started", D(2051, 4, 1), 2051)]
    assert _events(fed.alpha, stopped) == []  # trained, never worked: no start
    assert _started(fed.alpha, *years) == _plus(before, {2050: 0, 2051: 1})
    assert _totals(*years) == _plus(totals, {2050: 0, 2051: 1})


def test_coming_back_to_active_is_not_a_new_start(fed, in_region, maker):
    """Active in FY2051; employed, back and active again in FY2052; leaves and comes back
    in FY2053: one start, in FY2051."""
    admin = fed.user("alpha_admin")
    years = (2051, 2052, 2053)
    before, totals = _started(fed.alpha, *years), _totals(*years)
    with in_region(fed.alpha):
        worker = _walk(
            maker(acting_user=admin).active_worker(joined_on=D(2051, 5, 1)),
            admin,
            (S.EMPLOYED, D(2051, 9, 1)),
            (S.RETURNED, D(2052, 5, 1)),
            (S.ACTIVE, D(2052, 5, 2)),
            (S.LEFT, D(2052, 8, 1)),
            (S.ACTIVE, D(2053, 6, 1)),
        )
    assert _events(fed.alpha, worker) == [
        ("started", D(2051, 5, 1), 2051),
        ("employed", D(2051, 9, 1), 2051),
        ("returned", D(2052, 5, 1), 2052),
    ]
    assert _started(fed.alpha, *years) == _plus(before, {2051: 1, 2052: 0, 2053: 0})
    assert _totals(*years) == _plus(totals, {2051: 1, 2052: 0, 2053: 0})


def test_a_worker_registered_as_active_starts_on_joining(fed, in_region, maker):
    admin = fed.user("beta_admin")
    years = (2051, 2052)
    before = _started(fed.beta, *years)
    with in_region(fed.beta):
        joined = maker(acting_user=admin).worker(joined_on=D(2052, 3, 31), status=S.ACTIVE)
        registered_applicant = maker(acting_user=admin).worker(joined_on=D(2052, 3, 31))
    assert _events(fed.beta, joined) == [("started", D(2052, 3, 31), 2051)]
    assert _events(fed.beta, registered_applicant) == []
    assert _started(fed.beta, *years) == _plus(before, {2051: 1, 2052: 0})


def test_the_rebuild_reproduces_the_starts_and_check_sees_them(fed, in_region, maker):
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        worker = _walk(
            maker(acting_user=admin).active_worker(joined_on=D(2052, 4, 10)),
            admin,
            (S.LEFT, D(2052, 6, 1)),
            (S.ACTIVE, D(2053, 1, 5)),
        )
        first, again = (
            WorkerStatusChange.objects.filter(worker=worker, to_status=S.ACTIVE)
            .order_by("changed_on")
            .values_list("pk", flat=True)
        )

    def rows():
        return sorted(
            OutcomeEvent.objects.filter(region=fed.alpha, worker_id=worker.pk).values_list(
                "change_id", "worker_id", "kind", "happened_on", "fiscal_year"
            )
        )

    expected = [(first, worker.pk, "started", D(2052, 4, 10), 2052)]
    assert rows() == expected
    assert index_differences(fed.alpha) == []

    OutcomeEvent.objects.filter(region=fed.alpha, change_id=first).update(kind="employed")
    OutcomeEvent.objects.create(
        region=fed.alpha,
        change_id=again,
        worker_id=worker.pk,
        kind="started",
        happened_on=D(2053, 1, 5),
        fiscal_year=2052,
    )
    described = sorted(d.describe() for d in index_differences(fed.alpha))
    assert described == sorted(
        [
            f"alpha outcomes [{first}]: kind: 'employed' ≠ 'started'",
            f"alpha outcomes [{again}]: in the index but not in the region",
        ]
    )
    counts = index_rebuild(region=fed.alpha)
    assert rows() == expected
    assert counts["outcomes"] == OutcomeEvent.objects.filter(region=fed.alpha).count()
    assert index_differences(fed.alpha) == []

    # Without its first move to active, the worker's start is the next one.
    with in_region(fed.alpha):
        WorkerStatusChange.objects.filter(pk=first).delete()
    assert rows() == [(again, worker.pk, "started", D(2053, 1, 5), 2052)]
    assert index_differences(fed.alpha) == []


def test_colliding_keys_of_two_regions_stay_apart(fed, in_region, maker, same_pk):
    """Alpha's worker starts with the change row that is beta's registration as an
    applicant (same worker id, same change id); beta's worker starts a year later."""
    years = (2052, 2053)
    before = {region: _started(region, *years) for region in (fed.alpha, fed.beta)}
    same_pk(Worker, fed.alpha, fed.beta)
    same_pk(WorkerStatusChange, fed.alpha, fed.beta)
    with in_region(fed.alpha):
        alpha_worker = maker(acting_user=fed.user("alpha_admin")).worker(
            joined_on=D(2052, 6, 1), status=S.ACTIVE
        )
        [alpha_change] = WorkerStatusChange.objects.filter(worker=alpha_worker)
    with in_region(fed.beta):
        admin = fed.user("beta_admin")
        beta_worker = maker(acting_user=admin).worker(joined_on=D(2052, 6, 1))
        beta_change = WorkerStatusChange.objects.get(worker=beta_worker)
        _walk(beta_worker, admin, (S.TRAINING, D(2052, 7, 1)), (S.ACTIVE, D(2053, 7, 1)))
    assert alpha_worker.pk == beta_worker.pk and alpha_change.pk == beta_change.pk
    assert _events(fed.alpha, alpha_worker) == [("started", D(2052, 6, 1), 2052)]
    assert _events(fed.beta, beta_worker) == [("started", D(2053, 7, 1), 2053)]
    assert _started(fed.alpha, *years) == _plus(before[fed.alpha], {2052: 1, 2053: 0})
    assert _started(fed.beta, *years) == _plus(before[fed.beta], {2052: 0, 2053: 1})


def test_the_migration_fills_in_the_starts_made_before_it(fed, in_region, maker):
    backfill = import_module(
        "kado_platform.federation.migrations.0007_outcome_started"
    ).OUTCOMES_BACKFILL
    admin = fed.user("beta_admin")
    with in_region(fed.beta):
        worker = _walk(
            maker(acting_user=admin).active_worker(joined_on=D(2053, 4, 1)),
            admin,
            (S.SOCIAL_PARTICIPATION, D(2053, 5, 1)),
            (S.RETURNED, D(2053, 6, 1)),
            (S.ACTIVE, D(2053, 6, 2)),
        )
    OutcomeEvent.objects.filter(region=fed.beta, worker_id=worker.pk, kind="started").delete()
    assert _events(fed.beta, worker) == [
        ("social_participation", D(2053, 5, 1), 2053),
        ("returned", D(2053, 6, 1), 2053),
    ]
    with connection.cursor() as cursor:
        cursor.execute(backfill)
    assert _events(fed.beta, worker) == [
        ("started", D(2053, 4, 1), 2053),
        ("social_participation", D(2053, 5, 1), 2053),
        ("returned", D(2053, 6, 1), 2053),
    ]


# --- the report over HTTP -----------------------------------------------------------------

REPORT = """
query ($year: Int!) {
  report(fiscalYear: $year) {
    fiscalYear startedWorking movedToEmployment returned
    byRegion { region { code } startedWorking movedToEmployment returned }
  }
}
"""


def _in_schema(region, work):
    """Run `work` in `region` on a connection of its own: its rows are committed for the
    live server."""

    def run():
        try:
            with schema_context(region.schema_name):
                return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def committed_workers(maker):
    """`committed_workers(region, [(joined_on, status, moves), ...])`: one committed worker
    per entry, registered with `status` and then making each move; all deleted (the read
    model with them) after."""
    made = []

    def _make(region, journeys):
        def work():
            return [
                _walk(maker().worker(joined_on=joined_on, status=status), None, *moves).pk
                for joined_on, status, moves in journeys
            ]

        made.append((region, _in_schema(region, work)))

    yield _make
    for region, ids in made:
        _in_schema(region, lambda ids=ids: Worker.objects.filter(pk__in=ids).delete())


def test_the_leader_reads_the_starts_over_http(fed, graphql_http, committed_workers):
    committed_workers(
        fed.alpha,
        [
            # applicant → training → active in FY2061: one start
            (D(2061, 4, 1), S.APPLICANT, [(S.TRAINING, D(2061, 4, 15)), (S.ACTIVE, D(2061, 5, 1))]),
            # started and employed in FY2060, back and active again in FY2061: no start
            (
                D(2060, 4, 1),
                S.ACTIVE,
                [
                    (S.EMPLOYED, D(2060, 6, 1)),
                    (S.RETURNED, D(2061, 6, 1)),
                    (S.ACTIVE, D(2061, 6, 2)),
                ],
            ),
            # registered as active and employed, both in FY2061
            (D(2061, 4, 1), S.ACTIVE, [(S.EMPLOYED, D(2061, 7, 1))]),
            # trained in FY2061, active in FY2062
            (D(2062, 1, 1), S.APPLICANT, [(S.TRAINING, D(2062, 2, 1)), (S.ACTIVE, D(2062, 4, 1))]),
        ],
    )
    committed_workers(
        fed.beta,
        [
            (D(2062, 3, 31), S.ACTIVE, []),  # the last day of FY2061
            (D(2061, 9, 1), S.APPLICANT, [(S.LEFT, D(2061, 10, 1))]),  # never worked
        ],
    )
    response = graphql_http(fed.hub, REPORT, as_user="leader", variables={"year": 2061})
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    figures = body["data"]["report"]
    regions = {row["region"]["code"]: row for row in figures.pop("byRegion")}
    assert figures == {
        "fiscalYear": 2061,
        "startedWorking": 3,
        "movedToEmployment": 1,
        "returned": 1,
    }
    assert regions["alpha"] == {
        "region": {"code": "alpha"},
        "startedWorking": 2,
        "movedToEmployment": 1,
        "returned": 1,
    }
    assert regions["beta"] == {
        "region": {"code": "beta"},
        "startedWorking": 1,
        "movedToEmployment": 0,
        "returned": 0,
    }
    following = graphql_http(fed.hub, REPORT, as_user="leader", variables={"year": 2062})
    assert following.json()["data"]["report"]["startedWorking"] == 1
    previous = graphql_http(fed.hub, REPORT, as_user="leader", variables={"year": 2060})
    figures = previous.json()["data"]["report"]
    assert (figures["startedWorking"], figures["movedToEmployment"]) == (1, 1)


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_gives_leadership_starts_to_show(db):
    """A fifth of Shiojiri's demo: its starts per year are its workers' first moves to
    active, counted here from the region's own rows, and FY2023 (the demo's latest year)
    has some."""
    from kado_platform.demo.builder import DemoBuilder

    DemoBuilder(seed=2010, scale=0.2, codes=["shiojiri"]).build()
    with schema_context("shiojiri"):
        first_active = {}
        for change in WorkerStatusChange.objects.filter(to_status=S.ACTIVE).order_by(
            "changed_on", "id"
        ):
            first_active.setdefault(change.worker_id, change.changed_on)
    connection.set_schema_to_public()
    expected = Counter(day.year - (day.month < 4) for day in first_active.values())
    years = range(2015, 2024)
    shiojiri = {
        year: next(
            r["started_working"]
            for r in report(fiscal_year=year)["by_region"]
            if r["region"].code == "shiojiri"
        )
        for year in years
    }
    assert shiojiri == {year: expected[year] for year in years}
    assert shiojiri[2023] > 0
