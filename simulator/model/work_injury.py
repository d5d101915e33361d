"""Work-injury insurance (工伤保险): insured, injuries, long-term pensioners and the fund.

Per draw d and year y (persons and yuan; stocks at year end, flows on them; w = own monthly wage
= base[y] / 12, base = employee base ratio x average wage):

    insured            N[y] = coverage[y] x urban employment below the statutory retirement age
    contributions      rate[y] x compliance[y] x base[y] x N[y]   (employers only; compliance 1 when the
                       scenario gives none)
    new injuries       J[y] = incidence[y] x N[y]: deaths = death_share x J, grade k = share_k x J,
                       spread over sex and age like the insured
    lump sums          sum_k grade_k x months_k x w                    (grades 1-10)
    allowances         grades 1-4: allowance_k x w x 12 a year until retirement age
    survivor pensions  spouses (spouse_share per death, same age, other sex, for life) at 40% and
                       other dependants (other_dependants per death, leaving at other_exit_rate) at
                       30% each of the deceased's wage x 12, scaled down to the cap (100%) on average
    funeral grants     deaths x 6 x previous-year average monthly wage
    death grants       deaths x 20 x previous-year national urban per-capita disposable income
    medical            J x medical cost per injury
    benefits           all of the above

Allowances and survivor pensions are indexed each January (``indexation``); the stocks survive
with the population's mortality (grades 1-4: ``disabled_mortality`` times it) in the kernel
:mod:`simulator.model.kernels.work_injury`. Base-year stocks: those that ``history_years`` years
of the base year's injuries (base-year wage, survival and retirement ages, no indexation) leave
(the draws share the base year).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from simulator.model.context import Context
from simulator.model.fund import PATH, FundTerms
from simulator.model.kernels import work_injury as K
from simulator.model.labels import scheme_dataset, with_base
from simulator.model.schemes import covered, over_draws, require, shares
from simulator.model.timeline import annual, rate_then_rule
from simulator.scenario.schema import Scenario
from simulator.scenario.work_injury import LONG_TERM_GRADES

SCHEME = "work_injury"
SPOUSES = len(LONG_TERM_GRADES)  # the kernel layer of spouses, after grades 1-4


def run_kernel(inputs: dict[str, np.ndarray], draws: int, impl: str = "numba") -> tuple[np.ndarray, ...]:
    """(out[draw, year, K.N_OUTPUTS], end_people, end_pay, end_others); ``inputs``: the kernel's arguments."""
    people0 = inputs["people0"]
    out = np.zeros((draws, inputs["series"].shape[1], K.N_OUTPUTS))
    ends = (np.zeros((draws, *people0.shape)), np.zeros((draws, *people0.shape)), np.zeros((draws, 2)))
    kernel = K.work_injury_numba if impl == "numba" else K.work_injury_numpy
    kernel(
        people0, inputs["pay0"], inputs["others0"], inputs["survival"], inputs["retire"], inputs["new_count"],
        inputs["new_dist"], inputs["flip"], inputs["series"], inputs["factor"], inputs["retires"], out, *ends,
    )  # fmt: skip
    return (out, *ends)


@over_draws
def project(scenario: Scenario, ctx: Context, employee: xr.Dataset, impl: str = "numba") -> tuple[xr.Dataset, FundTerms]:
    """The scheme's people and cash flows over (draw, year), base year first, and its fund terms
    (called with one scenario per draw or one for all draws: :func:`simulator.model.schemes.over_draws`)."""
    wi, pol = require(scenario, SCHEME)
    years, D, growth = ctx.years, ctx.draws, ctx.growth
    below, insured = covered(ctx, wi.coverage)
    collected = annual(wi.compliance, years) if wi.compliance is not None else 1.0
    contributions = annual(wi.rate, years) * collected * ctx.contribution_base * insured
    injuries = annual(wi.incidence, years) * insured
    deaths = annual(wi.death_share, years) * injuries
    wage_month = ctx.contribution_base / 12.0  # [D or 1, Y]
    grade_share = np.array(list(wi.grade_shares.values()))
    months = np.array(list(pol.lump_sum_months.values()))
    lump_sums = injuries * (grade_share * months).sum() * wage_month

    # new long-term pensioners by layer, sex and age; payments per head
    dist = shares(below, (2, 3))  # (D or 1, Y, 2, A)
    spouse_share = annual(wi.spouse_share, years)
    total_rate = spouse_share * pol.spouse_rate + wi.other_dependants * pol.other_dependant_rate
    cap = np.minimum(1.0, np.divide(pol.survivor_cap, total_rate, out=np.ones_like(total_rate), where=total_rate > 0))
    new_count = np.stack([wi.grade_shares[grade] * injuries for grade in LONG_TERM_GRADES] + [spouse_share * deaths], axis=-1)
    flip = np.array([0] * len(LONG_TERM_GRADES) + [1])  # spouses: the other sex
    series = np.zeros((D, len(years), K.N_SERIES))
    series[..., K.INDEXATION] = rate_then_rule(wi.indexation.increases, wi.indexation.then, years, **growth)
    series[..., K.NEW_OTHERS] = wi.other_dependants * deaths
    series[..., K.OTHER_PAY] = pol.other_dependant_rate * cap * wage_month * 12.0
    series[..., K.OTHER_EXIT] = annual(wi.other_exit_rate, years)
    for layer, grade in enumerate(LONG_TERM_GRADES):
        series[..., K.PAY + layer] = pol.allowance_rates[grade] * wage_month * 12.0
    series[..., K.PAY + SPOUSES] = pol.spouse_rate * cap * wage_month * 12.0
    factor = np.array([wi.disabled_mortality] * len(LONG_TERM_GRADES) + [K.FACTOR_SPOUSE])
    retires = np.array([1.0] * len(LONG_TERM_GRADES) + [0.0])
    retire = ctx.hazard_by_sex

    # base-year stocks: history_years of the base year's flows (draw 0), no indexation
    n_hist = wi.initial.history_years
    history = {
        "people0": np.zeros((K.LAYERS, *dist.shape[2:])), "pay0": np.zeros((K.LAYERS, *dist.shape[2:])),
        "others0": np.zeros(2),
        "survival": np.repeat(ctx.survival[:1, :1], n_hist, axis=1),
        "retire": np.repeat(retire[:1, :1], n_hist, axis=1),
        "new_count": np.repeat(new_count[:1, :1], n_hist, axis=1), "new_dist": np.repeat(dist[:1, :1], n_hist, axis=1),
        "flip": flip, "series": np.repeat(series[:1, :1], n_hist, axis=1), "factor": factor, "retires": retires,
    }  # fmt: skip
    history["series"][..., K.INDEXATION] = 0.0
    _, people0, pay0, others0 = run_kernel(history, 1, impl)
    inputs = {
        "people0": people0[0], "pay0": pay0[0], "others0": others0[0],
        "survival": ctx.survival[:, 1:], "retire": retire[:, 1:], "new_count": new_count[:, 1:],
        "new_dist": dist[:, 1:], "flip": flip, "series": series[:, 1:], "factor": factor, "retires": retires,
    }  # fmt: skip
    out = run_kernel(inputs, D, impl)[0]

    funeral = deaths[:, 1:] * pol.funeral_months * ctx.wage[:, :-1] / 12.0
    income = annual(pol.disposable_income, years, **growth)
    death_grants = deaths[:, 1:] * pol.death_grant_multiple * np.atleast_2d(income)[:, :-1]
    medical = injuries * annual(wi.medical_per_injury, years, **growth)
    benefit_lines = {
        "disability_lump_sums": lump_sums[:, 1:],
        "allowances": out[..., K.ALLOWANCES],
        "survivor_pensions": out[..., K.SURVIVOR_PENSIONS],
        "funeral_grants": funeral,
        "death_grants": death_grants,
        "medical_costs": medical[:, 1:],
    }
    zero = np.zeros_like(funeral)
    flows = benefit_lines | {
        "contributions": contributions[:, 1:],
        "subsidy": zero,
        "transfers_in": zero,
        "benefits": sum(benefit_lines.values()),
        "other_outgo": zero,
        "transfers_out": zero,
        "new_injuries": injuries[:, 1:],
        "injury_deaths": deaths[:, 1:],
        "new_long_term": (new_count[:, 1:, :SPOUSES] * dist[:, 1:, None].sum(axis=(-2, -1))).sum(axis=-1),
        "long_term_deaths": out[..., K.DEATHS],
        "long_term_retired": out[..., K.RETIRED],
    }
    v = {name: with_base(value) for name, value in flows.items()}
    long_term = with_base(out[..., K.LONG_TERM], people0[0, :SPOUSES].sum())
    survivors = with_base(out[..., K.SPOUSES] + out[..., K.OTHERS], people0[0, SPOUSES].sum() + others0[0, 0])
    v |= {
        "insured": insured,
        "contributors": insured.copy(),
        "wage_bill": insured * ctx.contribution_base,
        "beneficiaries": long_term + survivors,
        "long_term_pensioners": long_term,
        "survivor_pensioners": survivors,
    }
    terms = FundTerms(np.array([float(wi.initial.balance)]), np.array([PATH]))
    return scheme_dataset(SCHEME, years, v, D), terms
