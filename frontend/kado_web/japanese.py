"""Japanese labels for fiscal years (年度) and yen, shared by the pages and the exports.

A fiscal year runs April to March and is named by the year it starts in. Its era label is
the era in force for most of it: FY2019 began on 2019-04-01 under Heisei, but the era
changed on 2019-05-01 and FY2019 is conventionally 令和元年度. Likewise FY1989 is 平成元年度.
The first year of an era is 元 (gan), not 1.
"""

from __future__ import annotations

from django.utils.translation import get_language

# (first fiscal year named in the era, the era's first calendar year, Japanese, English)
ERAS: tuple[tuple[int, int, str, str], ...] = (
    (2019, 2019, "令和", "Reiwa"),
    (1989, 1989, "平成", "Heisei"),
    (1927, 1926, "昭和", "Shōwa"),
)


def _is_japanese(language: str | None) -> bool:
    return (language or get_language() or "ja").startswith("ja")


def era_of_fiscal_year(fiscal_year: int) -> tuple[str, str, int]:
    """(Japanese era name, English era name, year in the era) of a fiscal year."""
    year = int(fiscal_year)
    for first_fiscal_year, era_start, name_ja, name_en in ERAS:
        if year >= first_fiscal_year:
            return name_ja, name_en, year - era_start + 1
    raise ValueError(f"No era label for fiscal year {fiscal_year} (before 1927).")


def era_label(fiscal_year: int, language: str | None = None) -> str:
    """2020 → 令和2年度 (Reiwa 2 in English); 2019 → 令和元年度; 2015 → 平成27年度."""
    name_ja, name_en, number = era_of_fiscal_year(fiscal_year)
    if _is_japanese(language):
        return f"{name_ja}{'元' if number == 1 else number}年度"
    return f"{name_en} {number}"


def fiscal_year_label(fiscal_year: int, language: str | None = None) -> str:
    """2020 → 2020年度（令和2年度）, or FY2020 (Reiwa 2) in English."""
    year = int(fiscal_year)
    if _is_japanese(language):
        return f"{year}年度（{era_label(year, 'ja')}）"
    return f"FY{year} ({era_label(year, 'en')})"


def yen_label(amount: int, language: str | None = None) -> str:
    """1234 → 1,234円 (Japanese) or ¥1,234 (English). Money is whole yen only."""
    text = f"{int(amount):,}"
    return f"{text}円" if _is_japanese(language) else f"¥{text}"
