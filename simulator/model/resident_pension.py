"""Urban-rural residents pension (城乡居民基本养老保险): people, accounts and the fund, in numpy.

People by draw d, year y, sex s, age a (persons at year end; E = entry age 16, C = claim age 60):

    employee members   M[d,y,s,a] = employee contributors[d,y] x W[d,y,s,a]
                       (W: urban employment below retirement age, normalised: the employee kernel's shape)
    participants       P[d,y,s,a] = coverage[y] x max(pop[y,s,a] - M[d,y,s,a], 0)           E <= a < C
    contributors       density[y] x sum P
    beneficiaries      B[d,y,s,a] = take_up[y] x pop[y,s,a] x max(1 - E60[d,y] / pop_C+[y], 0)   a >= C
                       (E60: employee members and retirees aged C+, both sectors: people the reform holds
                       at work are members, not residents beneficiaries)

Money (yuan; a mid-year stock is the mean of the stocks at the ends of y-1 and y):

    tiers              c[y] = sum_k share_k x tier_k x I[y],  g[y] = sum_k share_k x subsidy_k x I[y]
                       (I: the tier uprating index, 1 in the base year)
    contributions      contributors x c[y]
    account per participant aged a (same for both sexes; credited at the crediting rate i[y]):
                       K[y,a] = K[y-1,a-1] (1 + i[y]) + density[y] (c[y] + g[y])
    account pension    at the claim age: K[y-1, C-1] (1 + i[y]) / 139 x 12 a year, fixed in nominal terms
    basic pension      (minimum[y] + top_up[y]) x 12 a year, the same for every beneficiary
    benefits           mid-year B x basic + mid-year sum B x account pension + pensions of accounts
                       transferred in from the employee scheme (transfer / 139 x 12, surviving with the 60+)
    subsidy            central = central_share x minimum x 12 x mid-year B;
                       local = basic pensions - central + entry subsidies (contributors x g[y])
    other outgo        accounts of participants who died, paid to their heirs
    transfers in       account balances of employee members short of the minimum years

Every array has a leading draw axis (:mod:`simulator.model.context`); parameters of the scenario
are one path [Y] shared by the draws.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from simulator.dims import AGES
from simulator.model.context import Context
from simulator.model.fund import PATH, FundTerms
from simulator.model.labels import scheme_dataset, with_base
from simulator.model.schemes import below_retirement, over_draws, require, shares
from simulator.model.timeline import annual
from simulator.scenario.params import Uprating
from simulator.scenario.schema import Scenario

SCHEME = "resident_pension"


def uprating_index(rule: Uprating, wage_growth: np.ndarray, inflation: np.ndarray) -> np.ndarray:
    """I[..., 0] = 1, I[..., y] = I[..., y-1] (1 + wage x wage_growth[y] + prices x inflation[y] + fixed)."""
    growth = rule.wage * wage_growth + rule.prices * inflation + rule.fixed
    growth[..., 0] = 0.0
    return np.cumprod(1.0 + growth, axis=-1)


def participant_accounts(paid: np.ndarray, credit: np.ndarray, entry: int, claim: int, years_before: int) -> np.ndarray:
    """K[d, y, a] (yuan): account of a participant aged a at the end of y. ``paid[d, y]`` goes in each year
    (density x (contribution + subsidy)); base year: ``min(a - entry + 1, years_before)`` years of the
    base year's ``paid`` (no interest), ``years_before`` = years of accounts up to the base year."""
    D, Y = paid.shape
    working = (AGES >= entry) & (AGES < claim)
    k = np.zeros((D, Y, len(AGES)))
    k[:, 0] = np.clip(np.minimum(AGES - entry + 1, years_before), 0, None) * paid[:, :1] * working
    for y in range(1, Y):
        k[:, y, 1:] = k[:, y - 1, :-1] * (1.0 + credit[y])
        k[:, y] = (k[:, y] + paid[:, y : y + 1]) * working
    return k


def account_pensions(
    k: np.ndarray,
    paid0: np.ndarray,
    credit: np.ndarray,
    entry: int,
    claim: int,
    divisor: float,
    account_start: int,
    base_year: int,
) -> np.ndarray:
    """A[d, y, a] (yuan / year): account pension of a beneficiary aged a at the end of y, fixed from the
    claim: ``K / divisor x 12`` (the open age carries the pension of those who were 99). Base year:
    those aged a claimed in ``base - (a - claim)`` with one year of ``paid0[d]`` per year of accounts
    before their claim (at most ``claim - entry`` years)."""
    Y = k.shape[1]
    a = np.zeros_like(k)
    claim_year = base_year - (AGES - claim)
    years = np.clip(claim_year - account_start, 0, claim - entry)
    a[:, 0] = np.where(AGES >= claim, years * paid0[:, None] / divisor * 12.0, 0.0)
    for y in range(1, Y):
        a[:, y, claim + 1 :] = a[:, y - 1, claim:-1]
        a[:, y, claim] = k[:, y - 1, claim - 1] * (1.0 + credit[y]) / divisor * 12.0
    return a


def people(scenario: Scenario, employee: xr.Dataset, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Participants [draw, year, sex, entry_age..claim_age - 1] and beneficiaries [draw, year, sex,
    claim_age..100] (persons at year end; nobody outside those ages):

    P = coverage x max(pop - employee contributors x W, 0) for entry_age <= a < claim_age, W the
    employee members' shape (urban employment below retirement age, normalised);
    B = take_up x pop x max(1 - E60 / pop[claim_age+], 0) for a >= claim_age, E60 the employee scheme's
    members and retirees aged claim_age+ (held at work by the reform or retired: not residents beneficiaries)."""
    rp, pol = scenario.resident_pension, scenario.policy.resident_pension
    working, old = slice(pol.entry_age, pol.claim_age), slice(pol.claim_age, None)
    below = below_retirement(ctx)
    shape = shares(below, (2, 3))[..., working]
    members = employee["contributors"].values[:, :, None, None] * shape
    eligible = np.maximum(ctx.population[..., working] - members, 0.0)
    participants = annual(rp.coverage, ctx.years)[None, :, None, None] * eligible
    pop_old = ctx.population[..., old]
    not_employee = np.clip(1.0 - employee["covered_60_plus"].values / pop_old.sum(axis=(2, 3)), 0.0, 1.0)
    take_up = annual(rp.take_up, ctx.years)[None, :, None, None]
    return participants, take_up * not_employee[:, :, None, None] * pop_old


def weighted(people: np.ndarray, per_head: np.ndarray) -> np.ndarray:
    """sum over sex and age of people[d, y, s, a] x per_head[d or 1, y, a]: [D, Y] (no temporary array)."""
    per_head = np.broadcast_to(per_head, people.shape[:2] + people.shape[3:])
    return np.einsum("dysa,dya->dy", people, per_head)


def transferred_pensions(transfers: np.ndarray, survival: np.ndarray, divisor: float) -> np.ndarray:
    """Pensions paid [draw, T] from accounts transferred in (``transfers`` [draw, T], yuan): each adds
    ``transfer / divisor x 12`` a year to a roll that survives at ``survival[draw, t]`` (the 60+ mean);
    paid = the mean of the rolls at the start and the end of the year."""
    roll = np.zeros(np.broadcast_shapes(transfers.shape, survival.shape))
    previous = np.zeros(roll.shape[0])
    for t in range(roll.shape[1]):
        roll[:, t] = previous * survival[:, t] + transfers[:, t] / divisor * 12.0
        previous = roll[:, t]
    start = np.concatenate([np.zeros((roll.shape[0], 1)), roll[:, :-1]], axis=1)
    return 0.5 * (start + roll)


@over_draws
def project(scenario: Scenario, ctx: Context, employee: xr.Dataset, impl: str = "numba") -> tuple[xr.Dataset, FundTerms]:
    """The scheme's people and cash flows over (draw, year), base year first, and its fund terms
    (called with one scenario per draw or one for all draws: :func:`simulator.model.schemes.over_draws`)."""
    rp, pol = require(scenario, SCHEME)
    years, pop, surv, growth = ctx.years, ctx.population, ctx.survival, ctx.growth
    E, C = pol.entry_age, pol.claim_age
    working, old = slice(E, C), slice(C, None)

    participants, beneficiaries = people(scenario, employee, ctx)  # ages E..C-1 and C..100
    density = annual(rp.contribution_density, years)
    n_part = participants.sum(axis=(2, 3))
    contributors = density * n_part
    n_ben = beneficiaries.sum(axis=(2, 3))

    # contributions, subsidies into accounts, accounts
    index = uprating_index(rp.tier_uprating, ctx.wage_growth, ctx.inflation)
    tiers = np.array(list(rp.tier_shares))
    weights = np.array(list(rp.tier_shares.values()))
    weights = weights / weights.sum()
    per_contributor = (weights * tiers).sum() * index
    entry_subsidy = (weights * np.array([rp.tier_subsidies[t] for t in rp.tier_shares])).sum() * index
    paid = density * (per_contributor + entry_subsidy)
    credit = annual(rp.crediting_rate, years)
    k = participant_accounts(paid, credit, E, C, scenario.base_year - rp.account_start + 1)
    acc = account_pensions(k, paid[:, 0], credit, E, C, pol.account_divisor, rp.account_start, scenario.base_year)

    # benefits
    minimum = annual(pol.minimum_pension, years, **growth)
    basic_monthly = minimum + annual(rp.top_up, years, **growth)
    mid = 0.5 * (n_ben[:, :-1] + n_ben[:, 1:])
    basic = mid * np.atleast_2d(basic_monthly)[:, 1:] * 12.0
    roll = weighted(beneficiaries, acc[..., old])
    from_accounts = 0.5 * (roll[:, :-1] + roll[:, 1:])
    transfers_in = np.nan_to_num(employee["accounts_to_residents"].values[:, 1:])
    pop_old, surv_old = pop[:, :-1, :, old], surv[:, 1:, :, old]
    old_survival = np.einsum("dysa,dysa->dy", pop_old, np.broadcast_to(surv_old, pop_old.shape)) / pop_old.sum(axis=(2, 3))
    from_transfers = transferred_pensions(transfers_in, old_survival, pol.account_divisor)
    benefits = basic + from_accounts + from_transfers

    # other outgo: accounts of participants who died, paid to heirs
    dying = participants[:, :-1] * (1.0 - surv[:, 1:, :, working])
    inherited = weighted(dying, k[:, :-1, working])

    central = annual(rp.central_share, years)[None, 1:] * np.atleast_2d(minimum)[:, 1:] * 12.0 * mid
    local = basic - central + contributors[:, 1:] * entry_subsidy[:, 1:]
    flows = {
        "contributions": contributors[:, 1:] * per_contributor[:, 1:],
        "subsidy": central + local,
        "transfers_in": transfers_in,
        "benefits": benefits,
        "other_outgo": inherited,
        "transfers_out": np.zeros_like(benefits),
        "basic_pensions": basic,
        "account_pensions": from_accounts,
        "transferred_account_pensions": from_transfers,
        "central_subsidy": central,
        "local_subsidy": local,
        "entry_subsidies": contributors[:, 1:] * entry_subsidy[:, 1:],
        "joined_from_employee": np.nan_to_num(employee["moved_to_residents"].values[:, 1:]),
    }
    v = {name: with_base(value) for name, value in flows.items()}
    v |= {
        "insured": n_part + n_ben,
        "participants": n_part,
        "contributors": contributors,
        "beneficiaries": n_ben,
        "account_balances": weighted(participants, k[..., working]),
        "monthly_basic_pension": basic_monthly,
        "monthly_minimum_pension": minimum,
    }
    with np.errstate(invalid="ignore", divide="ignore"):  # undefined (NaN), never infinite, without beneficiaries
        v["average_pension"] = with_base(np.where(mid > 0.0, benefits / mid / 12.0, np.nan))
        v["dependency_ratio"] = np.where(contributors > 0.0, n_ben / contributors, np.nan)
    terms = FundTerms(np.array([float(rp.initial.balance)]), np.array([PATH]))
    return scheme_dataset(SCHEME, years, v, ctx.draws), terms
