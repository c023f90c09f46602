"""How much work each region receives, per fiscal year and category: pure arithmetic.

The plan has no randomness: a region's yearly budget depends only on the catalog and the
scale, so building one region alone gives it the same budget as building all twelve.
Each split uses the largest-remainder method, so the parts add up to the whole, to the yen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from kado_platform.core.fiscal import fiscal_year_bounds, fiscal_year_of  # noqa: F401 (re-exported)
from kado_platform.demo.catalog import (
    CATEGORIES,
    FISCAL_YEAR_TARGETS,
    FISCAL_YEARS,
    REGIONS,
    RegionSpec,
)


def wareki_fiscal_year(fiscal_year: int) -> str:
    """令和5年度 for FY2023, 令和元年度 for FY2019, 平成30年度 for FY2018."""
    if fiscal_year >= 2019:
        number = fiscal_year - 2018
        return f"令和{'元' if number == 1 else number}年度"
    return f"平成{fiscal_year - 1988}年度"


def split_largest_remainder(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Integer parts of `total` proportional to `weights`, adding up to `total` exactly."""
    positive = {key: weight for key, weight in weights.items() if weight > 0}
    if total <= 0 or not positive:
        return dict.fromkeys(weights, 0)
    weight_sum = sum(positive.values())
    exact = {key: total * weight / weight_sum for key, weight in positive.items()}
    parts = {key: math.floor(value) for key, value in exact.items()}
    short = total - sum(parts.values())
    # Ties broken by key, so the split never depends on dict order.
    by_remainder = sorted(positive, key=lambda key: (-(exact[key] - parts[key]), key))
    for key in by_remainder[:short]:
        parts[key] += 1
    return {key: parts.get(key, 0) for key in weights}


def fiscal_year_targets(*, scale: float = 1.0) -> dict[int, int]:
    """The federation's order volume per fiscal year (yen), following the seed's curve."""
    return {year: round(amount * scale) for year, amount in FISCAL_YEAR_TARGETS.items()}


def region_weight_in_year(spec: RegionSpec, fiscal_year: int) -> float:
    """A region's share weight in a year: zero before it joined, prorated in the year it did."""
    start, end = fiscal_year_bounds(fiscal_year)
    if spec.joined_on > end:
        return 0.0
    if spec.joined_on <= start:
        return spec.share_weight
    days_in = (end - spec.joined_on).days + 1
    return spec.share_weight * days_in / ((end - start).days + 1)


def category_weights(fiscal_year: int) -> dict[str, int]:
    index = FISCAL_YEARS.index(fiscal_year)
    return {spec.category: spec.weights[index] for spec in CATEGORIES}


def plan_yearly_amounts(
    *, scale: float = 1.0, regions: Iterable[RegionSpec] = REGIONS
) -> dict[str, dict[int, dict[str, int]]]:
    """{region code: {fiscal year: {category: yen}}} for the whole federation's curve.

    The federation's target of each year is split over the regions that had joined (by
    teleworkers, the hub weighted 1.2x), then each region's part over the categories of
    that year. Summed over all twelve regions, every year equals its target exactly.
    `regions` narrows the result to some regions; their parts do not change.
    """
    wanted = [spec.code for spec in regions]
    plan: dict[str, dict[int, dict[str, int]]] = {code: {} for code in wanted}
    for fiscal_year, target in fiscal_year_targets(scale=scale).items():
        by_region = split_largest_remainder(
            target, {spec.code: region_weight_in_year(spec, fiscal_year) for spec in REGIONS}
        )
        weights = category_weights(fiscal_year)
        for code in wanted:
            plan[code][fiscal_year] = split_largest_remainder(by_region[code], weights)
    return plan


def plan_totals_by_year(plan: Mapping[str, Mapping[int, Mapping[str, int]]]) -> dict[int, int]:
    totals = dict.fromkeys(FISCAL_YEARS, 0)
    for years in plan.values():
        for fiscal_year, categories in years.items():
            totals[fiscal_year] += sum(categories.values())
    return totals
