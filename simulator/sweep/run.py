"""The sweep driver: plan, skip finished tasks, run the others on dask.distributed, combine.

The output folder (``-o DIR``) holds::

    sweep.json     which sweep the folder belongs to (its name, file and sha256)
    tasks/KEY.nc   one finished task each, written atomically, named by the task's key
    sweep.nc       the combined Dataset (rewritten at the end of every run of the sweep)
    failed.csv     the tasks that failed in the last run, one row each (absent when none did)

A folder that holds another sweep is refused unless ``force`` (which empties it first); a folder
that holds anything else is always refused, so that ``--force`` never deletes a user's files. Running the same sweep into its folder again reuses every task file whose
key (inputs and simulator version) still matches and runs only the rest.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.io.progress import progress
from simulator.io.writers import OutputExists, atomic_file, write_netcdf
from simulator.sweep.cluster import ClusterError, connect, mismatched_workers
from simulator.sweep.plan import Plan, plan
from simulator.sweep.task import Task, execute
from simulator.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

SWEEP_FILE, MANIFEST, TASKS, FAILED = "sweep.nc", "sweep.json", "tasks", "failed.csv"


@dataclass(frozen=True)
class Failure:
    task: Task
    error: str

    def line(self) -> str:
        return f"{self.task.describe()}: {self.error}"


@dataclass
class Outcome:
    path: Path  # sweep.nc
    dataset: xr.Dataset
    tasks: int  # distinct runs
    reused: int  # found finished in the folder
    ran: int  # finished now
    failed: list[Failure] = field(default_factory=list)


def run_sweep(
    spec: str | os.PathLike[str],
    outdir: str | os.PathLike[str] | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    quiet: bool = True,
) -> Outcome:
    """Run the sweep file ``spec`` into ``outdir`` (default ``results/sweeps/NAME``).

    Raises ScenarioError (a bad sweep or scenario file), OutputExists (the folder is not this
    sweep's) and ClusterError (no scheduler, mismatched workers), each with a one-line message,
    before any task runs. A task that fails is reported in ``Outcome.failed``; the others are kept."""
    the_plan = plan(spec)
    folder = SweepFolder(Path(outdir) if outdir else Path("results") / "sweeps" / the_plan.spec.name, the_plan)
    folder.check(force)
    groups: dict[str, list[Task]] = {}
    for task in the_plan.tasks:
        groups.setdefault(task.key, []).append(task)
    results = {key: ds for key in groups if (ds := folder.read_task(key)) is not None}
    reused = len(results)
    todo = [tasks[0] for key, tasks in groups.items() if key not in results]
    failed: list[Failure] = []
    with progress(f"sweep {the_plan.spec.name}", total=len(groups), quiet=quiet) as bar:
        bar.advance(steps=reused)
        if todo:
            with connect(workers, scheduler, len(todo)) as client:
                bad = mismatched_workers(client)
                if bad:
                    raise ClusterError(f"workers differ from this machine: {'; '.join(bad)} (see docs/sweep.md, What each worker needs)")
                _run_tasks(client, todo, folder, results, failed, bar.advance)
    dataset = _combine(the_plan, results)
    folder.ensure()
    with atomic_file(folder.path / SWEEP_FILE, force=True) as tmp:
        write_netcdf(dataset, tmp)
    folder.write_failed(failed)
    return Outcome(folder.path / SWEEP_FILE, dataset, len(groups), reused, len(results) - reused, failed)


def _combine(the_plan: Plan, results: dict) -> xr.Dataset:
    from simulator.sweep.combine import combine

    return combine(the_plan, results)


def _run_tasks(client, todo: list[Task], folder: SweepFolder, results: dict, failed: list[Failure], advance: Callable) -> None:
    """Submit every task, then take each as it finishes: write its file, or note its failure."""
    from distributed import as_completed

    futures = {client.submit(execute, task, key=f"simulator-sweep-{task.key}", pure=False): task for task in todo}
    try:
        for future in as_completed(futures):
            task = futures[future]
            if future.status == "finished":
                version, ds = future.result()
                if version != __version__:
                    failed.append(Failure(task, f"the worker runs simulator {version} (expected {__version__})"))
                else:
                    results[task.key] = folder.write_task(task, ds)
            else:
                failed.append(Failure(task, _one_line(future.exception())))
            future.release()
            advance()
    finally:
        client.cancel([f for f in futures if not f.done()])


def _one_line(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _sweep_entry(name: str) -> bool:
    """A name a sweep writes in its folder, or a temporary file of one (left by a killed run)."""
    return name in (SWEEP_FILE, MANIFEST, TASKS, FAILED) or name.startswith((".sweep.", ".failed."))


class SweepFolder:
    """The output folder of one sweep (see the module docstring)."""

    def __init__(self, path: Path, the_plan: Plan) -> None:
        self.path, self.plan = path, the_plan

    def check(self, force: bool) -> None:
        """Refuse a folder that is not empty and not this sweep's, unless ``force`` (then empty it)."""
        path = self.path
        if path.exists() and not path.is_dir():
            raise OutputExists(f"{path} exists and is not a folder")
        if not path.is_dir() or not any(path.iterdir()) or self._mine():
            return
        foreign = sorted(p.name for p in path.iterdir() if not _sweep_entry(p.name))
        if not force:
            what = "another sweep" if (path / MANIFEST).is_file() else "files of no sweep"
            raise OutputExists(f"{path} holds {what} (use --force to empty it and start over, or another -o)")
        if foreign or path.resolve() == Path.cwd().resolve():
            held = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "") if foreign else "the working folder"
            raise OutputExists(f"{path}: --force empties only a sweep's folder, and this one holds {held} (move them, or choose another -o)")
        shutil.rmtree(path)

    def _mine(self) -> bool:
        try:
            manifest = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(manifest, dict) and manifest.get("sweep_sha256") == self.plan.sha256

    def ensure(self) -> None:
        """Create the folder and its manifest (once)."""
        if (self.path / MANIFEST).is_file():
            return
        (self.path / TASKS).mkdir(parents=True, exist_ok=True)
        spec = self.plan.spec
        manifest = {"sweep": spec.name, "sweep_file": str(self.plan.file), "sweep_sha256": self.plan.sha256}
        with atomic_file(self.path / MANIFEST, force=True) as tmp:
            tmp.write_text(json.dumps(manifest | {"simulator_version": __version__}, indent=2) + "\n", encoding="utf-8")

    def task_path(self, key: str) -> Path:
        return self.path / TASKS / f"{key}.nc"

    def read_task(self, key: str) -> xr.Dataset | None:
        """The finished task ``key``, or None (absent, unreadable or not that task: run it again)."""
        path = self.task_path(key)
        if not path.is_file():
            return None
        import xarray as xr

        try:
            ds = xr.load_dataset(path, engine="netcdf4")
        except Exception:  # noqa: BLE001 - an unreadable file is a task to run again
            return None
        return ds if ds.attrs.get("task_key") == key else None

    def write_task(self, task: Task, ds: xr.Dataset) -> xr.Dataset:
        """Write one finished task atomically, with the provenance of ``sim run`` and the task's inputs."""
        from simulator.model.projection import provenance

        ds.attrs = provenance(task.scenario, task.source, task.fitted) | {
            "task_key": task.key,
            "sweep_task": task.describe(),
            "changes": json.dumps(dict(task.changes), default=str, ensure_ascii=False),
        }
        if task.block is not None:
            ds.attrs |= {"block": task.block, "seed": str(task.seed), "draws": task.draws}
        self.ensure()
        with atomic_file(self.task_path(task.key), force=True) as tmp:
            write_netcdf(ds, tmp)
        return ds

    def write_failed(self, failed: list[Failure]) -> None:
        """``failed.csv``: the task's inputs and its error, one row per failed task; removed when none failed."""
        path = self.path / FAILED
        if not failed:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return
        axes = [axis.name for axis in self.plan.axes]
        with atomic_file(path, force=True) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*axes, "block", "seed", "scenario_file", "changes", "task_key", "error"])
            for f in failed:
                labels = dict(f.task.coords)
                changes = json.dumps(dict(f.task.changes), default=str, ensure_ascii=False)
                writer.writerow([*(labels.get(a, "") for a in axes), f.task.block, f.task.seed, f.task.source, changes, f.task.key, f.error])
