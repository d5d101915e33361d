"""Where the tasks run: a LocalCluster on this machine, or an existing dask.distributed cluster.

Local: ``workers`` processes with one thread each, listening on 127.0.0.1 only, no dashboard;
each worker's numba uses its share of this machine's cores. Remote: a scheduler address
(``tcp://host:8786``) or a scheduler file (``dask scheduler --scheduler-file``, dask-jobqueue,
dask-mpi). Every worker must run the same simulator version (and Python minor version) as
this machine: :func:`mismatched_workers` names those that do not.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

CONNECT_TIMEOUT = "15s"


class ClusterError(Exception):
    """The scheduler cannot be reached, or its workers do not match this machine (one line)."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def connect(workers: int | None = None, scheduler: str | None = None, tasks: int = 1) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (an address or a scheduler file), else of a
    LocalCluster of ``workers`` processes (default: the cores, at most one per task)."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        kwargs = {"scheduler_file": scheduler} if Path(scheduler).is_file() else {"address": scheduler}
        try:
            client = Client(**kwargs, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ClusterError(f"{scheduler}: cannot reach the scheduler ({reason})") from None
        with client:
            yield client
        return
    n = workers or max(1, min(cores(), tasks))
    with LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
        env={"NUMBA_NUM_THREADS": str(max(1, cores() // n))},
    ) as cluster, Client(cluster) as client:
        yield client


def mismatched_workers(client: Client) -> list[str]:
    """One line per worker whose simulator or Python version differs from this machine's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("simulator")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return []
    python = "%d.%d" % sys.version_info[:2]
    found = client.get_versions(packages=["simulator"])["workers"]
    return describe_mismatches(mine, python, {w: (info or {}).get("packages", {}) for w, info in found.items()})


def describe_mismatches(mine: str, python: str, workers: dict[str, dict[str, str | None]]) -> list[str]:
    """``workers``: address -> package versions as ``client.get_versions`` reports them."""
    out = []
    for address, packages in sorted(workers.items()):
        theirs = packages.get("simulator")
        their_python = ".".join(str(packages.get("python", "")).split(".")[:2])
        if theirs is None:
            out.append(f"{address}: simulator is not installed (expected simulator {mine})")
        elif theirs != mine:
            out.append(f"{address}: runs simulator {theirs} (expected {mine}, the version here)")
        elif their_python != python:
            out.append(f"{address}: runs Python {their_python} (expected {python}, as here)")
    return out
