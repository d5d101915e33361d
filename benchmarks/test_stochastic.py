"""Stochastic runs of Jiangxi to 2100 with all four schemes (``simulator.run(..., draws=N)``, the
shipped uncertainty model) against the deterministic run, in this session: the seconds per draw,
the ratio to one deterministic run and the process's peak memory so far.

extra_info carries what ``run.py`` turns into records: kernel (``stochastic_run`` or
``deterministic_run``), draws, years, the least CPU time of a round and the machine load."""

from __future__ import annotations

import resource

import pytest

from benchmarks import cases

_SCENARIO: dict[str, object] = {}


def stochastic_plan(quick: bool) -> list[tuple[int, int]]:
    """(draws, rounds) timed: enough sizes for the fit of seconds against draws."""
    return [(100, 2), (300, 2), (1000, 1)] if quick else [(100, 3), (1000, 3), (2500, 2), (5000, 2)]


def jiangxi():
    """The Jiangxi scenario, loaded once; a small run first so numba loads its cache untimed."""
    if "jiangxi" not in _SCENARIO:
        import simulator

        _SCENARIO["jiangxi"] = simulator.load_scenario(cases.ROOT / cases.SCENARIO)
        simulator.run(_SCENARIO["jiangxi"], draws=4, seed=0)
    return _SCENARIO["jiangxi"]


def peak_mib() -> float:
    """Peak resident memory of this process so far (MiB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _run(draws: int | None):
    import simulator

    return simulator.run(jiangxi(), draws=draws, seed=1)


def _info(benchmark, kernel: str, draws: int) -> None:
    scenario = jiangxi()
    benchmark.group = "stochastic runs"
    benchmark.extra_info.update(
        kernel=kernel, draws=draws, years=scenario.horizon - scenario.base_year, load1_before=cases.load1()
    )


def test_deterministic_run(benchmark, quick: bool) -> None:
    _info(benchmark, "deterministic_run", 1)
    rounds = 3 if quick else 5
    timer = cases.CpuTimer(_run)
    benchmark.pedantic(timer, args=(None,), rounds=rounds, warmup_rounds=1)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1(), peak_mib=peak_mib())


@pytest.mark.parametrize("index", range(4))
def test_stochastic_run(benchmark, quick: bool, index: int) -> None:
    plan = stochastic_plan(quick)
    if index >= len(plan):
        pytest.skip("not in this plan")
    draws, rounds = plan[index]
    _info(benchmark, "stochastic_run", draws)
    timer = cases.CpuTimer(_run)
    result = benchmark.pedantic(timer, args=(draws,), rounds=rounds)
    benchmark.extra_info.update(cpu_seconds=timer.best(rounds), load1_after=cases.load1(), peak_mib=peak_mib())
    assert result.attrs["draws"] == draws
