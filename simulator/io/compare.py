"""Scenarios side by side: key indicators per scheme in one table (``compare.csv``) and the fund-gap
trajectories overlaid (``compare_fund_gap.png``) — e.g. what the retirement reform buys.

    datasets = {"jiangxi": ds_a, "jiangxi_pre_reform": ds_b}
    table = compare_table(datasets)     # one row per scheme x indicator x year, one column per scenario
    with OutputFolder(Path("results/compare"), written_by="sim compare") as folder:   # simulator.io.outdir
        folder.write(compare_fill(datasets, "auto", table))   # compare.csv and compare_fund_gap.png
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from simulator.io.tables import Grid, central, fmt_number, fmt_range, is_stochastic, scheme_values, start_section
from simulator.io.text import words
from simulator.variables import variable

YEARS = (2030, 2035, 2050)
TABLE_FILE, PLOT_FILE, SCORING_FILE = "compare.csv", "compare_fund_gap.png", "scoring.csv"
KEY_COLUMNS = ["scheme", "indicator", "when", "unit"]
# variable, indicator (its registry label + what is shown), at (YEARS: values in those years; "stock": YEARS and
# the last year; None: one value per scheme), divisor, unit.
INDICATORS = [
    ("balance", "{}", YEARS, 1e8, "100m_yuan"),
    ("balance_to_wage_bill", "{}", YEARS, 0.01, "percent_of_wage_bill"),
    ("depletion_year", "{}", None, 1, "year"),
    ("dependency_ratio", "{}", YEARS, 1, "1"),
    ("subsidy_needed_pv", "{}", "stock", 1e8, "100m_yuan"),
    ("subsidy_to_wage_bill", "{}", YEARS, 0.01, "percent_of_wage_bill"),
    ("actuarial_balance", "{}", None, 0.01, "percent_of_wage_bill"),
]
POPULATION = [("old_age_dependency", "{}", YEARS, 1, "1")]
KIND = {"100m_yuan": "amount", "1": "ratio", "year": "year", "percent_of_wage_bill": "percent"}
SHOWN_UNITS = {"100m_yuan": "unit_yi", "percent_of_wage_bill": "unit_share"}


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


def _values(ds: xr.Dataset, name: str, scheme: str | None, quantile: float = 0.5) -> xr.DataArray | None:
    """The indicator of one scheme (or a population variable by year, ``scheme`` None): in a stochastic
    run its ``quantile`` percentile over the draws."""
    if scheme is None:  # a population variable by year
        if name not in ds or set(ds[name].dims) - {"quantile"} != {"year"} or bool(ds[name].isnull().all()):
            return None
        values = ds[name]
    elif name == "depletion_year":  # NaN (not depleted) is a result for a scheme with a fund
        if name not in ds or scheme_values(ds, "balance", scheme) is None:
            return None
        values = ds[name].sel(scheme=scheme)
        if "draw" in values.dims:
            values = values.median("draw")
    else:
        if scheme_values(ds, name, scheme) is None:
            return None
        values = ds[name].sel(scheme=scheme)
    return values.sel(quantile=quantile, drop=True) if "quantile" in values.dims else central(values)


def _cells(values: xr.DataArray, at, divisor: float, span: str = "") -> list[tuple[str, float]]:
    """(when, value) pairs of one indicator of one scenario (``span``: the years a one-value indicator
    covers)."""
    if at is None:
        return [(span, float(values) / divisor)]
    years = values["year"].values
    picks = [*YEARS, int(years[-1])] if at == "stock" else list(at)
    return [(str(y), float(values.sel(year=y)) / divisor) for y in dict.fromkeys(picks) if y <= years[-1]]


def _span(ds: xr.Dataset, name: str) -> str:
    """The last year a one-value indicator covers (from each scenario's first projected year): the last
    year shown (the depletion year), or the horizon (the actuarial balance, whatever years are shown)."""
    last = int(ds.attrs.get("horizon", ds["year"][-1])) if name == "actuarial_balance" else int(ds["year"][-1])
    return f"to {last}"


RANGE = (("10%", 0.1), ("90%", 0.9))  # the columns of a stochastic scenario's 80% range


def compare_table(datasets: Mapping[str, xr.Dataset]) -> pd.DataFrame:
    """Key indicators of each scheme (and of the population), one column per scenario (in its
    label's order) and, from the second scenario on, its difference from the first. Amounts in
    100m_yuan (亿元). A row is kept when some scenario has the indicator for the scheme. The results
    of a stochastic run give their medians and, in the columns ``LABEL 10%`` and ``LABEL 90%``, their
    80% ranges; ``table.attrs["scenarios"]`` lists the labels."""
    labels = list(datasets)
    stochastic = [label for label, ds in datasets.items() if is_stochastic(ds)]
    columns = labels + [f"{label} {suffix}" for label in stochastic for suffix, _ in RANGE]
    rows: dict[tuple[str, str, str, str], dict[str, float]] = {}
    groups = [(s, INDICATORS) for s in _schemes(list(datasets.values()))] + [("population", POPULATION)]
    for scheme, indicators in groups:
        for name, shown, at, divisor, unit in indicators:
            label = shown.format(variable(name).en)
            for scenario, ds in datasets.items():
                picks = [(scenario, 0.5)] + ([(f"{scenario} {sfx}", q) for sfx, q in RANGE] if scenario in stochastic else [])
                for column, q in picks:
                    values = _values(ds, name, None if scheme == "population" else scheme, q)
                    if values is None:
                        continue
                    for when, value in _cells(values, at, divisor, _span(ds, name)):
                        rows.setdefault((scheme, label, when, unit), {})[column] = value
    table = pd.DataFrame(
        [(*key, *(cells.get(c, np.nan) for c in columns)) for key, cells in rows.items()],
        columns=[*KEY_COLUMNS, *columns],
    )
    ordered = [*KEY_COLUMNS, *labels]
    for label in labels[1:]:
        table[f"{label} - {labels[0]}"] = table[label] - table[labels[0]]
        ordered.append(f"{label} - {labels[0]}")
    table = table[ordered + [c for c in columns if c not in labels]]
    table.attrs["scenarios"] = labels
    return table


def compare_grid(table: pd.DataFrame, datasets: Mapping[str, xr.Dataset] | None = None, lang: str = "en") -> Grid:
    """The comparison for reading: scenarios as columns A, B, ... (named in the title), the differences
    from A, a section per scheme, figures formatted for reading; notes: each scenario's base year (the
    date of the present values) and discount rate."""
    from simulator.io.views import discount_text

    w = words(lang)
    scenarios = table.attrs.get("scenarios") or [c for c in table.columns if c not in KEY_COLUMNS][: (len(table.columns) - 3) // 2]
    ranged = [n for n in scenarios if f"{n} {RANGE[0][0]}" in table.columns]
    values = [*scenarios, *(f"{n} - {scenarios[0]}" for n in scenarios[1:])]
    letters = {name: chr(ord("A") + i) for i, name in enumerate(scenarios)}
    key = "   ".join(f"{letters[n]} = {n}" for n in scenarios)
    title = "\n".join((w["compare_title"].format(names=" vs ".join(scenarios)), key))
    header = [w["indicator"], w["when"], *(letters[n] for n in scenarios), *(f"{letters[n]} - A" for n in scenarios[1:]),
              *(w["range_column"].format(letter=letters[n]) for n in ranged)]  # fmt: skip
    names = {shown.format(variable(name).en): name for name, shown, *_ in [*INDICATORS, *POPULATION]}
    rows: list[list[str] | None] = []
    for scheme, part in table.groupby("scheme", sort=False):
        start_section(rows, scheme, lang, len(header))
        for _, record in part.iterrows():
            unit, kind = record["unit"], KIND.get(record["unit"], "amount")
            cells = [fmt_number(record[c], kind) or "-" for c in values]
            if unit == "year":  # no depletion year: not depleted by the last year shown
                cells[: len(scenarios)] = [c if c != "-" else w["none"] for c in cells[: len(scenarios)]]
            cells += [fmt_range(record[f"{n} {RANGE[0][0]}"], record[f"{n} {RANGE[1][0]}"], kind, lang) or "-" for n in ranged]
            name = names.get(record["indicator"])
            shown = variable(name).label(lang) if name else record["indicator"]
            suffix = w[SHOWN_UNITS[unit]] if unit in SHOWN_UNITS else ""
            if name and name.endswith("_to_wage_bill"):  # its label names the wage bill already
                suffix = w["unit_percent"]
            when = str(record["when"])
            when = w["to_year"].format(year=when.removeprefix("to ")) if when.startswith("to ") else when
            rows.append([f"  {shown}{suffix}", when, *cells])
    notes = []
    if datasets:
        bases = ", ".join(f"{letters[n]} {int(ds['year'][0])}" for n, ds in datasets.items() if n in letters)
        discounts = "; ".join(f"{letters[n]} {discount_text(ds, lang)}" for n, ds in datasets.items() if n in letters)
        notes.append(w["compare_notes"].format(bases=bases, discounts=discounts))
    return Grid(title, header, rows, keys=2, notes=notes)


def compare_fill(
    datasets: Mapping[str, xr.Dataset], lang: str = "auto", table: pd.DataFrame | None = None,
    scoring: pd.DataFrame | None = None, money: str = "share",
):  # fmt: skip
    """The function that writes ``compare.csv``, ``compare_fund_gap.png`` (the fund-gap trajectories
    of the scenarios overlaid, money as ``money``) and, when a reform's provisions were scored,
    ``scoring.csv`` into an output folder."""
    from simulator.io.plots import _plot_lang, fund_gap

    table = compare_table(datasets) if table is None else table
    lang = _plot_lang(lang)

    def fill(folder: Path) -> None:
        table.to_csv(folder / TABLE_FILE, index=False)
        fund_gap(datasets, folder / PLOT_FILE, lang, money=money)
        if scoring is not None:
            scoring.to_csv(folder / SCORING_FILE, index=False)

    return fill


def scoring_grid(table: pd.DataFrame, lang: str = "en") -> Grid:
    """A reform's provisions for reading: per scheme, each provision's change in the actuarial balance
    on its own and in sequence, and its share of the whole change."""
    w = words(lang)
    title = w["scoring_title"].format(reform=table.attrs.get("reform", "the reform"), parent=table.attrs.get("parent", "its parent"))
    header = [w["provision"], w["parent"], w["reform"], w["alone"], w["in_sequence"], w["share_of_change"]]
    rows: list[list[str] | None] = []
    for scheme, part in table.groupby("scheme", sort=False):
        start_section(rows, scheme, lang, len(header))
        for _, r in part.iterrows():
            share = f"{r['share_of_change']:.0%}".replace("-0%", "0%") if np.isfinite(r["share_of_change"]) else "-"
            rows.append([f"  {r['provision']}", str(r["parent"]), str(r["reform"]), f"{r['alone']:+.3f}", f"{r['in_sequence']:+.3f}", share])
    return Grid(title, header, rows, keys=1, left=2)
