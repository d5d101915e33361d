"""The demographic projection of many draws that differ in their TFR and life expectancy paths.

For draw d, year y (from the first shocked year on) and sex s, with z the draw's deviations::

    TFR[d, y]     = max(TFR[y] + z_tfr[d, y], TFR_FLOOR)          ASFR = TFR x the 2010 census shape
    e0[d, y, s]   = e0[y, s] + z_e0[d, y, s]
    S[d, y, s, a] = S[y, s, a] + G_s(e0[d, y, s])[a] - G_s(e0[y, s])[a]        (clipped to [0, 1])

G_s(e) is the survival of the Brass logit table with life expectancy e on the scenario's standard
(:mod:`simulator.model.demography.lifetable`), read from a fine grid of tables (:class:`TableGrid`,
linear between neighbours 0.01 to 0.05 years of e0 apart). Written as a difference from the
scenario's own table, a zero deviation gives that table exactly. Infant survival and e60 move the
same way. Every draw starts from the scenario's base population and has its migration and sex ratio;
the population kernel projects all draws in one call. The scenario's net migrants (a number a year,
with the base population's ages) can exceed a cohort that low fertility has left small: such a cell
ends at zero and the migrants who could not leave are counted (``shortfall``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from simulator.model.demography import data
from simulator.model.demography.assembly import Inputs
from simulator.model.demography.lifetable import brass_table, standard_logit
from simulator.model.kernels.population import run_projection

TFR_FLOOR = 0.3  # children per woman: a floor for the drawn TFR (the lowest national TFR observed is about 0.7)


@dataclass(frozen=True)
class TableGrid:
    """Brass logit tables at ``alpha`` levels: e0 [K, sex] (increasing in the row), survival [K, sex, A],
    infant survival [K, sex], e60 [K, sex]."""

    e0: np.ndarray
    survival: np.ndarray
    infant: np.ndarray
    e60: np.ndarray

    @classmethod
    def build(cls, points: int = 4001, alpha: tuple[float, float] = (-3.0, 2.0)) -> TableGrid:
        """Tables on the 2010 census standard for ``points`` alphas evenly in ``alpha`` (e0 about 20 to 109)."""
        ys = standard_logit(data.census_2010_death_rates())
        levels = np.linspace(alpha[1], alpha[0], points)[:, None] * np.ones(2)  # e0 rises as alpha falls
        tables = brass_table(levels, ys)
        return cls(tables.e(0), tables.survival(), tables.infant_survival(), tables.e(60))

    def at(self, e0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(survival [..., sex, A], infant [..., sex], e60 [..., sex]) at life expectancy ``e0[..., sex]``,
        linear between grid rows; e0 outside the grid is read at its end."""
        rows = np.arange(len(self.e0))
        survival, infant, e60 = [], [], []
        for s in range(2):
            pos = np.interp(e0[..., s], self.e0[:, s], rows)
            j = np.minimum(pos.astype(np.int64), len(rows) - 2)
            f = pos - j
            survival.append((1.0 - f)[..., None] * self.survival[j, s] + f[..., None] * self.survival[j + 1, s])
            infant.append((1.0 - f) * self.infant[j, s] + f * self.infant[j + 1, s])
            e60.append((1.0 - f) * self.e60[j, s] + f * self.e60[j + 1, s])
        return np.stack(survival, axis=-2), np.stack(infant, axis=-1), np.stack(e60, axis=-1)


@lru_cache(maxsize=1)
def table_grid() -> TableGrid:
    """The grid of tables on the 2010 census standard (built once, about 0.3 s)."""
    return TableGrid.build()


@dataclass(frozen=True)
class Projection:
    """A block of draws: population [D, Y, sex, A], survival [D, Y, sex, A], births and deaths [D, Y]
    (NaN in the base year), e0 and e60 [D, Y, sex], TFR [D, Y]."""

    population: np.ndarray
    survival: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    e0: np.ndarray
    e60: np.ndarray
    tfr: np.ndarray
    shortfall: np.ndarray  # [D, Y] out-migrants who could not leave a cohort that had too few people left


def project_draws(inputs: Inputs, grid: TableGrid, tfr_shift: np.ndarray, e0_shift: np.ndarray) -> Projection:
    """The projection of D draws: ``tfr_shift`` [D, Y] (children per woman) and ``e0_shift`` [D, Y, sex]
    (years) added to the scenario's paths of ``inputs`` (years base_year..horizon; zero where unshocked:
    there the draws keep the scenario's values exactly)."""
    tfr = np.where(tfr_shift != 0.0, np.maximum(inputs.tfr + tfr_shift, TFR_FLOOR), inputs.tfr)
    asfr = tfr[..., None] * (data.asfr_2010() / data.asfr_2010().sum())  # as paths.asfr_path
    e0 = inputs.e0 + e0_shift
    moved, infant_moved, e60_moved = grid.at(e0)
    central, infant_central, e60_central = grid.at(inputs.e0)
    survival = np.clip(inputs.survival + (moved - central), 0.0, 1.0)  # moved - central = 0 where unshocked
    infant = np.clip(inputs.infant + (infant_moved - infant_central), 0.0, 1.0)
    e60 = inputs.e60 + (e60_moved - e60_central)
    draws = tfr.shape[0]
    step = slice(1, None)
    flows = np.full((draws, len(inputs.years)), np.nan)
    out_births, out_deaths, shortfall = flows.copy(), flows.copy(), flows.copy()
    pop, out_births[:, 1:], out_deaths[:, 1:] = run_projection(
        inputs.base[None], survival[:, step], infant[:, step], asfr[:, step], inputs.male_share[None, step],
        inputs.migration[None, step], draws=draws, floor=True, shortfall=shortfall[:, 1:],
    )  # fmt: skip
    return Projection(pop, survival, out_births, out_deaths, e0, e60, tfr, shortfall)
