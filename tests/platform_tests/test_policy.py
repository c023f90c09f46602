"""kado_platform.accounts.policy: every role × every permission × every kind of host.

The expected grants are written out here, independently of policy.GRANTS, so that a
change to the policy has to change this table too.
"""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth.models import AnonymousUser

from kado_platform.accounts.policy import Perm, forget, has_perm, perms_on, roles_on
from kado_platform.accounts.roles import Role
from kado_platform.accounts.services import membership_grant, user_create
from kado_platform.regions.services import region_suspend

P = Perm
# What each role may do on the host it belongs to (the hub for federation roles, its own
# region for region roles). Everywhere else: nothing.
AT_HOME = {
    Role.OPERATOR: {P.SIGN_IN, P.PLATFORM_MANAGE},
    Role.LEADER: {P.SIGN_IN, P.FEDERATION_REPORTS},
    Role.COORDINATOR: {P.SIGN_IN, P.FEDERATION_ORDERS, P.FEDERATION_ALLOCATE},
    Role.REGION_ADMIN: {
        P.SIGN_IN,
        P.REGION_READ,
        P.REGION_WRITE,
        P.REGION_APPROVE,
        P.REGION_SENSITIVE,
        P.REGION_ADMIN,
    },
    Role.REGION_STAFF: {P.SIGN_IN, P.REGION_READ, P.REGION_WRITE},
}
USER_OF_ROLE = {
    Role.OPERATOR: "operator",
    Role.LEADER: "leader",
    Role.COORDINATOR: "coordinator",
    Role.REGION_ADMIN: "alpha_admin",
    Role.REGION_STAFF: "alpha_staff",
}
FEDERATION_ROLES = {Role.OPERATOR, Role.LEADER, Role.COORDINATOR}
CASES = [(role, perm) for role in Role for perm in Perm]


def test_every_role_and_permission_is_covered():
    assert set(AT_HOME) == set(Role) == set(USER_OF_ROLE)


def _hosts(fed):
    """Each kind of host, seen from a user of `alpha` or of the hub."""
    return {"hub": fed.hub, "own region": fed.alpha, "other region": fed.beta}


def _suspended(region):
    copied = copy.copy(region)
    copied.status = "suspended"
    return copied


@pytest.mark.parametrize(("role", "perm"), CASES, ids=[f"{r.value}-{p.value}" for r, p in CASES])
def test_grants_on_the_hub(fed, role, perm):
    expected = perm in AT_HOME[role] if role in FEDERATION_ROLES else False
    assert has_perm(fed.user(USER_OF_ROLE[role]), perm, fed.hub) is expected


@pytest.mark.parametrize(("role", "perm"), CASES, ids=[f"{r.value}-{p.value}" for r, p in CASES])
def test_grants_on_its_own_region(fed, role, perm):
    expected = perm in AT_HOME[role] if role not in FEDERATION_ROLES else False
    assert has_perm(fed.user(USER_OF_ROLE[role]), perm, fed.alpha) is expected


@pytest.mark.parametrize(("role", "perm"), CASES, ids=[f"{r.value}-{p.value}" for r, p in CASES])
def test_nothing_on_another_region(fed, role, perm):
    assert has_perm(fed.user(USER_OF_ROLE[role]), perm, fed.beta) is False


@pytest.mark.parametrize(("role", "perm"), CASES, ids=[f"{r.value}-{p.value}" for r, p in CASES])
def test_nothing_on_a_suspended_host(fed, role, perm):
    user = fed.user(USER_OF_ROLE[role])
    for host in _hosts(fed).values():
        assert has_perm(user, perm, _suspended(host)) is False


def test_suspending_through_the_service_takes_every_permission_away(fed):
    admin, staff = fed.user("alpha_admin"), fed.user("alpha_staff")
    assert perms_on(admin, fed.alpha)
    suspended = region_suspend(region=fed.alpha)
    assert perms_on(admin, suspended) == frozenset()
    assert perms_on(staff, suspended) == frozenset()
    # beta is untouched
    assert perms_on(fed.user("beta_admin"), fed.beta) == frozenset(AT_HOME[Role.REGION_ADMIN])


def test_a_user_with_roles_in_two_places_gets_each_only_at_its_host(fed):
    user = user_create(email="both@kado.test", password=None)
    membership_grant(user=user, role=Role.COORDINATOR)
    membership_grant(user=user, role=Role.REGION_STAFF, region=fed.beta)
    assert perms_on(user, fed.hub) == frozenset(AT_HOME[Role.COORDINATOR])
    assert perms_on(user, fed.beta) == frozenset(AT_HOME[Role.REGION_STAFF])
    assert perms_on(user, fed.alpha) == frozenset()


def test_roles_add_up_on_one_host(fed):
    staff = fed.user("alpha_staff")
    membership_grant(user=staff, role=Role.REGION_ADMIN, region=fed.alpha)
    forget(staff)
    assert roles_on(staff, fed.alpha) == {Role.REGION_ADMIN, Role.REGION_STAFF}
    assert perms_on(staff, fed.alpha) == frozenset(AT_HOME[Role.REGION_ADMIN])


def test_a_superuser_is_an_operator_on_the_hub_only(fed):
    user = user_create(email="root@kado.test", password=None)
    user.is_superuser = True
    assert perms_on(user, fed.hub) == frozenset(AT_HOME[Role.OPERATOR])
    assert perms_on(user, fed.alpha) == frozenset()


@pytest.mark.parametrize("key", list(USER_OF_ROLE.values()))
def test_an_inactive_user_has_nothing_anywhere(fed, key):
    user = fed.user(key)
    user.is_active = False
    for host in _hosts(fed).values():
        assert perms_on(user, host) == frozenset()


@pytest.mark.parametrize("who", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_nobody_has_nothing(fed, who):
    for host in _hosts(fed).values():
        assert perms_on(who, host) == frozenset()
        assert not has_perm(who, Perm.SIGN_IN, host)


def test_no_host_means_nothing(fed):
    assert perms_on(fed.user("operator"), None) == frozenset()


def test_a_host_whose_status_cannot_be_read_fails_closed(fed):
    class Unknown:
        is_federation = False
        pk = fed.alpha.pk

    assert perms_on(fed.user("alpha_admin"), Unknown()) == frozenset()


def test_an_unknown_permission_is_never_granted(fed):
    with pytest.raises(ValueError):
        has_perm(fed.user("operator"), "platform.everything", fed.hub)


def test_an_unknown_role_in_the_database_grants_nothing(fed):
    user = fed.user("alpha_admin")
    user._kado_memberships = [("region_admin", fed.alpha.pk)]
    assert perms_on(user, fed.alpha) == frozenset(AT_HOME[Role.REGION_ADMIN])
    user._kado_memberships = [("emperor", fed.alpha.pk)]
    with pytest.raises(ValueError):
        perms_on(user, fed.alpha)
