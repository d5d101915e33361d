"""The statutory benefit functions (model/kernels/benefit.py) against the employee kernel's award of first pensions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.kernels import employee_layout as L
from simulator.model.kernels.benefit import account_pension, basic_pension, monthly_pension, transitional_pension
from simulator.dims import SEX_OF_GROUP
from simulator.model.kernels.employee_pension import employee_pension_numba, employee_pension_numpy

KERNELS = {"numba": employee_pension_numba, "numpy": employee_pension_numpy}

wages = st.floats(1_000.0, 500_000.0)
ratios = st.floats(0.3, 3.0)
rates = st.floats(0.0, 0.03)


def test_golden_parts() -> None:
    """A Nanchang award sheet of 2025-05 (base 6916, index 0.694, 21.1667 years of which 6.1667 deemed,
    account 57,924.42, divisor 170), by hand:

    - basic        = (6916 + 6916 x 0.694) / 2 x 21.1667 x 1% = 5857.852 x 0.211667 = 1239.91
    - account      = 57924.42 / 170 = 340.73
    - transitional = 6916 x 0.694 x 6.1667 x 1.3% = 4799.704 x 0.0801671 = 384.78
    """
    assert basic_pension(6916.0, 6916.0 * 0.694, 21.1667, 0.01) == pytest.approx(1239.91, abs=0.005)
    assert account_pension(57924.42, 170.0) == pytest.approx(340.73, abs=0.005)
    assert transitional_pension(6916.0 * 0.694, 6.1667, 0.013) == pytest.approx(384.78, abs=0.005)
    total = monthly_pension(6916.0, 6916.0 * 0.694, 21.1667, 0.01, 57924.42, 170.0, 6916.0 * 0.694, 6.1667, 0.013)
    assert total == pytest.approx(1239.91 + 340.73 + 384.78, abs=0.01)


@given(w=st.floats(100.0, 50_000.0), b=ratios, years=st.floats(0.0, 50.0), accrual=st.floats(0.005, 0.02),
       k=st.floats(0.0, 2e6), n=st.floats(0.01, 1e4), divisor=st.floats(56.0, 233.0), deemed=st.floats(0.0, 30.0),
       rate=rates)  # fmt: skip
def test_same_bits_as_the_kernel_expression(w, b, years, accrual, k, n, divisor, deemed, rate) -> None:
    """The kernel's former inline expression (step 6 of employee_pension.py, copied here) and monthly_pension
    called with the kernel's own quantities give the same float: the kernel calls it and no result moved."""
    inline = (w + w * b) * 0.5 * years * accrual + k / n / divisor + w * b * deemed * rate
    assert monthly_pension(w, w * b, years, accrual, k / n, divisor, w * b, deemed, rate) == inline
    assert monthly_pension.py_func(w, w * b, years, accrual, k / n, divisor, w * b, deemed, rate) == inline


def one_retiree(
    wage: float,
    wage_prev: float,
    b: float,
    k0: float,
    crediting: float,
    accrual: float,
    year: int,
    service: int,
    account_start: float,
    rate: float,
    divisor: float,
) -> tuple:
    """One man aged 59 with ``service`` years and account ``k0`` who reaches 60 (hazard 1) in ``year``."""
    G, A, S, T = 3, 101, 51, 1
    act0 = np.zeros((1, G, A, S))
    act0[0, 0, 59, service] = 1.0
    kact0 = np.zeros((1, G, A, S))
    kact0[0, 0, 59, service] = k0
    zeros_gas, zeros_ga = np.zeros((1, G, A, S)), np.zeros((1, G, A))
    survival = np.ones((1, T, 2, A))
    series = np.zeros((1, T, L.N_SERIES))
    series[0, 0, [L.WAGE, L.WAGE_PREV, L.EMPLOYER_RATE, L.EMPLOYEE_RATE, L.CREDITING]] = [
        wage,
        wage_prev,
        0.16,
        0.08,
        crediting,
    ]
    series[0, 0, [L.BASE_RATIO, L.COMPLIANCE, L.MIN_YEARS, L.YEAR, L.BASIC_ACCRUAL]] = [
        b,
        1.0,
        15.0,
        float(year),
        accrual,
    ]
    series[0, 0, [L.ACCOUNT_START, L.TRANSITIONAL_RATE, L.BUY_RATE]] = [account_start, rate, 0.0]
    cells = np.zeros((1, T, G, A, L.N_CELLS))
    cells[0, 0, 0, 60, L.HAZARD] = 1.0
    cells[..., L.DIVISOR] = divisor
    target = np.zeros((1, T, G, A))
    return (act0, zeros_gas, kact0, zeros_gas, zeros_ga, zeros_ga, survival, series, cells, target, SEX_OF_GROUP)


@pytest.mark.parametrize("impl", KERNELS)
@given(wage=wages, growth=st.floats(-0.05, 0.15), b=ratios, k0=st.floats(0.0, 5e5), crediting=st.floats(0.0, 0.09),
       accrual=st.floats(0.008, 0.012), year=st.integers(2000, 2060), service=st.integers(15, 45),
       account_start=st.sampled_from([1993.0, 1995.0, 1996.0, 1998.0]), rate=rates,
       divisor=st.sampled_from([139.0, 137.3, 170.0, 195.0]))  # fmt: skip
def test_kernel_awards_by_the_statutory_function(
    impl, wage, growth, b, k0, crediting, accrual, year, service, account_start, rate, divisor
) -> None:
    """The kernel's first pension (single index b, deemed years x transitional rate) equals 12 x monthly_pension
    with the kernel's own per-cell quantities: w = previous-year wage / 12, indexed wage w b, years s + 1,
    account k0 (1 + crediting) + 8% b wage, deemed = max(0, years - (year - account start))."""
    wage_prev = wage / (1.0 + growth)
    out = np.zeros((1, 1, L.N_OUTPUTS))
    KERNELS[impl](
        *one_retiree(wage, wage_prev, b, k0, crediting, accrual, year, service, account_start, rate, divisor), out
    )
    w = wage_prev / 12.0
    years = service + 1.0
    k = k0 * (1.0 + crediting) + 0.08 * b * wage
    deemed = max(0.0, years - (year - account_start))
    expected = 12.0 * monthly_pension(w, w * b, years, accrual, k, divisor, w * b, deemed, rate)
    assert out[0, 0, L.NEW_RETIREES] == pytest.approx(1.0)
    assert out[0, 0, L.NEW_PENSIONS] == pytest.approx(expected, rel=1e-12)
