"""Scenario demography parameters to one value per year (and the fixed age profiles they scale).

    e0[y, s]       = straight line between the e0 points (read at 1 July of y), for y <= Y (last point);
                     e0[Y, s] + sum_{k = Y+1..y} gain[k, s] after it                    (years)
    f[y, a]        = TFR[y] x f2010[a] / sum f2010      (children per woman and year, ages 15..49)
    w[y, male]     = SRB[y] / (100 + SRB[y])             (share of births that are boys)
    M[y, s, a]     = net[y] x N[base, s, a] / sum N[base]   (persons; migrants have the base year's
                     age-sex structure, an assumption: see docs/demography.md)
"""

from __future__ import annotations

import numpy as np

from simulator.model.demography import data, wpp
from simulator.model.demography.lifetable import LifeTable, tables_for_e0
from simulator.model.timeline import annual
from simulator.scenario.demography import Demography


def life_tables(demography: Demography, years: np.ndarray, regional: bool = True) -> LifeTable:
    """Life tables (year, sex) of the scenario's mortality basis: UN WPP 2024 rates (times the regional
    factor when ``regional`` and a level is given), or Brass tables on the 2010 census standard at the
    scenario's e0 path."""
    mortality = demography.mortality
    if mortality.wpp2024 is None:
        return tables_for_e0(e0_path(demography, years), data.census_2010_death_rates())
    level = mortality.wpp2024.level
    factor = wpp.level_factor(level.year, level.e0_gap) if regional and has_regional_level(demography) else 1.0
    return wpp.tables(years, factor)


def has_regional_level(demography: Demography) -> bool:
    """Whether the regional life tables differ from the national ones (a WPP basis with a level)."""
    wpp2024 = demography.mortality.wpp2024
    return wpp2024 is not None and wpp2024.level is not None


def e0_path(demography: Demography, years: np.ndarray) -> np.ndarray:
    """Life expectancy at birth, (year, sex), years."""
    out = np.empty((len(years), 2))
    mortality = demography.mortality
    for s, sex in enumerate(data.SEXES):
        points, gain = getattr(mortality.e0, sex), getattr(mortality.e0_gain, sex)
        last = points.values[-1][0].year
        out[:, s] = annual(points, years)
        later = years > last
        if later.any():
            span = np.arange(last + 1, years.max() + 1)  # every year since the last point gains
            cumulative = np.cumsum(annual(gain, span))
            out[later, s] = annual(points, np.array([last]))[0] + cumulative[years[later] - last - 1]
    return out


def asfr_path(demography: Demography, years: np.ndarray) -> np.ndarray:
    """Age-specific fertility rates (year, age) per woman: the TFR path on the 2010 census shape."""
    shape = data.asfr_2010() / data.asfr_2010().sum()
    return tfr_path(demography, years)[:, None] * shape


def tfr_path(demography: Demography, years: np.ndarray) -> np.ndarray:
    return annual(demography.fertility.tfr, years)


def male_share_path(demography: Demography, years: np.ndarray) -> np.ndarray:
    """Share of births that are boys, SRB / (100 + SRB)."""
    srb = annual(demography.fertility.sex_ratio_at_birth, years)
    return srb / (100.0 + srb)


def migration_path(demography: Demography, years: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Net migrants (year, sex, age), persons: the yearly total spread like the base population."""
    net = annual(demography.migration.net, years)
    return net[:, None, None] * (base / base.sum())
