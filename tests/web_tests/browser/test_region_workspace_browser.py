"""The region workspace in a real browser: each role's walk, the main flows, isolation,
and axe-core on every page."""

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

# By hand up to inspected; invoicing moves an order on to invoiced and paid.
LIFE_CYCLE = ["in_progress", "delivered", "inspected"]


def _buttons(page):
    return sorted(
        page.locator("form.lifecycle button[name=to_status]").evaluate_all(
            "buttons => buttons.map(b => b.value)"
        )
    )


def _choose(page, select, text):
    """Pick the option of a <select> whose label contains `text`."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def test_a_region_admin_runs_the_workspace(site):
    fed, page = site.fed, site.page
    suffix = str(int(time.time() * 1000))[-6:]
    worker_name = f"試験 一郎{suffix}"

    site.goto(fed.alpha, "/login/")
    expect(page.locator("h1")).to_contain_text("アルファ市")
    site.axe("login")
    site.login(fed.alpha, "admin@alpha.test")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".site-header")).to_contain_text("アルファ市")
    expect(page.locator("nav.site-nav")).to_contain_text("テレワーカー")  # Japanese first
    expect(page.locator("h1")).to_contain_text("ダッシュボード")
    site.axe("region-dashboard")

    # Workers: the list, an htmx search, a refused form, then a registration.
    page.click("nav.site-nav >> a[href='/workers/']")
    site.axe("workers")
    page.fill("#id_q", "花子")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#results")).to_contain_text("アルファ 花子")
    expect(page.locator("#results")).not_to_contain_text("アルファ 太郎")
    page.click("a[href='/workers/new/']")
    site.axe("worker-form")
    page.fill("#id_name", worker_name)
    page.fill("#id_name_kana", "shiken")  # not kana
    page.fill("#id_hourly_rate", "1200")
    page.fill("#id_joined_on", "2024-04-01")
    page.select_option("#id_status", "active")
    page.select_option("#id_constraint_reason", "caregiving")
    page.click("form button.btn-primary")
    expect(page.locator("#id_name_kana")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name_kana_error")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value(worker_name)  # what was typed is kept
    site.axe("worker-form-errors")
    page.fill("#id_name_kana", "シケン イチロウ")
    page.click("form button.btn-primary")
    expect(page.locator("h1")).to_contain_text(worker_name)
    # Admins see the time constraint and where the worker is paid; staff see neither.
    expect(page.locator("section[aria-labelledby=sensitive-heading]")).to_be_visible()
    expect(page.locator("section[aria-labelledby=bank-heading]")).to_be_visible()
    site.axe("worker-detail")

    # Clients.
    page.click("nav.site-nav >> a[href='/clients/']")
    site.axe("clients")
    page.click("a[href='/clients/new/']")
    site.axe("client-form")

    # Orders: register one, assign the new worker, then walk its life cycle.
    page.click("nav.site-nav >> a[href='/orders/']")
    site.axe("orders")
    page.click("a[href='/orders/new/']")
    page.select_option("#id_client", label="アルファ商事")
    page.fill("#id_title", f"ブラウザ試験の注文 {suffix}")
    page.select_option("#id_category", "data_entry")
    page.fill("#id_unit_price", "1500")
    page.fill("#id_estimated_minutes", "600")
    page.fill("#id_due_on", "2099-03-31")
    site.axe("order-form")
    page.click("form button.btn-primary")
    expect(page.locator("#order-status")).to_be_visible()
    assert _buttons(page) == ["cancelled", "in_progress"]
    _choose(page, "#id_worker", worker_name)
    page.click("form[action$='/assign/'] button")
    assigned = page.locator("main table").nth(0)
    expect(assigned).to_contain_text(worker_name)
    # Assigning is commissioning: the 3条通知 was issued with it, and can be read here.
    assigned.locator("details summary").click()
    expect(assigned.locator(".notice-body")).to_contain_text("特定受託事業者: " + worker_name)
    expect(assigned.locator(".notice-body")).to_contain_text("報酬の支払期日")
    site.axe("order-detail")

    page.click("button[value=in_progress]")
    expect(page.locator("#order-status")).to_have_class(re.compile("status-in_progress"))
    assert _buttons(page) == ["cancelled", "delivered"]

    # Work is recorded on the order and approved in the work-log list (htmx).
    page.click("a[href$='/log/']")
    site.axe("worklog-form")
    _choose(page, "#id_assignment", worker_name)
    page.fill("#id_minutes", "95")
    page.fill("#id_note", "入力作業")
    page.click("form button.btn-primary")
    expect(page.locator("main")).to_contain_text("入力作業")
    page.click("nav.site-nav >> a[href='/worklogs/']")
    site.axe("worklogs")
    row = page.locator("tr", has_text=worker_name)
    expect(row.get_by_role("button", name=re.compile("^取り下げ"))).to_be_visible()
    row.get_by_role("button", name=re.compile("^承認")).click()
    expect(row.locator(".status-paid")).to_be_visible()
    expect(row.locator("button")).to_have_count(0)  # approved: no correcting or withdrawing

    page.reload()  # the approval was saved, not only swapped in
    expect(page.locator("tr", has_text=worker_name).locator(".status-paid")).to_be_visible()
    page.locator("tr", has_text=worker_name).locator("a").first.click()
    for step in LIFE_CYCLE[1:]:
        page.click(f"button[value={step}]")
        expect(page.locator("#order-status")).to_have_class(re.compile(f"status-{step}"))
    assert _buttons(page) == []
    expect(page.locator(".billed-by-invoicing a")).to_have_text("請求書")  # billing is there
    expect(page.locator("a[href$='/edit/']")).to_have_count(0)

    # A page that does not exist here is the site's 404 page.
    response = site.goto(fed.alpha, "/orders/98765432/")
    assert response.status == 404
    expect(page.locator(".site-header")).to_be_visible()
    site.axe("not-found")

    # English on request, then back to Japanese.
    page.select_option("#language-select", "en")
    page.click("#language-select ~ button")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.site-nav")).to_contain_text("Workers")
    page.select_option("#language-select", "ja")
    page.click("#language-select ~ button")
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    # The new worker's week: an overlap is refused next to its row, then saved.
    site.goto(fed.alpha, "/workers/")
    page.fill("#id_q", worker_name)
    page.click("form.filters button[type=submit]")
    page.locator("#results").get_by_role("link", name=worker_name).click()
    expect(page.locator("#availability")).to_contain_text("稼働可能時間は登録されていません。")
    page.get_by_role("link", name="稼働可能時間を編集").click()
    site.axe("worker-availability-form")
    page.get_by_label("1行目の曜日").select_option("0")
    page.get_by_label("1行目の開始時刻").fill("9:00")
    page.get_by_label("1行目の終了時刻").fill("12:00")
    page.get_by_label("2行目の曜日").select_option("0")
    page.get_by_label("2行目の開始時刻").fill("11:00")
    page.get_by_label("2行目の終了時刻").fill("14:00")
    page.click("form button.btn-primary")
    expect(page.locator("#id_form-1-start")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_form-1-start_error")).to_contain_text("重ならないように")
    expect(page.locator("#id_form-1-start")).to_have_value("11:00")  # what was typed is kept
    site.axe("worker-availability-errors")
    page.get_by_label("2行目の開始時刻").fill("13:00")
    page.click("form button.btn-primary")
    expect(page.locator("h1")).to_contain_text(worker_name)
    # Monday 9:00–12:00 and 13:00–14:00: 180 + 60 = 240 minutes.
    expect(page.locator("#availability-total")).to_have_text("4時間")
    site.axe("worker-detail-availability")

    page.click(".account form[action='/logout/'] button")
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_staff_work_without_approval_or_sensitive_data(site):
    fed, page = site.fed, site.page
    site.login(fed.alpha, "staff@alpha.test")
    page.click("nav.site-nav >> a[href='/workers/']")
    page.click("text=アルファ 花子")
    expect(page.locator("h1")).to_contain_text("アルファ 花子")
    expect(page.locator(".sensitive")).to_have_count(0)
    assert "アルファの秘密" not in page.content()
    site.axe("worker-detail-staff")
    page.click("nav.site-nav >> a[href='/worklogs/']")
    expect(page.locator("form[action$='/approve/']")).to_have_count(0)
    expect(page.locator("nav.site-nav a[href='/admin/']")).to_have_count(0)


def _choose(page, select, text):
    """Pick the option of a <select> whose label contains `text`."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def test_a_region_admin_cannot_open_another_regions_pages(site):
    fed, page = site.fed, site.page
    site.login(fed.alpha, "admin@alpha.test")
    expect(page.locator(".site-header")).to_contain_text("アルファ市")

    # The session does not travel to beta's host: its pages ask for a login …
    site.goto(fed.beta, "/workers/")
    expect(page).to_have_url(re.compile(r"beta\.localhost:\d+/login/"))
    assert "ベータ 花子" not in page.content()
    # … and alpha's admin cannot log in there.
    site.login(fed.beta, "admin@alpha.test")
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/"))
    site.axe("login-refused")
    # Alpha still works, and beta's rows are not reachable through alpha's host.
    site.goto(fed.alpha, "/workers/")
    expect(page.locator("main")).not_to_contain_text("ベータ")
    # The hub has no region workspace: its start page lists the regions.
    site.login(fed.hub, "coordinator@kado.test")
    expect(page.locator("main")).to_contain_text("アルファ市")
    site.axe("hub-home")
    assert site.goto(fed.hub, "/workers/").status == 404
