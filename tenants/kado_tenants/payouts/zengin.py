"""Zengin 総合振込 (bulk transfer) files: write them, and read them back.

Layout: 全国銀行協会 制定ファイルフォーマット【総合振込】(data transmission, JIS code,
120-byte fixed-length records; 122 with CR LF). Source consulted: the 全銀協制定ファイル
フォーマット【総合振込】 table as republished by banks for their EB services
(https://expydoc.com/doc/11700435/ "全銀協制定ファイルフォーマット【総合振込】"), cross-checked
with a bank's upload manual (信金中央金庫 全銀協規定形式,
https://www.chushin.co.jp/biz_web/Contents_bizsol/manual/bsl3002.html) and GMO あおぞら
ネット銀行's bulk-transfer API field notes. "N" fields are digits, right-justified and
zero-filled; "C" fields are half-width characters, left-justified and space-filled.

Header (データ区分 1), one per file::

    1  データ区分 N1 "1"          2  種別コード N2 "21" 総合振込   3  コード区分 N1 "0" JIS
    4  振込依頼人コード N10       5  振込依頼人名 C40           6  振込指定日 N4 MMDD
    7  仕向銀行番号 N4            8  仕向銀行名 C15             9  仕向支店番号 N3
    10 仕向支店名 C15             11 預金種目 N1 (1 普通 2 当座 9 その他)
    12 口座番号 N7                13 ダミー C17

Data (データ区分 2), one per transfer::

    1  データ区分 N1 "2"          2  被仕向銀行番号 N4          3  被仕向銀行名 C15
    4  被仕向支店番号 N3          5  被仕向支店名 C15
    6  手形交換所番号 N4 — unused; the 全銀協 table says 0 (banks also accept spaces)
    7  預金種目 N1 (1 普通 2 当座 4 貯蓄 9 その他)            8  口座番号 N7
    9  受取人名 C30               10 振込金額 N10
    11 新規コード N1 (0 その他, 1 第1回振込分, 2 変更分)
    12 顧客コード1 N10            13 顧客コード2 N10 (or EDI情報 C20 when 識別表示 is Y)
    14 振込指定区分 N1 (7 電信, 8 文書)                       15 識別表示 C1 (space or Y)
    16 ダミー C7

Trailer (8): 合計件数 N6, 合計金額 N12, ダミー C101. End (9): ダミー C119.

We write 顧客コード1 = the statement's id and 顧客コード2 = the worker's id (no names),
新規コード 0, 振込指定区分 7 (電信), 識別表示 space. The file is Shift_JIS (cp932); each
record is followed by CR LF or by nothing, as the region's bank wants.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from kado_tenants.payouts.kana import ALLOWED

RECORD_LENGTH = 120
ENCODING = "cp932"
SEPARATORS = {"crlf": b"\r\n", "none": b""}
MAX_AMOUNT = 9_999_999_999
MAX_TOTAL = 999_999_999_999
MAX_COUNT = 999_999

# (name, kind, length, fixed value or None)
HEADER = (
    ("data_type", "N", 1, "1"),
    ("kind_code", "N", 2, "21"),
    ("code_type", "N", 1, "0"),
    ("remitter_code", "N", 10, None),
    ("remitter_name", "C", 40, None),
    ("transfer_date", "N", 4, None),
    ("bank_code", "N", 4, None),
    ("bank_name", "C", 15, None),
    ("branch_code", "N", 3, None),
    ("branch_name", "C", 15, None),
    ("account_type", "N", 1, None),
    ("account_number", "N", 7, None),
    ("dummy", "C", 17, ""),
)
DATA = (
    ("data_type", "N", 1, "2"),
    ("bank_code", "N", 4, None),
    ("bank_name", "C", 15, None),
    ("branch_code", "N", 3, None),
    ("branch_name", "C", 15, None),
    ("clearing_house", "N", 4, "0000"),
    ("account_type", "N", 1, None),
    ("account_number", "N", 7, None),
    ("payee_name", "C", 30, None),
    ("amount", "N", 10, None),
    ("new_code", "N", 1, "0"),
    ("customer_code1", "N", 10, None),
    ("customer_code2", "N", 10, None),
    ("transfer_kind", "N", 1, "7"),
    ("edi_flag", "C", 1, ""),
    ("dummy", "C", 7, ""),
)
TRAILER = (
    ("data_type", "N", 1, "8"),
    ("count", "N", 6, None),
    ("total", "N", 12, None),
    ("dummy", "C", 101, ""),
)
END = (
    ("data_type", "N", 1, "9"),
    ("dummy", "C", 119, ""),
)
LAYOUTS = {"1": HEADER, "2": DATA, "8": TRAILER, "9": END}
for _layout in LAYOUTS.values():
    assert sum(length for _, _, length, _ in _layout) == RECORD_LENGTH


class ZenginFormatError(ValueError):
    """A value that does not fit its field; `field` names it."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Remitter:
    """振込依頼人: the region paying, with its bank account (names already in Zengin kana)."""

    code: str
    name: str
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str


@dataclass(frozen=True)
class Transfer:
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    payee_name: str
    amount: int
    customer_code1: int = 0
    customer_code2: int = 0


@dataclass
class ZenginFile:
    header: dict
    data: list[dict] = field(default_factory=list)
    trailer: dict = field(default_factory=dict)
    end: dict = field(default_factory=dict)
    separator: str = "none"


def _field(name: str, kind: str, length: int, value) -> str:
    text = str(value)
    if kind == "N":
        if not text.isascii() or not text.isdigit():
            raise ZenginFormatError(name, f"must be digits, not {text!r}")
        if len(text) > length:
            raise ZenginFormatError(name, f"has more than {length} digits")
        return text.rjust(length, "0")
    bad = [char for char in text if char not in ALLOWED]
    if bad:
        raise ZenginFormatError(name, f"holds {bad[0]!r}, outside the Zengin character set")
    return text[:length].ljust(length, " ")


def _record(layout, values: dict) -> bytes:
    text = "".join(
        _field(name, kind, length, fixed if fixed is not None else values[name])
        for name, kind, length, fixed in layout
    )
    encoded = text.encode(ENCODING)
    if len(encoded) != RECORD_LENGTH:  # pragma: no cover - guarded by the character set
        raise ZenginFormatError("record", f"is {len(encoded)} bytes, not {RECORD_LENGTH}")
    return encoded


def build_file(
    *,
    remitter: Remitter,
    transfer_date: datetime.date,
    transfers: list[Transfer],
    separator: str = "crlf",
) -> bytes:
    """The whole file: header, one data record per transfer, trailer and end."""
    if separator not in SEPARATORS:
        raise ZenginFormatError("separator", f"must be one of {sorted(SEPARATORS)}")
    if not transfers:
        raise ZenginFormatError("transfers", "a file needs at least one transfer")
    if len(transfers) > MAX_COUNT:
        raise ZenginFormatError("count", f"at most {MAX_COUNT} transfers per file")
    for transfer in transfers:
        if isinstance(transfer.amount, bool) or not isinstance(transfer.amount, int):
            raise ZenginFormatError("amount", "must be whole yen")
        if not 1 <= transfer.amount <= MAX_AMOUNT:
            raise ZenginFormatError("amount", f"must be 1 to {MAX_AMOUNT:,} yen")
    total = sum(transfer.amount for transfer in transfers)
    if total > MAX_TOTAL:
        raise ZenginFormatError("total", f"must be at most {MAX_TOTAL:,} yen")
    records = [
        _record(
            HEADER,
            {
                "remitter_code": remitter.code,
                "remitter_name": remitter.name,
                "transfer_date": transfer_date.strftime("%m%d"),
                "bank_code": remitter.bank_code,
                "bank_name": remitter.bank_name,
                "branch_code": remitter.branch_code,
                "branch_name": remitter.branch_name,
                "account_type": remitter.account_type,
                "account_number": remitter.account_number,
            },
        )
    ]
    for transfer in transfers:
        records.append(
            _record(
                DATA,
                {
                    "bank_code": transfer.bank_code,
                    "bank_name": transfer.bank_name,
                    "branch_code": transfer.branch_code,
                    "branch_name": transfer.branch_name,
                    "account_type": transfer.account_type,
                    "account_number": transfer.account_number,
                    "payee_name": transfer.payee_name,
                    "amount": transfer.amount,
                    "customer_code1": transfer.customer_code1,
                    "customer_code2": transfer.customer_code2,
                },
            )
        )
    records.append(_record(TRAILER, {"count": len(transfers), "total": total}))
    records.append(_record(END, {}))
    end = SEPARATORS[separator]
    return b"".join(record + end for record in records)


def split_records(data: bytes) -> tuple[list[bytes], str]:
    """The 120-byte records of a file, and the separator it uses."""
    if len(data) % (RECORD_LENGTH + 2) == 0 and data[RECORD_LENGTH : RECORD_LENGTH + 2] == (
        b"\r\n"
    ):
        size, separator = RECORD_LENGTH + 2, "crlf"
    elif len(data) % RECORD_LENGTH == 0:
        size, separator = RECORD_LENGTH, "none"
    else:
        raise ZenginFormatError("file", f"{len(data)} bytes is not a whole number of records")
    records = []
    for start in range(0, len(data), size):
        chunk = data[start : start + size]
        if separator == "crlf" and chunk[RECORD_LENGTH:] != b"\r\n":
            raise ZenginFormatError("file", f"record at byte {start} does not end in CR LF")
        records.append(chunk[:RECORD_LENGTH])
    return records, separator


def parse_record(record: bytes) -> dict:
    """The fields of one 120-byte record, by its データ区分: N as int, C stripped."""
    if len(record) != RECORD_LENGTH:
        raise ZenginFormatError("record", f"is {len(record)} bytes, not {RECORD_LENGTH}")
    layout = LAYOUTS.get(record[:1].decode("ascii", "replace"))
    if layout is None:
        raise ZenginFormatError("data_type", f"unknown record type {record[:1]!r}")
    values, position = {}, 0
    for name, kind, length, _fixed in layout:
        raw = record[position : position + length].decode(ENCODING)
        position += length
        if kind == "N":
            if not raw.isdigit():
                raise ZenginFormatError(name, f"is not digits: {raw!r}")
            values[name] = raw
        else:
            values[name] = raw.rstrip(" ")
    return values


def parse_file(data: bytes) -> ZenginFile:
    """Read a file back and check its shape, count and total."""
    records, separator = split_records(data)
    parsed = [parse_record(record) for record in records]
    kinds = "".join(record["data_type"] for record in parsed)
    if len(kinds) < 4 or kinds[0] != "1" or kinds[-2:] != "89" or set(kinds[1:-2]) != {"2"}:
        raise ZenginFormatError("file", f"records must be 1, 2…, 8, 9, not {kinds}")
    result = ZenginFile(
        header=parsed[0],
        data=parsed[1:-2],
        trailer=parsed[-2],
        end=parsed[-1],
        separator=separator,
    )
    if int(result.trailer["count"]) != len(result.data):
        raise ZenginFormatError("count", "the trailer's count differs from the data records")
    if int(result.trailer["total"]) != sum(int(row["amount"]) for row in result.data):
        raise ZenginFormatError("total", "the trailer's total differs from the data records")
    return result


@lru_cache(maxsize=1)
def _banks():
    from zengin_code import Bank  # loads the whole master (about 0.5 s), once

    return Bank.all


def bank_lookup(bank_code: str, branch_code: str | None = None):
    """(bank, branch) from the zengin-code master data; None for what it does not list."""
    bank = _banks().get(bank_code)
    if bank is None or branch_code is None:
        return bank, None
    return bank, bank.branches.get(branch_code)


def master_version() -> str:
    import zengin_code

    return zengin_code.__version__
