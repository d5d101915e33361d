"""The statutory first pension of the urban employee scheme (国发〔2005〕38号), yuan a month.

One set of scalar functions, used by the one-worker calculator (``sim calc pension``) and
meant for the cohort kernel's award of first pensions, so that both apply the same formula:

    basic        = (base + indexed_wage) / 2 x years x accrual
    account      = balance / divisor
    transitional = transitional_wage x transitional_years x rate
    monthly      = basic + account + transitional

``base`` is the benefit base (计发基数: the previous-year average monthly wage the province
applies), ``indexed_wage`` the worker's indexed monthly wage (base x average contribution
index; Henan indexes on the city's base instead), ``years`` all contribution years, deemed
ones included, ``accrual`` 1% a year. ``divisor`` is the number of months of the account
pension at the retirement age (annex of 国发〔2005〕38号). ``transitional_wage`` is the wage
the province's transitional formula multiplies (e.g. base x index in Jiangxi and Hubei,
base x (1 + index) / 2 in Liaoning), ``transitional_years`` the deemed years or all years
before the account began, ``rate`` the province's coefficient (1.0%-1.4%).

The expressions keep the order of operations of the cohort kernel's inline formula, so the
kernel can call these without changing a bit of its results. Numba-compiled; they are
plain callables from Python too.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def basic_pension(base: float, indexed_wage: float, years: float, accrual: float) -> float:
    """(base + indexed_wage) / 2 x years x accrual, yuan a month."""
    return (base + indexed_wage) * 0.5 * years * accrual


@njit(cache=True)
def account_pension(balance: float, divisor: float) -> float:
    """balance / divisor (months), yuan a month."""
    return balance / divisor


@njit(cache=True)
def transitional_pension(transitional_wage: float, transitional_years: float, rate: float) -> float:
    """transitional_wage x transitional_years x rate, yuan a month."""
    return transitional_wage * transitional_years * rate


@njit(cache=True)
def monthly_pension(
    base: float,
    indexed_wage: float,
    years: float,
    accrual: float,
    balance: float,
    divisor: float,
    transitional_wage: float,
    transitional_years: float,
    rate: float,
) -> float:
    """basic + account + transitional (the three functions above), yuan a month."""
    return (
        basic_pension(base, indexed_wage, years, accrual)
        + account_pension(balance, divisor)
        + transitional_pension(transitional_wage, transitional_years, rate)
    )
