"""The national raw tables shipped in ``simulator/data/demography`` as arrays (sources: SOURCES.md there).

Arrays are indexed ``[sex, age]`` with sex 0 = male, 1 = female and age 0..100 (100 = 100+).
Files are read once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "data" / "demography"
SEXES = ("male", "female")
AGES = 101  # 0..99 and the open group 100+


def _by_sex_age(frame: pd.DataFrame, column: str) -> np.ndarray:
    out = np.zeros((2, AGES))
    for i, sex in enumerate(SEXES):
        rows = frame[frame["sex"] == sex].sort_values("age")
        out[i, rows["age"].to_numpy()] = rows[column].to_numpy(dtype=float)
    return out


@lru_cache(maxsize=1)
def census_2010() -> np.ndarray:
    """Persons by sex and single age on 2010-11-01, 31 provinces (census 2010, table 3-1)."""
    return _by_sex_age(pd.read_csv(DATA / "china_2010_census_single_age.csv"), "population")


@lru_cache(maxsize=1)
def census_2010_death_rates() -> np.ndarray:
    """Central death rates m(x) = deaths / average population, 2009-11..2010-10 (census 2010, table 6-4)."""
    frame = pd.read_csv(DATA / "china_2010_census_deaths_single_age.csv")
    frame["m"] = frame["deaths"] / frame["average_population"]
    return _by_sex_age(frame, "m")


@lru_cache(maxsize=1)
def asfr_2010() -> np.ndarray:
    """Age-specific fertility rates per woman (not per mille), ages 0..100, zero outside 15..49
    (census 2010, table 6-3)."""
    frame = pd.read_csv(DATA / "asfr_china_2010_census.csv")
    out = np.zeros(AGES)
    out[frame["age"].to_numpy()] = frame["asfr_permille"].to_numpy(dtype=float) / 1000.0
    return out


@lru_cache(maxsize=1)
def wpp_births() -> dict[int, float]:
    """UN WPP 2024 estimates of annual births, China, persons, 1950..2023."""
    frame = pd.read_csv(DATA / "wpp2024_china_births.csv")
    return dict(zip(frame["year"].astype(int), frame["births"].astype(float)))


@lru_cache(maxsize=1)
def wpp_totals() -> dict[int, float]:
    """UN WPP 2024 medium variant, total population of China on 1 July, 2024..2100."""
    frame = pd.read_csv(DATA / "wpp_china_totals.csv")
    return dict(zip(frame["year"].astype(int), frame["population"].astype(float)))


@lru_cache(maxsize=1)
def census_2020_groups() -> tuple[np.ndarray, np.ndarray]:
    """National 2020 census, both sexes: (lower ages of the groups, persons), 31 provinces.

    Groups 0-9, 10-14, ..., 95-99, 100+. 0-9 = 0-14 of communique No.5 minus 10-14 of the
    census yearbook table 1-5 (servicemen are all 15-64, so 0-14 is the same on both bases)."""
    groups = pd.read_csv(DATA / "region_age_groups_2020.csv")
    indicators = census_2020_indicators("china")
    lower = np.concatenate([[0], groups["age_from"].to_numpy(dtype=int)])
    persons = groups["population_or_share"].to_numpy(dtype=float)
    persons = np.concatenate([[indicators["age_0_14_population"] - persons[0]], persons])
    return lower, persons


@lru_cache(maxsize=8)
def census_2020_indicators(region: str) -> dict[str, float]:
    """Indicator -> value for one region of ``region_census_2020.csv``."""
    frame = pd.read_csv(DATA / "region_census_2020.csv")
    rows = frame[frame["region"] == region]
    return dict(zip(rows["indicator"], rows["value"].astype(float)))


WPP_SERIES = ("male", "female", "both")  # the both-sexes series is shipped for e0 only


@lru_cache(maxsize=1)
def wpp_death_rates() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UN WPP 2024 central death rates, China: (first years of the five-year periods (P,), lower ages
    of the abridged groups 0, 1, 5, ..., 95, 100 (100 = 100+) (G,), m[sex, period, group]).

    Periods 1950-1955 .. 2095-2100 (estimates to 2015-2020, medium after);
    m in deaths per person-year."""
    frame = pd.read_csv(DATA / "wpp2024_china_mx.csv")
    frame["start"] = frame["period"].str[:4].astype(int)
    starts = np.sort(frame["start"].unique())
    lower = np.sort(frame["age_from"].unique())
    table = frame.pivot_table(index=["sex", "start"], columns="age_from", values="mx")
    m = np.stack([table.loc[sex].reindex(index=starts, columns=lower).to_numpy(dtype=float) for sex in SEXES])
    if np.isnan(m).any():
        raise ValueError("wpp2024_china_mx.csv: a series, period or age group is missing")
    return starts, lower, m


@lru_cache(maxsize=1)
def wpp_deaths() -> dict[int, float]:
    """UN WPP 2024 annual deaths, China, persons: estimates 1950..2023, medium projection 2024..2100."""
    frame = pd.read_csv(DATA / "wpp2024_china_deaths.csv")
    return dict(zip(frame["year"].astype(int), frame["deaths"].astype(float)))


@lru_cache(maxsize=1)
def wpp_e0() -> dict[tuple[str, int], float]:
    """UN WPP 2024 life expectancy at birth, China: {(series, year): years}, estimates 1950..2023 and
    the medium projection 2024..2100, series ``WPP_SERIES``."""
    frame = pd.read_csv(DATA / "wpp2024_china_e0.csv")
    return {(s, int(y)): float(e) for s, y, e in zip(frame["sex"], frame["year"], frame["e0"])}


def national_series(indicator: str) -> dict[int, float]:
    """{year: value} of one indicator of ``china_vital_indicators.csv`` (e.g. ``deaths``, persons)."""
    frame = pd.read_csv(DATA / "china_vital_indicators.csv")
    rows = frame[frame["indicator"] == indicator]
    return dict(zip(rows["year"].astype(int), rows["value"].astype(float)))


def region_series(region: str, indicator: str) -> dict[int, float]:
    """{year: value} of one region's indicator in ``region_population_other_years.csv``."""
    frame = pd.read_csv(DATA / "region_population_other_years.csv")
    rows = frame[(frame["region"] == region) & (frame["indicator"] == indicator)]
    return dict(zip(rows["year"].astype(int), rows["value"].astype(float)))
