"""Stochastic draws as deviations from a scenario's paths, and the projection context of a block of draws.

One seeded ``numpy.random.Generator`` (``numpy.random.default_rng(seed)``) gives one child stream per
process, in this order: economy, long-run shifts, demography, then each uncertain assumption in key
order (``Generator.spawn``). Each stream is consumed in draw order, so draw i is the same whatever the
number of draws after it and whatever the block size; nothing random happens in the kernels.

Deviations, for the years from ``start_year`` (``s``) on (zero before it)::

    economy     d[i, t] = z[i, t] + L[i]          z: correlated AR(1) of the economy block, z[s-1] = 0
                                                  L: long-run shift, N(0, sd^2), correlated like z
    demography  z[i, t]: AR(1) of TFR and e0 (men, women) from the jump-off year, z[jump-off] ~ N(0, s0^2)
    assumption  z[i, s] ~ N(0, sd^2), z[i, t] = p z[i, t-1] + sqrt(1 - p^2) sd e[i, t]

A variable whose process is switched off gets sd 0 (its normals are still drawn, so switching one
process off leaves the others' numbers as they were).

The context of a block of draws (:func:`block_context`), from the scenario's context (``C``)::

    wage_growth  = C.wage_growth + d_w        wage = C.wage x prod_(s..t) (1 + g + d_w) / (1 + g)
    inflation    = C.inflation + d_p          contribution base moves with the wage
    fund_return  = C.fund_return + d_r
    unemployment: claims factor = max(level + d_u, 0) / level; employment x (1 - level - d_u) / (1 - level)
    population, survival: the demographic projection of the draws (model/demography/draws.py)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from simulator.model.context import Context, build_context
from simulator.model.demography.assembly import Inputs, build_inputs, to_dataset
from simulator.model.demography.assembly import run as project_population
from simulator.model.demography.draws import Projection, TableGrid, project_draws, table_grid
from simulator.model.economy import urban_employment
from simulator.scenario.schema import Scenario
from simulator.scenario.uncertainty import DEMOGRAPHY, ECONOMY, Uncertainty, UncertainAssumption
from simulator.uncertainty.shocks import ShockProcess, correlation_factor, draw_shocks

STREAMS = ("economy", "long_run", "demography")


def economy_process(u: Uncertainty) -> ShockProcess:
    """The economy block of ``u`` (sd 0 where a variable is switched off)."""
    shocks = [getattr(u.economy, name) for name in ECONOMY]
    return ShockProcess(
        names=ECONOMY,
        persistence=np.array([s.persistence for s in shocks], dtype=float),
        innovation_sd=np.array([s.innovation_sd if s.enabled else 0.0 for s in shocks], dtype=float),
        correlation=np.array(u.economy.correlation, dtype=float),
        initial_sd=np.zeros(len(ECONOMY)),
        label="uncertainty.economy",
    )


def demography_process(u: Uncertainty) -> ShockProcess:
    """TFR, e0 men, e0 women (sd 0 where switched off); e0 of the sexes correlated e0_sex_correlation,
    TFR with each tfr_e0_correlation."""
    d = u.demography
    shocks = [getattr(d, name) for name in DEMOGRAPHY]
    rho, rte = d.e0_sex_correlation, d.tfr_e0_correlation
    return ShockProcess(
        names=DEMOGRAPHY,
        persistence=np.array([s.persistence for s in shocks], dtype=float),
        innovation_sd=np.array([s.innovation_sd if s.enabled else 0.0 for s in shocks], dtype=float),
        correlation=np.array([[1.0, rte, rte], [rte, 1.0, rho], [rte, rho, 1.0]]),
        initial_sd=np.array([s.initial_sd if s.enabled else 0.0 for s in shocks], dtype=float),
        label="uncertainty.demography",
    )


def long_run_shifts(u: Uncertainty, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """L[i, k] ~ N(0, sd_k^2) per economic variable k, correlated like the innovations (no BLAS: the same
    bits on any thread count); zero when switched off (the long-run shifts, or the variable)."""
    sd = np.array([getattr(u.long_run, name) * getattr(u.economy, name).enabled for name in ECONOMY], dtype=float)
    sd *= float(u.long_run.enabled)
    e = rng.standard_normal((n_draws, len(ECONOMY)))
    factor = correlation_factor(np.array(u.economy.correlation, dtype=float), "uncertainty.economy.correlation")
    shifts = e[:, :1] * factor[:, 0]
    for j in range(1, len(ECONOMY)):
        shifts = shifts + e[:, j : j + 1] * factor[:, j]
    return shifts * sd


def assumption_path(spec: UncertainAssumption, n_years: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """z[i, t] for t = start .. horizon: stationary with sd ``spec.sd``, persistence ``spec.persistence``."""
    e = rng.standard_normal((n_draws, n_years))
    p = spec.persistence
    z = np.empty((n_draws, n_years))
    z[:, 0] = spec.sd * e[:, 0]
    for t in range(1, n_years):
        z[:, t] = p * z[:, t - 1] + np.sqrt(1.0 - p * p) * spec.sd * e[:, t]
    return z


@dataclass(frozen=True)
class Draws:
    """Deviations of every draw over the run's years [N, Y] (zero before the first shocked year):
    ``economy[name]``, ``demography[name]`` (TFR, e0_male, e0_female) and ``assumptions[key]``."""

    years: np.ndarray
    economy: dict[str, np.ndarray]
    demography: dict[str, np.ndarray]
    assumptions: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(next(iter(self.economy.values())))

    def take(self, lo: int, hi: int) -> Draws:
        cut = {f: {k: v[lo:hi] for k, v in getattr(self, f).items()} for f in ("economy", "demography", "assumptions")}
        return dataclasses.replace(self, **cut)


def draw(u: Uncertainty, years: np.ndarray, n_draws: int, seed: int) -> Draws:
    """The deviations of ``n_draws`` draws over ``years`` (base year .. horizon) from ``seed``."""
    root = np.random.default_rng(seed)
    streams = dict(zip([*STREAMS, *sorted(u.assumptions)], root.spawn(len(STREAMS) + len(u.assumptions))))
    start = int(u.start_year)
    shocked = years >= start
    n_shocked = int(shocked.sum())

    def padded(values: np.ndarray, first: int) -> np.ndarray:
        """values [N, T] for years first.. as [N, Y], zero before ``start`` (and where not drawn)."""
        out = np.zeros((n_draws, len(years)))
        keep = years >= max(start, first)
        out[:, keep] = values[:, (years[keep] - first)]
        return out

    eco = draw_shocks(economy_process(u), years[shocked], n_draws, streams["economy"])
    shifts = long_run_shifts(u, n_draws, streams["long_run"])
    economy = {name: padded(eco[name] + shifts[:, k : k + 1], start) for k, name in enumerate(ECONOMY)}
    first = int(u.demography.jump_off_year) + 1
    demo_years = np.arange(first, years[-1] + 1)
    demo = draw_shocks(demography_process(u), demo_years, n_draws, streams["demography"])
    demography = {name: padded(demo[name], first) for name in DEMOGRAPHY}
    assumptions = {
        key: padded(assumption_path(spec, n_shocked, n_draws, streams[key]), start)
        for key, spec in u.assumptions.items()
    }
    return Draws(years, economy, demography, assumptions)


@dataclass(frozen=True)
class Setup:
    """What every block of a run shares: the scenario's context, demographic inputs and table grid,
    and the unemployment rate the unemployment shocks are measured against."""

    context: Context
    inputs: Inputs
    grid: TableGrid
    unemployment_level: float

    @classmethod
    def of(cls, scenario: Scenario, u: Uncertainty) -> Setup:
        inputs = build_inputs(scenario)
        ds = to_dataset(inputs, *project_population(inputs), draws=1)
        return cls(build_context(scenario, ds), inputs, table_grid(), float(u.economy.unemployment_rate.level))


def block_context(scenario: Scenario, setup: Setup, draws: Draws) -> tuple[Context, Projection]:
    """The projection context of a block of draws and its demographic projection."""
    base = setup.context
    e = draws.economy
    demo = project_draws(
        setup.inputs,
        setup.grid,
        draws.demography["tfr"],
        np.stack([draws.demography["e0_male"], draws.demography["e0_female"]], axis=-1),
    )
    g = base.wage_growth
    growth = (1.0 + g + e["wage_growth"]) / (1.0 + g)
    level = np.cumprod(growth, axis=-1)  # 1 until the first shocked year
    u = setup.unemployment_level
    employed = (1.0 - u - e["unemployment_rate"]) / (1.0 - u)
    employment = urban_employment(scenario, demo.population * employed[:, :, None, None], base.years)
    ctx = dataclasses.replace(
        base,
        wage=base.wage * level,
        wage_growth=g + e["wage_growth"],
        inflation=base.inflation + e["inflation"],
        fund_return=base.fund_return + e["fund_return"],
        claims_factor=np.maximum(u + e["unemployment_rate"], 0.0) / u,
        contribution_base=base.contribution_base * level,
        population=demo.population,
        survival=demo.survival,
        employment=employment,
        draws=draws.n,
    )
    return ctx, demo
