"""Label scheme indicators as an xarray Dataset with dims (scheme, year) and add the
horizon-wide measures: depletion year and actuarial balance."""

from __future__ import annotations

import numpy as np
import xarray as xr

Indicators = dict[str, tuple[np.ndarray, str, str]]  # name: (values[draw, year], units, long name)


def scheme_dataset(per_scheme: dict[str, Indicators], years: np.ndarray, draws: int) -> xr.Dataset:
    """One variable per indicator over (draw, scheme, year); NaN where a scheme lacks it.
    The draw dim is dropped for a deterministic run (one draw)."""
    schemes = list(per_scheme)
    names = list(dict.fromkeys(name for ind in per_scheme.values() for name in ind))
    variables = {}
    for name in names:
        values = np.full((draws, len(schemes), len(years)), np.nan)
        units = long = ""
        for i, ind in enumerate(per_scheme.values()):
            if name in ind:
                values[:, i], units, long = ind[name]
        attrs = {"units": units, "long_name": long}
        variables[name] = (("scheme", "year"), values[0], attrs) if draws == 1 else (("draw", "scheme", "year"), values, attrs)
    return xr.Dataset(variables, coords={"scheme": schemes, "year": years})


def depletion_year(balance: xr.DataArray) -> xr.DataArray:
    """First year whose year-end balance is negative (NaN if none)."""
    negative = balance < 0
    first = balance["year"].where(negative).min("year")
    return first.assign_attrs(units="year", long_name="first year with a negative fund balance")


def actuarial_balance(ds: xr.Dataset, discount: np.ndarray) -> xr.DataArray:
    """(balance at base year + PV(contributions + transfers in - expenditure)) / PV(wage bill),
    over the projected years, discounted at ``discount[year]`` (the fund return), as a share
    of the contributors' wage bill (contributors x average wage x base ratio); NaN for a scheme
    without a wage bill (the residents pension)."""
    years = ds["year"]
    factor = xr.DataArray(np.cumprod(1.0 / (1.0 + discount)), coords={"year": years})
    projected = years > years[0]
    income = (ds["contributions"] + ds["transfers_in"] - ds["expenditure"]).where(projected, 0.0)
    payroll = ds["wage_bill"].where(projected, 0.0)
    base = (payroll * factor).sum("year")
    value = (ds["balance"].isel(year=0) + (income * factor).sum("year")) / base.where(base > 0)
    return value.assign_attrs(units="1", long_name="actuarial balance over the horizon, share of the wage bill")
