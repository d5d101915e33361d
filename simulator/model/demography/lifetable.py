"""Period life tables by sex and year, built two ways: from given single-age central death rates
(:func:`table_from_rates`, the UN WPP 2024 basis, see ``wpp.py``), or by Brass logit (beta = 1) on
the 2010 census standard, level set by life expectancy at birth, Kannisto above age 85 (below).

Brass relational model, exact ages x = 1..85 (Brass 1971)::

    Y(x) = 1/2 ln((1 - l(x)) / l(x)),     Y(x) = alpha + Y_s(x)
    l(x) = 1 / (1 + exp(2 (alpha + Y_s(x))))

``Y_s`` is the logit of the standard: the 2010 census death rates by sex and single age
(table 6-4), turned into a table with a(x) = 1/2 and Coale-Demeny a(0). One ``alpha`` per sex
and year is solved so that the table's e0 equals the target e0 (bisection, e0 falls as alpha
rises). Census deaths are under-reported, so the census gives the *shape* only; the level is
set by the published e0.

Old ages: above 85 the census standard is noisy and the Brass transform keeps the standard's
oldest-age pattern. The force of mortality there is a Kannisto curve fitted per table, by least
squares on the table's own m(x) at ages 70..84 (Thatcher, Kannisto and Vaupel 1998)::

    logit mu(x) = ln a + b x,      mu(x) = a e^{bx} / (1 + a e^{bx})
    l(x) = l(85) exp(-(H(x) - H(85))),   H(x) = ln(1 + a e^{bx}) / b

up to age 130 (l(130) is negligible). Person-years: L(x) = l(x+1) + a(x) d(x) below 85,
Simpson's rule on l above. T(x) = sum of L from x; e(x) = T(x) / l(x).

Units: l, L, T per one person at birth (radix 1); e in years; m per person-year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

JOIN = 85  # Kannisto replaces Brass from this exact age
FIT = np.arange(70, JOIN)  # ages whose m(x) fit the Kannisto curve
OMEGA = 130  # last exact age of the table
# Coale-Demeny a(0) from q(0) < 0.1 (Coale and Demeny 1983, via Preston et al. 2001, table 3.3): a0 = c + k q0
A0 = np.array([[0.0425, 2.875], [0.050, 3.000]])  # [male, female] x [c, k]


@dataclass(frozen=True)
class LifeTable:
    """Life tables with any leading dims (..., sex) and ages on the last axis.

    ``l`` holds exact ages 0..OMEGA+1 (last = 0), ``L`` and ``m`` single ages 0..OMEGA."""

    l: np.ndarray
    L: np.ndarray

    @property
    def T(self) -> np.ndarray:
        return np.cumsum(self.L[..., ::-1], axis=-1)[..., ::-1]

    def e(self, age: int) -> np.ndarray:
        """Period life expectancy at exact age ``age``, years."""
        return self.T[..., age] / self.l[..., age]

    def survival(self) -> np.ndarray:
        """S(a), a = 0..100: share of those aged a at a year end alive a year later.

        S(a) = L(a+1) / L(a) for a < 100; the open group 100+: S(100) = T(101) / T(100)."""
        L, T = self.L, self.T
        return np.concatenate([L[..., 1:101] / L[..., :100], T[..., 101:102] / T[..., 100:101]], axis=-1)

    def infant_survival(self) -> np.ndarray:
        """L(0) / l(0): share of the year's births alive at the year end (births spread evenly)."""
        return self.L[..., 0] / self.l[..., 0]


def standard_logit(m_census: np.ndarray) -> np.ndarray:
    """Y_s(x), x = 0..JOIN, of the table from central rates ``m_census[sex, age]`` (Y_s(0) = -inf)."""
    l = _l_from_m(m_census[:, :JOIN], _a0_coefficients())
    with np.errstate(divide="ignore"):
        return 0.5 * np.log((1.0 - l) / l)


def brass_table(alpha: np.ndarray, ys: np.ndarray) -> LifeTable:
    """Life table for logit level ``alpha[..., sex]`` on the standard ``ys[sex, 0..JOIN]``."""
    alpha = np.asarray(alpha, dtype=float)
    l_low = 1.0 / (1.0 + np.exp(2.0 * (alpha[..., None] + ys)))  # exact ages 0..JOIN, l(0) = 1
    d_low = l_low[..., :-1] - l_low[..., 1:]
    q_low = d_low / l_low[..., :-1]
    a = np.full(q_low.shape, 0.5)
    c, k = _a0_coefficients()
    a[..., 0] = c + k * q_low[..., 0]
    L_low = l_low[..., 1:] + a * d_low
    m_fit = d_low[..., FIT] / L_low[..., FIT]
    ln_a, b = _kannisto_fit(m_fit, FIT + 0.5)
    high = np.arange(JOIN, OMEGA + 1.5, 0.5)  # exact ages JOIN, JOIN+0.5, ..., OMEGA+1
    H = _kannisto_cumulative_hazard(ln_a[..., None], b[..., None], high)
    l_high = l_low[..., -1:] * np.exp(-(H - H[..., :1]))
    L_high = (l_high[..., 0:-1:2] + 4 * l_high[..., 1::2] + l_high[..., 2::2]) / 6.0  # Simpson, one year
    l = np.concatenate([l_low, l_high[..., 2::2]], axis=-1)
    l[..., -1] = 0.0  # nobody is left past OMEGA + 1
    return LifeTable(l=l, L=np.concatenate([L_low, L_high], axis=-1))


def solve_alpha(e0_target: np.ndarray, ys: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """alpha[..., sex] such that e0 of ``brass_table(alpha, ys)`` equals ``e0_target[..., sex]`` (bisection)."""
    target = np.asarray(e0_target, dtype=float)
    lo, hi = np.full(target.shape, -4.0), np.full(target.shape, 4.0)
    while np.max(hi - lo) > tol:
        mid = 0.5 * (lo + hi)
        too_long = brass_table(mid, ys).e(0) > target  # e0 falls as alpha rises
        lo, hi = np.where(too_long, mid, lo), np.where(too_long, hi, mid)
    return 0.5 * (lo + hi)


def tables_for_e0(e0: np.ndarray, m_census: np.ndarray) -> LifeTable:
    """Tables whose e0 is ``e0[..., sex]`` on the census standard ``m_census[sex, age]``."""
    ys = standard_logit(m_census)
    return brass_table(solve_alpha(e0, ys), ys)


def table_from_rates(m: np.ndarray) -> LifeTable:
    """Life tables from single-age central rates ``m[..., sex, 0..100]`` (100 = 100+).

    The open group's rate holds at every age 100..OMEGA, so e(100) = 1 / m(100+) (up to the
    negligible survivors past OMEGA + 1). q and a as in :func:`_q_from_m`; L(x) = l(x+1) + a(x) d(x)."""
    m = np.asarray(m, dtype=float)
    open_group = np.repeat(m[..., -1:], OMEGA - m.shape[-1] + 1, axis=-1)
    q, a = _q_from_m(np.concatenate([m, open_group], axis=-1), _a0_coefficients())
    l = np.concatenate([np.ones(m.shape[:-1] + (1,)), np.cumprod(1.0 - q, axis=-1)], axis=-1)
    d = l[..., :-1] - l[..., 1:]
    L = l[..., 1:] + a * d
    l[..., -1] = 0.0  # nobody is left past OMEGA + 1
    return LifeTable(l=l, L=L)


def _a0_coefficients() -> tuple[np.ndarray, np.ndarray]:
    return A0[:, 0], A0[:, 1]


def _l_from_m(m: np.ndarray, a0: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """l at exact ages 0..n from central rates m(0..n-1) (see :func:`_q_from_m`)."""
    q, _ = _q_from_m(m, a0)
    survivors = np.cumprod(1.0 - q, axis=-1)
    return np.concatenate([np.ones(m.shape[:-1] + (1,)), survivors], axis=-1)


def _q_from_m(m: np.ndarray, a0: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(q, a) from central rates m: q = m / (1 + (1 - a) m), a = 1/2 and a(0) = c + k q(0) (iterated).

    This is the inverse of m = d / L with L = l(x+1) + a d, so a table built from q and a has the
    central rates m exactly."""
    a = np.full(m.shape, 0.5)
    for _ in range(5):  # a0 depends on q0: a few fixed-point rounds converge
        q = m / (1.0 + (1.0 - a) * m)
        a[..., 0] = a0[0] + a0[1] * q[..., 0]
    return m / (1.0 + (1.0 - a) * m), a


def _kannisto_fit(m: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares of logit m = ln a + b x over the last axis; returns (ln a, b), b >= 0.01."""
    y = np.log(m / (1.0 - m))
    xc = x - x.mean()
    b = np.maximum((y * xc).sum(axis=-1) / (xc**2).sum(), 0.01)
    return y.mean(axis=-1) - b * x.mean(), b


def _kannisto_cumulative_hazard(ln_a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """H(x) = ln(1 + a e^{bx}) / b."""
    return np.logaddexp(0.0, ln_a + b * x) / b
