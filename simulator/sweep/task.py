"""One task of a sweep: what a worker runs, and the key that names its result.

A task carries its validated scenario (so a worker needs no scenario files), where it sits on
the sweep's axes, and for stochastic runs its block of draws. Its key is the sha256 of its
inputs and the simulator version: the same inputs on the same version give the same key, so
a finished task's result file can stand in for a new run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from simulator.scenario.load import canonical_json
from simulator.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from simulator.scenario.schema import Scenario


@dataclass(frozen=True)
class Task:
    """``coords``: (axis, label) for each swept axis but ``draw``; ``index``: their positions.
    ``block``, ``seed``, ``draws``: the block of draws (None in a deterministic sweep)."""

    coords: tuple[tuple[str, Any], ...]
    index: tuple[int, ...]
    scenario: Scenario
    source: str
    fitted: tuple[str, ...]
    changes: tuple[tuple[str, Any], ...] = ()
    block: int | None = None
    seed: int | None = None
    draws: int | None = None
    variables: tuple[str, ...] | None = None

    @cached_property
    def key(self) -> str:
        return task_key(self.scenario, self.seed, self.draws, self.variables)

    def describe(self) -> str:
        """The task's inputs on one line: ``region=jiangxi reform=False block=3 (seed 12...)``."""
        parts = [f"{axis}={label}" for axis, label in self.coords]
        if self.block is not None:
            parts.append(f"block={self.block} (seed {self.seed}, {self.draws} draws)")
        return " ".join(parts) + f" [{self.source}]"


def task_key(scenario: Scenario, seed: int | None, draws: int | None, variables: tuple[str, ...] | None) -> str:
    """sha256 of the validated scenario, the block of draws, the variables kept and the version."""
    inputs = {
        "scenario": canonical_json(scenario),
        "seed": seed,
        "draws": draws,
        "variables": list(variables) if variables else None,
        "simulator_version": __version__,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def block_seed(seed: int, block: int) -> int:
    """Seed of block ``block``: the 64-bit state that ``numpy.random.SeedSequence(seed,
    spawn_key=(block,))`` generates, i.e. child ``block`` of ``SeedSequence(seed).spawn(...)``.
    Blocks get independent streams; ``sim run --draws N --seed BLOCK_SEED`` repeats one block."""
    import numpy as np

    return int(np.random.SeedSequence(seed, spawn_key=(block,)).generate_state(1, dtype=np.uint64)[0])


def execute(task: Task) -> tuple[str, xr.Dataset]:
    """Run ``task`` (on a worker): (the worker's simulator version, the results Dataset).

    Deterministic: ``project(scenario)``, what ``simulator.run`` returns but for the provenance
    attributes, which the driver adds (they name files that only the driver's machine has)."""
    from simulator.model.projection import project

    if task.draws is None:
        ds = project(task.scenario)
    else:
        from simulator.uncertainty.run import run as stochastic

        ds = stochastic(task.scenario, n_draws=task.draws, seed=task.seed, keep_draws=True)["draws"].to_dataset()
    if task.variables:
        ds = ds[list(task.variables)]
    return __version__, ds
