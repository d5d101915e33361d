"""Dated parameters to one value per calendar year.

For year y the value is (``interpolation: linear``) the straight line between the
dated points read at 1 July of y, or (``step``, the default) the time-weighted mean over
the days of y of the value in force (a rate of 0.20 to 30 April and 0.16 from 1 May gives 0.20 x 120/365 + 0.16 x 245/365
= 0.1732 for 2019). After the year of the last date, when the parameter has an
uprating rule, the value in force at the end of that year grows each year by
``g[y] = wage x wage_growth[y] + prices x inflation[y] + fixed``::

    v[y] = v_last x prod_{k = last year + 1 .. y} (1 + g[k])
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from simulator.scenario.params import Dated, Uprating


def annual(
    param: Dated,
    years: np.ndarray | range,
    wage_growth: np.ndarray | None = None,
    inflation: np.ndarray | None = None,
) -> np.ndarray:
    """One value per year of ``years`` (consecutive): ``[Y]``, or ``[D, Y]`` when the growth arrays
    used by the parameter's uprating rule carry a leading draw axis (``[D, Y]``, aligned with ``years``)."""
    years = np.asarray(years, dtype=np.int64)
    out = _year_means(param, tuple(int(y) for y in years)).copy()
    rule = param.uprating
    if rule is None:
        return out
    growth = np.asarray(rule.fixed, dtype=float)
    for share, series, name in ((rule.wage, wage_growth, "wage growth"), (rule.prices, inflation, "inflation")):
        if share:
            if series is None:
                raise ValueError(f"uprating uses {name}, which the model did not provide")
            growth = growth + share * np.asarray(series, dtype=float)
    later = years > param.values[-1][0].year
    growth = np.broadcast_to(growth, np.broadcast_shapes(growth.shape, years.shape))
    out = np.broadcast_to(out, growth.shape).copy()
    if later.any():
        factors = np.concatenate([np.full((*growth.shape[:-1], 1), param.values[-1][1]), 1.0 + growth[..., later]], axis=-1)
        out[..., later] = np.multiply.accumulate(factors, axis=-1)[..., 1:]  # v_last x (1 + g) x ..., in year order
    return out


@lru_cache(maxsize=4096)
def _year_means(param: Dated, years: tuple[int, ...]) -> np.ndarray:
    """The value of each year before uprating (kept: a run of many blocks of draws asks again)."""
    return np.array([_year_mean(param, y) for y in years])


def _year_mean(param: Dated, year: int) -> float:
    if param.interpolation == "linear":
        return _linear_mid_year(param, year)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    cuts = [start] + [d for d, _ in param.values if start < d < end] + [end]
    days = (end - start).days
    return sum(param.at(a) * (b - a).days for a, b in zip(cuts[:-1], cuts[1:])) / days


def _linear_mid_year(param: Dated, year: int) -> float:
    """Straight lines between the dated points, read at 1 July; flat outside them."""
    t = [d.toordinal() for d, _ in param.values]
    v = [value for _, value in param.values]
    return float(np.interp(dt.date(year, 7, 1).toordinal(), t, v))


def rate_then_rule(
    rates: Dated,
    rule: Uprating,
    years: np.ndarray | range,
    wage_growth: np.ndarray | None = None,
    inflation: np.ndarray | None = None,
) -> np.ndarray:
    """A dated *rate* (e.g. the yearly pension increase) up to its last date, then
    ``rule.wage x wage_growth + rule.prices x inflation + rule.fixed`` each year after it."""
    years = np.asarray(years, dtype=np.int64)
    out = annual(rates, years)
    later = years > rates.values[-1][0].year
    after = np.asarray(rule.fixed, dtype=float)
    if rule.wage:
        after = after + rule.wage * np.asarray(wage_growth, dtype=float)
    if rule.prices:
        after = after + rule.prices * np.asarray(inflation, dtype=float)
    return np.where(later, after, out)


def path_from(param: Dated, start: dt.date, value: float, years: np.ndarray | range) -> np.ndarray:
    """``param`` as a path that starts at ``value`` on ``start``: its dated points on or before
    ``start`` are replaced by that one point (e.g. coverage from the base year's implied level)."""
    later = tuple((d, v) for d, v in param.values if d > start)
    return annual(param.model_copy(update={"values": ((start, value), *later)}), years)


def shifted(param: Dated, years: np.ndarray, values: np.ndarray, first: int) -> Dated:
    """``param`` following the yearly path ``values`` [Y] (aligned with ``years``, e.g. its own
    :func:`annual` values with a change) from year ``first`` on, and its own dated values before:
    new points on 1 January (``step``) or 1 July (``linear``, anchored on the value of the year before)
    of each year from ``first``, no uprating (``values`` run to the last year). :func:`annual` of the
    result gives ``values`` from ``first`` on and, where ``values`` are ``param``'s own before ``first``,
    ``param``'s values before."""
    years = np.asarray(years, dtype=np.int64)
    linear = param.interpolation == "linear"
    day = (7, 1) if linear else (1, 1)
    cut = dt.date(first - 1, *day) if linear else dt.date(first, 1, 1)
    points = [(d, v) for d, v in param.values if d < cut]
    points += [(dt.date(int(y), *day), float(v)) for y, v in zip(years, values) if y >= (first - 1 if linear else first)]
    return param.model_copy(update={"values": tuple(points), "uprating": None})
