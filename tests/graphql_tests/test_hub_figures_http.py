"""The hub's figures over real HTTP, each checked against rows made here and summed by hand.

The live server sees committed rows only, while a test's own connection stays in a
transaction that is rolled back. Rows made in process are therefore written on a
connection of their own (`commit_in`) and deleted after the test; rows made through the
regions' APIs are committed by the server, named uniquely and left, as other HTTP tests
leave theirs. Capacity filters on a skill made for the test, and the report reads
fiscal year 2012, which no other test touches (work cannot be logged in the future, so a
far future year could hold no minutes).
"""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from kado_tenants.clients.models import ClientKind
from kado_tenants.orders.services import assignment_create, order_transition, worklog_record
from kado_tenants.workforce.models import WorkerStatus
from kado_tenants.workforce.services import skill_create, worker_change_status

D = datetime.date


def _data(response) -> dict:
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def _committed(work):
    """Run `work` on a database connection of its own, so what it writes is committed at
    once: the test's connection is inside a transaction the live server cannot see."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


class Made:
    """Rows committed in one region for a test, deleted again afterwards (the index with them)."""

    def __init__(self, region):
        self.region = region
        self.skills, self.workers, self.clients, self.orders = [], [], [], []

    def remove(self) -> None:
        from kado_tenants.clients.models import Client
        from kado_tenants.orders.models import Assignment, Order, WorkLog
        from kado_tenants.workforce.models import Skill, Worker

        order_ids = [order.pk for order in self.orders]
        with schema_context(self.region.schema_name):
            WorkLog.objects.filter(assignment__order_id__in=order_ids).delete()
            Assignment.objects.filter(order_id__in=order_ids).delete()
            Order.objects.filter(pk__in=order_ids).delete()
            Client.objects.filter(pk__in=[client.pk for client in self.clients]).delete()
            Worker.objects.filter(pk__in=[worker.pk for worker in self.workers]).delete()
            Skill.objects.filter(pk__in=[skill.pk for skill in self.skills]).delete()


@pytest.fixture
def commit_in(fed, maker):
    """`commit_in(region, build)`: `build(make, made)` runs in the region and commits;
    what it lists in `made` is deleted after the test."""
    made_all: list[Made] = []

    def _commit(region, build):
        made = Made(region)
        made_all.append(made)

        def work():
            with schema_context(region.schema_name):
                return build(maker(acting_user=None), made)

        return _committed(work)

    yield _commit
    for made in reversed(made_all):
        _committed(made.remove)


# --- capacity --------------------------------------------------------------------------

CAPACITY = """
query ($skills: [String!]!, $from: Date!, $to: Date!) {
  capacity(skills: $skills, from: $from, to: $to) { region { code name } workers minutes }
}
"""
# 2026-12-01 is a Tuesday: the ten days hold one Monday, Friday, Saturday and Sunday,
# and two each of Tuesday, Wednesday and Thursday.
WINDOW = {"from": "2026-12-01", "to": "2026-12-10"}


def test_capacity_counts_skilled_active_workers_and_their_minutes(
    graphql_http, fed, commit_in, unique
):
    skill, other = unique("cap").lower(), unique("cap2").lower()
    names = []

    def with_skills(make, made, *, beta=False):
        made.skills += [
            skill_create(code=code, name=f"技能{code}", name_en=code) for code in (skill, other)
        ]

        def worker(codes, windows, status=WorkerStatus.ACTIVE):
            if status == WorkerStatus.ACTIVE:
                person = make.active_worker(skill_codes=codes, availability=windows)
            else:
                person = make.worker(skill_codes=codes, availability=windows)
                worker_change_status(worker=person, status=status, changed_on=person.joined_on)
            made.workers.append(person)
            names.append(person.name)

        if beta:
            # Saturday 300 + Sunday 60, each once in the window: 360.
            worker([skill], [(5, 600, 900), (6, 60, 120)])
            worker([skill], [(5, 0, 1440)], status=WorkerStatus.TRAINING)
            return
        # Monday 180 once, Tuesday 60 + 60 twice: 420.
        worker([skill], [(0, 540, 720), (1, 600, 660), (1, 780, 840)])
        # Thursday 30, twice: 60.
        worker([skill, other], [(3, 0, 30)])
        # Without the skill, in training, or gone on to employment: not counted.
        worker([other], [(0, 0, 1440)])
        worker([skill], [(0, 0, 600)], status=WorkerStatus.TRAINING)
        gone = make.active_worker(skill_codes=[skill], availability=[(2, 0, 1440)])
        worker_change_status(worker=gone, status=WorkerStatus.EMPLOYED, changed_on=D(2024, 4, 1))
        made.workers.append(gone)

    commit_in(fed.alpha, with_skills)
    commit_in(fed.beta, lambda make, made: with_skills(make, made, beta=True))

    def capacity(skills):
        response = graphql_http(
            fed.hub, CAPACITY, as_user="coordinator", variables={"skills": skills, **WINDOW}
        )
        return response.text, {row["region"]["code"]: row for row in _data(response)["capacity"]}

    text, rows = capacity([skill])
    assert (rows["alpha"]["workers"], rows["alpha"]["minutes"]) == (2, 480)
    assert (rows["beta"]["workers"], rows["beta"]["minutes"]) == (1, 360)
    assert rows["alpha"]["region"]["name"] == "アルファ市"
    assert all(
        (row["workers"], row["minutes"]) == (0, 0)
        for code, row in rows.items()
        if code not in ("alpha", "beta")
    )
    # Every listed skill is required: only the Thursday worker of alpha has both.
    _text, both = capacity([skill, other])
    assert (both["alpha"]["workers"], both["alpha"]["minutes"]) == (1, 60)
    assert (both["beta"]["workers"], both["beta"]["minutes"]) == (0, 0)
    # Counts only: no name, reading or id of a worker, and nothing else to ask for.
    for personal in [*names, "シオジリ", "Worker:"]:
        assert personal not in text
    fields = _data(
        graphql_http(
            fed.hub,
            '{ __type(name: "RegionCapacity") { fields { name } } }',
            as_user="coordinator",
        )
    )["__type"]["fields"]
    assert {field["name"] for field in fields} == {"region", "workers", "minutes"}


# --- the year's report -------------------------------------------------------------------

REPORT = """
query ($year: Int!) {
  report(fiscalYear: $year) {
    fiscalYear amount orders minutes activeWorkers movedToEmployment
    byClientKind { key amount orders minutes }
    byRegion { region { code } amount orders minutes activeWorkers movedToEmployment }
    byMonth { month amount orders minutes }
  }
}
"""


def _year_of_work_in_alpha(make, made):
    """FY2012 in alpha: two orders counted, one cancelled, one of April 2013 (FY2013)."""
    local = make.client(kind=ClientKind.LOCAL_COMPANY)
    city = make.client(kind=ClientKind.MUNICIPALITY)
    made.clients += [local, city]
    first, second = (make.active_worker(joined_on=D(2012, 4, 1)) for _ in range(2))
    made.workers += [first, second]

    def order(client, unit_price, minutes, received_on):
        made.orders.append(
            make.order(
                client=client,
                unit_price=unit_price,
                estimated_minutes=minutes,
                received_on=received_on,
                due_on=received_on + datetime.timedelta(days=60),
            )
        )
        return made.orders[-1]

    def work(order, worker, days):
        assignment = assignment_create(order=order, worker=worker, assigned_on=order.received_on)
        for day, minutes in days:
            worklog_record(assignment=assignment, work_date=day, minutes=minutes)

    # 1,200 yen an hour for 600 minutes: 12,000 yen; 1,500 for 120: 3,000 yen.
    work(
        order(local, 1_200, 600, D(2012, 5, 10)),
        first,
        [(D(2012, 5, 15), 120), (D(2012, 6, 1), 60)],
    )
    work(order(city, 1_500, 120, D(2012, 6, 1)), second, [(D(2012, 6, 2), 90)])
    cancelled = order(city, 2_000, 600, D(2012, 7, 1))
    order_transition(order=cancelled, to_status="cancelled", on_date=D(2012, 7, 2))
    work(order(local, 1_000, 60, D(2013, 4, 1)), first, [(D(2013, 4, 2), 500)])
    worker_change_status(worker=second, status=WorkerStatus.EMPLOYED, changed_on=D(2012, 12, 1))


def _year_of_work_in_beta(make, made):
    """FY2012 in beta: one order, worked on the year's last day and the next year's first."""
    urban = make.client(kind=ClientKind.URBAN_COMPANY)
    made.clients.append(urban)
    worker, leaver = (make.active_worker(joined_on=D(2012, 4, 1)) for _ in range(2))
    made.workers += [worker, leaver]
    order = make.order(
        client=urban,
        unit_price=1_000,
        estimated_minutes=60,
        received_on=D(2012, 9, 3),
        due_on=D(2013, 4, 30),
    )
    made.orders.append(order)
    assignment = assignment_create(order=order, worker=worker, assigned_on=D(2012, 9, 3))
    worklog_record(assignment=assignment, work_date=D(2013, 3, 31), minutes=30)
    worklog_record(assignment=assignment, work_date=D(2013, 4, 1), minutes=45)
    # Employed on the first day of FY2013: not an outcome of FY2012.
    worker_change_status(worker=leaver, status=WorkerStatus.EMPLOYED, changed_on=D(2013, 4, 1))


def test_report_of_a_year_is_the_sum_of_its_orders_work_and_outcomes(graphql_http, fed, commit_in):
    commit_in(fed.alpha, _year_of_work_in_alpha)
    commit_in(fed.beta, _year_of_work_in_beta)

    report = _data(graphql_http(fed.hub, REPORT, as_user="leader", variables={"year": 2012}))[
        "report"
    ]
    # Orders received in the year, the cancelled one aside: 12,000 + 3,000 + 1,000.
    assert (report["fiscalYear"], report["amount"], report["orders"]) == (2012, 16_000, 3)
    # Minutes worked in the year: 120 + 60 + 90 in alpha, 30 in beta (April 2013 is not).
    assert report["minutes"] == 300
    # Workers who logged work in the year: two in alpha, one in beta.
    assert report["activeWorkers"] == 3
    assert report["movedToEmployment"] == 1
    # Per client kind, minutes are all those logged on the year's orders, whenever worked.
    assert sorted(report["byClientKind"], key=lambda row: row["key"]) == [
        {"key": "local_company", "amount": 12_000, "orders": 1, "minutes": 180},
        {"key": "municipality", "amount": 3_000, "orders": 1, "minutes": 90},
        {"key": "urban_company", "amount": 1_000, "orders": 1, "minutes": 75},
    ]
    regions = {row["region"]["code"]: row for row in report["byRegion"]}
    assert regions["alpha"] == {
        "region": {"code": "alpha"},
        "amount": 15_000,
        "orders": 2,
        "minutes": 270,
        "activeWorkers": 2,
        "movedToEmployment": 1,
    }
    assert regions["beta"] == {
        "region": {"code": "beta"},
        "amount": 1_000,
        "orders": 1,
        "minutes": 30,
        "activeWorkers": 1,
        "movedToEmployment": 0,
    }
    months = {row["month"]: row for row in report["byMonth"]}
    assert list(months) == [
        f"{year}-{month:02d}-01"
        for year, month in [*((2012, m) for m in range(4, 13)), *((2013, m) for m in range(1, 4))]
    ]
    busy = {
        "2012-05-01": {"amount": 12_000, "orders": 1, "minutes": 120},
        "2012-06-01": {"amount": 3_000, "orders": 1, "minutes": 150},
        "2012-09-01": {"amount": 1_000, "orders": 1, "minutes": 0},
        "2013-03-01": {"amount": 0, "orders": 0, "minutes": 30},
    }
    for month, row in months.items():
        assert row == {"month": month, **busy.get(month, {"amount": 0, "orders": 0, "minutes": 0})}


# --- through the regions' own APIs ---------------------------------------------------------


class RegionAPI:
    """A region's /graphql as its admin: the writes a region makes in its daily work,
    committed by the live server."""

    PAYLOADS = {
        "clientCreate": "client",
        "orderCreate": "order",
        "orderTransition": "order",
        "workerCreate": "worker",
        "workerChangeStatus": "worker",
        "assignmentCreate": "assignment",
        "workLogRecord": "workLog",
    }

    def __init__(self, graphql_http, region, as_user):
        self.post = graphql_http
        self.region, self.as_user = region, as_user

    def query(self, query, /, **variables) -> dict:
        return _data(self.post(self.region, query, as_user=self.as_user, variables=variables))

    def mutate(self, mutation, /, **fields) -> str:
        """The new or changed row's global ID; refused input fails the test."""
        payload = self.PAYLOADS[mutation]
        input_type = mutation[0].upper() + mutation[1:] + "Input"
        result = self.query(
            f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
            f"{{ errors {{ field code message }} {payload} {{ id }} }} }}",
            input=fields,
        )[mutation]
        assert result["errors"] == [], result
        return result[payload]["id"]

    def active_worker(self, name, joined_on="2026-04-01") -> str:
        worker = self.mutate(
            "workerCreate", name=name, nameKana="テスト", hourlyRate=1_100, joinedOn=joined_on
        )
        for status in ("TRAINING", "ACTIVE"):
            self.mutate("workerChangeStatus", id=worker, status=status, changedOn=joined_on)
        return worker

    def log(self, order, worker, assigned_on, days) -> None:
        """Assign the worker and record (date, minutes) of work."""
        assignment = self.mutate(
            "assignmentCreate", orderId=order, workerId=worker, assignedOn=assigned_on
        )
        for day, minutes in days:
            self.mutate("workLogRecord", assignmentId=assignment, workDate=day, minutes=minutes)


@pytest.fixture
def region_api(graphql_http, fed):
    """`region_api(fed.alpha)`: that region's API as its admin."""
    admins = {fed.alpha.code: "alpha_admin", fed.beta.code: "beta_admin"}
    return lambda region: RegionAPI(graphql_http, region, admins[region.code])


FEDERATED_CREATE = """
mutation ($input: FederatedOrderCreateInput!) {
  federatedOrderCreate(input: $input) {
    errors { field message code }
    federatedOrder { id reference totalAmount }
  }
}
"""
ALLOCATE = """
mutation ($input: AllocationCreateInput!) {
  allocationCreate(input: $input) { errors { field message code } federatedOrder { id } }
}
"""
FEDERATED = """
query ($id: ID!) {
  federatedOrder(id: $id) {
    totalMinutes allocatedMinutes allocatedAmount
    progress { loggedMinutes estimatedMinutes ratio }
    allocations {
      region { code } minutes amount orderId status
      progress { loggedMinutes estimatedMinutes }
    }
  }
}
"""
REGION_ORDER = """
query ($id: ID!) {
  order(id: $id) {
    id title amount estimatedMinutes receivedOn dueOn status client { name kind }
    progress { loggedMinutes estimatedMinutes } federatedOrderId
  }
}
"""


def test_a_federated_order_adds_up_the_work_logged_in_each_region(
    graphql_http, fed, region_api, gid, unique, in_region
):
    from kado_platform.federation.models import FederatedOrder
    from kado_tenants.orders.models import Order

    client_name = unique("広域物流")
    created = _data(
        graphql_http(
            fed.hub,
            FEDERATED_CREATE,
            as_user="coordinator",
            variables={
                "input": {
                    "clientName": client_name,
                    "clientKind": "URBAN_COMPANY",
                    "title": "広域 画像アノテーション",
                    "category": "AI_ANNOTATION",
                    "contractType": "HOURLY",
                    "unitPrice": 1_200,
                    "totalMinutes": 3_600,
                    "receivedOn": "2026-08-01",
                    "dueOn": "2026-12-25",
                }
            },
        )
    )["federatedOrderCreate"]
    assert created["errors"] == []
    federated_id = created["federatedOrder"]["id"]
    # 1,200 yen an hour for 3,600 minutes; 3,000 of them are shared out below.
    assert created["federatedOrder"]["totalAmount"] == 72_000
    for region, minutes in (("alpha", 1_800), ("beta", 1_200)):
        shared = _data(
            graphql_http(
                fed.hub,
                ALLOCATE,
                as_user="coordinator",
                variables={
                    "input": {
                        "federatedOrderId": federated_id,
                        "region": region,
                        "minutes": minutes,
                    }
                },
            )
        )["allocationCreate"]
        assert shared["errors"] == []

    def shares():
        found = _data(
            graphql_http(fed.hub, FEDERATED, as_user="coordinator", variables={"id": federated_id})
        )["federatedOrder"]
        return found, {share["region"]["code"]: share for share in found["allocations"]}

    before, by_region = shares()
    assert before["progress"] == {"loggedMinutes": 0, "estimatedMinutes": 3_600, "ratio": 0.0}

    # Each share is an order of its region: the ID the hub gives resolves on the region's API.
    alpha, beta = region_api(fed.alpha), region_api(fed.beta)
    for api, minutes, amount in ((alpha, 1_800, 36_000), (beta, 1_200, 24_000)):
        regional = api.query(REGION_ORDER, id=by_region[api.region.code]["orderId"])["order"]
        assert regional == {
            "id": by_region[api.region.code]["orderId"],
            "title": "広域 画像アノテーション",
            "amount": amount,
            "estimatedMinutes": minutes,
            "receivedOn": "2026-08-01",
            "dueOn": "2026-12-25",
            "status": "RECEIVED",
            "client": {"name": client_name, "kind": "URBAN_COMPANY"},
            "progress": {"loggedMinutes": 0, "estimatedMinutes": minutes},
            # The other way: the regional order names the wide-area order it is a share of.
            "federatedOrderId": federated_id,
        }
    # The same link in the region's table, and the region's own orders have none.
    federated = FederatedOrder.objects.get(reference=created["federatedOrder"]["reference"])
    for region in (fed.alpha, fed.beta):
        with in_region(region):
            [regional] = Order.objects.filter(federated_order_id=federated.pk)
        assert by_region[region.code]["orderId"] == gid("Order", region.code, regional.pk)
    own = alpha.query(
        '{ orders(first: 1, filter: {search: "アルファの注文"}) '
        "{ edges { node { title federatedOrderId } } } }"
    )["orders"]["edges"]
    assert [edge["node"] for edge in own] == [{"title": "アルファの注文", "federatedOrderId": None}]

    # The regions work on their shares through their own APIs.
    alpha_order, beta_order = by_region["alpha"]["orderId"], by_region["beta"]["orderId"]
    first, second = alpha.active_worker(unique("広域 一")), alpha.active_worker(unique("広域 二"))
    alpha.log(alpha_order, first, "2026-08-03", [("2026-08-04", 240), ("2026-09-01", 60)])
    alpha.log(alpha_order, second, "2026-08-10", [("2026-08-10", 100)])
    alpha.mutate("orderTransition", id=alpha_order, toStatus="IN_PROGRESS", onDate="2026-08-03")
    beta.log(beta_order, beta.active_worker(unique("広域 三")), "2026-08-05", [("2026-08-05", 90)])

    after, by_region = shares()
    # 240 + 60 + 100 in alpha, 90 in beta, against the 3,600 minutes of the whole order
    # (not the 3,000 shared out).
    assert after["progress"] == {"loggedMinutes": 490, "estimatedMinutes": 3_600, "ratio": 0.1361}
    assert (after["allocatedMinutes"], after["allocatedAmount"]) == (3_000, 60_000)
    assert by_region["alpha"] == {
        "region": {"code": "alpha"},
        "minutes": 1_800,
        "amount": 36_000,
        "orderId": alpha_order,
        "status": "IN_PROGRESS",
        "progress": {"loggedMinutes": 400, "estimatedMinutes": 1_800},
    }
    assert by_region["beta"] == {
        "region": {"code": "beta"},
        "minutes": 1_200,
        "amount": 24_000,
        "orderId": beta_order,
        "status": "RECEIVED",
        "progress": {"loggedMinutes": 90, "estimatedMinutes": 1_200},
    }


DRILLDOWN = """
query ($id: ID!) {
  order(id: $id) {
    order { id title region { code } progress { loggedMinutes } }
    assignmentCount
    monthlyMinutes { month minutes }
  }
}
"""


def test_an_order_drills_down_to_minutes_per_month_without_names(
    graphql_http, fed, region_api, unique
):
    beta = region_api(fed.beta)
    tag = unique("月別")
    client = beta.mutate("clientCreate", name=f"{tag} 商事", kind="LOCAL_COMPANY")

    def order(title):
        return beta.mutate(
            "orderCreate",
            clientId=client,
            title=f"{tag} {title}",
            category="DATA_ENTRY",
            contractType="HOURLY",
            unitPrice=1_200,
            estimatedMinutes=600,
            receivedOn="2026-09-01",
            dueOn="2026-11-30",
        )

    drilled, other = order("入力"), order("別件")
    names = [unique("月別 一"), unique("月別 二")]
    first, second = (beta.active_worker(name) for name in names)
    beta.log(drilled, first, "2026-09-01", [("2026-09-10", 120), ("2026-09-30", 45)])
    beta.log(drilled, second, "2026-09-15", [("2026-10-01", 200), ("2026-10-31", 15)])
    # The same worker on another order, the same day: not this order's minutes.
    beta.log(other, first, "2026-09-01", [("2026-09-10", 300)])

    response = graphql_http(fed.hub, DRILLDOWN, as_user="coordinator", variables={"id": drilled})
    detail = _data(response)["order"]
    assert detail == {
        "order": {
            "id": drilled,
            "title": f"{tag} 入力",
            "region": {"code": "beta"},
            "progress": {"loggedMinutes": 380},
        },
        "assignmentCount": 2,
        # September: 120 + 45; October: 200 + 15.
        "monthlyMinutes": [
            {"month": "2026-09-01", "minutes": 165},
            {"month": "2026-10-01", "minutes": 215},
        ],
    }
    for personal in [*names, "テスト", "Worker:"]:
        assert personal not in response.text
