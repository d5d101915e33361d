"""The tasks' results as one Dataset: a dimension per swept axis, in the sweep's order.

    variable[region, scenario, lever..., (draw,) own dims...] = the task's variable[(draw,) own dims...]

A run's own dims (``year``, ``scheme``, ...) take the union of the tasks' coordinates (a region
whose projection starts earlier adds years: the others are NaN there). A task that did not
finish leaves NaN, and ``finished`` (bool, over the swept axes and ``draw``) says which did.
``scenario_sha256`` names each run's validated scenario (empty where it did not finish).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from simulator.dims import DRAW
from simulator.sweep.plan import Plan
from simulator.sweep.spec import FINISHED
from simulator.sweep.task import Task, block_seed
from simulator.version import __version__


def combine(plan: Plan, results: Mapping[str, xr.Dataset]) -> xr.Dataset:
    """One Dataset of the results by task key (tasks without a result are left NaN)."""
    done = [(task, results[task.key]) for task in plan.tasks if task.key in results]
    draws = plan.spec.draws
    n_draws = draws.per_block * draws.blocks if draws else 0
    swept = [axis.name for axis in plan.axes]
    sizes = [len(axis.labels) for axis in plan.axes]
    inner = _inner_coords([ds for _, ds in done])
    specs = _variables([ds for _, ds in done])

    arrays: dict[str, np.ndarray] = {}
    for name, (dims, dtype, _) in specs.items():
        shape = sizes + ([n_draws] if DRAW in dims else []) + [len(inner[d]) for d in dims if d != DRAW]
        arrays[name] = np.full(shape, np.nan, dtype=np.promote_types(dtype, np.float64))
    finished = np.zeros(sizes + ([n_draws] if draws else []), dtype=bool)
    sha = np.full(sizes, "", dtype=object)
    for task, ds in done:
        ds = ds.reindex({d: inner[d] for d in ds.dims if d != DRAW})
        for name, (dims, _, _) in specs.items():
            if name in ds:
                arrays[name][_at(task, DRAW in dims)] = ds[name].transpose(*dims).values
        finished[_at(task, draws is not None)] = True
        sha[task.index] = ds.attrs.get("scenario_sha256", "")

    coords: dict[str, Any] = {axis.name: xr.Variable(axis.name, np.asarray(axis.labels), axis.attrs) for axis in plan.axes}
    for dim, labels in inner.items():
        first = next(ds for _, ds in done if dim in ds.coords)
        coords[dim] = xr.Variable(dim, labels, first[dim].attrs)
    data_vars: dict[str, Any] = {}
    for name, (dims, _, attrs) in specs.items():
        own = [d for d in dims if d != DRAW]
        data_vars[name] = xr.Variable(swept + ([DRAW] if DRAW in dims else []) + own, arrays[name], attrs)
    if draws:
        seeds = np.repeat(np.array([block_seed(draws.seed, b) for b in range(draws.blocks)], dtype=np.uint64), draws.per_block)
        coords[DRAW] = np.arange(n_draws)
        coords["seed"] = (DRAW, seeds, {"long_name": "seed of the draw's block (sim run --draws PER_BLOCK --seed SEED)"})
        coords["block"] = (DRAW, np.repeat(np.arange(draws.blocks), draws.per_block), {"long_name": "block of draws (one task)"})
    data_vars[FINISHED] = (swept + ([DRAW] if draws else []), finished, {"long_name": "the task finished (else its values are NaN)"})
    data_vars["scenario_sha256"] = (swept, sha.astype(str), {"long_name": "sha256 of the run's validated scenario"})
    return xr.Dataset(data_vars, coords, attrs=_attrs(plan, len(done)))


def _at(task: Task, by_draw: bool) -> tuple:
    """Where ``task``'s values go: its index on the swept axes, and its block's draws."""
    if not by_draw or task.block is None:
        return task.index
    first = task.block * (task.draws or 0)
    return (*task.index, slice(first, first + (task.draws or 0)))


def _inner_coords(datasets: list[xr.Dataset]) -> dict[str, np.ndarray]:
    """Union of each run dim's coordinate, in order of appearance (numbers sorted)."""
    out: dict[str, list] = {}
    for ds in datasets:
        for dim in ds.dims:
            if dim == DRAW:
                continue
            labels = out.setdefault(str(dim), [])
            seen = set(labels)
            labels += [x for x in ds[dim].values.tolist() if x not in seen]
    arrays = {dim: np.asarray(labels) for dim, labels in out.items()}
    return {dim: np.sort(a) if a.dtype.kind in "iuf" else a for dim, a in arrays.items()}


def _variables(datasets: list[xr.Dataset]) -> dict[str, tuple[tuple[str, ...], np.dtype, dict]]:
    """name -> (dims, dtype, attrs), in order of appearance; ``draw`` first among a variable's dims."""
    out: dict[str, tuple[tuple[str, ...], np.dtype, dict]] = {}
    for ds in datasets:
        for name, var in ds.data_vars.items():
            if name not in out:
                dims = tuple(str(d) for d in var.dims)
                dims = ((DRAW,) if DRAW in dims else ()) + tuple(d for d in dims if d != DRAW)
                out[str(name)] = (dims, var.dtype, dict(var.attrs))
    return out


def _attrs(plan: Plan, finished: int) -> dict[str, Any]:
    spec = plan.spec
    out: dict[str, Any] = {
        "sweep": spec.name,
        "description": spec.description,
        "sweep_file": str(plan.file),
        "sweep_sha256": plan.sha256,
        "tasks": len(plan.tasks),
        "tasks_finished": finished,
        "simulator_version": __version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if spec.draws:
        out |= {"seed": spec.draws.seed, "draws_per_block": spec.draws.per_block, "blocks": spec.draws.blocks}
    return out
