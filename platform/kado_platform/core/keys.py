"""The field-encryption keys: where they come from, and re-encrypting after a rotation.

Keys (Fernet, url-safe base64 of 32 bytes) are listed newest first: the first encrypts,
every one decrypts (kado_platform.core.fields). In production the list comes from AWS
Secrets Manager at startup (`KADO_FIELD_ENCRYPTION_KEYS_SECRET_ARN`: the secret holds a
JSON list of keys, or an object whose `KADO_FIELD_ENCRYPTION_KEYS` is such a list or a
comma-separated string); in development from `KADO_FIELD_ENCRYPTION_KEYS`.

A rotation: put a new key first, deploy, run `kado keys reencrypt` (every region, then
the public schema), and only then drop the old key from the list.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken

SECRET_FIELD = "KADO_FIELD_ENCRYPTION_KEYS"  # noqa: S105 (a field name)
BATCH_SIZE = 500


class KeyConfigurationError(RuntimeError):
    pass


def generate_key() -> str:
    return Fernet.generate_key().decode()


def parse_keys(value) -> list[str]:
    """A list of Fernet keys from a JSON list, an object holding one, or a CSV string."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "{")):
            return parse_keys(json.loads(text))
        value = [part for part in text.split(",") if part.strip()]
    if isinstance(value, dict):
        if SECRET_FIELD not in value:
            raise KeyConfigurationError(f"The secret has no {SECRET_FIELD} entry.")
        return parse_keys(value[SECRET_FIELD])
    if not isinstance(value, list) or not value:
        raise KeyConfigurationError("The secret must hold a non-empty list of keys.")
    keys = [str(key).strip() for key in value]
    for index, key in enumerate(keys):
        try:
            Fernet(key)
        except (ValueError, TypeError) as error:
            raise KeyConfigurationError(f"Key number {index + 1} is not a Fernet key.") from error
    return keys


def keys_from_secrets_manager(
    secret_id: str, *, region_name: str | None = None, endpoint_url: str | None = None
) -> list[str]:
    """Read the key list from Secrets Manager (called by the settings at startup)."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "secretsmanager",
        region_name=region_name,
        endpoint_url=endpoint_url or None,
        config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5),
    )
    secret = client.get_secret_value(SecretId=secret_id)
    return parse_keys(secret["SecretString"])


# --- re-encryption ---------------------------------------------------------------------


def encrypted_fields() -> list[tuple[type, list[str]]]:
    """Every concrete model with EncryptedTextFields, and those fields' columns."""
    from django.apps import apps

    from kado_platform.core.fields import EncryptedTextField

    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        columns = [
            field.column
            for field in meta.concrete_fields
            if isinstance(field, EncryptedTextField) and field.model is model
        ]
        if columns:
            found.append((model, columns))
    return found


def _is_region_model(model) -> bool:
    from django.conf import settings

    app = model._meta.app_config.name
    return app in settings.TENANT_APPS and app not in settings.SHARED_APPS


def models_for(*, region: bool) -> list[tuple[type, list[str]]]:
    return [
        (model, cols) for model, cols in encrypted_fields() if _is_region_model(model) == region
    ]


def count_rows(fields) -> int:
    from django.db import connection
    from psycopg import sql

    total = 0
    with connection.cursor() as cursor:
        for model, _columns in fields:
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(model._meta.db_table))
            )
            total += cursor.fetchone()[0]
    return total


def reencrypt_table(model, columns: list[str], *, on_rows=None) -> int:
    """Re-encrypt every value of `columns` under the newest key; returns values changed.

    Reads the raw tokens in primary-key order, in batches, and writes only the values not
    already under the newest key, so running it twice changes nothing the second time.
    """
    from django.db import connection
    from psycopg import sql

    from kado_platform.core.fields import cipher, reencrypt

    newest = cipher()._fernets[0]
    table = sql.Identifier(model._meta.db_table)
    pk = sql.Identifier(model._meta.pk.column)
    select = sql.SQL(
        "SELECT {pk}, {cols} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
    ).format(pk=pk, cols=sql.SQL(", ").join(map(sql.Identifier, columns)), table=table)
    changed = 0
    last = None
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last if last is not None else _lowest(model), BATCH_SIZE])
            rows = cursor.fetchall()
            if not rows:
                break
            for row in rows:
                updates = {}
                for column, token in zip(columns, row[1:], strict=True):
                    if not token:
                        continue
                    try:
                        newest.decrypt(token.encode())
                        continue  # already under the newest key
                    except InvalidToken:
                        pass
                    updates[column] = reencrypt(token)
                if updates:
                    assignments = sql.SQL(", ").join(
                        sql.SQL("{} = %s").format(sql.Identifier(column)) for column in updates
                    )
                    cursor.execute(
                        sql.SQL("UPDATE {} SET {} WHERE {} = %s").format(table, assignments, pk),
                        [*updates.values(), row[0]],
                    )
                    changed += len(updates)
            last = rows[-1][0]
            if on_rows is not None:
                on_rows(len(rows))
    return changed


def _lowest(model):
    from django.db import models

    field = model._meta.pk
    if isinstance(field, models.AutoField | models.BigAutoField | models.IntegerField):
        return -(2**63)
    return ""


def reencrypt_schema(schema_name: str, *, region: bool, on_rows=None) -> dict[str, int]:
    """Re-encrypt one schema's encrypted columns, all of them in one transaction."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    changed = {}
    with schema_context(schema_name), transaction.atomic():
        for model, columns in models_for(region=region):
            changed[model._meta.label] = reencrypt_table(model, columns, on_rows=on_rows)
    return changed
