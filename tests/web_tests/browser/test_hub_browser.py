"""The hub in a real browser: the coordinator board and allocations, the leadership
dashboard with its charts and downloads, and who may not open them; axe on every page."""

import csv
import io
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_a_coordinator_splits_a_federated_order_across_two_regions(site):
    from kado_platform.federation.selectors import federated_order_list

    fed, page = site.fed, site.page
    suffix = str(int(time.time() * 1000))[-6:]
    title = f"広域試験の案件 {suffix}"

    site.login(fed.hub, "coordinator@kado.test")
    nav = page.locator("nav.site-nav")
    expect(nav).to_contain_text("広域案件")
    expect(nav.locator("a[href='/leadership/']")).to_have_count(0)

    # The board: orders of every region, narrowed by htmx without leaving the page.
    nav.locator("a[href='/board/']").click()
    expect(page.locator("h1")).to_have_text("地域横断の受注案件")
    expect(page.locator("#results tbody tr").first).to_be_visible()
    site.axe("hub-board")
    # Other tests commit newer orders, so the seed's two are found by name and year.
    page.fill("#id_q", "の注文")
    page.select_option("#id_fiscal_year", "2023")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("#results")).to_contain_text("ベータの注文")
    expect(page.locator("#results")).to_contain_text("アルファの注文")
    page.fill("#id_q", "アルファ")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("#results")).not_to_contain_text("ベータの注文")
    expect(page.locator("#results")).to_contain_text("アルファの注文")
    expect(page).to_have_url(re.compile(r"q=%E3%82%A2"))

    # Capacity by skill and period: counts per region, no names.
    nav.locator("a[href='/board/capacity/']").click()
    page.click("#capacity button[type=submit]")
    expect(page.locator("#capacity table")).to_contain_text("アルファ市")
    site.axe("hub-capacity")

    # A federated order: a refused form keeps what was typed, then the registration.
    nav.locator("a[href='/federated/']").click()
    site.axe("hub-federated-orders")
    page.click("a[href='/federated/new/']")
    page.fill("#id_client_name", "広域試験株式会社")
    page.select_option("#id_client_kind", "urban_company")
    page.fill("#id_title", title)
    page.select_option("#id_category", "ai_annotation")
    page.fill("#id_unit_price", "1200")
    page.fill("#id_total_minutes", "600")
    page.fill("#id_due_on", "2000-01-01")  # before it was received
    page.click("form button.btn-primary")
    expect(page.locator("#id_due_on")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_due_on_error")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value(title)
    site.axe("hub-federated-form-errors")
    page.fill("#id_due_on", "2099-03-31")
    page.click("form button.btn-primary")
    expect(page.locator("h1")).to_contain_text(title)

    # Two regions get a share; a third share that would exceed the total is refused
    # next to the minutes and nothing is written.
    page.select_option("#id_region", "alpha")
    page.fill("#id_minutes", "400")
    page.click("form[action$='/allocate/'] button")
    expect(page.locator("#allocations")).to_contain_text("アルファ市")
    page.select_option("#id_region", "beta")
    page.fill("#id_minutes", "300")
    page.click("form[action$='/allocate/'] button")
    expect(page.locator("#id_minutes")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_minutes_error")).to_contain_text("200")
    expect(page.locator("#id_minutes")).to_have_value("300")
    expect(page.locator("#allocations tbody tr")).to_have_count(1)
    site.axe("hub-allocation-errors")
    order = federated_order_list().get(title=title)
    assert [a.region.code for a in order.allocations.all()] == ["alpha"]
    page.select_option("#id_region", "beta")
    page.fill("#id_minutes", "200")
    page.click("form[action$='/allocate/'] button")
    expect(page.locator("#allocations tbody tr")).to_have_count(2)
    expect(page.locator("#allocation-summary")).to_contain_text("100%")
    site.axe("hub-federated-detail")
    order = federated_order_list().get(title=title)
    assert sorted((a.region.code, a.minutes) for a in order.allocations.all()) == [
        ("alpha", 400),
        ("beta", 200),
    ]

    # The leadership dashboard is not a coordinator's page.
    response = site.goto(fed.hub, "/leadership/")
    assert response.status == 403
    expect(page.locator(".site-header")).to_be_visible()
    site.axe("hub-forbidden")


def test_a_leader_reads_the_dashboard_and_downloads_its_reports(site):
    from openpyxl import load_workbook

    from kado_platform.federation.selectors import report

    fed, page = site.fed, site.page
    site.login(fed.hub, "leader@kado.test")
    page.locator("nav.site-nav a[href='/leadership/']").click()
    page.select_option("#id_fiscal_year", "2023")
    page.click(".year-form button")
    expect(page.locator("#year-heading")).to_contain_text("2023年度（令和5年度）")
    expect(page.locator("#table-trend")).to_contain_text("平成27年度")
    expect(page.locator("#table-trend")).to_contain_text("令和元年度")
    expect(page.locator(".chart svg")).to_have_count(8)  # drawn by charts.js
    # People, yen and hours are counted in whole units: no axis ticks at 0.5 of a person.
    ticks = page.evaluate(
        """() => [...document.querySelectorAll("[data-chart]")].flatMap((element) => {
            const model = window.echarts.getInstanceByDom(element).getModel();
            const values = [];
            for (const kind of ["xAxis", "yAxis"]) {
                model.eachComponent(kind, (axis) => {
                    if (axis.get("type") === "value") {
                        values.push(...axis.axis.scale.getTicks().map((tick) => tick.value));
                    }
                });
            }
            return values;
        })"""
    )
    assert ticks and all(value == int(value) for value in ticks), ticks
    site.axe("hub-leadership")

    workbook = load_workbook(io.BytesIO(_download(page, "#regions a[href*='regions.xlsx']")))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("地域", "受注額（円）", "受注件数", "稼働時間")
    figures = report(fiscal_year=2023)
    assert [row[:5] for row in rows[1:]] == [
        (r["region"].name, r["amount"], r["orders"], r["minutes"], r["active_workers"])
        for r in figures["by_region"]
    ]

    data = _download(page, "#outcomes a[href$='outcomes.csv?fiscal_year=2023']")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["地域", "就労開始", "就職", "その他の社会参加", "KADOへ復帰"]
    assert [[row[0], *map(int, row[1:])] for row in rows[1:]] == [
        [
            r["region"].name,
            r["started_working"],
            r["moved_to_employment"],
            r["moved_to_social_participation"],
            r["returned"],
        ]
        for r in figures["by_region"]
    ]
    data = _download(page, "#categories a[href*='encoding=cp932']")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("cp932").startswith("業務分類,受注額（円）")

    # The board is not a leader's page.
    assert site.goto(fed.hub, "/board/").status == 403
    expect(page.locator(".site-header")).to_be_visible()


def test_a_region_admin_cannot_open_the_hub_pages(site):
    fed, page = site.fed, site.page
    site.login(fed.alpha, "admin@alpha.test")
    for path in ["/board/", "/federated/", "/leadership/"]:
        assert site.goto(fed.alpha, path).status == 404
        expect(page.locator(".site-header")).to_contain_text("アルファ市")
    site.axe("hub-page-on-a-region")
    # On the hub the region's session does not count, and its admin cannot sign in there.
    site.goto(fed.hub, "/leadership/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/leadership/"))
    site.login(fed.hub, "admin@alpha.test")
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_an_operator_manages_regions_but_reads_no_orders_or_reports(site):
    fed, page = site.fed, site.page
    site.login(fed.hub, "operator@kado.test")
    expect(page.locator(".site-header")).to_contain_text(fed.hub.name)
    site.axe("hub-home-operator")
    # The operator's work is the hub's admin: regions and users.
    assert site.goto(fed.hub, "/admin/regions/region/").status == 200
    expect(page.locator("#result_list")).to_contain_text("alpha")
    expect(page.locator("#result_list")).to_contain_text("beta")
    # Orders across regions and leadership's reports are not an operator's pages.
    for path in ["/board/", "/federated/", "/leadership/"]:
        assert site.goto(fed.hub, path).status == 403
        expect(page.locator(".site-header")).to_be_visible()
    # Nor is any region's workspace.
    site.goto(fed.alpha, "/")
    expect(page).to_have_url(re.compile(r"/login/"))
