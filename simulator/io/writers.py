"""Write and read results: ``results.nc`` (xarray/NetCDF) and the summary table (long form), atomically.

An output folder is never overwritten silently and never left half-written: it is
claimed exclusively and filled in a temporary sibling folder that takes its place only
when everything is written (:mod:`simulator.io.outdir`, :func:`write_atomic_dir`); a single
file is written beside its target and moved into place (:func:`atomic_file`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import xarray as xr

from simulator.dims import COORD_ATTRS
from simulator.errors import shorten
from simulator.files import FileProblem, check_regular_file, reason
from simulator.io.outdir import OutputError, OutputExists, OutputFolder

SUMMARY_COLUMNS = ["region", "scheme", "year", "variable", "value", "unit"]
SUMMARY_FORMATS = ("csv", "parquet")
RESULTS_FILE = "results.nc"


__all__ = ["OutputError", "OutputExists", "OutputFolder", "ResultsError", "atomic_file", "fill_results",
           "read_results", "write_atomic_dir", "write_results"]
REQUIRED_VARIABLES = ("population", "contributors", "balance", "revenue", "expenditure")
"""Variables every results file of ``sim run`` has; plots, reports and comparisons read them."""


class ResultsError(ValueError):
    """A path that is not a readable results folder or ``results.nc``; the message is one line."""


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """Long table of every variable with dims (scheme, year) or (year,): one row per year from the
    base year to the horizon for each scheme-variable pair that has a value in some year (a flow
    not projected in the base year keeps its row, empty); pairs that are NaN in every year are
    left out. Variables by year only are reported under their ``scheme`` attribute, else
    ``population``. Results of a stochastic run (a ``quantile`` dim) get a ``quantile`` column: one
    row per percentile, empty for the depletion probabilities (one value over the draws)."""
    frames = []
    region = ds.attrs.get("region", "")
    stochastic = "quantile" in ds.dims
    columns = SUMMARY_COLUMNS[:4] + ["quantile"] + SUMMARY_COLUMNS[4:] if stochastic else SUMMARY_COLUMNS
    for name, var in ds.data_vars.items():
        rest = set(var.dims) - {"quantile"}
        if rest == {"scheme", "year"}:
            df = var.to_dataframe(name="value").reset_index()
        elif rest == {"year"}:
            df = var.to_dataframe(name="value").reset_index()
            df.insert(0, "scheme", var.attrs.get("scheme", "population"))
        else:
            continue
        if stochastic and "quantile" not in df:
            df["quantile"] = float("nan")
        df = df[[c for c in ("scheme", "year", "quantile", "value") if c in df]]
        df = df[df.groupby("scheme")["value"].transform(lambda v: v.notna().any())]
        df["variable"] = name
        df["unit"] = var.attrs.get("units", "")
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "region", region)
    order = ["scheme", "variable", "quantile", "year"] if stochastic else ["scheme", "variable", "year"]
    return out[columns].sort_values(order, kind="stable").reset_index(drop=True)


def write_summary(ds: xr.Dataset, folder: Path, fmt: str = "csv") -> Path:
    """``summary.csv`` or ``summary.parquet`` (needs pyarrow) in ``folder``."""
    if fmt not in SUMMARY_FORMATS:
        raise ValueError(f"summary format {fmt!r} (expected one of {', '.join(SUMMARY_FORMATS)})")
    table = summary_table(ds)
    path = Path(folder) / f"summary.{fmt}"
    if fmt == "csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return path


def write_netcdf(ds: xr.Dataset, path: Path, group: str | None = None) -> Path:
    """NetCDF-4 with compressed variables and units on the coordinates; ``group``: into that group of
    an existing file."""
    ds = ds.copy(deep=False)
    for name, attrs in COORD_ATTRS.items():
        if name in ds.coords:
            ds[name].attrs = {**attrs, **ds[name].attrs}
    encoding = {name: {"zlib": True, "complevel": 4} for name, var in ds.data_vars.items() if var.dtype.kind == "f"}
    ds.to_netcdf(path, engine="netcdf4", encoding=encoding, group=group, mode="a" if group else "w")
    return Path(path)


def write_atomic_dir(outdir: Path, force: bool, fill: Callable[[Path], None], written_by: str = "sim") -> Path:
    """Claim ``outdir``, call ``fill(tmpdir)`` and put ``tmpdir`` in its place (see
    :mod:`simulator.io.outdir`); refuse a non-empty ``outdir`` unless ``force``, and even then
    one that holds files the tool did not write. On any error nothing changes at ``outdir``."""
    with OutputFolder(outdir, force, written_by) as folder:
        return folder.write(fill)


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix) and move it to ``path`` when the block
    succeeds; an existing ``path`` is refused unless ``force`` (and always when it is not a regular
    file). Without ``force`` the move fails if ``path`` appeared meanwhile. On error nothing is left."""
    path = Path(path)
    shown = shorten(str(path), 200)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as exc:
        raise OutputError(f"{shown}: cannot write here ({reason(exc)})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputExists(f"{shown} is a folder (expected a file name)")
        if not stat.S_ISREG(info.st_mode):
            raise OutputExists(f"{shown} exists and is not a regular file (expected a new file name)")
        if not force:
            raise OutputExists(f"{shown} exists (use --force to replace it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.stem[:100]}.", suffix=path.suffix[:20], dir=path.parent)
        os.close(fd)
    except (OSError, ValueError) as exc:
        raise OutputError(f"{shown}: cannot write here ({reason(exc)})") from None
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o666 & ~_umask())
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if path appeared meanwhile: never replace silently
    except FileExistsError:
        raise OutputExists(f"{shown} appeared while this command was writing it (use --force to replace it)") from None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write ({reason(exc)})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fill_results(
    ds: xr.Dataset, summary_format: str = "csv", extra: Callable[[Path], None] | None = None, draws: xr.Dataset | None = None
) -> Callable[[Path], None]:
    """The function that writes ``results.nc`` (with every draw of a stochastic run, ``draws``, in its
    group ``draws``), the summary and then ``extra(folder)`` (e.g. plots) into an output folder (for
    :meth:`OutputFolder.write`)."""

    def fill(folder: Path) -> None:
        write_netcdf(ds, folder / RESULTS_FILE)
        if draws is not None:
            write_netcdf(draws, folder / RESULTS_FILE, group="draws")
        write_summary(ds, folder, summary_format)
        if extra is not None:
            extra(folder)

    return fill


def write_results(
    ds: xr.Dataset,
    outdir: Path,
    force: bool = False,
    summary_format: str = "csv",
    extra: Callable[[Path], None] | None = None,
    draws: xr.Dataset | None = None,
) -> Path:
    """Write ``results.nc`` and the summary (``summary.csv`` or ``summary.parquet``) into ``outdir``,
    then ``extra(folder)`` (e.g. plots), all atomically. ``draws`` (every draw of a stochastic run)
    goes into the group ``draws`` of ``results.nc``."""
    return write_atomic_dir(outdir, force, fill_results(ds, summary_format, extra, draws), "sim run")


def read_results(path: Path) -> xr.Dataset:
    """Load the results of a run from its folder or its ``results.nc`` (into memory, file closed).
    Raises :class:`ResultsError` with a one-line message for anything that is not."""
    path = Path(path)
    shown = shorten(str(path), 200)
    try:
        is_dir = path.is_dir()
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{shown}: cannot read ({reason(exc)})") from None
    file = path / RESULTS_FILE if is_dir else path
    try:
        check_regular_file(file)
    except FileProblem as exc:
        if str(exc) == "file not found":
            what = f"not a results folder (no {RESULTS_FILE}; make one with `sim run`)" if is_dir else "no such results folder or file"
            raise ResultsError(f"{shown}: {what}") from None
        raise ResultsError(f"{shorten(str(file), 200)}: {exc} (expected a results folder or its {RESULTS_FILE})") from None
    try:
        ds = xr.load_dataset(file, engine="netcdf4")
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input here
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ResultsError(f"{shorten(str(file), 200)}: cannot read as NetCDF ({shorten(why, 120)})") from None
    missing = [k for k in ("scenario", "base_year", "horizon") if k not in ds.attrs]
    if missing or "year" not in ds.dims or "scheme" not in ds.dims:
        ds.close()
        raise ResultsError(
            f"{shorten(str(file), 200)}: not simulator results (expected dims year, scheme and attrs scenario, base_year, horizon)"
        )
    absent = [v for v in REQUIRED_VARIABLES if v not in ds]
    if absent:
        raise ResultsError(f"{shorten(str(file), 200)}: incomplete results, no {', '.join(absent)} (expected the output of sim run)")
    return ds
