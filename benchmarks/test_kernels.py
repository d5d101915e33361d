"""The two core kernels, numba and its numpy twin on the same inputs, over draws and horizons.

extra_info carries what ``run.py`` turns into records: kernel, impl, draws, years, cells per
draw (see cases.py for how state cells are counted), the least CPU time of a round (all
threads) and the machine load when it ran."""

from __future__ import annotations

from benchmarks import cases


def test_kernel(benchmark, kernel_case: cases.KernelCase) -> None:
    case = kernel_case
    args = cases.cached_inputs(case.kernel, case.draws, case.years)
    benchmark.group = f"{case.kernel} draws={case.draws} years={case.years}"
    benchmark.extra_info.update(
        kernel=case.kernel,
        impl=case.impl,
        draws=case.draws,
        years=case.years,
        cells_per_draw=cases.CELLS[case.kernel],
        threads=cases.numba_threads() if case.impl == "numba" else 1,
        load1_before=cases.load1(),
    )
    # one untimed call first: numba compiles (or loads its cache) and pages are touched
    warmup = 1 if case.impl == "numba" or case.draws <= 10 else 0
    timer = cases.CpuTimer(cases.run_case)
    result = benchmark.pedantic(timer, args=(case, args), rounds=case.rounds, warmup_rounds=warmup)
    benchmark.extra_info.update(cpu_seconds=timer.best(case.rounds), load1_after=cases.load1())
    assert result is not None
