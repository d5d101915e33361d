"""Headline table printed at the end of ``sim run`` (rich), in 万人 and 亿元 for reading."""

from __future__ import annotations

import numpy as np
import xarray as xr

HEADLINE = [
    # variable, label, divisor, format
    ("contributors", "contributors (万)", 1e4, "{:,.1f}"),
    ("retirees", "retirees / beneficiaries (万)", 1e4, "{:,.1f}"),
    ("dependency_ratio", "retirees per contributor", 1, "{:.3f}"),
    ("contributions", "contributions (亿元)", 1e8, "{:,.1f}"),
    ("expenditure", "expenditure (亿元)", 1e8, "{:,.1f}"),
    ("current_balance", "contributions - benefits (亿元)", 1e8, "{:,.1f}"),
    ("balance", "fund balance (亿元)", 1e8, "{:,.1f}"),
]


def headline_years(ds: xr.Dataset) -> list[int]:
    years = ds["year"].values
    picks = [years[0], 2020, 2025, 2030, 2035, 2050, years[-1]]
    return sorted({int(y) for y in picks if years[0] <= y <= years[-1]})


def print_headline(ds: xr.Dataset) -> None:
    from rich.console import Console
    from rich.table import Table

    years = headline_years(ds)
    console = Console()
    for scheme in ds["scheme"].values:
        table = Table(title=f"{ds.attrs.get('scenario', '')}: {scheme}", title_justify="left")
        table.add_column("")
        for y in years:
            table.add_column(str(y), justify="right")
        for name, label, divisor, fmt in HEADLINE:
            if name not in ds:
                continue
            values = ds[name].sel(scheme=scheme, year=years).values
            if np.isnan(values).all():
                continue
            table.add_row(label, *("" if np.isnan(v) else fmt.format(v / divisor) for v in values))
        depletion = float(ds["depletion_year"].sel(scheme=scheme)) if "depletion_year" in ds else np.nan
        table.caption = f"fund depleted in {int(depletion)}" if not np.isnan(depletion) else "fund not depleted by the horizon"
        console.print(table)
