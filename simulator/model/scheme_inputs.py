"""Inputs the residents pension, unemployment and work-injury schemes share.

- :func:`employee_link`: the ``employee`` argument of the three schemes, from the employee-pension
  results (the lead's projection builds it once);
- :class:`Common`: years, population and survival [year, sex, age], the economy, the average
  contribution base, the number of draws;
- :func:`reached_by_sex`: share R[y, s, a] of the cohort born in y - a past its statutory retirement
  age at the end of y (births even over the months; women split F55 / F50 by ``f55_share``), and
  :func:`retirement_hazard`: the share of the cohort reaching it during y,
  ``h[y, s, a] = (R[y, s, a] - R[y-1, s, a-1]) / (1 - R[y-1, s, a-1])``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.model.employee_pension import Economy, economy_paths, urban_employment
from simulator.model.retirement import cohort_hazard, reached_by_age
from simulator.model.timeline import annual
from simulator.scenario.params import Dated
from simulator.scenario.schema import GROUPS, Scenario

AGES = np.arange(101)


def employee_link(
    scenario: Scenario, demography: xr.Dataset, results: dict[str, tuple[np.ndarray, str, str]]
) -> dict[str, np.ndarray]:
    """``employee`` for the three schemes from :func:`simulator.model.employee_pension.results`:

    - ``contributors``, ``retirees``, ``exits`` [draw, year] (persons; exits = members short of the
      minimum years who move to the residents scheme, NaN in the base year);
    - ``account_transfers`` [draw, year] (yuan): their account balances, the kernel's transfers out
      less the pooling payments, ``transfers_out - out_rate x wage x contributors``;
    - ``urban_employment`` [year, sex, age] (persons; women = F55 + F50).
    """
    econ = economy_paths(scenario)
    population = demography["population"].transpose("year", "sex", "age").values
    groups = urban_employment(scenario, population, econ)
    contributors = results["contributors"][0]
    pooling = annual(scenario.employee_pension.pooling.out_rate, econ.years) * econ.wage * contributors
    return {
        "contributors": contributors,
        "retirees": results["retirees"][0],
        "exits": results["exits"][0],
        "account_transfers": np.maximum(results["transfers_out"][0] - pooling, 0.0),
        "urban_employment": np.stack([groups[:, 0], groups[:, 1] + groups[:, 2]], axis=1),
    }


@dataclass(frozen=True)
class Common:
    years: np.ndarray  # base..horizon
    population: np.ndarray  # [Y, sex, age] persons at year end
    survival: np.ndarray  # [Y, sex, age] P(alive at the end of y | aged a at the end of y-1)
    econ: Economy
    base_wage: np.ndarray  # [Y] average contribution base, yuan / year (employee base ratio x wage, floor and cap)
    draws: int

    @property
    def growth(self) -> dict[str, np.ndarray]:
        """Keyword arguments for :func:`simulator.model.timeline.annual` (uprating by wages and prices)."""
        return {"wage_growth": self.econ.wage_growth, "inflation": self.econ.inflation}


def blocks(scenario: Scenario, name: str) -> tuple:
    """(regional block, national policy block) of scheme ``name``; an error naming the key when the
    scenario has no regional block."""
    block = getattr(scenario, name)
    if block is None:
        raise ValueError(f"{name}: the scenario has no {name} block (see docs/scenario.md)")
    return block, getattr(scenario.policy, name)


def common(scenario: Scenario, demography: xr.Dataset, employee: dict[str, np.ndarray]) -> Common:
    econ = economy_paths(scenario)
    pol = scenario.policy.employee_pension
    ratio = np.clip(annual(scenario.employee_pension.base_ratio, econ.years), pol.base_floor, pol.base_cap)
    return Common(
        years=econ.years,
        population=demography["population"].transpose("year", "sex", "age").values,
        survival=demography["survival"].transpose("year", "sex", "age").values,
        econ=econ,
        base_wage=ratio * econ.wage,
        draws=np.atleast_2d(employee["contributors"]).shape[0],
    )


def reached_by_sex(scenario: Scenario, years: np.ndarray) -> np.ndarray:
    """R[y, s, a]: share of the cohort aged a at the end of y past its statutory retirement age by then."""
    past = {g: reached_by_age(scenario.policy.retirement, g, years, AGES)[0] for g in GROUPS}
    f55 = annual(scenario.employee_pension.f55_share, years)[:, None]
    return np.stack([past["M60"], f55 * past["F55"] + (1.0 - f55) * past["F50"]], axis=1)


def retirement_hazard(scenario: Scenario, years: np.ndarray) -> np.ndarray:
    """h[y, s, a]: share of the cohort aged a at the end of y, not past its retirement age at the end
    of y-1, that reaches it during y (1 where the cohort was already past it)."""
    return cohort_hazard(reached_by_sex(scenario, np.arange(years[0] - 1, years[-1] + 1)))


def below_retirement(scenario: Scenario, employee: dict[str, np.ndarray], years: np.ndarray) -> np.ndarray:
    """Urban employment below the statutory retirement age [year, sex, age] (persons)."""
    return employee["urban_employment"] * (1.0 - reached_by_sex(scenario, years))


def covered(
    scenario: Scenario, employee: dict[str, np.ndarray], coverage: Dated, c: Common
) -> tuple[np.ndarray, np.ndarray]:
    """(employment below retirement age [year, sex, age], insured [draw, year] = coverage x its total)."""
    below = below_retirement(scenario, employee, c.years)
    insured = annual(coverage, c.years) * below.sum(axis=(1, 2))
    return below, np.broadcast_to(insured, (c.draws, len(c.years))).copy()
