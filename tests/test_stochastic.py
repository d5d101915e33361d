"""Stochastic runs (simulator/uncertainty/run.py): the same seed gives the same bits whatever the block
size and the number of threads; one draw with every shock switched off is the deterministic run;
percentiles are ordered; probabilities of depletion lie in [0, 1] and never fall; with symmetric
shocks the median stays close to the deterministic path; the shocks move the context as written."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.dims import QUANTILES
from simulator.model.projection import project
from simulator.scenario.uncertainty import settings
from simulator.uncertainty import paths
from simulator.uncertainty.run import _percentiles, run
from tests.stochastic_support import ALL_OFF, OFF, default_run, jiangxi, with_uncertainty


def assert_same(a, b) -> None:
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_same_seed_same_bits_other_seed_other_numbers() -> None:
    scenario = with_uncertainty(None)
    one, two = run(scenario, 24, seed=5, block=7), run(scenario, 24, seed=5, block=24)
    assert_same(one, two)  # blocks of 7 or all at once: the same numbers
    other = run(scenario, 24, seed=6)
    assert not np.array_equal(one["balance"].values, other["balance"].values)


def test_thread_count_does_not_change_the_bits() -> None:
    scenario = with_uncertainty(None)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = run(scenario, 12, seed=3)
    finally:
        numba.set_num_threads(threads)
    assert_same(serial, run(scenario, 12, seed=3))


def test_the_first_draws_do_not_depend_on_how_many_follow() -> None:
    scenario = with_uncertainty(None)
    few = run(scenario, 5, seed=9, keep_draws=True)["draws"].to_dataset()
    more = run(scenario, 9, seed=9, keep_draws=True)["draws"].to_dataset().isel(draw=slice(0, 5))
    for name in ("balance", "contributors", "population_total", "average_wage"):
        np.testing.assert_array_equal(few[name].values, more[name].values, err_msg=name)


def test_one_draw_without_shocks_is_the_deterministic_run() -> None:
    scenario = with_uncertainty(ALL_OFF)
    stochastic, deterministic = run(scenario, 1, seed=1), project(scenario)
    for name in deterministic.data_vars:
        for q in QUANTILES:  # one draw: every percentile is that draw
            got = stochastic[name].sel(quantile=q) if "quantile" in stochastic[name].dims else stochastic[name]
            np.testing.assert_allclose(
                got.transpose(*deterministic[name].dims).values, deterministic[name].values, rtol=1e-12, atol=0,
                equal_nan=True, err_msg=f"{name} {q}",
            )  # fmt: skip


def test_percentiles_are_ordered() -> None:
    ds = default_run()
    for name, var in ds.data_vars.items():
        if "quantile" not in var.dims:
            continue
        q = var.transpose("quantile", ...).values
        both = np.isfinite(q[:-1]) & np.isfinite(q[1:])
        assert (q[1:][both] >= q[:-1][both]).all(), name


def test_probabilities_of_depletion_lie_in_0_1_and_never_fall() -> None:
    ds = run(with_uncertainty(None, horizon=2100), 60, seed=2)  # depletion happens after 2040 in Jiangxi
    prob = ds["prob_depletion"].sel(scheme="employee_pension").values
    assert ((prob >= 0) & (prob <= 1)).all()
    assert (np.diff(prob) >= 0).all()
    assert prob[-1] > 0.5 and prob[ds["year"].values == 2030][0] == 0.0
    shares = ds["depletion_distribution"].sel(scheme="employee_pension").values
    np.testing.assert_allclose(np.cumsum(shares), prob, atol=1e-12)
    median_year = int(np.ceil(float(ds["depletion_year"].sel(scheme="employee_pension", quantile=0.5))))
    at = {int(y): p for y, p in zip(ds["year"].values, prob)}
    assert at[median_year - 1] <= 0.5 <= at[median_year]  # the median depletion year splits the draws


def near_median(percentiles, central: float, n: int) -> bool:
    """|median - central| within 3 standard errors of a sample median of n draws from a near-normal
    distribution: se = 1.2533 sd / sqrt(n), sd = (90% - 10% percentile) / 2.5631."""
    sd = float(percentiles.sel(quantile=0.9) - percentiles.sel(quantile=0.1)) / 2.5631
    return abs(float(percentiles.sel(quantile=0.5)) - central) <= 3 * 1.2533 * sd / np.sqrt(n)


@pytest.mark.parametrize(
    ("block", "name", "scheme"),
    [
        ({**ALL_OFF, "economy": {**ALL_OFF["economy"], "fund_return": {"enabled": True}}}, "balance", "employee_pension"),
        ({**ALL_OFF, "economy": {**ALL_OFF["economy"], "fund_return": {"enabled": True}}}, "balance", "unemployment"),
        ({**ALL_OFF, "demography": {}}, "population_total", None),
    ],
    ids=["fund return: employee balance", "fund return: unemployment balance", "TFR and e0: population"],
)
def test_median_of_symmetric_shocks_stays_near_the_deterministic_path(block, name: str, scheme: str | None) -> None:
    """Symmetric shocks (no long-run shift) on quantities close to linear in them over 15 years: the
    median of 200 draws in 2040 is the deterministic value within its sampling error, and the 80%
    range contains it."""
    scenario = with_uncertainty(block)
    ds, det = run(scenario, 200, seed=4), project(scenario)
    pick = {"year": 2040} | ({"scheme": scheme} if scheme else {})
    central = float(det[name].sel(pick))
    assert near_median(ds[name].sel(pick), central, 200)
    assert float(ds[name].sel(pick | {"quantile": 0.9})) > central > float(ds[name].sel(pick | {"quantile": 0.1}))


def test_shocks_move_the_context_as_written() -> None:
    """wage growth + z, wage x prod (1 + g + z) / (1 + g), fund return + z, claims x (u + z) / u,
    from the start year on; nothing before it."""
    scenario = with_uncertainty(None)
    u = settings(scenario.uncertainty, scenario.base_year)
    setup = paths.Setup.of(scenario, u)
    draws = paths.draw(u, setup.context.years, 4, seed=1)
    ctx, _ = paths.block_context(scenario, setup, draws)
    base, years = setup.context, setup.context.years
    z = draws.economy
    np.testing.assert_allclose(ctx.wage_growth, base.wage_growth + z["wage_growth"], rtol=1e-15)
    np.testing.assert_allclose(ctx.fund_return, base.fund_return + z["fund_return"], rtol=1e-15)
    growth = np.cumprod((1 + base.wage_growth + z["wage_growth"]) / (1 + base.wage_growth), axis=1)
    np.testing.assert_allclose(ctx.wage, base.wage * growth, rtol=1e-12)
    level = u.economy.unemployment_rate.level
    np.testing.assert_allclose(ctx.claims_factor, (level + z["unemployment_rate"]) / level, rtol=1e-12)
    before = years < u.start_year
    assert (z["wage_growth"][:, before] == 0).all() and (z["wage_growth"][:, ~before] != 0).all()
    assert (ctx.population[:, : (before.sum())] == base.population[:, : before.sum()]).all()


def test_switching_one_process_off_leaves_the_others_numbers() -> None:
    years = jiangxi().base_year + np.arange(26)
    on = paths.draw(settings(with_uncertainty(None).uncertainty, 2015), years, 3, seed=2)
    off = paths.draw(settings(with_uncertainty({"economy": {"inflation": OFF}}).uncertainty, 2015), years, 3, seed=2)
    assert (off.economy["inflation"] == 0).all() and not (on.economy["inflation"] == 0).all()
    np.testing.assert_array_equal(on.demography["tfr"], off.demography["tfr"])
    np.testing.assert_array_equal(on.economy["wage_growth"], off.economy["wage_growth"])


@given(st.integers(0, 2**32 - 1), st.integers(1, 60))
def test_percentiles_of_sorted_draws_equal_numpy_quantile(seed: int, draws: int) -> None:
    """The summary sorts the draws before ``np.quantile``: the same numbers bit for bit; in
    ``depletion_year`` a never-depleted draw (NaN) ranks after every year, and a percentile that
    reaches one is NaN."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(draws, 3, 7))
    assert np.array_equal(_percentiles("balance", values), np.quantile(values, QUANTILES, axis=0))
    years = np.where(rng.uniform(size=(draws, 3)) < 0.3, np.nan, rng.integers(2030, 2100, (draws, 3)).astype(float))
    with np.errstate(invalid="ignore"):
        expected = np.quantile(np.where(np.isnan(years), np.inf, years), QUANTILES, axis=0)
    expected = np.where(np.isinf(expected), np.nan, expected)
    np.testing.assert_array_equal(_percentiles("depletion_year", years), expected)
