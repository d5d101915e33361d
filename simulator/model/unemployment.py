"""Unemployment insurance (失业保险): insured, recipients by months of benefit left, the fund.

Per draw d and year y (persons and yuan; stocks at year end, flows on them):

    insured         N[y] = coverage[y] x urban employment below the statutory retirement age
    contributors    = insured
    contributions   rate[y] x compliance[y] x base[y] x N[y]   (base = employee base ratio x average wage;
                    compliance 1 when the scenario gives none)
    claimants       inflow_rate[y] x take_up[y] x claims factor[d, y] x N[y] (the factor: 1, or the
                    draw's unemployment shock, see the context), split by potential duration P (months):
                    entitlement E by contribution years (12 / 18 / 24 months), cut at the months d
                    left to the statutory retirement age, or, once the 2024 rule is in force (the
                    benefit would still run on its effective date), extended to it when it would
                    end less than 12 months before it:
                    P = d if extended and E < d < E + 12, else min(E, d)
    recipients      the kernel (monthly steps, re-employment rate q per month); see
                    :mod:`simulator.model.kernels.unemployment`
    benefits        recipient-months x (benefit ratio x minimum wage + medical contribution)
    other outgo     job-stabilisation refunds (refund share x last year's contributions)
                    + skills subsidies (claim rate x N x amount)

Claimants are spread over ages in proportion to the insured and over birth and claim months evenly.
The base-year stock of recipients is the steady state of the base year's claimants (the draws share
the base year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.dims import AGES, GROUPS, SEX_OF_GROUP
from simulator.model.context import Context
from simulator.model.fund import PATH, FundTerms
from simulator.model.kernels import unemployment as K
from simulator.model.labels import scheme_dataset, with_base
from simulator.model.retirement import month_index, retirement_age_months
from simulator.model.schemes import covered, over_draws, require
from simulator.model.timeline import annual
from simulator.scenario.schema import Scenario

SCHEME = "unemployment"


def potential_duration(
    months_left: np.ndarray, entitlement: int | np.ndarray, extended: np.ndarray | bool
) -> np.ndarray:
    """Months a claimant can be paid: ``d`` (months to retirement age) when the 2024 rule applies and
    the entitlement ``E`` would end less than 12 months before it, else ``min(E, d)``."""
    d = np.asarray(months_left)
    return np.where(np.asarray(extended) & (d > entitlement) & (d < entitlement + 12), d, np.minimum(entitlement, d))


def entitlements(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(months E_j, share_j) of claimants by contribution-years band (shares normalised): E = the
    statutory months of the largest threshold at or below the band's years."""
    table = scenario.policy.unemployment.duration_months
    bands = scenario.unemployment.claimant_years
    thresholds = np.array(list(table))
    months = [
        table[int(thresholds[thresholds <= years].max())] if (thresholds <= years).any() else 0 for years in bands
    ]
    shares = np.array(list(bands.values()))
    return np.array(months), shares / shares.sum()


@dataclass(frozen=True)
class DurationTable:
    """Claims by potential duration, per insured person of a (year, sex, age) cell, for the years of a
    run (women split F55 / F50 by ``f55_share``):

    a cell is *far* from retirement when each of its claimants, whatever the group, birth and claim
    month, gets the full entitlement: its row is ``full`` (counts over the 12 x 12 birth and claim
    months, weighted by the entitlement shares) and ``far`` [Y, sex, A] holds 1. The other cells with
    claims (ages near a retirement age) are listed per year: ``rows[y, j]`` [Y, M, n] for the cells
    ``(sex[y, j], age[y, j])`` [Y, M] (padded with empty rows)."""

    far: np.ndarray
    full: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    rows: np.ndarray


_TABLES: dict[str, DurationTable] = {}


def duration_table(scenario: Scenario, years: np.ndarray) -> DurationTable:
    """:func:`make_duration_table`, kept for the scenario parts it reads (a run of many blocks of draws
    builds it once)."""
    parts = (scenario.policy.retirement, scenario.policy.unemployment, scenario.employee_pension.f55_share)
    key = "|".join(p.model_dump_json() for p in parts) + repr(scenario.unemployment.claimant_years) + repr(list(years))
    if key not in _TABLES:
        if len(_TABLES) >= 8:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = make_duration_table(scenario, years)
    return _TABLES[key]


def make_duration_table(scenario: Scenario, years: np.ndarray) -> DurationTable:
    """The claims of each (year, sex, age) cell by potential duration r + 1 months (r = 0..n-1), birth
    and claim months even over the year: counts of the 144 (birth, claim) month pairs whose potential
    duration is r + 1, weighted by the entitlement shares and, for women, the F55 / F50 split."""
    months, shares = entitlements(scenario)
    policy = scenario.policy.retirement
    n = int(months.max()) + 12
    effective = scenario.policy.unemployment.extension_effective
    effective = month_index(effective.year, effective.month) if policy.reform else np.iinfo(np.int64).max
    f55 = annual(scenario.employee_pension.f55_share, years)
    ages = AGES[None, :, None, None]
    birth_month = np.arange(1, 13)[None, None, :, None]
    claim_month = np.arange(1, 13)[None, None, None, :]
    counts = np.zeros((len(years), 2, len(AGES), n))
    cell = np.arange(len(AGES))[:, None, None] * n  # flat (age, duration) index of each age's row
    for i, year in enumerate(years):
        born = month_index(year - ages, birth_month)  # (1, A, 12, 1)
        claim = month_index(year, claim_month)  # (1, 1, 1, 12)
        for g, group in enumerate(GROUPS):
            left = (born + retirement_age_months(policy, group, born) - claim)[0]  # (A, 12, 12)
            weight = (1.0, f55[i], 1.0 - f55[i])[g]
            for e, share in zip(months, shares):
                p = potential_duration(left, e, (claim + e - 1 >= effective)[0])
                ok = (left > 0) & (p >= 1)
                found = np.bincount((cell + np.minimum(p, n) - 1)[ok], minlength=len(AGES) * n)
                counts[i, SEX_OF_GROUP[g]] += weight * share * found.reshape(len(AGES), n)
    full = np.zeros(n)
    np.add.at(full, months - 1, 144.0 * shares)
    far = np.all(np.abs(counts - full) <= 1e-12 * full.sum(), axis=-1)
    near = ~far & (counts.sum(axis=-1) > 0)
    width = max(int(near.sum(axis=(1, 2)).max()), 1)
    sex, age = np.zeros((len(years), width), dtype=np.int64), np.zeros((len(years), width), dtype=np.int64)
    rows = np.zeros((len(years), width, n))
    for i in range(len(years)):
        s, a = np.nonzero(near[i])
        sex[i, : len(s)], age[i, : len(s)], rows[i, : len(s)] = s, a, counts[i, s, a]
    return DurationTable(far.astype(float), full, sex, age, rows)


def duration_mix(scenario: Scenario, years: np.ndarray, insured: np.ndarray) -> np.ndarray:
    """mix[..., y, r]: share of year y's claimants with a potential duration of r + 1 months, from the
    insured by sex and age ``insured[..., y, s, a]``, claims in proportion to them::

        mix[y, r] = sum_(s, a) N[y, s, a] C[y, s, a, r] / sum_(s, a, r) (...)

    with C the :func:`duration_table` (the rows far from retirement, all equal, added up once)."""
    table = duration_table(scenario, years)
    mix = (insured * table.far).sum(axis=(-2, -1))[..., None] * table.full
    near = insured[..., np.arange(len(years))[:, None], table.sex, table.age]  # [..., Y, M]
    mix += np.einsum("...ym,ymr->...yr", near, table.rows)
    total = mix.sum(axis=-1, keepdims=True)
    return np.divide(mix, total, out=np.zeros_like(mix), where=total > 0)


def run_kernel(
    stock0: np.ndarray, inflow: np.ndarray, reemployment: np.ndarray, draws: int, impl: str = "numba"
) -> tuple[np.ndarray, np.ndarray]:
    """(out[draw, year, K.N_OUTPUTS], end[draw, N])."""
    out = np.zeros((draws, inflow.shape[1], K.N_OUTPUTS))
    end = np.zeros((draws, inflow.shape[2]))
    kernel = K.unemployment_numba if impl == "numba" else K.unemployment_numpy
    kernel(stock0, inflow, reemployment, out, end)
    return out, end


def steady_state(claims: float, mix: np.ndarray, reemployment: float, impl: str = "numba") -> np.ndarray:
    """Recipients by months left that ``claims`` a year with potential durations ``mix`` build when they
    have held for longer than the longest duration (the kernel run on them from zero)."""
    years = len(mix) // 12 + 2
    inflow = np.full((1, years, 1), claims) * mix[None, None]
    _, end = run_kernel(np.zeros(len(mix)), inflow, np.full((1, years), reemployment), 1, impl)
    return end[0]


@over_draws
def project(scenario: Scenario, ctx: Context, employee: xr.Dataset, impl: str = "numba") -> tuple[xr.Dataset, FundTerms]:
    """The scheme's people and cash flows over (draw, year), base year first, and its fund terms
    (called with one scenario per draw or one for all draws: :func:`simulator.model.schemes.over_draws`)."""
    ui, pol = require(scenario, SCHEME)
    years, D, growth = ctx.years, ctx.draws, ctx.growth
    below, insured = covered(ctx, ui.coverage)
    collected = annual(ui.compliance, years) if ui.compliance is not None else 1.0
    contributions = annual(pol.rate, years) * collected * ctx.contribution_base * insured  # [D, Y], the base year too (for refunds)

    claim_rate = annual(ui.inflow_rate, years) * annual(ui.take_up, years) * ctx.claims_factor
    mix = duration_mix(scenario, years, below)  # [D or 1, Y, N]
    claimants = claim_rate * insured
    reemployment = annual(ui.reemployment_rate, years)
    stock0 = steady_state(claimants[0, 0], mix[0, 0], reemployment[0], impl)
    out, _ = run_kernel(stock0, claimants[:, 1:, None] * mix[:, 1:], reemployment[None, 1:], D, impl)
    months = out[..., K.MONTHS]

    benefit = annual(ui.benefit_ratio, years) * annual(ui.minimum_wage, years, **growth)
    medical_rate = annual(ui.medical_contribution, years, **growth)
    paid = months * np.atleast_2d(benefit)[:, 1:]
    medical = months * np.atleast_2d(medical_rate)[:, 1:]
    refunds = annual(ui.stabilisation_refund, years)[None, 1:] * contributions[:, :-1]
    skills = annual(ui.skills_subsidy.claim_rate, years) * insured * annual(ui.skills_subsidy.amount, years, **growth)
    zero = np.zeros_like(paid)
    flows = {
        "contributions": contributions[:, 1:],
        "subsidy": zero,
        "transfers_in": zero,
        "benefits": paid + medical,
        "other_outgo": refunds + skills[:, 1:],
        "transfers_out": zero,
        "claimants": out[..., K.CLAIMANTS],
        "recipients": months / 12.0,
        "benefit_months": months,
        "reemployed": out[..., K.REEMPLOYED],
        "exhausted": out[..., K.EXHAUSTED],
        "unemployment_benefits": paid,
        "medical_contributions": medical,
        "stabilisation_refunds": refunds,
        "skills_subsidies": skills[:, 1:],
    }
    v = {name: with_base(value) for name, value in flows.items()}
    v |= {
        "insured": insured,
        "contributors": insured.copy(),
        "beneficiaries": with_base(out[..., K.RECIPIENTS], stock0.sum()),
        "monthly_benefit": benefit,
        "wage_bill": insured * ctx.contribution_base,
    }
    terms = FundTerms(np.array([float(ui.initial.balance)]), np.array([PATH]))
    return scheme_dataset(SCHEME, years, v, D), terms
