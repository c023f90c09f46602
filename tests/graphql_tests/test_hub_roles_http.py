"""Every top-level field and mutation of the hub × every user and anonymous, over real HTTP.

The expected table is written by hand from the domain (docs/api.md, "Hub API"), not read
from the permissions the code declares: coordinators (広域コーディネーター) work the
orders, capacity and wide-area orders; leadership (連携本部) reads the reports; every hub
role sees who it is and the regions. Region users hold no role on the hub, so their tokens
are refused with 401 before any field runs; a request without a token reaches the schema
and gets a typed `permission_denied` on every field.
"""

from __future__ import annotations

import base64
import datetime

import pytest
from django.db import connection

# One row per top-level field or mutation, one column per user; by hand, from the domain.
#   ok     answered: HTTP 200, no errors, the data there
#   denied HTTP 200, `permission_denied` on that field and its data null (nothing written)
#   401    HTTP 401 `unauthenticated`: the token is not valid on the hub
TABLE = """
field                 operator leader coordinator alpha_admin alpha_staff beta_admin beta_staff anonymous
viewer                ok       ok     ok          401         401         401        401        denied
regions               ok       ok     ok          401         401         401        401        denied
orders                denied   denied ok          401         401         401        401        denied
order                 denied   denied ok          401         401         401        401        denied
capacity              denied   denied ok          401         401         401        401        denied
federatedOrders       denied   denied ok          401         401         401        401        denied
federatedOrder        denied   denied ok          401         401         401        401        denied
report                denied   ok     denied      401         401         401        401        denied
trend                 denied   ok     denied      401         401         401        401        denied
federatedOrderCreate  denied   denied ok          401         401         401        401        denied
allocationCreate      denied   denied ok          401         401         401        401        denied
federatedOrderClose   denied   denied ok          401         401         401        401        denied
federatedOrderCancel  denied   denied ok          401         401         401        401        denied
"""
MUTATIONS = frozenset(
    {"federatedOrderCreate", "allocationCreate", "federatedOrderClose", "federatedOrderCancel"}
)
ANONYMOUS = "anonymous"


def _parse(table: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    header, *rows = (line.split() for line in table.strip().splitlines())
    users = header[1:]
    return users, {row[0]: dict(zip(users, row[1:], strict=True)) for row in rows}


USERS, EXPECTED = _parse(TABLE)
CASES = [(field, user, EXPECTED[field][user]) for field in EXPECTED for user in USERS]

SEED_ORDER_TITLE = "アルファの注文"  # made in every test session by tests/conftest.py
WIDE_AREA_RECEIVED = datetime.date(2099, 4, 1)  # later than any other test's: first listed
CANCELLED_RECEIVED = datetime.date(2099, 3, 31)  # listed after the one above

DOCUMENTS = {
    "viewer": "{ viewer { email roles } }",
    "regions": "{ regions { code } }",
    "orders": (
        "query ($filter: OrderFilter) { orders(first: 5, filter: $filter) "
        "{ totalCount edges { node { title region { code } } } } }"
    ),
    "order": "query ($id: ID!) { order(id: $id) { order { title region { code } } } }",
    "capacity": (
        '{ capacity(skills: [], from: "2026-12-01", to: "2026-12-07") '
        "{ region { code } workers minutes } }"
    ),
    "federatedOrders": "{ federatedOrders(first: 1) { totalCount edges { node { id } } } }",
    "federatedOrder": "query ($id: ID!) { federatedOrder(id: $id) { clientName totalMinutes } }",
    "report": "{ report(fiscalYear: 2023) { fiscalYear } }",
    "trend": "{ trend(fromFiscalYear: 2022, toFiscalYear: 2023) { fiscalYear } }",
    "federatedOrderCreate": (
        "mutation ($input: FederatedOrderCreateInput!) { federatedOrderCreate(input: $input) "
        "{ errors { field code } federatedOrder { id } } }"
    ),
    "allocationCreate": (
        "mutation ($input: AllocationCreateInput!) { allocationCreate(input: $input) "
        "{ errors { field code } federatedOrder { id } } }"
    ),
    "federatedOrderClose": (
        "mutation ($input: FederatedOrderCloseInput!) { federatedOrderClose(input: $input) "
        "{ errors { field code } federatedOrder { id status } } }"
    ),
    "federatedOrderCancel": (
        "mutation ($input: FederatedOrderCancelInput!) { federatedOrderCancel(input: $input) "
        "{ errors { field code } federatedOrder { id status } } }"
    ),
}


@pytest.fixture(scope="module")
def wide_area_order(django_db_setup, django_db_blocker):
    """A committed wide-area order (gunicorn must see it) that the table's cases read and
    try to allocate; received in FY2099 so that it heads the list, newest first. Cases
    tell it from other runs' by its primary key."""
    from kado_platform.federation.services import federated_order_create

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        return federated_order_create(
            client_name="権限表クライアント",
            client_kind="urban_company",
            title="権限表 広域案件",
            category="hd_map",
            contract_type="hourly",
            unit_price=1_500,
            total_minutes=6_000,
            received_on=WIDE_AREA_RECEIVED,
            due_on=datetime.date(2099, 9, 30),
        )


@pytest.fixture(scope="module")
def cancelled_order(django_db_setup, django_db_blocker):
    """A committed wide-area order, already cancelled (it had no share): cancelling it
    again passes permission but is refused, so the table's cases write nothing."""
    from kado_platform.federation.services import federated_order_cancel, federated_order_create

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        order = federated_order_create(
            client_name="権限表クライアント",
            client_kind="urban_company",
            title="権限表 取消済み広域案件",
            category="hd_map",
            contract_type="hourly",
            unit_price=1_500,
            total_minutes=600,
            received_on=CANCELLED_RECEIVED,
            due_on=datetime.date(2099, 9, 30),
        )
        return federated_order_cancel(federated_order=order)


def _variables(
    field, *, gid, unique, seed_order_pk, wide_area_order, cancelled_order, refused
) -> dict:
    """What each document needs: real IDs. An allowed role's mutation input passes
    permission but not validation (zero minutes, an order with no share to close, an
    order already cancelled), so it gets a typed error, not a write. A refused role's input
    is valid wherever a fixture allows, so only the permission check stands between it
    and a write (closing needs a delivered share, which no fixture has)."""
    if field == "orders":
        return {"filter": {"regions": ["alpha"], "search": SEED_ORDER_TITLE}}
    if field == "order":
        return {"id": gid("Order", "alpha", seed_order_pk)}
    if field == "federatedOrder":
        return {"id": gid("FederatedOrder", "federation", wide_area_order.pk)}
    if field == "federatedOrderCreate":
        return {
            "input": {
                "clientName": unique("権限表 新規"),
                "clientKind": "URBAN_COMPANY",
                "title": "権限表 新規案件",
                "category": "HD_MAP",
                "contractType": "HOURLY",
                "unitPrice": 1_500,
                "totalMinutes": 600 if refused else 0,
                "receivedOn": "2026-12-01",
                "dueOn": "2027-03-31",
            }
        }
    if field == "allocationCreate":
        return {
            "input": {
                "federatedOrderId": gid("FederatedOrder", "federation", wide_area_order.pk),
                "region": "alpha",
                "minutes": 60 if refused else 0,
            }
        }
    if field == "federatedOrderClose":
        return {"input": {"id": gid("FederatedOrder", "federation", wide_area_order.pk)}}
    if field == "federatedOrderCancel":
        target = wide_area_order if refused else cancelled_order  # open, with no share
        return {"input": {"id": gid("FederatedOrder", "federation", target.pk)}}
    return {}


def _written(
    field, variables, *, fed, in_region, wide_area_order, cancelled_order
) -> tuple[int, ...]:
    """The rows the mutation would write, counted through the ORM (what gunicorn committed)."""
    from kado_platform.audit.models import AuditEntry
    from kado_platform.federation.models import Allocation, FederatedOrder
    from kado_tenants.orders.models import Order

    if field == "federatedOrderCreate":
        name = variables["input"]["clientName"]
        return (FederatedOrder.objects.filter(client_name=name).count(),)
    if field in {"federatedOrderClose", "federatedOrderCancel"}:
        named = int(base64.b64decode(variables["input"]["id"]).decode().rsplit(":", 1)[1])
        order, status = {
            wide_area_order.pk: (wide_area_order, "open"),
            cancelled_order.pk: (cancelled_order, "cancelled"),
        }[named]
        audited = AuditEntry.objects.filter(
            object_type="federation.FederatedOrder",
            object_id=str(order.pk),
            action__in=["federated_order.close", "federated_order.cancel"],
        ).count()
        # The status moved, or an entry beyond the cancelled order's own one was audited.
        return (
            FederatedOrder.objects.filter(pk=order.pk).exclude(status=status).count(),
            audited - (status == "cancelled"),
        )
    with in_region(fed.alpha):
        regional = Order.objects.filter(federated_order_id=wide_area_order.pk).count()
    return (Allocation.objects.filter(federated_order_id=wide_area_order.pk).count(), regional)


def _check_answered(field, data, *, user, fed, gid, wide_area_order):
    """The data an allowed user gets, field by field, from rows known by hand."""
    value = data[field]
    assert value is not None
    if field == "viewer":
        assert value == {"email": fed.user(user).email, "roles": [user]}
    elif field == "regions":
        assert {region["code"] for region in value} >= {"alpha", "beta"}
    elif field == "orders":
        assert value["totalCount"] == 1
        assert value["edges"][0]["node"] == {"title": SEED_ORDER_TITLE, "region": {"code": "alpha"}}
    elif field == "order":
        assert value == {"order": {"title": SEED_ORDER_TITLE, "region": {"code": "alpha"}}}
    elif field == "capacity":
        assert {row["region"]["code"] for row in value} >= {"alpha", "beta"}
    elif field == "federatedOrders":
        assert value["totalCount"] >= 1
        first = gid("FederatedOrder", "federation", wide_area_order.pk)
        assert value["edges"][0]["node"] == {"id": first}
    elif field == "federatedOrder":
        assert value == {"clientName": "権限表クライアント", "totalMinutes": 6_000}
    elif field == "report":
        assert value == {"fiscalYear": 2023}
    elif field == "trend":
        assert value == [{"fiscalYear": 2022}, {"fiscalYear": 2023}]
    elif field == "federatedOrderCreate":
        assert value == {
            "errors": [{"field": "totalMinutes", "code": "not_positive"}],
            "federatedOrder": None,
        }
    elif field == "allocationCreate":
        assert value == {
            "errors": [{"field": "minutes", "code": "not_positive"}],
            "federatedOrder": None,
        }
    elif field == "federatedOrderClose":
        assert value == {
            "errors": [{"field": "id", "code": "nothing_delivered"}],
            "federatedOrder": None,
        }
    elif field == "federatedOrderCancel":
        assert value == {
            "errors": [{"field": "id", "code": "federated_order_closed"}],
            "federatedOrder": None,
        }
    else:
        raise AssertionError(f"no check written for {field}")


@pytest.mark.parametrize(
    ("field", "user", "expected"), CASES, ids=[f"{f}-{u}" for f, u, _ in CASES]
)
def test_every_role_gets_what_the_domain_gives_it(
    graphql_http,
    fed,
    in_region,
    gid,
    unique,
    codes,
    wide_area_order,
    cancelled_order,
    field,
    user,
    expected,
):
    """One HTTP request per (field, user): allowed, refused per field, or refused at the door."""
    from kado_tenants.orders.models import Order

    with in_region(fed.alpha):
        seed_order_pk = Order.objects.get(title=SEED_ORDER_TITLE).pk
    variables = _variables(
        field,
        gid=gid,
        unique=unique,
        seed_order_pk=seed_order_pk,
        wide_area_order=wide_area_order,
        cancelled_order=cancelled_order,
        refused=expected != "ok",
    )
    mutation = field in MUTATIONS
    counted = dict(
        fed=fed,
        in_region=in_region,
        wide_area_order=wide_area_order,
        cancelled_order=cancelled_order,
    )
    if mutation:
        before = _written(field, variables, **counted)
        assert before == (0,) * len(before)

    response = graphql_http(
        fed.hub, DOCUMENTS[field], as_user=None if user == ANONYMOUS else user, variables=variables
    )
    body = response.json()

    if expected == "ok":
        assert response.status_code == 200, body
        assert "errors" not in body, body
        _check_answered(
            field, body["data"], user=user, fed=fed, gid=gid, wide_area_order=wide_area_order
        )
    elif expected == "denied":
        assert response.status_code == 200, body
        assert codes(body) == ["permission_denied"], body
        assert body["errors"][0]["path"] == [field]
        assert (body["data"] or {}).get(field) is None
    else:
        assert expected == "401"
        assert response.status_code == 401, body
        assert codes(body) == ["unauthenticated"]
        assert "data" not in body
    if mutation:
        assert _written(field, variables, **counted) == before


def test_the_table_covers_the_live_hub_schema_and_every_user(graphql_http, fed):
    """A new hub field or mutation, or a new test user, without a row or column fails here."""
    body = graphql_http(
        fed.hub,
        "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
        as_user="coordinator",
    ).json()
    assert "errors" not in body, body
    schema = body["data"]["__schema"]
    queries = {field["name"] for field in schema["queryType"]["fields"]}
    mutations = {field["name"] for field in schema["mutationType"]["fields"]}
    assert queries | mutations == set(EXPECTED)
    assert mutations == MUTATIONS
    assert set(USERS) == {*fed.users, ANONYMOUS}
    assert len(CASES) == len(EXPECTED) * len(USERS) == 104
