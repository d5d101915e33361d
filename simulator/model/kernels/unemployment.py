"""Unemployment-benefit recipients by months of benefit left, in monthly steps.

State per draw: ``R[r]`` recipients with r + 1 months of benefit left at the start of a month
(r = 0..N-1). A claimant enters with the months of their *potential duration* (entitlement by
contribution years, cut at the retirement age or extended to it; built outside, see
:func:`simulator.model.unemployment.potential_duration`). Each month m of year t:

1. claimants: ``R[r] += inflow[t, r] / 12`` (claims spread evenly over the year);
2. every recipient is paid that month: ``months += sum(R)``;
3. a share ``q[t]`` (re-employment, per month) leaves: ``reemployed += q sum(R)``; of the rest,
   those in their last month leave: ``exhausted += (1 - q) R[0]``; the others move down a month:
   ``R[r] <- (1 - q) R[r + 1]``.

Outputs ``out[d, t, k]`` (persons and recipient-months): ``MONTHS`` paid in the year, ``CLAIMANTS``,
``RECIPIENTS`` at year end, ``REEMPLOYED``, ``EXHAUSTED``; ``end[d, :]`` holds the final state.
People are conserved: R[t-1] + claimants = R[t] + reemployed + exhausted.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

MONTHS, CLAIMANTS, RECIPIENTS, REEMPLOYED, EXHAUSTED = 0, 1, 2, 3, 4
N_OUTPUTS = 5


def unemployment_numba(stock0, inflow, reemployment, out, end):
    """Numba twin of :func:`unemployment_numpy` (same arguments): one :func:`_project_draw` per draw,
    on this thread for one draw (the parallel kernel is compiled only when a run has several)."""
    if out.shape[0] == 1:
        _project_draw(stock0, inflow, reemployment, out, end, np.int64(0))
    else:
        _unemployment_parallel(stock0, inflow, reemployment, out, end)


@njit(cache=True, parallel=True)
def _unemployment_parallel(stock0, inflow, reemployment, out, end):
    """The draws of :func:`unemployment_numba` in parallel."""
    for d in prange(out.shape[0]):
        _project_draw(stock0, inflow, reemployment, out, end, np.int64(d))


@njit(cache=True)
def _project_draw(stock0, inflow, reemployment, out, end, di):
    """Draw ``di`` of :func:`unemployment_numba`."""
    n_years = out.shape[1]
    N = stock0.shape[0]
    dq = di if inflow.shape[0] > 1 else np.int64(0)
    dr = di if reemployment.shape[0] > 1 else np.int64(0)
    r = stock0.copy()
    for t in range(n_years):
        q = reemployment[dr, t]
        months = 0.0
        claimants = 0.0
        back = 0.0
        done = 0.0
        for _ in range(12):
            total = 0.0
            for k in range(N):
                new = inflow[dq, t, k] / 12.0
                claimants += new
                r[k] += new
                total += r[k]
            months += total
            back += q * total
            done += (1.0 - q) * r[0]
            for k in range(N - 1):
                r[k] = (1.0 - q) * r[k + 1]
            r[N - 1] = 0.0
        stock = 0.0
        for k in range(N):
            stock += r[k]
        out[di, t, MONTHS] = months
        out[di, t, CLAIMANTS] = claimants
        out[di, t, RECIPIENTS] = stock
        out[di, t, REEMPLOYED] = back
        out[di, t, EXHAUSTED] = done
    for k in range(N):
        end[di, k] = r[k]


def unemployment_numpy(
    stock0: np.ndarray, inflow: np.ndarray, reemployment: np.ndarray, out: np.ndarray, end: np.ndarray
) -> None:
    """Reference twin, whole-array numpy over draws.

    Shapes: ``stock0`` (N,) persons by months left - 1; ``inflow`` (Dx, T, N) claimants per year by
    potential duration - 1; ``reemployment`` (Dx, T) per month; ``out`` (D, T, N_OUTPUTS); ``end``
    (D, N). Dx is 1 or D.
    """
    n_draws, n_years = out.shape[:2]
    r = np.repeat(stock0[None].astype(float), n_draws, axis=0)
    for t in range(n_years):
        q = np.broadcast_to(reemployment[:, t], (n_draws,))
        new = np.broadcast_to(inflow[:, t], r.shape) / 12.0
        o = out[:, t]
        o[:] = 0.0
        for _ in range(12):
            r = r + new
            total = r.sum(axis=1)
            o[:, MONTHS] += total
            o[:, REEMPLOYED] += q * total
            o[:, EXHAUSTED] += (1.0 - q) * r[:, 0]
            r = np.concatenate([(1.0 - q)[:, None] * r[:, 1:], np.zeros((n_draws, 1))], axis=1)
        o[:, CLAIMANTS] = new.sum(axis=1) * 12.0
        o[:, RECIPIENTS] = r.sum(axis=1)
    end[:] = r
