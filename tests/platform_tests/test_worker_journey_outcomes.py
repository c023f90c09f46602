"""The journey's two other endings: other social participation (その他の社会参加), the
second challenge's outcome besides employment, and leaving KADO (退会).

Social participation is counted in the outcomes report like employment, and its safety
net (back to KADO) like employment's; someone who left is no outcome and no longer an
active worker, so neither the active counts nor the hub's capacity include them.
In-process tests read FY2071–FY2073 and the HTTP test FY2081–FY2082, years no other test
uses; the HTTP test commits its rows (the live server sees no others) and deletes them.
"""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_platform.federation.index import index_differences, index_rebuild
from kado_platform.federation.models import OutcomeEvent, WorkerIndexEntry
from kado_platform.federation.selectors import capacity, report, worker_counts_by_region
from kado_tenants.workforce.models import Worker, WorkerStatus, WorkerStatusChange
from kado_tenants.workforce.services import availability_set, skill_create, worker_change_status

D = datetime.date
S = WorkerStatus


def _walk(worker, admin, *moves):
    for status, day in moves:
        worker_change_status(worker=worker, status=status, changed_on=day, acting_user=admin)
    return worker


def _journey(maker, admin, joined_on, *moves):
    """An active worker (joined, trained and active on `joined_on`) making each move."""
    return _walk(maker(acting_user=admin).active_worker(joined_on=joined_on), admin, *moves)


def _moves(worker):
    return list(
        WorkerStatusChange.objects.filter(worker=worker)
        .order_by("changed_on", "id")
        .values_list("from_status", "to_status", "changed_on")
    )


def _audited(worker):
    """The worker's status-change audit entries in the current region: (actor, changes)."""
    return [
        (entry.actor_id, entry.changes)
        for entry in AuditEntry.objects.filter(
            action="worker.change_status",
            region_code=connection.schema_name,
            object_type="workforce.Worker",
            object_id=str(worker.pk),
        ).order_by("id")
    ]


def _events(region, worker):
    return [
        (e.kind, e.happened_on, e.fiscal_year)
        for e in OutcomeEvent.objects.filter(region=region, worker_id=worker.pk)
        .exclude(kind="started")
        .order_by("happened_on", "change_id")
    ]


def _outcomes(region, *fiscal_years):
    """(employment, social participation, returned) of `region` per year, from the report."""
    figures = {}
    for year in fiscal_years:
        row = next(r for r in report(fiscal_year=year)["by_region"] if r["region"].pk == region.pk)
        figures[year] = (
            row["moved_to_employment"],
            row["moved_to_social_participation"],
            row["returned"],
        )
    return figures


def _plus(before, added):
    return {
        year: tuple(a + b for a, b in zip(before[year], added[year], strict=True))
        for year in before
    }


# --- the service: which moves are allowed --------------------------------------------

ALLOWED = {
    "participation and back": (
        S.ACTIVE,
        [
            (S.SOCIAL_PARTICIPATION, D(2071, 6, 1)),
            (S.RETURNED, D(2072, 2, 1)),
            (S.ACTIVE, D(2072, 2, 2)),
        ],
    ),
    "active leaves and rejoins": (S.ACTIVE, [(S.LEFT, D(2071, 9, 1)), (S.ACTIVE, D(2072, 1, 5))]),
    "an applicant leaves": (S.APPLICANT, [(S.LEFT, D(2071, 5, 1))]),
    "a trainee leaves and rejoins": (
        S.TRAINING,
        [(S.LEFT, D(2071, 5, 1)), (S.ACTIVE, D(2071, 10, 1))],
    ),
}


def _worker_at(maker, admin, status):
    """A worker who joined on 2071-04-01 and stands at `status` (applicant, training, active)."""
    worker = maker(acting_user=admin).worker(joined_on=D(2071, 4, 1))
    path = {S.APPLICANT: [], S.TRAINING: [S.TRAINING], S.ACTIVE: [S.TRAINING, S.ACTIVE]}[status]
    return _walk(worker, admin, *((step, D(2071, 4, 1)) for step in path))


@pytest.mark.parametrize("case", list(ALLOWED))
def test_each_new_move_is_made_dated_and_audited(fed, in_region, maker, case):
    start, moves = ALLOWED[case]
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        worker = _worker_at(maker, admin, start)
        before_moves, before_audit = _moves(worker), _audited(worker)
        _walk(worker, admin, *moves)
        worker.refresh_from_db()
        assert worker.status == moves[-1][0]
        previous = [start, *(status for status, _day in moves[:-1])]
        assert _moves(worker) == before_moves + [
            (str(frm), str(to), day) for frm, (to, day) in zip(previous, moves, strict=True)
        ]
        assert _audited(worker) == before_audit + [
            (admin.pk, {"status": [str(frm), str(to)], "changed_on": day.isoformat()})
            for frm, (to, day) in zip(previous, moves, strict=True)
        ]


REFUSED = [
    (S.ACTIVE, [(S.LEFT, D(2071, 5, 1))], S.EMPLOYED),
    (S.ACTIVE, [(S.LEFT, D(2071, 5, 1))], S.SOCIAL_PARTICIPATION),
    (S.ACTIVE, [(S.LEFT, D(2071, 5, 1))], S.RETURNED),
    (S.ACTIVE, [(S.LEFT, D(2071, 5, 1))], S.TRAINING),
    (S.ACTIVE, [(S.SOCIAL_PARTICIPATION, D(2071, 5, 1))], S.ACTIVE),
    (S.ACTIVE, [(S.SOCIAL_PARTICIPATION, D(2071, 5, 1))], S.EMPLOYED),
    (S.ACTIVE, [(S.SOCIAL_PARTICIPATION, D(2071, 5, 1))], S.LEFT),
    (S.ACTIVE, [(S.EMPLOYED, D(2071, 5, 1))], S.SOCIAL_PARTICIPATION),
    (S.ACTIVE, [(S.EMPLOYED, D(2071, 5, 1))], S.LEFT),
    (S.ACTIVE, [(S.EMPLOYED, D(2071, 5, 1)), (S.RETURNED, D(2071, 6, 1))], S.LEFT),
    (S.APPLICANT, [], S.SOCIAL_PARTICIPATION),
    (S.TRAINING, [], S.SOCIAL_PARTICIPATION),
]


@pytest.mark.parametrize(
    ("start", "moves", "target"),
    REFUSED,
    ids=[f"{moves[-1][0] if moves else start}->{target}" for start, moves, target in REFUSED],
)
def test_other_moves_are_refused_and_write_nothing(fed, in_region, maker, start, moves, target):
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        worker = _walk(_worker_at(maker, admin, start), admin, *moves)
        current = moves[-1][0] if moves else start
        before_moves, before_audit = _moves(worker), _audited(worker)
        before_events = _events(fed.alpha, worker)
        with pytest.raises(DomainError) as refused:
            worker_change_status(
                worker=worker, status=target, changed_on=D(2071, 8, 1), acting_user=admin
            )
        assert (refused.value.code, refused.value.field) == ("illegal_transition", "status")
        assert Worker.objects.get(pk=worker.pk).status == current
        assert _moves(worker) == before_moves
        assert _audited(worker) == before_audit
        assert _events(fed.alpha, worker) == before_events


# --- the read model ---------------------------------------------------------------------

JOURNEY = (
    (S.SOCIAL_PARTICIPATION, D(2071, 6, 1)),  # FY2071
    (S.RETURNED, D(2072, 5, 1)),  # FY2072
    (S.ACTIVE, D(2072, 5, 2)),
    (S.LEFT, D(2072, 9, 1)),  # no outcome
    (S.ACTIVE, D(2073, 1, 10)),
    (S.SOCIAL_PARTICIPATION, D(2073, 3, 31)),  # still FY2072 (April–March)
)
YEARS = (2071, 2072, 2073)


def test_social_participation_is_an_outcome_and_leaving_is_not(fed, in_region, maker):
    admin = fed.user("alpha_admin")
    before = _outcomes(fed.alpha, *YEARS)
    totals_before = {year: report(fiscal_year=year) for year in YEARS}
    with in_region(fed.alpha):
        worker = _journey(maker, admin, D(2071, 4, 1), *JOURNEY)
        leaver = _journey(maker, admin, D(2071, 4, 1), (S.LEFT, D(2071, 7, 1)))
        employed = _journey(maker, admin, D(2071, 4, 1), (S.EMPLOYED, D(2071, 8, 1)))
    assert _events(fed.alpha, worker) == [
        ("social_participation", D(2071, 6, 1), 2071),
        ("returned", D(2072, 5, 1), 2072),
        ("social_participation", D(2073, 3, 31), 2072),
    ]
    assert _events(fed.alpha, leaver) == []
    assert _events(fed.alpha, employed) == [("employed", D(2071, 8, 1), 2071)]
    # The worker moved to social participation twice in FY2072 aside: counted once.
    added = {2071: (1, 1, 0), 2072: (0, 1, 1), 2073: (0, 0, 0)}
    assert _outcomes(fed.alpha, *YEARS) == _plus(before, added)
    for year in YEARS:
        figures = report(fiscal_year=year)
        employment, participation, returned = added[year]
        assert figures["moved_to_employment"] == (
            totals_before[year]["moved_to_employment"] + employment
        )
        assert figures["moved_to_social_participation"] == (
            totals_before[year]["moved_to_social_participation"] + participation
        )
        assert figures["returned"] == totals_before[year]["returned"] + returned
    entries = dict(
        WorkerIndexEntry.objects.filter(
            region=fed.alpha, worker_id__in=[worker.pk, leaver.pk]
        ).values_list("worker_id", "status")
    )
    assert entries == {worker.pk: "social_participation", leaver.pk: "left"}


def test_a_worker_who_left_is_neither_active_nor_capacity(fed, in_region, maker):
    """The region's active count (テレワーカー（稼働中）) and the hub's capacity."""
    admin = fed.user("alpha_admin")
    window = [(0, 540, 720)]  # Mondays 9:00–12:00
    # 2071-04-06 is a Monday: the week holds one of each weekday.
    period = {"date_from": D(2071, 4, 6), "date_to": D(2071, 4, 12)}

    def alpha_active():
        return next(r for r in worker_counts_by_region() if r["region"].pk == fed.alpha.pk)

    before = alpha_active()
    with in_region(fed.alpha):
        skill_create(code="journey-left", name="退会確認", name_en="Left check", acting_user=admin)
        staying, leaving, rejoining = (
            maker(acting_user=admin).active_worker(
                joined_on=D(2071, 4, 1), skill_codes=["journey-left"]
            )
            for _ in range(3)
        )
        for worker in (staying, leaving, rejoining):
            availability_set(worker=worker, windows=window, acting_user=admin)
        _walk(leaving, admin, (S.LEFT, D(2071, 5, 1)))
        _walk(rejoining, admin, (S.LEFT, D(2071, 5, 1)), (S.ACTIVE, D(2071, 6, 1)))
    after = alpha_active()
    assert after["active"] == before["active"] + 2
    assert after["by_status"].get("left", 0) == before["by_status"].get("left", 0) + 1
    assert after["total"] == before["total"] + 3
    rows = {row["region"].code: row for row in capacity(skills=["journey-left"], **period)}
    assert (rows["alpha"]["workers"], rows["alpha"]["minutes"]) == (2, 2 * 180)
    assert (rows["beta"]["workers"], rows["beta"]["minutes"]) == (0, 0)


def test_the_rebuild_reproduces_the_new_outcome_rows_and_check_sees_them(fed, in_region, maker):
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        worker = _journey(maker, admin, D(2071, 4, 1), *JOURNEY)
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

    first, again = (
        changes["social_participation2071-06-01"],
        changes["social_participation2073-03-31"],
    )
    expected = [
        (first, worker.pk, "social_participation", D(2071, 6, 1), 2071),
        (changes["returned2072-05-01"], worker.pk, "returned", D(2072, 5, 1), 2072),
        (again, worker.pk, "social_participation", D(2073, 3, 31), 2072),
    ]
    assert rows() == expected
    assert index_differences(fed.alpha) == []

    OutcomeEvent.objects.get(region=fed.alpha, change_id=first).delete()
    OutcomeEvent.objects.filter(region=fed.alpha, change_id=again).update(kind="employed")
    described = sorted(d.describe() for d in index_differences(fed.alpha))
    assert described == sorted(
        [
            f"alpha outcomes [{first}]: missing from the index",
            f"alpha outcomes [{again}]: kind: 'employed' ≠ 'social_participation'",
        ]
    )

    counts = index_rebuild(region=fed.alpha)
    assert rows() == expected
    assert counts["outcomes"] == OutcomeEvent.objects.filter(region=fed.alpha).count()
    assert index_differences(fed.alpha) == []


def test_colliding_keys_of_two_regions_stay_apart(fed, in_region, maker, same_pk):
    """Alpha's move to social participation and beta's leaving share a worker id and a
    change id: only alpha has an outcome, and each index row keeps its region's status."""
    before = {region: _outcomes(region, 2071, 2072) for region in (fed.alpha, fed.beta)}
    same_pk(Worker, fed.alpha, fed.beta)
    same_pk(WorkerStatusChange, fed.alpha, fed.beta)
    with in_region(fed.alpha):
        alpha_worker = _journey(
            maker, fed.user("alpha_admin"), D(2071, 4, 1), (S.SOCIAL_PARTICIPATION, D(2071, 6, 1))
        )
        alpha_change = WorkerStatusChange.objects.get(
            worker=alpha_worker, to_status=S.SOCIAL_PARTICIPATION
        )
    with in_region(fed.beta):
        beta_worker = _journey(
            maker, fed.user("beta_admin"), D(2071, 4, 1), (S.LEFT, D(2072, 7, 1))
        )
        beta_change = WorkerStatusChange.objects.get(worker=beta_worker, to_status=S.LEFT)
    assert alpha_worker.pk == beta_worker.pk and alpha_change.pk == beta_change.pk
    assert _events(fed.alpha, alpha_worker) == [("social_participation", D(2071, 6, 1), 2071)]
    assert _events(fed.beta, beta_worker) == []
    assert _outcomes(fed.alpha, 2071, 2072) == _plus(
        before[fed.alpha], {2071: (0, 1, 0), 2072: (0, 0, 0)}
    )
    assert _outcomes(fed.beta, 2071, 2072) == before[fed.beta]
    statuses = {
        entry.region_id: entry.status
        for entry in WorkerIndexEntry.objects.filter(worker_id=alpha_worker.pk).filter(
            region__in=[fed.alpha, fed.beta]
        )
    }
    assert statuses == {fed.alpha.pk: "social_participation", fed.beta.pk: "left"}


# --- the report over HTTP -----------------------------------------------------------------

REPORT = """
query ($year: Int!) {
  report(fiscalYear: $year) {
    fiscalYear movedToEmployment movedToSocialParticipation returned
    byRegion { region { code } movedToEmployment movedToSocialParticipation returned }
  }
}
"""


def _committed(work):
    """Run `work` on a connection of its own, so its rows are committed for the server."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _in_schema(region, work):
    def run():
        with schema_context(region.schema_name):
            return work()

    return _committed(run)


@pytest.fixture
def committed_workers(fed, maker):
    """`committed_workers(region, [moves, ...])`: one committed worker per list of moves,
    each joined and active on 2081-04-01; all deleted (the read model with them) after."""
    made = []

    def _make(region, journeys):
        def work():
            return [_journey(maker, None, D(2081, 4, 1), *moves).pk for moves in journeys]

        made.append((region, _in_schema(region, work)))

    yield _make
    for region, ids in made:
        _in_schema(region, lambda ids=ids: Worker.objects.filter(pk__in=ids).delete())


def test_the_report_counts_social_participation_over_http(fed, graphql_http, committed_workers):
    committed_workers(
        fed.alpha,
        [
            [(S.SOCIAL_PARTICIPATION, D(2081, 5, 1))],
            [(S.EMPLOYED, D(2081, 6, 1)), (S.RETURNED, D(2081, 12, 1))],
            [(S.SOCIAL_PARTICIPATION, D(2081, 7, 1)), (S.RETURNED, D(2082, 2, 1))],
            [(S.LEFT, D(2081, 8, 1))],
            [(S.LEFT, D(2081, 8, 1)), (S.ACTIVE, D(2081, 9, 1))],
        ],
    )
    committed_workers(
        fed.beta,
        [
            [(S.SOCIAL_PARTICIPATION, D(2082, 3, 31))],  # the last day of FY2081
            [(S.SOCIAL_PARTICIPATION, D(2082, 4, 1))],  # FY2082
        ],
    )
    response = graphql_http(fed.hub, REPORT, as_user="leader", variables={"year": 2081})
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    figures = body["data"]["report"]
    regions = {row["region"]["code"]: row for row in figures.pop("byRegion")}
    assert figures == {
        "fiscalYear": 2081,
        "movedToEmployment": 1,
        "movedToSocialParticipation": 3,
        "returned": 2,
    }
    assert regions["alpha"] == {
        "region": {"code": "alpha"},
        "movedToEmployment": 1,
        "movedToSocialParticipation": 2,
        "returned": 2,
    }
    assert regions["beta"] == {
        "region": {"code": "beta"},
        "movedToEmployment": 0,
        "movedToSocialParticipation": 1,
        "returned": 0,
    }
    following = graphql_http(fed.hub, REPORT, as_user="leader", variables={"year": 2082})
    assert following.json()["data"]["report"]["movedToSocialParticipation"] == 1
