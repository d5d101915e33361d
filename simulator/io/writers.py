"""Write and read results: ``results.nc`` (xarray/NetCDF) and the summary table (long form), atomically.

An output folder is never overwritten silently and never left half-written: the
files are written into a temporary sibling folder that replaces the target only
when everything is written (:func:`write_atomic_dir`); a single file is written
beside its target and renamed into place (:func:`atomic_file`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from simulator.dims import COORD_ATTRS

SUMMARY_COLUMNS = ["region", "scheme", "year", "variable", "value", "unit"]
SUMMARY_FORMATS = ("csv", "parquet")
RESULTS_FILE = "results.nc"


class OutputExists(Exception):
    """The output folder is not empty and ``force`` was not given."""


class ResultsError(ValueError):
    """A path that is not a readable results folder or ``results.nc``; the message is one line."""


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """Long table of every variable with dims (scheme, year) or (year,): one row per year from the
    base year to the horizon for each scheme-variable pair that has a value in some year (a flow
    not projected in the base year keeps its row, empty); pairs that are NaN in every year are
    left out. Variables by year only are reported under their ``scheme`` attribute, else
    ``population``. Results of a stochastic run (a ``quantile`` dim) get a ``quantile`` column: one
    row per percentile, empty for the depletion probabilities (one value over the draws)."""
    region = ds.attrs.get("region", "")
    stochastic = "quantile" in ds.dims
    columns = SUMMARY_COLUMNS[:4] + ["quantile"] + SUMMARY_COLUMNS[4:] if stochastic else SUMMARY_COLUMNS
    parts: dict[str, list] = {c: [] for c in ("scheme", "year", "quantile", "value", "variable", "unit")}
    for name, var in ds.data_vars.items():
        rest = set(var.dims) - {"quantile"}
        if rest not in ({"scheme", "year"}, {"year"}):
            continue
        by_scheme = "scheme" in var.dims
        order = [d for d in ("scheme", "quantile", "year") if d in var.dims]
        values = var.transpose(*order).values  # (scheme, [quantile,] year)
        if not by_scheme:
            values = values[None]
        schemes = var["scheme"].values.astype(str) if by_scheme else np.array([var.attrs.get("scheme", "population")])
        keep = ~np.isnan(values).reshape(len(schemes), -1).all(axis=1)  # a scheme with no value in any year: left out
        values, schemes = values[keep], schemes[keep]
        quantiles = var["quantile"].values if "quantile" in var.dims else np.array([np.nan])
        shape = (len(schemes), len(quantiles), len(var["year"]))
        parts["scheme"].append(np.broadcast_to(schemes[:, None, None], shape).ravel())
        parts["quantile"].append(np.broadcast_to(quantiles[None, :, None], shape).ravel())
        parts["year"].append(np.broadcast_to(var["year"].values[None, None, :], shape).ravel())
        parts["value"].append(values.reshape(shape).ravel())
        parts["variable"].append(np.full(values.size, name, dtype=object))
        parts["unit"].append(np.full(values.size, var.attrs.get("units", ""), dtype=object))
    if not parts["value"]:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})
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


def write_atomic_dir(outdir: Path, force: bool, fill: Callable[[Path], None]) -> Path:
    """Call ``fill(tmpdir)`` then move ``tmpdir`` to ``outdir``; refuse a non-empty ``outdir``
    unless ``force``. On any error nothing is left at ``outdir`` that was not there before."""
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise OutputExists(f"{outdir} exists and is not a folder")
    if outdir.is_dir() and any(outdir.iterdir()) and not force:
        raise OutputExists(f"{outdir} is not empty (use --force to replace it)")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output is an ordinary folder
    try:
        fill(tmp)
        if outdir.exists():
            old = outdir.with_name(f".{outdir.name}.old-{tmp.name[-8:]}")
            outdir.rename(old)
            tmp.rename(outdir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(outdir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return outdir


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix) and rename it to ``path`` when the
    block succeeds; an existing ``path`` is refused unless ``force``. On error nothing is left."""
    path = Path(path)
    if path.is_dir():
        raise OutputExists(f"{path} is a folder")
    if path.exists() and not force:
        raise OutputExists(f"{path} exists (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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

    def fill(tmp: Path) -> None:
        write_netcdf(ds, tmp / RESULTS_FILE)
        if draws is not None:
            write_netcdf(draws, tmp / RESULTS_FILE, group="draws")
        write_summary(ds, tmp, summary_format)
        if extra is not None:
            extra(tmp)

    return write_atomic_dir(outdir, force, fill)


def read_results(path: Path) -> xr.Dataset:
    """Load the results of a run from its folder or its ``results.nc`` (into memory, file closed).
    Raises :class:`ResultsError` with a one-line message for anything that is not."""
    path = Path(path)
    file = path / RESULTS_FILE if path.is_dir() else path
    if not path.exists():
        raise ResultsError(f"{path}: no such results folder or file")
    if not file.is_file():
        raise ResultsError(f"{path}: not a results folder (no {RESULTS_FILE}; make one with `sim run`)")
    try:
        ds = xr.load_dataset(file, engine="netcdf4")
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input here
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ResultsError(f"{file}: cannot read as NetCDF ({reason})") from None
    missing = [k for k in ("scenario", "base_year", "horizon") if k not in ds.attrs]
    if missing or "year" not in ds.dims or "scheme" not in ds.dims:
        ds.close()
        raise ResultsError(
            f"{file}: not simulator results (expected dims year, scheme and attrs scenario, base_year, horizon)"
        )
    return ds
