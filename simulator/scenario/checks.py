"""Checks of a validated scenario against what the run needs, so that ``sim validate`` OK means
``sim run`` starts: the base year against the census data, the base-population file, net
migration and the employee pension's members against the population, urban employment to
divide by, life expectancy through the horizon.

Each check is cheap (no projection). One thing only the projection can tell: whether net
out-migration empties an age group in a later year; the run stops at its first year with a
one-line error naming ``demography.migration.net`` (exit code 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.scenario.demography import CENSUS_BASE_YEARS
from simulator.scenario.params import Dated
from simulator.scenario.population_file import read_population_file
from simulator.scenario.schema import Scenario

Raise = Callable[..., None]
"""raise_at(key path, message, date=None): raise a ScenarioError at the file and line of the key
path (of its value for ``date`` when the key is a dated parameter)."""

E0_RANGE = (20.0, 110.0)


def check_runnable(scenario: Scenario, raise_at: Raise) -> None:
    """Raise (through ``raise_at``) at the first thing the run could not start with."""
    demography = scenario.demography
    base = demography.base_population
    first, last = CENSUS_BASE_YEARS
    if base.census_2020 is not None and not first <= scenario.base_year <= last:
        raise_at(("base_year",), f"{scenario.base_year}: a census-based base population needs {first} <= base_year "
                 f"<= {last} (expected such a base_year, or demography.base_population.file)")
    total = _base_total(scenario, raise_at)
    net = demography.migration.net
    for year, value in _yearly(net, scenario):
        if value < 0 and -value >= total:
            raise_at(("demography", "migration", "net"),
                     f"net out-migration of {-value:,.0f} in {year} is more than the base population of {total:,.0f} "
                     "(expected a smaller net out-migration)", _date_of(net, year))
    initial = scenario.employee_pension.initial
    members = initial.contributors + initial.dormant + initial.retirees
    if members > total:
        raise_at(("employee_pension", "initial"), f"contributors + dormant + retirees = {members:,.0f} is more than the "
                 f"base population of {total:,.0f} (expected members of this region's population)")
    urban = scenario.labour.urban_share
    for year, value in _yearly(urban, scenario, after=scenario.base_year - 1):
        if value <= 0:
            raise_at(("labour", "urban_share"), f"urban share is 0 in {year} (expected a share above 0: the employee "
                     "pension's coverage is a share of urban employment)", _date_of(urban, year))
    if demography.mortality.e0 is None:
        return  # WPP 2024 rates: the projected rates are data, the regional level is bounded by the schema
    lo, hi = E0_RANGE
    for sex in ("male", "female"):
        points, gain = getattr(demography.mortality.e0, sex), getattr(demography.mortality.e0_gain, sex)
        e0 = points.values[-1][1]
        for year, value in _yearly(gain, scenario, after=points.values[-1][0].year):
            e0 += value
            if not lo <= e0 <= hi:
                raise_at(("demography", "mortality", "e0_gain", sex),
                         f"life expectancy reaches {e0:.1f} in {year} with these gains (expected it to stay within "
                         f"[{lo:g}, {hi:g}] up to the horizon {scenario.horizon})")


def _base_total(scenario: Scenario, raise_at: Raise) -> float:
    base = scenario.demography.base_population
    if base.file is not None:
        try:
            table = read_population_file(Path(base.file))
        except ScenarioError as exc:
            if exc.key_path != "demography.base_population.file":
                raise  # a bad row: the CSV's own file and line
            raise_at(("demography", "base_population", "file"), f"{exc.message.split(' (expected')[0]}: "
                     f"{exc.file} (expected a CSV sex,age,population, path from the working folder)")
        return sum(sum(row) for row in table)
    if base.base_total is not None:
        return base.base_total.value
    return base.census_2020.total


def _yearly(param: Dated, scenario: Scenario, after: int | None = None):
    """(year, value in force on 1 July, with a fixed uprating after the last date) for the
    projected years (after ``after`` when given)."""
    last_date, last_value = param.values[-1]
    fixed = param.uprating.fixed if param.uprating is not None else 0.0
    start = scenario.base_year + 1 if after is None else after + 1
    for year in range(start, scenario.horizon + 1):
        if year > last_date.year and fixed:
            yield year, last_value * (1.0 + fixed) ** (year - last_date.year)
        else:
            yield year, param.at(dt.date(year, 7, 1))


def _date_of(param: Dated, year: int) -> dt.date:
    """The date of the value in force on 1 July of ``year``."""
    mid = dt.date(year, 7, 1)
    return max((d for d, _ in param.values if d <= mid), default=param.values[0][0])
