"""Employee-pension kernel: a worked pension by hand, numba = numpy, identities that must hold."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.kernels import employee_layout as L
from simulator.dims import SEX_OF_GROUP
from simulator.model.kernels.employee_pension import employee_pension_numba, employee_pension_numpy

KERNELS = {"numba": employee_pension_numba, "numpy": employee_pension_numpy}


def one_member_inputs() -> tuple:
    """One man aged 59 at the end of 2019 with 29 contribution years, account 100,000 yuan."""
    G, A, S, T = 3, 101, 51, 1
    act0 = np.zeros((1, G, A, S))
    act0[0, 0, 59, 29] = 1.0
    kact0 = np.zeros((1, G, A, S))
    kact0[0, 0, 59, 29] = 100_000.0
    zeros_gas, zeros_ga = np.zeros((1, G, A, S)), np.zeros((1, G, A))
    survival = np.ones((1, T, 2, A))
    series = np.zeros((1, T, L.N_SERIES))
    series[0, 0, [L.WAGE, L.WAGE_PREV, L.EMPLOYER_RATE, L.EMPLOYEE_RATE]] = [60_000.0, 50_000.0, 0.16, 0.08]
    series[0, 0, [L.BASE_RATIO, L.COMPLIANCE, L.MIN_YEARS, L.YEAR, L.BASIC_ACCRUAL]] = [1.0, 1.0, 15.0, 2020.0, 0.01]
    series[0, 0, [L.ACCOUNT_START, L.TRANSITIONAL_RATE, L.BUY_RATE]] = [1996.0, 0.012, 0.0]
    cells = np.zeros((1, T, G, A, L.N_CELLS))
    cells[0, 0, 0, 60, L.HAZARD] = 1.0
    cells[..., L.DIVISOR] = 139.0
    target = np.zeros((1, T, G, A))
    return (act0, zeros_gas, kact0, zeros_gas, zeros_ga, zeros_ga, survival, series, cells, target, SEX_OF_GROUP)


@pytest.mark.parametrize("impl", KERNELS)
def test_golden_first_pension(impl: str) -> None:
    """Hand calculation for 2020 (wage 60,000, previous-year wage 50,000, base = wage):

    - he contributes 24% x 60,000 = 14,400; his account gets 8% x 60,000 = 4,800 -> 104,800
      (crediting rate 0); he turns 60 with 30 years and retires (hazard 1).
    - monthly wage of last year w = 50,000 / 12 = 4,166.667
    - basic pension = (w + w x 1.0) / 2 x 30 x 1% = 1,250.000
    - account pension = 104,800 / 139 = 753.957
    - transitional: deemed years = 30 - (2020 - 1996) = 6; w x 1.0 x 6 x 1.2% = 300.000
    - monthly pension 2,303.957; annual 27,647.48; paid for half of 2020: 13,823.74.
    """
    args = one_member_inputs()
    out = np.zeros((1, 1, L.N_OUTPUTS))
    KERNELS[impl](*args, out)
    o = out[0, 0]
    annual = 12 * (1250.0 + 104_800 / 139 + 300.0)
    assert o[L.NEW_RETIREES] == pytest.approx(1.0)
    assert o[L.NEW_PENSIONS] == pytest.approx(annual)
    assert annual == pytest.approx(27_647.48, abs=0.01)
    assert o[L.BENEFITS] == pytest.approx(annual / 2)
    assert o[L.CONTRIBUTIONS] == pytest.approx(14_400.0)
    assert o[L.CONTRIBUTORS] == pytest.approx(0.0) and o[L.RETIREES] == pytest.approx(1.0)


def random_inputs(seed: int, draws: int = 3, years: int = 4, ages: int = 14, service: int = 8) -> tuple:
    """Random but valid inputs on a small grid (rates in [0, 1], survival in (0.5, 1])."""
    rng = np.random.default_rng(seed)
    G = 3
    act0 = rng.uniform(0, 100, (1, G, ages, service))
    dor0 = rng.uniform(0, 50, (1, G, ages, service))
    kact0 = act0 * rng.uniform(0, 5e4, (1, G, ages, service))
    kdor0 = dor0 * rng.uniform(0, 5e4, (1, G, ages, service))
    ret0 = rng.uniform(0, 80, (1, G, ages))
    pen0 = ret0 * rng.uniform(1e4, 4e4, (1, G, ages))
    survival = rng.uniform(0.5, 1.0, (draws, years, 2, ages))
    series = np.zeros((1, years, L.N_SERIES))
    s = series[0]
    s[:, L.WAGE] = rng.uniform(4e4, 9e4, years)
    s[:, L.WAGE_PREV] = s[:, L.WAGE] / rng.uniform(1.0, 1.1, years)
    s[:, L.EMPLOYER_RATE], s[:, L.EMPLOYEE_RATE] = rng.uniform(0.1, 0.2, years), 0.08
    s[:, L.BASE_RATIO], s[:, L.COMPLIANCE] = rng.uniform(0.6, 1.5, years), rng.uniform(0.8, 1.0, years)
    s[:, L.CREDITING] = rng.uniform(0, 0.08, years)
    s[:, L.INDEXATION], s[:, L.MIN_YEARS] = rng.uniform(0, 0.1, years), rng.integers(2, service, years)
    s[:, L.YEAR] = 2020 + np.arange(years)
    s[:, L.BASIC_ACCRUAL] = rng.uniform(0.008, 0.012, years)
    s[:, L.DEATH_GRANT] = rng.uniform(0, 3e4, years)
    s[:, L.ACCOUNT_START], s[:, L.TRANSITIONAL_RATE], s[:, L.BUY_RATE] = 1996.0, 0.012, float(rng.uniform(0, 1))
    cells = rng.uniform(0, 1, (draws, years, G, ages, L.N_CELLS))
    target = rng.uniform(0, 150, (draws, years, G, ages))
    cells[..., L.DIVISOR] = rng.uniform(56, 233, (draws, years, G, ages))
    cells[..., L.SHORT_EXIT] = rng.integers(0, 2, (draws, years, G, ages))
    cells[..., L.HAZARD] = np.where(rng.uniform(size=(draws, years, G, ages)) < 0.3, 1.0, cells[..., L.HAZARD])
    return (act0, dor0, kact0, kdor0, ret0, pen0, survival, series, cells, target, SEX_OF_GROUP)


def run(impl: str, args: tuple, draws: int = 3) -> np.ndarray:
    out = np.zeros((draws, args[7].shape[1], L.N_OUTPUTS))
    KERNELS[impl](*args, out)
    return out


@given(seed=st.integers(0, 2**32 - 1))
def test_numba_equals_numpy(seed: int) -> None:
    args = random_inputs(seed)
    np.testing.assert_allclose(run("numba", args), run("numpy", args), rtol=1e-10, atol=1e-6)


@given(seed=st.integers(0, 2**32 - 1))
def test_numba_equals_numpy_with_service_below_the_grid(seed: int) -> None:
    """Members hold at most a cell-dependent service (as at age a, about a - 16 years): the numba
    loops stop where the service does; a grid of 13 service cells has a remainder past the
    groups of 4, and some cells are empty (the oldest age too in some draws)."""
    args = list(random_inputs(seed, service=13))
    rng = np.random.default_rng(seed + 1)
    limit = rng.integers(0, 14, (1, 3, args[0].shape[2], 1))  # members hold service < limit
    keep = np.arange(13)[None, None, None, :] < limit
    for i in range(4):
        args[i] = args[i] * keep
    target = args[9]
    target[:, ::2] = 0.0  # no entrants in every other year: cells empty out
    np.testing.assert_allclose(run("numba", tuple(args)), run("numpy", tuple(args)), rtol=1e-10, atol=1e-6)


@given(seed=st.integers(0, 2**32 - 1))
def test_contributions_are_rate_times_paid_base_of_contributors(seed: int) -> None:
    """Without lump sums (nobody short of the minimum buys years, buy rate 0), contributions of year t =
    (employer + employee rate) x base ratio x wage x compliance x contributors before retirement:
    at most that rate times the year's contributors plus those who retired in the year."""
    args = list(random_inputs(seed))
    args[7] = args[7].copy()
    args[7][..., L.BUY_RATE] = 0.0
    out = run("numba", tuple(args))
    s = args[7][0]
    paid = (s[:, L.EMPLOYER_RATE] + s[:, L.EMPLOYEE_RATE]) * s[:, L.BASE_RATIO] * s[:, L.WAGE] * s[:, L.COMPLIANCE]
    assert (out[..., L.BUY_INS] == 0).all()
    upper = paid * (out[..., L.CONTRIBUTORS] + out[..., L.NEW_RETIREES] + out[..., L.EXITS])
    assert (out[..., L.CONTRIBUTIONS] <= upper * (1 + 1e-9) + 1e-6).all()
    assert (out[..., L.CONTRIBUTIONS] >= paid * out[..., L.CONTRIBUTORS] * (1 - 1e-9) - 1e-6).all()


@given(seed=st.integers(0, 2**32 - 1))
def test_people_conserved(seed: int) -> None:
    """previous stock + entrants = new stock + deaths + exits, every draw and year."""
    args = random_inputs(seed)
    out = run("numba", args)
    stock = out[..., L.CONTRIBUTORS] + out[..., L.DORMANT] + out[..., L.RETIREES]
    first = args[0].sum() + args[1].sum() + args[4].sum()  # one initial state (draw axis of 1)
    previous = np.concatenate([np.full((out.shape[0], 1), first), stock[:, :-1]], axis=1)
    np.testing.assert_allclose(previous + out[..., L.ENTRANTS], stock + out[..., L.DEATHS] + out[..., L.EXITS], rtol=1e-10)


@given(seed=st.integers(0, 2**32 - 1))
def test_no_negative_people_or_pensions(seed: int) -> None:
    out = run("numba", random_inputs(seed))
    for col in (L.CONTRIBUTORS, L.DORMANT, L.RETIREES, L.NEW_RETIREES, L.NEW_PENSIONS, L.BENEFITS, L.DEATHS, L.EXITS):
        assert (out[..., col] >= -1e-9).all()


def test_draw_axis_broadcasts() -> None:
    """Inputs with a draw axis of 1 give every draw the same result as a one-draw run."""
    args = list(random_inputs(7, draws=1))
    one = run("numba", tuple(args), draws=1)
    many = run("numba", tuple(args), draws=4)
    np.testing.assert_allclose(many, np.repeat(one, 4, axis=0), rtol=1e-12)
