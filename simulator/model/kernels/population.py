"""Cohort-component projection, one calendar year per step, year-end populations.

For step k (from the end of year t-1 to the end of year t), sex s, age a (100 = 100+)::

    N[t, s, a+1] = S[t, s, a] N[t-1, s, a]                         a = 0..98
    N[t, s, 100] = S[t, s, 99] N[t-1, s, 99] + S[t, s, 100] N[t-1, s, 100]
    N[t, s, a]  += M[t, s, a]                                      a = 1..100 (net migrants, added at year end)
    B[t]         = sum_a f[t, a] (N[t-1, female, a] + N[t, female, a]) / 2   (women's mean exposure)
    N[t, s, 0]   = B[t] w[t, s] I[t, s] + M[t, s, 0]               w = (male share, 1 - male share)
    D[t]         = sum_{s,a} (1 - S[t, s, a]) N[t-1, s, a] + sum_s B[t] w[t, s] (1 - I[t, s])

S = L(a+1)/L(a) (open group T(101)/T(100)) and I = L(0)/l(0) come from the life table. Units:
persons; rates per person and year. So N[t].sum() = N[t-1].sum() + B - D + M[t].sum() exactly.

With ``floor`` (stochastic draws, where a fixed number of out-migrants can exceed a small cohort),
a cell that net migration would make negative is set to 0 and the migrants who could not leave
are added up in ``shortfall[d, t]`` (persons); then N[t].sum() = ... + M[t].sum() + shortfall[t].

Every input has a leading draw axis of length 1 (deterministic, broadcast) or D. The numba kernel
runs the draws in parallel; :func:`project_reference` is its plain-numpy twin.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

FEMALE = 1


SERIAL_CELL_YEARS = 1 << 20  # below this much work (about a millisecond) the draws run on one thread


@njit(cache=True, parallel=True)
def project_population(pop0, survival, infant, asfr, male_share, migration, floor, pop, births, deaths, shortfall):  # pragma: no cover
    """Fill ``pop[D, T+1, 2, A]``, ``births[D, T]``, ``deaths[D, T]``, ``shortfall[D, T]`` from the inputs
    ``pop0[D|1, 2, A]``, ``survival[D|1, T, 2, A]``, ``infant[D|1, T, 2]``, ``asfr[D|1, T, A]``,
    ``male_share[D|1, T]``, ``migration[D|1, T, 2, A]`` (T projected years) and ``floor`` (bool). The draws run in
    parallel, one :func:`_project_draw` each, unless the whole job is small: then the thread
    pool's start-up (milliseconds when other work holds the cores) would cost more than it saves."""
    n_draws, n_steps = births.shape
    if n_draws * n_steps * pop.shape[2] * pop.shape[3] < SERIAL_CELL_YEARS:
        for d in range(n_draws):
            _project_draw(pop0, survival, infant, asfr, male_share, migration, floor, pop, births, deaths, shortfall, np.int64(d))
    else:
        for draw in prange(n_draws):
            d = np.int64(draw)  # prange counts in uint64; int64 keeps the index arithmetic integral
            _project_draw(pop0, survival, infant, asfr, male_share, migration, floor, pop, births, deaths, shortfall, d)


@njit(cache=True)
def _project_draw(pop0, survival, infant, asfr, male_share, migration, floor, pop, births, deaths, shortfall, d):  # pragma: no cover
    """Draw ``d`` of :func:`project_population` (inputs with a draw axis of 1 are shared)."""
    n_steps = births.shape[1]
    ages = pop.shape[3]
    top = ages - 1
    dp = d if pop0.shape[0] > 1 else 0
    ds = d if survival.shape[0] > 1 else 0
    di = d if infant.shape[0] > 1 else 0
    df = d if asfr.shape[0] > 1 else 0
    dm = d if male_share.shape[0] > 1 else 0
    dg = d if migration.shape[0] > 1 else 0
    for s in range(2):
        for a in range(ages):
            pop[d, 0, s, a] = pop0[dp, s, a]
    for k in range(n_steps):
        dead = 0.0
        missing = 0.0
        for s in range(2):
            for a in range(ages):
                dead += (1.0 - survival[ds, k, s, a]) * pop[d, k, s, a]
            for a in range(1, top):
                pop[d, k + 1, s, a] = survival[ds, k, s, a - 1] * pop[d, k, s, a - 1] + migration[dg, k, s, a]
            pop[d, k + 1, s, top] = (
                survival[ds, k, s, top - 1] * pop[d, k, s, top - 1]
                + survival[ds, k, s, top] * pop[d, k, s, top]
                + migration[dg, k, s, top]
            )
            if floor:
                for a in range(1, ages):
                    if pop[d, k + 1, s, a] < 0.0:
                        missing += -pop[d, k + 1, s, a]
                        pop[d, k + 1, s, a] = 0.0
        born = 0.0
        for a in range(1, ages):
            born += asfr[df, k, a] * 0.5 * (pop[d, k, FEMALE, a] + pop[d, k + 1, FEMALE, a])
        for s in range(2):
            share = male_share[dm, k] if s == 0 else 1.0 - male_share[dm, k]
            pop[d, k + 1, s, 0] = born * share * infant[di, k, s] + migration[dg, k, s, 0]
            if floor and pop[d, k + 1, s, 0] < 0.0:
                missing += -pop[d, k + 1, s, 0]
                pop[d, k + 1, s, 0] = 0.0
            dead += born * share * (1.0 - infant[di, k, s])
        births[d, k] = born
        deaths[d, k] = dead
        shortfall[d, k] = missing


def age_one_year(pop: np.ndarray, survival: np.ndarray) -> np.ndarray:
    """Survivors a year later, aged one more (age 0 left empty): ``pop[..., A]``, ``survival[..., A]``."""
    out = np.zeros_like(pop * survival)
    out[..., 1:] = survival[..., :-1] * pop[..., :-1]
    out[..., -1] += survival[..., -1] * pop[..., -1]
    return out


def project_reference(
    pop0, survival, infant, asfr, male_share, migration, floor: bool = False, shortfall: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain-numpy twin of :func:`project_population`: returns (pop, births, deaths), draws broadcast;
    with ``floor`` the migrants who could not leave go into ``shortfall[D, T]`` when it is given."""
    n_steps = survival.shape[1]
    n_draws = max(x.shape[0] for x in (pop0, survival, infant, asfr, male_share, migration))
    pop = np.empty((n_draws, n_steps + 1) + pop0.shape[1:])
    births, deaths = np.empty((n_draws, n_steps)), np.empty((n_draws, n_steps))
    pop[:, 0] = pop0
    for k in range(n_steps):
        start = pop[:, k]
        end = age_one_year(start, survival[:, k]) + migration[:, k]
        missing = np.zeros(n_draws)
        if floor:
            missing += np.maximum(-end[:, :, 1:], 0.0).sum(axis=(-2, -1))
            end[:, :, 1:] = np.maximum(end[:, :, 1:], 0.0)
        born = (asfr[:, k, 1:] * 0.5 * (start[:, FEMALE, 1:] + end[:, FEMALE, 1:])).sum(axis=-1)
        by_sex = born[:, None] * np.stack([male_share[:, k], 1.0 - male_share[:, k]], axis=-1)
        end[:, :, 0] = by_sex * infant[:, k] + migration[:, k, :, 0]
        if floor:
            missing += np.maximum(-end[:, :, 0], 0.0).sum(axis=-1)
            end[:, :, 0] = np.maximum(end[:, :, 0], 0.0)
        if shortfall is not None:
            shortfall[:, k] = missing
        pop[:, k + 1] = end
        births[:, k] = born
        infant_deaths = (by_sex * (1.0 - infant[:, k])).sum(axis=-1)
        deaths[:, k] = ((1.0 - survival[:, k]) * start).sum(axis=(-2, -1)) + infant_deaths
    return pop, births, deaths


def run_projection(
    pop0, survival, infant, asfr, male_share, migration, draws: int = 1, floor: bool = False, shortfall: np.ndarray | None = None
):
    """Allocate the outputs for ``draws`` draws and call the numba kernel; returns (pop, births, deaths)
    (with ``floor``, the migrants who could not leave go into ``shortfall[draws, T]`` when it is given)."""
    n_steps, ages = survival.shape[1], pop0.shape[-1]
    pop = np.empty((draws, n_steps + 1, 2, ages))
    births, deaths = np.empty((draws, n_steps)), np.empty((draws, n_steps))
    missing = shortfall if shortfall is not None else np.empty((draws, n_steps))
    arrays = [np.ascontiguousarray(x, dtype=np.float64) for x in (pop0, survival, infant, asfr, male_share, migration)]
    project_population(*arrays, bool(floor), pop, births, deaths, missing)
    return pop, births, deaths
