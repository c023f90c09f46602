"""A region is reached on its own host; anything else is a 404, never another region."""

import pytest
from django.test import Client

from kado_platform.regions.services import region_resume, region_suspend


@pytest.mark.parametrize(
    "host",
    [
        "alpha.localhost",
        "ALPHA.localhost",
        "alpha.localhost.",
        "alpha.localhost:8000",
        "Alpha.LocalHost:80",
    ],
)
def test_host_variants_reach_the_same_region(fed, host):
    response = Client(HTTP_HOST=host).get("/login/")
    assert response.status_code == 200
    assert "アルファ市" in response.content.decode()
    assert "ベータ町" not in response.content.decode()


@pytest.mark.parametrize(
    "host",
    [
        "gamma.localhost",
        "alpha.beta.localhost",
        "localhost.evil.com",
        "evil.com",
        "alpha-localhost",
        "127.0.0.1",
    ],
)
def test_unknown_or_foreign_hosts_are_404(fed, host):
    response = Client(HTTP_HOST=host).get("/login/")
    assert response.status_code == 404


def test_x_forwarded_host_is_not_trusted(fed):
    response = Client(HTTP_HOST="beta.localhost", HTTP_X_FORWARDED_HOST="alpha.localhost").get(
        "/login/"
    )
    assert response.status_code == 200
    assert "ベータ町" in response.content.decode()
    assert "アルファ市" not in response.content.decode()


def test_the_base_domain_is_the_federation_hub(fed):
    response = Client(HTTP_HOST="localhost").get("/login/")
    assert response.status_code == 200
    assert fed.hub.name in response.content.decode()


def test_a_suspended_region_shows_a_page_that_says_so_and_no_data(fed, web):
    region_suspend(region=fed.alpha)
    client = web(fed.alpha)
    for path in ["/", "/login/", "/admin/", "/graphql"]:
        response = client.get(path)
        assert response.status_code == 503
        body = response.content.decode()
        assert "この地域は利用停止中です" in body
        assert 'type="password"' not in body
        assert "admin@alpha.test" not in body
    # Another region is untouched.
    assert web(fed.beta).get("/login/").status_code == 200
    region_resume(region=fed.alpha)
    assert web(fed.alpha).get("/login/").status_code == 200


def test_a_session_made_on_one_region_is_refused_on_another(fed, web):
    alpha = web(fed.alpha, fed.user("alpha_admin"))
    assert alpha.get("/").status_code == 200
    # Replay the very same session cookie on beta's host.
    replay = Client(HTTP_HOST=fed.beta.host)
    replay.cookies = alpha.cookies
    response = replay.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_session_and_csrf_cookies_belong_to_one_host(http_login, fed):
    """No Domain attribute: a browser sends alpha's cookies to alpha's host only, never to
    beta's or the hub's under the same parent domain."""
    http = http_login(fed.alpha, "alpha_admin")
    cookies = {cookie.name: cookie for cookie in http.cookies}
    for name in ("sessionid", "csrftoken"):
        assert not cookies[name].domain_specified, name
    assert cookies["sessionid"].has_nonstandard_attr("HttpOnly")
