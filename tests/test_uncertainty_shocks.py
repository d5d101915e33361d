"""simulator.uncertainty.shocks: reproducible, block-invariant correlated AR(1) draws whose sample
moments match their parameters, and zero shocks when the variances are zero."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from simulator.uncertainty.shocks import (
    ShockProcess,
    correlation_factor,
    draw_shocks,
    iter_shock_blocks,
    processes_from_defaults,
)
from tests.conftest import ROOT
from tests.uncertainty_support import es

DEFAULTS = ROOT / "simulator" / "data" / "uncertainty" / "defaults.yaml"
YEARS = range(2025, 2061)


def process(phi=(0.6, -0.3, 0.9), sd=(0.02, 0.01, 0.005), rho=0.5, sd0=(0.0, 0.0, 0.0)) -> ShockProcess:
    corr = np.array([[1.0, rho, -rho / 2], [rho, 1.0, 0.2], [-rho / 2, 0.2, 1.0]])
    return ShockProcess(("a", "b", "c"), np.array(phi), np.array(sd), corr, np.array(sd0))


def test_same_seed_same_bits_other_seed_other_numbers() -> None:
    p = process()
    one = draw_shocks(p, YEARS, 300, np.random.default_rng(7))
    two = draw_shocks(p, YEARS, 300, np.random.default_rng(7))
    other = draw_shocks(p, YEARS, 300, np.random.default_rng(8))
    for name in p.names:
        assert one[name].shape == (300, len(YEARS))
        assert np.array_equal(one[name], two[name])
        assert not np.array_equal(one[name], other[name])


@given(block=st.integers(1, 60), n=st.integers(0, 90))
def test_blocks_and_draw_count_do_not_change_a_draw(block: int, n: int) -> None:
    """Draw i is the same whatever the block size and however many draws follow it."""
    p = process(sd0=(0.01, 0.0, 0.02))
    ref = draw_shocks(p, YEARS, 90, np.random.default_rng(3))
    got = draw_shocks(p, YEARS, n, np.random.default_rng(3), block_size=block)
    for name in p.names:
        assert np.array_equal(got[name], ref[name][:n])


def test_iter_blocks_bound_memory_to_the_block() -> None:
    sizes = [b.shape for b in iter_shock_blocks(process(), 10, 25, np.random.default_rng(0), block_size=10)]
    assert sizes == [(10, 10, 3), (10, 10, 3), (5, 10, 3)]


@given(phi=st.lists(st.floats(-0.99, 0.99), min_size=3, max_size=3), rho=st.floats(-1.0, 1.0), seed=st.integers(0, 2**32))
def test_zero_variance_gives_exactly_zero(phi: list[float], rho: float, seed: int) -> None:
    corr = np.array([[1.0, rho, 0.0], [rho, 1.0, 0.0], [0.0, 0.0, 1.0]])
    p = ShockProcess(("a", "b", "c"), np.array(phi), np.zeros(3), corr, np.zeros(3))
    out = draw_shocks(p, YEARS, 20, np.random.default_rng(seed))
    for name in p.names:
        assert np.all(out[name] == 0.0)


def test_one_zero_variance_variable_stays_on_its_path() -> None:
    p = process(sd=(0.02, 0.0, 0.005))
    out = draw_shocks(p, YEARS, 50, np.random.default_rng(1))
    assert np.all(out["b"] == 0.0) and np.all(out["a"] != 0.0)


def test_sample_moments_match_the_parameters() -> None:
    """Stationary start (initial_sd = sd / sqrt(1 - phi^2)); N = draws x (years - 1) lag pairs.
    Tolerances are 5 standard errors: se(phi) = sqrt((1 - phi^2) / N), se(sigma) = sigma / sqrt(2N),
    se(rho) = (1 - rho^2) / sqrt(N); the seed is fixed, so the test is deterministic."""
    phi = np.array([0.6, -0.3, 0.9])
    sd = np.array([0.02, 0.01, 0.005])
    p = process(phi=phi, sd=sd, rho=0.5, sd0=sd / np.sqrt(1 - phi**2))
    n_draws, years = 4000, range(40)
    z = draw_shocks(p, years, n_draws, np.random.default_rng(2024))
    n = n_draws * (len(years) - 1)
    resid = {}
    for i, name in enumerate(p.names):
        x, y = z[name][:, :-1].ravel(), z[name][:, 1:].ravel()
        phi_hat = x @ y / (x @ x)
        assert abs(phi_hat - phi[i]) < 5 * np.sqrt((1 - phi[i] ** 2) / n), name
        resid[name] = y - phi_hat * x
        assert abs(resid[name].std() - sd[i]) < 5 * sd[i] / np.sqrt(2 * n), name
        stationary = sd[i] / np.sqrt(1 - phi[i] ** 2)
        assert abs(z[name][:, 0].std() - stationary) < 5 * stationary / np.sqrt(2 * n_draws), name
    for (i, a), (j, b) in [((0, "a"), (1, "b")), ((0, "a"), (2, "c")), ((1, "b"), (2, "c"))]:
        rho = p.correlation[i, j]
        r = np.corrcoef(resid[a], resid[b])[0, 1]
        assert abs(r - rho) < 5 * (1 - rho**2) / np.sqrt(n), (a, b)


def test_spread_by_horizon_matches_the_estimation_formula() -> None:
    """The sd of z_h over draws equals the script's sqrt(phi^(2h) s0^2 + sigma^2 (1 - phi^(2h)) / (1 - phi^2))
    within 5 se (se of an sd = sd / sqrt(2 n))."""
    p = ShockProcess(("tfr",), np.array([0.98]), np.array([0.05]), np.eye(1), np.array([0.1]))
    n = 20000
    z = draw_shocks(p, range(2024, 2101), n, np.random.default_rng(11))["tfr"]
    h = np.arange(1, 78, dtype=float)
    expected = es.ar1_sd(0.98, 0.05, 0.1, h)
    got = z.std(axis=0)
    assert np.all(np.abs(got - expected) < 5 * expected / np.sqrt(2 * n))


def test_perfectly_correlated_variables_move_together() -> None:
    corr = np.array([[1.0, 1.0], [1.0, 1.0]])
    p = ShockProcess(("male", "female"), np.array([0.9, 0.9]), np.array([0.5, 0.25]), corr, np.zeros(2))
    z = draw_shocks(p, YEARS, 30, np.random.default_rng(5))
    np.testing.assert_allclose(z["male"], 2.0 * z["female"], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phi": (1.0, 0.0, 0.0)}, r"shocks.persistence.a: must lie in \(-1, 1\)"),
        ({"sd": (0.01, -0.01, 0.0)}, "shocks.innovation_sd.b: must be >= 0"),
        ({"sd0": (0.0, 0.0, -1.0)}, "shocks.initial_sd.c: must be >= 0"),
        ({"sd": (0.01, np.nan, 0.0)}, "shocks.innovation_sd: contains a non-finite value"),
        ({"phi": (0.1, 0.2)}, r"shocks.persistence: expected 3 values"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        process(**kwargs)


@pytest.mark.parametrize(
    ("corr", "message"),
    [
        ([[1.0, 0.5], [0.4, 1.0]], "not symmetric"),
        ([[2.0, 0.0], [0.0, 1.0]], "diagonal must be 1"),
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "square matrix"),
        ([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]], "not positive semi-definite"),
        ([[1.0, 1.5], [1.5, 1.0]], r"outside \[-1, 1\]"),
    ],
)
def test_bad_correlations_are_refused(corr: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        correlation_factor(np.array(corr))


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="n_draws"):
        draw_shocks(process(), YEARS, -1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="block_size"):
        draw_shocks(process(), YEARS, 5, np.random.default_rng(0), block_size=0)


def test_shipped_defaults_make_valid_processes() -> None:
    defaults = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))
    procs = processes_from_defaults(defaults)
    assert procs["economy"].names == ("wage_growth", "inflation", "fund_return", "unemployment_rate")
    assert procs["demography"].names == ("tfr", "e0_male", "e0_female")
    z = draw_shocks(procs["demography"], range(2024, 2101), 2000, np.random.default_rng(0))
    # the fitted TFR process reproduces WPP's 2050 80% width (0.711) within the fit error and sampling
    width = np.subtract(*np.quantile(z["tfr"][:, 2050 - 2024], [0.9, 0.1]))
    assert width == pytest.approx(0.69, abs=0.05)


def test_missing_default_key_is_named() -> None:
    defaults = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))
    del defaults["demography"]["tfr"]["initial_sd"]
    with pytest.raises(ValueError, match="demography.tfr.initial_sd: missing"):
        processes_from_defaults(defaults)
