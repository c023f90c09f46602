"""`kado token create|revoke|list`: the secret is printed once and only its hash is kept."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kado_platform.accounts.models import ApiToken
from kado_platform.accounts.selectors import api_token_for
from kado_platform.audit.models import AuditEntry

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def token(*args):
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def _create(email="operator@kado.test", *args):
    out = token("create", email, *args)
    raw = out.strip().splitlines()[-1]
    return raw, out


def test_create_prints_a_working_token_once_and_stores_only_its_hash(fed):
    raw, out = _create("coordinator@kado.test", "--name", "order importer")
    assert raw.startswith("kado_")
    assert out.count(raw) == 1
    found = api_token_for(raw)
    assert found is not None
    assert found.user == fed.user("coordinator")
    assert found.name == "order importer"
    assert found.digest == ApiToken.digest_of(raw)
    assert raw not in found.digest
    assert found.prefix == raw[:12]
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(found.pk)).exists()


def test_the_expiry_is_midnight_japan_time_at_the_start_of_that_day(fed):
    day = timezone.localdate() + datetime.timedelta(days=30)
    raw, out = _create("leader@kado.test", "--expires", day.isoformat())
    expires_at = api_token_for(raw).expires_at
    assert expires_at == datetime.datetime.combine(day, datetime.time(), TOKYO)
    assert f"Expires: {day.isoformat()} 00:00" in out


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["nobody@kado.test"], "email: "),
        (["operator@kado.test", "--expires", "2020-01-01"], "expires: "),
        (["operator@kado.test", "--expires", "1/1/2030"], "expires: "),
        (["operator@kado.test", "--expires", "2030-02-30"], "expires: "),
        (["operator@kado.test", "--name", ""], "name: "),
        (["operator@kado.test", "--name", "x" * 101], "name: "),
    ],
)
def test_create_refusals_name_the_field_and_write_nothing(fed, args, starts):
    before = (ApiToken.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError) as caught:
        token("create", *args)
    assert str(caught.value).startswith(starts)
    assert (ApiToken.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("how", ["prefix", "short prefix", "id", "secret"])
def test_revoke_by_prefix_id_or_the_secret(fed, how):
    raw, _out = _create()
    found = api_token_for(raw)
    key = {"prefix": found.prefix, "short prefix": found.prefix[:9], "id": str(found.pk)}.get(
        how, raw
    )
    out = token("revoke", key)
    assert "is revoked" in out
    found.refresh_from_db()
    assert found.revoked_at is not None
    assert not found.is_usable()
    assert "already revoked" in token("revoke", key)
    assert (
        AuditEntry.objects.filter(action="api_token.revoke", object_id=str(found.pk)).count() == 1
    )


@pytest.mark.parametrize("key", ["999999999", "kado_nothere", "kado_", "zz", ""])
def test_revoking_an_unknown_token_is_refused(fed, key):
    with pytest.raises(CommandError) as caught:
        token("revoke", key)
    assert str(caught.value).startswith("token: ")


def test_an_ambiguous_prefix_is_refused(fed):
    user = fed.user("operator")
    for suffix in ("a", "b"):
        ApiToken.objects.create(
            user=user, name=suffix, prefix=f"kado_same{suffix}", digest=suffix * 64
        )
    with pytest.raises(CommandError, match=r"token: .*id"):
        token("revoke", "kado_sam")
    assert (
        ApiToken.objects.filter(prefix__startswith="kado_same", revoked_at__isnull=True).count()
        == 2
    )


def test_list_shows_prefixes_and_status_never_secrets(fed):
    active, _ = _create("operator@kado.test", "--name", "active one")
    revoked, _ = _create("operator@kado.test", "--name", "revoked one")
    other, _ = _create("leader@kado.test", "--name", "leader's")
    token("revoke", api_token_for(revoked).prefix)

    out = token("list", "operator@kado.test")
    assert active[:12] in out
    assert active not in out and revoked not in out
    assert "leader's" not in out
    lines = {line.split()[1]: line for line in out.splitlines()[2:]}
    assert " active " in lines[active[:12]]
    assert " revoked " in lines[revoked[:12]]

    rows = json.loads(token("list", "--format", "json"))
    by_prefix = {row["prefix"]: row for row in rows}
    assert by_prefix[other[:12]]["user"] == "leader@kado.test"
    assert by_prefix[revoked[:12]]["status"] == "revoked"
    assert all(other not in json.dumps(row) for row in rows)


def test_an_expired_token_is_listed_as_expired(fed):
    ApiToken.objects.create(
        user=fed.user("leader"),
        name="old",
        prefix="kado_expired",
        digest="e" * 64,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    rows = json.loads(token("list", "leader@kado.test", "--format", "json"))
    assert [row["status"] for row in rows if row["prefix"] == "kado_expired"] == ["expired"]


def test_listing_for_an_unknown_user_is_refused(fed):
    with pytest.raises(CommandError, match=r"^email: "):
        token("list", "nobody@kado.test")
