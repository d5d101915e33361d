"""The economy and the labour market of one scenario, as annual paths.

    wage[y]            average wage (yuan / year): the dated levels, then ``wage_growth``
    urban employment   E[y, g, a] = population[y, s(g), a] x employment rate(s, a) x urban share[y],
                       women split between F55 (``employee_pension.f55_share``) and F50
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.dims import AGES
from simulator.model.timeline import annual
from simulator.scenario.schema import Scenario


@dataclass(frozen=True)
class Economy:
    """Annual economic paths over ``years`` (base year first), each ``[Y]``."""

    years: np.ndarray
    wage: np.ndarray  # yuan / year
    wage_growth: np.ndarray
    inflation: np.ndarray
    fund_return: np.ndarray


def economy_paths(scenario: Scenario) -> Economy:
    years = np.arange(scenario.base_year, scenario.horizon + 1)
    e = scenario.economy
    growth = annual(e.wage_growth, years)
    inflation = annual(e.inflation, years)
    return Economy(
        years=years,
        wage=annual(e.average_wage, years, wage_growth=growth, inflation=inflation),
        wage_growth=growth,
        inflation=inflation,
        fund_return=annual(e.fund_return, years),
    )


def age_profile(knots: dict[int, float]) -> np.ndarray:
    """Rate by single age 0..100 from ``{age: rate}`` knots: straight lines between the knots,
    zero below the first and above the last (nobody is employed outside the ages given)."""
    return np.interp(AGES, list(knots), list(knots.values()), left=0.0, right=0.0)


def urban_employment(scenario: Scenario, population: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Urban employed persons ``[..., Y, group, age]`` from population ``[..., Y, sex, age]``."""
    lab = scenario.labour
    rate = np.stack([age_profile(lab.employment_rate.male), age_profile(lab.employment_rate.female)])
    per_person = rate * annual(lab.urban_share, years)[:, None, None]  # [Y, sex, A]
    f55 = annual(scenario.employee_pension.f55_share, years)[:, None]
    out = np.empty(population.shape[:-2] + (3, population.shape[-1]))
    np.multiply(population[..., 0, :], per_person[:, 0], out=out[..., 0, :])
    women = population[..., 1, :] * per_person[:, 1]
    np.multiply(women, f55, out=out[..., 1, :])
    np.multiply(women, 1.0 - f55, out=out[..., 2, :])
    return out
