"""Field-encryption keys: from Secrets Manager (moto in server mode) at startup, and a
rotation that keeps old rows readable until `kado keys reencrypt` moves them all to the
newest key."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from kado_platform.core.keys import KeyConfigurationError, keys_from_secrets_manager, parse_keys

AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def secrets_manager(start_moto):
    with start_moto(
        access_key=AWS["AWS_ACCESS_KEY_ID"], secret_key=AWS["AWS_SECRET_ACCESS_KEY"], export=True
    ) as moto:
        yield moto.endpoint, moto.client("secretsmanager")


def test_keys_come_from_secrets_manager(secrets_manager):
    endpoint, client = secrets_manager
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    listed = client.create_secret(Name="kado/test/keys-list", SecretString=json.dumps([new, old]))
    held = client.create_secret(
        Name="kado/test/django",
        SecretString=json.dumps({"SECRET_KEY": "x", "KADO_FIELD_ENCRYPTION_KEYS": f"{new},{old}"}),
    )
    for arn in (listed["ARN"], held["ARN"]):
        keys = keys_from_secrets_manager(arn, region_name="ap-northeast-1", endpoint_url=endpoint)
        assert keys == [new, old]
    bad = client.create_secret(Name="kado/test/bad", SecretString=json.dumps(["not-a-key"]))
    with pytest.raises(KeyConfigurationError, match="not a Fernet key"):
        keys_from_secrets_manager(bad["ARN"], region_name="ap-northeast-1", endpoint_url=endpoint)
    with pytest.raises(KeyConfigurationError):
        parse_keys("[]")


def test_the_settings_read_the_keys_at_startup(secrets_manager, subprocess_env):
    endpoint, client = secrets_manager
    key = Fernet.generate_key().decode()
    arn = client.create_secret(Name="kado/test/startup", SecretString=json.dumps([key]))["ARN"]
    env = subprocess_env(
        **AWS,
        KADO_FIELD_ENCRYPTION_KEYS_SECRET_ARN=arn,
        KADO_SECRETS_MANAGER_ENDPOINT_URL=endpoint,
        DJANGO_SETTINGS_MODULE="kado_platform.settings",
        without=("KADO_FIELD_ENCRYPTION_KEYS",),
    )
    printed = subprocess.run(
        [sys.executable, "-c",
         "from django.conf import settings; print(settings.FIELD_ENCRYPTION_KEYS)"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert printed.stdout.strip() == str([key])


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT {} FROM {} WHERE {} <> '' ORDER BY id").format(
                sql.Identifier(column), sql.Identifier(table), sql.Identifier(column)
            )
        )
        return [row[0] for row in cursor.fetchall()]


def _decrypts(key: str, token: str) -> bool:
    try:
        Fernet(key).decrypt(token.encode())
        return True
    except InvalidToken:
        return False


def test_rotation_then_reencrypt(fed, in_region, settings):
    from kado_tenants.workforce.models import Worker

    seeded = list(settings.FIELD_ENCRYPTION_KEYS)  # the key the test data was written with
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key_a, *seeded]
    with in_region(fed.alpha):
        worker = Worker.objects.first()
        worker.constraint_note = "介護のため午前のみ"
        worker.save(update_fields=["constraint_note"])
        notes = _raw("workforce_worker", "constraint_note")
        assert any(_decrypts(key_a, token) for token in notes)

    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a, *seeded]  # rotation: B first
    with in_region(fed.alpha):
        assert Worker.objects.get(pk=worker.pk).constraint_note == "介護のため午前のみ"
        before = {w.pk: (w.constraint_reason, w.constraint_note) for w in Worker.objects.all()}

    out = io.StringIO()
    call_command("keys", "reencrypt", "--region", "alpha", stdout=out, stderr=io.StringIO())
    assert "Re-encrypted" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [key_b]  # the old keys are gone
    with in_region(fed.alpha):
        after = {w.pk: (w.constraint_reason, w.constraint_note) for w in Worker.objects.all()}
        assert after == before
        for column in ("constraint_reason", "constraint_note"):
            tokens = _raw("workforce_worker", column)
            assert tokens and all(_decrypts(key_b, token) for token in tokens)
            assert not any(_decrypts(key, token) for token in tokens for key in [key_a, *seeded])
    # Only alpha was asked for: beta's rows are still under the old key.
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a, *seeded]
    with in_region(fed.beta):
        tokens = _raw("workforce_worker", "constraint_note")
        assert tokens and all(_decrypts(seeded[0], token) for token in tokens)

    # A second run changes nothing in alpha (idempotent).
    out = io.StringIO()
    call_command("keys", "reencrypt", "--region", "alpha", stdout=out, stderr=io.StringIO())
    assert "Re-encrypted 0 values" in out.getvalue()


def test_reencrypt_every_region_and_generate(fed, in_region, settings):
    from kado_tenants.workforce.models import Worker

    seeded = list(settings.FIELD_ENCRYPTION_KEYS)
    before = {}
    for region in (fed.alpha, fed.beta):
        with in_region(region):
            before[region.code] = {w.pk: w.constraint_reason for w in Worker.objects.all()}
    out = io.StringIO()
    call_command("keys", "generate", stdout=out)
    new_key = out.getvalue().strip()
    Fernet(new_key)  # a valid key
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *seeded]
    call_command("keys", "reencrypt", stdout=io.StringIO(), stderr=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    for region in (fed.alpha, fed.beta):
        with in_region(region):
            after = {w.pk: w.constraint_reason for w in Worker.objects.all()}
        assert after == before[region.code]
        assert "childcare" in after.values()
