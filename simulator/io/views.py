"""Views of a results Dataset for reading: up to a year (``--until``), money as nominal yuan, real yuan
or a share of the wage bill (``--money``), and the discount rate behind its present values, in words.

    shown = until(ds, 2050)                  # years to 2050; depletion after 2050 reads "not depleted by 2050"
    values, unit = money(ds, "balance", "employee_pension", "share", "en")   # % of the wage bill
    discount_text(ds, "en")                  # "discounted at the fund return, 2.50% a year"
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from simulator.io.text import words

MONEY = ("share", "nominal", "real")
YI = 1e8  # 亿


def until(ds: xr.Dataset, year: int | None) -> xr.Dataset:
    """``ds`` from the base year to ``year`` (None: to the horizon). A fund first depleted after ``year``
    reads as not depleted by then; the probabilities of depletion stop at ``year``; the actuarial
    balance stays the one over the whole projection (its years are named where it is shown)."""
    if year is None:
        return ds
    check_until(year, int(ds["year"][0]), int(ds["year"][-1]))
    out = ds.sel(year=slice(None, year))
    if "depletion_year" in out:
        out["depletion_year"] = out["depletion_year"].where(out["depletion_year"] <= year)
    out.attrs = dict(ds.attrs) | {"until": year}
    return out


def check_until(year: int | None, first: int, last: int) -> None:
    """ValueError unless ``year`` is None or after the base year ``first`` and at most the horizon ``last``."""
    if year is not None and not first < year <= last:
        raise ValueError(f"--until {year}: expected a year after the base year {first}, at most the horizon {last}")


def money(ds: xr.Dataset, name: str, scheme: str, mode: str, lang: str) -> tuple[xr.DataArray | None, str]:
    """``name`` of ``scheme`` (the median of a stochastic run) in the unit of ``mode`` and that unit's
    label: ``share`` percent of the wage bill (``NAME_to_wage_bill``), ``nominal`` 亿元, ``real`` 亿元 at
    the prices of the price index's reference year. None when the scheme lacks it."""
    from simulator.io.tables import central, scheme_values

    if mode not in MONEY:
        raise ValueError(f"money {mode!r} (expected one of {', '.join(MONEY)})")
    w = words(lang)
    if mode == "share":
        values = scheme_values(ds, f"{name}_to_wage_bill", scheme)
        return (None if values is None else values * 100.0), w["share"]
    values = scheme_values(ds, name, scheme)
    if values is None or mode == "nominal":
        return (None if values is None else values / YI), w["yi"]
    prices = central(ds["price_index"])
    return values / prices / YI, w["real"].format(year=ds["price_index"].attrs.get("reference_year", ""))


def discount_text(ds: xr.Dataset, lang: str) -> str:
    """The discount rate of the run's present values and actuarial balances, in words: the fund return,
    one rate or its range over the projected years; in a stochastic run each draw's own."""
    from simulator.io.tables import central

    w = words(lang)
    if "fund_return" not in ds:
        return w["discount_fixed"].replace("{rate:.2%}", "?")
    rate = central(ds["fund_return"]).values[1:]
    if "quantile" in ds["fund_return"].dims or "draw" in ds["fund_return"].dims:
        return w["discount_draws"].format(rate=_rate_words(rate, lang))
    if np.ptp(rate) < 1e-12:
        return w["discount_fixed"].format(rate=float(rate[0]))
    return w["discount_path"].format(low=float(rate.min()), high=float(rate.max()), mean=float(rate.mean()))


def _rate_words(rate: np.ndarray, lang: str) -> str:
    if np.ptp(rate) < 1e-12:
        return f"{float(rate[0]):.2%}" + (" a year" if lang != "zh" else "")
    return f"{float(rate.min()):.2%}-{float(rate.max()):.2%}"
