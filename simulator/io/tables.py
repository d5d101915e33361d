"""Headline figures of a run, in 万人 and 亿元 for reading: printed at the end of ``sim run`` (rich)
and shown in the HTML report. Generic over schemes: a row is shown for a scheme that has the variable.

Every printed table goes through :func:`print_grid`, which never cuts a number: on a terminal too narrow
for the whole table its value columns are split over several tables (the label columns repeated), then,
if one value column does not fit either, the table is printed long (one value a row); labels wrap. Into
a file or a pipe a table is printed at its full width."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from simulator.dims import scheme_label
from simulator.io.text import words

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

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
    (("balance_to_wage_bill",), 0.01, "percent"),
]
UNIT_SUFFIX = {1e4: "unit_wan", 1e8: "unit_yi", 0.01: "unit_percent"}
UNLIMITED = 1_000_000  # columns: the width a table is measured and printed at outside a terminal


def fmt_number(value: float, kind: str = "amount") -> str:
    """Figures for reading: ratios with 3 decimals, percentages with 1, amounts with 1 decimal below 100,
    whole above."""
    if value is None or not np.isfinite(value):
        return ""
    if kind == "ratio":
        return f"{value:.3f}"
    if kind == "year":
        return f"{value:.0f}"
    if kind == "percent":
        return f"{value:,.1f}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def headline_years(ds: xr.Dataset) -> list[int]:
    """The base year, 2020, 2025, 2030, 2035, 2050 and the last year; in a stochastic run (each cell with
    its range) 2030, 2035, 2050, 2070 and the last year."""
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


def label(name: str, lang: str = "en") -> str:
    """A variable's label from the registry."""
    from simulator.variables import variable

    return variable(name).label(lang)


def headline_rows(ds: xr.Dataset, scheme: str, years: list[int], lang: str = "en") -> list[tuple[str, list[str]]]:
    """(label, formatted values at ``years``) for each headline figure the scheme has; in a stochastic
    run the median, then a row with its 80% range (the 10% and 90% percentiles)."""
    w = words(lang)
    rows = []
    for names, divisor, kind in HEADLINE:
        for name in names:
            values = scheme_values(ds, name, scheme)
            if values is not None:
                row = values.reindex(year=years).values / divisor
                unit = w[UNIT_SUFFIX[divisor]] if divisor in UNIT_SUFFIX else ""
                rows.append((label(name, lang) + unit, [fmt_number(v, kind) for v in row]))
                ranges = band(ds, name, scheme)
                if ranges is not None:
                    lo, hi = (r.reindex(year=years).values / divisor for r in ranges)
                    rows.append((w["range"], [fmt_range(a, b, kind, lang) for a, b in zip(lo, hi)]))
                break
    return rows


def fmt_range(low: float, high: float, kind: str = "amount", lang: str = "en") -> str:
    """'low to high' for reading ('' when either is missing)."""
    a, b = fmt_number(low, kind), fmt_number(high, kind)
    return words(lang)["range_to"].format(low=a, high=b) if a and b else ""


DEPLETION_YEARS = (2035, 2050, 2070)


def depletion_text(ds: xr.Dataset, scheme: str, lang: str = "en") -> str:
    """'fund depleted in YYYY', 'not depleted by YYYY', or '' when the scheme has no fund; in a
    stochastic run the probabilities of depletion by 2035, 2050 and 2070 and the median depletion year."""
    if scheme_values(ds, "balance", scheme) is None:
        return ""
    w = words(lang)
    year = scheme_values(ds, "depletion_year", scheme)
    last = int(ds["year"][-1])
    if is_stochastic(ds) and "prob_depletion" in ds:
        picks = [y for y in DEPLETION_YEARS if y <= last] or [last]
        prob = ds["prob_depletion"].sel(scheme=scheme)
        parts = ", ".join(f"{y} {float(prob.sel(year=y)):.0%}" for y in picks)
        median = w["median_depletion"].format(year=f"{float(year):.0f}") if year is not None else w["median_not_depleted"].format(year=last)
        return w["p_depleted"].format(parts=parts, median=median)
    if year is None:
        return w["not_depleted"].format(year=last)
    return w["depleted_in"].format(year=f"{float(year):.0f}")


def scheme_notes(ds: xr.Dataset, scheme: str, lang: str = "en") -> list[str]:
    """What a scheme's row of figures leaves out: its depletion, the present value of the subsidy its
    fund needs to the last year shown and its actuarial balance, each with the discount rate."""
    from simulator.io.views import discount_text

    w = words(lang)
    notes = [depletion_text(ds, scheme, lang)]
    base, last = int(ds["year"][0]), int(ds["year"][-1])
    discounted = False
    pv = scheme_values(ds, "subsidy_needed_pv", scheme)
    if pv is not None:
        value = float(pv.sel(year=last))
        discounted = value > 0
        notes.append(w["pv_subsidy"].format(until=last, value=fmt_number(value / 1e8), base=base) if discounted else w["pv_subsidy_none"].format(until=last))
    balance = scheme_values(ds, "actuarial_balance", scheme)
    if balance is not None and np.isfinite(float(balance)):
        horizon = int(ds.attrs.get("horizon", last))
        text = w["actuarial_balance"].format(first=base + 1, last=horizon, value=float(balance) * 100)
        ranges = band(ds, "actuarial_balance", scheme)
        if ranges is not None:
            text += w["actuarial_balance_range"].format(low=float(ranges[0]) * 100, high=float(ranges[1]) * 100)
        notes.append(text)
        discounted = True
    if discounted:
        notes.append(discount_text(ds, lang))
    return [n for n in notes if n]


# ---------------------------------------------------------------- tables that fit


@dataclass
class Grid:
    """A table for reading: ``keys`` label columns (left, may wrap) then value columns (never cut);
    a row of None starts a new section; ``notes`` are printed below it, wrapped."""

    title: str
    header: list[str]
    rows: list[list[str] | None]
    keys: int = 1
    notes: list[str] = field(default_factory=list)
    left: int = 0  # value columns after the keys shown left-aligned (text, not numbers)

    def table(self, columns: list[int], title: str | None = None):
        from rich import box
        from rich.table import Table

        out = Table(title=self.title if title is None else title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for i in [*range(self.keys), *columns]:
            text = i < self.keys or i < self.keys + self.left
            out.add_column(self.header[i], justify="left" if text else "right", no_wrap=not text, overflow="fold")
        for row in self.rows:
            if row is None:
                out.add_section()
            else:
                out.add_row(*[row[i] for i in range(self.keys)], *[row[i] for i in columns])
        return out

    def long(self):
        """One value a row: the keys, the column's header and the value."""
        from rich import box
        from rich.table import Table

        out = Table(title=self.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for i in range(self.keys):
            out.add_column(self.header[i], overflow="fold")
        out.add_column("", overflow="fold")
        out.add_column("", justify="right", no_wrap=True)
        for row in self.rows:
            if row is None:
                out.add_section()
                continue
            cells = [(self.header[i], row[i]) for i in range(self.keys, len(row)) if row[i]]
            if not cells:
                out.add_row(*row[: self.keys], "", "")
            for j, (head, value) in enumerate(cells):
                out.add_row(*(row[: self.keys] if j == 0 else [""] * self.keys), head, value)
        return out


def start_section(rows: list, scheme: str, lang: str, columns: int) -> None:
    """Open a scheme's section of a grid's ``rows``: a break after the section before, the scheme's name."""
    if rows:
        rows.append(None)
    rows.append([f"[bold]{scheme_label(scheme, lang)}[/bold]", *[""] * (columns - 1)])


def fitted(grid: Grid, width: int | None, console: Console) -> list:
    """The renderables that show ``grid`` within ``width`` columns without cutting a value (None: the
    whole table, however wide): the table; or its value columns split over several tables; or the
    long form; or, narrower than any table, one line per value (wrapped, never cut)."""
    from rich.text import Text

    values = list(range(grid.keys, len(grid.header)))
    if width is None:
        return [grid.table(values)]
    unlimited = console.options.update_width(UNLIMITED)  # a measurement is capped at the width it is given

    def fits(table) -> bool:
        return console.measure(table, options=unlimited).minimum <= width

    for size in range(len(values), 0, -1):
        chunks = [values[i : i + size] for i in range(0, len(values), size)]
        tables = [grid.table(chunk, None if i == 0 else "") for i, chunk in enumerate(chunks)]
        if all(map(fits, tables)):
            return tables
    long = grid.long()
    if fits(long):
        return [long]
    lines = [grid.title]
    for row in grid.rows:
        if row is None:
            continue
        lines.append(" ".join(row[: grid.keys]).strip())
        for i in values:
            if row[i]:  # the column's name and the value on one line when they fit, else on two
                pair = f"  {grid.header[i]}: {row[i]}"
                lines += [pair] if len(pair) <= width else [f"  {grid.header[i]}:", row[i]]
    return [Text.from_markup("\n".join(lines), overflow="fold")]


def print_grid(grid: Grid, console: Console | None = None) -> None:
    """Print ``grid`` on ``console`` (default stdout): on a terminal within its width, else whole."""
    from rich.text import Text

    console = console or console_for_tables()
    width = console.width if console.is_terminal else None
    kept = console.width
    if width is None:
        console.width = UNLIMITED  # a file or a pipe: every table and note whole, however wide
    try:
        for part in [*fitted(grid, width, console), *(Text(note, overflow="fold") for note in grid.notes)]:
            console.print(part, crop=False)
    finally:
        console.width = kept


def console_for_tables() -> Console:
    """The stdout console (:func:`print_grid` prints a table whole into a file or a pipe)."""
    from rich.console import Console

    return Console()


def headline_grid(ds: xr.Dataset, lang: str = "en") -> Grid:
    """The headline figures: a section per scheme at :func:`headline_years`, notes below."""
    w = words(lang)
    years = headline_years(ds)
    title = w["headline_title"].format(scenario=ds.attrs.get("scenario", ""))
    if is_stochastic(ds):
        title += "\n" + w["headline_medians"].format(draws=f"{int(ds.attrs.get('draws', 0)):,}", seed=ds.attrs.get("seed", ""))
    rows: list[list[str] | None] = []
    notes = []
    for scheme in map(str, ds["scheme"].values):
        found = headline_rows(ds, scheme, years, lang)
        if not found:
            continue
        name = scheme_label(scheme, lang)
        start_section(rows, scheme, lang, 1 + len(years))
        rows += [["  " + text, *cells] for text, cells in found]
        found_notes = scheme_notes(ds, scheme, lang)
        if found_notes:
            notes.append(name + w["colon"] + w["sep"].join(found_notes))
    return Grid(title, ["", *map(str, years)], rows, notes=notes)


def inputs_of(ds: xr.Dataset) -> list[dict]:
    """The inputs recorded in the results (attribute ``inputs_json``; [] when the run did not record them)."""
    import json

    return json.loads(ds.attrs["inputs_json"]) if "inputs_json" in ds.attrs else []


def provisional_warnings(ds: xr.Dataset, lang: str = "en") -> list[str]:
    """One line per provisional input that moves a headline figure (an input of a scheme in the results
    or of the blocks they all read, :func:`simulator.scenario.inputs.moves_headline`), and one for a
    scenario whose description says it is PROVISIONAL."""
    from simulator.scenario.inputs import moves_headline

    w = words(lang)
    schemes = [str(s) for s in ds["scheme"].values] if "scheme" in ds.dims else []
    lines = []
    description = str(ds.attrs.get("description", ""))
    if "PROVISIONAL" in description:
        lines.append(w["provisional_scenario"].format(scenario=ds.attrs.get("scenario", ""), text=_first_sentence(description)))
    for item in inputs_of(ds):
        if item["status"] == "provisional" and moves_headline(item["key"], schemes):
            lines.append(w["provisional"].format(key=item["key"], value=item["value"], file=item["file"], line=item["line"],
                                                 source=_first_sentence(item["source"])))  # fmt: skip
    return lines


def _first_sentence(text: str, most: int = 120) -> str:
    """The text's first sentence on one line, at most ``most`` characters (a longer one ends with '...')."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    flat = flat[: end + 1] if 0 < end < most else flat
    return flat if len(flat) <= most else flat[: most - 3].rstrip() + "..."


def depletion_rows(ds: xr.Dataset, lang: str = "en") -> list[list[str]]:
    """Per scheme with a fund in a stochastic run: the probability of depletion by 2035, 2050 and 2070
    (the years within the run) and the depletion year's median and 80% range."""
    w = words(lang)
    last = int(ds["year"][-1])
    picks = [y for y in DEPLETION_YEARS if y <= last]
    rows = []
    for scheme in map(str, ds["scheme"].values):
        if scheme_values(ds, "balance", scheme) is None:
            continue
        prob = ds["prob_depletion"].sel(scheme=scheme)
        year = ds["depletion_year"].sel(scheme=scheme)
        shown = [fmt_number(float(year.sel(quantile=q)), "year") or w["after"].format(year=last) for q in (0.5, 0.1, 0.9)]
        spread = shown[1] if shown[1] == shown[2] else w["range_to"].format(low=shown[1], high=shown[2])
        rows.append([scheme_label(scheme, lang), *(f"{float(prob.sel(year=y)):.0%}" for y in picks), shown[0], spread])
    return rows


def depletion_header(ds: xr.Dataset, lang: str = "en") -> list[str]:
    w = words(lang)
    last = int(ds["year"][-1])
    return [w["scheme"], *(w["by_year"].format(year=y) for y in DEPLETION_YEARS if y <= last), w["median_year"], w["range_80"]]


def depletion_grid(ds: xr.Dataset, lang: str = "en") -> Grid:
    """The grid of :func:`depletion_rows`."""
    return Grid(words(lang)["depletion_title"], depletion_header(ds, lang), depletion_rows(ds, lang))


def print_headline(ds: xr.Dataset, console: Console | None = None, lang: str = "en") -> None:
    print_grid(headline_grid(ds, lang), console)
    if is_stochastic(ds):
        print_grid(depletion_grid(ds, lang), console)


def print_calibration(table, parameters=None) -> None:
    """The calibration tables: each target with the model value and the relative error (a bound is met
    when the model is on its side), then each fitted parameter with its standard error and flags."""
    rows = [[row.scheme, str(row.year), row.variable, f"{row.target:,.6g}", f"{row.model:,.6g}", f"{row.rel_error:+.2%}",
             str(row.bound or ""), row.source] for row in table.itertuples(index=False)]  # fmt: skip
    header = ["scheme", "year", "variable", "target", "model", "rel. error", "bound", "source"]
    print_grid(Grid("calibration: targets (fitted) and the plans' later targets (not fitted)", header, rows, keys=3))
    if parameters is None or parameters.empty:
        return
    rows = []
    for p in parameters.itertuples(index=False):
        flag = ", ".join(f for f, on in (("AT BOUND", p.at_bound), ("NOT IDENTIFIED", not p.identified)) if on)
        rows.append([p.key, str(p.at or ""), f"{p.value:,.6g}", f"{p.sd:,.3g}", f"{p.lower:,.6g}", f"{p.upper:,.6g}", flag])
    title = "fitted parameters (sd from the Jacobian; a parameter at a bound or not identified is a finding to explain)"
    print_grid(Grid(title, ["key", "at", "value", "sd", "lower", "upper", "flag"], rows, keys=2))


def print_backtest(table, fit_until: int) -> None:
    """Every published figure after ``fit_until``: actual, model and the relative error."""
    rows = [[r.scheme, r.variable, str(r.year), f"{r.actual:,.6g}", f"{r.model:,.6g}",
             "" if r.rel_error != r.rel_error else f"{r.rel_error:+.1%}", r.source] for r in table.itertuples(index=False)]  # fmt: skip
    title = f"backtest: fitted on figures up to {fit_until}, against every later figure"
    print_grid(Grid(title, ["scheme", "variable", "year", "actual", "model", "rel. error", "source"], rows, keys=2))


def print_award(award, console: Console | None = None) -> None:
    """One worker's first pension: the parts, the total, the inputs found in the rules and the notes."""
    used = award.inputs
    where = used["province"] + (f", {used['city']}" if used.get("city") else "")
    rows = [
        [name, f"{value:,.2f}"]
        for name, value in (
            ("basic pension", award.basic),
            ("account pension", award.account),
            ("transitional pension", award.transitional),
            ("extra", award.extra),
            ("total", award.total),
        )
    ]
    if award.replacement_rate is not None:
        rows.append(["replacement rate (of --wage)", f"{award.replacement_rate:.1%}"])
    title = f"first pension ({where}), retired {used['retired']}, divisor {used['divisor_months']:g}"
    print_grid(Grid(title, ["part", "yuan / month"], rows, notes=[f"- {note}" for note in award.notes]), console)


def sensitivity_grid(table, lang: str = "en") -> Grid:
    """The sensitivity table of ``sim sensitivity`` for reading: per scheme, each case's low and high side."""
    w = words(lang)
    title = w["sensitivity_title"].format(scenario=table.attrs.get("scenario", ""), first=table.attrs.get("start_year", ""))
    periods = [c.removeprefix("d_actuarial_balance_").removesuffix("y") for c in table.columns if c.startswith("d_actuarial")]
    balances = [c.removeprefix("d_balance_") for c in table.columns if c.startswith("d_balance")]
    header = [w["case"], w["change"], w["depleted"], w["d_years"], *(w["d_ab"].format(n=n) for n in periods),
              *(w["d_balance"].format(year=y) for y in balances)]  # fmt: skip
    rows: list[list[str] | None] = []
    for scheme, part in table.groupby("scheme", sort=False):
        start_section(rows, scheme, lang, len(header))
        for _, r in part.iterrows():
            name = f"  {w['base']}" if r["side"] == "" else f"  {r['assumption']} ({w.get(r['side'], r['side'])})"
            cells = [fmt_number(r["depletion_year"], "year") or w["none"], fmt_number(r["d_depletion_year"], "year") or "-"]
            cells += [f"{r[c]:+.2f}" if np.isfinite(r[c]) else "-" for c in table.columns if c.startswith("d_actuarial")]
            cells += [fmt_number(r[c]) or "-" for c in table.columns if c.startswith("d_balance")]
            rows.append([name, r["change"], *cells])
    return Grid(title, header, rows, keys=1, left=1)
