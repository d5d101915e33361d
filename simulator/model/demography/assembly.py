"""Scenario -> demographic inputs -> projection kernel -> ``xarray.Dataset``.

    inputs = build_inputs(scenario)          # life tables, base population, fertility, migration
    pop, births, deaths = run(inputs)        # numba kernel, year-end persons
    ds = population_dataset(scenario)        # both, as a Dataset with units
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulator.errors import InputError
from simulator.model.demography import data, paths
from simulator.model.demography.base import CENSUS_YEAR, FIRST_YEAR, Survival, base_population
from simulator.model.kernels.population import run_projection
from simulator.scenario.schema import Scenario


@dataclass(frozen=True)
class Inputs:
    """Deterministic inputs by year (base_year..horizon); flows of the base year are not used."""

    years: np.ndarray  # (Y,)
    base: np.ndarray  # (sex, age) persons at the end of the base year
    survival: np.ndarray  # (Y, sex, age)
    infant: np.ndarray  # (Y, sex) L0/l0
    e0: np.ndarray  # (Y, sex) years
    e60: np.ndarray  # (Y, sex) years
    tfr: np.ndarray  # (Y,) children per woman
    asfr: np.ndarray  # (Y, age) per woman
    male_share: np.ndarray  # (Y,)
    migration: np.ndarray  # (Y, sex, age) persons
    census_fit: np.ndarray | None  # (sex, age) the region's 2020 census fit (None with a base file)


def build_inputs(scenario: Scenario) -> Inputs:
    """The kernel's inputs: life tables of the mortality basis (UN WPP 2024 rates, or Brass tables at an
    e0 path), the base population (its national shape aged with the national tables), the ASFR
    (TFR x 2010 shape), the boys' share of births and net migrants by year."""
    demography = scenario.demography
    if demography is None:
        raise ValueError("the scenario has no demography block (expected demography: ..., see docs/scenario.md)")
    first = min(scenario.base_year, FIRST_YEAR + 1)
    span = np.arange(first, max(scenario.horizon, CENSUS_YEAR) + 1)  # covers 2011..2020 for the base population
    tables = paths.life_tables(demography, span)
    survival, infant, male_share = tables.survival(), tables.infant_survival(), paths.male_share_path(demography, span)
    national = paths.life_tables(demography, span, regional=False) if paths.has_regional_level(demography) else tables
    history = slice(FIRST_YEAR + 1 - first, CENSUS_YEAR + 1 - first)
    base, census_fit = base_population(
        demography.base_population,
        scenario.base_year,
        Survival(national.survival()[history], national.infant_survival()[history], male_share[history]),
        survival[history],
    )
    keep = slice(scenario.base_year - first, scenario.horizon + 1 - first)
    years = span[keep]
    return Inputs(
        years=years,
        base=base,
        survival=survival[keep],
        infant=infant[keep],
        e0=tables.e(0)[keep],
        e60=tables.e(60)[keep],
        tfr=paths.tfr_path(demography, years),
        asfr=paths.asfr_path(demography, years),
        male_share=male_share[keep],
        migration=paths.migration_path(demography, years, base),
        census_fit=census_fit,
    )


def run(inputs: Inputs, draws: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(population[draw, year, sex, age], births[draw, year-1], deaths[draw, year-1]) for the projected years."""
    step = slice(1, None)
    pop, births, deaths = run_projection(
        inputs.base[None],
        inputs.survival[None, step],
        inputs.infant[None, step],
        inputs.asfr[None, step],
        inputs.male_share[None, step],
        inputs.migration[None, step],
        draws=draws,
    )
    negative = np.argwhere(pop < 0)
    if negative.size:
        _, k, s, a = negative[0]
        raise InputError(
            "demography.migration.net",
            f"net migration in {inputs.years[k]} removes more {data.SEXES[s]}s aged {a} than are alive "
            "(expected a smaller net out-migration)",
        )
    return pop, births, deaths


def population_dataset(scenario: Scenario, draws: int = 1) -> xr.Dataset:
    """Population projection of ``scenario``: see docs/demography.md for the method and the variables."""
    inputs = build_inputs(scenario)
    pop, births, deaths = run(inputs, draws)
    return to_dataset(inputs, pop, births, deaths, draws)


def to_dataset(inputs: Inputs, pop: np.ndarray, births: np.ndarray, deaths: np.ndarray, draws: int) -> xr.Dataset:
    coords = {"year": inputs.years, "sex": list(data.SEXES), "age": np.arange(data.AGES)}
    lead = ("draw",) if draws > 1 else ()
    pick = slice(None) if draws > 1 else 0
    flows = np.full((draws, len(inputs.years)), np.nan)  # the base year is a stock only
    ds = xr.Dataset(coords=coords | ({"draw": np.arange(draws)} if draws > 1 else {}))
    year_end = _attrs("persons", "population at the end of the year")
    ds["population"] = (lead + ("year", "sex", "age"), pop[pick], year_end)
    for name, values, text in (("births", births, "live births in the year"), ("deaths", deaths, "deaths in the year")):
        flow = flows.copy()
        flow[:, 1:] = values
        ds[name] = (lead + ("year",), flow[pick], _attrs("persons", f"{text} (NaN in the base year)"))
    migration = inputs.migration.copy()
    migration[0] = np.nan
    text = "net migrants in the year, by age at its end (NaN in the base year)"
    ds["net_migration"] = (("year", "sex", "age"), migration, _attrs("persons", text))
    ds["survival"] = (
        ("year", "sex", "age"),
        inputs.survival,
        _attrs("1", "probability that a person aged age at the end of year-1 is alive at the end of year (100: 100+)"),
    )
    ds["e0"] = (("year", "sex"), inputs.e0, _attrs("years", "period life expectancy at birth"))
    ds["e60"] = (("year", "sex"), inputs.e60, _attrs("years", "period life expectancy at age 60"))
    population = ds["population"]
    ds["population_total"] = population.sum(("sex", "age")).assign_attrs(year_end)
    working = population.sel(age=slice(15, 64)).sum(("sex", "age"))
    ds["old_age_dependency"] = (population.sel(age=slice(65, None)).sum(("sex", "age")) / working).assign_attrs(
        _attrs("1", "old-age dependency ratio: population 65+ / population 15-64")
    )
    return ds


def _attrs(units: str, long_name: str) -> dict[str, str]:
    return {"units": units, "long_name": long_name}
