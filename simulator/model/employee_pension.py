"""Urban employee pension: build the kernel's inputs from a scenario, run it, label the results.

Inputs the kernel needs and where they come from:

- survival by sex and age: the demography results;
- target actives[g, a, t] = coverage[t] x urban employment[g, a, t] x (1 - reached[g, a, t]),
  the coverage path starting from the base year's implied coverage (initial contributors /
  urban employment below the claim age) and moving to the scenario's later dated values;
  urban employment = population x employment rate(sex, age) x urban share[t]; women split
  between F55 (``f55_share``) and F50;
- retirement: ``reached`` = share of the cohort born in t - a past its claim age by the end
  of t (:func:`simulator.model.retirement.cohort_retirement`); the hazard of a cell is
  (reached[t] - reached[t-1]) / (1 - reached[t-1]), and 1 once the whole cohort is past it;
- the base-year state (see :func:`initial_state`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.model.kernels import employee_layout as L
from simulator.model.retirement import cohort_hazard, min_contribution_years, month_index, reached_by_age
from simulator.model.timeline import annual, path_from, rate_then_rule
from simulator.scenario.schema import GROUPS, Scenario

AGES = np.arange(101)
SERVICE_YEARS = 51  # completed contribution years 0..50 (50 = 50 and more)
SEX_OF_GROUP = np.array([0, 1, 1], dtype=np.int64)


@dataclass(frozen=True)
class Economy:
    """Annual economic paths over ``years`` (base year first)."""

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


def urban_employment(scenario: Scenario, population: np.ndarray, econ: Economy) -> np.ndarray:
    """Urban employed persons [year, group, age] from population [year, sex, age]."""
    lab = scenario.labour
    rate = np.stack([age_profile(lab.employment_rate.male), age_profile(lab.employment_rate.female)])
    employed = population * rate[None] * annual(lab.urban_share, econ.years)[:, None, None]
    f55 = annual(scenario.employee_pension.f55_share, econ.years)[:, None]
    return np.stack([employed[:, 0], employed[:, 1] * f55, employed[:, 1] * (1.0 - f55)], axis=1)


def retirement_cells(scenario: Scenario, years: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``reached[y, g, a]`` (share of the cell's cohort past its claim age at the end of y),
    ``hazard[y, g, a]`` and ``claim_age[y, g, a]`` (years, mean age of this year's claimants)."""
    policy = scenario.policy.retirement
    flex = scenario.employee_pension.flexible.model_dump()
    ext = np.arange(years[0] - 1, years[-1] + 1)  # one year before, for the hazard
    reached = np.zeros((len(ext), len(GROUPS), len(AGES)))
    claim_age = np.full_like(reached, np.nan)
    for g, group in enumerate(GROUPS):
        reached[:, g], claim_age[:, g] = reached_by_age(policy, group, ext, AGES, **flex)
    claim_age = np.where(np.isnan(claim_age[1:]), AGES[None, None, :].astype(float), claim_age[1:])
    return reached[1:], cohort_hazard(reached), claim_age


def divisors(scenario: Scenario, claim_age: np.ndarray) -> np.ndarray:
    """Account-pension divisor (months), linear between whole ages of the statutory table."""
    table = scenario.policy.employee_pension.account_divisors
    return np.interp(claim_age, list(table), list(table.values()))


@dataclass(frozen=True)
class KernelInputs:
    act0: np.ndarray
    dor0: np.ndarray
    kact0: np.ndarray
    kdor0: np.ndarray
    ret0: np.ndarray
    pen0: np.ndarray
    balance0: float
    survival: np.ndarray
    series: np.ndarray
    cells: np.ndarray
    account_start: float
    transitional_rate: float
    buy_rate: float
    subsidy_mode: int

    def args(self) -> tuple:
        return (
            self.act0, self.dor0, self.kact0, self.kdor0, self.ret0, self.pen0, self.balance0,
            self.survival, self.series, self.cells, SEX_OF_GROUP,
            self.account_start, self.transitional_rate, self.buy_rate, self.subsidy_mode,
        )  # fmt: skip


SUBSIDY_MODES = {"path": L.SUBSIDY_PATH, "cover_deficit": L.SUBSIDY_COVER_DEFICIT, "keep_nonnegative": L.SUBSIDY_KEEP_NONNEGATIVE}


def build_inputs(scenario: Scenario, demography: xr.Dataset) -> KernelInputs:
    """Everything the kernel needs, for years base_year + 1 .. horizon (index t = 0 is base_year + 1)."""
    econ = economy_paths(scenario)
    years = econ.years
    ep, pol = scenario.employee_pension, scenario.policy.employee_pension
    population = demography["population"].transpose("year", "sex", "age").values
    survival = demography["survival"].transpose("year", "sex", "age").values
    employment = urban_employment(scenario, population, econ)
    reached, hazard, claim_age = retirement_cells(scenario, years)
    working = employment * (1.0 - reached)
    implied = ep.initial.contributors / working[0].sum()
    coverage = path_from(ep.coverage, dt.date(scenario.base_year, 7, 1), implied, years)
    target = coverage[:, None, None] * working

    series = np.zeros((len(years), L.N_SERIES))
    series[:, L.WAGE] = econ.wage
    series[1:, L.WAGE_PREV] = econ.wage[:-1]
    series[0, L.WAGE_PREV] = econ.wage[0] / (1.0 + econ.wage_growth[0])
    series[:, L.EMPLOYER_RATE] = annual(pol.employer_rate, years)
    series[:, L.EMPLOYEE_RATE] = annual(pol.employee_rate, years)
    series[:, L.BASIC_ACCRUAL] = pol.basic_accrual
    series[:, L.BASE_RATIO] = np.clip(annual(ep.base_ratio, years), pol.base_floor, pol.base_cap)
    series[:, L.COMPLIANCE] = annual(ep.compliance, years)
    series[:, L.CREDITING] = annual(pol.crediting_rate, years)
    series[:, L.INTEREST] = econ.fund_return
    idx = pol.indexation
    series[:, L.INDEXATION] = rate_then_rule(idx.increases, idx.then, years, econ.wage_growth, econ.inflation)
    series[:, L.MIN_YEARS] = min_contribution_years(scenario.policy.retirement, month_index(years, 12))
    series[:, L.YEAR] = years
    growth = {"wage_growth": econ.wage_growth, "inflation": econ.inflation}
    series[:, L.DEATH_GRANT] = annual(ep.death_grant, years, **growth)
    series[:, L.SUBSIDY] = annual(ep.subsidy.path, years, **growth)
    series[:, L.POOL_OUT_RATE] = annual(ep.pooling.out_rate, years)
    series[:, L.POOL_IN_PER_RETIREE] = annual(ep.pooling.in_per_retiree, years, **growth)

    cells = np.zeros((len(years), len(GROUPS), len(AGES), L.N_CELLS))
    cells[..., L.TARGET] = target
    cells[..., L.HAZARD] = hazard
    cells[..., L.DIVISOR] = divisors(scenario, claim_age)
    limit = np.array([ep.short_service.continue_until_age[g] for g in GROUPS])
    cells[..., L.SHORT_EXIT] = ((AGES[None, None, :] >= limit[None, :, None]) & (reached >= 1.0 - 1e-12)).astype(float)
    cells[..., L.DORMANCY] = annual(ep.dormancy_rate, years)[:, None, None]
    cells[..., L.REACTIVATION] = annual(ep.reactivation_rate, years)[:, None, None]

    state = initial_state(scenario, employment[0], reached[0], population[0], econ, series[0])
    return KernelInputs(
        **state,
        survival=survival[None, 1:],
        series=series[None, 1:],
        cells=cells[None, 1:],
        account_start=float(ep.account_start),
        transitional_rate=ep.transitional_rate,
        buy_rate=ep.short_service.buy_rate,
        subsidy_mode=SUBSIDY_MODES[ep.subsidy.mode],
    )


def initial_state(
    scenario: Scenario, employment: np.ndarray, reached: np.ndarray, population: np.ndarray, econ: Economy, series0: np.ndarray
) -> dict:
    """Base-year stocks (assumptions, stated in the scenario's ``initial`` block):

    - actives by (g, a) in proportion to urban employment below the claim age, scaled to
      ``contributors``; dormant members in the same proportions, scaled to ``dormant``;
    - service of a member aged a: ``density x (a - entry_age)`` years, split between the two
      whole years around it;
    - account balance per member: employee rate x base x wage of the base year x years
      contributed since ``account_start`` (accounts credited at about wage growth);
    - retirees by (g, a) in proportion to the population past the claim age, scaled to
      ``retirees``; every retiree draws ``average_pension``.
    """
    init = scenario.employee_pension.initial
    working = employment * (1.0 - reached)  # (G, A)
    act_by_age = _scaled(working, init.contributors)
    dor_by_age = _scaled(working, init.dormant)
    service = np.clip(init.service_density * (AGES - init.entry_age), 0, SERVICE_YEARS - 1)
    low = np.floor(service).astype(int)
    frac = service - low
    split = np.zeros((len(AGES), SERVICE_YEARS))
    split[AGES, low] += 1.0 - frac
    split[AGES, np.minimum(low + 1, SERVICE_YEARS - 1)] += frac
    act0 = act_by_age[:, :, None] * split[None]
    dor0 = dor_by_age[:, :, None] * split[None]
    account_years = np.minimum(np.arange(SERVICE_YEARS), scenario.base_year - scenario.employee_pension.account_start)
    per_member = series0[L.EMPLOYEE_RATE] * series0[L.BASE_RATIO] * series0[L.WAGE] * account_years
    group_pop = np.stack([population[0], population[1], population[1]])
    f55 = annual(scenario.employee_pension.f55_share, econ.years[:1])[0]
    share = np.array([1.0, f55, 1.0 - f55])
    ret0 = _scaled(group_pop * reached * share[:, None], init.retirees)
    return {
        "act0": act0,
        "dor0": dor0,
        "kact0": act0 * per_member[None, None, :],
        "kdor0": dor0 * per_member[None, None, :],
        "ret0": ret0,
        "pen0": ret0 * init.average_pension * 12.0,
        "balance0": float(init.balance),
    }


def _scaled(weights: np.ndarray, total: float) -> np.ndarray:
    s = weights.sum()
    return weights * (total / s) if s > 0 else np.zeros_like(weights)


def run_kernel(inputs: KernelInputs, draws: int = 1, impl: str = "numba") -> np.ndarray:
    """``out[draw, year, L.N_OUTPUTS]`` for the projected years."""
    from simulator.model.kernels.employee_pension import employee_pension_numba, employee_pension_numpy

    out = np.zeros((draws, inputs.series.shape[1], L.N_OUTPUTS))
    kernel = employee_pension_numba if impl == "numba" else employee_pension_numpy
    kernel(*inputs.args(), out)
    return out


# name: (kernel column, units, long name)
FLOWS = {
    "contributions": (L.CONTRIBUTIONS, "yuan", "contributions collected incl. lump sums for missing years"),
    "benefits": (L.BENEFITS, "yuan", "pensions paid"),
    "other_outgo": (L.OTHER_OUTGO, "yuan", "death grants and account balances paid on death"),
    "transfers_in": (L.TRANSFERS_IN, "yuan", "pooling receipts"),
    "transfers_out": (L.TRANSFERS_OUT, "yuan", "pooling payments and balances moved to the residents scheme"),
    "subsidy": (L.SUBSIDY_OUT, "yuan", "fiscal subsidy"),
    "interest": (L.INTEREST_OUT, "yuan", "return on the fund"),
    "revenue": (L.REVENUE, "yuan", "contributions + subsidy + interest + transfers in"),
    "expenditure": (L.EXPENDITURE, "yuan", "benefits + other outgo + transfers out"),
    "subsidy_needed": (L.SUBSIDY_NEEDED, "yuan", "extra subsidy that would keep the year-end balance >= 0"),
    "new_retirees": (L.NEW_RETIREES, "persons", "members who started a pension in the year"),
    "entrants": (L.ENTRANTS, "persons", "new active members"),
    "deaths_insured": (L.DEATHS, "persons", "members and retirees who died"),
    "exits": (L.EXITS, "persons", "members short of the minimum years moved to the residents scheme"),
    "buy_ins": (L.BUY_INS, "yuan", "lump sums paid for missing contribution years"),
}
STOCKS = {
    "contributors": (L.CONTRIBUTORS, "persons", "active contributors at year end"),
    "dormant": (L.DORMANT, "persons", "insured members not contributing at year end"),
    "retirees": (L.RETIREES, "persons", "retirees at year end"),
    "balance": (L.BALANCE, "yuan", "fund balance at year end"),
    "account_balances": (L.ACCOUNT_BALANCE, "yuan", "individual-account balances of members (notional)"),
}


def results(scenario: Scenario, inputs: KernelInputs, out: np.ndarray) -> dict[str, tuple[np.ndarray, str, str]]:
    """Indicators ``name: (values[draw, year], units, long name)`` from the base year on: stocks
    of the base year from the initial state, flows of the base year NaN (not projected)."""
    econ = economy_paths(scenario)
    pol = scenario.policy.employee_pension
    draws = out.shape[0]

    def column(col: int, base: float = np.nan) -> np.ndarray:
        return np.concatenate([np.full((draws, 1), base), out[:, :, col]], axis=1)

    base_stocks = {
        L.CONTRIBUTORS: inputs.act0.sum(),
        L.DORMANT: inputs.dor0.sum(),
        L.RETIREES: inputs.ret0.sum(),
        L.BALANCE: inputs.balance0,
        L.ACCOUNT_BALANCE: inputs.kact0.sum() + inputs.kdor0.sum(),
        L.PENSION_ROLL: inputs.pen0.sum(),
    }
    res = {name: (column(col), unit, long) for name, (col, unit, long) in FLOWS.items()}
    res |= {name: (column(col, base_stocks[col]), unit, long) for name, (col, unit, long) in STOCKS.items()}
    v = {name: value[0] for name, value in res.items()}
    roll = column(L.PENSION_ROLL, base_stocks[L.PENSION_ROLL])
    base_ratio = np.clip(annual(scenario.employee_pension.base_ratio, econ.years), pol.base_floor, pol.base_cap)
    wage_bill = v["contributors"] * (econ.wage * base_ratio)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        average_pension = roll / v["retirees"] / 12.0
        derived = {
            "insured": (v["contributors"] + v["dormant"] + v["retirees"], "persons", "contributors + dormant + retirees"),
            "current_balance": (v["contributions"] - v["benefits"], "yuan", "contributions - benefits (the fund gap before subsidies)"),
            "average_pension": (average_pension, "yuan/month", "average pension in payment at year end"),
            "average_new_pension": (column(L.NEW_PENSIONS) / v["new_retirees"] / 12.0, "yuan/month", "average first pension of new retirees"),
            "replacement_rate": (average_pension * 12.0 / econ.wage[None, :], "1", "average pension / average wage"),
            "dependency_ratio": (v["retirees"] / v["contributors"], "1", "retirees / contributors"),
            "fund_ratio": (v["balance"] / v["expenditure"], "1", "balance / expenditure (years of spending)"),
            "payg_cost_rate": (v["expenditure"] / wage_bill, "1", "expenditure / contribution base of contributors"),
            "wage_bill": (wage_bill, "yuan", "contribution base of contributors (contributors x wage x base ratio)"),
        }
    return res | derived
