"""The projection context: everything the schemes share, built once per run, as arrays with a
leading ``draw`` axis.

A draw is one set of inputs: a deterministic run has one; a run of D scenarios that differ in their
parameter values (a calibration's trial points, a sweep's block) or of D stochastic shocks has D.
Every array of the context has its draw axis first, of size D or 1 (the same for every draw; it
broadcasts), then ``year`` (base year .. horizon), then ``group`` or ``sex``, then ``age``:

    wage, wage_growth, inflation, fund_return  [D, Y]        economy (yuan / year; shares a year)
    claims_factor                              [D, Y]        unemployment claims relative to the scenario's
                                                             (1; a stochastic draw's unemployment shock)
    contribution_base                          [D, Y]        average employee contribution base (yuan / year):
                                                             clip(base ratio, floor, cap) x wage
    population, survival                       [D, Y, sex, age]
    employment                                 [D, Y, group, age]  urban employment (persons)
    reached, hazard, claim_age                 [D, Y, group, age]  statutory retirement with the scenario's
                                                             flexible claims (:func:`retirement_cells`)
    reached_by_sex, hazard_by_sex              [D, Y, sex, age]    statutory retirement ages only, women
                                                             F55 / F50 by ``f55_share``

:func:`build_context` makes it for one scenario; :func:`context_for` for one scenario per draw
(each part computed once per distinct input block and stacked); :func:`per_draw` builds any
dataclass of draw-leading arrays the same way (the schemes' inputs).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import xarray as xr

from simulator.dims import AGES, GROUPS
from simulator.model.economy import economy_paths, urban_employment
from simulator.model.retirement import cohort_hazard, reached_by_age
from simulator.model.timeline import annual
from simulator.scenario.schema import Scenario

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    years: np.ndarray
    wage: np.ndarray
    wage_growth: np.ndarray
    inflation: np.ndarray
    fund_return: np.ndarray
    claims_factor: np.ndarray
    contribution_base: np.ndarray
    population: np.ndarray
    survival: np.ndarray
    employment: np.ndarray
    reached: np.ndarray
    hazard: np.ndarray
    claim_age: np.ndarray
    reached_by_sex: np.ndarray
    hazard_by_sex: np.ndarray
    demography: xr.Dataset  # the population results (with a draw dim when they differ by draw)
    draws: int

    @functools.cached_property
    def below_retirement(self) -> np.ndarray:
        """Urban employment below the statutory retirement age [D, Y, sex, age] (persons; women = F55 +
        F50), kept: three schemes read it."""
        e = self.employment
        by_sex = np.stack([e[:, :, 0], e[:, :, 1] + e[:, :, 2]], axis=2)
        return by_sex * (1.0 - self.reached_by_sex)

    @property
    def growth(self) -> dict[str, np.ndarray]:
        """Keyword arguments for :func:`simulator.model.timeline.annual` (uprating by wages and prices)."""
        return {"wage_growth": self.wage_growth, "inflation": self.inflation}

    def draw(self, d: int) -> Context:
        """The context of draw ``d`` alone (every array keeps a draw axis of size 1)."""
        cut = {f.name: _take(getattr(self, f.name), d) for f in dataclasses.fields(self) if f.name in ARRAYS}
        demography = self.demography.isel(draw=[d]).squeeze("draw", drop=True) if "draw" in self.demography.dims else self.demography
        return dataclasses.replace(self, **cut, demography=demography, draws=1)


ARRAYS = (
    "wage", "wage_growth", "inflation", "fund_return", "claims_factor", "contribution_base", "population", "survival", "employment",
    "reached", "hazard", "claim_age", "reached_by_sex", "hazard_by_sex",
)  # fmt: skip


def _take(array: np.ndarray, d: int) -> np.ndarray:
    return array if array.shape[0] == 1 else array[d : d + 1]


def retirement_cells(scenario: Scenario, years: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``reached[y, g, a]`` (share of the cell's cohort past its claim age at the end of y, with the
    scenario's flexible claims and special early retirement), ``hazard[y, g, a]`` and ``claim_age[y, g, a]`` (years, mean age of this
    year's claimants; the cell's age where nobody claims)."""
    policy = scenario.policy.retirement
    flex = scenario.employee_pension.flexible.model_dump()
    special = scenario.employee_pension.special_early
    if special is not None:
        flex |= {"special_share": special.cohort_shares(), "special_months": special.months}
    ext = np.arange(years[0] - 1, years[-1] + 1)  # one year before, for the hazard
    reached = np.zeros((len(ext), len(GROUPS), len(AGES)))
    claim_age = np.full_like(reached, np.nan)
    for g, group in enumerate(GROUPS):
        reached[:, g], claim_age[:, g] = reached_by_age(policy, group, ext, AGES, **flex)
    claim_age = np.where(np.isnan(claim_age[1:]), AGES[None, None, :].astype(float), claim_age[1:])
    return reached[1:], cohort_hazard(reached), claim_age


def reached_by_sex(scenario: Scenario, years: np.ndarray) -> np.ndarray:
    """R[y, s, a]: share of the cohort aged a at the end of y past its statutory retirement age by then
    (births even over the months; women split F55 / F50 by ``f55_share``)."""
    past = {g: reached_by_age(scenario.policy.retirement, g, years, AGES)[0] for g in GROUPS}
    f55 = annual(scenario.employee_pension.f55_share, years)[:, None]
    return np.stack([past["M60"], f55 * past["F55"] + (1.0 - f55) * past["F50"]], axis=1)


def build_context(scenario: Scenario, demography: xr.Dataset | None = None) -> Context:
    """The context of one scenario (one draw); ``demography`` when its population results are at hand."""
    from simulator.model.demography import population_dataset

    if demography is None:
        demography = population_dataset(scenario)
    econ = economy_paths(scenario)
    years = econ.years
    pol = scenario.policy.employee_pension
    population = demography["population"].transpose("year", "sex", "age").values
    reached, hazard, claim_age = retirement_cells(scenario, years)
    by_sex = reached_by_sex(scenario, np.arange(years[0] - 1, years[-1] + 1))
    ratio = np.clip(annual(scenario.employee_pension.base_ratio, years), pol.base_floor, pol.base_cap)
    return Context(
        years=years,
        wage=econ.wage[None],
        wage_growth=econ.wage_growth[None],
        inflation=econ.inflation[None],
        fund_return=econ.fund_return[None],
        claims_factor=np.ones((1, len(years))),
        contribution_base=(ratio * econ.wage)[None],
        population=population[None],
        survival=demography["survival"].transpose("year", "sex", "age").values[None],
        employment=urban_employment(scenario, population, years)[None],
        reached=reached[None],
        hazard=hazard[None],
        claim_age=claim_age[None],
        reached_by_sex=by_sex[None, 1:],
        hazard_by_sex=cohort_hazard(by_sex)[None],
        demography=demography,
        draws=1,
    )


def context_for(scenarios: Sequence[Scenario]) -> Context:
    """The context of one scenario per draw (all with the same years). The population is projected
    once per distinct demography block."""
    first = scenarios[0]
    for s in scenarios[1:]:
        if (s.base_year, s.horizon) != (first.base_year, first.horizon):
            raise ValueError("the draws' scenarios must share base_year and horizon")
    if len(scenarios) == 1:
        return build_context(first)
    from simulator.model.demography import population_dataset

    demographies: list[tuple[Any, xr.Dataset]] = []
    contexts = []
    for s in scenarios:
        known = next((ds for block, ds in demographies if block == s.demography), None)
        if known is None:
            known = population_dataset(s)
            demographies.append((s.demography, known))
        contexts.append(build_context(s, known))
    stacked = stack(contexts, [1] * len(contexts), skip=("years", "demography", "draws"))
    if len(demographies) == 1:
        demography = demographies[0][1]
    else:
        demography = xr.concat([c.demography for c in contexts], dim="draw", data_vars="all", coords="minimal")
    return dataclasses.replace(stacked, demography=demography, draws=len(scenarios))


def stack(parts: Sequence[T], draws: Sequence[int], skip: tuple[str, ...] = ()) -> T:
    """One dataclass from ``parts`` (dataclasses of draw-leading arrays, part i with ``draws[i]`` draws;
    a field may itself be such a dataclass, or None in every part): each array concatenated along the
    draw axis, or kept as it is where every part holds the same values with a draw axis of size 1.
    Fields named in ``skip`` are taken from the first part."""
    out = {}
    for f in dataclasses.fields(parts[0]):
        values = [getattr(p, f.name) for p in parts]
        if f.name in skip or values[0] is None:
            out[f.name] = values[0]
        elif dataclasses.is_dataclass(values[0]):
            out[f.name] = stack(values, draws)
        elif all(v.shape[0] == 1 for v in values) and all(np.array_equal(v, values[0], equal_nan=True) for v in values[1:]):
            out[f.name] = values[0]
        else:
            out[f.name] = np.concatenate([np.broadcast_to(v, (n, *v.shape[1:])) for v, n in zip(values, draws)])
    return type(parts[0])(**out)


def per_draw(scenarios: Sequence[Scenario], ctx: Context, build: Callable[[Scenario, Context], T]) -> T:
    """``build(scenario, ctx)`` with the whole context when there is one scenario (its arrays follow the
    context's draws), else ``build`` of each draw's scenario with its slice of the context, stacked."""
    if len(scenarios) == 1:
        return build(scenarios[0], ctx)
    return stack([build(s, ctx.draw(d)) for d, s in enumerate(scenarios)], [1] * len(scenarios))
