"""An API request's token, user and memberships are read in one query.

`api_token_for` is what the bearer-token middleware asks on every API request; the
permission checks that follow must then need no query of their own, and must decide
exactly as they do for a user whose memberships the policy reads itself.
"""

from __future__ import annotations

import pytest

from kado_platform.accounts import policy
from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.accounts.selectors import api_token_for, user_by_email
from kado_platform.accounts.services import api_token_create, membership_grant, user_create

PASSWORD = "kado-test-pass-2026"


def _token_of(user):
    _token, raw = api_token_create(user=user, name="lookup")
    return raw


def _decisions(user, regions):
    return {
        (perm, region.code): has_perm(user, perm, region) for perm in Perm for region in regions
    }


@pytest.fixture
def two_hats(fed):
    """A coordinator on the hub who is also staff in beta."""
    user = user_create(email="two.hats@kado.test", password=PASSWORD)
    membership_grant(user=user, role="coordinator")
    membership_grant(user=user, role="region_staff", region=fed.beta)
    return user


def test_the_token_brings_its_users_memberships(fed, two_hats, django_assert_num_queries):
    raw = _token_of(two_hats)
    with django_assert_num_queries(1):
        token = api_token_for(raw)
    regions = (fed.hub, fed.alpha, fed.beta)
    with django_assert_num_queries(0):
        preloaded = _decisions(token.user, regions)
    assert preloaded == _decisions(user_by_email("two.hats@kado.test"), regions)
    assert preloaded[(Perm.FEDERATION_ORDERS, "federation")] is True
    assert preloaded[(Perm.REGION_READ, "beta")] is True
    assert preloaded[(Perm.REGION_READ, "alpha")] is False
    assert preloaded[(Perm.REGION_ADMIN, "beta")] is False


def test_a_user_without_memberships_holds_nothing(fed, django_assert_num_queries):
    user = user_create(email="nobody@kado.test", password=PASSWORD)
    token = api_token_for(_token_of(user))
    with django_assert_num_queries(0):
        assert not any(_decisions(token.user, (fed.hub, fed.alpha, fed.beta)).values())


def test_a_grant_after_the_lookup_is_seen_once_forgotten(fed, two_hats):
    token = api_token_for(_token_of(two_hats))
    membership_grant(user=two_hats, role="region_staff", region=fed.alpha)
    assert not has_perm(token.user, Perm.REGION_READ, fed.alpha)  # read with the token
    policy.forget(token.user)
    assert has_perm(token.user, Perm.REGION_READ, fed.alpha)


def test_an_unknown_token_is_none(fed):
    assert api_token_for("kado_nope") is None
    assert api_token_for("") is None
