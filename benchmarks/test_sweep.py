"""Whole ``sim sweep`` commands in a fresh process each, numba cache warm, into a new empty folder
each round (so no task is reused): the five regional baselines (scenarios/sweeps/regions.yaml,
5 deterministic runs) on a LocalCluster of 1 and of 2 workers. The time includes starting the
cluster and each worker's first import of the model.

The sweep's speed target, five regions x 3 scenarios x 1,000 draws in at most 60 s on this 2-core
machine, is ``test_sweep_target_regions_scenarios_draws``."""

from __future__ import annotations

import pytest

from benchmarks import cases

REGIONS = "scenarios/sweeps/regions.yaml"
TARGET = "benchmarks/sweeps/target_regions_scenarios_draws.yaml"


@pytest.fixture(scope="module", autouse=True)
def _clean_up():
    yield
    cases.remove_fresh_dirs()


def _sweep(benchmark, kernel: str, spec: str, workers: int, rounds: int, **extra) -> None:
    benchmark.group = "sweep"
    argv = cases.sim_sweep_argv(spec, "OUTDIR", workers)
    benchmark.extra_info.update(kernel=kernel, command=" ".join(argv), workers=workers, load1_before=cases.load1(), **extra)

    def setup():
        return (cases.sim_sweep_argv(spec, cases.fresh_dir("simbench-sweep-"), workers),), {}

    timer = cases.CpuTimer(cases.run_command, children=True)
    benchmark.pedantic(timer, setup=setup, rounds=rounds)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1())


@pytest.mark.parametrize("workers", [1, 2])
def test_sim_sweep_regions(benchmark, quick: bool, workers: int) -> None:
    _sweep(benchmark, f"sim_sweep_regions_w{workers}", REGIONS, workers, 1 if quick else 3, tasks=5)


def test_sweep_target_regions_scenarios_draws(benchmark, quick: bool) -> None:
    """Five regions x 3 scenarios x 1,000 draws (2 blocks of 500) on 2 workers: target <= 60 s."""
    _sweep(benchmark, "sim_sweep_target_draws", TARGET, 2, 1 if quick else 3, tasks=30, draws=1000)
