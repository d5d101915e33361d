"""Urban employee pension: the kernel's inputs from a scenario and the context, the kernel run for
every draw at once for each sector, the results labelled.

Two sectors share the fund and the statutory rules:

- the enterprise sector (企业职工): target actives[g, a, t] = coverage[t] x urban employment[g, a, t]
  x (1 - reached[g, a, t]), the coverage path starting from the base year's implied coverage
  (initial contributors / urban employment below the claim age) and moving to the scenario's later
  dated values; employer contributions reduced by ``contribution_relief`` where it is set;
- public institutions (机关事业单位, when the scenario has the block): staff[t] spread over ages like
  urban employment below the claim age, no dormancy, contributions and accounts from
  ``contributes_from``, their own base ratio and transitional rate; the scheme counts a share
  ``enrolment[t]`` of the sector's members and cash flows.

Retirement: the context's ``reached``, ``hazard`` and ``claim_age`` (flexible claims included); the
account divisor at the mean claim age of the cell. Cash flows beside the kernel's: pooling payments =
out rate x wage x enterprise insured employees (contributors + dormant), receipts = receipt per
retiree x receipt ratio x enterprise retirees (after the last dated receipt, optionally times the change
in insured employees per retiree: :func:`support_factor`); fiscal subsidy = the enterprise subsidy (a path, or a share of the
enterprise benefits) + the enrolled public sector's deficit (budgets cover it). The fund is the
ledger's (:mod:`simulator.model.fund`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.dims import AGES, GROUPS, SERVICE_YEARS, SEX_OF_GROUP
from simulator.model.context import Context, per_draw
from simulator.model.fund import PATH, SUBSIDY_MODES, FundTerms
from simulator.model.kernels import employee_layout as L
from simulator.model.labels import scheme_dataset, with_base
from simulator.model.retirement import min_contribution_years, month_index
from simulator.model.schemes import shares
from simulator.model.timeline import annual, path_from, rate_then_rule
from simulator.scenario.schema import Scenario

SCHEME = "employee_pension"


@dataclass(frozen=True)
class Sector:
    """The kernel's arguments for one sector; arrays lead with a draw axis of size D or 1."""

    act0: np.ndarray  # [D, G, A, S] active contributors at the end of the base year (persons)
    dor0: np.ndarray  # [D, G, A, S] dormant members
    kact0: np.ndarray  # [D, G, A, S] their account balances (yuan)
    kdor0: np.ndarray
    ret0: np.ndarray  # [D, G, A] retirees
    pen0: np.ndarray  # [D, G, A] their annual pensions (yuan / year)
    survival: np.ndarray  # [D, T, sex, A], projected years
    series: np.ndarray  # [D, T, L.N_SERIES]
    cells: np.ndarray  # [D, T, G, A, L.N_CELLS]
    target: np.ndarray  # [D, T, G, A] active contributors the coverage path asks for (persons)

    def kernel_args(self) -> tuple:
        return (
            self.act0, self.dor0, self.kact0, self.kdor0, self.ret0, self.pen0, self.survival, self.series, self.cells,
            self.target, SEX_OF_GROUP,
        )  # fmt: skip


@dataclass(frozen=True)
class Inputs:
    """Both sectors' kernel arguments and the fund's terms; arrays lead with a draw axis of size D or 1."""

    enterprise: Sector
    public: Sector | None
    enrolment: np.ndarray  # [D, Y] share of the public sector in the scheme
    pooling_out_rate: np.ndarray  # [D, Y] share of wage x enterprise insured employees
    pooling_in_per_retiree: np.ndarray  # [D, Y] yuan
    quota_year: np.ndarray  # [D] last dated year of the quota when it then follows the support ratio, else 0
    subsidy: np.ndarray  # [D, Y] yuan, the path (subsidy mode ``path``)
    subsidy_share: np.ndarray  # [D, Y] share of the enterprise benefits (subsidy mode ``share``)
    balance0: np.ndarray  # [D] yuan
    subsidy_mode: np.ndarray  # [D] index into SUBSIDY_MODES


def divisors(scenario: Scenario, claim_age: np.ndarray) -> np.ndarray:
    """Account-pension divisor (months), linear between whole ages of the statutory table (the
    interpolation for ages in months is an assumption: no official table for them was found)."""
    table = scenario.policy.employee_pension.account_divisors
    return np.interp(claim_age, list(table), list(table.values()))


def _lead(values, ndim: int) -> int:
    """The draw count of arrays whose full shape has ``ndim`` axes, the draw axis first (fewer axes:
    no draw axis, they broadcast)."""
    return max(np.shape(v)[0] if np.ndim(v) == ndim else 1 for v in values)


def coverage_path(scenario: Scenario, implied: np.ndarray, years: np.ndarray) -> np.ndarray:
    """[D, Y] coverage: the scenario's path from the base year's ``implied`` coverage [D]."""
    start = dt.date(scenario.base_year, 7, 1)
    levels, where = np.unique(implied, return_inverse=True)
    paths = np.stack([path_from(scenario.employee_pension.coverage, start, float(v), years) for v in levels])
    return paths[where.reshape(-1)]


def coverage_profile(knots: dict[int, float] | None) -> np.ndarray | float:
    """Relative coverage by age 0..100 from ``{age: factor}`` knots (straight lines, flat outside), or 1."""
    if knots is None:
        return 1.0
    return np.interp(AGES, list(knots), list(knots.values()))


def in_force(start: dt.date, years: np.ndarray) -> np.ndarray:
    """Share of each calendar year on or after ``start`` (0 before its year, 1 after)."""
    first, last = np.array([dt.date(int(y), 1, 1).toordinal() for y in years]), np.array([dt.date(int(y) + 1, 1, 1).toordinal() for y in years])
    return np.clip((last - start.toordinal()) / (last - first), 0.0, 1.0)


def _year_fraction(date: dt.date) -> float:
    """``date`` as a fractional year (2014-10-01 -> 2014.75)."""
    return date.year + (date.toordinal() - dt.date(date.year, 1, 1).toordinal()) / 365.0


def inputs(scenario: Scenario, ctx: Context) -> Inputs:
    """Everything the kernel and the ledger need; the kernel's arrays for years base_year + 1 .. horizon."""
    years = ctx.years
    ep, pol = scenario.employee_pension, scenario.policy.employee_pension
    growth = ctx.growth
    working = ctx.employment * (1.0 - ctx.reached)  # [D, Y, G, A]
    covered = working * coverage_profile(ep.coverage_by_age)
    employer = annual(pol.employer_rate, years)
    employee = annual(pol.employee_rate, years)
    relief = annual(ep.contribution_relief, years) if ep.contribution_relief is not None else 0.0
    common = {
        L.WAGE: ctx.wage,
        L.WAGE_PREV: np.concatenate([ctx.wage[:, :1] / (1.0 + ctx.wage_growth[:, :1]), ctx.wage[:, :-1]], axis=1),
        L.BASIC_ACCRUAL: pol.basic_accrual,
        L.CREDITING: annual(pol.crediting_rate, years),
        L.INDEXATION: rate_then_rule(pol.indexation.increases, pol.indexation.then, years, **growth),
        L.MIN_YEARS: min_contribution_years(scenario.policy.retirement, month_index(years, 12)),
        L.YEAR: years,
        L.DEATH_GRANT: annual(ep.death_grant, years, **growth),
        L.BUY_RATE: ep.short_service.buy_rate,
        L.OLD_AGE: scenario.policy.resident_pension.claim_age,
    }
    cells_common = {
        L.HAZARD: ctx.hazard,
        L.DIVISOR: divisors(scenario, ctx.claim_age),
        L.SHORT_EXIT: ((AGES >= np.array([ep.short_service.continue_until_age[g] for g in GROUPS])[:, None])
                       & (ctx.reached >= 1.0 - 1e-12)).astype(float),
    }  # fmt: skip

    implied = ep.initial.contributors / covered[:, 0].sum(axis=(1, 2))
    init = ep.initial
    enterprise = sector(
        scenario, ctx,
        series=common | {
            L.EMPLOYER_RATE: employer * (1.0 - relief), L.EMPLOYEE_RATE: employee,
            L.BASE_RATIO: np.clip(annual(ep.base_ratio, years), pol.base_floor, pol.base_cap),
            L.COMPLIANCE: annual(ep.compliance, years), L.ACCOUNT_START: float(ep.account_start),
            L.TRANSITIONAL_RATE: ep.transitional_rate,
        },
        cells=cells_common | {
            L.DORMANCY: annual(ep.dormancy_rate, years)[:, None, None],
            L.REACTIVATION: annual(ep.reactivation_rate, years)[:, None, None],
        },
        target=coverage_path(scenario, implied, years)[:, :, None, None] * covered,
        stocks=(init.contributors, init.dormant, init.retirees, init.average_pension),
        service=(init.service_density, init.entry_age),
        account_years=scenario.base_year - ep.account_start,
        members=covered[:, 0],
    )  # fmt: skip
    public, enrolment = None, np.zeros((1, len(years)))
    pub = ep.public_institutions
    if pub is not None:
        contributing = in_force(pub.contributes_from, years)
        shape = shares(working, (2, 3))
        public = sector(
            scenario, ctx,
            series=common | {
                L.EMPLOYER_RATE: employer * contributing, L.EMPLOYEE_RATE: employee * contributing,
                L.BASE_RATIO: np.clip(annual(pub.base_ratio, years), pol.base_floor, pol.base_cap),
                L.COMPLIANCE: 1.0, L.ACCOUNT_START: _year_fraction(pub.contributes_from),
                L.TRANSITIONAL_RATE: pub.transitional_rate,
            },
            cells=cells_common | {L.DORMANCY: 0.0, L.REACTIVATION: 0.0},
            target=annual(pub.staff, years)[None, :, None, None] * shape,
            stocks=(annual(pub.staff, years)[0], 0.0, pub.initial.retirees, pub.initial.average_pension),
            service=(pub.service_density, init.entry_age),
            account_years=max(0.0, scenario.base_year + 1 - _year_fraction(pub.contributes_from)),
        )  # fmt: skip
        enrolment = annual(pub.enrolment, years)[None]
    subsidy = ep.subsidy
    return Inputs(
        enterprise=enterprise,
        public=public,
        enrolment=enrolment,
        pooling_out_rate=annual(ep.pooling.out_rate, years)[None],
        pooling_in_per_retiree=np.atleast_2d(annual(ep.pooling.in_per_retiree, years, **growth)) * ep.pooling.receipt_ratio,
        quota_year=np.array([ep.pooling.in_per_retiree.values[-1][0].year if ep.pooling.quota_uprating == "support_ratio" else 0]),
        subsidy=np.atleast_2d(annual(subsidy.path, years, **growth)) if subsidy.path is not None else np.zeros((1, len(years))),
        subsidy_share=annual(subsidy.share, years)[None] if subsidy.share is not None else np.zeros((1, len(years))),
        balance0=np.array([float(ep.initial.balance)]),
        subsidy_mode=np.array([PATH if subsidy.mode == "share" else SUBSIDY_MODES.index(subsidy.mode)]),
    )


def sector(
    scenario: Scenario,
    ctx: Context,
    series: dict[int, np.ndarray | float],
    cells: dict[int, np.ndarray | float],
    target: np.ndarray,
    stocks: tuple[float, float, float, float],
    service: tuple[float, int],
    account_years: float,
    members: np.ndarray | None = None,
) -> Sector:
    """One sector's kernel arguments from its series and cell columns (values [D or 1, Y] or broadcastable),
    its target of active contributors [D or 1, Y, G, A] and its base-year ``stocks`` (contributors,
    dormant, retirees, average pension a month), members spread over (group, age) like ``members``
    [D, G, A] (default: urban employment below the claim age). The target is an argument of its own:
    it differs by draw where the other cell columns do not, so the draws of a stochastic run share one
    ``cells``; so do the base-year inputs, the same in every draw."""
    years = ctx.years
    packed = np.zeros((_lead(series.values(), 2), len(years), L.N_SERIES))
    for k, v in series.items():
        packed[..., k] = v
    grid = np.zeros((_lead(cells.values(), 4), len(years), len(GROUPS), len(AGES), L.N_CELLS))
    for k, v in cells.items():
        grid[..., k] = v
    working = ctx.employment[:, 0] * (1.0 - ctx.reached[:, 0]) if members is None else members
    base = [shared(x) for x in (working, ctx.reached[:, 0], ctx.population[:, 0], packed[:, 0])]
    state = initial_state(scenario, *base, stocks, service, account_years)
    target = np.broadcast_to(target, np.broadcast_shapes(np.shape(target), (1, len(years), len(GROUPS), len(AGES))))
    return Sector(**state, survival=ctx.survival[:, 1:], series=packed[:, 1:], cells=grid[:, 1:], target=target[:, 1:])


def shared(x: np.ndarray) -> np.ndarray:
    """``x`` [D, ...] with a draw axis of 1 when every draw holds the same values (the base year of a
    stochastic run)."""
    return x[:1] if len(x) > 1 and (x == x[:1]).all() else x


def initial_state(
    scenario: Scenario,
    working: np.ndarray,
    reached: np.ndarray,
    population: np.ndarray,
    series0: np.ndarray,
    stocks: tuple[float, float, float, float],
    service: tuple[float, int],
    account_years: float,
) -> dict[str, np.ndarray]:
    """Base-year stocks [D, ...] of a sector (assumptions, stated in the scenario), from the base year's
    urban employment below the claim age ``working`` [D, G, A], the share past it ``reached`` [D, G, A],
    the population [D, sex, A], the kernel's series of the base year [D, N_SERIES] and the sector's
    ``stocks`` (contributors, dormant, retirees, average pension a month):

    - actives by (g, a) in proportion to ``working``, scaled to ``contributors``; dormant members in the
      same proportions, scaled to ``dormant``;
    - service of a member aged a: ``density x (a - entry_age)`` years (``service`` = (density,
      entry_age)), split between the two whole years around it;
    - account balance per member: employee rate x base ratio x wage of the base year x years contributed
      (at most ``account_years``; accounts credited at about wage growth);
    - retirees by (g, a) in proportion to the population past the claim age, scaled to ``retirees``;
      every retiree draws the average pension.
    """
    contributors, dormant, retirees, average_pension = stocks
    density, entry_age = service
    act_by_age = _scaled(working, contributors)
    dor_by_age = _scaled(working, dormant)
    years_served = np.clip(density * (AGES - entry_age), 0, SERVICE_YEARS - 1)
    low = np.floor(years_served).astype(int)
    frac = years_served - low
    split = np.zeros((len(AGES), SERVICE_YEARS))
    split[AGES, low] += 1.0 - frac
    split[AGES, np.minimum(low + 1, SERVICE_YEARS - 1)] += frac
    act0 = act_by_age[..., None] * split
    dor0 = dor_by_age[..., None] * split
    account = np.minimum(np.arange(SERVICE_YEARS), account_years)
    per_member = (series0[:, L.EMPLOYEE_RATE] * series0[:, L.BASE_RATIO] * series0[:, L.WAGE])[:, None] * account
    group_pop = population[:, SEX_OF_GROUP]
    f55 = annual(scenario.employee_pension.f55_share, [scenario.base_year])[0]
    share = np.array([1.0, f55, 1.0 - f55])
    ret0 = _scaled(group_pop * reached * share[:, None], retirees)
    return {
        "act0": act0,
        "dor0": dor0,
        "kact0": act0 * per_member[:, None, None, :],
        "kdor0": dor0 * per_member[:, None, None, :],
        "ret0": ret0,
        "pen0": ret0 * average_pension * 12.0,
    }


def _scaled(weights: np.ndarray, total: float) -> np.ndarray:
    """``weights`` [D, ...] scaled to sum to ``total`` in each draw (zero where they sum to zero)."""
    s = weights.sum(axis=tuple(range(1, weights.ndim)), keepdims=True)
    return np.where(s > 0, weights * (total / np.where(s > 0, s, 1.0)), 0.0)


def run_kernel(sector: Sector, draws: int = 1, impl: str = "numba") -> np.ndarray:
    """``out[draw, year, L.N_OUTPUTS]`` of one sector for the projected years."""
    from simulator.model.kernels.employee_pension import employee_pension_numba, employee_pension_numpy

    out = np.zeros((draws, sector.series.shape[1], L.N_OUTPUTS))
    kernel = employee_pension_numba if impl == "numba" else employee_pension_numpy
    kernel(*sector.kernel_args(), out)
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
    "new_pensions": L.NEW_PENSIONS,
}
STOCKS = {
    "contributors": L.CONTRIBUTORS,
    "dormant": L.DORMANT,
    "retirees": L.RETIREES,
    "account_balances": L.ACCOUNT_BALANCE,
    "pension_roll": L.PENSION_ROLL,
    "old_members": L.OLD_MEMBERS,
    "old_retirees": L.OLD_RETIREES,
}


def sector_values(sector: Sector, draws: int, impl: str) -> dict[str, np.ndarray]:
    """One sector's kernel results by name, [D, Y] with the base year in front (stocks from the initial
    state, flows NaN)."""
    out = run_kernel(sector, draws, impl)
    old = AGES >= sector.series[:, 0, L.OLD_AGE][:, None, None]  # [D, 1, A]
    base = {
        L.CONTRIBUTORS: sector.act0.sum(axis=(1, 2, 3)),
        L.DORMANT: sector.dor0.sum(axis=(1, 2, 3)),
        L.RETIREES: sector.ret0.sum(axis=(1, 2)),
        L.ACCOUNT_BALANCE: sector.kact0.sum(axis=(1, 2, 3)) + sector.kdor0.sum(axis=(1, 2, 3)),
        L.PENSION_ROLL: sector.pen0.sum(axis=(1, 2)),
        L.OLD_MEMBERS: ((sector.act0 + sector.dor0).sum(axis=3) * old).sum(axis=(1, 2)),
        L.OLD_RETIREES: (sector.ret0 * old).sum(axis=(1, 2)),
    }
    v = {name: with_base(out[..., col]) for name, col in FLOWS.items()}
    return v | {name: with_base(out[..., col], base[col]) for name, col in STOCKS.items()}


def support_factor(quota_year: np.ndarray, years: np.ndarray, insured_employees: np.ndarray, retirees: np.ndarray) -> np.ndarray:
    """``f[d, t] = (IE[t] / R[t]) / (IE[t0] / R[t0])`` for years after ``t0 = quota_year[d]``, else 1:
    national pooling pays out what it raises, so its quota per retiree follows the national number of
    insured employees per retiree; with ``support_ratio`` the region's own ratio stands for the nation's
    (``IE`` the enterprise insured employees, ``R`` the enterprise retirees, [D, Y])."""
    year0 = quota_year.reshape(-1, 1)
    if not (year0 > 0).any():
        return np.ones(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = insured_employees / retirees
    at0 = np.take_along_axis(ratio, np.broadcast_to(np.clip(year0 - years[0], 0, len(years) - 1), (ratio.shape[0], 1)), axis=1)
    return np.where((year0 > 0) & (years > year0), ratio / at0, 1.0)


def project(scenarios: Sequence[Scenario], ctx: Context, impl: str = "numba") -> tuple[xr.Dataset, FundTerms]:
    """The scheme's people and cash flows over (draw, year), base year first, and its fund terms."""
    inp = per_draw(scenarios, ctx, inputs)
    ent = sector_values(inp.enterprise, ctx.draws, impl)
    pub = sector_values(inp.public, ctx.draws, impl) if inp.public is not None else {k: np.zeros_like(x) for k, x in ent.items()}
    e = inp.enrolment
    v = {name: ent[name] + e * pub[name] for name in ent}
    projected = ~np.isnan(ent["contributions"])
    pooling_base = ent["contributors"] + ent["dormant"]
    v["pooling_out"] = np.where(projected, inp.pooling_out_rate * ctx.wage * pooling_base, np.nan)
    v["pooling_in"] = np.where(projected, inp.pooling_in_per_retiree * ent["retirees"] * support_factor(inp.quota_year, ctx.years, pooling_base, ent["retirees"]), np.nan)
    v["transfers_out"] = v["pooling_out"] + v["accounts_to_residents"]
    v["transfers_in"] = v["pooling_in"]
    public_subsidy = e * np.maximum(pub["benefits"] - pub["contributions"], 0.0)
    v["public_subsidy"] = np.where(projected, public_subsidy, np.nan)
    v["subsidy"] = np.where(projected, inp.subsidy + inp.subsidy_share * ent["benefits"] + public_subsidy, np.nan)
    v["insured_employees"] = v["contributors"] + v["dormant"]
    v["insured"] = v["insured_employees"] + v["retirees"]
    v["enterprise_insured"] = ent["contributors"] + ent["dormant"] + ent["retirees"]
    v["enterprise_retirees"] = ent["retirees"]
    v["enterprise_contributions"] = ent["contributions"]
    v["enterprise_benefits"] = ent["benefits"]
    v["enterprise_expenditure"] = ent["benefits"] + ent["other_outgo"] + ent["accounts_to_residents"] + v["pooling_out"]
    v["public_insured"] = e * (pub["contributors"] + pub["retirees"])
    v["public_retirees"] = pub["retirees"]
    v["public_members"] = pub["contributors"] + pub["dormant"] + pub["retirees"]
    v["covered_60_plus"] = ent["old_members"] + ent["old_retirees"] + pub["old_members"] + pub["old_retirees"]
    v["wage_bill"] = v["contributors"] * ctx.contribution_base
    with np.errstate(invalid="ignore", divide="ignore"):
        v["average_pension"] = v["pension_roll"] / v["retirees"] / 12.0
        v["enterprise_average_pension"] = ent["pension_roll"] / ent["retirees"] / 12.0
        v["average_new_pension"] = v["new_pensions"] / v["new_retirees"] / 12.0
        v["replacement_rate"] = v["average_pension"] * 12.0 / ctx.wage
        v["dependency_ratio"] = v["retirees"] / v["contributors"]
    for internal in ("pension_roll", "new_pensions", "old_members", "old_retirees"):
        del v[internal]
    return scheme_dataset(SCHEME, ctx.years, v, ctx.draws), FundTerms(inp.balance0, inp.subsidy_mode)
