"""Unemployment insurance: a claimant's benefit by hand, the 2024 retirement rule, the kernel's
twins, fund identities and levers on the shipped Jiangxi scenario."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model import unemployment as ui
from simulator.model.kernels import unemployment as K
from simulator.model.retirement import month_index, parse_month, retirement_age_months
from simulator.scenario.load import override
from tests.schemes_support import check_model, jiangxi_inputs, project

IMPLS = ("numba", "numpy")


@pytest.mark.parametrize("impl", IMPLS)
def test_golden_one_claimant_total_benefit(impl: str) -> None:
    """One claim a month (12 a year) with 18 months of entitlement (6 contribution years), benefit
    0.75 x 1,680 = 1,260 yuan/month (Jiangxi 2020).

    No re-employment: the claimant of month k is paid 13 - k months in year 1 and the rest later:
    year 1: 1 + 2 + ... + 12 = 78 recipient-months; year 2: sum_k min(5 + k, 12) = 6 + ... + 12 + 5 x 12
    = 123; year 3: 216 - 78 - 123 = 15; total 12 x 18 = 216, i.e. 18 x 1,260 = 22,680 yuan a claimant.

    Re-employment q = 10% a month: a claimant is paid month m (m = 0..17) with probability 0.9^m, so
    the expected months are (1 - 0.9^18) / 0.1 = (1 - 0.150095) / 0.1 = 8.49905 and the expected total
    8.49905 x 1,260 = 10,708.81 yuan.
    """
    inflow = np.zeros((1, 4, 30))
    inflow[0, 0, 17] = 12.0
    out, _ = ui.run_kernel(np.zeros(30), inflow, np.zeros((1, 4)), 1, impl)
    np.testing.assert_allclose(out[0, :, K.MONTHS], [78.0, 123.0, 15.0, 0.0])
    assert 1260.0 * out[0, :, K.MONTHS].sum() / 12 == pytest.approx(22_680.0)
    assert out[0, 2, K.RECIPIENTS] == pytest.approx(0.0) and out[0, :, K.EXHAUSTED].sum() == pytest.approx(12.0)

    out, _ = ui.run_kernel(np.zeros(30), inflow, np.full((1, 4), 0.1), 1, impl)
    per_claimant = out[0, :, K.MONTHS].sum() / 12
    assert per_claimant == pytest.approx((1 - 0.9**18) / 0.1)
    assert 1260.0 * per_claimant == pytest.approx(10_708.81, abs=0.01)


def test_golden_potential_duration_under_the_2024_rule() -> None:
    """A man born 1965-08 reaches his statutory age in 2025-10 (60 years 2 months; the Tianjin example).

    - claim 2024-06, 12 months of entitlement: it would end in 2025-05, 5 months short of his age and
      after the rule's start (2025-01), so he is paid until 2025-10: 2025-10 - 2024-06 = 16 months;
    - claim 2024-12, 12 months: he reaches his age first: 10 months;
    - claim 2022-06, 12 months: it ends in 2023-05, before the rule: 12 months;
    - without the reform (age 60, 2025-08) and no rule: claim 2024-06 -> min(12, 14) = 12 months.
    """
    scenario, _, _ = jiangxi_inputs()
    born = parse_month("1965-08")
    reaches = born + retirement_age_months(scenario.policy.retirement, "M60", np.array([born]))[0]
    effective = month_index(2025, 1)

    def months(claim: str, reform_reaches: int = reaches, rule: bool = True) -> int:
        c = parse_month(claim)
        return int(ui.potential_duration(reform_reaches - c, 12, rule and c + 12 - 1 >= effective))

    assert reaches == parse_month("2025-10")
    assert months("2024-06") == 16
    assert months("2024-12") == 10
    assert months("2022-06") == 12
    assert months("2024-06", reform_reaches=parse_month("2025-08"), rule=False) == 12


def random_inputs(seed: int, draws: int = 3, years: int = 4, n: int = 30) -> tuple:
    """Random stock, claims and re-employment; inputs with a draw axis of 1 or ``draws`` (broadcast)."""
    rng = np.random.default_rng(seed)
    dx = draws if rng.uniform() < 0.5 else 1
    stock0 = rng.uniform(0, 100, n)
    inflow = rng.uniform(0, 500, (dx, years, n)) * (rng.uniform(size=(dx, years, n)) < 0.5)
    reemployment = rng.uniform(0, 0.5, (draws if rng.uniform() < 0.5 else 1, years))
    return stock0, inflow, reemployment


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32 - 1))
def test_numba_equals_numpy_and_people_conserved(seed: int) -> None:
    stock0, inflow, reemployment = random_inputs(seed)
    a, end_a = ui.run_kernel(stock0, inflow, reemployment, 3, "numba")
    b, end_b = ui.run_kernel(stock0, inflow, reemployment, 3, "numpy")
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(end_a, end_b, rtol=1e-10, atol=1e-8)
    previous = np.concatenate([np.full((3, 1), stock0.sum()), a[:, :-1, K.RECIPIENTS]], axis=1)
    np.testing.assert_allclose(
        previous + a[..., K.CLAIMANTS], a[..., K.RECIPIENTS] + a[..., K.REEMPLOYED] + a[..., K.EXHAUSTED], rtol=1e-10
    )


def test_model_numba_equals_numpy_and_identities() -> None:
    res = check_model(ui)
    v = res
    parts = v["unemployment_benefits"] + v["medical_contributions"]
    np.testing.assert_allclose(parts[1:], v["benefits"][1:], rtol=1e-12)


def test_duration_mix_sums_to_one_and_stays_within_entitlement_plus_a_year() -> None:
    scenario, ctx, _ = jiangxi_inputs()
    from simulator.model.schemes import below_retirement

    years = ctx.years
    mix = ui.duration_mix(scenario, years, below_retirement(ctx)[0])
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    longest = max(scenario.policy.unemployment.duration_months.values())
    assert (mix[:, longest + 11 :] == 0).all()  # the rule extends by less than 12 months
    # nothing beyond the entitlement for claims that end before the rule (24 months from 2022 end by 2024-12)
    assert (mix[years <= 2022, longest:] == 0).all()
    assert mix[years == 2030, longest:].sum() > 0


def run(changes: dict) -> dict:
    return project(ui, override(jiangxi_inputs()[0], changes))


def test_higher_benefit_ratio_raises_expenditure() -> None:
    base, more = run({}), run({"unemployment.benefit_ratio": {"values": {2015: 0.9}}})
    years = jiangxi_inputs()[1].years[1:]
    early = years < 2025
    assert (more["expenditure"][1:][early] > base["expenditure"][1:][early]).all()
    np.testing.assert_allclose(
        more["expenditure"][1:][~early], base["expenditure"][1:][~early]
    )  # 0.9 from 2025 in both


def test_faster_coverage_growth_raises_insured() -> None:
    base = run({})
    faster = run({"unemployment.coverage": {"values": {2010: 0.30, 2030: 0.40}, "interpolation": "linear"}})
    assert (faster["insured"][1:] > base["insured"][1:]).all()
    assert (faster["contributions"][1:] > base["contributions"][1:]).all()


def test_the_2024_rule_adds_benefit_months() -> None:
    base, never = run({}), run({"policy.unemployment.extension_effective": "2200-01-01"})
    years = jiangxi_inputs()[1].years
    assert (base["benefit_months"][years >= 2025] > never["benefit_months"][years >= 2025]).all()
    np.testing.assert_allclose(
        base["benefit_months"][(years > years[0]) & (years < 2024)],
        never["benefit_months"][(years > years[0]) & (years < 2024)],
    )


def duration_mix_by_definition(scenario, years, insured):
    """The mix from its definition: for every group, birth month, claim month and contribution band,
    each age's claimants at their potential duration (ages at once)."""
    from simulator.dims import AGES, GROUPS
    from simulator.model.retirement import month_index, retirement_age_months
    from simulator.model.timeline import annual

    months, shares = ui.entitlements(scenario)
    policy = scenario.policy.retirement
    n = int(months.max()) + 12
    effective = scenario.policy.unemployment.extension_effective
    effective = month_index(effective.year, effective.month) if policy.reform else np.iinfo(np.int64).max
    f55 = annual(scenario.employee_pension.f55_share, years)
    mix = np.zeros((len(years), n))
    for i, year in enumerate(years):
        weights = np.stack([insured[i, 0], f55[i] * insured[i, 1], (1.0 - f55[i]) * insured[i, 1]])
        for g, group in enumerate(GROUPS):
            for bm in range(1, 13):
                born = month_index(year - AGES, bm)
                for cm in range(1, 13):
                    claim = month_index(year, cm)
                    left = born + retirement_age_months(policy, group, born) - claim
                    for e, share in zip(months, shares):
                        p = ui.potential_duration(left, e, claim + e - 1 >= effective)
                        ok = (left > 0) & (p >= 1)
                        np.add.at(mix[i], np.minimum(p[ok], n) - 1, share * weights[g][ok])
    return mix / mix.sum(axis=1, keepdims=True)


def test_duration_mix_equals_its_definition_and_is_the_same_for_a_draw_alone_or_in_a_block() -> None:
    """The vectorised mix (rows far from retirement added up once, the rest per cell) against the
    loop over every cell, on years around the 2024 rule; a draw's mix in a block is its mix alone."""
    scenario, ctx, _ = jiangxi_inputs()
    from simulator.model.schemes import below_retirement

    keep = np.isin(ctx.years, [2016, 2025, 2031])
    insured = below_retirement(ctx)[0][keep]
    years = ctx.years[keep]
    np.testing.assert_allclose(ui.duration_mix(scenario, years, insured), duration_mix_by_definition(scenario, years, insured),
                               rtol=1e-12, atol=1e-15)  # fmt: skip
    block = insured[None] * np.array([1.0, 0.7, 1.3])[:, None, None, None] ** np.arange(101)[None, None, None, :] ** 0.1
    together = ui.duration_mix(scenario, years, block)
    np.testing.assert_array_equal(together[1], ui.duration_mix(scenario, years, block[1]))
