"""``sim sweep`` on dask.distributed: the 2-worker LocalCluster on 127.0.0.1 that ``--workers 2``
starts, started once and shared by the session. The sweep equals the serial runs exactly; a
failing task is reported with its inputs and the others are kept; running the same sweep again
skips the finished tasks."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.model.projection import project
from simulator.scenario.load import load_scenario, override
from simulator.sweep import cluster as cluster_module
from simulator.sweep import run as run_module
from simulator.sweep.cluster import connect
from simulator.sweep.task import block_seed
from simulator.uncertainty.run import run as stochastic
from tests.conftest import SCENARIOS

SWEEPS = SCENARIOS / "sweeps"


@pytest.fixture(scope="session")
def scheduler() -> str:
    """Address of the cluster that `sim sweep --workers 2` starts (simulator.sweep.cluster.connect):
    2 worker processes, 1 thread each, on 127.0.0.1; shared by the session."""
    with connect(workers=2) as client:
        yield client.scheduler.address


def sweep(*args: str):
    return CliRunner().invoke(app, ["sweep", *args, "--quiet"])


def assert_same_values(got: xr.Dataset, want: xr.Dataset) -> None:
    """Every variable of ``want`` equals ``got``'s on ``want``'s coordinates, exactly (NaN = NaN),
    with the same units and labels."""
    got = got.sel({d: want[d] for d in want.dims if d in got.dims})
    for name, var in want.data_vars.items():
        np.testing.assert_array_equal(got[name].transpose(*var.dims).values, var.values, err_msg=name)
        assert got[name].attrs == var.attrs, name


def test_local_cluster_two_single_thread_processes_on_loopback(scheduler: str) -> None:
    from distributed import Client

    with Client(scheduler) as client:
        threads = client.nthreads()
        numba_threads = client.run(lambda: os.environ.get("NUMBA_NUM_THREADS"))
    assert scheduler.startswith("tcp://127.0.0.1:")
    assert len(threads) == 2 and set(threads.values()) == {1}
    assert all(address.startswith("tcp://127.0.0.1:") for address in threads)
    assert set(numba_threads.values()) == {str(max(1, cluster_module.cores() // 2))}
    with Client(scheduler) as client:
        assert cluster_module.mismatched_workers(client) == []  # same install: nothing to refuse


def test_result_from_another_version_is_refused(scheduler: str, tmp_path: Path) -> None:
    """A worker that answers with another simulator version (one that joined after the check):
    its task fails with one line, nothing of it is written."""
    from distributed import Client

    def pretend(version, dask_worker=None):
        import simulator.sweep.task as task

        task.__version__ = version

    spec, out = _spec(tmp_path, "lingyuan", extra="variables: [balance]\n"), tmp_path / "out"
    with Client(scheduler) as client:
        real = client.run(lambda: __import__("simulator.version").version.__version__)
        client.run(pretend, "0.0.0-old")
        try:
            result = sweep(str(spec), "--scheduler", scheduler, "-o", str(out))
        finally:
            client.run(pretend, next(iter(real.values())))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith(f"the worker runs simulator 0.0.0-old (expected {simulator.__version__})")
    assert not list((out / "tasks").glob("*.nc"))


def test_regions_with_two_local_workers_equal_sim_run(scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sim sweep scenarios/sweeps/regions.yaml --workers 2 -o DIR`: one Dataset with a region
    dimension whose values equal `sim run` of each region (Zhoushan starts in an earlier year:
    the others are NaN there). The command's local cluster is the session's (same code, started once)."""
    asked = []

    @contextlib.contextmanager
    def session_cluster(workers=None, scheduler_address=None, tasks=1):
        from distributed import Client

        asked.append((workers, scheduler_address))
        with Client(scheduler) as client:
            yield client

    monkeypatch.setattr(run_module, "connect", session_cluster)
    out = tmp_path / "regions"
    result = CliRunner().invoke(app, ["sweep", str(SWEEPS / "regions.yaml"), "--workers", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert asked == [(2, None)]
    assert "5 runs: 0 already done, 5 run now, 0 failed" in result.stdout
    ds = xr.load_dataset(out / "sweep.nc")
    assert list(ds.region.values) == ["jiangxi", "liaoning", "huangshi", "zhoushan", "lingyuan"]
    assert ds.finished.values.all()
    for region in ds.region.values:
        run = simulator.run(SCENARIOS / f"{region}.yaml")
        one = ds.sel(region=region)
        assert_same_values(one, run)
        assert one.scenario_sha256.item() == run.attrs["scenario_sha256"]
        others = one.sel(year=[y for y in ds.year.values if y not in run.year.values])
        assert np.isnan(others.balance.values).all()
    assert len(list((out / "tasks").glob("*.nc"))) == 5


def test_reform_grid_equals_serial_runs(scheduler: str, tmp_path: Path) -> None:
    """The shipped reform grid (6 runs): two corners equal project() of the scenario with the two
    levers set, and reform off with indexation 0.5 (the default) equals
    scenarios/jiangxi_pre_reform.yaml; the six runs differ from each other."""
    out = tmp_path / "grid"
    result = sweep(str(SWEEPS / "jiangxi_reform_grid.yaml"), "--scheduler", scheduler, "-o", str(out))
    assert result.exit_code == 0, result.output
    ds = xr.load_dataset(out / "sweep.nc")
    assert dict(ds.finished.sizes) == {"scenario": 1, "reform": 2, "indexation": 3}
    assert ds.reform.attrs["key_path"] == "policy.retirement.reform"
    base = load_scenario(SCENARIOS / "jiangxi.yaml")
    for reform, indexation in ((True, 0.4), (False, 0.6)):
        changed = override(
            base, {"policy.retirement.reform": reform, "policy.employee_pension.indexation.then.wage": indexation}
        )
        assert_same_values(ds.sel(scenario="jiangxi", reform=reform, indexation=indexation), project(changed))
    balance_2050 = ds.balance.sel(scheme="employee_pension", year=2050).values.ravel()
    assert len(set(balance_2050.tolist())) == 6
    pre_reform = simulator.run(SCENARIOS / "jiangxi_pre_reform.yaml")
    assert_same_values(ds.sel(scenario="jiangxi", reform=False, indexation=0.5), pre_reform)


@pytest.fixture
def broken_region(scheduler: str):
    """Make every run of Lingyuan raise on the workers (as a worker would on a missing file); undone after."""
    from distributed import Client

    def patch(dask_worker=None):
        import simulator.model.projection as projection

        original = getattr(projection, "_unbroken", projection.project)

        def project(scenario, *args, **kwargs):
            if scenario.region.id == "lingyuan":
                raise RuntimeError("made to fail by the test")
            return original(scenario, *args, **kwargs)

        projection._unbroken, projection.project = original, project

    def unpatch(dask_worker=None):
        import simulator.model.projection as projection

        projection.project = getattr(projection, "_unbroken", projection.project)

    with Client(scheduler) as client:
        client.run(patch)
        yield
        client.run(unpatch)


def _spec(tmp_path: Path, *regions: str, extra: str = "") -> Path:
    path = tmp_path / "two.yaml"
    files = ", ".join(str(SCENARIOS / f"{r}.yaml") for r in regions)
    path.write_text(f"name: two\nregions: [{files}]\n{extra}", encoding="utf-8")
    return path


def test_failed_task_reported_others_kept_then_resumed(scheduler: str, broken_region, tmp_path: Path) -> None:
    """Lingyuan fails: one line naming its inputs, exit 1, a failed.csv row; Jiangxi is kept in
    sweep.nc and tasks/. The same sweep again (still failing) reuses Jiangxi's file untouched."""
    spec, out = _spec(tmp_path, "jiangxi", "lingyuan"), tmp_path / "out"
    result = sweep(str(spec), "--scheduler", scheduler, "-o", str(out))
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert failed == [f"failed: region=lingyuan [{SCENARIOS / 'lingyuan.yaml'}]: RuntimeError: made to fail by the test"]
    ds = xr.load_dataset(out / "sweep.nc")
    assert ds.finished.values.tolist() == [True, False]
    assert_same_values(ds.sel(region="jiangxi"), simulator.run(SCENARIOS / "jiangxi.yaml"))
    assert np.isnan(ds.sel(region="lingyuan").balance.values).all()
    rows = (out / "failed.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith("lingyuan,") and "made to fail" in rows[1]
    (kept,) = (out / "tasks").glob("*.nc")
    before = kept.stat()

    again = sweep(str(spec), "--scheduler", scheduler, "-o", str(out))
    assert again.exit_code == 1
    assert kept.stat().st_mtime_ns == before.st_mtime_ns and kept.stat().st_ino == before.st_ino


def test_resume_runs_only_what_is_missing(scheduler: str, tmp_path: Path) -> None:
    """Two runs; one task file removed: the next run runs that one only (the other file untouched)
    and the result is whole; when everything is done no cluster is needed (an unreachable scheduler)."""
    spec, out = _spec(tmp_path, "jiangxi", "lingyuan", extra="variables: [balance, contributors]\n"), tmp_path / "out"
    first = CliRunner().invoke(app, ["sweep", str(spec), "--scheduler", scheduler, "-o", str(out)])
    assert first.exit_code == 0, first.output
    whole = xr.load_dataset(out / "sweep.nc")
    assert set(whole.data_vars) == {"balance", "contributors", "finished", "scenario_sha256"}
    files = sorted((out / "tasks").glob("*.nc"))
    kept, removed = files
    stamp = kept.stat().st_mtime_ns
    removed.unlink()

    second = CliRunner().invoke(app, ["sweep", str(spec), "--scheduler", scheduler, "-o", str(out)])
    assert second.exit_code == 0, second.output
    assert "2 runs: 1 already done, 1 run now, 0 failed" in second.stdout
    assert kept.stat().st_mtime_ns == stamp and removed.is_file()
    resumed = xr.load_dataset(out / "sweep.nc")
    xr.testing.assert_equal(resumed, whole)

    third = CliRunner().invoke(app, ["sweep", str(spec), "--scheduler", "tcp://127.0.0.1:9", "-o", str(out)])
    assert third.exit_code == 0, third.output
    assert "2 runs: 2 already done, 0 run now" in third.stdout


def test_other_sweep_refused_then_force_starts_over(scheduler: str, tmp_path: Path) -> None:
    spec, out = _spec(tmp_path, "lingyuan", extra="variables: [balance]\n"), tmp_path / "out"
    assert sweep(str(spec), "--scheduler", scheduler, "-o", str(out)).exit_code == 0
    before = sorted(p.name for p in (out / "tasks").iterdir())
    other = _spec(tmp_path, "lingyuan", extra="variables: [contributors]\n")
    refused = sweep(str(other), "--scheduler", scheduler, "-o", str(out))
    assert refused.exit_code == 2
    assert refused.stderr.strip() == f"{out} holds another sweep (use --force to empty it and start over, or another -o)"
    assert sorted(p.name for p in (out / "tasks").iterdir()) == before
    forced = sweep(str(other), "--scheduler", scheduler, "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert set(xr.load_dataset(out / "sweep.nc").data_vars) == {"contributors", "finished", "scenario_sha256"}
    assert not set(p.name for p in (out / "tasks").iterdir()) & set(before)


def test_force_never_empties_a_folder_with_a_users_files(tmp_path: Path) -> None:
    """Class: `sim sweep SPEC -o own --force` emptied a folder of the user's files (and `-o .` the
    working folder). --force empties only a folder of sweep files; the sweep is refused before it runs."""
    own = tmp_path / "own"
    own.mkdir()
    (own / "notes.md").write_text("mine", encoding="utf-8")
    refused = sweep(str(_spec(tmp_path, "lingyuan")), "--workers", "1", "-o", str(own), "--force")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == f"{own}: --force empties only a sweep's folder, and this one holds notes.md (move them, or choose another -o)"
    assert (own / "notes.md").read_text(encoding="utf-8") == "mine" and sorted(p.name for p in own.iterdir()) == ["notes.md"]


def test_unreachable_scheduler_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", "1s")
    out = tmp_path / "out"
    result = sweep(str(_spec(tmp_path, "lingyuan")), "--scheduler", "tcp://127.0.0.1:9", "-o", str(out))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("tcp://127.0.0.1:9: cannot reach the scheduler")
    assert not out.exists()


def test_draw_blocks_equal_stochastic_runs_of_each_block(scheduler: str, tmp_path: Path) -> None:
    """Two blocks of 3 draws: block b of the sweep equals the stochastic run of its scenario with
    3 draws from block_seed(seed, b), every draw kept."""
    spec = _spec(tmp_path, "lingyuan", extra="draws: {seed: 11, per_block: 3, blocks: 2}\nvariables: [balance]\n")
    out = tmp_path / "out"
    result = sweep(str(spec), "--scheduler", scheduler, "-o", str(out))
    assert result.exit_code == 0, result.output
    ds = xr.load_dataset(out / "sweep.nc")
    assert ds.sizes["draw"] == 6 and ds.finished.values.all()
    scenario = load_scenario(SCENARIOS / "lingyuan.yaml")
    for block in range(2):
        want = stochastic(scenario, n_draws=3, seed=block_seed(11, block), keep_draws=True)["draws"].to_dataset()[["balance"]]
        got = ds.sel(region="lingyuan").isel(draw=slice(3 * block, 3 * block + 3))
        np.testing.assert_array_equal(got.balance.sel(year=want.year).transpose(*want.balance.dims).values, want.balance.values)
        assert (ds.seed.values[3 * block : 3 * block + 3] == block_seed(11, block)).all()
