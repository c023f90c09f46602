"""The hub's pages through Django's test client: the coordinator board, capacity, federated
orders and allocations, the leadership dashboard and its exports, per role."""

import csv
import datetime
import io

import pytest

from kado_web.japanese import era_label, fiscal_year_label

COORDINATOR_PAGES = ["/board/", "/board/capacity/", "/federated/", "/federated/new/"]
LEADER_PAGES = ["/leadership/", "/leadership/export/trend.xlsx", "/leadership/export/regions.csv"]


# Era labels --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2020, "令和2年度"),
        (2019, "令和元年度"),  # the era changed on 2019-05-01; FY2019 is 令和元年度
        (2018, "平成30年度"),
        (2015, "平成27年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (2026, "令和8年度"),
    ],
)
def test_era_labels_of_fiscal_years(fiscal_year, label):
    assert era_label(fiscal_year, "ja") == label


def test_fiscal_year_labels_in_both_languages():
    assert fiscal_year_label(2020, "ja") == "2020年度（令和2年度）"
    assert fiscal_year_label(2019, "ja") == "2019年度（令和元年度）"
    assert fiscal_year_label(2015, "en") == "FY2015 (Heisei 27)"
    assert era_label(2019, "en") == "Reiwa 1"
    with pytest.raises(ValueError):
        era_label(1900, "ja")


# Permissions -------------------------------------------------------------------------


def _federated_order(fed, **overrides):
    from kado_platform.federation.services import federated_order_create

    data = {
        "client_name": "広域テスト株式会社",
        "client_kind": "urban_company",
        "title": "広域アノテーション",
        "category": "ai_annotation",
        "contract_type": "hourly",
        "unit_price": 1200,
        "total_minutes": 6000,
        "received_on": datetime.date(2023, 6, 1),
        "due_on": datetime.date(2023, 9, 30),
        "acting_user": fed.user("coordinator"),
    }
    return federated_order_create(**(data | overrides))


def test_the_coordinator_opens_the_board_but_not_the_leadership_reports(fed, web):
    client = web(fed.hub, fed.user("coordinator"))
    order = _federated_order(fed)
    for path in [*COORDINATOR_PAGES, f"/federated/{order.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert 'href="#main"' in body and "KADO" in body
    nav = client.get("/board/").content.decode()
    assert 'href="/leadership/"' not in nav
    for path in LEADER_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "site-header" in response.content.decode()  # the site's look


def test_the_leader_reads_reports_but_does_not_allocate(fed, web):
    client = web(fed.hub, fed.user("leader"))
    for path in LEADER_PAGES:
        assert client.get(path).status_code == 200, path
    order = _federated_order(fed)
    for path in [*COORDINATOR_PAGES, f"/federated/{order.pk}/"]:
        assert client.get(path).status_code == 403, path
    response = client.post(f"/federated/{order.pk}/allocate/", {"region": "alpha", "minutes": 60})
    assert response.status_code == 403
    assert not order.allocations.exists()


@pytest.mark.parametrize("user_key", ["alpha_admin", "alpha_staff"])
def test_region_users_get_no_hub_page(fed, web, user_key):
    hub = web(fed.hub, fed.user(user_key))
    for path in [*COORDINATOR_PAGES, *LEADER_PAGES]:
        response = hub.get(path)
        assert response.status_code == 403, path
        assert "site-header" in response.content.decode()
    region = web(fed.alpha, fed.user(user_key))
    for path in [*COORDINATOR_PAGES, *LEADER_PAGES]:
        response = region.get(path)
        assert response.status_code == 404, path
        assert "アルファ市" in response.content.decode()


def test_hub_pages_ask_for_a_login(fed, web):
    anonymous = web(fed.hub)
    for path in [*COORDINATOR_PAGES, *LEADER_PAGES]:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path


# The board ---------------------------------------------------------------------------


def test_the_board_filters_orders_across_regions(fed, web):
    # Other tests commit newer orders; the seed's are found by their year, not page one.
    client = web(fed.hub, fed.user("coordinator"))
    body = client.get("/board/", {"q": "の注文", "fiscal_year": 2023}).content.decode()
    assert "アルファの注文" in body and "ベータの注文" in body
    assert "<h1>" in body
    body = client.get("/board/", {"regions": ["beta"], "fiscal_year": 2023}).content.decode()
    assert "ベータの注文" in body and "アルファの注文" not in body
    body = client.get("/board/", {"q": "アルファ", "fiscal_year": 2023}).content.decode()
    assert "アルファの注文" in body and "ベータの注文" not in body
    body = client.get("/board/", {"fiscal_year": 2022}).content.decode()
    assert "アルファの注文" not in body
    body = client.get("/board/", {"due_after": "2023-07-01"}).content.decode()
    assert "アルファの注文" not in body
    body = client.get(
        "/board/",
        {
            "statuses": ["received"],
            "categories": ["ai_annotation"],
            "client_kinds": ["local_company"],
            "sort": "AMOUNT_DESC",
            "fiscal_year": 2023,
        },
    )
    assert "ベータの注文" in body.content.decode()
    # Unknown values are ignored, not fatal.
    assert client.get("/board/", {"sort": "NOPE", "due_before": "x"}).status_code == 200


def test_the_board_answers_htmx_with_the_results_only(fed, web):
    client = web(fed.hub, fed.user("coordinator"))
    response = client.get(
        "/board/", {"regions": ["alpha"], "fiscal_year": 2023}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and "アルファの注文" in body
    assert "HX-Request" in response["Vary"]
    restore = client.get("/board/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


def test_capacity_counts_by_region_and_refuses_a_backwards_period(fed, web):
    from kado_platform.federation.selectors import capacity

    client = web(fed.hub, fed.user("coordinator"))
    start, end = datetime.date(2024, 4, 1), datetime.date(2024, 4, 30)
    response = client.get("/board/capacity/", {"date_from": start, "date_to": end})
    body = response.content.decode()
    expected = {
        row["region"].name: row["workers"]
        for row in capacity(skills=[], date_from=start, date_to=end)
    }
    assert expected["アルファ市"] >= 2
    assert "アルファ市" in body and "ベータ町" in body
    assert "花子" not in body  # counts only
    response = client.get("/board/capacity/", {"date_from": end, "date_to": start})
    body = response.content.decode()
    assert 'id="id_date_to_error"' in body
    assert 'aria-invalid="true"' in body
    assert f'value="{end.isoformat()}"' in body  # what was typed is kept


# Federated orders and allocations ----------------------------------------------------


def test_a_coordinator_registers_a_federated_order_and_allocates_it(fed, web, in_region):
    from kado_platform.federation.selectors import federated_order_get, federated_order_list

    client = web(fed.hub, fed.user("coordinator"))
    form = {
        "client_name": "広域商事",
        "client_kind": "municipality",
        "title": "ふるさと寄附の受付",
        "category": "furusato_tax",
        "contract_type": "hourly",
        "unit_price": "1000",
        "total_minutes": "600",
        "total_units": "1",
        "received_on": "2024-04-10",
        "due_on": "2024-04-01",  # before it was received: refused by the service
    }
    response = client.post("/federated/new/", form)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_due_on_error"' in body
    assert 'value="ふるさと寄附の受付"' in body
    assert not federated_order_list().filter(title="ふるさと寄附の受付").exists()

    response = client.post("/federated/new/", form | {"due_on": "2024-06-30"})
    assert response.status_code == 302
    order = federated_order_list().get(title="ふるさと寄附の受付")
    assert response["Location"] == f"/federated/{order.pk}/"
    assert order.total_amount == 10_000

    url = f"/federated/{order.pk}/allocate/"
    assert client.post(url, {"region": "alpha", "minutes": "400", "units": "1"}).status_code == 302
    # 400 + 300 > 600: refused next to the minutes, nothing written anywhere.
    response = client.post(url, {"region": "beta", "minutes": "300", "units": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_minutes_error"' in body and "200" in body
    assert 'value="300"' in body
    assert len(federated_order_get(pk=order.pk).allocations.all()) == 1
    with in_region(fed.beta):
        from kado_tenants.orders.selectors import order_list

        assert not order_list().filter(federated_order_id=order.pk).exists()
    assert client.post(url, {"region": "beta", "minutes": "200", "units": "1"}).status_code == 302
    page = client.get(f"/federated/{order.pk}/").content.decode()
    assert "アルファ市" in page and "ベータ町" in page
    assert 'aria-valuenow="100"' in page  # fully allocated
    listing = client.get("/federated/").content.decode()
    assert order.reference in listing


# The leadership dashboard and its exports --------------------------------------------


def _tables(fiscal_year):
    from kado_platform.federation.selectors import report

    return report(fiscal_year=fiscal_year)


def test_the_leadership_dashboard_shows_the_figures_with_japanese_years(fed, web):
    client = web(fed.hub, fed.user("leader"))
    response = client.get("/leadership/", {"fiscal_year": 2023})
    body = response.content.decode()
    assert "2023年度（令和5年度）" in body
    assert "平成27年度" in body and "令和元年度" in body  # the trend from FY2015
    assert 'type="application/json"' in body and 'id="chart-trend"' in body
    assert 'aria-hidden="true"' in body and '<caption id="caption-trend">' in body
    assert "<script>" not in body  # no inline script
    assert "24,000円" in body  # 12,000 yen in each of the two regions
    english = web(fed.hub, fed.user("leader"), HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    body = english.get("/leadership/", {"fiscal_year": 2023}).content.decode()
    assert "FY2023 (Reiwa 5)" in body and "¥24,000" in body


def test_xlsx_exports_hold_the_selectors_figures(fed, web):
    from openpyxl import load_workbook

    client = web(fed.hub, fed.user("leader"))
    response = client.get("/leadership/export/regions.xlsx", {"fiscal_year": 2023})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="kado-regions-fy2023.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("地域", "受注額（円）", "受注件数")
    figures = _tables(2023)
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        (r["region"].name, r["amount"], r["orders"], r["minutes"]) for r in figures["by_region"]
    ]
    everything = load_workbook(io.BytesIO(client.get("/leadership/export/all.xlsx").content))
    assert len(everything.sheetnames) == 8
    trend = everything.worksheets[0]
    assert trend["A1"].value == "年度" and trend["B1"].value == "和暦"
    assert [row[1] for row in trend.iter_rows(min_row=2, max_row=2, values_only=True)] == [
        "平成27年度"
    ]


def test_csv_exports_are_utf8_with_a_bom_or_cp932_on_request(fed, web):
    from kado_platform.federation.selectors import worker_counts_by_region

    client = web(fed.hub, fed.user("leader"))
    response = client.get("/leadership/export/workers.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["地域", "都道府県", "種別", "テレワーカー（稼働中）"]
    expected = {row["region"].name: row["active"] for row in worker_counts_by_region()}
    assert {row[0]: int(row[3]) for row in rows[1:]} == expected

    response = client.get(
        "/leadership/export/categories.csv", {"fiscal_year": 2023, "encoding": "cp932"}
    )
    assert response["Content-Type"] == "text/csv; charset=Windows-31J"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("cp932")
    assert text.startswith("業務分類,受注額（円）")
    assert "AI教師データ" in text or "アノテーション" in text


def test_money_by_region_is_on_the_dashboard_and_in_its_export(fed, web):
    client = web(fed.hub, fed.user("leader"))
    body = client.get("/leadership/", {"fiscal_year": 2023}).content.decode()
    assert "請求・入金・支払（地域別）" in body and "テレワーカーへの支払" in body
    response = client.get("/leadership/export/money.csv", {"fiscal_year": 2023})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["地域", "請求額（円・税込）", "入金額（円）", "テレワーカーへの支払額（円）"]
    figures = _tables(2023)
    kinds = ("billed", "collected", "paid_out")
    expected = [[r["region"].name, *(str(r[k]) for k in kinds)] for r in figures["by_region"]]
    assert rows[1:] == expected
    for kind in kinds:
        assert figures[kind] == sum(r[kind] for r in figures["by_region"])


def test_unknown_exports_are_not_found(fed, web):
    client = web(fed.hub, fed.user("leader"))
    assert client.get("/leadership/export/salaries.xlsx").status_code == 404
    assert client.get("/leadership/export/trend.pdf").status_code == 404
    assert client.get("/leadership/export/all.csv").status_code == 404


# Closing and cancelling a wide-area order on its page --------------------------------

# The allocation summary of a 6,000-minute order at 1,200 yen an hour, by hand.
NOTHING_ALLOCATED = "6,000分のうち0分を配分済み（0%、0円）。残りは6,000分です。"
ALL_ALLOCATED = "6,000分のうち6,000分を配分済み（100%、120,000円）。残りは0分です。"


def _regional_status(fed, in_region, region, allocation):
    from kado_tenants.orders.models import Order

    with in_region(region):
        return Order.objects.get(pk=allocation.order_id).status


def test_only_an_open_order_shows_the_coordinator_its_close_and_cancel_buttons(fed, web):
    from kado_platform.federation.services import federated_order_cancel

    client = web(fed.hub, fed.user("coordinator"))
    order = _federated_order(fed)
    body = client.get(f"/federated/{order.pk}/").content.decode()
    assert 'id="federated-status"' in body
    assert 'name="action" value="close"' in body and 'name="action" value="cancel"' in body
    assert "締め切る" in body and "取り消す" in body
    assert 'data-confirm="この広域案件と各地域の受注案件を取り消しますか？元に戻せません。"' in body
    federated_order_cancel(federated_order=order)
    body = client.get(f"/federated/{order.pk}/").content.decode()
    assert 'id="federated-status"' not in body and 'name="action"' not in body
    assert '<span class="badge">取消</span>' in body  # the order's status


def test_a_coordinator_cancels_an_order_and_its_regional_orders_on_the_page(fed, web, in_region):
    from kado_platform.federation.models import FederatedOrder
    from kado_platform.federation.services import allocation_create

    client = web(fed.hub, fed.user("coordinator"))
    order = _federated_order(fed)
    share = allocation_create(federated_order=order, region=fed.alpha, minutes=600)
    response = client.post(f"/federated/{order.pk}/", {"action": "cancel"})
    assert response.status_code == 302
    assert response["Location"] == f"/federated/{order.pk}/"
    assert FederatedOrder.objects.get(pk=order.pk).status == "cancelled"
    assert _regional_status(fed, in_region, fed.alpha, share) == "cancelled"
    body = client.get(response["Location"]).content.decode()
    assert f"広域案件 {order.reference} を「取消」にしました。" in body
    assert NOTHING_ALLOCATED in body
    assert 'id="federated-status"' not in body


def test_closing_an_undelivered_order_shows_why_and_changes_nothing(fed, web, in_region):
    from kado_platform.audit.models import AuditEntry
    from kado_platform.federation.models import FederatedOrder
    from kado_platform.federation.services import allocation_create

    client = web(fed.hub, fed.user("coordinator"))
    order = _federated_order(fed)
    share = allocation_create(federated_order=order, region=fed.alpha, minutes=600)
    audits = AuditEntry.objects.count()
    response = client.post(f"/federated/{order.pk}/", {"action": "close"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="notice-error"' in body
    assert "アルファ市の配分がまだ納品されていません。" in body
    assert FederatedOrder.objects.get(pk=order.pk).status == "open"
    assert _regional_status(fed, in_region, fed.alpha, share) == "received"
    assert AuditEntry.objects.count() == audits

    from kado_tenants.orders.models import Order
    from kado_tenants.orders.services import order_transition

    with in_region(fed.alpha):
        regional = Order.objects.get(pk=share.order_id)
        regional = order_transition(
            order=regional, to_status="in_progress", on_date=datetime.date(2023, 6, 2)
        )
        order_transition(order=regional, to_status="delivered", on_date=datetime.date(2023, 6, 3))
    response = client.post(f"/federated/{order.pk}/", {"action": "close"})
    assert response.status_code == 302
    assert FederatedOrder.objects.get(pk=order.pk).status == "closed"
    body = client.get(f"/federated/{order.pk}/").content.decode()
    assert f"広域案件 {order.reference} を「締切」にしました。" in body
    assert f'action="/federated/{order.pk}/allocate/"' not in body  # no more shares


def test_others_cannot_close_or_cancel_and_unknown_actions_are_refused(fed, web):
    from kado_platform.federation.models import FederatedOrder

    order = _federated_order(fed)
    for user_key in ("leader", "operator"):
        client = web(fed.hub, fed.user(user_key))
        assert client.post(f"/federated/{order.pk}/", {"action": "cancel"}).status_code == 403
    coordinator = web(fed.hub, fed.user("coordinator"))
    response = coordinator.post(f"/federated/{order.pk}/", {"action": "delete"})
    assert response.status_code == 200 and 'class="notice-error"' in response.content.decode()
    assert FederatedOrder.objects.get(pk=order.pk).status == "open"


def test_a_share_cancelled_in_its_region_is_given_back_on_the_page(fed, web, in_region):
    from kado_platform.federation.services import allocation_create
    from kado_tenants.orders.models import Order
    from kado_tenants.orders.services import order_transition

    client = web(fed.hub, fed.user("coordinator"))
    order = _federated_order(fed)  # 6,000 minutes
    share = allocation_create(federated_order=order, region=fed.alpha, minutes=6000)
    body = client.get(f"/federated/{order.pk}/").content.decode()
    assert ALL_ALLOCATED in body and '<option value="alpha"' not in body
    with in_region(fed.alpha):
        order_transition(
            order=Order.objects.get(pk=share.order_id),
            to_status="cancelled",
            on_date=datetime.date(2023, 6, 2),
        )
    body = client.get(f"/federated/{order.pk}/").content.decode()
    assert NOTHING_ALLOCATED in body  # alpha's cancelled share no longer counts
    assert 'class="badge status-cancelled"' in body  # still listed, cancelled in alpha
    assert '<option value="alpha"' in body  # alpha can be given a new share
    response = client.post(
        f"/federated/{order.pk}/allocate/", {"region": "alpha", "minutes": "6000", "units": "1"}
    )
    assert response.status_code == 302
    body = client.get(f"/federated/{order.pk}/").content.decode()
    assert ALL_ALLOCATED in body


def test_a_zero_yen_wide_area_order_is_refused_on_the_form(fed, web):
    from kado_platform.federation.selectors import federated_order_list

    client = web(fed.hub, fed.user("coordinator"))
    response = client.post(
        "/federated/new/",
        {
            "client_name": "ゼロ円商事",
            "client_kind": "municipality",
            "title": "ゼロ円の広域案件",
            "category": "data_entry",
            "contract_type": "hourly",
            "unit_price": "0",
            "total_minutes": "600",
            "total_units": "1",
            "received_on": "2024-04-10",
            "due_on": "2024-06-30",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_unit_price_error"' in body
    assert not federated_order_list().filter(title="ゼロ円の広域案件").exists()


def test_cancelling_an_order_already_closed_says_so_on_the_page(fed, web):
    from kado_platform.federation.models import FederatedOrder
    from kado_platform.federation.services import federated_order_cancel

    client = web(fed.hub, fed.user("coordinator"))
    order = _federated_order(fed)
    federated_order_cancel(federated_order=order)
    response = client.post(f"/federated/{order.pk}/", {"action": "close"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "この広域案件はすでに締切または取消になっています。" in body
    assert 'id="federated-status"' not in body  # no buttons on a cancelled order
    assert FederatedOrder.objects.get(pk=order.pk).status == "cancelled"


def test_the_outcomes_show_other_social_participation_next_to_employment(
    fed, web, in_region, maker
):
    """FY2017, which no other test gives an outcome: the page's table, its total, the CSV."""
    import re

    from kado_tenants.workforce.services import worker_change_status

    day = datetime.date

    def journey(region, user_key, *moves):
        admin = fed.user(user_key)
        with in_region(region):
            worker = maker(acting_user=admin).active_worker(joined_on=day(2017, 4, 3))
            for status, changed_on in moves:
                worker_change_status(
                    worker=worker, status=status, changed_on=changed_on, acting_user=admin
                )

    journey(fed.alpha, "alpha_admin", ("social_participation", day(2017, 6, 1)))
    journey(fed.alpha, "alpha_admin", ("social_participation", day(2018, 3, 31)))
    journey(
        fed.alpha,
        "alpha_admin",
        ("employed", day(2017, 7, 1)),
        ("returned", day(2017, 12, 1)),
    )
    journey(fed.alpha, "alpha_admin", ("left", day(2017, 8, 1)))  # not an outcome
    journey(fed.beta, "beta_admin", ("social_participation", day(2017, 9, 1)))
    journey(fed.beta, "beta_admin", ("social_participation", day(2018, 4, 1)))  # FY2018

    client = web(fed.hub, fed.user("leader"))
    body = client.get("/leadership/", {"fiscal_year": 2017}).content.decode()
    assert "<dt>その他の社会参加</dt><dd>3</dd>" in body
    table = re.search(r'<table class="data-table" id="table-outcomes">(.*?)</table>', body, re.S)

    def cells(html):
        return [
            re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", html)
        ]

    rows = [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]
    # Every worker here became active on 2017-04-03: a start (就労開始) in FY2017 too.
    assert rows[0] == ["地域", "就労開始", "就職", "その他の社会参加", "KADOへ復帰"]
    by_region = {row[0]: row[1:] for row in rows[1:-1]}
    assert by_region[fed.alpha.name] == ["4", "1", "2", "1"]
    assert by_region[fed.beta.name] == ["2", "0", "1", "0"]
    assert rows[-1] == ["合計", "6", "1", "3", "1"]

    response = client.get("/leadership/export/outcomes.csv", {"fiscal_year": 2017})
    assert response.status_code == 200
    exported = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert exported[0] == ["地域", "就労開始", "就職", "その他の社会参加", "KADOへ復帰"]
    by_region = {row[0]: row[1:] for row in exported[1:]}
    assert by_region[fed.alpha.name] == ["4", "1", "2", "1"]
    assert by_region[fed.beta.name] == ["2", "0", "1", "0"]


def test_the_leadership_page_shows_who_started_working(fed, web, in_region, maker):
    """FY2016, which no other test gives a worker: the first challenge (就労開始) in the headline
    figures, the outcomes table and its CSV, in English too."""
    import re

    from kado_tenants.workforce.services import worker_change_status

    day = datetime.date

    def worker(region, user_key, joined_on, status, *moves):
        admin = fed.user(user_key)
        with in_region(region):
            made = maker(acting_user=admin).worker(joined_on=joined_on, status=status)
            for target, changed_on in moves:
                worker_change_status(
                    worker=made, status=target, changed_on=changed_on, acting_user=admin
                )

    # Alpha: one trained and active in FY2016, one registered as active in FY2016.
    worker(
        fed.alpha,
        "alpha_admin",
        day(2016, 4, 1),
        "applicant",
        ("training", day(2016, 5, 1)),
        ("active", day(2016, 6, 1)),
    )
    worker(fed.alpha, "alpha_admin", day(2017, 3, 31), "active")
    # Beta: one active in FY2015 who comes back in FY2016 (no new start), one in FY2017.
    worker(
        fed.beta,
        "beta_admin",
        day(2015, 4, 1),
        "active",
        ("employed", day(2015, 10, 1)),
        ("returned", day(2016, 5, 1)),
        ("active", day(2016, 5, 2)),
    )
    worker(fed.beta, "beta_admin", day(2017, 4, 1), "active")

    client = web(fed.hub, fed.user("leader"))
    body = client.get("/leadership/", {"fiscal_year": 2016}).content.decode()
    assert "<dt>就労開始</dt><dd>2</dd>" in body
    table = re.search(r'<table class="data-table" id="table-outcomes">(.*?)</table>', body, re.S)

    def cells(html):
        return [
            re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", html)
        ]

    rows = [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]
    assert rows[0] == ["地域", "就労開始", "就職", "その他の社会参加", "KADOへ復帰"]
    by_region = {row[0]: row[1:] for row in rows[1:-1]}
    assert by_region[fed.alpha.name] == ["2", "0", "0", "0"]
    assert by_region[fed.beta.name] == ["0", "0", "0", "1"]
    assert rows[-1] == ["合計", "2", "0", "0", "1"]

    response = client.get("/leadership/export/outcomes.csv", {"fiscal_year": 2016})
    exported = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert exported[0] == ["地域", "就労開始", "就職", "その他の社会参加", "KADOへ復帰"]
    by_region = {row[0]: row[1:] for row in exported[1:]}
    assert by_region[fed.alpha.name] == ["2", "0", "0", "0"]
    assert by_region[fed.beta.name] == ["0", "0", "0", "1"]

    english = web(fed.hub, fed.user("leader"), HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    body = english.get("/leadership/", {"fiscal_year": 2016}).content.decode()
    assert "<dt>Started working</dt><dd>2</dd>" in body
    table = re.search(r'<table class="data-table" id="table-outcomes">(.*?)</table>', body, re.S)
    assert cells(re.search(r"<tr>(.*?)</tr>", table.group(1), re.S).group(1))[:3] == [
        "Region",
        "Started working",
        "Moved to employment",
    ]
