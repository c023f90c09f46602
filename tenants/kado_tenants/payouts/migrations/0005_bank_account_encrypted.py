"""A worker's account number and holder name, encrypted at rest.

The columns become text (a Fernet token is longer than the value), then every existing
row of the region is encrypted with the field's own cipher. django-tenants runs this once
per region schema, with the search path on that schema; the public schema has no such
table and the router skips it. Backwards, the values are decrypted before the columns
shrink back to their old sizes.
"""

import django.core.validators
from cryptography.fernet import InvalidToken
from django.db import migrations
from psycopg import sql

import kado_platform.core.fields

COLUMNS = ("account_number", "holder_kana")


def _is_token(value: str) -> bool:
    from kado_platform.core.fields import cipher

    try:
        cipher().decrypt(value.encode())
    except InvalidToken:
        if value.startswith("gAAAAA") and len(value) >= 100:
            # A token, but not under any configured key: encrypting it again would lose it.
            raise RuntimeError(
                "A bank account holds a token the configured keys cannot decrypt."
            ) from None
        return False
    return True


def _rewrite(apps, schema_editor, change):
    """Apply `change` to every non-empty value of the two columns, writing only changes."""
    table = apps.get_model("payouts", "BankAccount")._meta.db_table
    select = sql.SQL("SELECT id, {} FROM {} ORDER BY id").format(
        sql.SQL(", ").join(map(sql.Identifier, COLUMNS)), sql.Identifier(table)
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(select)
        rows = cursor.fetchall()
        for pk, *values in rows:
            updates = {}
            for column, value in zip(COLUMNS, values, strict=True):
                new = change(value) if value else value
                if new != value:
                    updates[column] = new
            if updates:
                cursor.execute(
                    sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
                        sql.Identifier(table),
                        sql.SQL(", ").join(
                            sql.SQL("{} = %s").format(sql.Identifier(column)) for column in updates
                        ),
                    ),
                    [*updates.values(), pk],
                )


def _encrypt(value: str) -> str:
    from kado_platform.core.fields import cipher

    return value if _is_token(value) else cipher().encrypt(value.encode()).decode()


def _decrypt(value: str) -> str:
    from kado_platform.core.fields import cipher

    return cipher().decrypt(value.encode()).decode() if _is_token(value) else value


def encrypt_bank_accounts(apps, schema_editor):
    _rewrite(apps, schema_editor, _encrypt)


def decrypt_bank_accounts(apps, schema_editor):
    _rewrite(apps, schema_editor, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0004_transfer_file"),
    ]

    operations = [
        migrations.AlterField(
            model_name="bankaccount",
            name="account_number",
            field=kado_platform.core.fields.EncryptedTextField(
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]{7}$", "Enter exactly 7 digits.", code="account_number_format"
                    )
                ],
                verbose_name="account number",
            ),
        ),
        migrations.AlterField(
            model_name="bankaccount",
            name="holder_kana",
            field=kado_platform.core.fields.EncryptedTextField(
                validators=[django.core.validators.MaxLengthValidator(60)],
                verbose_name="account holder (kana)",
            ),
        ),
        migrations.RunPython(encrypt_bank_accounts, decrypt_bank_accounts),
    ]
