"""Consumption tax of a qualified invoice (適格請求書): rounded ONCE per invoice per rate.

The law (消費税法施行令 第70条の10) allows one rounding per rate per invoice, never one
per line: three lines of 105 yen at 10% are 315 yen taxable, 31.5 → 31 yen tax (floor),
whereas rounding each line would give 10 + 10 + 10 = 30. Amounts are integer yen; the
rate math alone uses Decimal, with the rounding said explicitly. A credit note's negative
amounts are rounded on their absolute value, so a full credit mirrors the invoice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from kado_tenants.invoicing.choices import TaxRate, TaxRounding

_ROUNDING = {
    TaxRounding.FLOOR: ROUND_DOWN,
    TaxRounding.ROUND: ROUND_HALF_UP,
    TaxRounding.CEIL: ROUND_UP,
}


@dataclass(frozen=True)
class TaxSubtotal:
    rate: int  # percent
    taxable: int  # yen, tax excluded
    tax: int  # yen

    @property
    def total(self) -> int:
        return self.taxable + self.tax


def _whole_yen(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Money is integer yen, not {type(value).__name__}.")
    return value


def tax_on(taxable: int, rate: int, rounding: str = TaxRounding.FLOOR) -> int:
    """The tax on one rate's taxable total, rounded once to whole yen."""
    taxable = _whole_yen(taxable)
    if rate not in TaxRate.values:
        raise ValueError(f"Unknown tax rate {rate!r}.")
    exact = Decimal(abs(taxable)) * Decimal(rate) / Decimal(100)
    tax = int(exact.quantize(Decimal(1), rounding=_ROUNDING[TaxRounding(rounding)]))
    return -tax if taxable < 0 else tax


def tax_breakdown(
    lines: Iterable[tuple[int, int]], rounding: str = TaxRounding.FLOOR
) -> list[TaxSubtotal]:
    """Per-rate subtotals of `(amount, rate)` lines, highest rate first."""
    taxable: dict[int, int] = {}
    for amount, rate in lines:
        taxable[rate] = taxable.get(rate, 0) + _whole_yen(amount)
    return [
        TaxSubtotal(rate=rate, taxable=amount, tax=tax_on(amount, rate, rounding))
        for rate, amount in sorted(taxable.items(), reverse=True)
    ]
