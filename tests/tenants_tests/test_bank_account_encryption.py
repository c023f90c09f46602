"""A worker's bank account number and holder name are encrypted at rest: the database and
its backups hold Fernet tokens, the model, the Zengin file and a key rotation still see
the values, and payouts migration 0005 encrypted the rows written before it."""

from __future__ import annotations

import datetime
import importlib
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kado_platform.core.errors import DomainError, validate
from kado_tenants.orders.services import worklog_approve, worklog_record
from kado_tenants.payouts import zengin
from kado_tenants.payouts.models import BankAccount
from kado_tenants.payouts.services import (
    bank_account_set,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
    zengin_export,
)

MIGRATION = importlib.import_module("kado_tenants.payouts.migrations.0005_bank_account_encrypted")
MONTH = datetime.date(2024, 2, 1)
TODAY = datetime.date(2024, 3, 10)
TRANSFER = datetime.date(2024, 3, 25)


def _raw(worker_id: int) -> tuple[str, str]:
    """The two columns as the database (and a backup of it) holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_number, holder_kana FROM payouts_bankaccount WHERE worker_id = %s",
            [worker_id],
        )
        return cursor.fetchone()


def _decrypt(key: str, token: str) -> str:
    return Fernet(key).decrypt(token.encode()).decode()


def _account(worker, **overrides):
    fields = {
        "worker": worker,
        "bank_code": "0005",
        "branch_code": "001",
        "account_type": "1",
        "account_number": "765432",  # padded to 0765432
        "holder_kana": "ヤマダ ハナコ",  # stored as ﾔﾏﾀﾞ ﾊﾅｺ
    }
    return bank_account_set(**{**fields, **overrides})


def test_the_columns_hold_tokens_that_decrypt_to_the_values(make, settings):
    worker = make.active_worker()
    _account(worker)

    number, holder = _raw(worker.pk)
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    assert number != "0765432" and "0765432" not in number
    assert holder != "ﾔﾏﾀﾞ ﾊﾅｺ" and "ﾔﾏﾀﾞ" not in holder
    assert _decrypt(key, number) == "0765432"
    assert _decrypt(key, holder) == "ﾔﾏﾀﾞ ﾊﾅｺ"

    account = BankAccount.objects.get(worker=worker)
    assert (account.account_number, account.holder_kana) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")


def test_validation_refuses_as_before_and_writes_nothing(make, refused):
    worker = make.active_worker()

    # The model's own rule: exactly 7 digits (the service pads shorter numbers first).
    account = BankAccount(
        worker=worker,
        bank_code="0005",
        branch_code="001",
        account_type="1",
        account_number="123456",
        holder_kana="ﾔﾏﾀﾞ ﾊﾅｺ",
    )
    with pytest.raises(DomainError) as info:
        validate(account)
    assert (info.value.code, info.value.field) == ("account_number_format", "account_number")

    # 61 characters are one too many for the holder, though the token is far longer.
    refused(
        lambda: _account(worker, holder_kana="ア" * 61),
        code="max_length",
        field="holder_kana",
    )
    assert not BankAccount.objects.filter(worker=worker).exists()

    # 60 are accepted, and read back whole.
    _account(worker, holder_kana="ア" * 60)
    assert BankAccount.objects.get(worker=worker).holder_kana == "ｱ" * 60


def _insert_plain(worker_id: int, number: str, holder: str) -> None:
    """A row as it was before migration 0005: the values in the clear."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payouts_bankaccount (worker_id, bank_code, branch_code, account_type,"
            " account_number, holder_kana, updated_at) VALUES (%s, '0005', '001', '1', %s, %s,"
            " now())",
            [worker_id, number, holder],
        )


def _data_step(direction) -> None:
    with connection.schema_editor() as editor:
        direction(django_apps, editor)


def test_the_data_step_encrypts_plain_rows_and_is_reversible(make, settings):
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    old, older = make.active_worker(), make.active_worker()
    _insert_plain(old.pk, "1234567", "ｼｵｼﾞﾘ ﾊﾅｺ")
    _insert_plain(older.pk, "0000001", "ｱ" * 60)
    current = make.active_worker()
    _account(current)  # written after the migration: already a token
    token = _raw(current.pk)

    _data_step(MIGRATION.encrypt_bank_accounts)
    number, holder = _raw(old.pk)
    assert (_decrypt(key, number), _decrypt(key, holder)) == ("1234567", "ｼｵｼﾞﾘ ﾊﾅｺ")
    number, holder = _raw(older.pk)
    assert (_decrypt(key, number), _decrypt(key, holder)) == ("0000001", "ｱ" * 60)
    assert _raw(current.pk) == token  # not encrypted twice
    assert BankAccount.objects.get(worker=old).account_number == "1234567"

    # Run again (a region migrated twice, or resumed): nothing changes.
    encrypted = _raw(old.pk)
    _data_step(MIGRATION.encrypt_bank_accounts)
    assert _raw(old.pk) == encrypted

    # Backwards: the values in the clear again, the newer row included.
    _data_step(MIGRATION.decrypt_bank_accounts)
    assert _raw(old.pk) == ("1234567", "ｼｵｼﾞﾘ ﾊﾅｺ")
    assert _raw(older.pk) == ("0000001", "ｱ" * 60)
    assert _raw(current.pk) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")

    _data_step(MIGRATION.encrypt_bank_accounts)
    assert BankAccount.objects.get(worker=current).holder_kana == "ﾔﾏﾀﾞ ﾊﾅｺ"


def test_a_token_under_an_unknown_key_is_not_encrypted_again(make):
    worker = make.active_worker()
    stranger = Fernet(Fernet.generate_key()).encrypt(b"1234567").decode()
    _insert_plain(worker.pk, stranger, "ﾔﾏﾀﾞ")
    with pytest.raises(RuntimeError, match="cannot decrypt"):
        _data_step(MIGRATION.encrypt_bank_accounts)


def test_the_migration_backwards_and_forwards_on_the_region(make, settings):
    """The real migration on region alpha's schema (undone with the test's transaction)."""
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    worker = make.active_worker()
    _account(worker)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending triggers for ALTER TABLE

    executor = MigrationExecutor(connection)
    executor.migrate([("payouts", "0004_transfer_file")])
    assert _raw(worker.pk) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, character_maximum_length FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'payouts_bankaccount'"
            " AND column_name IN ('account_number', 'holder_kana') ORDER BY column_name"
        )
        assert cursor.fetchall() == [("account_number", 7), ("holder_kana", 60)]

    executor = MigrationExecutor(connection)
    executor.migrate([("payouts", "0005_bank_account_encrypted")])
    number, holder = _raw(worker.pk)
    assert (_decrypt(key, number), _decrypt(key, holder)) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")
    account = BankAccount.objects.get(worker=worker)
    assert (account.account_number, account.holder_kana) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")


@pytest.fixture
def remitter(alpha, admin):
    return payout_settings_update(
        principal_name="一般財団法人 アルファ市振興公社",
        remitter_code="1234567890",
        remitter_name_kana="ザイ）アルファシシンコウコウシャ",
        bank_code="0001",
        branch_code="001",
        account_type="1",
        account_number="1234567",
        acting_user=admin,
    )


def test_the_zengin_file_carries_the_number_and_holder(make, admin, remitter):
    worker = make.active_worker(hourly_rate=1_200)
    entry = worklog_record(
        assignment=make.assignment(worker=worker),
        work_date=datetime.date(2024, 2, 14),
        minutes=600,
    )
    worklog_approve(work_log=entry, acting_user=admin)
    _account(worker)
    statement = next(
        s
        for s in payout_statements_generate(month=MONTH, acting_user=admin, today=TODAY)
        if s.worker_id == worker.pk
    )
    statement = payout_statement_approve(statement=statement, acting_user=admin)

    content = zengin_export(
        statements=[statement], transfer_date=TRANSFER, acting_user=admin, today=TODAY
    ).content
    [row] = zengin.parse_file(content).data
    assert (row["bank_code"], row["branch_code"], row["account_number"]) == (
        "0005",
        "001",
        "0765432",
    )
    assert row["payee_name"].rstrip() == "ﾔﾏﾀﾞ ﾊﾅｺ"
    assert row["amount"] == "0000012000"  # 10 hours at 1,200 yen, nothing withheld
    data = content[122:242]
    assert data[43:50] == b"0765432"  # 44-50 口座番号
    assert data[50:80].decode("cp932") == "ﾔﾏﾀﾞ ﾊﾅｺ".ljust(30)  # 51-80 受取人名


def test_reencrypt_under_a_rotated_key_keeps_them_readable(make, settings):
    seeded = list(settings.FIELD_ENCRYPTION_KEYS)
    worker = make.active_worker()
    _account(worker)
    number, _holder = _raw(worker.pk)
    assert _decrypt(seeded[0], number) == "0765432"

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *seeded]
    out = io.StringIO()
    call_command("keys", "reencrypt", "--region", "alpha", stdout=out, stderr=io.StringIO())
    assert "Re-encrypted" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    number, holder = _raw(worker.pk)
    assert (_decrypt(new_key, number), _decrypt(new_key, holder)) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")
    for token in (number, holder):
        with pytest.raises(InvalidToken):
            Fernet(seeded[0]).decrypt(token.encode())
    account = BankAccount.objects.get(worker=worker)
    assert (account.account_number, account.holder_kana) == ("0765432", "ﾔﾏﾀﾞ ﾊﾅｺ")
