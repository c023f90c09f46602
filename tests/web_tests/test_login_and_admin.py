"""Login per host, and the admin on each host for exactly the roles that own it."""

import pytest
from django.test import Client

PASSWORD = "kado-test-pass-2026"


def _login(region, email):
    client = Client(HTTP_HOST=region.host)
    response = client.post("/login/", {"username": email, "password": PASSWORD})
    return client, response


@pytest.mark.parametrize(
    ("region_key", "email", "allowed"),
    [
        ("alpha", "admin@alpha.test", True),
        ("alpha", "staff@alpha.test", True),
        ("alpha", "admin@beta.test", False),
        ("alpha", "coordinator@kado.test", False),
        ("hub", "coordinator@kado.test", True),
        ("hub", "leader@kado.test", True),
        ("hub", "operator@kado.test", True),
        ("hub", "admin@alpha.test", False),
        ("beta", "staff@beta.test", True),
        ("beta", "staff@alpha.test", False),
    ],
)
def test_sign_in_only_where_the_user_has_a_role(fed, region_key, email, allowed):
    region = getattr(fed, region_key)
    client, response = _login(region, email)
    if allowed:
        assert response.status_code == 302
        home = client.get("/")
        assert home.status_code == 200
        assert region.name in home.content.decode()
    else:
        assert response.status_code == 200
        assert client.get("/").status_code == 302
        assert (
            "role here" in response.content.decode()
            or "権限" in response.content.decode()
            or ("パスワード" in response.content.decode())
        )


def test_a_wrong_password_is_refused_and_says_so_next_to_the_form(fed):
    client = Client(HTTP_HOST=fed.alpha.host)
    response = client.post("/login/", {"username": "admin@alpha.test", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(fed):
    client, _response = _login(fed.alpha, "admin@alpha.test")
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("region_key", "user_key", "status"),
    [
        ("hub", "operator", 200),
        ("hub", "coordinator", 302),
        ("hub", "leader", 302),
        ("alpha", "alpha_admin", 200),
        ("alpha", "alpha_staff", 302),
        ("beta", "beta_admin", 200),
    ],
)
def test_the_admin_of_each_host_opens_for_its_owners_only(fed, web, region_key, user_key, status):
    client = web(getattr(fed, region_key), fed.user(user_key))
    response = client.get("/admin/")
    assert response.status_code == status


def test_the_hub_admin_lists_regions_and_users_and_the_region_admin_its_own_data(fed, web):
    hub = web(fed.hub, fed.user("operator"))
    regions = hub.get("/admin/regions/region/")
    assert regions.status_code == 200
    assert "alpha" in regions.content.decode() and "beta" in regions.content.decode()
    assert hub.get("/admin/accounts/user/").status_code == 200
    # Region data is not in the hub's admin at all.
    assert hub.get("/admin/workforce/worker/").status_code == 404

    alpha = web(fed.alpha, fed.user("alpha_admin"))
    workers = alpha.get("/admin/workforce/worker/")
    assert workers.status_code == 200
    body = workers.content.decode()
    assert "アルファ 花子" in body
    assert "ベータ" not in body
    # Regions and users are not in a region's admin.
    assert alpha.get("/admin/regions/region/").status_code == 404


def test_the_admin_object_of_another_region_with_the_same_pk_shows_this_regions_row(
    fed, web, in_region
):
    from kado_tenants.workforce.selectors import worker_list

    with in_region(fed.alpha):
        alpha_worker = worker_list().get(name="アルファ 花子")
    with in_region(fed.beta):
        beta_worker = worker_list().get(pk=alpha_worker.pk)
    assert beta_worker.name == "ベータ 花子"
    page = web(fed.beta, fed.user("beta_admin")).get(
        f"/admin/workforce/worker/{alpha_worker.pk}/change/"
    )
    assert page.status_code == 200
    assert "ベータ 花子" in page.content.decode()
    assert "アルファ" not in page.content.decode()


def test_admin_actions_can_suspend_a_region(fed, web):
    hub = web(fed.hub, fed.user("operator"))
    response = hub.post(
        "/admin/regions/region/",
        {"action": "suspend", "_selected_action": [fed.beta.pk]},
    )
    assert response.status_code == 302
    fed.beta.refresh_from_db()
    assert fed.beta.is_suspended
