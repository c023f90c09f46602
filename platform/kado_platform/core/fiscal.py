"""The Japanese fiscal year (年度): April to March, named by the year it starts in.

One home for both schemas: region code, the federation and the demo all count years here.
"""

import datetime


def fiscal_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day: FY2020 is 2020-04-01 .. 2021-03-31."""
    return datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)


def fiscal_year_months(fiscal_year: int) -> list[datetime.date]:
    return [
        datetime.date(fiscal_year + (month < 4), month, 1)
        for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
    ]
