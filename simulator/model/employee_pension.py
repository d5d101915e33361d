"""Urban employee pension: the kernel's inputs from a scenario and the context, the kernel run for
every draw at once, the results labelled.

Inputs (every array with a leading draw axis, see :mod:`simulator.model.context`):

- target actives[g, a, t] = coverage[t] x urban employment[g, a, t] x (1 - reached[g, a, t]),
  the coverage path starting from the base year's implied coverage (initial contributors /
  urban employment below the claim age) and moving to the scenario's later dated values;
- retirement: the context's ``reached``, ``hazard`` and ``claim_age`` (flexible claims included);
  the account divisor at the mean claim age of the cell;
- the base-year state (:func:`initial_state`).

Cash flows beside the kernel's: pooling payments = out rate x wage x contributors (transfers out,
with the accounts of members who move to the residents scheme), pooling receipts = receipt per
retiree x retirees (transfers in). The fund is the ledger's (:mod:`simulator.model.fund`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.dims import AGES, GROUPS, SERVICE_YEARS, SEX_OF_GROUP
from simulator.model.context import Context, per_draw
from simulator.model.fund import SUBSIDY_MODES, FundTerms
from simulator.model.kernels import employee_layout as L
from simulator.model.labels import scheme_dataset, with_base
from simulator.model.retirement import min_contribution_years, month_index
from simulator.model.timeline import annual, path_from, rate_then_rule
from simulator.scenario.schema import Scenario

SCHEME = "employee_pension"


@dataclass(frozen=True)
class Inputs:
    """The kernel's arguments and the fund's terms; arrays lead with a draw axis of size D or 1."""

    act0: np.ndarray  # [D, G, A, S] active contributors at the end of the base year (persons)
    dor0: np.ndarray  # [D, G, A, S] dormant members
    kact0: np.ndarray  # [D, G, A, S] their account balances (yuan)
    kdor0: np.ndarray
    ret0: np.ndarray  # [D, G, A] retirees
    pen0: np.ndarray  # [D, G, A] their annual pensions (yuan / year)
    survival: np.ndarray  # [D, T, sex, A], projected years
    series: np.ndarray  # [D, T, L.N_SERIES]
    cells: np.ndarray  # [D, T, G, A, L.N_CELLS]
    pooling_out_rate: np.ndarray  # [D, Y] share of wage x contributors
    pooling_in_per_retiree: np.ndarray  # [D, Y] yuan
    subsidy: np.ndarray  # [D, Y] yuan, the path (subsidy mode ``path``)
    balance0: np.ndarray  # [D] yuan
    subsidy_mode: np.ndarray  # [D] index into SUBSIDY_MODES

    def kernel_args(self) -> tuple:
        return (self.act0, self.dor0, self.kact0, self.kdor0, self.ret0, self.pen0, self.survival, self.series, self.cells, SEX_OF_GROUP)


def divisors(scenario: Scenario, claim_age: np.ndarray) -> np.ndarray:
    """Account-pension divisor (months), linear between whole ages of the statutory table (the
    interpolation for ages in months is an assumption: no official table for them was found)."""
    table = scenario.policy.employee_pension.account_divisors
    return np.interp(claim_age, list(table), list(table.values()))


def _lead(*arrays: np.ndarray) -> int:
    return max(np.shape(a)[0] for a in arrays)


def coverage_path(scenario: Scenario, implied: np.ndarray, years: np.ndarray) -> np.ndarray:
    """[D, Y] coverage: the scenario's path from the base year's ``implied`` coverage [D]."""
    start = dt.date(scenario.base_year, 7, 1)
    levels, where = np.unique(implied, return_inverse=True)
    paths = np.stack([path_from(scenario.employee_pension.coverage, start, float(v), years) for v in levels])
    return paths[where.reshape(-1)]


def inputs(scenario: Scenario, ctx: Context) -> Inputs:
    """Everything the kernel and the ledger need; the kernel's arrays for years base_year + 1 .. horizon."""
    years = ctx.years
    ep, pol = scenario.employee_pension, scenario.policy.employee_pension
    working = ctx.employment * (1.0 - ctx.reached)  # [D, Y, G, A]
    implied = ep.initial.contributors / working[:, 0].sum(axis=(1, 2))
    target = coverage_path(scenario, implied, years)[:, :, None, None] * working

    growth = ctx.growth
    columns = {
        L.WAGE: ctx.wage,
        L.WAGE_PREV: np.concatenate([ctx.wage[:, :1] / (1.0 + ctx.wage_growth[:, :1]), ctx.wage[:, :-1]], axis=1),
        L.EMPLOYER_RATE: annual(pol.employer_rate, years),
        L.EMPLOYEE_RATE: annual(pol.employee_rate, years),
        L.BASIC_ACCRUAL: pol.basic_accrual,
        L.BASE_RATIO: np.clip(annual(ep.base_ratio, years), pol.base_floor, pol.base_cap),
        L.COMPLIANCE: annual(ep.compliance, years),
        L.CREDITING: annual(pol.crediting_rate, years),
        L.INDEXATION: rate_then_rule(pol.indexation.increases, pol.indexation.then, years, **growth),
        L.MIN_YEARS: min_contribution_years(scenario.policy.retirement, month_index(years, 12)),
        L.YEAR: years,
        L.DEATH_GRANT: annual(ep.death_grant, years, **growth),
        L.ACCOUNT_START: float(ep.account_start),
        L.TRANSITIONAL_RATE: ep.transitional_rate,
        L.BUY_RATE: ep.short_service.buy_rate,
    }
    series = np.zeros((_lead(*(np.atleast_2d(v) for v in columns.values())), len(years), L.N_SERIES))
    for k, v in columns.items():
        series[..., k] = v

    reached = ctx.reached
    limit = np.array([ep.short_service.continue_until_age[g] for g in GROUPS])
    cell_values = {
        L.TARGET: target,
        L.HAZARD: ctx.hazard,
        L.DIVISOR: divisors(scenario, ctx.claim_age),
        L.SHORT_EXIT: ((AGES >= limit[:, None]) & (reached >= 1.0 - 1e-12)).astype(float),
        L.DORMANCY: annual(ep.dormancy_rate, years)[:, None, None],
        L.REACTIVATION: annual(ep.reactivation_rate, years)[:, None, None],
    }
    cells = np.zeros((_lead(target, reached, ctx.hazard), len(years), len(GROUPS), len(AGES), L.N_CELLS))
    for k, v in cell_values.items():
        cells[..., k] = v

    state = initial_state(scenario, working[:, 0], reached[:, 0], ctx.population[:, 0], series[:, 0], years)
    return Inputs(
        **state,
        survival=ctx.survival[:, 1:],
        series=series[:, 1:],
        cells=cells[:, 1:],
        pooling_out_rate=annual(ep.pooling.out_rate, years)[None],
        pooling_in_per_retiree=np.atleast_2d(annual(ep.pooling.in_per_retiree, years, **growth)),
        subsidy=np.atleast_2d(annual(ep.subsidy.path, years, **growth)) if ep.subsidy.path is not None else np.zeros((1, len(years))),
        balance0=np.array([float(ep.initial.balance)]),
        subsidy_mode=np.array([SUBSIDY_MODES.index(ep.subsidy.mode)]),
    )


def initial_state(
    scenario: Scenario, working: np.ndarray, reached: np.ndarray, population: np.ndarray, series0: np.ndarray, years: np.ndarray
) -> dict[str, np.ndarray]:
    """Base-year stocks [D, ...] (assumptions, stated in the scenario's ``initial`` block), from the base
    year's urban employment below the claim age ``working`` [D, G, A], the share past it ``reached``
    [D, G, A], the population [D, sex, A] and the kernel's series of the base year [D, N_SERIES]:

    - actives by (g, a) in proportion to ``working``, scaled to ``contributors``; dormant members in the
      same proportions, scaled to ``dormant``;
    - service of a member aged a: ``density x (a - entry_age)`` years, split between the two
      whole years around it;
    - account balance per member: employee rate x base ratio x wage of the base year x years
      contributed since ``account_start`` (accounts credited at about wage growth);
    - retirees by (g, a) in proportion to the population past the claim age, scaled to
      ``retirees``; every retiree draws ``average_pension``.
    """
    init = scenario.employee_pension.initial
    act_by_age = _scaled(working, init.contributors)
    dor_by_age = _scaled(working, init.dormant)
    service = np.clip(init.service_density * (AGES - init.entry_age), 0, SERVICE_YEARS - 1)
    low = np.floor(service).astype(int)
    frac = service - low
    split = np.zeros((len(AGES), SERVICE_YEARS))
    split[AGES, low] += 1.0 - frac
    split[AGES, np.minimum(low + 1, SERVICE_YEARS - 1)] += frac
    act0 = act_by_age[..., None] * split
    dor0 = dor_by_age[..., None] * split
    account_years = np.minimum(np.arange(SERVICE_YEARS), scenario.base_year - scenario.employee_pension.account_start)
    per_member = (series0[:, L.EMPLOYEE_RATE] * series0[:, L.BASE_RATIO] * series0[:, L.WAGE])[:, None] * account_years
    group_pop = population[:, SEX_OF_GROUP]
    f55 = annual(scenario.employee_pension.f55_share, years[:1])[0]
    share = np.array([1.0, f55, 1.0 - f55])
    ret0 = _scaled(group_pop * reached * share[:, None], init.retirees)
    return {
        "act0": act0,
        "dor0": dor0,
        "kact0": act0 * per_member[:, None, None, :],
        "kdor0": dor0 * per_member[:, None, None, :],
        "ret0": ret0,
        "pen0": ret0 * init.average_pension * 12.0,
    }


def _scaled(weights: np.ndarray, total: float) -> np.ndarray:
    """``weights`` [D, ...] scaled to sum to ``total`` in each draw (zero where they sum to zero)."""
    s = weights.sum(axis=tuple(range(1, weights.ndim)), keepdims=True)
    return np.where(s > 0, weights * (total / np.where(s > 0, s, 1.0)), 0.0)


def run_kernel(inputs: Inputs, draws: int = 1, impl: str = "numba") -> np.ndarray:
    """``out[draw, year, L.N_OUTPUTS]`` for the projected years."""
    from simulator.model.kernels.employee_pension import employee_pension_numba, employee_pension_numpy

    out = np.zeros((draws, inputs.series.shape[1], L.N_OUTPUTS))
    kernel = employee_pension_numba if impl == "numba" else employee_pension_numpy
    kernel(*inputs.kernel_args(), out)
    return out


# name: kernel column (flows: NaN in the base year; stocks: the initial state there)
FLOWS = {
    "contributions": L.CONTRIBUTIONS,
    "benefits": L.BENEFITS,
    "other_outgo": L.OTHER_OUTGO,
    "accounts_to_residents": L.ACCOUNTS_OUT,
    "new_retirees": L.NEW_RETIREES,
    "entrants": L.ENTRANTS,
    "deaths_insured": L.DEATHS,
    "moved_to_residents": L.EXITS,
    "buy_ins": L.BUY_INS,
}
STOCKS = {
    "contributors": L.CONTRIBUTORS,
    "dormant": L.DORMANT,
    "retirees": L.RETIREES,
    "account_balances": L.ACCOUNT_BALANCE,
}


def project(scenarios: Sequence[Scenario], ctx: Context, impl: str = "numba") -> tuple[xr.Dataset, FundTerms]:
    """The scheme's people and cash flows over (draw, year), base year first, and its fund terms."""
    inp = per_draw(scenarios, ctx, inputs)
    out = run_kernel(inp, ctx.draws, impl)
    base_stocks = {
        L.CONTRIBUTORS: inp.act0.sum(axis=(1, 2, 3)),
        L.DORMANT: inp.dor0.sum(axis=(1, 2, 3)),
        L.RETIREES: inp.ret0.sum(axis=(1, 2)),
        L.ACCOUNT_BALANCE: inp.kact0.sum(axis=(1, 2, 3)) + inp.kdor0.sum(axis=(1, 2, 3)),
    }
    v = {name: with_base(out[..., col]) for name, col in FLOWS.items()}
    v |= {name: with_base(out[..., col], base_stocks[col]) for name, col in STOCKS.items()}
    roll = with_base(out[..., L.PENSION_ROLL], inp.pen0.sum(axis=(1, 2)))
    pooling_out = inp.pooling_out_rate * ctx.wage * v["contributors"]
    v["pooling_out"] = np.where(np.isnan(v["contributions"]), np.nan, pooling_out)
    v["pooling_in"] = np.where(np.isnan(v["contributions"]), np.nan, inp.pooling_in_per_retiree * v["retirees"])
    v["transfers_out"] = v["pooling_out"] + v["accounts_to_residents"]
    v["transfers_in"] = v["pooling_in"]
    v["subsidy"] = np.where(np.isnan(v["contributions"]), np.nan, inp.subsidy)
    v["insured"] = v["contributors"] + v["dormant"] + v["retirees"]
    v["wage_bill"] = v["contributors"] * ctx.contribution_base
    with np.errstate(invalid="ignore", divide="ignore"):
        v["average_pension"] = roll / v["retirees"] / 12.0
        v["average_new_pension"] = with_base(out[..., L.NEW_PENSIONS]) / v["new_retirees"] / 12.0
        v["replacement_rate"] = v["average_pension"] * 12.0 / ctx.wage
        v["dependency_ratio"] = v["retirees"] / v["contributors"]
    return scheme_dataset(SCHEME, ctx.years, v, ctx.draws), FundTerms(inp.balance0, inp.subsidy_mode)
