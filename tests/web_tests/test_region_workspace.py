"""The region workspace through Django's test client: permissions, forms, services."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver

PASSWORD = "kado-test-pass-2026"

PAGES = [
    "/",
    "/dashboard/",
    "/workers/",
    "/workers/new/",
    "/clients/",
    "/clients/new/",
    "/orders/",
    "/orders/new/",
    "/worklogs/",
]


def _ids(fed, in_region):
    from kado_tenants.orders.selectors import order_list
    from kado_tenants.workforce.selectors import worker_list

    with in_region(fed.alpha):
        return {
            "worker": worker_list().get(name="アルファ 花子").pk,
            "order": order_list().get(reference="2023-0001").pk,
        }


@pytest.mark.parametrize("user_key", ["alpha_admin", "alpha_staff"])
def test_every_region_page_opens_for_the_regions_users(fed, web, in_region, user_key):
    client = web(fed.alpha, fed.user(user_key))
    ids = _ids(fed, in_region)
    for path in [*PAGES, f"/workers/{ids['worker']}/", f"/orders/{ids['order']}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "アルファ市" in body
        assert 'href="#main"' in body  # the skip link
        assert "ベータ" not in body


def test_the_workspace_is_not_on_the_hub_and_needs_a_login(fed, web):
    hub = web(fed.hub, fed.user("coordinator"))
    assert hub.get("/workers/").status_code == 404
    anonymous = web(fed.alpha)
    response = anonymous.get("/workers/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_regions_admin_gets_no_page_of_this_region(fed, web):
    # Signed in on beta, the same browser is anonymous on alpha (host-only cookies) …
    client = web(fed.beta, fed.user("beta_admin"))
    client.defaults["HTTP_HOST"] = fed.alpha.host
    response = client.get("/workers/")
    assert response.status_code == 302
    # … and a session forced onto alpha for beta's admin grants nothing there.
    forced = web(fed.alpha, fed.user("beta_admin"))
    response = forced.get("/workers/")
    assert response.status_code == 403
    assert "権限" in response.content.decode() or "permission" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_a_missing_row_is_the_sites_404_page_even_in_debug(fed, web):
    response = web(fed.alpha, fed.user("alpha_admin")).get("/orders/999999/")
    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


def test_staff_cannot_approve_and_never_see_the_sensitive_reason(fed, web, in_region):
    ids = _ids(fed, in_region)
    staff = web(fed.alpha, fed.user("alpha_staff"))
    page = staff.get(f"/workers/{ids['worker']}/").content.decode()
    assert "アルファの秘密" not in page
    edit = staff.get(f"/workers/{ids['worker']}/edit/").content.decode()
    assert "constraint_reason" not in edit and "アルファの秘密" not in edit
    assert staff.post("/worklogs/1/approve/").status_code == 403

    admin = web(fed.alpha, fed.user("alpha_admin"))
    assert "アルファの秘密" in admin.get(f"/workers/{ids['worker']}/").content.decode()
    assert "アルファの秘密" in admin.get(f"/workers/{ids['worker']}/edit/").content.decode()


def test_a_staff_edit_keeps_the_sensitive_reason(fed, web, in_region):
    from kado_tenants.workforce.selectors import worker_get

    ids = _ids(fed, in_region)
    staff = web(fed.alpha, fed.user("alpha_staff"))
    response = staff.post(
        f"/workers/{ids['worker']}/edit/",
        {
            "name": "アルファ 花子",
            "name_kana": "アルファ ハナコ",
            "hourly_rate": "1300",
            "joined_on": "2020-04-01",
        },
    )
    assert response.status_code == 302
    with in_region(fed.alpha):
        worker = worker_get(pk=ids["worker"])
        assert worker.hourly_rate == 1300
        assert worker.constraint_note == "アルファの秘密"


def test_a_refused_form_shows_the_error_by_its_field_keeps_the_input_and_writes_nothing(
    fed, web, in_region
):
    from kado_tenants.workforce.selectors import worker_list

    client = web(fed.alpha, fed.user("alpha_admin"))
    with in_region(fed.alpha):
        before = worker_list().count()
    response = client.post(
        "/workers/new/",
        {
            "name": "新人 一郎",
            "name_kana": "shinjin",  # not kana: the model's validator refuses it
            "hourly_rate": "1100",
            "joined_on": "2026-04-01",
            "status": "applicant",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert re.search(r'id="id_name_kana_error"', body)
    assert 'aria-describedby="id_name_kana_helptext id_name_kana_error"' in body
    assert 'value="新人 一郎"' in body and 'value="shinjin"' in body
    with in_region(fed.alpha):
        assert worker_list().count() == before


def test_an_order_moves_only_along_its_life_cycle(fed, web, in_region):
    from kado_tenants.orders.selectors import order_get

    ids = _ids(fed, in_region)
    client = web(fed.alpha, fed.user("alpha_staff"))
    page = client.get(f"/orders/{ids['order']}/").content.decode()
    assert 'value="in_progress"' in page and 'value="cancelled"' in page
    assert 'value="paid"' not in page
    refused = client.post(f"/orders/{ids['order']}/transition/", {"to_status": "paid"})
    assert refused.status_code == 200
    assert 'role="alert"' in refused.content.decode()
    moved = client.post(
        f"/orders/{ids['order']}/transition/", {"to_status": "in_progress", "on_date": "2023-05-10"}
    )
    assert moved.status_code == 302
    with in_region(fed.alpha):
        order = order_get(pk=ids["order"])
        assert order.status == "in_progress"
        assert order.started_on == datetime.date(2023, 5, 10)


def test_work_is_logged_by_staff_and_approved_by_the_admin(fed, web, in_region):
    from kado_tenants.orders.selectors import assignments_for, order_get, worklog_list

    ids = _ids(fed, in_region)
    with in_region(fed.alpha):
        assignment = assignments_for(order_get(pk=ids["order"])).first()
    staff = web(fed.alpha, fed.user("alpha_staff"))
    response = staff.post(
        f"/orders/{ids['order']}/log/",
        {"assignment": assignment.pk, "work_date": "2023-05-11", "minutes": "90", "note": "作業"},
    )
    assert response.status_code == 302
    with in_region(fed.alpha):
        log = worklog_list(order=order_get(pk=ids["order"])).get()
    admin = web(fed.alpha, fed.user("alpha_admin"))
    approved = admin.post(f"/worklogs/{log.pk}/approve/", HTTP_HX_REQUEST="true")
    assert approved.status_code == 200
    assert "承認済み" in approved.content.decode() or "Approved" in approved.content.decode()
    again = admin.post(f"/worklogs/{log.pk}/approve/", HTTP_HX_REQUEST="true")
    assert 'role="alert"' in again.content.decode()


def test_lists_filter_and_paginate(fed, web):
    client = web(fed.alpha, fed.user("alpha_admin"))
    body = client.get("/workers/?q=花子").content.decode()
    assert "アルファ 花子" in body and "アルファ 太郎" not in body
    partial = client.get("/orders/?status=paid", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "2023-0001" not in partial
    assert client.get("/orders/?page=99").status_code == 200


def _region_url_patterns(patterns=None):
    """Every URL pattern of the region workspace, through its includes."""
    for pattern in (
        get_resolver("kado_web.region_urls").url_patterns if patterns is None else patterns
    ):
        if isinstance(pattern, URLResolver):
            yield from _region_url_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_every_workspace_url_declares_a_permission():
    """Fail closed: each view of the workspace names the Perm it needs."""
    from kado_web.views.base import PermissionView

    views = [p.callback for p in _region_url_patterns()]
    assert views
    for view in views:
        assert issubclass(view.view_class, PermissionView)
        assert view.view_class.permission is not None, view.view_class


def test_a_view_without_a_permission_is_refused(rf, fed):
    from django.core.exceptions import ImproperlyConfigured

    from kado_web.views.base import PermissionView

    class Careless(PermissionView):
        def get(self, request):  # pragma: no cover - never reached
            raise AssertionError

    request = rf.get("/")
    request.tenant = fed.alpha
    request.user = fed.user("alpha_admin")
    with pytest.raises(ImproperlyConfigured):
        Careless.as_view()(request)


def test_password_reset_mails_only_accounts_with_a_role_on_this_host(fed, web):
    alpha = web(fed.alpha)
    assert alpha.post("/password-reset/", {"email": "staff@alpha.test"}).status_code == 302
    assert len(mail.outbox) == 1
    assert f"http://{fed.alpha.host}/password-reset/" in mail.outbox[0].body
    assert alpha.post("/password-reset/", {"email": "staff@beta.test"}).status_code == 302
    assert len(mail.outbox) == 1  # beta's staff has no role on alpha: nothing is sent

    link = re.search(r"http://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    # The link does nothing on a host where the account has no role.
    beta_page = web(fed.beta).get(link, follow=True)
    assert "invalid" in beta_page.content.decode() or "無効" in beta_page.content.decode()
    page = alpha.get(link, follow=True)
    assert page.status_code == 200
    assert 'name="new_password1"' in page.content.decode()


def test_repeated_failed_logins_lock_the_login_for_a_while(fed, settings):
    from django.test import Client

    client = Client(HTTP_HOST=fed.alpha.host)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "staff@alpha.test", "password": "wrong"})
    locked = client.post("/login/", {"username": "staff@alpha.test", "password": PASSWORD})
    assert locked.status_code == 429
    assert 'class="site-header"' in locked.content.decode()
    # Another region's host keeps its own count.
    other = Client(HTTP_HOST=fed.beta.host)
    ok = other.post("/login/", {"username": "staff@beta.test", "password": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("urls", "nav", "downloads"),
    [
        ("kado_web.region_urls", "REGION_NAV", {"invoice_pdf", "transfer_file"}),
        ("kado_web.hub_urls", "HUB_NAV", {"report_export"}),
    ],
)
def test_every_page_marks_its_place_in_the_navigation(urls, nav, downloads):
    """A page reached from the menu keeps its menu entry current; file downloads aside."""
    from importlib import import_module

    from kado_web import context_processors

    entries = getattr(context_processors, nav)
    marked = set().union(*(current for _name, _label, _perm, current in entries))
    own = import_module(urls).urlpatterns  # the hub's pages included in a region's aside
    names = {p.name for p in own if isinstance(p, URLPattern) and p.name}
    unmarked = names - marked - downloads
    assert not unmarked, sorted(unmarked)
