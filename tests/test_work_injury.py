"""Work-injury insurance: the lifetime cost of one grade-2 injury by hand, the kernel's twins,
fund identities and levers on the shipped Jiangxi scenario."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.model import work_injury as wi
from simulator.model.kernels import work_injury as K
from simulator.scenario.load import override
from tests.conftest import SCENARIOS
from tests.schemes_support import check_model, jiangxi_inputs, project

IMPLS = ("numba", "numpy")
A = 101


def one_injury(allowance: float, indexation: float, years: int = 25) -> dict[str, np.ndarray]:
    """A man injured at 40 (age at the end of year 0), grade 2, nobody dies, retirement age 60."""
    count, dist = np.zeros((1, years, K.LAYERS)), np.zeros((1, years, 2, A))
    count[0, 0, 1], dist[0, 0, 0, 40] = 1.0, 1.0  # layer 1 = grade 2; sex 0 = male, aged 40
    retire = np.zeros((1, years, 2, A))
    retire[..., 60:] = 1.0
    series = np.zeros((1, years, K.N_SERIES))
    series[..., K.INDEXATION] = indexation
    series[..., K.PAY + 1] = allowance
    return {
        "people0": np.zeros((K.LAYERS, 2, A)), "pay0": np.zeros((K.LAYERS, 2, A)), "others0": np.zeros(2),
        "survival": np.ones((1, years, 2, A)), "retire": retire, "new_count": count, "new_dist": dist,
        "flip": np.array([0, 0, 0, 0, 1]), "series": series,
        "factor": np.array([2.0, 2.0, 2.0, 2.0, 1.0]), "retires": np.array([1.0, 1.0, 1.0, 1.0, 0.0]),
    }  # fmt: skip


@pytest.mark.parametrize("impl", IMPLS)
def test_golden_lifetime_cost_of_one_grade_2_injury(impl: str) -> None:
    """A man injured at 40 with an own wage of 5,000 yuan/month, grade 2 (工伤保险条例 arts. 35):

    - one-off disability subsidy: 25 months x 5,000 = 125,000;
    - allowance 85% x 5,000 x 12 = 51,000 a year until his retirement age, 60: half of the year of
      injury (mid-year), 19 full years (41..59), half of the year he turns 60: 20 x 51,000 = 1,020,000;
    - total 1,145,000 yuan (plus medical costs, a regional figure).
    With allowances indexed 3% a year: 51,000 x (0.5 + 1.03 + ... + 1.03^19 + 0.5 x 1.03^20)
    = 51,000 x (0.5 + 1.03 x (1.03^19 - 1) / 0.03 + 0.5 x 1.806111) = 51,000 x (0.5 + 25.870374 + 0.903056)
    = 51,000 x 27.273430 = 1,390,945.
    """
    scenario, _, _ = jiangxi_inputs()
    pol = scenario.policy.work_injury
    wage = 5_000.0
    lump = pol.lump_sum_months[2] * wage
    allowance = pol.allowance_rates[2] * wage * 12
    assert (lump, allowance) == (125_000.0, 51_000.0)
    out = wi.run_kernel(one_injury(allowance, 0.0), 1, impl)[0][0]
    yearly = out[:, K.ALLOWANCES]
    np.testing.assert_allclose(yearly[[0, 1, 19, 20, 21]], [25_500.0, 51_000.0, 51_000.0, 25_500.0, 0.0])
    assert lump + yearly.sum() == pytest.approx(1_145_000.0)
    assert out[19, K.LONG_TERM] == 1.0 and out[20, K.LONG_TERM] == 0.0 and out[20, K.RETIRED] == 1.0

    indexed = wi.run_kernel(one_injury(allowance, 0.03), 1, impl)[0][0, :, K.ALLOWANCES].sum()
    by_hand = 51_000.0 * (0.5 + sum(1.03**k for k in range(1, 20)) + 0.5 * 1.03**20)
    assert indexed == pytest.approx(by_hand) and by_hand == pytest.approx(1_390_945, abs=1)


def random_inputs(seed: int, draws: int = 3, years: int = 5) -> dict[str, np.ndarray]:
    """Random but valid inputs (draw axes of 1 or ``draws``)."""
    rng = np.random.default_rng(seed)
    dx = lambda: draws if rng.uniform() < 0.5 else 1
    series = rng.uniform(0, 1, (dx(), years, K.N_SERIES))
    series[..., K.INDEXATION] = rng.uniform(-0.02, 0.1, series.shape[:2])
    series[..., K.NEW_OTHERS] = rng.uniform(0, 50, series.shape[:2])
    series[..., K.OTHER_PAY :] *= 3e4
    series[..., K.OTHER_EXIT] = rng.uniform(0, 0.3, series.shape[:2])
    people0 = rng.uniform(0, 20, (K.LAYERS, 2, A))
    people0[:, :, rng.integers(0, A, 40)] = 0.0  # empty cells: the numba twin skips those nobody enters
    new_dist = rng.uniform(0, 0.01, (dx(), years, 2, A))
    new_dist[..., : rng.integers(0, 30)] = 0.0
    return {
        "people0": people0, "pay0": people0 * rng.uniform(1e4, 5e4, people0.shape), "others0": np.array([30.0, 6e5]),
        "survival": rng.uniform(0.6, 1.0, (dx(), years, 2, A)),
        "retire": np.where(rng.uniform(size=(dx(), years, 2, A)) < 0.2, 1.0, rng.uniform(0, 1, (1, years, 2, A)) * 0.3),
        "new_count": rng.uniform(0, 500, (dx(), years, K.LAYERS)), "new_dist": new_dist,
        "flip": np.array([0, 0, 0, 0, 1]), "series": series,
        "factor": rng.uniform(1, 4, K.LAYERS), "retires": np.array([1.0, 1.0, 1.0, 1.0, 0.0]),
    }  # fmt: skip


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32 - 1))
def test_numba_equals_numpy_and_people_conserved(seed: int) -> None:
    inputs = random_inputs(seed)
    a, b = wi.run_kernel(inputs, 3, "numba"), wi.run_kernel(inputs, 3, "numpy")
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-6)
    out = a[0]
    grades = np.broadcast_to(inputs["new_count"], (3, 5, K.LAYERS))[:, :, :4].sum(axis=2)
    new = grades * np.broadcast_to(inputs["new_dist"], (3, 5, 2, A))[..., 1:].sum(axis=(2, 3))
    previous = np.concatenate([np.full((3, 1), inputs["people0"][:4].sum()), out[:, :-1, K.LONG_TERM]], axis=1)
    np.testing.assert_allclose(
        previous + new, out[..., K.LONG_TERM] + out[..., K.DEATHS] + out[..., K.RETIRED], rtol=1e-10
    )


def test_model_numba_equals_numpy_and_identities() -> None:
    v = check_model(wi)
    parts = (
        "disability_lump_sums",
        "allowances",
        "survivor_pensions",
        "funeral_grants",
        "death_grants",
        "medical_costs",
    )
    np.testing.assert_allclose(sum(v[k] for k in parts)[1:], v["benefits"][1:], rtol=1e-12)


def run(changes: dict) -> dict:
    return project(wi, override(jiangxi_inputs()[0], changes))


def test_higher_incidence_raises_expenditure_and_pensioners() -> None:
    base, more = run({}), run({"work_injury.incidence": {"values": {2015: 0.006}}})
    assert (more["expenditure"][1:] > base["expenditure"][1:]).all()
    assert (more["long_term_pensioners"] > base["long_term_pensioners"]).all()


def test_faster_coverage_growth_raises_insured() -> None:
    base = run({})
    scenario = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
    coverage = dict(scenario.work_injury.coverage.values)  # the calibrated path, then up to 60% by 2030
    faster = run({"work_injury.coverage": {"values": {**coverage, 2030: 0.60}, "interpolation": "linear"}})
    later = np.arange(scenario.base_year, scenario.horizon + 1) >= 2021
    assert (faster["insured"][later] > base["insured"][later]).all()


def test_no_history_no_base_year_pensioners() -> None:
    empty = run({"work_injury.initial": {"balance": 0.0, "history_years": 0}})
    assert empty["long_term_pensioners"][0] == 0.0 and empty["survivor_pensioners"][0] == 0.0
    assert empty["long_term_pensioners"][1] > 0.0


def test_a_year_without_anyone_below_retirement_age_gives_numbers_not_nan(jiangxi_path) -> None:
    """Class: an extreme draw's population with nobody in urban employment below the retirement age
    in its last year (seen in a 1,000-draw sweep of Liaoning in 2100) spread 0 / 0 over ages: the
    residents' and work-injury funds were NaN. Nobody is spread now: the year's new pensioners and
    the residents' participants are zero, every fund a number."""
    import dataclasses

    from simulator.model.context import build_context
    from simulator.model.projection import run_schemes
    from simulator.model.schemes import shares

    np.testing.assert_array_equal(shares(np.array([[1.0, 3.0], [0.0, 0.0]]), (1,)), [[0.25, 0.75], [0.0, 0.0]])
    jiangxi = simulator.load_scenario(jiangxi_path)
    ctx = build_context(jiangxi)
    employment = ctx.employment.copy()
    employment[:, -1] = 0.0
    ds = run_schemes([jiangxi], dataclasses.replace(ctx, employment=employment))
    for scheme in ("resident_pension", "work_injury", "unemployment"):
        assert np.isfinite(ds["balance"].sel(scheme=scheme).values).all(), scheme
    assert (ds["contributors"].sel(scheme="work_injury").isel(year=-1).values == 0.0).all()
