"""The order page commissions work: the agreed fee for per-deliverable work under the
Freelance Act, and the 3条通知 shown with each assignment."""

from __future__ import annotations

import datetime

import pytest

D = datetime.date


@pytest.fixture
def act_order(fed, in_region):
    """A per-deliverable order of alpha received after the Act came into force, and a worker."""
    from kado_tenants.clients.services import client_create
    from kado_tenants.orders.services import order_create
    from kado_tenants.workforce.services import worker_change_status, worker_create

    with in_region(fed.alpha):
        client = client_create(name="フリーランス法テスト株式会社", kind="urban_company")
        order = order_create(
            client=client,
            title="帳票の電子化",
            category="data_entry",
            contract_type="per_deliverable",
            unit_price=500,
            quantity=40,
            estimated_minutes=1200,
            received_on=D(2025, 4, 1),
            due_on=D(2025, 4, 30),
        )
        worker = worker_create(
            name="法令 順子",
            name_kana="ホウレイ ジュンコ",
            hourly_rate=1_100,
            joined_on=D(2025, 1, 6),
        )
        for status in ("training", "active"):
            worker_change_status(worker=worker, status=status, changed_on=D(2025, 1, 6))
    return order, worker


def _notices(fed, in_region, order):
    from kado_tenants.payouts.selectors import commission_notice_list

    with in_region(fed.alpha):
        return list(commission_notice_list(order=order))


def test_per_deliverable_work_needs_the_agreed_fee_on_the_page(fed, web, in_region, act_order):
    order, worker = act_order
    client = web(fed.alpha, fed.user("alpha_admin"))
    form = {"worker": worker.pk, "assigned_on": "2025-04-02"}

    refused = client.post(f"/orders/{order.pk}/assign/", form)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert 'id="id_agreed_amount_error"' in body
    assert "ワーカーと合意した報酬額を入力してください" in body  # the rule, in Japanese
    assert _notices(fed, in_region, order) == []

    done = client.post(f"/orders/{order.pk}/assign/", {**form, "agreed_amount": "18000"})
    assert done.status_code == 302
    [notice] = _notices(fed, in_region, order)
    assert notice.amount == 18_000 and notice.worker_name == "法令 順子"

    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "特定受託事業者: 法令 順子" in page
    assert "報酬の額: 18,000円" in page


def test_an_hourly_order_asks_for_no_fee_and_older_work_needs_no_notice(fed, web, in_region):
    from kado_tenants.orders.selectors import order_list

    with in_region(fed.alpha):
        seeded = order_list().get(reference="2023-0001")  # hourly, assigned in 2023
    page = web(fed.alpha, fed.user("alpha_admin")).get(f"/orders/{seeded.pk}/").content.decode()
    assert 'name="worker"' in page and 'name="agreed_amount"' not in page
    assert "アルファ 花子" in page
    assert "2024年11月1日より前の委託" in page


def _order_at(fed, in_region, *steps):
    """An hourly order of alpha taken through `steps` by hand, dated in May 2024."""
    from kado_tenants.clients.services import client_create
    from kado_tenants.orders.services import order_create, order_transition

    with in_region(fed.alpha):
        order = order_create(
            client=client_create(name="請求前テスト株式会社", kind="local_company"),
            title="請求は請求書から",
            category="data_entry",
            contract_type="hourly",
            unit_price=1_200,
            estimated_minutes=600,
            received_on=D(2024, 5, 1),
            due_on=D(2024, 5, 31),
        )
        for day, step in enumerate(steps, start=2):
            order = order_transition(order=order, to_status=step, on_date=D(2024, 5, day))
    return order


def _buttons(page):
    import re

    return re.findall(r'<button type="submit" name="to_status" value="(\w+)"', page)


def test_a_delivered_order_offers_inspection_but_no_billing_button(fed, web, in_region):
    order = _order_at(fed, in_region, "in_progress", "delivered")
    page = web(fed.alpha, fed.user("alpha_admin")).get(f"/orders/{order.pk}/").content.decode()
    assert _buttons(page) == ["inspected", "cancelled"]
    assert "「請求済み」と「入金済み」は請求から設定されます。" in page
    assert 'href="/invoices/"' in page


def test_an_inspected_order_cannot_be_marked_invoiced_on_the_page(fed, web, in_region):
    from kado_tenants.orders.selectors import order_get

    order = _order_at(fed, in_region, "in_progress", "delivered", "inspected")
    client = web(fed.alpha, fed.user("alpha_admin"))
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert _buttons(page) == []
    assert "「請求済み」と「入金済み」は請求から設定されます。" in page

    for target in ("invoiced", "paid"):
        refused = client.post(
            f"/orders/{order.pk}/transition/", {"to_status": target, "on_date": "2024-05-20"}
        )
        assert refused.status_code == 200
        with in_region(fed.alpha):
            fresh = order_get(pk=order.pk)
        assert (fresh.status, fresh.invoiced_on, fresh.paid_on) == ("inspected", None, None)
