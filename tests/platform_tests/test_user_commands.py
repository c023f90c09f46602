"""`kado user create EMAIL --role ROLE [--region CODE]`: a user and a role, or neither."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kado_platform.accounts.models import Membership, User
from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.audit.models import AuditEntry


def user(*args):
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def test_a_region_staff_member_can_sign_in_on_that_region_only(fed):
    out = user(
        "create", "Kana@Alpha.test", "--role", "region_staff", "--region", "alpha",
        "--password", "kado-test-pass-2026", "--name", "佐藤 花子", "--name-kana", "さとう はなこ",
    )  # fmt: skip
    assert "alpha.localhost" in out
    assert "Password (shown once" not in out
    created = User.objects.get(email="kana@alpha.test")
    assert created.check_password("kado-test-pass-2026")
    assert (created.name, created.name_kana) == ("佐藤 花子", "さとう はなこ")
    assert has_perm(created, Perm.REGION_WRITE, fed.alpha)
    assert not has_perm(created, Perm.SIGN_IN, fed.beta)
    assert not has_perm(created, Perm.SIGN_IN, fed.hub)


def test_a_federation_role_with_a_generated_password(fed):
    out = user("create", "lead2@kado.test", "--role", "leader")
    password = out.split("store it now):")[1].split()[0]
    password = password.replace("\x1b[33;1m", "").replace("\x1b[0m", "")
    created = User.objects.get(email="lead2@kado.test")
    assert created.check_password(password)
    assert has_perm(created, Perm.FEDERATION_REPORTS, fed.hub)
    assert not has_perm(created, Perm.SIGN_IN, fed.alpha)


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["x@kado.test", "--role", "region_admin"], "region: "),
        (["x@kado.test", "--role", "leader", "--region", "alpha"], "region: "),
        (["x@kado.test", "--role", "region_admin", "--region", "nowhere"], "region: "),
        (["x@kado.test", "--role", "region_admin", "--region", "federation"], "region: "),
        (["admin@alpha.test", "--role", "leader"], "email: "),
        (["not-an-email", "--role", "leader"], "email: "),
        (["x@kado.test", "--role", "leader", "--password", "12345678"], "password: "),
    ],
)
def test_refusals_name_the_field_and_leave_no_user(fed, args, starts):
    before = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError) as caught:
        user("create", *args)
    assert str(caught.value).startswith(starts)
    after = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_an_unknown_role_is_refused_by_the_parser(fed):
    with pytest.raises(CommandError, match="role"):
        user("create", "x@kado.test", "--role", "emperor")
