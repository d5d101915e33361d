"""Label the model's arrays with the vocabulary: a scheme's variables as an ``xarray.Dataset`` over
(draw, year), the schemes side by side over (draw, scheme, year), units and descriptions from the
registry (:mod:`simulator.variables`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from simulator.dims import DRAW, SCHEME, YEAR
from simulator.variables import attrs


def with_base(projected: np.ndarray, base: float | np.ndarray = np.nan) -> np.ndarray:
    """[D, T] projected values -> [D, 1 + T] with ``base`` (scalar or [D]) in front: the base year."""
    head = np.broadcast_to(np.asarray(base, dtype=float), projected.shape[:1])[:, None]
    return np.concatenate([head, projected], axis=1)


def scheme_dataset(scheme: str, years: np.ndarray, values: Mapping[str, np.ndarray], draws: int) -> xr.Dataset:
    """One scheme's variables ``name: [D or 1, Y]`` (base year first) as a Dataset over (draw, year)."""
    data = {
        name: ((DRAW, YEAR), np.broadcast_to(v, (draws, len(years))), attrs(name, (scheme,)))
        for name, v in values.items()
    }
    return xr.Dataset(data, coords={DRAW: np.arange(draws), YEAR: years}, attrs={"scheme": scheme})


def schemes_side_by_side(datasets: Mapping[str, xr.Dataset]) -> xr.Dataset:
    """The schemes' Datasets over (draw, scheme, year); NaN where a scheme lacks a variable. Variables
    over (draw,) only (the horizon measures) become (draw, scheme)."""
    schemes = list(datasets)
    first = next(iter(datasets.values()))
    years, draws = first[YEAR].values, first.sizes[DRAW]
    names = list(dict.fromkeys(name for ds in datasets.values() for name in ds.data_vars))
    variables = {}
    for name in names:
        having = [s for s in schemes if name in datasets[s]]
        dims = datasets[having[0]].variables[name].dims
        shape = (draws, len(schemes)) + ((len(years),) if YEAR in dims else ())
        values = np.full(shape, np.nan)
        for i, s in enumerate(schemes):
            if name in datasets[s]:
                values[:, i] = datasets[s].variables[name].transpose(*dims).values
        out_dims = (DRAW, SCHEME) + ((YEAR,) if YEAR in dims else ())
        variables[name] = (out_dims, values, attrs(name, tuple(having)))
    return xr.Dataset(variables, coords={DRAW: np.arange(draws), SCHEME: schemes, YEAR: years})
