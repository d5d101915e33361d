"""Headline figures of a run, in 万人 and 亿元 for reading: printed at the end of ``sim run`` (rich)
and shown in the HTML report. Generic over schemes: a row is shown for a scheme that has the variable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

WIDTH = 140  # columns of the printed table when stdout is not a terminal (files, pipes, CI logs)

HEADLINE = [
    # variables (the first a scheme has is shown; labels from the registry), divisor, kind of number.
    # contributions - benefits = the two rows above it (the gap before subsidies, interest and transfers).
    (("contributors",), 1e4, "amount"),
    (("retirees", "beneficiaries"), 1e4, "amount"),
    (("dependency_ratio",), 1, "ratio"),
    (("contributions",), 1e8, "amount"),
    (("benefits",), 1e8, "amount"),
    (("current_balance",), 1e8, "amount"),
    (("balance",), 1e8, "amount"),
]
UNIT_SUFFIX = {1e4: " (万人)", 1e8: " (亿元)", 1: ""}


def fmt_number(value: float, kind: str = "amount") -> str:
    """Figures for reading: ratios with 3 decimals, amounts with 1 decimal below 100, whole above."""
    if value is None or not np.isfinite(value):
        return ""
    if kind == "ratio":
        return f"{value:.3f}"
    if kind == "year":
        return f"{value:.0f}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def headline_years(ds: xr.Dataset) -> list[int]:
    """The base year, 2020, 2025, 2030, 2035, 2050 and the horizon; in a stochastic run (each cell with
    its range) 2030, 2035, 2050, 2070 and the horizon."""
    years = ds["year"].values
    picks = [2030, 2035, 2050, 2070, years[-1]] if is_stochastic(ds) else [years[0], 2020, 2025, 2030, 2035, 2050, years[-1]]
    return sorted({int(y) for y in picks if years[0] <= y <= years[-1]})


def central(values: xr.DataArray) -> xr.DataArray:
    """The central path: the median of a stochastic run (over its ``draw`` dim or its 50% ``quantile``)."""
    if "draw" in values.dims:
        return values.median("draw")
    if "quantile" in values.dims:
        return values.sel(quantile=0.5, drop=True)
    return values


def scheme_values(ds: xr.Dataset, name: str, scheme: str) -> xr.DataArray | None:
    """``ds[name]`` for one scheme (the median of a stochastic run), or None if the scheme lacks it (all NaN)."""
    if name not in ds or "scheme" not in ds[name].dims or scheme not in ds["scheme"].values:
        return None
    values = central(ds[name].sel(scheme=scheme))
    return None if bool(values.isnull().all()) else values


def band(ds: xr.Dataset, name: str, scheme: str | None, low: float = 0.1, high: float = 0.9) -> tuple[xr.DataArray, xr.DataArray] | None:
    """(low, high) percentiles of ``ds[name]`` (of one scheme, or a variable by year when ``scheme`` is
    None) in the results of a stochastic run; None in a deterministic run or when the scheme lacks it."""
    if name not in ds or "quantile" not in ds[name].dims:
        return None
    values = ds[name].sel(scheme=scheme) if scheme is not None else ds[name]
    if bool(values.isnull().all()):
        return None
    return values.sel(quantile=low, drop=True), values.sel(quantile=high, drop=True)


def is_stochastic(ds: xr.Dataset) -> bool:
    return "quantile" in ds.dims


RANGE_LABEL = "    10% to 90%"


def headline_rows(ds: xr.Dataset, scheme: str, years: list[int]) -> list[tuple[str, list[str]]]:
    """(label, formatted values at ``years``) for each headline figure the scheme has; in a stochastic
    run the median, then a row with its 80% range (the 10% and 90% percentiles)."""
    from simulator.variables import variable

    rows = []
    for names, divisor, kind in HEADLINE:
        for name in names:
            values = scheme_values(ds, name, scheme)
            if values is not None:
                row = values.reindex(year=years).values / divisor
                rows.append((variable(name).en + UNIT_SUFFIX[divisor], [fmt_number(v, kind) for v in row]))
                ranges = band(ds, name, scheme)
                if ranges is not None:
                    lo, hi = (r.reindex(year=years).values / divisor for r in ranges)
                    rows.append((RANGE_LABEL, [fmt_range(a, b, kind) for a, b in zip(lo, hi)]))
                break
    return rows


def fmt_range(low: float, high: float, kind: str = "amount") -> str:
    """'low to high' for reading ('' when either is missing)."""
    a, b = fmt_number(low, kind), fmt_number(high, kind)
    return f"{a} to {b}" if a and b else ""


DEPLETION_YEARS = (2035, 2050, 2070)


def depletion_text(ds: xr.Dataset, scheme: str) -> str:
    """'fund depleted in YYYY', 'not depleted by YYYY', or '' when the scheme has no fund; in a
    stochastic run the probabilities of depletion by 2035, 2050 and 2070 and the median depletion year."""
    if scheme_values(ds, "balance", scheme) is None:
        return ""
    year = scheme_values(ds, "depletion_year", scheme)
    if is_stochastic(ds) and "prob_depletion" in ds:
        last = int(ds["year"][-1])
        picks = [y for y in DEPLETION_YEARS if y <= last] or [last]
        prob = ds["prob_depletion"].sel(scheme=scheme)
        parts = ", ".join(f"{y} {float(prob.sel(year=y)):.0%}" for y in picks)
        median = f"median depletion year {float(year):.0f}" if year is not None else f"median: not depleted by {last}"
        return f"P(depleted by) {parts}; {median}"
    if year is None:
        return f"not depleted by {int(ds['year'][-1])}"
    return f"fund depleted in {float(year):.0f}"


def headline_table(ds: xr.Dataset):
    """One rich table: a section per scheme, the headline figures at :func:`headline_years`."""
    from rich import box
    from rich.table import Table

    years = headline_years(ds)
    title = f"{ds.attrs.get('scenario', '')}: headline figures (万人 = 10,000 persons, 亿元 = 100 million yuan)"
    if is_stochastic(ds):
        title += f"\nmedians of {int(ds.attrs.get('draws', 0)):,} draws (seed {ds.attrs.get('seed', '')}) with their 80% ranges"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", no_wrap=True)
    for y in years:
        table.add_column(str(y), justify="right", no_wrap=True)
    for i, scheme in enumerate(ds["scheme"].values):
        rows = headline_rows(ds, str(scheme), years)
        if not rows:
            continue
        if i:
            table.add_section()
        note = "" if is_stochastic(ds) else depletion_text(ds, str(scheme))
        table.add_row(f"[bold]{scheme}[/bold]" + (f" ({note})" if note else ""), *[""] * len(years))
        for label, cells in rows:
            table.add_row("  " + label, *cells)
    return table


def depletion_rows(ds: xr.Dataset) -> list[list[str]]:
    """Per scheme with a fund in a stochastic run: the probability of depletion by 2035, 2050 and 2070
    (the years within the run) and the depletion year's median and 80% range."""
    last = int(ds["year"][-1])
    picks = [y for y in DEPLETION_YEARS if y <= last]
    rows = []
    for scheme in map(str, ds["scheme"].values):
        if scheme_values(ds, "balance", scheme) is None:
            continue
        prob = ds["prob_depletion"].sel(scheme=scheme)
        year = ds["depletion_year"].sel(scheme=scheme)
        shown = [fmt_number(float(year.sel(quantile=q)), "year") or f"after {last}" for q in (0.5, 0.1, 0.9)]
        spread = shown[1] if shown[1] == shown[2] else f"{shown[1]} to {shown[2]}"
        rows.append([scheme, *(f"{float(prob.sel(year=y)):.0%}" for y in picks), shown[0], spread])
    return rows


def depletion_header(ds: xr.Dataset) -> list[str]:
    last = int(ds["year"][-1])
    return ["scheme", *(f"by {y}" for y in DEPLETION_YEARS if y <= last), "median year", "10% to 90%"]


def depletion_table(ds: xr.Dataset):
    """The rich table of :func:`depletion_rows`."""
    from rich import box
    from rich.table import Table

    title = "probability that the fund is depleted by the year; the depletion year's median and 80% range"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for i, column in enumerate(depletion_header(ds)):
        table.add_column(column, justify="left" if i == 0 else "right", no_wrap=True)
    for row in depletion_rows(ds):
        table.add_row(*row)
    return table


def console_for_tables() -> Console:
    """stdout console: the terminal's width on a terminal, else a fixed :data:`WIDTH` (no squeezing)."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=WIDTH)


def print_headline(ds: xr.Dataset, console: Console | None = None) -> None:
    console = console or console_for_tables()
    console.print(headline_table(ds))
    if is_stochastic(ds):
        console.print(depletion_table(ds))


def print_calibration(table, parameters=None) -> None:
    """The calibration tables: each target with the model value and the relative error (a bound is met
    when the model is on its side), then each fitted parameter with its standard error and flags."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    out = Table(title="calibration: targets (fitted) and the plans' later targets (not fitted)", title_justify="left")
    for column in ("scheme", "year", "variable", "target", "model", "rel. error", "bound", "source"):
        out.add_column(column, justify="right" if column in ("year", "target", "model", "rel. error") else "left")
    for row in table.itertuples(index=False):
        out.add_row(row.scheme, str(row.year), row.variable, f"{row.target:,.6g}", f"{row.model:,.6g}",
                    f"{row.rel_error:+.2%}", str(row.bound or ""), row.source)  # fmt: skip
    console.print(out)
    if parameters is None or parameters.empty:
        return
    par = Table(title="fitted parameters (sd from the Jacobian; a parameter at a bound or not identified is a finding to explain)",
                title_justify="left")  # fmt: skip
    for column in ("key", "at", "value", "sd", "lower", "upper", "flag"):
        par.add_column(column, justify="right" if column in ("value", "sd", "lower", "upper") else "left")
    for p in parameters.itertuples(index=False):
        flag = ", ".join(f for f, on in (("AT BOUND", p.at_bound), ("NOT IDENTIFIED", not p.identified)) if on)
        par.add_row(p.key, str(p.at or ""), f"{p.value:,.6g}", f"{p.sd:,.3g}", f"{p.lower:,.6g}", f"{p.upper:,.6g}", flag)
    console.print(par)


def print_backtest(table, fit_until: int) -> None:
    """Every published figure after ``fit_until``: actual, model and the relative error."""
    from rich.console import Console
    from rich.table import Table

    out = Table(title=f"backtest: fitted on figures up to {fit_until}, against every later figure", title_justify="left")
    for column in ("scheme", "variable", "year", "actual", "model", "rel. error", "source"):
        out.add_column(column, justify="right" if column in ("year", "actual", "model", "rel. error") else "left")
    for r in table.itertuples(index=False):
        out.add_row(r.scheme, r.variable, str(r.year), f"{r.actual:,.6g}", f"{r.model:,.6g}",
                    "" if r.rel_error != r.rel_error else f"{r.rel_error:+.1%}", r.source[:90])  # fmt: skip
    Console(width=200).print(out)


def print_award(award, console: Console | None = None) -> None:
    """One worker's first pension: the parts, the total, the inputs found in the rules and the notes."""
    from rich.table import Table

    console = console or console_for_tables()
    used = award.inputs
    where = used["province"] + (f", {used['city']}" if used.get("city") else "")
    out = Table(
        title=f"first pension ({where}), retired {used['retired']}, divisor {used['divisor_months']:g}",
        title_justify="left",
    )
    out.add_column("part")
    out.add_column("yuan / month", justify="right")
    for name, value in (
        ("basic pension", award.basic),
        ("account pension", award.account),
        ("transitional pension", award.transitional),
        ("extra", award.extra),
        ("total", award.total),
    ):
        out.add_row(name, f"{value:,.2f}")
    if award.replacement_rate is not None:
        out.add_row("replacement rate (of --wage)", f"{award.replacement_rate:.1%}")
    console.print(out)
    for note in award.notes:
        console.print(f"- {note}", markup=False, highlight=False)


def sensitivity_table(table):
    """The sensitivity table of ``sim sensitivity`` for reading: per scheme, each case's low and high side."""
    from rich import box
    from rich.table import Table

    first = table.attrs.get("start_year", "")
    title = (
        f"{table.attrs.get('scenario', '')}: one-at-a-time sensitivity, changes from {first} on\n"
        "ΔAB: actuarial balance over 25, 50, 75 years from then, points of the wage bill; Δ bal.: balance, 亿元"
    )
    out = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    headers = ["case", "change", "depleted", "Δ yrs", "ΔAB 25y", "ΔAB 50y", "ΔAB 75y", "Δ bal. 2035", "Δ bal. 2050"]
    for i, header in enumerate(headers):
        out.add_column(header, justify="left" if i < 2 else "right", no_wrap=True)
    for i, (scheme, rows) in enumerate(table.groupby("scheme", sort=False)):
        if i:
            out.add_section()
        out.add_row(f"[bold]{scheme}[/bold]", *[""] * (len(headers) - 1))
        for _, r in rows.iterrows():
            name = "  base" if r["side"] == "" else f"  {r['assumption']} ({r['side']})"
            cells = [fmt_number(r["depletion_year"], "year") or "none", fmt_number(r["d_depletion_year"], "year") or "-"]
            cells += [f"{r[c]:+.2f}" if np.isfinite(r[c]) else "-" for c in table.columns if c.startswith("d_actuarial")]
            cells += [fmt_number(r[c]) or "-" for c in table.columns if c.startswith("d_balance")]
            out.add_row(name, r["change"], *cells)
    return out
