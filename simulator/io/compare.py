"""Scenarios side by side: key indicators per scheme in one table (``compare.csv``) and the fund-gap
trajectories overlaid (``compare_fund_gap.png``) — e.g. what the retirement reform buys.

    datasets = {"jiangxi": ds_a, "jiangxi_pre_reform": ds_b}
    table = compare_table(datasets)     # one row per scheme x indicator x year, one column per scenario
    write_compare(datasets, Path("results/compare"), force=False, lang="auto")
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from simulator.io.tables import fmt_number, scheme_values

if TYPE_CHECKING:  # pragma: no cover
    from rich.table import Table

YEARS = (2030, 2035, 2050)
TABLE_FILE, PLOT_FILE = "compare.csv", "compare_fund_gap.png"
KEY_COLUMNS = ["scheme", "indicator", "when", "unit"]
# variable, indicator, at (YEARS: values in those years; "stock": YEARS and the horizon; "total": sum over the
# projected years; None: one value per scheme), divisor, unit. Definitions: docs/outputs.md.
INDICATORS = [
    ("balance", "fund balance", YEARS, 1e8, "100m_yuan"),
    ("depletion_year", "depletion year", None, 1, "year"),
    ("dependency_ratio", "dependency ratio", YEARS, 1, "1"),
    ("subsidy_needed", "subsidy needed (cumulative)", "stock", 1e8, "100m_yuan"),
    ("subsidy", "subsidy paid (total)", "total", 1e8, "100m_yuan"),
    ("actuarial_balance", "actuarial balance", None, 0.01, "percent_of_wage_bill"),
]
POPULATION = [("old_age_dependency", "old-age dependency 65+/15-64", YEARS, 1, "1")]
KIND = {"100m_yuan": "amount", "1": "ratio", "year": "year", "percent_of_wage_bill": "amount"}
SHOWN_UNITS = {"100m_yuan": " (亿元)", "percent_of_wage_bill": " (% wages)"}


def unique_labels(names: list[str]) -> list[str]:
    """``names`` with repeats numbered (``a``, ``a#2``) so that each scenario gets its own column."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def _schemes(datasets: list[xr.Dataset]) -> list[str]:
    return list(dict.fromkeys(str(s) for ds in datasets for s in ds["scheme"].values))


def _values(ds: xr.Dataset, name: str, scheme: str | None) -> xr.DataArray | None:
    if scheme is None:  # a population variable by year
        if name not in ds or ds[name].dims != ("year",) or bool(ds[name].isnull().all()):
            return None
        return ds[name]
    if name == "depletion_year":  # NaN (not depleted) is a result for a scheme with a fund
        if name not in ds or scheme_values(ds, "balance", scheme) is None:
            return None
        values = ds[name].sel(scheme=scheme)
        return values.median("draw") if "draw" in values.dims else values
    return scheme_values(ds, name, scheme)


def _cells(values: xr.DataArray, at, divisor: float) -> list[tuple[str, float]]:
    """(when, value) pairs of one indicator of one scenario."""
    if at is None:
        return [("", float(values) / divisor)]
    years = values["year"].values
    if at == "total":
        projected = values.sel(year=years[1:])
        return [
            (
                f"{years[1]}-{years[-1]}",
                float(projected.sum(skipna=True)) / divisor if projected.notnull().any() else np.nan,
            )
        ]
    picks = [*YEARS, int(years[-1])] if at == "stock" else list(at)
    return [(str(y), float(values.sel(year=y)) / divisor if y in years else np.nan) for y in dict.fromkeys(picks)]


def compare_table(datasets: Mapping[str, xr.Dataset]) -> pd.DataFrame:
    """Key indicators of each scheme (and of the population), one column per scenario (in its
    label's order) and, from the second scenario on, its difference from the first. Amounts in
    100m_yuan (亿元). A row is kept when some scenario has the indicator for the scheme."""
    labels = list(datasets)
    rows: dict[tuple[str, str, str, str], dict[str, float]] = {}
    groups = [(s, INDICATORS) for s in _schemes(list(datasets.values()))] + [("population", POPULATION)]
    for scheme, indicators in groups:
        for name, label, at, divisor, unit in indicators:
            for scenario, ds in datasets.items():
                values = _values(ds, name, None if scheme == "population" else scheme)
                if values is None:
                    continue
                for when, value in _cells(values, at, divisor):
                    rows.setdefault((scheme, label, when, unit), {})[scenario] = value
    table = pd.DataFrame(
        [(*key, *(cells.get(s, np.nan) for s in labels)) for key, cells in rows.items()],
        columns=[*KEY_COLUMNS, *labels],
    )
    for label in labels[1:]:
        table[f"{label} - {labels[0]}"] = table[label] - table[labels[0]]
    return table


def rich_table(table: pd.DataFrame, title: str = "") -> Table:
    """The comparison for the terminal: scenarios as columns A, B, ... (named in the caption), the
    differences from A, a section per scheme, figures formatted for reading."""
    from rich import box
    from rich.table import Table

    values = [c for c in table.columns if c not in KEY_COLUMNS]
    scenarios = values[: (len(values) + 1) // 2]  # then one difference column for each after the first
    letters = {name: chr(ord("A") + i) for i, name in enumerate(scenarios)}
    key = "   ".join(f"{letters[n]} = {n}" for n in scenarios)
    out = Table(title="\n".join(filter(None, (title, key))), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    out.add_column("indicator", no_wrap=True)
    out.add_column("when", no_wrap=True)
    for name in scenarios:
        out.add_column(letters[name], justify="right", no_wrap=True)
    for name in scenarios[1:]:
        out.add_column(f"{letters[name]} - A", justify="right", no_wrap=True)
    for i, (scheme, rows) in enumerate(table.groupby("scheme", sort=False)):
        if i:
            out.add_section()
        out.add_row(f"[bold]{scheme}[/bold]", "", *[""] * len(values))
        for row in rows.itertuples(index=False):
            record = row._asdict()
            unit, kind = record["unit"], KIND.get(record["unit"], "amount")
            cells = [fmt_number(v, kind) or "-" for v in row[len(KEY_COLUMNS) :]]
            if unit == "year":  # no depletion year: not depleted by the horizon
                cells[: len(scenarios)] = [c if c != "-" else "none" for c in cells[: len(scenarios)]]
            out.add_row(f"  {record['indicator']}{SHOWN_UNITS.get(unit, '')}", record["when"], *cells)
    return out


def compare_fill(datasets: Mapping[str, xr.Dataset], lang: str = "auto", table: pd.DataFrame | None = None):
    """The function that writes ``compare.csv`` and ``compare_fund_gap.png`` (the fund-gap
    trajectories of the scenarios overlaid) into an output folder."""
    from simulator.io.plots import fund_gap, resolve_lang

    table = compare_table(datasets) if table is None else table
    lang = resolve_lang(lang)

    def fill(folder: Path) -> None:
        table.to_csv(folder / TABLE_FILE, index=False)
        fund_gap(datasets, folder / PLOT_FILE, lang)

    return fill


def write_compare(
    datasets: Mapping[str, xr.Dataset],
    outdir: Path,
    force: bool = False,
    lang: str = "auto",
    table: pd.DataFrame | None = None,
) -> Path:
    """``outdir/compare.csv`` and ``outdir/compare_fund_gap.png``, written atomically."""
    from simulator.io.writers import write_atomic_dir

    return write_atomic_dir(outdir, force, compare_fill(datasets, lang, table), "sim compare")
