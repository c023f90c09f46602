"""The money rules of a payout, as pure integer functions (whole yen, no float).

Rounding, defined once here and stated on every statement:

- Hourly pay: each line of a statement is one order's approved minutes in the month at one
  hourly rate; its amount is ``rate × minutes // 60``: the minutes are summed first and
  the yen floored once per line (never per work log), so at most 59/60 yen per line is
  dropped. The 3条 notice states this computation.
- Per-deliverable pay: ``unit price × quantity``, exact.
- Consumption tax (registered workers only, those with a T-number): 10% of the statement's
  tax-exclusive fee, floored once per statement (消費税法; one rounding per document per
  rate, as the qualified-invoice rules ask).
- Withholding income tax (源泉徴収, 所得税法 第204条第1項, 第205条 with the 2.1% 復興特別所得税
  of 復興財源確保法 第28条): per payment (one statement), on the part of the fee earned
  in categories the region marks as withholding: 10.21% of the base up to 1,000,000 yen,
  20.42% of the excess, fractions under 1 yen floored
  (``(base − 1,000,000) × 20.42% + 102,100``).
- The base is the tax-EXCLUSIVE fee. National Tax Agency circular 平成元年1月30日
  直法6-1「消費税法等の施行に伴う源泉所得税の取扱いについて」: when the invoice or
  statement shows the consumption tax clearly separated from the fee, withholding may be
  computed on the fee alone. Our statements always show it separately, so the consumption
  tax is never part of the base. (An unregistered worker is shown no consumption tax; the
  base is the fee paid.)
- Net payment = fee + consumption tax − withholding; it is what the Zengin file transfers
  (the foundation bears the bank fee).

Rates are integers per ten thousand, so every product is exact and ``//`` floors it.
"""

from __future__ import annotations

import datetime

WITHHOLDING_THRESHOLD = 1_000_000
WITHHOLDING_LOW_PER_10K = 1021  # 10.21%
WITHHOLDING_HIGH_PER_10K = 2042  # 20.42%
CONSUMPTION_TAX_PERCENT = 10
# Freelance Act art. 4(1): payment within 60 days counted from the day of receipt (that
# day is day 1), so the last allowed date is receipt + 59 days.
PAYMENT_PERIOD_DAYS = 60
# The day the Freelance Act came into force: work commissioned from then on needs its
# 3条通知 before it starts; earlier commissions are not covered (附則第1条).
FREELANCE_ACT_IN_FORCE = datetime.date(2024, 11, 1)
AT_RISK_DAYS = 7


def _whole(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (yen or minutes), not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
    return value


def hourly_amount(rate: int, minutes: int) -> int:
    """Yen for `minutes` at `rate` yen per hour: one floor, after the minutes are summed."""
    return _whole(rate, "rate") * _whole(minutes, "minutes") // 60


def consumption_tax(fee: int) -> int:
    """10% of the tax-exclusive fee, floored once."""
    return _whole(fee, "fee") * CONSUMPTION_TAX_PERCENT // 100


def withholding_tax(base: int) -> int:
    """源泉徴収税額 on one payment: 10.21% up to 1,000,000 yen, 20.42% of the excess.

    >>> withholding_tax(1_000_000), withholding_tax(1_500_000), withholding_tax(9_999)
    (102100, 204200, 1020)
    """
    base = _whole(base, "base")
    if base <= WITHHOLDING_THRESHOLD:
        return base * WITHHOLDING_LOW_PER_10K // 10_000
    low = WITHHOLDING_THRESHOLD * WITHHOLDING_LOW_PER_10K // 10_000
    return low + (base - WITHHOLDING_THRESHOLD) * WITHHOLDING_HIGH_PER_10K // 10_000


def payment_deadline(received_on: datetime.date) -> datetime.date:
    """The last payment date the Freelance Act allows for something received that day."""
    return received_on + datetime.timedelta(days=PAYMENT_PERIOD_DAYS - 1)


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int, *, on_day: int | None = None) -> datetime.date:
    """The same (or `on_day`) day `months` later, clamped to the end of that month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = datetime.date(year, month + 1, 1)
    last = month_bounds(first)[1]
    return first.replace(day=min(on_day or day.day, last.day))
