"""Shared inputs of the output tests (writers, plots, report, compare): shipped scenarios run once
per session, a made-up second scheme, and checks of images and of one-line errors."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import xarray as xr

import simulator
from tests.conftest import SCENARIOS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@cache
def _run(name: str) -> xr.Dataset:
    path = SCENARIOS / f"{name}.yaml"
    return simulator.run(path)  # what `sim run` writes


def results(name: str = "jiangxi") -> xr.Dataset:
    """The results of ``scenarios/NAME.yaml`` as ``sim run`` writes them (a copy)."""
    return _run(name).copy()


def with_extra_scheme(ds: xr.Dataset, name: str = "test_scheme") -> xr.Dataset:
    """``ds`` plus a made-up scheme that has beneficiaries instead of retirees (as the residents
    pension, unemployment and work-injury schemes do), for code that must be generic over schemes."""
    first = ds.isel(scheme=[0])
    extra = first.where(False).assign_coords(scheme=[name])  # every scheme variable NaN
    for var in (
        "contributors",
        "contributions",
        "benefits",
        "expenditure",
        "current_balance",
        "balance",
        "dependency_ratio",
    ):
        extra[var] = first[var].assign_coords(scheme=[name]) * 0.3
    extra["beneficiaries"] = first["retirees"].assign_coords(scheme=[name]) * 0.2
    extra["depletion_year"] = xr.DataArray([np.nan], dims="scheme", coords={"scheme": [name]})
    scheme_vars = [v for v in ds.data_vars if "scheme" in ds[v].dims]
    merged = xr.concat(
        [ds[scheme_vars], extra[[*scheme_vars, "beneficiaries"]]], dim="scheme", data_vars="all", join="outer"
    )
    out = ds.drop_vars(scheme_vars).drop_dims("scheme", errors="ignore").merge(merged)
    out["beneficiaries"].attrs = {"units": "persons", "long_name": "beneficiaries at year end"}
    for var in scheme_vars:
        out[var].attrs = ds[var].attrs
    out.attrs = dict(ds.attrs)
    return out


def image(data: bytes | Path) -> np.ndarray:
    """A PNG as an array of pixels (rows, columns, channels), values 0..1."""
    import matplotlib.image

    raw = data.read_bytes() if isinstance(data, Path) else data
    assert raw[:8] == PNG_SIGNATURE, "not a PNG"
    return matplotlib.image.imread(io.BytesIO(raw), format="png")


def assert_drawn(data: bytes | Path, min_bytes: int = 10_000) -> np.ndarray:
    """A real plot: a PNG of some size whose pixels are not all the same."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    assert len(raw) > min_bytes, f"PNG of {len(raw)} bytes"
    pixels = image(raw)
    assert pixels.shape[0] > 200 and pixels.shape[1] > 200
    assert float(pixels[..., :3].std()) > 0.02, "uniform image"
    return pixels


def one_line_error(result) -> str:
    """Exit code 2 and exactly one line on stderr, nothing on stdout; return the line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == "", result.stdout
    return lines[0]
