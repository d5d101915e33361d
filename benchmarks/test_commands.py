"""Whole commands in a fresh interpreter each: ``sim run scenarios/jiangxi.yaml`` with an empty
numba cache (NUMBA_CACHE_DIR = a new temporary folder each round) and with a warm one; start-up
and import time of ``simulator`` and of the CLI. ``sim`` is the console script where installed,
else ``python -m simulator.cli`` (cases.sim_command)."""

from __future__ import annotations

import sys

import pytest

from benchmarks import cases

_WARM: dict[str, str] = {}  # a numba cache folder filled by the cold runs


@pytest.fixture(scope="module")
def outdir():
    """The output folder of the runs; it and the numba caches go at the end of the module."""
    yield cases.fresh_dir("simbench-out-")
    cases.remove_fresh_dirs()
    _WARM.clear()


def _info(benchmark, kernel: str, argv: list[str], **extra) -> None:
    benchmark.group = "commands"
    benchmark.extra_info.update(kernel=kernel, command=" ".join(argv), load1_before=cases.load1(), **extra)


def test_sim_run_cold(benchmark, outdir: str, quick: bool) -> None:
    argv = cases.sim_run_argv(outdir)
    _info(benchmark, "sim_run_cold", argv, numba_cache="empty (fresh NUMBA_CACHE_DIR each round)")

    def setup():
        cache = cases.fresh_dir("simbench-numba-")
        _WARM.setdefault("cache", cache)
        return (argv, cases.command_env(NUMBA_CACHE_DIR=cache)), {}

    rounds = 1 if quick else 2
    timer = cases.CpuTimer(cases.run_command, children=True)
    benchmark.pedantic(timer, setup=setup, rounds=rounds)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1())


@pytest.mark.parametrize("plots", [True, False], ids=["plots", "no-plots"])
def test_sim_run_warm(benchmark, outdir: str, quick: bool, plots: bool) -> None:
    if "cache" not in _WARM:  # run alone: fill a cache first
        _WARM["cache"] = cases.fresh_dir("simbench-numba-")
        cases.run_command(cases.sim_run_argv(outdir), cases.command_env(NUMBA_CACHE_DIR=_WARM["cache"]))
    argv = cases.sim_run_argv(outdir, cases.SCENARIO, *([] if plots else ["--no-plots"]))
    _info(benchmark, "sim_run_warm" if plots else "sim_run_warm_no_plots", argv, numba_cache="warm")
    env = cases.command_env(NUMBA_CACHE_DIR=_WARM["cache"])
    rounds = 3 if quick else 5
    timer = cases.CpuTimer(cases.run_command, children=True)
    benchmark.pedantic(timer, args=(argv, env), rounds=rounds, warmup_rounds=1)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1())


@pytest.mark.parametrize(
    ("kernel", "module"), [("python_startup", None), ("import_simulator", "simulator"), ("import_cli", "simulator.cli")]
)
def test_import(benchmark, quick: bool, kernel: str, module: str | None) -> None:
    """Wall time of ``python -X importtime -c 'import MODULE'``; the import itself (start-up
    excluded), from -X importtime, goes to extra_info["import_seconds"] (median of rounds)."""
    argv = cases.import_argv(module) if module else [sys.executable, "-c", "pass"]
    _info(benchmark, kernel, argv)
    found: list[float] = []

    def run() -> None:
        stderr = cases.run_command(argv)
        if module:
            found.append(cases.import_seconds(stderr, module))

    rounds = 5 if quick else 10
    timer = cases.CpuTimer(run, children=True)
    benchmark.pedantic(timer, rounds=rounds, warmup_rounds=1)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1())
    if found:
        benchmark.extra_info["import_seconds"] = sorted(found[-rounds:])[len(found[-rounds:]) // 2]


def test_sim_help(benchmark, quick: bool) -> None:
    argv = cases.sim_command()[0] + ["--help"]
    _info(benchmark, "sim_help", argv)
    rounds = 5 if quick else 10
    timer = cases.CpuTimer(cases.run_command, children=True)
    benchmark.pedantic(timer, args=(argv,), rounds=rounds, warmup_rounds=1)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1())
