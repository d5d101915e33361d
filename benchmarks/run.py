"""Run the benchmark suite and write its figures as JSON records; print them as a table.

    python benchmarks/run.py [--quick] --json OUT.json [-k EXPR]

From the repository root. Runs ``python -m pytest benchmarks/ --benchmark-only`` in a
subprocess (``--bench-quick`` with ``--quick``), reads pytest-benchmark's JSON and writes a list
of records::

    {"kernel", "impl", "draws", "years", "seconds", "ns_per_cell_year", ...}

- kernel records (kernel "employee_pension" / "population", impl "numba" / "numpy"): seconds is
  the fastest round of one kernel call over every draw and year; ns_per_cell_year = seconds /
  (draws x years x cells_per_draw) x 1e9; numba records paired with a numpy run on the same
  inputs carry ``numpy_seconds`` and ``speedup_vs_numpy``;
- "stream_triad" (impl "numba"): ``gb_per_s`` at ``level`` "dram" or "l2" and ``threads``;
- "sim_run_cold", "sim_run_warm", "sim_run_warm_no_plots", "sim_help", "python_startup",
  "import_simulator", "import_cli" (impl "command"): wall seconds of a fresh process (fastest
  round; ``seconds_median`` too; ``command``); import records add ``import_seconds`` from
  -X importtime;
- "sim_sweep_regions_w1", "sim_sweep_regions_w2", "sim_sweep_target_draws" (impl "command"): a whole
  ``sim sweep`` into a new folder, with ``workers``, ``tasks`` (and ``draws``);
- "fit:employee_pension", "fit:population" (impl "numba"): least squares of seconds against
  draws x years over the numba records: ``slope_seconds``, ``intercept_seconds``, ``r2``,
  ``max_abs_residual_seconds``, ``max_rel_residual_large`` (over sizes >= 1/10 of the largest);
  ns_per_cell_year = slope / cells per draw x 1e9; the same fit of the CPU seconds as
  ``cpu_slope_seconds``, ``cpu_intercept_seconds``, ``cpu_r2``, ``ns_per_cell_year_cpu``;
- "stochastic_run" (impl "python", per draw count) and "deterministic_run" (draws 1): the fastest
  round of ``simulator.run`` of Jiangxi to 2100 in this session, ``seconds_per_draw``,
  ``ratio_to_deterministic`` (seconds / one deterministic run) and ``peak_mib`` (the process's
  peak resident memory so far); "fit:stochastic_run": seconds against draws (slope = seconds per
  draw, intercept = the fixed cost);
- "machine": CPU model, cores, memory, library versions, load average.

Every timed record also has ``cpu_seconds`` (least CPU time of a round: this process with all
its threads, or the child process for commands), ``rounds`` and the one-minute load average
before and after (``load1_before``, ``load1_after``): other work on the machine inflates wall
times. Kernel records add ``ns_per_cell_year_cpu`` (CPU of all threads per cell-year).

Fields that do not apply are null.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import cases

KERNELS = tuple(cases.CELLS)
COMMANDS = (
    "sim_run_cold",
    "sim_run_warm",
    "sim_run_warm_no_plots",
    "sim_help",
    "python_startup",
    "import_simulator",
    "import_cli",
    "sim_sweep_regions_w1",
    "sim_sweep_regions_w2",
    "sim_sweep_target_draws",
)
STOCHASTIC = ("stochastic_run", "deterministic_run")


def record(kernel: str, impl: str | None, draws=None, years=None, seconds=None, ns=None, **extra) -> dict:
    return {
        "kernel": kernel,
        "impl": impl,
        "draws": draws,
        "years": years,
        "seconds": seconds,
        "ns_per_cell_year": ns,
        **extra,
    }


def records_from_pytest(report: dict) -> list[dict]:
    """Records from pytest-benchmark's JSON report (see the module docstring)."""
    out = []
    for bench in report.get("benchmarks", []):
        info, stats = bench.get("extra_info", {}), bench["stats"]
        kernel = info.get("kernel")
        common = {
            "seconds_median": stats["median"],
            "rounds": stats["rounds"],
            "load1_before": info.get("load1_before"),
            "load1_after": info.get("load1_after"),
            "test": bench["name"],
            "cpu_seconds": info.get("cpu_seconds"),
        }
        if kernel in KERNELS:
            cells = info["cells_per_draw"]
            ns = stats["min"] / (info["draws"] * info["years"] * cells) * 1e9
            out.append(
                record(
                    kernel,
                    info["impl"],
                    info["draws"],
                    info["years"],
                    stats["min"],
                    ns,
                    cells_per_draw=cells,
                    threads=info.get("threads"),
                    ns_per_cell_year_cpu=_per_cell(info.get("cpu_seconds"), info["draws"] * info["years"] * cells),
                    **common,
                )
            )
        elif kernel == "stream_triad":
            out.append(
                record(
                    kernel,
                    "numba",
                    seconds=stats["min"],
                    gb_per_s=info["bytes"] / stats["min"] / 1e9,
                    level=info["level"],
                    threads=info["threads"],
                    array_mib=info["array_mib"],
                    bytes=info["bytes"],
                    **common,
                )
            )
        elif kernel in COMMANDS:
            extra = {k: info[k] for k in ("command", "numba_cache", "import_seconds", "workers", "tasks", "draws") if k in info}
            out.append(record(kernel, "command", seconds=stats["min"], **extra, **common))
        elif kernel in STOCHASTIC:
            out.append(record(kernel, "python", info["draws"], info["years"], stats["min"], peak_mib=info.get("peak_mib"),
                              seconds_per_draw=stats["min"] / info["draws"], **common))  # fmt: skip
    pair_with_numpy(out)
    deterministic = [r["seconds"] for r in out if r["kernel"] == "deterministic_run"]
    for r in out:
        if r["kernel"] == "stochastic_run" and deterministic:
            r["ratio_to_deterministic"] = r["seconds"] / deterministic[0]
    return out


def _per_cell(seconds: float | None, cell_years: int) -> float | None:
    return None if seconds is None else seconds / cell_years * 1e9


def pair_with_numpy(records: list[dict]) -> None:
    numpy = {(r["kernel"], r["draws"], r["years"]): r["seconds"] for r in records if r["impl"] == "numpy"}
    for r in records:
        key = (r["kernel"], r["draws"], r["years"])
        if r["impl"] == "numba" and key in numpy:
            r["numpy_seconds"] = numpy[key]
            r["speedup_vs_numpy"] = numpy[key] / r["seconds"]


def fits(records: list[dict]) -> list[dict]:
    """Linear fit of numba seconds against draws x years, one per kernel; the same for the CPU
    seconds (all threads), which other work on the machine disturbs far less. Stochastic runs:
    seconds against draws."""
    out = []
    rows = [r for r in records if r["kernel"] == "stochastic_run"]
    if len(rows) >= 2:
        x = [r["draws"] for r in rows]
        fit = cases.linear_fit(x, [r["seconds"] for r in rows])
        cpu = cases.linear_fit(x, [r["cpu_seconds"] for r in rows]) if all(r.get("cpu_seconds") is not None for r in rows) else {}
        out.append(record("fit:stochastic_run", "python", slope_seconds=fit["slope"], intercept_seconds=fit["intercept"],
                          r2=fit["r2"], max_abs_residual_seconds=fit["max_abs_residual"],
                          max_rel_residual_large=fit["max_rel_residual"], points=len(rows), x="draws",
                          cpu_slope_seconds=cpu.get("slope"), cpu_intercept_seconds=cpu.get("intercept")))  # fmt: skip
    for kernel in KERNELS:
        rows = [r for r in records if r["kernel"] == kernel and r["impl"] == "numba"]
        if len(rows) < 2:
            continue
        x = [r["draws"] * r["years"] for r in rows]
        fit = cases.linear_fit(x, [r["seconds"] for r in rows])
        extra = {}
        if all(r.get("cpu_seconds") is not None for r in rows):
            cpu = cases.linear_fit(x, [r["cpu_seconds"] for r in rows])
            extra = {
                "cpu_slope_seconds": cpu["slope"],
                "cpu_intercept_seconds": cpu["intercept"],
                "cpu_r2": cpu["r2"],
                "cpu_max_rel_residual_large": cpu["max_rel_residual"],
                "ns_per_cell_year_cpu": cpu["slope"] / cases.CELLS[kernel] * 1e9,
            }
        out.append(
            record(
                f"fit:{kernel}",
                "numba",
                ns=fit["slope"] / cases.CELLS[kernel] * 1e9,
                slope_seconds=fit["slope"],
                intercept_seconds=fit["intercept"],
                r2=fit["r2"],
                max_abs_residual_seconds=fit["max_abs_residual"],
                max_rel_residual_large=fit["max_rel_residual"],
                points=len(rows),
                x="draws x years",
                **extra,
            )
        )
    return out


def machine(load_start: float | None) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem = None
    import numba
    import numpy

    return record(
        "machine",
        None,
        cpu=cpu,
        cores=os.cpu_count(),
        memory_gib=mem,
        python=platform.python_version(),
        numpy=numpy.__version__,
        numba=numba.__version__,
        numba_threads=numba.config.NUMBA_NUM_THREADS,
        sim_command=cases.sim_command()[1],
        load1_start=load_start,
        load1_end=cases.load1(),
    )


def print_table(records: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 150)
    kern = Table(title="kernels: fastest round, ns per state cell-year (wall; CPU of all threads), numba / numpy")
    for col in ("kernel", "impl", "draws", "years", "seconds", "ns/cell-yr", "cpu ns/cell-yr", "numpy / numba", "load"):
        kern.add_column(col, justify="left" if col in ("kernel", "impl") else "right")
    for r in records:
        if r["kernel"] in KERNELS:
            kern.add_row(
                r["kernel"],
                r["impl"],
                f"{r['draws']:,}",
                str(r["years"]),
                f"{r['seconds']:.4g}",
                f"{r['ns_per_cell_year']:.3g}",
                "" if r.get("ns_per_cell_year_cpu") is None else f"{r['ns_per_cell_year_cpu']:.3g}",
                f"{r['speedup_vs_numpy']:.1f}x" if "speedup_vs_numpy" in r else "",
                _load(r),
            )
    console.print(kern)
    other = Table(title="bandwidth, whole commands, fits")
    for col in ("figure", "value", "detail"):
        other.add_column(col)
    for r in records:
        k = r["kernel"]
        if k == "stream_triad":
            other.add_row(
                f"stream triad ({r['level']}, {r['threads']} thread)",
                f"{r['gb_per_s']:.1f} GB/s",
                f"3 x {r['array_mib']:.3g} MiB arrays; load {_load(r)}",
            )
        elif k in COMMANDS:
            detail = f"CPU {r['cpu_seconds']:.3f} s; " if r.get("cpu_seconds") is not None else ""
            if "import_seconds" in r:
                detail += f"import alone {r['import_seconds']:.3f} s (-X importtime); "
            detail += f"load {_load(r)}"
            other.add_row(k, f"{r['seconds']:.3f} s (median {r['seconds_median']:.3f})", detail)
        elif k in STOCHASTIC:
            detail = f"CPU {r['cpu_seconds']:.3f} s; " if r.get("cpu_seconds") is not None else ""
            detail += f"peak memory so far {r['peak_mib']:.0f} MiB; load {_load(r)}"
            if "ratio_to_deterministic" in r:
                detail = f"{r['ratio_to_deterministic']:.1f} x the deterministic run; " + detail
            other.add_row(f"{k} ({r['draws']:,} draws)", f"{r['seconds']:.3f} s ({r['seconds_per_draw'] * 1e3:.2f} ms a draw)", detail)
        elif k == "fit:stochastic_run":
            other.add_row(
                f"{k} (wall seconds vs draws)", f"R^2 {r['r2']:.5f}",
                f"slope {r['slope_seconds'] * 1e3:.3g} ms a draw, intercept {r['intercept_seconds']:.3g} s, {r['points']} points",
            )  # fmt: skip
        elif k.startswith("fit:"):
            other.add_row(
                f"{k} (wall seconds vs draws x years)",
                f"R^2 {r['r2']:.5f}",
                f"slope {r['slope_seconds']:.4g} s = {r['ns_per_cell_year']:.3g} ns/cell-yr, "
                f"intercept {r['intercept_seconds'] * 1e3:.3g} ms, {r['points']} points, largest residual "
                f"{r['max_abs_residual_seconds'] * 1e3:.3g} ms ({r['max_rel_residual_large']:.1%} of the time "
                "among the sizes >= 1/10 of the largest)",
            )
            if "cpu_r2" in r:
                other.add_row(
                    f"{k} (CPU seconds vs draws x years)",
                    f"R^2 {r['cpu_r2']:.5f}",
                    f"slope {r['cpu_slope_seconds']:.4g} s = {r['ns_per_cell_year_cpu']:.3g} CPU ns/cell-yr, "
                    f"intercept {r['cpu_intercept_seconds'] * 1e3:.3g} ms, largest residual "
                    f"{r['cpu_max_rel_residual_large']:.1%} among the sizes >= 1/10 of the largest",
                )
        elif k == "machine":
            mem = f"{r['memory_gib']:.1f} GiB" if r["memory_gib"] else "?"
            other.add_row(
                "machine",
                f"{r['cpu']}, {r['cores']} cores, {mem}",
                f"numba {r['numba']} ({r['numba_threads']} threads), numpy {r['numpy']}, "
                f"load {_f1(r['load1_start'])} -> {_f1(r['load1_end'])}; commands via {r['sim_command']}",
            )
    console.print(other)


def _f1(x: float | None) -> str:
    return "?" if x is None else f"{x:.1f}"


def _load(r: dict) -> str:
    return f"{_f1(r.get('load1_before'))}-{_f1(r.get('load1_after'))}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds (a few minutes)")
    parser.add_argument("--json", required=True, type=Path, help="where to write the records")
    parser.add_argument("-k", dest="keyword", help="only the benchmarks matching this pytest -k expression")
    args = parser.parse_args(argv)

    load_start = cases.load1()
    with tempfile.TemporaryDirectory(prefix="simbench-") as tmp:
        raw = Path(tmp) / "pytest-benchmark.json"
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "benchmarks"), "--benchmark-only", f"--benchmark-json={raw}"]
        cmd += ["-p", "no:cacheprovider", "-q", "--benchmark-columns=min,median,rounds", "--benchmark-sort=name"]
        cmd += ["--bench-quick"] if args.quick else []
        cmd += ["-k", args.keyword] if args.keyword else []
        print("$", " ".join(cmd), flush=True)
        done = subprocess.run(cmd, cwd=ROOT, env=cases.command_env(), check=False)
        if not raw.exists():
            print(f"pytest wrote no benchmark report (exit code {done.returncode})", file=sys.stderr)
            return done.returncode or 1
        report = json.loads(raw.read_text())

    records = records_from_pytest(report)
    records += fits(records)
    records.append(machine(load_start))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(records, indent=1) + "\n")
    print_table(records)
    print(f"wrote {len(records)} records to {args.json}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
