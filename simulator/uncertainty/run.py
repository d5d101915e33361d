"""A stochastic run: N draws of a scenario, projected in blocks, summarised by percentiles.

    results = run(scenario, n_draws=5000, seed=1)          # xarray.Dataset with a ``quantile`` dim
    tree = run(scenario, 5000, 1, keep_draws=True)         # xarray.DataTree: the summary and /draws

Per block of draws (:data:`BLOCK_BYTES` of working memory at most; at most three blocks in memory:
two being projected, in threads, one being stored): the context of the block
(:func:`simulator.uncertainty.paths.block_context`), every scheme on it in one call
(:func:`simulator.model.projection.run_schemes`), then the block's values are copied into per-draw
arrays and the block is dropped. At the end, per variable and year, the 2.5%, 10%, 50%, 90% and
97.5% percentiles over the draws (``numpy.quantile``, linear between order statistics), and per
scheme and year::

    prob_depletion[s, y]          share of draws with depletion year <= y (non-decreasing in y)
    depletion_distribution[s, y]  share of draws first depleted in y (its steps)

The block size depends on the number of draws and the years only, never on the threads: the same
seed and number of draws give the same bits however many threads run.

The depletion year's percentiles count a fund never depleted as depleted after the horizon: a
percentile that falls among them is NaN ("not depleted by the horizon").

Memory: the exact percentiles need every draw's value of every variable. Kept per draw: the
scheme and economy variables by year (about 90 KB a draw for four schemes to 2100, float64); the
population and survival by sex and single age (280 KB a draw) only for the first
:data:`AGE_DETAIL_DRAWS` draws (their percentiles are those of that many draws), unless
``keep_draws``. Peak memory is therefore about the set-up (0.3 GB) + 3 x BLOCK_BYTES + 90 KB x N +
280 KB x min(N, AGE_DETAIL_DRAWS); with ``keep_draws``, 370 KB x N instead.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
import xarray as xr

from simulator.dims import AGE, DRAW, QUANTILE, QUANTILES, SCHEME, SEX, YEAR
from simulator.model.projection import provenance, retirement_schedule, run_schemes
from simulator.scenario.schema import Scenario
from simulator.scenario.uncertainty import Uncertainty, settings
from simulator.uncertainty import assumptions as marked
from simulator.uncertainty.paths import Setup, block_context, draw
from simulator.variables import attrs, variable

BLOCK_BYTES = 200 * 2**20  # working memory of one block of draws (blocks of 100-250 draws run fastest)
BYTES_PER_DRAW = 1_200_000  # measured working set of one draw of four schemes to 2100 (docs/uncertainty.md)
AGE_DETAIL_DRAWS = 500
WORKERS = 2  # blocks projected at once (threads; numpy and the kernels release the GIL), at most numba's threads
BY_SEX = ("e0", "e60")
BY_AGE = ("population", "survival")


def block_size(n_draws: int, horizon_years: int) -> int:
    """Draws per block: BLOCK_BYTES / the working set of one draw (scaled to the run's years)."""
    per_draw = BYTES_PER_DRAW * max(horizon_years, 1) / 86
    return int(max(1, min(n_draws, BLOCK_BYTES // per_draw)))


def run(
    scenario: Scenario,
    n_draws: int,
    seed: int,
    keep_draws: bool = False,
    source: str | Path | None = None,
    fitted: Sequence[Path] = (),
    block: int | None = None,
    progress: Callable[[int], None] | None = None,
    origins: dict | None = None,
) -> xr.Dataset | xr.DataTree:
    """``n_draws`` draws of ``scenario`` from ``seed``: the percentiles over the draws (a Dataset with a
    ``quantile`` dim), or with ``keep_draws`` a DataTree whose root is that and whose ``draws`` node
    holds every draw. ``progress(k)`` is called after each block with the draws done so far; ``source``,
    ``fitted`` and ``origins`` go into the provenance (:func:`simulator.model.projection.provenance`)."""
    if n_draws < 1:
        raise ValueError(f"draws {n_draws}: expected at least 1")
    u = settings(scenario.uncertainty, scenario.base_year)
    setup = Setup.of(scenario, u)
    years = setup.context.years
    marked.check(scenario, u, setup)
    shocks = draw(u, years, n_draws, seed)
    store = Store(n_draws, years, keep_draws)
    workers = max(1, min(numba.get_num_threads(), WORKERS))
    step = block or block_size(n_draws, len(years))

    def project_block(lo: int):
        part = shocks.take(lo, min(lo + step, n_draws))
        ctx, demo = block_context(scenario, setup, part)
        return part.n, run_schemes(marked.scenarios(scenario, u, part, ctx) or [scenario], ctx), demo

    def keep(first: int, size: int, ds: xr.Dataset, demo) -> None:
        store.add(first, ds, demo)
        if progress is not None:
            progress(first + size)

    if workers == 1:
        for lo in range(0, n_draws, step):
            keep(lo, *project_block(lo))
    else:
        with ThreadPoolExecutor(workers) as pool:
            pending: deque = deque()
            for lo in [*range(0, n_draws, step), None]:
                if lo is not None:
                    pending.append((lo, pool.submit(project_block, lo)))
                while pending and (lo is None or len(pending) > workers):
                    first, future = pending.popleft()
                    keep(first, *future.result())
    summary = store.summary()
    shared = {"net_migration": setup.context.demography["net_migration"], "retirement_age": retirement_schedule(scenario, years)}
    for name, value in shared.items():
        summary[name] = value.assign_attrs(attrs(name))
    summary.attrs = provenance(scenario, source, fitted, origins) | run_attrs(u, n_draws, seed, store)
    if not keep_draws:
        return summary
    everything = store.every_draw()
    everything.attrs = dict(summary.attrs)
    return xr.DataTree.from_dict({"/": summary, "/draws": everything})


def run_attrs(u: Uncertainty, n_draws: int, seed: int, store: Store) -> dict[str, str | int]:
    return {
        "draws": n_draws,
        "seed": seed,
        "quantiles": ", ".join(f"{q:g}" for q in QUANTILES),
        "age_detail_draws": store.age_draws,
        "uncertainty_json": json.dumps(u.model_dump(mode="json"), sort_keys=True, ensure_ascii=False),
        "migration_shortfall": (
            f"{store.shortfall[0]} of {n_draws} draws: the scenario's net out-migrants exceeded a cohort left small "
            f"by low fertility (at most {store.shortfall[1]:,.0f} persons in a year could not leave)"
        ),
        "stochastic_note": (
            "percentiles over the draws; population and survival by age over the first "
            f"{store.age_draws} draws; see docs/uncertainty.md"
        ),
    }


EXTRA_ATTRS = ("scheme", "reference_year")


def _percentiles(name: str, values: np.ndarray) -> np.ndarray:
    """``np.quantile(values, QUANTILES, axis=0)``, of the values sorted first (the same numbers, about
    twice as fast: the partition of sorted draws is quick); a never-depleted draw counts as after
    every year in ``depletion_year`` (NaN there: no percentile reaches a depletion)."""
    if name != "depletion_year":
        return np.quantile(np.sort(values, axis=0), QUANTILES, axis=0)
    with np.errstate(invalid="ignore"):  # inf - inf between two never-depleted draws
        q = np.quantile(np.sort(np.where(np.isnan(values), np.inf, values), axis=0), QUANTILES, axis=0)
    return np.where(np.isinf(q), np.nan, q)


class Store:
    """Every draw's values, filled block by block. Scheme variables keep only the schemes that have them
    (seen in the first block; a later block with values where the first had none is an error)."""

    def __init__(self, n_draws: int, years: np.ndarray, keep_draws: bool) -> None:
        self.n, self.years, self.keep = n_draws, years, keep_draws
        self.age_draws = n_draws if keep_draws else min(n_draws, AGE_DETAIL_DRAWS)
        self.schemes: dict[str, list[int]] = {}
        self.scheme_names: list[str] = []
        self.values: dict[str, np.ndarray] = {}
        self.extra: dict[str, dict] = {}
        self.dims: dict[str, tuple[str, ...]] = {}
        self.shortfall = (0, 0.0)  # draws in which net out-migration met a too small cohort; most persons in a year

    def _keep(self, name: str, dims: tuple[str, ...], block: np.ndarray, lo: int, rows: int | None = None) -> None:
        if name not in self.values:
            self.values[name] = np.empty((rows or self.n, *block.shape[1:]))
            self.dims[name] = dims
        hi = min(lo + len(block), len(self.values[name]))
        if hi > lo:
            self.values[name][lo:hi] = block[: hi - lo]

    def add(self, lo: int, ds: xr.Dataset, demo) -> None:
        """Copy a block: ``ds`` from :func:`run_schemes` (draw, scheme, year), ``demo`` its demography."""
        data = {name: ds.variables[name] for name in ds.data_vars}
        if not self.extra:  # attributes beyond the registry's (the economy's scheme column, a price index's year)
            self.extra = {name: {k: v for k, v in var.attrs.items() if k in EXTRA_ATTRS} for name, var in data.items()}
        if not self.schemes:
            self.scheme_names = [str(s) for s in ds[SCHEME].values]
            for name, var in data.items():
                if SCHEME in var.dims:
                    kind = variable(name).kind
                    present = ~np.isnan(var.values).all(axis=tuple(i for i in range(var.ndim) if i != 1))
                    self.schemes[name] = [i for i, p in enumerate(present) if p or kind == "horizon"]
        for name, var in data.items():
            values = var.values
            if SCHEME not in var.dims:
                self._keep(name, var.dims[1:], values, lo)
                continue
            keep = self.schemes[name]
            dropped = np.delete(values, keep, axis=1)
            if not np.isnan(dropped).all():
                raise RuntimeError(f"{name}: a scheme has values in a later block of draws but none in the first")
            self._keep(name, var.dims[1:], values[:, keep], lo)
        short = np.nan_to_num(demo.shortfall)
        self.shortfall = (self.shortfall[0] + int((short > 0).any(axis=1).sum()), max(self.shortfall[1], float(short.max())))
        population = demo.population
        self._keep("population_total", (YEAR,), population.sum(axis=(2, 3)), lo)
        working = population[:, :, :, 15:65].sum(axis=(2, 3))
        self._keep("old_age_dependency", (YEAR,), population[:, :, :, 65:].sum(axis=(2, 3)) / working, lo)
        for name in ("births", "deaths", "tfr"):
            self._keep(name, (YEAR,), getattr(demo, name), lo)
        for name in BY_SEX:
            self._keep(name, (YEAR, SEX), getattr(demo, name), lo)
        for name in BY_AGE:
            self._keep(name, (YEAR, SEX, AGE), getattr(demo, name), lo, rows=self.age_draws)

    def _attrs(self, name: str) -> dict[str, str]:
        if name in self.schemes:
            return attrs(name, tuple(self.scheme_names[i] for i in self.schemes[name]))
        return attrs(name) | self.extra.get(name, {})

    def _padded(self, name: str, values: np.ndarray, axis: int) -> np.ndarray:
        """``values`` of the schemes kept for ``name`` (on ``axis``) spread over all schemes, NaN elsewhere."""
        if name not in self.schemes:
            return values
        shape = list(values.shape)
        shape[axis] = len(self.scheme_names)
        out = np.full(shape, np.nan)
        index = [slice(None)] * len(shape)
        index[axis] = self.schemes[name]
        out[tuple(index)] = values
        return out

    def _dataset(self, lead: str, size: int, variables: dict[str, tuple[tuple[str, ...], np.ndarray]]) -> xr.Dataset:
        coords = {lead: list(QUANTILES) if lead == QUANTILE else np.arange(size), SCHEME: self.scheme_names, YEAR: self.years}
        if any(SEX in dims for dims, _ in variables.values()):
            coords |= {SEX: ["male", "female"], AGE: np.arange(101)}
        return xr.Dataset({name: (dims, values, self._attrs(name)) for name, (dims, values) in variables.items()}, coords=coords)

    def summary(self) -> xr.Dataset:
        """Percentiles over the draws of every variable, and the depletion measures (the variables
        two at a time: numpy's sort and partition release the GIL)."""
        with ThreadPoolExecutor(WORKERS) as pool:
            percentiles = dict(zip(self.values, pool.map(_percentiles, self.values, self.values.values())))
        variables = {name: ((QUANTILE, *self.dims[name]), self._padded(name, q, 1)) for name, q in percentiles.items()}
        depleted = self.values["depletion_year"][:, :, None] <= self.years[None, None, :]  # NaN compares False
        prob = depleted.mean(axis=0)
        variables["prob_depletion"] = ((SCHEME, YEAR), self._padded("depletion_year", prob, 0))
        variables["depletion_distribution"] = ((SCHEME, YEAR), self._padded("depletion_year", np.diff(prob, axis=-1, prepend=0.0), 0))
        self.schemes["prob_depletion"] = self.schemes["depletion_distribution"] = self.schemes["depletion_year"]
        return self._dataset(QUANTILE, len(QUANTILES), variables)

    def every_draw(self) -> xr.Dataset:
        """Every draw's values (the draw dim first)."""
        variables = {name: ((DRAW, *self.dims[name]), self._padded(name, v, 1)) for name, v in self.values.items()}
        return self._dataset(DRAW, self.n, variables)
