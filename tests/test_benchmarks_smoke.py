"""The benchmark suite (benchmarks/, not in the default test run) runs every case once at a tiny
size here, so it cannot rot. No timings are checked."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the repository, not of the package
    sys.path.insert(0, str(ROOT))

from benchmarks import cases, run, test_commands, test_kernels, test_stochastic, test_stream, test_sweep


class FakeBenchmark:
    """Stands in for pytest-benchmark's fixture: every ``pedantic`` call runs its target once."""

    def __init__(self) -> None:
        self.group: str | None = None
        self.extra_info: dict = {}
        self.calls = 0

    def pedantic(self, target, args=(), kwargs=None, setup=None, rounds=1, warmup_rounds=0, iterations=1):
        if setup is not None:
            args, kwargs = setup()
        self.calls += 1
        return target(*args, **(kwargs or {}))

    def report(self, name: str) -> dict:
        """This run as an entry of pytest-benchmark's JSON report (made-up timings)."""
        return {"name": name, "extra_info": self.extra_info, "stats": {"min": 0.5, "median": 0.6, "rounds": 1}}


@pytest.fixture(scope="module")
def benches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FakeBenchmark]:
    """Every case of the suite once, at a tiny size: each kernel and implementation with 1 draw
    over 3 years, a small triad, each command (``sim run`` replaced by ``sim --version``)."""
    out: dict[str, FakeBenchmark] = {}

    def once(name: str, call) -> None:
        out[name] = bench = FakeBenchmark()
        call(bench)

    for kernel in cases.CELLS:
        for impl in cases.IMPLS:
            case = cases.KernelCase(kernel, impl, draws=1, years=3, rounds=1)
            once(f"{kernel}-{impl}", lambda b, case=case: test_kernels.test_kernel(b, case))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(test_stochastic, "stochastic_plan", lambda quick: [(2, 1)])
        once("deterministic", lambda b: test_stochastic.test_deterministic_run(b, True))
        once("stochastic", lambda b: test_stochastic.test_stochastic_run(b, True, 0))
    triad = cases.TriadCase("l2", n=1024, repeat=2, threads=1, rounds=1)
    once("stream", lambda b: test_stream.test_stream_triad(b, triad))
    outdir = str(tmp_path_factory.mktemp("sim-out"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            cases,
            "sim_run_argv",
            lambda outdir, scenario=cases.SCENARIO, *extra: cases.sim_command()[0] + ["--version"],
        )
        mp.setattr(cases, "sim_sweep_argv", lambda spec, outdir, workers: cases.sim_command()[0] + ["--version"])
        mp.setattr(test_commands, "_WARM", {})
        once("cold", lambda b: test_commands.test_sim_run_cold(b, outdir, True))
        once("warm", lambda b: test_commands.test_sim_run_warm(b, outdir, True, False))
        once("startup", lambda b: test_commands.test_import(b, True, "python_startup", None))
        once("import", lambda b: test_commands.test_import(b, True, "import_simulator", "simulator"))
        once("help", lambda b: test_commands.test_sim_help(b, True))
        once("sweep", lambda b: test_sweep.test_sim_sweep_regions(b, True, 2))
    cases.remove_fresh_dirs()
    return out


def test_every_case_ran_once(benches: dict[str, FakeBenchmark]) -> None:
    for name, bench in benches.items():
        assert bench.calls == 1 and bench.group, name
        assert "cpu_seconds" in bench.extra_info, name
    for kernel in cases.CELLS:
        info = benches[f"{kernel}-numba"].extra_info
        assert (info["kernel"], info["draws"], info["years"], info["cells_per_draw"]) == (
            kernel,
            1,
            3,
            cases.CELLS[kernel],
        )
    assert benches["stream"].extra_info["bytes"] == 3 * 8 * 1024 * 2
    assert benches["import"].extra_info["import_seconds"] > 0


@pytest.mark.parametrize("kernel", list(cases.CELLS))
def test_benchmark_inputs_give_equal_twins(kernel: str) -> None:
    """The synthetic inputs are valid: numba and its numpy twin agree on them."""
    args = cases.INPUTS[kernel](2, 3)
    got, want = cases.RUNS[kernel]("numba", args), cases.RUNS[kernel]("numpy", args)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-6)


def test_run_script_records(benches: dict[str, FakeBenchmark]) -> None:
    """run.py turns pytest-benchmark's report into records with the contract's fields, adds the
    fits and the machine, and prints the table."""
    report = {"benchmarks": [bench.report(name) for name, bench in benches.items()]}
    records = run.records_from_pytest(report)
    doubled = [dict(r, draws=2 * r["draws"], seconds=1.0) for r in records if r["impl"] == "numba" and r["draws"]]
    doubled += [dict(r, draws=2 * r["draws"], seconds=1.0) for r in records if r["kernel"] == "stochastic_run"]
    records += run.fits(records + doubled)
    records.append(run.machine(cases.load1()))
    for r in records:
        assert {"kernel", "impl", "draws", "years", "seconds", "ns_per_cell_year"} <= set(r)
    kernels = [r for r in records if r["kernel"] in cases.CELLS]
    assert {(r["kernel"], r["impl"]) for r in kernels} == {(k, i) for k in cases.CELLS for i in cases.IMPLS}
    assert all(r["ns_per_cell_year"] > 0 for r in kernels)
    assert all("speedup_vs_numpy" in r for r in kernels if r["impl"] == "numba")
    assert any(r["kernel"] == "stream_triad" and r["gb_per_s"] > 0 for r in records)
    names = {r["kernel"] for r in records}
    assert names >= {"sim_run_cold", "sim_run_warm_no_plots", "import_simulator", "machine", "fit:population",
                     "sim_sweep_regions_w2", "fit:stochastic_run"}
    stochastic = [r for r in records if r["kernel"] == "stochastic_run"]
    assert stochastic and all(r["seconds_per_draw"] > 0 and r["ratio_to_deterministic"] > 0 for r in stochastic)
    run.print_table(records)


def test_plans() -> None:
    """Full mode times 1, 100 and 1,000 draws (5,000 for numba) over 80 years, each numpy case
    right after its numba twin; quick mode is a subset of sizes."""
    full = cases.kernel_plan(quick=False)
    for kernel in cases.CELLS:
        draws = {c.draws for c in full if c.kernel == kernel and c.impl == "numba" and c.years == 80}
        assert {1, 100, 1000, 5000} <= draws
    for i, case in enumerate(full):
        if case.impl == "numpy":
            twin = full[i - 1]
            assert (twin.kernel, twin.impl, twin.draws, twin.years) == (case.kernel, "numba", case.draws, case.years)
    assert len(cases.kernel_plan(quick=True)) < len(full)
    assert {c.level for c in cases.triad_plan(quick=True, threads=2)} == {"dram", "l2"}


def test_linear_fit_and_import_parsing() -> None:
    fit = cases.linear_fit([1, 2, 4, 8], [3.0, 5.0, 9.0, 17.0])
    assert (
        fit["slope"] == pytest.approx(2.0)
        and fit["intercept"] == pytest.approx(1.0)
        and fit["r2"] == pytest.approx(1.0)
    )
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        340 |   simulator.errors\n"
        "import time:       900 |       1500 | simulator\n"
    )
    assert cases.import_seconds(stderr, "simulator") == pytest.approx(1500e-6)
