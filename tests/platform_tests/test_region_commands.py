"""`kado region create|list|suspend|resume`: thin edges over the region services."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext_lazy

from kado_platform.accounts.models import Membership, User
from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_platform.core.management.commands._output import bilingual, refusal
from kado_platform.regions.models import Domain, Region

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kado-test-pass-2026"
GAMMA = [
    "gamma",
    "--name",
    "ガンマ村",
    "--name-en",
    "Gamma Village",
    "--municipality-code",
    "203246",
    "--admin-email",
    "admin@gamma.test",
]


def region(*args):
    out, err = StringIO(), StringIO()
    call_command("region", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata ORDER BY 1")
        schemas = [row[0] for row in cursor.fetchall()]
    return (
        Region.objects.count(),
        Domain.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
        schemas,
    )


# create ---------------------------------------------------------------------------------


def test_create_prints_the_url_the_time_and_a_generated_password_once(fed, settings):
    settings.DEBUG = True
    out, _err = region("create", *GAMMA)
    assert "http://gamma.localhost:8000/" in out
    assert "template clone" in out
    assert " s (" in out
    password = out.split("store it now):")[1].split()[0]
    password = password.replace("\x1b[33;1m", "").replace("\x1b[0m", "")
    admin = User.objects.get(email="admin@gamma.test")
    assert admin.check_password(password)
    assert len(password) >= 20
    assert out.count(password) == 1
    gamma = Region.objects.get(code="gamma")
    assert (gamma.name, gamma.name_en, gamma.municipality_code) == (
        "ガンマ村",
        "Gamma Village",
        "203246",
    )
    assert (gamma.kind, gamma.prefecture, gamma.status) == ("partner", "20", "active")
    assert has_perm(admin, Perm.REGION_ADMIN, gamma)


def test_create_with_every_option(fed):
    out, _err = region(
        "create",
        "kiso",
        "--name",
        "木曽郡町村",
        "--name-en",
        "Kiso towns",
        "--no-municipality-code",
        "--prefecture",
        "21",
        "--kind",
        "business_partner",
        "--joined-on",
        "2021-04-01",
        "--admin-email",
        "Admin@Kiso.test",
        "--admin-password",
        PASSWORD,
        "--admin-name",
        "木曽 花子",
        "--by-migrations",
    )
    assert "(migrations)" in out
    assert "Password" not in out
    kiso = Region.objects.get(code="kiso")
    assert kiso.municipality_code == ""
    assert (kiso.prefecture, kiso.kind, str(kiso.joined_on)) == (
        "21",
        "business_partner",
        "2021-04-01",
    )
    admin = User.objects.get(email="admin@kiso.test")
    assert admin.name == "木曽 花子"
    assert admin.check_password(PASSWORD)


def test_an_existing_user_is_made_admin_and_told_their_password_is_unchanged(fed):
    out, err = region(
        "create", *GAMMA[:-1], "admin@alpha.test", "--admin-password", "other-pass-2026"
    )
    assert "existing user" in out
    assert "Password (shown once" not in out
    assert "ignored" in err
    user = fed.user("alpha_admin")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert has_perm(user, Perm.REGION_ADMIN, Region.objects.get(code="gamma"))


@pytest.mark.parametrize(
    ("change", "starts"),
    [
        ({0: "admin"}, "code: "),
        ({0: "public"}, "code: "),
        ({0: "Alpha"}, "code: "),
        ({0: "a;drop schema public"}, "code: "),
        ({0: "alpha"}, "code: "),
        ({6: "202152"}, "municipality_code: "),
        ({2: ""}, "name: "),
        ({8: "nobody"}, "admin_email: "),
    ],
)
def test_refusals_name_the_field_and_write_nothing(fed, change, starts):
    args = list(GAMMA)
    for index, value in change.items():
        args[index] = value
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        region("create", *args)
    assert str(caught.value).startswith(starts)
    assert snapshot() == before


def test_a_refusal_is_in_japanese_and_english_when_a_translation_exists(fed):
    with pytest.raises(CommandError) as caught:
        region("create", *GAMMA[:-1], "not-an-email")
    # Django ships the Japanese for its own email message.
    assert str(caught.value) == (
        "admin_email: 有効なメールアドレスを入力してください。 / Enter a valid email address."
    )


def test_a_message_without_a_translation_yet_is_shown_once():
    assert bilingual(gettext_lazy("A sentence nobody has translated yet.")) == (
        "A sentence nobody has translated yet."
    )
    error = DomainError(
        "region_code_reserved", gettext_lazy("The region code %(code)s is reserved."),
        field="code", params={"code": "admin"},
    )  # fmt: skip
    message = str(refusal(error))
    assert message.startswith("code: ")
    assert "The region code admin is reserved." in message


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--joined-on", "2021-13-01"], "joined_on: "),
        (["--prefecture", "77"], "prefecture: "),
    ],
)
def test_bad_options_are_refused_with_their_field(fed, args, field):
    with pytest.raises(CommandError) as caught:
        region("create", *GAMMA, *args)
    assert str(caught.value).startswith(field)


def test_a_municipality_code_or_its_absence_is_required(fed):
    args = [a for a in GAMMA if a not in ("--municipality-code", "203246")]
    with pytest.raises(CommandError, match="municipality-code"):
        region("create", *args)
    with pytest.raises(CommandError):
        region("create", *GAMMA, "--no-municipality-code")


# list -----------------------------------------------------------------------------------


def test_production_urls_are_https_without_a_port(fed, settings):
    settings.DEBUG = False
    out, _err = region("create", *GAMMA)
    assert "https://gamma.localhost/" in out


def test_list_as_a_table(fed):
    out, _err = region("list")
    lines = out.splitlines()
    assert lines[0].split() == [
        "code",
        "name",
        "kind",
        "status",
        "municipality_code",
        "host",
        "joined_on",
    ]
    assert any(line.startswith("alpha ") and "alpha.localhost" in line for line in lines)
    assert any(line.startswith("beta ") and "202029" in line for line in lines)
    assert not any(line.startswith("federation") for line in lines)


def test_list_as_json(fed):
    out, _err = region("list", "--format", "json")
    rows = {row["code"]: row for row in json.loads(out)}
    assert {"alpha", "beta"} <= set(rows)
    assert rows["alpha"]["name"] == "アルファ市"
    assert rows["alpha"]["host"] == "alpha.localhost"
    assert rows["alpha"]["status"] == "active"
    assert "federation" not in rows


# suspend / resume -----------------------------------------------------------------------


def test_suspend_and_resume(fed):
    out, _err = region("suspend", "alpha")
    assert "suspended" in out
    fed.alpha.refresh_from_db()
    assert fed.alpha.is_suspended
    assert not has_perm(fed.user("alpha_admin"), Perm.SIGN_IN, fed.alpha)
    assert json.loads(region("list", "--format", "json")[0])[0]["status"] == "suspended"

    out, _err = region("resume", "alpha")
    assert "active" in out
    fed.alpha.refresh_from_db()
    assert not fed.alpha.is_suspended
    actions = list(
        AuditEntry.objects.filter(region_code="alpha", action__startswith="region.").values_list(
            "action", flat=True
        )
    )
    assert actions[:2] == ["region.resume", "region.suspend"]


@pytest.mark.parametrize("action", ["suspend", "resume"])
@pytest.mark.parametrize("code", ["nowhere", "federation", "public"])
def test_suspending_an_unknown_region_is_refused(fed, action, code):
    with pytest.raises(CommandError) as caught:
        region(action, code)
    assert str(caught.value).startswith("code: ")
    assert code in str(caught.value)


# The real command line -------------------------------------------------------------------


@pytest.mark.slow
def test_the_kado_command_exits_non_zero_on_a_refusal(fed, subprocess_env):
    env = subprocess_env()
    kado = [sys.executable, "-c", "from kado_platform.cli import main; main()"]
    refused = subprocess.run(
        [*kado, "region", "create", "admin", *GAMMA[1:]],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "code: " in refused.stderr
    assert "admin" in refused.stderr
    assert "Traceback" not in refused.stderr

    missing = subprocess.run(
        [*kado, "region", "create", "gamma"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2
    assert "--name" in missing.stderr

    listed = subprocess.run(
        [*kado, "region", "list", "--format", "json"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert {"alpha", "beta"} <= {row["code"] for row in json.loads(listed.stdout)}
