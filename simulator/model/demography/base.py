"""Base population by sex and single age at the end of the base year.

1. National shape: the 2010 census (2010-11-01, taken as the end of 2010) aged forward with the
   model's life tables and the UN WPP 2024 births of 2011-2020 split by the sex ratio at birth::

       N[t] = age_one_year(N[t-1], S[t]),  N[t, s, 0] = B_WPP[t] w[t, s] L0/l0

2. 2020: fitted to the 2020 census five-year groups, both sexes (0-9, 10-14, ..., 95-99, 100+),
   and the national sex totals by a smooth age factor, as in step 3.
3. Region: the national 2020 shape times a factor that is piecewise linear in age, with knots at
   the mean ages of 0-14, 15-59, 60-64 and 65+ (constant outside the first and last), so that the
   region's census total x shares hold exactly, and each sex scaled to its total when the scenario
   gives the region's men. For groups g and knots j, with hat functions h_j and the shape P::

       N[s, a] = c[s] f(a) P[s, a],   f(a) = sum_j v_j h_j(a),   sum_{a in g} f(a) sum_s c[s] P[s, a] = T_g

   is linear in v for given c (a 4 x 4 system), and c[s] = men or women / sum_a f(a) P[s, a];
   the two are alternated until both hold. No step at the group edges (15, 60, 65), unlike a
   factor constant within each group, and the single-age cohort shape is kept within each group.
4. Base year b < 2020: reverse survival over n = 2020 - b years, no migration::

       N[b, s, a] = N[2020, s, a+n] / F[a+n, a]                           a + n <= 99
       N[b, s, g] = N[2020, s, 100] x V[b, s, g] / sum_g F[100, g] V[b, s, g]    g >= 100 - n

   with F the n-year survival operator of the life tables and V the national shape of year b;
   then scaled to the base year's total when the scenario gives it.

Units: persons; arrays [sex, age] with sex 0 = male, age 100 = 100+.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from simulator.errors import InputError
from simulator.model.demography import data
from simulator.model.kernels.population import age_one_year
from simulator.scenario.demography import CENSUS_BASE_YEARS, BasePopulation, Census2020
from simulator.scenario.population_file import read_population_file

FIRST_YEAR, CENSUS_YEAR = CENSUS_BASE_YEARS  # the 2010 census (end of 2010) and the 2020 census
SERVICEMEN = 2_000_000  # in the communique totals, not in the 31 provinces; counted as men (assumption)
REGION_GROUPS = np.array([0, 15, 60, 65])


def national_history(survival: np.ndarray, infant: np.ndarray, male_share: np.ndarray) -> np.ndarray:
    """National population (year, sex, age) at the ends of 2010..2020, not raked.

    ``survival[k]``, ``infant[k]``, ``male_share[k]`` are those of year 2011 + k."""
    births = data.wpp_births()
    out = np.empty((CENSUS_YEAR - FIRST_YEAR + 1, 2, data.AGES))
    out[0] = data.census_2010()
    for k, year in enumerate(range(FIRST_YEAR + 1, CENSUS_YEAR + 1)):
        out[k + 1] = age_one_year(out[k], survival[k])
        out[k + 1, :, 0] = births[year] * np.array([male_share[k], 1.0 - male_share[k]]) * infant[k]
    return out


def national_2020(aged: np.ndarray) -> np.ndarray:
    """The aged-forward national 2020 population fitted (:func:`smooth_rake`) to the census groups and
    sex totals (31 provinces)."""
    lower, persons = data.census_2020_groups()
    ind = data.census_2020_indicators("china")
    sexes = np.array([ind["population_male"] - SERVICEMEN, ind["population_female"]])
    return smooth_rake(aged, lower, persons, sexes)


def fit_region(shape: np.ndarray, census: Census2020) -> np.ndarray:
    """The national ``shape[sex, age]`` times a smooth age factor that gives the census's 0-14, 15-59,
    60-64 and 65+ (:func:`smooth_rake`), and its men when given."""
    shares = np.array([census.age_0_14, census.age_15_59, census.age_60_plus - census.age_65_plus, census.age_65_plus])
    targets = census.total * shares / shares.sum()
    sexes = None if census.male is None else np.array([census.male, census.total - census.male])
    try:
        return smooth_rake(shape, REGION_GROUPS, targets, sexes)
    except (ArithmeticError, ValueError) as exc:
        raise InputError("demography.base_population.census_2020", f"{exc} (expected consistent shares and men)") from None


def smooth_rake(pop: np.ndarray, lower: np.ndarray, targets: np.ndarray, sex_totals: np.ndarray | None = None) -> np.ndarray:
    """``pop[sex, age]`` x c[sex] x f(age), f piecewise linear with knots at each group's mean age in
    ``pop`` (groups start at ``lower``), so that the groups (both sexes) reach ``targets`` and, when
    given, the sexes ``sex_totals`` (the module docstring, step 3, has the equations)."""
    ages = np.arange(pop.shape[-1])
    groups = np.searchsorted(lower, ages, side="right") - 1
    member = groups == np.arange(len(lower))[:, None]  # (group, age)
    both = pop.sum(axis=0)
    knots = (member * both * ages).sum(axis=1) / (member * both).sum(axis=1)
    hats = np.stack([np.interp(ages, knots, unit) for unit in np.eye(len(lower))])  # (knot, age)
    c = np.ones(pop.shape[0])
    for _ in range(1000):
        weighted = (c[:, None] * pop).sum(axis=0)
        v = np.linalg.solve((member * weighted) @ hats.T, targets)
        if (v <= 0).any():
            raise ValueError(f"no positive smooth age factor gives the group totals {targets.round()} (expected other targets)")
        factor = v @ hats
        if sex_totals is None:
            return factor * pop
        sexes = (factor * pop).sum(axis=1)
        if np.max(np.abs(c * sexes / sex_totals - 1.0)) < 1e-12:
            return c[:, None] * factor * pop
        c = sex_totals / sexes
    raise ArithmeticError("smooth raking did not converge (group and sex totals inconsistent)")


def reverse_survive(pop: np.ndarray, survival: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Population n years earlier, given ``pop`` now and ``survival[k]`` of the n years in between.

    The earlier ages whose survivors are now in the open group are split like ``shape``."""
    n, ages = survival.shape[0], pop.shape[-1]
    forward = np.broadcast_to(np.eye(ages), (2, ages, ages)).copy()  # forward[s, from_age, to_age]
    for k in range(n):
        forward = age_one_year(forward, survival[k][:, None, :])
    out = np.zeros_like(pop)
    young = np.arange(ages - 1 - n)
    out[:, young] = pop[:, young + n] / forward[:, young, young + n]
    old = slice(ages - 1 - n, ages)
    weights = shape[:, old] * forward[:, old, -1]
    out[:, old] = pop[:, -1:] * shape[:, old] / weights.sum(axis=1, keepdims=True)
    return out


class Survival(NamedTuple):
    """Life-table inputs of the years 2011..2020 (arrays with a leading year axis)."""

    survival: np.ndarray  # (year, sex, age)
    infant: np.ndarray  # (year, sex)
    male_share: np.ndarray  # (year,)


def base_population(
    block: BasePopulation, base_year: int, national: Survival, survival: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """(persons (sex, age) at the end of ``base_year``, the region's 2020 census fit or None for a file).

    ``national`` ages the 2010 census to 2020 (the national shape); ``survival`` (years 2011..2020,
    the region's) takes the 2020 fit back to the base year."""
    if block.file is not None:
        return read_population_csv(Path(block.file)), None
    if not FIRST_YEAR <= base_year <= CENSUS_YEAR:
        raise InputError(
            "base_year",
            f"{base_year}: a census-based base population needs {FIRST_YEAR} <= base_year <= {CENSUS_YEAR} "
            "(expected such a base_year, or demography.base_population.file)",
        )
    history = national_history(*national)
    fit = fit_region(national_2020(history[-1]), block.census_2020)
    n = CENSUS_YEAR - base_year
    pop = reverse_survive(fit, survival[-n:], history[-1 - n]) if n else fit.copy()
    if block.base_total is not None:
        pop *= block.base_total.value / pop.sum()
    return pop, fit


def read_population_csv(path: Path) -> np.ndarray:
    """A user's base population, CSV with header ``sex,age,population``: both sexes, ages 0..100
    once each, persons >= 0. Errors name the file and line (:class:`ScenarioError`)."""
    return np.array(read_population_file(path), dtype=float)
