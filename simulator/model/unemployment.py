"""Unemployment insurance (失业保险): insured, recipients by months of benefit left, the fund.

Per draw d and year y (persons and yuan; stocks at year end, flows on them):

    insured         N[y] = coverage[y] x urban employment below the statutory retirement age
    contributors    = insured
    contributions   rate[y] x compliance[y] x base[y] x N[y]   (base = employee base ratio x average wage;
                    compliance 1 when the scenario gives none)
    claimants       inflow_rate[y] x take_up[y] x N[y], split by potential duration P (months):
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

import numpy as np
import xarray as xr

from simulator.dims import AGES, GROUPS
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


def duration_mix(scenario: Scenario, years: np.ndarray, insured: np.ndarray) -> np.ndarray:
    """mix[y, r]: share of year y's claimants with a potential duration of r + 1 months, from the
    insured by sex and age ``insured[y, s, a]``, birth and claim months even over the year."""
    months, shares = entitlements(scenario)
    policy = scenario.policy.retirement
    n = int(months.max()) + 12
    effective = scenario.policy.unemployment.extension_effective
    effective = month_index(effective.year, effective.month) if policy.reform else np.iinfo(np.int64).max
    f55 = annual(scenario.employee_pension.f55_share, years)
    ages = AGES[None, :, None, None]
    birth_month = np.arange(1, 13)[None, None, :, None]
    claim_month = np.arange(1, 13)[None, None, None, :]
    mix = np.zeros((len(years), n))
    for i, year in enumerate(years):
        born = month_index(year - ages, birth_month)  # (1, A, 12, 1)
        claim = month_index(year, claim_month)  # (1, 1, 1, 12)
        weights = np.stack([insured[i, 0], f55[i] * insured[i, 1], (1.0 - f55[i]) * insured[i, 1]])
        for g, group in enumerate(GROUPS):
            left = born + retirement_age_months(policy, group, born) - claim  # (1, A, 12, 12)
            w = np.broadcast_to(weights[g][None, :, None, None], left.shape) * (left > 0)
            for e, share in zip(months, shares):
                p = potential_duration(left, e, claim + e - 1 >= effective)
                ok = (p >= 1) & (w > 0)
                mix[i] += share * np.bincount(np.minimum(p[ok], n) - 1, weights=w[ok], minlength=n)
    total = mix.sum(axis=1, keepdims=True)
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

    claim_rate = annual(ui.inflow_rate, years) * annual(ui.take_up, years)
    mix = np.stack([duration_mix(scenario, years, b) for b in below])  # [D or 1, Y, N]
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
