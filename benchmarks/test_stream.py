"""STREAM-style triad a = b + s c (numba, one contiguous chunk per thread), to read the kernel
figures against the machine's memory bandwidth: arrays far beyond the caches ("dram", with all
threads and with one) and arrays that fit in each core's L2 ("l2")."""

from __future__ import annotations

from benchmarks import cases


def test_stream_triad(benchmark, triad_case: cases.TriadCase) -> None:
    case = triad_case
    arrays = cases.triad_arrays(case.n)
    benchmark.group = "stream triad"
    benchmark.extra_info.update(
        kernel="stream_triad",
        level=case.level,
        threads=case.threads,
        array_mib=case.n * 8 / 2**20,
        repeat=case.repeat,
        bytes=case.bytes,
        load1_before=cases.load1(),
    )
    timer = cases.CpuTimer(cases.stream_triad)
    benchmark.pedantic(timer, args=(arrays, case.repeat, case.threads), rounds=case.rounds, warmup_rounds=1)
    benchmark.extra_info.update(cpu_seconds=timer.best(case.rounds), load1_after=cases.load1())
