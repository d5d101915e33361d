"""Write results: ``results.nc`` (xarray/NetCDF) and ``summary.csv`` (long form), atomically.

An output folder is never overwritten silently and never left half-written: the
files are written into a temporary sibling folder that replaces the target only
when everything is written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xarray as xr

SUMMARY_COLUMNS = ["region", "scheme", "year", "variable", "value", "unit"]


class OutputExists(Exception):
    """The output folder is not empty and ``force`` was not given."""


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """Long table of every variable with dims (scheme, year) or (year,); NaN rows dropped.

    Variables by year only are reported under scheme ``population``."""
    frames = []
    region = ds.attrs.get("region", "")
    for name, var in ds.data_vars.items():
        if set(var.dims) == {"scheme", "year"}:
            df = var.transpose("scheme", "year").to_dataframe(name="value").reset_index()[["scheme", "year", "value"]]
        elif var.dims == ("year",):
            df = var.to_dataframe(name="value").reset_index()[["year", "value"]]
            df.insert(0, "scheme", var.attrs.get("scheme", "population"))
        else:
            continue
        df["variable"] = name
        df["unit"] = var.attrs.get("units", "")
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    out.insert(0, "region", region)
    return out[SUMMARY_COLUMNS].sort_values(["scheme", "variable", "year"], kind="stable").reset_index(drop=True)


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


def write_results(ds: xr.Dataset, outdir: Path, force: bool = False) -> Path:
    """Write ``results.nc`` and ``summary.csv`` into ``outdir`` (atomically)."""

    def fill(tmp: Path) -> None:
        ds.to_netcdf(tmp / "results.nc", engine="netcdf4")
        summary_table(ds).to_csv(tmp / "summary.csv", index=False)

    return write_atomic_dir(outdir, force, fill)
