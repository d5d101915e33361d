"""Plots drawn in worker processes while the caller goes on with its other work (writing results.nc and
the summary, printing the tables): ``sim run`` starts the workers before it projects, so that they
import matplotlib meanwhile, then hands them the results.

    painter = Painter()                       # forks the workers now (Linux); elsewhere draws in-process
    painter.submit(ds, ["fund_gap", "pyramid"], lang="zh", money="share")
    ...                                       # other work
    pngs = painter.collect()                  # {kind: PNG bytes}, in the order submitted
    painter.warnings                          # e.g. {"no CJK font: the plots are drawn in English"}
    painter.close()

The workers are forked from the calling process (no re-import of the package) before it starts any
thread; a plot that fails raises in :meth:`Painter.collect`, as drawing it in-process would.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ProcessPoolExecutor

import xarray as xr

WORKERS = 2  # this machine's cores; more workers would only queue
COST = ("fund_gap", "fan_balance", "enrolment", "fan_dependency", "pyramid", "dependency")  # slowest first


def _warm_up() -> None:
    """Import matplotlib and pyplot (a third of a plot's time) before any plot is asked for."""
    from simulator.io.plots import _pyplot

    _pyplot()


def _draw(kind: str, ds: xr.Dataset, lang: str, money: str) -> tuple[bytes, str | None]:
    """One plot as PNG bytes, and the warning of :func:`simulator.io.plots.plot_lang` (or None)."""
    from simulator.io.plots import plot_lang, png_bytes

    drawn, warning = plot_lang(lang)
    return png_bytes(kind, ds, drawn, money=money), warning


class Painter:
    """Draws plots in ``workers`` forked processes (on Linux; elsewhere, or with ``workers`` 0, in this
    process when collected)."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[str, Future | tuple] = {}
        self._order: list[str] = []
        self.warnings: list[str] = []
        if workers > 0 and sys.platform.startswith("linux"):
            import multiprocessing

            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            for _ in range(workers):
                self._pool.submit(_warm_up)

    def submit(self, ds: xr.Dataset, kinds: list[str], lang: str, money: str = "share") -> None:
        """Ask for the plots ``kinds`` of ``ds`` in ``lang`` (auto, en, zh; Chinese without a CJK font is
        drawn in English and noted in :attr:`warnings`), the slowest first."""
        for kind in sorted(kinds, key=lambda k: COST.index(k) if k in COST else len(COST)):
            if self._pool is not None:
                self._jobs[kind] = self._pool.submit(_draw, kind, ds, lang, money)
            else:
                self._jobs[kind] = (kind, ds, lang, money)
        self._order = list(kinds)

    def collect(self) -> dict[str, bytes]:
        """The PNG bytes of every plot asked for, in the order of :meth:`submit`'s ``kinds``."""
        done = {kind: job.result() if isinstance(job, Future) else _draw(*job) for kind, job in self._jobs.items()}
        self.warnings = sorted({warning for _, warning in done.values() if warning})
        return {kind: done[kind][0] for kind in self._order}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, *_) -> None:
        self.close()
