"""Many runs at once on dask.distributed: ``sim sweep SPEC.yaml``.

    spec.py     the sweep file: a strict schema, one-line errors (file:LINE: key.path: message)
    plan.py     the sweep file expanded into tasks: one scenario (validated) per task, its axes
    task.py     what a worker runs for one task, and the key that names its result
    cluster.py  a LocalCluster on this machine or an existing scheduler; the workers' versions
    combine.py  the tasks' results as one Dataset with a dimension per swept axis
    run.py      the driver: the output folder, skipping finished tasks, failures, the progress bar

Nothing heavy is imported here: dask, numba and xarray load when a sweep runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from simulator.sweep.run import Outcome


def run_sweep(*args: Any, **kwargs: Any) -> Outcome:
    """Run a sweep file; see :func:`simulator.sweep.run.run_sweep`."""
    from simulator.sweep.run import run_sweep as _run

    return _run(*args, **kwargs)


__all__ = ["run_sweep"]
