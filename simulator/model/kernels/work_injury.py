"""Work-injury long-term pensioners: disability allowances (grades 1-4) and survivor pensions.

State per draw, by layer l, sex s and age a at year end (persons, and their annual payments in
yuan as cell totals): layers 0-3 are the disabled of grades 1-4 (allowance until retirement age),
layer 4 the surviving spouses of workers killed at work (pension for life); ``others`` holds the
other dependants as one stock ``[persons, annual payments]``. Year t, in this order:

1. index payments: ``pay *= 1 + indexation[t]`` (January);
2. survive and age by one (the open age 100 keeps its survivors): death probability
   ``q = min(1, factor[l] x (1 - p[t, s, a-1]))``; a share ``h[t, s, a]`` of the survivors of a
   grade layer reaches retirement age and leaves (``retires[l] = 1``). Paid in the year:
   ``pay_prev x (p x (1 - h / 2) + (1 - p) / 2)`` (deaths and retirements mid-year);
3. new pensioners ``new_count[t, l] x new_dist[t, s', a]`` (ages 1..100; s' = s, or the other sex
   where ``flip[l]`` = 1: the spouses of those killed) with ``series[t, PAY + l]`` each a year, paid
   for half the year (a share h of them is past retirement age and leaves at once);
4. other dependants: ``pay_o *= 1 + indexation``; a share ``exit`` leaves mid-year; new ones arrive
   mid-year with ``OTHER_PAY`` each.

Outputs ``out[d, t, k]``: ``ALLOWANCES`` (grades 1-4) and ``SURVIVOR_PENSIONS`` paid (yuan),
``LONG_TERM`` (grades 1-4), ``SPOUSES``, ``OTHERS`` at year end, ``DEATHS`` and ``RETIRED`` of grades
1-4 in the year (persons). ``end_people``, ``end_pay`` and ``end_others`` [draw, ...] hold the final state.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# series[d, t, k]
INDEXATION, NEW_OTHERS, OTHER_PAY, OTHER_EXIT = 0, 1, 2, 3
PAY = 4  # PAY + l: annual payment per new pensioner of layer l (yuan)
LAYERS = 5  # grades 1-4 and spouses
N_SERIES = PAY + LAYERS

# out[d, t, k]
ALLOWANCES, SURVIVOR_PENSIONS, LONG_TERM, SPOUSES, OTHERS, DEATHS, RETIRED = range(7)
N_OUTPUTS = 7

FACTOR_SPOUSE = 1.0  # spouses die at population rates


@njit(cache=True, parallel=True)
def work_injury_numba(
    people0, pay0, others0, survival, retire, new_count, new_dist, flip, series, factor, retires,
    out, end_people, end_pay, end_others,
):  # fmt: skip
    """Numba twin of :func:`work_injury_numpy` (same arguments). A cell with nobody in it, nobody
    ageing into it and no new pensioners stays empty and is skipped."""
    n_draws, n_years = out.shape[0], out.shape[1]
    L, S, A = people0.shape
    for d in prange(n_draws):
        di = np.int64(d)  # prange gives an unsigned index; keep draw indices signed
        dv = di if survival.shape[0] > 1 else np.int64(0)
        dh = di if retire.shape[0] > 1 else np.int64(0)
        dn = di if new_count.shape[0] > 1 else np.int64(0)
        dd = di if new_dist.shape[0] > 1 else np.int64(0)
        dq = di if series.shape[0] > 1 else np.int64(0)
        x = people0.copy()
        w = pay0.copy()
        o_n = others0[0]
        o_w = others0[1]
        for t in range(n_years):
            sr = series[dq, t]
            up = 1.0 + sr[INDEXATION]
            allowances = 0.0
            survivors = 0.0
            deaths = 0.0
            retired = 0.0
            for l in range(L):
                for s in range(S):
                    s_new = 1 - s if flip[l] else s
                    for a in range(A - 1, 0, -1):
                        n = new_count[dn, t, l] * new_dist[dd, t, s_new, a]
                        if (
                            n == 0.0 and x[l, s, a - 1] == 0.0 and w[l, s, a - 1] == 0.0
                            and (a < A - 1 or (x[l, s, a] == 0.0 and w[l, s, a] == 0.0))
                        ):  # fmt: skip
                            x[l, s, a] = 0.0
                            w[l, s, a] = 0.0
                            continue
                        h = retire[dh, t, s, a] * retires[l]
                        q = factor[l] * (1.0 - survival[dv, t, s, a - 1])
                        p = 1.0 - min(q, 1.0)
                        xin = x[l, s, a - 1]
                        win = w[l, s, a - 1] * up
                        paid = win * (p * (1.0 - 0.5 * h) + 0.5 * (1.0 - p))
                        dead = xin * (1.0 - p)
                        gone = xin * p * h
                        keep_x = xin * p * (1.0 - h)
                        keep_w = win * p * (1.0 - h)
                        if a == A - 1:
                            qo = factor[l] * (1.0 - survival[dv, t, s, A - 1])
                            po = 1.0 - min(qo, 1.0)
                            xo = x[l, s, a]
                            wo = w[l, s, a] * up
                            paid += wo * (po * (1.0 - 0.5 * h) + 0.5 * (1.0 - po))
                            dead += xo * (1.0 - po)
                            gone += xo * po * h
                            keep_x += xo * po * (1.0 - h)
                            keep_w += wo * po * (1.0 - h)
                        paid += 0.5 * n * sr[PAY + l] * (1.0 - h)
                        gone += n * h
                        x[l, s, a] = keep_x + n * (1.0 - h)
                        w[l, s, a] = keep_w + n * (1.0 - h) * sr[PAY + l]
                        if retires[l] > 0.0:
                            allowances += paid
                            deaths += dead
                            retired += gone
                        else:
                            survivors += paid
                    x[l, s, 0] = 0.0
                    w[l, s, 0] = 0.0
            keep = 1.0 - sr[OTHER_EXIT]
            o_w *= up
            survivors += o_w * (1.0 + keep) * 0.5 + 0.5 * sr[NEW_OTHERS] * sr[OTHER_PAY]
            o_n = o_n * keep + sr[NEW_OTHERS]
            o_w = o_w * keep + sr[NEW_OTHERS] * sr[OTHER_PAY]
            long_term = 0.0
            spouses = 0.0
            for l in range(L):
                for s in range(S):
                    for a in range(A):
                        if retires[l] > 0.0:
                            long_term += x[l, s, a]
                        else:
                            spouses += x[l, s, a]
            o = out[d, t]
            o[ALLOWANCES] = allowances
            o[SURVIVOR_PENSIONS] = survivors
            o[LONG_TERM] = long_term
            o[SPOUSES] = spouses
            o[OTHERS] = o_n
            o[DEATHS] = deaths
            o[RETIRED] = retired
        end_people[d] = x
        end_pay[d] = w
        end_others[d, 0] = o_n
        end_others[d, 1] = o_w


def work_injury_numpy(
    people0: np.ndarray,
    pay0: np.ndarray,
    others0: np.ndarray,
    survival: np.ndarray,
    retire: np.ndarray,
    new_count: np.ndarray,
    new_dist: np.ndarray,
    flip: np.ndarray,
    series: np.ndarray,
    factor: np.ndarray,
    retires: np.ndarray,
    out: np.ndarray,
    end_people: np.ndarray,
    end_pay: np.ndarray,
    end_others: np.ndarray,
) -> None:
    """Reference twin, whole-array numpy over draws.

    Shapes: ``people0, pay0`` (L, 2, A); ``others0`` (2,) persons and annual payments; ``survival``,
    ``retire`` (Dx, T, 2, A); ``new_count`` (Dx, T, L), ``new_dist`` (Dx, T, 2, A), ``flip`` (L,) int;
    ``series`` (Dx, T, N_SERIES); ``factor``,
    ``retires`` (L,) mortality multiplier and 1 for layers that leave at retirement age; ``out``
    (D, T, N_OUTPUTS); ``end_people, end_pay`` (D, L, 2, A); ``end_others`` (D, 2). Dx is 1 or D.
    """
    n_draws, n_years = out.shape[:2]
    L = people0.shape[0]
    x = np.repeat(people0[None].astype(float), n_draws, axis=0)  # (D, L, 2, A)
    w = np.repeat(pay0[None].astype(float), n_draws, axis=0)
    o = np.repeat(others0[None].astype(float), n_draws, axis=0)  # (D, 2)
    grade = retires > 0.0
    for t in range(n_years):
        sr = np.broadcast_to(series[:, t], (n_draws, series.shape[2]))
        up = (1.0 + sr[:, INDEXATION])[:, None, None, None]
        q = factor[None, :, None, None] * (1.0 - np.broadcast_to(survival[:, t], (n_draws, 2, x.shape[3]))[:, None])
        p = 1.0 - np.minimum(q, 1.0)  # (D, L, 2, A): for those aged a at the end of t-1
        h = np.broadcast_to(retire[:, t], (n_draws, 2, x.shape[3]))[:, None] * retires[None, :, None, None]
        w = w * up
        xs, ws = _age(x * p), _age(w * p)  # survivors, now aged a
        dead = _age(x * (1.0 - p))
        paid = _age(w * p) * (1.0 - 0.5 * h) + 0.5 * _age(w * (1.0 - p))
        gone = xs * h
        dist = np.broadcast_to(new_dist[:, t], (n_draws, 2, x.shape[3]))
        by_layer = np.stack([dist, dist[:, ::-1]], axis=1)[:, flip]  # (D, L, 2, A): the other sex where flip
        n = np.broadcast_to(new_count[:, t], (n_draws, L))[:, :, None, None] * by_layer
        n[..., 0] = 0.0  # nobody enters at age 0 (as the numba twin)
        pay_new = sr[:, PAY : PAY + L][:, :, None, None]
        paid = paid + 0.5 * n * pay_new * (1.0 - h)
        gone = gone + n * h
        x = xs * (1.0 - h) + n * (1.0 - h)
        w = ws * (1.0 - h) + n * (1.0 - h) * pay_new
        keep = 1.0 - sr[:, OTHER_EXIT]
        o_w = o[:, 1] * (1.0 + sr[:, INDEXATION])
        other_paid = o_w * (1.0 + keep) * 0.5 + 0.5 * sr[:, NEW_OTHERS] * sr[:, OTHER_PAY]
        o = np.stack([o[:, 0] * keep + sr[:, NEW_OTHERS], o_w * keep + sr[:, NEW_OTHERS] * sr[:, OTHER_PAY]], axis=1)
        res = out[:, t]
        res[:, ALLOWANCES] = paid[:, grade].sum(axis=(1, 2, 3))
        res[:, SURVIVOR_PENSIONS] = paid[:, ~grade].sum(axis=(1, 2, 3)) + other_paid
        res[:, LONG_TERM] = x[:, grade].sum(axis=(1, 2, 3))
        res[:, SPOUSES] = x[:, ~grade].sum(axis=(1, 2, 3))
        res[:, OTHERS] = o[:, 0]
        res[:, DEATHS] = dead[:, grade].sum(axis=(1, 2, 3))
        res[:, RETIRED] = gone[:, grade].sum(axis=(1, 2, 3))
    end_people[:] = x
    end_pay[:] = w
    end_others[:] = o


def _age(x: np.ndarray) -> np.ndarray:
    """Shift the last axis (age) up by one; the open age keeps its own; age 0 empties."""
    y = np.zeros_like(x)
    y[..., 1:] = x[..., :-1]
    y[..., -1] += x[..., -1]
    return y
