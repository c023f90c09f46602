"""A wide-area order's life on the hub over real HTTP: refused at 0 yen, shares cancelled
in their region given back, closed when delivered, cancelled with its regional orders.

The live server commits what the mutations write. What a region does to its share
(starting, delivering, cancelling it, logging work) is done in process on a connection
of its own, so that it is committed too: the test's connection stays in a transaction
the server cannot see. The orders are received in fiscal year 2098, which no report test
reads, and are named uniquely; like other HTTP tests' rows, they are left.
"""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import schema_context

D = datetime.date
RECEIVED = D(2098, 5, 1)

CREATE = """
mutation ($input: FederatedOrderCreateInput!) {
  federatedOrderCreate(input: $input) { errors { field code } federatedOrder { id } }
}
"""
ORDER_FIELDS = """
  id status allocatedMinutes allocatedAmount
  allocations { region { code } minutes amount orderId status }
"""
ALLOCATE = f"""
mutation ($input: AllocationCreateInput!) {{
  allocationCreate(input: $input) {{ errors {{ field code }} federatedOrder {{ {ORDER_FIELDS} }} }}
}}
"""
CLOSE = f"""
mutation ($input: FederatedOrderCloseInput!) {{
  federatedOrderClose(input: $input) {{ errors {{ field code }} federatedOrder {{ {ORDER_FIELDS} }} }}
}}
"""
CANCEL = f"""
mutation ($input: FederatedOrderCancelInput!) {{
  federatedOrderCancel(input: $input) {{ errors {{ field code }} federatedOrder {{ {ORDER_FIELDS} }} }}
}}
"""
READ = f"query ($id: ID!) {{ federatedOrder(id: $id) {{ {ORDER_FIELDS} }} }}"


def _data(response) -> dict:
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def _call(graphql_http, fed, document, name, variables) -> dict:
    return _data(graphql_http(fed.hub, document, as_user="coordinator", variables=variables))[name]


def _create(graphql_http, fed, unique, **overrides) -> str:
    values = {
        "clientName": unique("広域ライフサイクル"),
        "clientKind": "MUNICIPALITY",
        "title": "広域 データ入力",
        "category": "DATA_ENTRY",
        "contractType": "HOURLY",
        "unitPrice": 1_200,
        "totalMinutes": 1_800,
        "receivedOn": RECEIVED.isoformat(),
        "dueOn": "2098-09-30",
    } | overrides
    created = _call(graphql_http, fed, CREATE, "federatedOrderCreate", {"input": values})
    assert created["errors"] == []
    return created["federatedOrder"]["id"]


def _allocate(graphql_http, fed, order_id, region, minutes) -> dict:
    return _call(
        graphql_http,
        fed,
        ALLOCATE,
        "allocationCreate",
        {"input": {"federatedOrderId": order_id, "region": region, "minutes": minutes}},
    )


def _read(graphql_http, fed, order_id) -> dict:
    return _call(graphql_http, fed, READ, "federatedOrder", {"id": order_id})


def _regional_pk(share: dict) -> int:
    """The regional order's key, from the global ID the hub gives (`Order:<region>:<pk>`)."""
    import base64

    type_name, region, pk = base64.b64decode(share["orderId"]).decode().split(":")
    assert (type_name, region) == ("Order", share["region"]["code"])
    return int(pk)


def _in_region_committed(region, work):
    """Run `work()` in the region on a connection of its own: it commits at once."""

    def run():
        try:
            with schema_context(region.schema_name):
                return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _move(region, order_pk, *steps):
    """The region takes its share along its life cycle, a day per step."""

    def work():
        from kado_tenants.orders.models import Order
        from kado_tenants.orders.services import order_transition

        order = Order.objects.get(pk=order_pk)
        for day, step in enumerate(steps, start=2):
            order = order_transition(order=order, to_status=step, on_date=D(2098, 5, day))

    _in_region_committed(region, work)


@pytest.fixture
def log_work():
    """`log_work(region, order_pk, minutes)` commits a worker's minutes on a regional order.
    They are deleted after the test (the index follows), so that other tests' figures of
    the region's workers stay as they were."""
    made = []

    def _log(region, order_pk, minutes):
        def work():
            from kado_tenants.orders.models import Assignment, WorkLog
            from kado_tenants.workforce.models import Worker

            assignment = Assignment.objects.create(
                order_id=order_pk,
                worker=Worker.objects.order_by("id").first(),
                assigned_on=RECEIVED,
            )
            WorkLog.objects.create(assignment=assignment, work_date=RECEIVED, minutes=minutes)
            return assignment.pk

        made.append((region, _in_region_committed(region, work)))

    yield _log
    for region, assignment_pk in made:

        def remove(assignment_pk=assignment_pk):
            from kado_tenants.orders.models import Assignment, WorkLog

            WorkLog.objects.filter(assignment_id=assignment_pk).delete()
            Assignment.objects.filter(pk=assignment_pk).delete()

        _in_region_committed(region, remove)


def _regional_statuses(fed, in_region, shares) -> dict[str, str]:
    from kado_tenants.orders.models import Order

    statuses = {}
    for share in shares:
        region = {"alpha": fed.alpha, "beta": fed.beta}[share["region"]["code"]]
        with in_region(region):
            statuses[share["region"]["code"]] = Order.objects.get(pk=_regional_pk(share)).status
    return statuses


def test_a_zero_yen_wide_area_order_is_refused_and_nothing_is_written(graphql_http, fed, unique):
    from kado_platform.federation.models import FederatedOrder

    name = unique("ゼロ円")
    values = {
        "clientName": name,
        "clientKind": "MUNICIPALITY",
        "title": "ゼロ円の広域案件（API）",
        "category": "DATA_ENTRY",
        "contractType": "HOURLY",
        "unitPrice": 0,
        "totalMinutes": 600,
        "receivedOn": RECEIVED.isoformat(),
        "dueOn": "2098-09-30",
    }
    created = _call(graphql_http, fed, CREATE, "federatedOrderCreate", {"input": values})
    assert created == {
        "errors": [{"field": "unitPrice", "code": "not_positive"}],
        "federatedOrder": None,
    }
    assert not FederatedOrder.objects.filter(client_name=name).exists()


def test_a_coordinator_cancels_the_order_and_its_regional_orders(
    graphql_http, fed, unique, in_region
):
    order_id = _create(graphql_http, fed, unique)
    _allocate(graphql_http, fed, order_id, "alpha", 600)
    allocated = _allocate(graphql_http, fed, order_id, "beta", 1_200)["federatedOrder"]
    assert allocated["allocatedMinutes"] == 1_800
    shares = allocated["allocations"]

    cancelled = _call(
        graphql_http, fed, CANCEL, "federatedOrderCancel", {"input": {"id": order_id}}
    )
    assert cancelled["errors"] == []
    order = cancelled["federatedOrder"]
    assert (order["id"], order["status"]) == (order_id, "cancelled")
    assert (order["allocatedMinutes"], order["allocatedAmount"]) == (0, 0)
    assert [(s["region"]["code"], s["minutes"], s["status"]) for s in order["allocations"]] == [
        ("alpha", 600, "CANCELLED"),
        ("beta", 1_200, "CANCELLED"),
    ]
    assert _regional_statuses(fed, in_region, shares) == {
        "alpha": "cancelled",
        "beta": "cancelled",
    }
    # Nothing more is allocated to it, nor can it be closed or cancelled again.
    refused = _allocate(graphql_http, fed, order_id, "alpha", 60)
    assert refused == {
        "errors": [{"field": "federatedOrderId", "code": "federated_order_closed"}],
        "federatedOrder": None,
    }
    for document, name in ((CLOSE, "federatedOrderClose"), (CANCEL, "federatedOrderCancel")):
        again = _call(graphql_http, fed, document, name, {"input": {"id": order_id}})
        assert again["errors"] == [{"field": "id", "code": "federated_order_closed"}]
    assert len(_read(graphql_http, fed, order_id)["allocations"]) == 2


def test_cancelling_is_refused_while_a_region_has_logged_work(
    graphql_http, fed, unique, in_region, log_work
):
    order_id = _create(graphql_http, fed, unique)
    _allocate(graphql_http, fed, order_id, "alpha", 600)
    shares = _allocate(graphql_http, fed, order_id, "beta", 600)["federatedOrder"]["allocations"]
    log_work(fed.beta, _regional_pk(shares[1]), 90)

    refused = _call(graphql_http, fed, CANCEL, "federatedOrderCancel", {"input": {"id": order_id}})
    assert refused == {
        "errors": [{"field": "id", "code": "share_has_work"}],
        "federatedOrder": None,
    }
    # Alpha's share, checked before beta's, was not cancelled either.
    assert _regional_statuses(fed, in_region, shares) == {"alpha": "received", "beta": "received"}
    after = _read(graphql_http, fed, order_id)
    assert (after["status"], after["allocatedMinutes"]) == ("open", 1_200)


def test_the_order_closes_once_every_share_is_delivered(graphql_http, fed, unique):
    order_id = _create(graphql_http, fed, unique)
    shares = _allocate(graphql_http, fed, order_id, "alpha", 900)["federatedOrder"]["allocations"]
    _move(fed.alpha, _regional_pk(shares[0]), "in_progress")

    early = _call(graphql_http, fed, CLOSE, "federatedOrderClose", {"input": {"id": order_id}})
    assert early == {
        "errors": [{"field": "id", "code": "share_not_delivered"}],
        "federatedOrder": None,
    }
    assert _read(graphql_http, fed, order_id)["status"] == "open"

    _move(fed.alpha, _regional_pk(shares[0]), "delivered")
    closed = _call(graphql_http, fed, CLOSE, "federatedOrderClose", {"input": {"id": order_id}})
    assert closed["errors"] == []
    assert closed["federatedOrder"]["status"] == "closed"
    assert [s["status"] for s in closed["federatedOrder"]["allocations"]] == ["DELIVERED"]
    refused = _allocate(graphql_http, fed, order_id, "beta", 900)
    assert refused["errors"] == [{"field": "federatedOrderId", "code": "federated_order_closed"}]


def test_a_share_cancelled_in_its_region_is_given_back_and_can_be_given_again(
    graphql_http, fed, unique
):
    """A cancelled share frees its minutes: alpha's 600 were cancelled in alpha, so beta may take
    1,000 of the 1,700 and alpha a new share of up to the 700 left."""
    order_id = _create(graphql_http, fed, unique, totalMinutes=1_700)
    first = _allocate(graphql_http, fed, order_id, "alpha", 600)["federatedOrder"]["allocations"]
    _move(fed.alpha, _regional_pk(first[0]), "cancelled")

    read = _read(graphql_http, fed, order_id)
    assert (read["allocatedMinutes"], read["allocatedAmount"]) == (0, 0)
    assert [(s["region"]["code"], s["status"]) for s in read["allocations"]] == [
        ("alpha", "CANCELLED")
    ]
    beta = _allocate(graphql_http, fed, order_id, "beta", 1_000)
    assert beta["errors"] == []
    assert beta["federatedOrder"]["allocatedMinutes"] == 1_000
    assert beta["federatedOrder"]["allocatedAmount"] == 1_200 * 1_000 // 60 == 20_000

    too_much = _allocate(graphql_http, fed, order_id, "alpha", 701)
    assert too_much["errors"] == [{"field": "minutes", "code": "over_allocated"}]
    again = _allocate(graphql_http, fed, order_id, "alpha", 600)
    assert again["errors"] == []
    order = again["federatedOrder"]
    assert (order["allocatedMinutes"], order["allocatedAmount"]) == (1_600, 32_000)
    shares = [(s["region"]["code"], s["minutes"], s["status"]) for s in order["allocations"]]
    assert shares == [("alpha", 600, "RECEIVED"), ("beta", 1_000, "RECEIVED")]
    assert order["allocations"][0]["orderId"] != first[0]["orderId"]
    twice = _allocate(graphql_http, fed, order_id, "alpha", 1)
    assert twice["errors"] == [{"field": "region", "code": "already_allocated"}]
