"""Benchmark cases: synthetic kernel inputs, the runs being timed, a STREAM triad and
whole-command timings. Shared by the pytest-benchmark suite, ``run.py`` and the smoke test.

Everything here is deterministic (one seeded generator per input set) and independent of the
scenario files, so a change to ``scenarios/`` does not move the kernel figures.

State cells (what "ns per state cell-year" divides by), per draw:

- employee pension: groups x ages x service x 4 member arrays (act, dor, kact, kdor)
  + groups x ages x 2 retiree arrays (ret, pen) = 3 x 101 x 51 x 4 + 3 x 101 x 2 = 62,418;
- population: sexes x ages = 2 x 101 = 202.

ns per state cell-year = seconds / (draws x years x cells per draw) x 1e9.
"""

from __future__ import annotations

import functools
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GROUPS, AGES, SERVICE = 3, 101, 51  # the model's grid (simulator.model.employee_pension)
SEXES = 2
EMPLOYEE_CELLS = GROUPS * AGES * SERVICE * 4 + GROUPS * AGES * 2
POPULATION_CELLS = SEXES * AGES
CELLS = {"employee_pension": EMPLOYEE_CELLS, "population": POPULATION_CELLS}
IMPLS = ("numba", "numpy")


# ----------------------------------------------------------------------------- inputs


def _survival(rng: np.random.Generator, draws: int, years: int) -> np.ndarray:
    """survival[draw, year, sex, age]: a Gompertz-Makeham table (e0 about 77 / 82) improving 1% a
    year in mortality, with a lognormal mortality shock per draw and year (sd 3%)."""
    age = np.arange(AGES, dtype=float)
    mu = np.stack([2e-4 + 3.0e-5 * np.exp(0.095 * age), 1e-4 + 1.2e-5 * np.exp(0.10 * age)])  # (sex, age)
    mu[:, 0] = [6e-3, 5e-3]
    trend = 0.99 ** np.arange(years, dtype=float)  # (year,)
    shock = np.exp(rng.normal(0.0, 0.03, (draws, years, 1, 1)))
    return np.exp(-np.minimum(mu[None, None] * trend[None, :, None, None] * shock, 5.0))


def employee_inputs(draws: int, years: int, seed: int = 0) -> tuple:
    """Arguments of the employee-pension kernel (without ``out``) for ``draws`` draws and ``years``
    years, shaped like the Jiangxi run: claim ages 60/55/50 rising to 63/58/55, contributors aged
    16..claim age with service up to 50 years, retirees from the claim age on, Jiangxi-like rates.
    Survival and the yearly series (wage growth) differ by draw; the per-cell inputs
    are shared by all draws (draw axis of length 1, broadcast)."""
    from simulator.dims import SEX_OF_GROUP
    from simulator.model.kernels import employee_layout as L

    rng = np.random.default_rng(seed)
    G, A, S, T = GROUPS, AGES, SERVICE, years
    age = np.arange(A)
    claim0 = np.array([60, 55, 50])
    claim = claim0[None, :] + np.minimum((np.arange(T) // 4)[:, None], np.array([3, 3, 5])[None, :])  # (T, G): reform
    # base-year stock: 5 million actives, 1.25 million dormant, 2 million retirees (like Jiangxi 2015)
    service = np.clip(0.8 * (age - 20), 0, S - 1)
    split = np.zeros((A, S))
    split[age, service.astype(int)] = 1.0
    adult = (age[None, :] >= 16) & (age[None, :] < claim0[:, None])
    working = np.where(adult, 1.0, 0.0) * np.array([[0.6], [0.15], [0.25]])
    act0 = (working[:, :, None] * split[None] * (5.0e6 / working.sum()))[None]
    dor0 = act0 * 0.25
    per_member = 0.08 * 0.75 * 5e4 * np.minimum(np.arange(S), 19)
    kact0, kdor0 = act0 * per_member, dor0 * per_member
    retired = np.where(age[None, :] >= claim0[:, None], np.exp(-0.06 * np.maximum(age - 50, 0))[None, :], 0.0)
    ret0 = (retired * (2.0e6 / retired.sum()))[None]
    pen0 = ret0 * 2200.0 * 12.0

    survival = _survival(rng, draws, T)
    growth = 0.07 - 0.035 * np.arange(T) / max(T - 1, 1) + rng.normal(0.0, 0.01, (draws, T))
    wage = 5.6e4 * np.cumprod(1.0 + growth, axis=1)
    series = np.zeros((draws, T, L.N_SERIES))
    series[..., L.WAGE] = wage
    series[:, 0, L.WAGE_PREV] = 5.094e4
    series[:, 1:, L.WAGE_PREV] = wage[:, :-1]
    series[..., L.EMPLOYER_RATE] = np.where(np.arange(T) < 4, 0.20, 0.16)
    series[..., L.EMPLOYEE_RATE] = 0.08
    series[..., L.BASE_RATIO] = 0.75
    series[..., L.COMPLIANCE] = 0.95
    series[..., L.CREDITING] = 0.04
    series[..., L.INDEXATION] = 0.6 * growth
    series[..., L.MIN_YEARS] = np.minimum(15 + np.maximum(np.arange(T) - 9, 0) // 2, 20)
    series[..., L.YEAR] = 2016 + np.arange(T)
    series[..., L.DEATH_GRANT] = 0.4 * wage
    series[..., L.BASIC_ACCRUAL] = 0.01
    series[..., L.ACCOUNT_START] = 1996.0
    series[..., L.TRANSITIONAL_RATE] = 0.013
    series[..., L.BUY_RATE] = 0.3

    cells = np.zeros((1, T, G, A, L.N_CELLS))
    working_t = (age[None, None, :] >= 16) & (age[None, None, :] < claim[:, :, None])  # (T, G, A)
    employment = np.exp(-(((age - 38.0) / 14.0) ** 2))  # (A,)
    coverage = 0.5 + 0.3 * np.arange(T) / max(T - 1, 1)  # (T,)
    size = np.array([4.0e6, 0.8e6, 1.7e6]) / employment[16:60].sum()  # (G,)
    target = (working_t * employment[None, None, :] * coverage[:, None, None] * size[None, :, None])[None]
    cells[0, ..., L.HAZARD] = (age[None, None, :] >= claim[:, :, None]).astype(float)
    cells[0, ..., L.DIVISOR] = np.interp(age, [40, 50, 55, 60, 65, 70], [233, 195, 170, 139, 101, 56])[None, None, :]
    cells[0, ..., L.SHORT_EXIT] = (age[None, None, :] >= np.array([65, 60, 60])[None, :, None]).astype(float)
    cells[0, ..., L.DORMANCY] = 0.04
    cells[0, ..., L.REACTIVATION] = 0.10
    return (act0, dor0, kact0, kdor0, ret0, pen0, survival, series, cells, target, SEX_OF_GROUP)


def employee_run(impl: str, args: tuple) -> np.ndarray:
    """One kernel call over every draw and year; returns ``out[draw, year, N_OUTPUTS]``."""
    from simulator.model.kernels import employee_layout as L
    from simulator.model.kernels.employee_pension import employee_pension_numba, employee_pension_numpy

    draws, years = args[7].shape[0], args[7].shape[1]
    out = np.zeros((draws, years, L.N_OUTPUTS))
    (employee_pension_numba if impl == "numba" else employee_pension_numpy)(*args, out)
    return out


def population_inputs(draws: int, years: int, seed: int = 0) -> tuple:
    """(pop0, survival, infant, asfr, male_share, migration) for ``years`` projected years: a
    China-like base population (about 45 million), TFR 1.3, survival by draw (mortality shocks);
    the other inputs shared by all draws."""
    rng = np.random.default_rng(seed)
    age = np.arange(AGES, dtype=float)
    shape = 1.0 + 0.6 * np.exp(-(((age - 52.0) / 12.0) ** 2)) - 0.4 * np.exp(-(((age - 58.0) / 1.5) ** 2))
    base = 3.0e5 * shape * np.exp(-np.maximum(age - 60.0, 0.0) * 0.08)
    pop0 = np.stack([base * 1.04, base])[None]  # (1, sex, age)
    survival = _survival(rng, draws, years)
    infant = survival[:1, :, :, 0]  # (1, T, sex)
    asfr = np.zeros((1, years, AGES))
    shape_f = np.exp(-(((age[15:50] - 29.0) / 6.0) ** 2))
    asfr[..., 15:50] = 1.3 * shape_f / shape_f.sum()  # TFR 1.3
    male_share = np.full((1, years), 0.53)
    migration = np.zeros((1, years, SEXES, AGES))
    migration[..., 18:40] = -800.0
    return pop0, survival, infant, asfr, male_share, migration


def population_run(impl: str, args: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``run_projection`` (numba, allocates its outputs) or ``project_reference`` (numpy)."""
    from simulator.model.kernels.population import project_reference, run_projection

    if impl == "numba":
        return run_projection(*args, draws=args[1].shape[0])
    return project_reference(*args)


INPUTS = {"employee_pension": employee_inputs, "population": population_inputs}
RUNS = {"employee_pension": employee_run, "population": population_run}


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class KernelCase:
    kernel: str  # "employee_pension" or "population"
    impl: str  # "numba" or "numpy"
    draws: int
    years: int
    rounds: int

    @property
    def id(self) -> str:
        return f"{self.kernel}-{self.impl}-d{self.draws}-y{self.years}"


def available_bytes() -> int:
    """MemAvailable from /proc/meminfo (bytes); a large number where it cannot be read."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return 1 << 50
    found = [int(line.split()[1]) * 1024 for line in lines if line.startswith("MemAvailable:")]
    return found[0] if found else 1 << 50


def numpy_peak_bytes(kernel: str, draws: int, years: int) -> int:
    """Rough peak memory of a numpy-reference call, to skip sizes that would not fit. Employee:
    about 23 live (draw, G, A, S) arrays (measured at 50 and 200 draws), counted as 26;
    population: inputs, output and a few (draw, sex, age) temporaries."""
    if kernel == "employee_pension":
        return 26 * draws * GROUPS * AGES * SERVICE * 8 + 2 * draws * years * SEXES * AGES * 8
    return 4 * draws * (years + 1) * POPULATION_CELLS * 8


def fits_in_memory(kernel: str, draws: int, years: int) -> bool:
    return numpy_peak_bytes(kernel, draws, years) < 0.7 * available_bytes()


def kernel_plan(quick: bool) -> list[KernelCase]:
    """Sizes timed. A numba case at 80 years whose draw count is in the numpy list is followed by
    its numpy twin on the same inputs (left out where it would not fit in memory). The other
    horizons (20 and 40 years) feed the linear fit of cost against draws x years."""
    if quick:
        grid = [(1, 80, 5), (10, 80, 5), (100, 80, 3), (1000, 80, 2), (100, 20, 3), (100, 40, 3), (1000, 40, 2)]
        numpy_rounds = {1: 3, 10: 2, 100: 1}  # draws: rounds
    else:
        grid = [(1, 80, 10), (10, 80, 5), (100, 80, 5), (1000, 80, 3), (5000, 80, 3),
                (100, 20, 5), (100, 40, 5), (1000, 20, 3), (1000, 40, 3), (5000, 20, 3), (5000, 40, 3)]  # fmt: skip
        numpy_rounds = {1: 5, 10: 3, 100: 2, 1000: 1, 5000: 1}
    cases = []
    for kernel in CELLS:
        for draws, years, rounds in grid:
            cases.append(KernelCase(kernel, "numba", draws, years, rounds))
            paired = years == 80 and draws in numpy_rounds
            if paired and fits_in_memory(kernel, draws, years):
                cases.append(KernelCase(kernel, "numpy", draws, years, numpy_rounds[draws]))
    return cases


@functools.lru_cache(maxsize=1)
def cached_inputs(kernel: str, draws: int, years: int) -> tuple:
    """Inputs of the last size asked for: a numba case and its numpy twin share them."""
    return INPUTS[kernel](draws, years)


def run_case(case: KernelCase, args: tuple):
    return RUNS[case.kernel](case.impl, args)


def load1() -> float | None:
    """One-minute load average (other work on the machine inflates wall times)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def numba_threads() -> int:
    import numba

    return numba.get_num_threads()


class CpuTimer:
    """Wraps ``fn`` and keeps the CPU seconds of each call: this process (all its threads), or
    with ``children`` the user + system time of the subprocesses it waited for. On a machine
    shared with other work the wall time grows while the CPU time stays close to the work done."""

    def __init__(self, fn, children: bool = False) -> None:
        self.fn, self.children, self.samples = fn, children, []

    def _now(self) -> float:
        if self.children:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        return time.process_time()

    def __call__(self, *args, **kwargs):
        start = self._now()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.samples.append(self._now() - start)

    def best(self, rounds: int) -> float | None:
        """Least CPU time over the last ``rounds`` calls (the timed ones, after any warm-up)."""
        timed = self.samples[-rounds:]
        return min(timed) if timed else None


# ----------------------------------------------------------------------------- STREAM triad

_TRIAD = []


def _triad_kernel():
    if not _TRIAD:
        from numba import njit, prange

        @njit(cache=False)
        def triad_range(a, b, c, s):  # pragma: no cover - compiled
            for i in range(a.shape[0]):
                a[i] = b[i] + s * c[i]

        @njit(parallel=True, cache=False)
        def triad(a, b, c, s, repeat, chunks):  # pragma: no cover - compiled
            """``repeat`` triads, each thread on its own contiguous chunk; odd repeats write b
            from a, so no pass is a dead store. (The loop sits in its own function: written
            inline in the prange body, LLVM does not vectorise it.)"""
            n = a.shape[0]
            for k in prange(chunks):
                lo = n * k // chunks
                hi = n * (k + 1) // chunks
                ak, bk, ck = a[lo:hi], b[lo:hi], c[lo:hi]
                for r in range(repeat):
                    if r % 2 == 0:
                        triad_range(ak, bk, ck, s)
                    else:
                        triad_range(bk, ak, ck, s)

        _TRIAD.append(triad)
    return _TRIAD[0]


@dataclass(frozen=True)
class TriadCase:
    level: str  # "dram": arrays far larger than the caches; "l2": inside each core's L2
    n: int  # float64 per array
    repeat: int  # triads per timed call
    threads: int
    rounds: int

    @property
    def id(self) -> str:
        return f"{self.level}-{self.threads}thread"

    @property
    def bytes(self) -> int:
        return triad_bytes(self.n, self.repeat)


def triad_plan(quick: bool, threads: int) -> list[TriadCase]:
    big = 1 << (24 if quick else 25)  # 128 / 256 MiB per array (x 3): far beyond the 32 MiB L3
    small = 1 << 14  # 128 KiB per array, 384 KiB in all: inside L2 (2 MiB a core), outside L1 (48 KiB)
    cases = [TriadCase("dram", big, 4, threads, 5 if quick else 10)]
    if threads > 1:
        cases.append(TriadCase("dram", big, 4, 1, 3 if quick else 5))
    cases.append(TriadCase("l2", small, 20_000, threads, 5 if quick else 10))
    return cases


def triad_arrays(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(n), np.full(n, 1.0), np.full(n, 2.0)


def stream_triad(arrays: tuple, repeat: int, threads: int) -> None:
    """``repeat`` triads a = b + s c over ``arrays`` on ``threads`` numba threads."""
    import numba

    kernel = _triad_kernel()
    previous = numba.get_num_threads()
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    try:
        kernel(*arrays, 3.0, repeat, threads)
    finally:
        numba.set_num_threads(previous)


def triad_bytes(n: int, repeat: int = 1) -> int:
    """Bytes moved as STREAM counts them: read b and c, write a (3 x 8 x n per triad), without
    the write-allocate read of a that the hardware also does."""
    return 3 * 8 * n * repeat


# ----------------------------------------------------------------------------- whole commands

SCENARIO = "scenarios/jiangxi.yaml"


def sim_command() -> tuple[list[str], str]:
    """The ``sim`` console script next to this interpreter or on PATH, else
    ``python -m simulator.cli`` (the same code without the console-script shim)."""
    here = Path(sys.executable).with_name("sim")
    found = str(here) if here.exists() else shutil.which("sim")
    if found:
        return [found], "sim"
    return [sys.executable, "-m", "simulator.cli"], "python -m simulator.cli"


def command_env(**extra: str) -> dict[str, str]:
    """This environment, with the repository root on PYTHONPATH (harmless after ``pip install -e``)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def run_command(argv: list[str], env: dict[str, str] | None = None, timeout: float = 900.0) -> str:
    """Run ``argv`` from the repository root; returns stderr; raises when it fails."""
    done = subprocess.run(
        argv, cwd=ROOT, env=env or command_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done.stderr


def sim_run_argv(outdir: str, scenario: str = SCENARIO, *extra: str) -> list[str]:
    """``sim run SCENARIO -o OUTDIR --force`` (plots on, as a user runs it) plus ``extra``."""
    return sim_command()[0] + ["run", scenario, "-o", outdir, "--force", *extra]


def sim_sweep_argv(spec: str, outdir: str, workers: int) -> list[str]:
    """``sim sweep SPEC --workers N -o OUTDIR --quiet`` (OUTDIR new and empty: nothing is reused)."""
    return sim_command()[0] + ["sweep", spec, "--workers", str(workers), "-o", outdir, "--quiet"]


_CREATED: list[str] = []


def fresh_dir(prefix: str) -> str:
    """A new temporary folder, removed by :func:`remove_fresh_dirs`."""
    path = tempfile.mkdtemp(prefix=prefix)
    _CREATED.append(path)
    return path


def remove_fresh_dirs() -> None:
    while _CREATED:
        shutil.rmtree(_CREATED.pop(), ignore_errors=True)


_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)\s*$")


def import_seconds(stderr: str, module: str) -> float:
    """Cumulative import time of the top-level ``module`` from ``python -X importtime`` output."""
    for line in stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m and m.group(4) == module and len(m.group(3)) == 1:
            return int(m.group(2)) * 1e-6
    raise ValueError(f"no import-time line for {module}")


def import_argv(module: str) -> list[str]:
    return [sys.executable, "-X", "importtime", "-c", f"import {module}"]


# ----------------------------------------------------------------------------- the linear fit


def linear_fit(x: list[float], y: list[float]) -> dict[str, float]:
    """Least squares y = slope x + intercept: slope, intercept, R^2 and the largest residual
    (absolute, and relative over the points with x at least a tenth of the largest)."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    if len(xa) < 2 or np.ptp(xa) == 0:
        nan = float("nan")
        return {"slope": nan, "intercept": nan, "r2": nan, "max_abs_residual": nan, "max_rel_residual": nan}
    slope, intercept = np.polyfit(xa, ya, 1)
    residual = ya - (slope * xa + intercept)
    ss_tot = float(((ya - ya.mean()) ** 2).sum())
    large = xa >= 0.1 * xa.max()
    return {
        "slope": float(slope),
        "intercept": float(intercept),
        "r2": 1.0 - float((residual**2).sum()) / ss_tot if ss_tot > 0 else 1.0,
        "max_abs_residual": float(np.abs(residual).max()),
        "max_rel_residual": float(np.max(np.abs(residual[large]) / ya[large])),
    }
