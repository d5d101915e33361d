"""Urban-rural residents pension (城乡居民基本养老保险): people, accounts and the fund, in numpy.

People by draw d, year y, sex s, age a (persons at year end; E = entry age 16, C = claim age 60):

    employee members   M[d,y,s,a] = employee contributors[d,y] x W[y,s,a]
                       (W: urban employment below retirement age, normalised: the employee kernel's shape)
    participants       P[d,y,s,a] = coverage[y] x max(pop[y,s,a] - M[d,y,s,a], 0)           E <= a < C
    contributors       density[y] x sum P
    beneficiaries      B[d,y,s,a] = take_up[y] x pop[y,s,a] x max(1 - employee retirees[d,y] / pop_C+[y], 0)   a >= C

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
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from simulator.model.fund import fund_indicators, with_base
from simulator.model.scheme_inputs import AGES, Common, below_retirement, blocks, common
from simulator.model.timeline import annual
from simulator.scenario.params import Uprating
from simulator.scenario.schema import Scenario

Indicators = dict[str, tuple[np.ndarray, str, str]]


def uprating_index(rule: Uprating, wage_growth: np.ndarray, inflation: np.ndarray) -> np.ndarray:
    """I[0] = 1, I[y] = I[y-1] (1 + wage x wage_growth[y] + prices x inflation[y] + fixed)."""
    growth = rule.wage * wage_growth + rule.prices * inflation + rule.fixed
    growth[0] = 0.0
    return np.cumprod(1.0 + growth)


def participant_accounts(paid: np.ndarray, credit: np.ndarray, entry: int, claim: int, years_before: int) -> np.ndarray:
    """K[y, a] (yuan): account of a participant aged a at the end of y. ``paid[y]`` goes in each year
    (density x (contribution + subsidy)); base year: ``min(a - entry + 1, years_before)`` years of the
    base year's ``paid`` (no interest), ``years_before`` = years of accounts up to the base year."""
    Y = len(paid)
    working = (AGES >= entry) & (AGES < claim)
    k = np.zeros((Y, len(AGES)))
    k[0] = np.clip(np.minimum(AGES - entry + 1, years_before), 0, None) * paid[0] * working
    for y in range(1, Y):
        k[y, 1:] = k[y - 1, :-1] * (1.0 + credit[y])
        k[y] = (k[y] + paid[y]) * working
    return k


def account_pensions(
    k: np.ndarray,
    paid0: float,
    credit: np.ndarray,
    entry: int,
    claim: int,
    divisor: float,
    account_start: int,
    base_year: int,
) -> np.ndarray:
    """A[y, a] (yuan / year): account pension of a beneficiary aged a at the end of y, fixed from the
    claim: ``K / divisor x 12`` (the open age carries the pension of those who were 99). Base year:
    those aged a claimed in ``base - (a - claim)`` with one year of ``paid0`` per year of accounts
    before their claim (at most ``claim - entry`` years)."""
    Y = k.shape[0]
    a = np.zeros_like(k)
    claim_year = base_year - (AGES - claim)
    years = np.clip(claim_year - account_start, 0, claim - entry)
    a[0] = np.where(AGES >= claim, years * paid0 / divisor * 12.0, 0.0)
    for y in range(1, Y):
        a[y, claim + 1 :] = a[y - 1, claim:-1]
        a[y, claim] = k[y - 1, claim - 1] * (1.0 + credit[y]) / divisor * 12.0
    return a


def people(scenario: Scenario, employee: dict[str, np.ndarray], c: Common) -> tuple[np.ndarray, np.ndarray]:
    """Participants and beneficiaries [draw, year, sex, age] (persons at year end):

    P = coverage x max(pop - employee contributors x W, 0) for entry_age <= a < claim_age, W the
    employee members' shape (urban employment below retirement age, normalised);
    B = take_up x pop x max(1 - employee retirees / pop[claim_age+], 0) for a >= claim_age."""
    rp, pol = scenario.resident_pension, scenario.policy.resident_pension
    working, old = (AGES >= pol.entry_age) & (AGES < pol.claim_age), AGES >= pol.claim_age
    shape = below_retirement(scenario, employee, c.years)
    shape = shape / shape.sum(axis=(1, 2), keepdims=True)
    members = np.atleast_2d(employee["contributors"])[:, :, None, None] * shape[None]
    eligible = np.maximum(c.population[None] - members, 0.0) * working
    participants = annual(rp.coverage, c.years)[None, :, None, None] * eligible
    pop_old = (c.population * old).sum(axis=(1, 2))
    not_employee = np.clip(1.0 - np.atleast_2d(employee["retirees"]) / pop_old, 0.0, 1.0)
    take_up = annual(rp.take_up, c.years)[None, :, None, None]
    return participants, take_up * not_employee[:, :, None, None] * c.population[None] * old


def transferred_pensions(transfers: np.ndarray, survival: np.ndarray, divisor: float) -> np.ndarray:
    """Pensions paid [draw, T] from accounts transferred in (``transfers`` [draw, T], yuan): each adds
    ``transfer / divisor x 12`` a year to a roll that survives at ``survival[t]`` (the 60+ mean);
    paid = the mean of the rolls at the start and the end of the year."""
    roll = np.zeros_like(transfers)
    previous = np.zeros(transfers.shape[0])
    for t in range(transfers.shape[1]):
        roll[:, t] = previous * survival[t] + transfers[:, t] / divisor * 12.0
        previous = roll[:, t]
    start = np.concatenate([np.zeros((transfers.shape[0], 1)), roll[:, :-1]], axis=1)
    return 0.5 * (start + roll)


def indicators(scenario: Scenario, demography: xr.Dataset, employee: dict[str, np.ndarray]) -> Indicators:
    """Residents-pension indicators ``name: (values[draw, year], units, long name)`` (module docstring)."""
    rp, pol = blocks(scenario, "resident_pension")
    c = common(scenario, demography, employee)
    years, econ, pop, surv = c.years, c.econ, c.population, c.survival
    growth = c.growth
    E, C = pol.entry_age, pol.claim_age

    participants, beneficiaries = people(scenario, employee, c)
    density = annual(rp.contribution_density, years)
    n_part = participants.sum(axis=(2, 3))
    contributors = density * n_part
    n_ben = beneficiaries.sum(axis=(2, 3))

    # contributions, subsidies into accounts, accounts
    index = uprating_index(rp.tier_uprating, econ.wage_growth, econ.inflation)
    tiers = np.array(list(rp.tier_shares))
    shares = np.array(list(rp.tier_shares.values()))
    shares = shares / shares.sum()
    per_contributor = (shares * tiers).sum() * index
    entry_subsidy = (shares * np.array([rp.tier_subsidies[t] for t in rp.tier_shares])).sum() * index
    paid = density * (per_contributor + entry_subsidy)
    credit = annual(rp.crediting_rate, years)
    k = participant_accounts(paid, credit, E, C, scenario.base_year - rp.account_start + 1)
    acc = account_pensions(k, paid[0], credit, E, C, pol.account_divisor, rp.account_start, scenario.base_year)

    # benefits
    minimum = annual(pol.minimum_pension, years, **growth)
    basic_monthly = minimum + annual(rp.top_up, years, **growth)
    mid = 0.5 * (n_ben[:, :-1] + n_ben[:, 1:])
    basic = mid * basic_monthly[None, 1:] * 12.0
    roll = (beneficiaries * acc[None, :, None, :]).sum(axis=(2, 3))
    from_accounts = 0.5 * (roll[:, :-1] + roll[:, 1:])
    transfers_in = np.nan_to_num(np.atleast_2d(employee["account_transfers"])[:, 1:])
    old = AGES >= C
    old_survival = (pop[:-1] * surv[1:] * old).sum(axis=(1, 2)) / (pop[:-1] * old).sum(axis=(1, 2))
    from_transfers = transferred_pensions(transfers_in, old_survival, pol.account_divisor)
    benefits = basic + from_accounts + from_transfers

    # other outgo: accounts of participants who died, paid to heirs
    dying = participants[:, :-1] * (1.0 - surv[None, 1:])
    inherited = (dying * k[None, :-1, None, :]).sum(axis=(2, 3))

    central = annual(rp.central_share, years)[None, 1:] * minimum[None, 1:] * 12.0 * mid
    local = basic - central + contributors[:, 1:] * entry_subsidy[None, 1:]
    lines = {
        "contributions": contributors[:, 1:] * per_contributor[None, 1:],
        "subsidy": central + local,
        "transfers_in": transfers_in,
        "benefits": benefits,
        "other_outgo": inherited,
        "transfers_out": np.zeros_like(benefits),
    }
    notes = {
        "contributions": "individual contributions (tier mix)",
        "subsidy": "government subsidies: basic pensions (central + local) and entry subsidies into accounts",
        "transfers_in": "account balances of employee members short of the minimum years",
        "benefits": "basic pensions + account pensions (own and transferred accounts)",
        "other_outgo": "accounts of participants who died, paid to heirs",
        "transfers_out": "none",
    }
    out = fund_indicators(rp.initial.balance, econ.fund_return[1:], lines, notes)
    stocks = {
        "insured": (n_part + n_ben, "persons", "participants + beneficiaries at year end"),
        "participants": (n_part, "persons", f"participants aged {E}-{C - 1} at year end"),
        "contributors": (contributors, "persons", "participants who paid in the year"),
        "beneficiaries": (n_ben, "persons", f"residents {C}+ drawing the residents pension at year end"),
        "account_balances": (
            (participants * k[None, :, None, :]).sum(axis=(2, 3)),
            "yuan",
            "individual accounts of participants (notional)",
        ),
    }
    out |= stocks
    flows = {
        "basic_pensions": (basic, "yuan", "basic pensions paid"),
        "account_pensions": (from_accounts, "yuan", "pensions from own individual accounts"),
        "transferred_account_pensions": (
            from_transfers,
            "yuan",
            "pensions from accounts transferred from the employee scheme",
        ),
        "central_subsidy": (central, "yuan", "central budget: its share of the national minimum basic pension"),
        "local_subsidy": (local, "yuan", "local budgets: rest of the basic pension and the entry subsidies"),
        "entry_subsidies": (
            contributors[:, 1:] * entry_subsidy[None, 1:],
            "yuan",
            "government subsidies into accounts",
        ),
        "transferred_in": (
            np.nan_to_num(np.atleast_2d(employee["exits"])[:, 1:]),
            "persons",
            "employee members short of the minimum years who joined",
        ),
    }
    out |= {name: (with_base(v), unit, long) for name, (v, unit, long) in flows.items()}
    with np.errstate(invalid="ignore", divide="ignore"):
        out["average_pension"] = (
            with_base(benefits / mid / 12.0),
            "yuan/month",
            "benefits / mid-year beneficiaries / 12",
        )
        out["dependency_ratio"] = (n_ben / contributors, "1", "beneficiaries / contributors")
    out["basic_pension"] = (
        np.broadcast_to(basic_monthly, n_ben.shape).copy(),
        "yuan/month",
        "basic pension: national minimum + local top-up",
    )
    out["minimum_pension"] = (
        np.broadcast_to(minimum, n_ben.shape).copy(),
        "yuan/month",
        "national minimum basic pension",
    )
    return out
