"""Region isolation at the ORM level: the same primary key in alpha and beta is two rows,
and nothing read inside one region ever comes from the other."""

import datetime

from django.db import connection

from kado_platform.audit.models import AuditEntry
from kado_tenants.clients.models import Client
from kado_tenants.clients.selectors import client_get, client_list
from kado_tenants.orders.models import Order
from kado_tenants.orders.selectors import order_get, order_list
from kado_tenants.workforce.models import Worker
from kado_tenants.workforce.selectors import worker_get, worker_list
from kado_tenants.workforce.services import worker_create

DAY = datetime.date(2015, 7, 1)  # FY2015: no seed order shares the reference year


def test_the_same_worker_pk_holds_different_people(fed, in_region, same_pk):
    pk = same_pk(Worker, fed.alpha, fed.beta)
    made = {}
    for region, name, note in [
        (fed.alpha, "アルファ 専用", "アルファだけの事情"),
        (fed.beta, "ベータ 専用", "ベータだけの事情"),
    ]:
        with in_region(region):
            made[region.code] = worker_create(
                name=name,
                name_kana="センヨウ",
                hourly_rate=1_000,
                joined_on=DAY,
                constraint_reason="health",
                constraint_note=note,
            )
    assert made["alpha"].pk == made["beta"].pk == pk

    with in_region(fed.alpha):
        worker = worker_get(pk=pk)
        assert (worker.name, worker.constraint_note) == ("アルファ 専用", "アルファだけの事情")
        names = {w.name for w in worker_list()}
        assert "アルファ 専用" in names
        assert not any(name.startswith("ベータ") for name in names)
        assert not worker_list(search="ベータ").exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM workforce_worker WHERE id = %s", [pk])
            assert cursor.fetchall() == [("アルファ 専用",)]
    with in_region(fed.beta):
        worker = worker_get(pk=pk)
        assert (worker.name, worker.constraint_note) == ("ベータ 専用", "ベータだけの事情")
        assert not worker_list(search="アルファ").exists()

    entries = AuditEntry.objects.filter(action="worker.create", object_id=str(pk))
    assert sorted(entries.values_list("region_code", flat=True)) == ["alpha", "beta"]


def test_clients_and_orders_with_colliding_keys_stay_in_their_region(
    fed, in_region, same_pk, maker
):
    client_pk = same_pk(Client, fed.alpha, fed.beta)
    order_pk = same_pk(Order, fed.alpha, fed.beta)
    made = {}
    for region, label, price in [(fed.alpha, "アルファ", 1_000), (fed.beta, "ベータ", 2_000)]:
        with in_region(region):
            make = maker()
            client = make.client(name=f"{label}固有商事")
            order = make.order(
                client=client,
                title=f"{label}固有の案件",
                unit_price=price,
                estimated_minutes=60,
                received_on=DAY,
                due_on=DAY,
            )
            made[region.code] = (client, order)
    assert made["alpha"][0].pk == made["beta"][0].pk == client_pk
    assert made["alpha"][1].pk == made["beta"][1].pk == order_pk
    # References are numbered per region: both regions start their own FY2015 sequence.
    assert made["alpha"][1].reference == made["beta"][1].reference

    for region, label, amount, other in [
        (fed.alpha, "アルファ", 1_000, "ベータ"),
        (fed.beta, "ベータ", 2_000, "アルファ"),
    ]:
        with in_region(region):
            assert client_get(pk=client_pk).name == f"{label}固有商事"
            order = order_get(pk=order_pk)
            assert (order.title, order.amount, order.client.name) == (
                f"{label}固有の案件",
                amount,
                f"{label}固有商事",
            )
            assert not client_list(search=other).exists()
            assert not order_list(search=other).exists()
            titles = {o.title for o in order_list(fiscal_year=2015)}
            assert titles == {f"{label}固有の案件"}


def test_a_pk_that_exists_only_in_beta_is_not_found_in_alpha(fed, in_region, same_pk):
    same_pk(Worker, fed.alpha, fed.beta)
    with in_region(fed.beta):
        only_beta = worker_create(
            name="ベータ 単独", name_kana="タンドク", hourly_rate=1_000, joined_on=DAY
        )
    with in_region(fed.alpha):
        assert worker_get(pk=only_beta.pk) is None
        assert not Worker.objects.filter(pk=only_beta.pk).exists()
