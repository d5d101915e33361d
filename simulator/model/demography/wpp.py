"""Mortality from UN WPP 2024: national central death rates by sex, single age and calendar year,
optionally moved to a region's level.

1. **Single ages.** For each sex and five-year period, ln m is a monotone cubic (PCHIP, Fritsch
   and Carlson 1980) s(x) through knots at the mid-ages c_i of the abridged groups (0: 0.5, 1-4: 3,
   5-9: 7.5, ..., 95-99: 97.5); the single-age rate is m(x) = exp(s(x + 1/2)), x = 0..99. The knot
   values are solved so that each group keeps its WPP rate as life-table deaths over person-years,
   which is how WPP's abridged rates are defined (fixed point, from y_i = ln m_i)::

       y_i <- y_i + ln(m_i / (sum_{x in i} m(x) L(x) / sum_{x in i} L(x)))

   with L(x) the person-years of the single-age table (a = 1/2). Age 0 is its own group, so
   m(0) = m_0. The open group keeps its rate: m(100) = m_100+, so e(100) = 1 / m_100+.
2. **Calendar years.** ln m is linear in time between the periods' midpoints (period 2020-2025 runs
   from 1 July 2020 to 30 June 2025: midpoint 2023.0) and a calendar year t is read at its middle,
   t + 0.5, so 2020 is the geometric mean of 2015-2020 and 2020-2025. Outside the first and last
   midpoints (1953.0, 2098.0) the nearest period's rates hold.
3. **Regional level** (optional). m_region = k m for every sex, age and year (proportional hazards).
   k solves, in the year Y of a published regional life expectancy e_R beside the national e_N
   of the same publication (the scenario's gap e_R - e_N; bisection, e0 falls as k rises), the
   change of the two sexes' mean e0::

       mean_s e0(k m[Y, s]) - mean_s e0(m[Y, s]) = e_R - e_N

   i.e. the published regional gap (both sexes) is carried onto the WPP level. k is then held for
   all years.

Units: m in deaths per person-year; arrays (year, sex, age) with sex 0 = male, age 0..100 (100+).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.interpolate import PchipInterpolator

from simulator.model.demography import data
from simulator.model.demography.lifetable import LifeTable, table_from_rates

FIRST_MIDPOINT_OFFSET = 3.0  # period start s -> midpoint s + 3.0 (1 July s + 2.5 years)
# Proportional hazard factors a regional level may take: up to 2 keeps every rate below 2 (the largest
# WPP rate is 1.0), where q = m / (1 + m/2) stays a probability, and reaches a gap of -5.58 years or
# more in every year 1950-2100 (the scenario allows -5..5).
FACTOR_RANGE = (0.1, 2.0)


def single_ages(lower: np.ndarray, m: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Single-age rates m[..., 0..100] from abridged rates ``m[..., group]`` with groups starting at
    ``lower`` (the last is open): the PCHIP of ln m, its knots solved so that each group's life-table
    deaths over its person-years, sum m(x) L(x) / sum L(x), equal the group's rate."""
    width = np.diff(lower)
    mid = lower[:-1] + width / 2.0
    group = np.searchsorted(lower, np.arange(lower[-1]), side="right") - 1
    members = group[:, None] == np.arange(len(width))  # (single age, group)
    target = np.log(m[..., :-1])
    knots = target.copy()
    ages = np.arange(lower[-1]) + 0.5
    for _ in range(200):
        single = np.exp(PchipInterpolator(mid, knots, axis=-1, extrapolate=True)(ages))
        L = _person_years(single)
        step = target - np.log((single * L) @ members / (L @ members))
        knots = knots + step
        if np.max(np.abs(step)) < tol:
            return np.concatenate([single, m[..., -1:]], axis=-1)
    raise ArithmeticError("single-age WPP rates did not converge")


def _person_years(m: np.ndarray) -> np.ndarray:
    """L(x) per one at birth from single-age rates, a(x) = 1/2: q = m / (1 + m/2), L = l(x) (1 - q/2)."""
    q = m / (1.0 + 0.5 * m)
    l = np.cumprod(np.concatenate([np.ones(m.shape[:-1] + (1,)), 1.0 - q[..., :-1]], axis=-1), axis=-1)
    return l * (1.0 - 0.5 * q)


@lru_cache(maxsize=1)
def _single_age_periods() -> tuple[np.ndarray, np.ndarray]:
    """(period midpoints (P,), ln m[sex, period, 0..100]) of the shipped WPP table."""
    starts, lower, m = data.wpp_death_rates()
    return starts + FIRST_MIDPOINT_OFFSET, np.log(single_ages(lower, m))


def national_rates(years: np.ndarray) -> np.ndarray:
    """m[year, sex, age] for calendar years ``years`` (log-linear between period midpoints)."""
    midpoints, log_m = _single_age_periods()
    t = np.clip(np.asarray(years, dtype=float) + 0.5, midpoints[0], midpoints[-1])
    right = np.clip(np.searchsorted(midpoints, t, side="right"), 1, len(midpoints) - 1)
    w = (t - midpoints[right - 1]) / (midpoints[right] - midpoints[right - 1])
    lo, hi = log_m[:, right - 1], log_m[:, right]  # (sex, year, age)
    return np.exp((1.0 - w)[None, :, None] * lo + w[None, :, None] * hi).transpose(1, 0, 2)


def level_factor(year: int, gap: float, tol: float = 1e-10) -> float:
    """Proportional hazard factor k that moves the mean of WPP's male and female e0 of ``year`` by
    ``gap`` years (a region's published e0 minus the nation's)."""
    rates = national_rates(np.array([year]))[0]

    def e0(k: float) -> float:
        return float(table_from_rates(k * rates).e(0).mean())

    target = e0(1.0) + gap
    lo, hi = FACTOR_RANGE
    reach = [e0(hi), e0(lo)]
    if not reach[0] <= target <= reach[1]:
        raise ValueError(
            f"demography.mortality.wpp2024.level.e0_gap: {gap:+.2f} years needs e0 {target:.2f} in "
            f"{year}, outside what a factor {lo}..{hi} on WPP's rates gives ({reach[0]:.2f}..{reach[1]:.2f}; expected a "
            "smaller gap)"
        )
    while hi - lo > tol:
        k = 0.5 * (lo + hi)
        lo, hi = (k, hi) if e0(k) > target else (lo, k)
    return 0.5 * (lo + hi)


def tables(years: np.ndarray, factor: float = 1.0) -> LifeTable:
    """Life tables (year, sex) from WPP's national rates of ``years`` times ``factor``."""
    return table_from_rates(factor * national_rates(years))
