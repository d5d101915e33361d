"""Statutory retirement age by birth month, from the reform schedule held as data.

Months are counted as ``year * 12 + (month - 1)`` ("month index"), so a birth in
1965-08 is 23587. For a group with old age A years, first delayed birth month F,
step s and cap c:

    m     = birth - F                                  (months)
    delay = min(floor(m / s) + 1, c)   if m >= 0, else 0
    age   = 12 A + delay                               (months)
    month = birth + age                                (month index the age is reached)
    min_years = minimum contribution years in force in the year of ``month``

With ``reform: false`` every birth gets ``delay = 0`` and the minimum in force the day
before the reform took effect.
"""

from __future__ import annotations

import numpy as np

from simulator.scenario.schema import Retirement


def month_index(year: int | np.ndarray, month: int | np.ndarray = 1) -> np.ndarray:
    """``year * 12 + month - 1``; inverse of :func:`year_month`."""
    return np.asarray(year, dtype=np.int64) * 12 + np.asarray(month, dtype=np.int64) - 1


def year_month(index: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(year, month 1..12) of a month index."""
    index = np.asarray(index, dtype=np.int64)
    return index // 12, index % 12 + 1


def parse_month(text: str) -> int:
    """``"1965-08"`` -> month index; raises ValueError on anything else."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise ValueError(f"bad month {text!r} (expected YYYY-MM)")
    return int(month_index(int(parts[0]), int(parts[1])))


def retirement_age_months(policy: Retirement, group: str, birth: np.ndarray) -> np.ndarray:
    """Statutory retirement age in months for birth month indices ``birth`` of ``group``."""
    g = policy.groups[group]
    birth = np.asarray(birth, dtype=np.int64)
    base = 12 * g.old_age
    if not policy.reform:
        return np.full(birth.shape, base, dtype=np.int64)
    m = birth - parse_month(g.first_delayed_birth)
    delay = np.where(m >= 0, np.minimum(m // g.step_months + 1, g.cap_months), 0)
    return base + delay


def min_contribution_years(policy: Retirement, retirement_month: np.ndarray) -> np.ndarray:
    """Minimum contribution years for a monthly pension, by month index of retirement."""
    retirement_month = np.asarray(retirement_month, dtype=np.int64)
    if not policy.reform:
        return np.full(retirement_month.shape, policy.min_years_before_reform(), dtype=float)
    dates = np.array([month_index(d.year, d.month) for d, _ in policy.min_contribution_years.values])
    values = np.array([v for _, v in policy.min_contribution_years.values])
    pos = np.searchsorted(dates, retirement_month, side="right") - 1
    return values[np.clip(pos, 0, len(values) - 1)]


def statutory_retirement(policy: Retirement, group: str, birth: np.ndarray) -> dict[str, np.ndarray]:
    """Age (months), month reached (index) and minimum years, for each birth month index."""
    age = retirement_age_months(policy, group, birth)
    month = np.asarray(birth, dtype=np.int64) + age
    return {"age_months": age, "month": month, "min_years": min_contribution_years(policy, month)}


def flexible_window(policy: Retirement, group: str, birth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Earliest and latest claim ages in months (early never below the old age)."""
    age = retirement_age_months(policy, group, birth)
    old = 12 * policy.groups[group].old_age
    flex = policy.flexible
    early = np.maximum(age - flex.max_early_months, old) if policy.reform else age
    late = age + flex.max_late_months if policy.reform else age
    return early, late


def cohort_retirement(
    policy: Retirement,
    group: str,
    birth_years: np.ndarray,
    years: np.ndarray,
    early_share: float = 0.0,
    early_months: int = 0,
    late_share: float = 0.0,
    late_months: int = 0,
    special_share: float | dict[int, float] = 0.0,
    special_months: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Share of each birth-year cohort that has reached its claim age by the end of each year,
    and the mean claim age (years) of those reaching it during the year.

    Births are spread evenly over the 12 months. A share ``early_share`` claims
    ``early_months`` before the statutory age (never below the old age, only when the reform
    is on) and ``late_share`` claims ``late_months`` after it (reform only). A share
    ``special_share`` retires ``special_months`` before the old age under the special rules
    (arduous or hazardous jobs, illness: 国发〔1978〕104号; kept by the 2024 reform), reform or not; given as
    ``{birth year: share}`` knots it varies by cohort (straight lines between the knots, flat outside).
    Returns ``reached[c, y]`` and ``mean_age[c, y]`` (NaN where nobody reaches it in y).
    """
    births = month_index(np.asarray(birth_years)[:, None], np.arange(1, 13)[None, :])  # (C, 12)
    statutory = retirement_age_months(policy, group, births)
    old = 12 * policy.groups[group].old_age
    special = special_share
    if isinstance(special_share, dict):
        special = np.interp(np.asarray(birth_years, dtype=float), list(special_share), list(special_share.values()))[:, None]
    variants = [(1.0 - early_share - late_share - special, statutory)]
    if np.any(np.asarray(special) > 0):
        variants.append((special, np.full_like(statutory, old - special_months)))
    if policy.reform:
        variants += [
            (early_share, np.maximum(statutory - min(early_months, policy.flexible.max_early_months), old)),
            (late_share, statutory + min(late_months, policy.flexible.max_late_months)),
        ]
    year_end = month_index(np.asarray(years), 12)  # (Y,)
    reached = np.zeros((len(birth_years), len(years)))
    age_sum = np.zeros_like(reached)
    weight_sum = np.zeros_like(reached)
    for share, age in variants:
        if np.all(np.asarray(share) <= 0):
            continue
        claim = births + age  # (C, 12)
        done = claim[:, :, None] <= year_end[None, None, :]  # (C, 12, Y)
        reached += share * done.mean(axis=1)
        claim_year = (claim // 12)[:, :, None] == np.asarray(years)[None, None, :]
        age_sum += share * (claim_year * age[:, :, None]).sum(axis=1)
        weight_sum += share * claim_year.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_age = np.where(weight_sum > 0, age_sum / weight_sum / 12.0, np.nan)
    return reached, mean_age


def reached_by_age(
    policy: Retirement, group: str, years: np.ndarray, ages: np.ndarray, **flexible: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cohort_retirement` read by cell: ``reached[y, a]`` and ``mean_age[y, a]`` of the
    cohort aged ``a`` at the end of year ``y`` (born in ``y - a``)."""
    years = np.asarray(years)
    births = np.arange(years[0] - ages[-1], years[-1] + 1)
    done, mean_age = cohort_retirement(policy, group, births, years, **flexible)
    cohort = years[:, None] - ages[None, :] - births[0]
    row = np.arange(len(years))[:, None]
    return done[cohort, row], mean_age[cohort, row]


def cohort_hazard(reached: np.ndarray) -> np.ndarray:
    """Share of each cell's cohort reaching its claim age during the year, among those not past it
    a year earlier: ``(R[t, a] - R[t-1, a-1]) / (1 - R[t-1, a-1])``, 1 where the whole cohort was
    already past it. ``reached[y, ..., a]`` starts one year early; the result drops that year."""
    now = reached[1:]
    before = np.zeros_like(now)  # the same cohort a year earlier: age a - 1 in year t - 1
    before[..., 1:] = reached[:-1, ..., :-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        hazard = np.where(before >= 1.0 - 1e-12, 1.0, (now - before) / (1.0 - before))
    return np.clip(hazard, 0.0, 1.0)
