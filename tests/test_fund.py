"""The fund ledger: one interest rule and three subsidy modes, worked by hand; identities on random
lines; the employee pension's interest in a real run pinned to the rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import simulator
from simulator.model.fund import COVER_DEFICIT, KEEP_NONNEGATIVE, PATH, roll_forward
from simulator.scenario.load import override
from tests.conftest import SCENARIOS

LINES = ("contributions", "subsidy", "transfers_in", "benefits", "other_outgo", "transfers_out")


def one_year(contributions, subsidy, transfers_in, benefits, other_outgo, transfers_out) -> dict[str, np.ndarray]:
    values = dict(zip(LINES, (contributions, subsidy, transfers_in, benefits, other_outgo, transfers_out)))
    return {k: np.full((1, 1), float(v)) for k, v in values.items()}


def test_worked_example_every_subsidy_mode() -> None:
    """Return r = 5%; contributions 200, transfers in 20, benefits 300, other outgo 10, transfers out 30
    (expenditure 340); the scheme's subsidy path says 50. Interest is earned on the mid-year balance,
    every flow of the year (the subsidy too) arriving evenly: interest = r (B0 + (C + S + Tin - E) / 2).

    - path, B0 = 1,000: S = 50; interest = 0.05 x (1,000 + (200 + 50 + 20 - 340) / 2) = 0.05 x 965 = 48.25;
      revenue = 200 + 50 + 48.25 + 20 = 318.25; B1 = 1,000 + 318.25 - 340 = 978.25.
    - cover_deficit, B0 = 1,000: S = max(0, 300 - 200) = 100; interest = 0.05 x (1,000 + (-20) / 2) = 49.5;
      revenue = 369.5; B1 = 1,029.5.
    - keep_nonnegative, B0 = 100: without a subsidy B1 = 100 x 1.05 + (200 + 20 - 340) x 1.025 = -18 < 0, so
      S = 120 - 100 x 1.05 / 1.025 = 17.56097561; interest = 0.05 x (100 + (-120 + 17.56097561) / 2)
      = 2.43902439; revenue = 200 + 17.56097561 + 2.43902439 + 20 = 240; B1 = 100 + 240 - 340 = 0.
    - keep_nonnegative, B0 = 1,000: no subsidy needed, S = 0; interest = 0.05 x (1,000 - 60) = 47; B1 = 927.
    """
    lines = one_year(200, 50, 20, 300, 10, 30)
    balance0 = np.array([1000.0, 1000.0, 100.0, 1000.0])
    mode = np.array([PATH, COVER_DEFICIT, KEEP_NONNEGATIVE, KEEP_NONNEGATIVE])
    r = roll_forward(balance0, np.array([0.05]), lines, mode)
    np.testing.assert_allclose(r["subsidy"][:, 0], [50.0, 100.0, 120.0 - 100.0 * 1.05 / 1.025, 0.0], rtol=1e-12)
    np.testing.assert_allclose(r["interest"][:, 0], [48.25, 49.5, 2.43902439, 47.0], rtol=1e-9)
    np.testing.assert_allclose(r["revenue"][:, 0], [318.25, 369.5, 240.0, 267.0], rtol=1e-12)
    np.testing.assert_allclose(r["expenditure"][:, 0], 340.0)
    np.testing.assert_allclose(r["balance"][:, 0], [978.25, 1029.5, 0.0, 927.0], atol=1e-9)


def test_worked_example_two_years_of_interest() -> None:
    """B0 = 100, r = 10%, each year contributions 50, subsidy 10, transfers in 5, benefits 20, other
    outgo 3, transfers out 2 (expenditure 25), mode path:
    year 1: interest = 0.1 x (100 + (50 + 10 + 5 - 25) / 2) = 12; revenue = 77; B1 = 100 + 77 - 25 = 152;
    year 2: interest = 0.1 x (152 + 20) = 17.2; revenue = 82.2; B2 = 152 + 82.2 - 25 = 209.2."""
    lines = {k: np.full((1, 2), float(v)) for k, v in zip(LINES, (50, 10, 5, 20, 3, 2))}
    r = roll_forward(100.0, np.array([0.1, 0.1]), lines)
    np.testing.assert_allclose(r["interest"][0], [12.0, 17.2])
    np.testing.assert_allclose(r["revenue"][0], [77.0, 82.2])
    np.testing.assert_allclose(r["balance"][0], [152.0, 209.2])


amounts = st.floats(0.0, 1e9)


@given(
    st.lists(st.tuples(amounts, amounts, amounts, amounts, amounts, amounts, st.floats(-0.05, 0.2)), min_size=1, max_size=8),
    st.floats(-1e9, 1e10),
    st.sampled_from([PATH, COVER_DEFICIT, KEEP_NONNEGATIVE]),
)
def test_identities_and_modes(years, balance0, mode) -> None:
    """revenue and expenditure add up, the balance rolls forward, the subsidy follows its mode."""
    values = np.array(years)
    lines = {k: values[None, :, i] for i, k in enumerate(LINES)}
    rate = values[:, 6]
    r = roll_forward(np.array([balance0]), rate, lines, np.array([mode]))
    s, c, t_in = r["subsidy"][0], lines["contributions"][0], lines["transfers_in"][0]
    e = lines["benefits"][0] + lines["other_outgo"][0] + lines["transfers_out"][0]
    np.testing.assert_allclose(r["revenue"][0], c + s + r["interest"][0] + t_in, rtol=1e-12)
    previous = np.concatenate([[balance0], r["balance"][0, :-1]])
    np.testing.assert_allclose(r["balance"][0], previous + r["revenue"][0] - e, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(r["interest"][0], rate * (previous + 0.5 * (c + s + t_in - e)), rtol=1e-9, atol=1e-3)
    assert (s >= 0).all()
    if mode == COVER_DEFICIT:
        np.testing.assert_allclose(s, np.maximum(lines["benefits"][0] - c, 0.0))
    if mode == KEEP_NONNEGATIVE:
        assert (r["balance"][0] >= -1e-6 * (1 + np.abs(previous) + e)).all()
        assert ((s == 0) | (np.abs(r["balance"][0]) <= 1e-6 * (1 + np.abs(previous) + e))).all()


@pytest.fixture(scope="module")
def jiangxi():
    return simulator.load_scenario(SCENARIOS / "jiangxi.yaml")


@pytest.mark.parametrize("mode", ["path", "cover_deficit"])
def test_employee_pension_interest_follows_the_rule(jiangxi, mode) -> None:
    """The employee fund of a real run (a non-zero opening balance, a 2.5% return) earns interest on the
    mid-year balance, subsidy included; ``cover_deficit`` pays max(0, benefits - contributions)."""
    subsidy = {"mode": mode, "path": {"values": {2010: 5.0e9}} if mode == "path" else None}  # only mode path reads a path
    scenario = override(jiangxi, {"employee_pension.subsidy": subsidy})
    ds = simulator.run(scenario).sel(scheme="employee_pension")
    p = slice(1, None)
    b, c, s = ds["balance"].values, ds["contributions"].values[p], ds["subsidy"].values[p]
    t_in, e = ds["transfers_in"].values[p], ds["expenditure"].values[p]
    rate = 0.025  # economy.fund_return of the scenario
    assert b[0] > 0
    np.testing.assert_allclose(ds["interest"].values[p], rate * (b[:-1] + 0.5 * (c + s + t_in - e)), rtol=1e-10)
    if mode == "cover_deficit":
        np.testing.assert_allclose(s, np.maximum(ds["benefits"].values[p] - c, 0.0))
        assert (s > 0).any()
