"""Zengin 総合振込 files: half-width kana, the bank master, and a file read back field by
field (120-byte records, Shift_JIS, header / data / trailer / end, count and total)."""

from __future__ import annotations

import datetime

import pytest

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_tenants.orders.services import worklog_approve, worklog_record
from kado_tenants.payouts import zengin
from kado_tenants.payouts.kana import KanaError, to_zengin_kana
from kado_tenants.payouts.models import BankAccount, TransferBatch, TransferItem
from kado_tenants.payouts.services import (
    bank_account_set,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
    zengin_export,
)

MAY = datetime.date(2023, 5, 1)
TODAY = datetime.date(2023, 6, 20)
TRANSFER = datetime.date(2023, 6, 30)


# --- kana --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zengin_form"),
    [
        ("ガッコウ", "ｶﾞﾂｺｳ"),  # small ッ → ﾂ, dakuten kept as its own byte
        ("がっこう", "ｶﾞﾂｺｳ"),  # hiragana too
        ("ｶﾞｯｺｳ", "ｶﾞﾂｺｳ"),  # already half-width, small kana still made full-size
        ("キャノン", "ｷﾔﾉﾝ"),
        ("ジョウホウ", "ｼﾞﾖｳﾎｳ"),
        ("パピプペポ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"),
        ("ヴァイオリン", "ｳﾞｱｲｵﾘﾝ"),
        ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # ideographic space → one space
        ("スミス・ジョン", "ｽﾐｽ.ｼﾞﾖﾝ"),
        ("カ）ケイエー", "ｶ)ｹｲｴ-"),
        ("abc（１２３）", "ABC(123)"),
    ],
)
def test_names_become_zengin_half_width_kana(typed, zengin_form):
    assert to_zengin_kana(typed) == zengin_form


@pytest.mark.parametrize(("typed", "bad"), [("山田", "山"), ("ハナコ😀", "😀"), ("ﾀﾛｳ@", "@")])
def test_unconvertible_characters_are_named(typed, bad):
    with pytest.raises(KanaError) as info:
        to_zengin_kana(typed)
    assert info.value.char == bad


def test_long_names_are_cut_to_the_field():
    assert to_zengin_kana("ア" * 40, max_length=30) == "ｱ" * 30


# --- a region ready to pay ---------------------------------------------------------------


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


def approved_statement(make, admin, *, hourly_rate=1_200, minutes=600, kana="ヤマダ ハナコ"):
    worker = make.active_worker(hourly_rate=hourly_rate)
    assignment = make.assignment(worker=worker)
    entry = worklog_record(
        assignment=assignment, work_date=datetime.date(2023, 5, 15), minutes=minutes
    )
    worklog_approve(work_log=entry, acting_user=admin)
    bank_account_set(
        worker=worker,
        bank_code="0005",
        branch_code="001",
        account_type="1",
        account_number="765432",  # padded to 0765432
        holder_kana=kana,
        acting_user=admin,
    )
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    return payout_statement_approve(statement=statement, acting_user=admin)


# --- the file, read back ------------------------------------------------------------------


def test_zengin_file_read_back_field_by_field(make, admin, remitter):
    first = approved_statement(make, admin, hourly_rate=1_200, minutes=600, kana="ヤマダ ハナコ")
    second = approved_statement(make, admin, hourly_rate=1_500, minutes=125, kana="がっこう")

    export = zengin_export(
        statements=[first, second], transfer_date=TRANSFER, acting_user=admin, today=TODAY
    )
    content = export.content

    # Records: 120 bytes + CR LF each, five of them, all Shift_JIS (cp932).
    assert len(content) == 5 * 122
    raw = [content[i : i + 122] for i in range(0, len(content), 122)]
    assert all(record.endswith(b"\r\n") and len(record[:120]) == 120 for record in raw)
    content.decode("cp932")
    assert [record[:1] for record in raw] == [b"1", b"2", b"2", b"8", b"9"]

    # The header, at the positions of the 全銀協 layout (1-based columns in comments).
    header = raw[0][:120]
    assert header[1:3] == b"21"  # 2-3 種別コード 総合振込
    assert header[3:4] == b"0"  # 4 コード区分 JIS
    assert header[4:14] == b"1234567890"  # 5-14 振込依頼人コード
    assert header[14:54].decode("cp932") == "ｻﾞｲ)ｱﾙﾌｱｼｼﾝｺｳｺｳｼﾔ".ljust(40)  # 15-54
    assert header[54:58] == b"0630"  # 55-58 振込指定日 MMDD
    assert header[58:62] == b"0001"  # 59-62 仕向銀行番号
    assert header[62:77].decode("cp932") == "ﾐｽﾞﾎ".ljust(15)  # 63-77 仕向銀行名
    assert header[77:80] == b"001"  # 78-80 仕向支店番号
    assert header[80:95].decode("cp932") == "ﾄｳｷﾖｳ".ljust(15)  # 81-95 仕向支店名
    assert header[95:96] == b"1"  # 96 預金種目
    assert header[96:103] == b"1234567"  # 97-103 口座番号
    assert header[103:120] == b" " * 17  # 104-120 ダミー

    data = raw[1][:120]
    assert data[1:5] == b"0005"  # 2-5 被仕向銀行番号
    assert data[5:20].decode("cp932") == "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ"[:15].ljust(15)  # 6-20
    assert data[20:23] == b"001"  # 21-23 被仕向支店番号
    assert data[23:38].decode("cp932") == "ﾎﾝﾃﾝ".ljust(15)  # 24-38
    assert data[38:42] == b"0000"  # 39-42 手形交換所番号 (unused)
    assert data[42:43] == b"1"  # 43 預金種目
    assert data[43:50] == b"0765432"  # 44-50 口座番号
    assert data[50:80].decode("cp932") == "ﾔﾏﾀﾞ ﾊﾅｺ".ljust(30)  # 51-80 受取人名
    assert data[80:90] == f"{first.net_amount:010d}".encode()  # 81-90 振込金額
    assert data[90:91] == b"0"  # 91 新規コード
    assert data[91:101] == f"{first.pk:010d}".encode()  # 92-101 顧客コード1
    assert data[101:111] == f"{first.worker_id:010d}".encode()  # 102-111 顧客コード2
    assert data[111:112] == b"7"  # 112 振込指定区分 電信
    assert data[112:120] == b" " * 8  # 113 識別表示, 114-120 ダミー
    assert raw[2][50:80].decode("cp932").rstrip() == "ｶﾞﾂｺｳ"

    # The module's own parser agrees, and the trailer adds up to the statements.
    parsed = zengin.parse_file(content)
    assert parsed.separator == "crlf"
    assert [row["amount"] for row in parsed.data] == [
        f"{first.net_amount:010d}",
        f"{second.net_amount:010d}",
    ]
    assert int(parsed.trailer["count"]) == 2 == export.count
    total = first.net_amount + second.net_amount
    assert int(parsed.trailer["total"]) == total == export.total
    assert raw[3][1:7] == b"000002" and raw[3][7:19] == f"{total:012d}".encode()
    assert raw[4][1:120] == b" " * 119
    # Fees are borne by the payer: each transfer is the statement's net payment.
    assert (first.net_amount, second.net_amount) == (12_000, 3_125)

    batch = TransferBatch.objects.get()
    assert (batch.count, batch.total, batch.transfer_date) == (2, total, TRANSFER)
    assert export.filename.endswith(".txt") and "20230630" in export.filename
    audit = AuditEntry.objects.filter(action="zengin.export").latest("id")
    assert audit.changes["total"] == total
    for secret in ("0765432", "1234567", "ﾔﾏﾀﾞ", "ヤマダ", "1234567890"):
        assert secret not in str(audit.changes)


def test_records_back_to_back_when_the_bank_wants_no_separator(make, admin, remitter):
    payout_settings_update(record_separator="none", acting_user=admin)
    statement = approved_statement(make, admin)
    content = zengin_export(statements=[statement], transfer_date=TRANSFER, today=TODAY).content
    assert len(content) == 4 * 120 and b"\r\n" not in content
    assert zengin.parse_file(content).separator == "none"


def test_a_statement_is_transferred_once(make, admin, remitter):
    statement = approved_statement(make, admin)
    zengin_export(statements=[statement], transfer_date=TRANSFER, today=TODAY)
    with pytest.raises(DomainError) as info:
        zengin_export(statements=[statement], transfer_date=TRANSFER, today=TODAY)
    assert info.value.code == "statement_already_transferred"
    assert TransferItem.objects.count() == 1


def test_only_approved_statements_and_future_dates(make, admin, remitter):
    worker = make.active_worker()
    assignment = make.assignment(worker=worker)
    entry = worklog_record(assignment=assignment, work_date=datetime.date(2023, 5, 15), minutes=60)
    worklog_approve(work_log=entry, acting_user=admin)
    [draft] = payout_statements_generate(month=MAY, acting_user=admin)
    with pytest.raises(DomainError) as info:
        zengin_export(statements=[draft], transfer_date=TRANSFER, today=TODAY)
    assert info.value.code == "statement_not_approved"
    with pytest.raises(DomainError) as info:
        zengin_export(statements=[draft], transfer_date=datetime.date(2023, 6, 1), today=TODAY)
    assert info.value.code == "transfer_date_past"
    assert TransferBatch.objects.count() == 0


def test_remitter_details_are_required(make, admin, alpha):
    statement = approved_statement(make, admin)
    with pytest.raises(DomainError) as info:
        zengin_export(statements=[statement], transfer_date=TRANSFER, today=TODAY)
    assert (info.value.code, info.value.field) == ("remitter_incomplete", "settings")


# --- refusals naming the worker ----------------------------------------------------------


def test_unknown_bank_and_branch_codes_are_refused(make, admin):
    worker = make.active_worker()
    for bank, branch, code in (("9998", "001", "bank_unknown"), ("0001", "999", "branch_unknown")):
        with pytest.raises(DomainError) as info:
            bank_account_set(
                worker=worker,
                bank_code=bank,
                branch_code=branch,
                account_number="1234567",
                holder_kana="シオジリ ハナコ",
            )
        assert info.value.code == code
        assert worker.name in info.value.message
    with pytest.raises(DomainError) as info:
        bank_account_set(
            worker=worker,
            bank_code="12",
            branch_code="001",
            account_number="1",
            holder_kana="ア",
        )
    assert info.value.code == "bank_code_format"
    assert not BankAccount.objects.filter(worker=worker).exists()


def test_kanji_holder_name_is_refused_with_the_worker_named(make, admin):
    worker = make.active_worker(name="塩尻 花子")
    with pytest.raises(DomainError) as info:
        bank_account_set(
            worker=worker,
            bank_code="0001",
            branch_code="001",
            account_number="1234567",
            holder_kana="塩尻花子",
        )
    assert info.value.code == "kana_invalid"
    assert "塩尻 花子" in info.value.message and "「塩」" in info.value.message
    assert not BankAccount.objects.filter(worker=worker).exists()


def test_export_refuses_a_stored_name_it_cannot_write(make, admin, remitter):
    statement = approved_statement(make, admin)
    # A row written around the service (an import, an old record): the export still checks.
    BankAccount.objects.filter(worker_id=statement.worker_id).update(holder_kana="ハナコ😀")
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        zengin_export(statements=[statement], transfer_date=TRANSFER, today=TODAY)
    assert info.value.code == "kana_invalid"
    assert statement.worker.name in info.value.message and "😀" in info.value.message
    assert TransferBatch.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_export_refuses_a_bank_the_master_does_not_list(make, admin, remitter):
    statement = approved_statement(make, admin)
    BankAccount.objects.filter(worker_id=statement.worker_id).update(bank_code="9998")
    with pytest.raises(DomainError) as info:
        zengin_export(statements=[statement], transfer_date=TRANSFER, today=TODAY)
    assert info.value.code == "bank_unknown" and statement.worker.name in info.value.message


def test_parser_rejects_a_bad_trailer():
    remitter = zengin.Remitter(
        code="1",
        name="ｶ)ﾃｽﾄ",
        bank_code="0001",
        bank_name="ﾐｽﾞﾎ",
        branch_code="001",
        branch_name="ﾄｳｷﾖｳ",
        account_type="1",
        account_number="1",
    )
    transfer = zengin.Transfer(
        bank_code="0001",
        bank_name="ﾐｽﾞﾎ",
        branch_code="001",
        branch_name="ﾄｳｷﾖｳ",
        account_type="1",
        account_number="1",
        payee_name="ﾃｽﾄ",
        amount=100,
    )
    content = zengin.build_file(
        remitter=remitter, transfer_date=TRANSFER, transfers=[transfer], separator="none"
    )
    tampered = content[:240] + b"8000001000000000101" + content[259:]
    with pytest.raises(zengin.ZenginFormatError):
        zengin.parse_file(tampered)
    with pytest.raises(zengin.ZenginFormatError):
        zengin.build_file(
            remitter=remitter,
            transfer_date=TRANSFER,
            separator="none",
            transfers=[zengin.Transfer(**{**transfer.__dict__, "amount": 0})],
        )


# --- statements that cannot be transferred ------------------------------------------------


def _export_refused(statements, code):
    before = (
        TransferBatch.objects.count(),
        TransferItem.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(DomainError) as info:
        zengin_export(statements=statements, transfer_date=TRANSFER, today=TODAY)
    assert (info.value.code, info.value.field) == (code, "statement_ids")
    after = (
        TransferBatch.objects.count(),
        TransferItem.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before
    return info.value


def test_export_refuses_a_worker_without_a_bank_account(make, admin, remitter):
    payable = approved_statement(make, admin)
    worker = make.active_worker(name="塩尻 口座なし")
    assignment = make.assignment(worker=worker)
    entry = worklog_record(assignment=assignment, work_date=datetime.date(2023, 5, 15), minutes=60)
    worklog_approve(work_log=entry, acting_user=admin)
    [statement] = payout_statements_generate(month=MAY, acting_user=admin)
    payout_statement_approve(statement=statement, acting_user=admin)
    assert statement.net_amount == 1_000

    error = _export_refused([payable, statement], "bank_account_missing")
    assert "塩尻 口座なし" in error.message
    assert zengin_export(statements=[payable], transfer_date=TRANSFER, today=TODAY).count == 1


def test_export_refuses_a_statement_paying_nothing(make, admin, remitter):
    payable = approved_statement(make, admin)
    nothing = approved_statement(make, admin, hourly_rate=1, minutes=1)  # 1/60 yen, floored
    assert (nothing.status, nothing.net_amount) == ("approved", 0)

    error = _export_refused([payable, nothing], "amount_zero")
    assert nothing.worker.name in error.message
    assert zengin_export(statements=[payable], transfer_date=TRANSFER, today=TODAY).count == 1
