"""The one place that decides who may do what, and where.

Every edge (GraphQL types and mutations, views, admin, commands) asks `has_perm`. A
permission that is not granted here is refused: unknown roles, unknown permissions and
the wrong host all fail closed. Federation roles act on the hub host only; region roles
act on their own region's host only.
"""

from __future__ import annotations

from enum import StrEnum

from kado_platform.accounts.roles import Role


class Perm(StrEnum):
    SIGN_IN = "sign_in"
    REGION_READ = "region.read"
    REGION_WRITE = "region.write"
    REGION_APPROVE = "region.approve"
    REGION_SENSITIVE = "region.sensitive"
    REGION_ADMIN = "region.admin"
    FEDERATION_ORDERS = "federation.orders"
    FEDERATION_ALLOCATE = "federation.allocate"
    FEDERATION_REPORTS = "federation.reports"
    PLATFORM_MANAGE = "platform.manage"


GRANTS: dict[Role, frozenset[Perm]] = {
    Role.OPERATOR: frozenset({Perm.SIGN_IN, Perm.PLATFORM_MANAGE}),
    Role.LEADER: frozenset({Perm.SIGN_IN, Perm.FEDERATION_REPORTS}),
    Role.COORDINATOR: frozenset({Perm.SIGN_IN, Perm.FEDERATION_ORDERS, Perm.FEDERATION_ALLOCATE}),
    Role.REGION_ADMIN: frozenset(
        {
            Perm.SIGN_IN,
            Perm.REGION_READ,
            Perm.REGION_WRITE,
            Perm.REGION_APPROVE,
            Perm.REGION_SENSITIVE,
            Perm.REGION_ADMIN,
        }
    ),
    Role.REGION_STAFF: frozenset({Perm.SIGN_IN, Perm.REGION_READ, Perm.REGION_WRITE}),
}


def roles_on(user, region) -> frozenset[Role]:
    """The roles a user holds on the host of `region` (the federation row for the hub)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if region is None or getattr(region, "is_suspended", True):
        return frozenset()
    memberships = getattr(user, "_kado_memberships", None)
    if memberships is None:
        memberships = list(user.memberships.values_list("role", "region_id"))
        user._kado_memberships = memberships
    if region.is_federation:
        roles = {Role(role) for role, region_id in memberships if region_id is None}
        if user.is_superuser:
            roles.add(Role.OPERATOR)
    else:
        roles = {Role(role) for role, region_id in memberships if region_id == region.pk}
    return frozenset(roles)


def perms_on(user, region) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles_on(user, region):
        granted |= GRANTS.get(role, frozenset())
    return frozenset(granted)


def has_perm(user, perm: Perm, region) -> bool:
    return Perm(perm) in perms_on(user, region)


def forget(user) -> None:
    """Drop the memberships cached on a user object (after a grant or a revoke)."""
    if user is not None and hasattr(user, "_kado_memberships"):
        del user._kado_memberships
