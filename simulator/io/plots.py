"""Plots of results (matplotlib, Agg backend, imported only here and only when a plot is drawn).

Generic over schemes: a panel is drawn for each scheme that has the variables. Money is shown as a
share of the wage bill (the default), in nominal 亿元 (100 million yuan) or in real 亿元 at the prices of
the price index's reference year; persons in 万人 (10,000 persons); the regional plans' figures
(``seeds/``, kind actual or target) are drawn as markers on the variable they measure (in nominal and
real views). Words come from :mod:`simulator.io.text`; a Chinese plot needs a CJK font, without one
the plots are drawn in English (:func:`plot_lang`).

    available_kinds(ds)                             # the plots `sim run` draws for these results
    draw("fund_gap", ds, "fund_gap.png", lang="zh", money="nominal")  # one plot (`sim plot`)
    fund_gap({"reform": a, "pre-reform": b}, "compare.png")  # overlay of scenarios
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import xarray as xr

from simulator.dims import scheme_label
from simulator.io.tables import central, scheme_values
from simulator.io.text import LANGS, WORDS, resolve_lang
from simulator.io.views import MONEY, money as money_values

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

KINDS = ("fund_gap", "enrolment", "dependency", "pyramid", "fan_balance", "fan_dependency")
FAN_KINDS = ("fan_balance", "fan_dependency")  # stochastic runs only
CJK_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans CN",
]
DPI = 110
YI, WAN = 1e8, 1e4  # 亿 and 万
SCALES = {"en": (1e3, 1e6), "zh": (1e4, 1e4)}  # pyramid: bars in thousands / 万 persons, the panel total in millions / 万
ENROLMENT = (("contributors",), ("retirees", "beneficiaries"), ("insured",))

Target = str | os.PathLike | IO[bytes]


# ---------------------------------------------------------------- language and fonts


@cache
def cjk_fonts() -> tuple[str, ...]:
    """Installed fonts with Chinese glyphs, preferred first (from matplotlib's font list)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return tuple([name for name in CJK_FONTS if name in installed] + sorted(n for n in installed if "CJK" in n and n not in CJK_FONTS))


def plot_lang(lang: str) -> tuple[str, str | None]:
    """(the language plots can be drawn in, a warning or None): ``lang`` resolved (``auto`` follows the
    locale, :func:`simulator.io.text.resolve_lang`); Chinese without a CJK font falls back to English,
    with a one-line warning instead of a missing-glyph warning per character."""
    lang = resolve_lang(lang)
    if lang == "zh" and not cjk_fonts():
        return "en", WORDS["zh"]["no_cjk_font"]
    return lang, None


def _plot_lang(lang: str) -> str:
    """:func:`plot_lang`, its warning through :mod:`warnings` (shown once)."""
    lang, warning = plot_lang(lang)
    if warning:
        warnings.warn(warning, stacklevel=3)
    return lang


def _fonts(lang: str) -> dict[str, object]:
    """A CJK font for Chinese labels."""
    if lang != "zh":
        return {}
    return {"font.sans-serif": [*cjk_fonts(), "DejaVu Sans"], "axes.unicode_minus": False}


def _text(lang: str) -> dict:
    if lang not in WORDS:
        raise ValueError(f"lang {lang!r} (expected one of {', '.join(LANGS)})")
    return WORDS[lang]


def _title(ds: xr.Dataset, lang: str, what: str) -> str:
    """'SCENARIO — what', with the region first when the scenario's name does not start with it
    (in Chinese the region's own name)."""
    scenario, region = str(ds.attrs.get("scenario", "")), str(ds.attrs.get("region", ""))
    if lang == "zh" and ds.attrs.get("region_name"):
        region = str(ds.attrs["region_name"])
    elif scenario.startswith(region):
        region = ""
    return " — ".join(x for x in (" ".join(filter(None, (region, scenario))), what) if x)


# ---------------------------------------------------------------- matplotlib plumbing


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, target: Target) -> Target:
    """Write ``fig`` to a path (format from its suffix) or a binary file object (PNG); close it."""
    plt = _pyplot()
    try:
        if isinstance(target, (str, os.PathLike)):
            target = Path(target)
            fig.savefig(target, dpi=DPI)
        else:
            fig.savefig(target, dpi=DPI, format="png")
    finally:
        plt.close(fig)
    return target


def _thousands(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(
        FuncFormatter(lambda x, _: f"{x:,.0f}" if abs(x) >= 10 or x == 0 else f"{x:,.1f}")
    )


def _grid(n: int, ncols: int, width: float, height: float, **layout):
    """``n`` panels in rows of ``ncols`` (``height`` inches a row), sharing the years, in a fixed layout
    (:func:`_layout`, its margins and gaps in inches)."""
    plt = _pyplot()
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * nrows + 0.9), squeeze=False, sharex=True)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_visible(False)
            if i >= ncols:  # the panel above keeps its years
                axes.flat[i - ncols].tick_params(labelbottom=True)
    _layout(fig, nrows, ncols, **layout)
    return fig, axes


def _layout(fig, nrows: int, ncols: int, top: float = 0.75, bottom: float = 0.55, left: float = 0.95,
            right: float = 0.25, hgap: float = 0.75, wgap: float = 1.05) -> None:  # fmt: skip
    """Margins and gaps in inches: the fixed room of the titles, tick labels and axis labels (measuring
    every text first, as ``tight_layout`` does, took a quarter of the drawing time)."""
    width, height = fig.get_size_inches()
    panel_h = (height - top - bottom - (nrows - 1) * hgap) / nrows
    panel_w = (width - left - right - (ncols - 1) * wgap) / ncols
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
        hspace=hgap / panel_h if nrows > 1 else 0.2, wspace=wgap / panel_w if ncols > 1 else 0.2,
    )  # fmt: skip


def _schemes_with(datasets: list[xr.Dataset], names: tuple[str, ...]) -> list[str]:
    """Schemes (in first-seen order) that have any of ``names`` in some dataset."""
    out: list[str] = []
    for ds in datasets:
        for scheme in map(str, ds["scheme"].values):
            if scheme not in out and any(scheme_values(ds, n, scheme) is not None for n in names):
                out.append(scheme)
    return out


# ---------------------------------------------------------------- plan markers


def plan_markers(ds: xr.Dataset) -> pd.DataFrame:
    """The plans' figures (kind actual or target) that measure a (scheme, year) variable of ``ds``, in its
    units (:func:`simulator.io.seeds.figures_in`). Empty when the region has no seed file."""
    from simulator.io.seeds import figures_in

    return figures_in(ds)


def _label(name: str, lang: str) -> str:
    """A variable's label from the registry (English, or Chinese for ``zh``)."""
    from simulator.variables import variable

    return variable(name).label(lang)


def _draw_markers(
    ax, markers: pd.DataFrame, scheme: str, variable: str, scale: float, color: str, text: dict, prices: xr.DataArray | None = None
) -> None:  # fmt: skip
    """The plans' figures of ``variable`` as markers, divided by ``scale`` (and by the price index of their
    year when ``prices`` is given: real values)."""
    picked = markers[(markers["scheme"] == scheme) & (markers["variable"] == variable)]
    for kind, style in (
        ("actual", {"marker": "o", "markerfacecolor": color}),
        ("target", {"marker": "D", "markerfacecolor": "white"}),
    ):
        rows = picked[picked["kind"] == kind]
        if prices is not None:
            rows = rows[rows["year"].isin(prices["year"].values)]
        if len(rows):
            deflator = prices.sel(year=rows["year"].values).values if prices is not None else 1.0
            ax.plot(
                rows["year"],
                rows["value"] / scale / deflator,
                ls="none",
                color=color,
                markeredgecolor=color,
                markersize=7,
                zorder=5,
                label=f"{text[kind]}",
                **style,
            )


def _dedupe_legend(ax, **kwargs) -> None:
    handles, labels = ax.get_legend_handles_labels()
    seen = dict(zip(labels, handles))
    ax.legend(seen.values(), seen.keys(), fontsize="small", frameon=False, **kwargs)


# ---------------------------------------------------------------- the plots


def fund_gap(
    results: xr.Dataset | Mapping[str, xr.Dataset], path: Target, lang: str = "en", markers: bool = True,
    money: str = "share",
) -> Target:  # fmt: skip
    """Per scheme with a fund: the annual fund gap (contributions − benefits) left and the fund
    balance at year end right, as shares of the wage bill (``money="share"``), in nominal 亿元
    (``"nominal"``) or in real 亿元 (``"real"``), the depletion year marked. Given several datasets
    (label: dataset) the scenarios are overlaid, one colour each. Plan figures as markers (in 亿元)."""
    text = _text(lang)
    datasets = {"": results} if isinstance(results, xr.Dataset) else dict(results)
    if not datasets:
        raise ValueError("no results to plot")
    if money not in MONEY:
        raise ValueError(f"money {money!r} (expected one of {', '.join(MONEY)})")
    schemes = _schemes_with(list(datasets.values()), ("balance",))
    if not schemes:
        raise ValueError("no scheme with a fund balance in the results")
    first = next(iter(datasets.values()))
    regions = {ds.attrs.get("region") for ds in datasets.values()}
    marks = plan_markers(first) if markers and money != "share" and len(regions) == 1 else None
    with _pyplot().rc_context(_fonts(lang)):
        fig, axes = _grid(2 * len(schemes), 2, 12.0, 3.3)
        for row, scheme in enumerate(schemes):
            for col, var in enumerate(("current_balance", "balance")):
                ax = axes[row, col]
                unit = ""
                for i, (label, ds) in enumerate(datasets.items()):
                    values, unit = money_values(ds, var, scheme, money, lang)
                    if values is None:
                        continue
                    color = f"C{i}"
                    ax.plot(values["year"], values, color=color, lw=1.6, label=label or _label(var, lang))
                    depleted = scheme_values(ds, "depletion_year", scheme) if var == "balance" else None
                    if depleted is not None:
                        year = float(depleted)
                        years = values["year"].values
                        late = year > years[0] + 0.8 * (years[-1] - years[0])  # the text goes left of the line
                        ax.axvline(year, color=color, ls=":", lw=1.2)
                        ax.annotate(
                            text["depleted_year"].format(year=f"{year:.0f}"),
                            xy=(year, 0.96 - 0.09 * i),
                            xycoords=("data", "axes fraction"),
                            xytext=(-4 if late else 4, 0),
                            textcoords="offset points",
                            color=color,
                            fontsize="small",
                            va="top",
                            ha="right" if late else "left",
                            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
                        )
                    if marks is not None and i == 0:
                        prices = central(ds["price_index"]) if money == "real" else None
                        _draw_markers(ax, marks, scheme, var, YI, color, text, prices)
                ax.axhline(0, color="grey", lw=0.6)
                ax.set_title(f"{scheme_label(scheme, lang)}: {_label(var, lang)}", fontsize="medium")
                ax.set_ylabel(unit)
                _thousands(ax)
                if ax.lines and (
                    len(datasets) > 1 or (marks is not None and len(ax.get_legend_handles_labels()[0]) > 1)
                ):
                    _dedupe_legend(ax, loc="lower left")
        for ax in axes[-1]:
            ax.set_xlabel(text["year"])
        fig.suptitle(
            _title(first, lang, text["fund_gap"])
            if len(datasets) == 1
            else f"{text['fund_gap']}: {' vs '.join(datasets)}"
        )
        return _save(fig, path)


def enrolment(ds: xr.Dataset, path: Target, lang: str = "en", markers: bool = True) -> Target:
    """Per scheme: contributors, retirees or beneficiaries, and all insured, in 万人, with the plans'
    figures as markers (filled: actual, hollow: target)."""
    text = _text(lang)
    schemes = _schemes_with([ds], tuple(n for names in ENROLMENT for n in names))
    if not schemes:
        raise ValueError("no scheme with contributors, retirees or beneficiaries in the results")
    marks = plan_markers(ds) if markers else None
    with _pyplot().rc_context(_fonts(lang)):
        fig, axes = _grid(len(schemes), min(2, len(schemes)), 12.0 if len(schemes) > 1 else 8.0, 3.8)
        for ax, scheme in zip(axes.flat, schemes):
            contributors, insured = scheme_values(ds, "contributors", scheme), scheme_values(ds, "insured", scheme)
            same = contributors is not None and insured is not None and insured.equals(contributors)
            for i, names in enumerate(ENROLMENT):
                name = next((n for n in names if scheme_values(ds, n, scheme) is not None), None)
                if name is None or (name == "insured" and same):
                    continue  # all insured contribute (unemployment, work injury): one line for both
                color = f"C{i}"
                label = text["contributors_insured"] if name == "contributors" and same else _label(name, lang)
                values = scheme_values(ds, name, scheme)
                ax.plot(
                    values["year"],
                    values / WAN,
                    color=color,
                    lw=1.6,
                    ls="--" if name == "insured" else "-",
                    label=label,
                )
                if marks is not None:
                    for measured in (name, "insured") if name == "contributors" and same else (name,):
                        _draw_markers(ax, marks, scheme, measured, WAN, color, text)
            ax.set_title(scheme_label(scheme, lang), fontsize="medium")
            ax.set_ylabel(text["wan"])
            ax.set_ylim(bottom=0)
            _thousands(ax)
            _dedupe_legend(ax, loc="best")
        for ax in axes[-1]:
            ax.set_xlabel(text["year"])
        fig.suptitle(_title(ds, lang, text["enrolment"]))
        return _save(fig, path)


def dependency(ds: xr.Dataset, path: Target, lang: str = "en") -> Target:
    """System dependency ratio of each scheme that has one (beneficiaries per contributor) and the
    demographic old-age dependency ratio (population 65+ / 15-64)."""
    text = _text(lang)
    schemes = _schemes_with([ds], ("dependency_ratio",))
    has_population = "old_age_dependency" in ds and not bool(ds["old_age_dependency"].isnull().all())
    if not schemes and not has_population:
        raise ValueError("no dependency ratio in the results")
    with _pyplot().rc_context(_fonts(lang)):
        fig, ax = _pyplot().subplots(figsize=(9.0, 4.8))
        for i, scheme in enumerate(schemes):
            values = scheme_values(ds, "dependency_ratio", scheme)
            ax.plot(
                values["year"],
                values,
                color=f"C{i}",
                lw=1.8,
                label=text["dependency_ratio"].format(scheme=scheme_label(scheme, lang)),
            )
        if has_population:
            pop = central(ds["old_age_dependency"])
            ax.plot(pop["year"], pop, color="black", ls="--", lw=1.4, label=_label("old_age_dependency", lang))
        ax.axhline(1.0, color="grey", lw=0.6, ls=":")
        ax.set_ylim(bottom=0)
        ax.set_ylabel(text["ratio"])
        ax.set_xlabel(text["year"])
        ax.set_title(_title(ds, lang, text["dependency"]))
        _dedupe_legend(ax, loc="upper left")
        _layout(fig, 1, 1, top=0.45)
        return _save(fig, path)


def pyramid_years(ds: xr.Dataset) -> list[int]:
    """The base year and 2050 (or the horizon when it comes first)."""
    years = ds["year"].values
    return sorted({int(years[0]), int(min(2050, years[-1]))})


def population_pyramid(ds: xr.Dataset, years: list[int], path: Target, lang: str = "en") -> Target:
    """Population by sex and single age (100 = 100+) at the end of each of ``years``, one panel a
    year, men left and women right, on one scale; the first year's outline is drawn on later panels.

    ``ds`` needs ``population(year, sex, age)`` (with a ``draw`` dim the median is drawn). Writes a PNG
    to ``path`` and returns it."""
    text = _text(lang)
    if "population" not in ds:
        raise ValueError("no population in the results")
    missing = [y for y in years if y not in ds["year"].values]
    if not years or missing:
        span = f"{int(ds.year[0])}..{int(ds.year[-1])}"
        raise ValueError(f"years {missing or years} not in the results (expected years within {span})")
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter

    scale, total_scale = SCALES[lang]
    pop = central(ds["population"]).sel(year=years).transpose("year", "sex", "age") / scale
    ages = pop["age"].values
    edges = np.append(ages, ages[-1] + 1) - 0.5  # a bar of height 1 per single age
    widest = float(pop.max()) * 1.05
    with plt.rc_context(_fonts(lang)):
        fig, axes = plt.subplots(1, len(years), figsize=(4.2 * len(years), 5.6), sharey=True, squeeze=False)
        first = pop.isel(year=0)
        for i, (ax, year) in enumerate(zip(axes[0], years)):
            panel = pop.sel(year=year)
            male, female = panel.sel(sex="male").values, panel.sel(sex="female").values
            # one filled step outline per sex (the bars of single ages, drawn as one shape: 2 artists, not 202)
            ax.stairs(-male, edges, orientation="horizontal", fill=True, color="#3b75af", label=text["male"])
            ax.stairs(female, edges, orientation="horizontal", fill=True, color="#c8553d", label=text["female"])
            if i:
                outline = np.concatenate([-first.sel(sex="male").values[::-1], first.sel(sex="female").values])
                ax.plot(outline, np.concatenate([ages[::-1], ages]), color="black", lw=0.7, label=str(years[0]))
            ax.set_xlim(-widest, widest)
            ax.set_ylim(edges[0], edges[-1])
            total = (male.sum() + female.sum()) * scale / total_scale
            region = ds.attrs.get("region", "")
            ax.set_title(f"{region} {year}: {text['total']} {total:,.1f} {text['total_unit']}".strip())
            ax.set_xlabel(text["pyramid_unit"])
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x):,.0f}"))
            ax.axvline(0, color="grey", lw=0.5)
        axes[0, 0].set_ylabel(text["age"])
        axes[0, -1].legend(loc="upper right", fontsize="small", frameon=False)
        _layout(fig, 1, len(years), top=0.45, left=0.75, wgap=0.3)
        return _save(fig, path)


def _fan(ax, values: xr.DataArray, scale: float, color: str, text: dict, label: str | None = None) -> None:
    """Median line and the 80% and 95% bands of ``values`` (quantile, year), divided by ``scale``."""
    q = values.transpose("quantile", "year")
    years = q["year"].values
    ax.fill_between(years, q.sel(quantile=0.025) / scale, q.sel(quantile=0.975) / scale, color=color, alpha=0.15,
                    lw=0, label=text["range95"])  # fmt: skip
    ax.fill_between(years, q.sel(quantile=0.1) / scale, q.sel(quantile=0.9) / scale, color=color, alpha=0.35, lw=0,
                    label=text["range80"])  # fmt: skip
    ax.plot(years, q.sel(quantile=0.5) / scale, color=color, lw=1.8, label=label or text["median"])


def _require_quantiles(ds: xr.Dataset) -> None:
    if "quantile" not in ds.dims:
        raise ValueError("fan charts need the results of a stochastic run (sim run --draws N)")


def fan_balance(ds: xr.Dataset, path: Target, lang: str = "en") -> Target:
    """Per scheme with a fund: the fund balance in nominal 亿元 (left) and as a share of the wage bill
    (right), median and the 80% and 95% ranges over the draws (each draw's own ratio: a percentile of
    the shares is not the percentile of the balance over that of the wage bill), with the probability
    that the fund is depleted by 2035, 2050 and 2070."""
    from simulator.io.tables import DEPLETION_YEARS

    _require_quantiles(ds)
    text = _text(lang)
    schemes = _schemes_with([ds], ("balance",))
    if not schemes:
        raise ValueError("no scheme with a fund balance in the results")
    with _pyplot().rc_context(_fonts(lang)):
        fig, axes = _grid(2 * len(schemes), 2, 12.0, 3.5, top=1.3, hgap=0.95)
        for row, scheme in enumerate(schemes):
            for col, (name, scale, unit) in enumerate((("balance", YI, text["yi"]), ("balance_to_wage_bill", 0.01, text["share"]))):
                ax = axes[row, col]
                values = ds[name].sel(scheme=scheme) if name in ds else None
                if values is None or bool(values.isnull().all()):
                    ax.set_visible(False)
                    continue
                _fan(ax, values, scale, "C0", text)
                ax.axhline(0, color="grey", lw=0.6)
                title = f"{scheme_label(scheme, lang)}: {_label(name, lang)}"
                if col == 0:
                    _thousands(ax)
                    prob = ds["prob_depletion"].sel(scheme=scheme)
                    picks = [y for y in DEPLETION_YEARS if y in prob["year"].values]
                    probs = " / ".join(f"{float(prob.sel(year=y)):.0%}" for y in picks)
                    title += "\n" + text["p_depleted_plot"].format(years=" / ".join(map(str, picks)), probs=probs)
                ax.set_title(title, fontsize="medium")
                ax.set_ylabel(unit)
        for ax in axes[-1]:
            ax.set_xlabel(text["year"])
        _fan_legend(fig, axes.flat[0], ds, lang, text["fan_balance"])
        return _save(fig, path)


def fan_dependency(ds: xr.Dataset, path: Target, lang: str = "en") -> Target:
    """The system dependency ratio of each scheme that has one and the old-age dependency ratio of the
    population: median and the 80% and 95% ranges over the draws, one panel each."""
    _require_quantiles(ds)
    text = _text(lang)
    schemes = _schemes_with([ds], ("dependency_ratio",))
    panels = [(s, ds["dependency_ratio"].sel(scheme=s)) for s in schemes]
    if "old_age_dependency" in ds and "quantile" in ds["old_age_dependency"].dims:
        panels.append(("population", ds["old_age_dependency"]))
    if not panels:
        raise ValueError("no dependency ratio in the results")
    with _pyplot().rc_context(_fonts(lang)):
        fig, axes = _grid(len(panels), 2, 12.0, 3.3, top=1.3)
        for i, (ax, (scheme, values)) in enumerate(zip(axes.flat, panels)):
            _fan(ax, values, 1.0, f"C{i}", text)
            name = "old_age_dependency" if scheme == "population" else "dependency_ratio"
            title = _label(name, lang) if scheme == "population" else f"{scheme_label(scheme, lang)}: {_label(name, lang)}"
            ax.set_title(title, fontsize="medium")
            ax.set_ylabel(text["ratio"])
            ax.set_ylim(bottom=0)
        for ax in axes[-1]:
            ax.set_xlabel(text["year"])
        _fan_legend(fig, axes.flat[0], ds, lang, text["fan_dependency"])
        return _save(fig, path)


def _fan_legend(fig, ax, ds: xr.Dataset, lang: str, what: str) -> None:
    """The title of a fan chart and one legend for its panels, above them."""
    handles, labels = ax.get_legend_handles_labels()
    fig.suptitle(_title(ds, lang, what.format(draws=f"{int(ds.attrs.get('draws', 0)):,}")))
    height = fig.get_size_inches()[1]
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize="small", frameon=False, bbox_to_anchor=(0.5, 1 - 0.45 / height))


def tornado(table: pd.DataFrame, path: Target, lang: str = "en", period: int = 75) -> Target:
    """Tornado chart of a sensitivity table (:func:`simulator.uncertainty.sensitivity.run`): per scheme
    with a wage bill, the change in the ``period``-year actuarial balance of each case's low and high
    side, the widest swing on top."""
    lang = _plot_lang(lang)
    text = _text(lang)
    column = f"d_actuarial_balance_{period}y"
    rows = table[table["side"].isin(["low", "high"]) & table[column].notna()]
    schemes = list(dict.fromkeys(rows["scheme"]))
    if not schemes:
        raise ValueError(f"no scheme with a {period}-year actuarial balance in the sensitivity table")
    with _pyplot().rc_context(_fonts(lang)):
        n_cases = rows["assumption"].nunique()
        fig, axes = _pyplot().subplots(len(schemes), 1, figsize=(9.0, (0.35 * n_cases + 1.2) * len(schemes) + 0.6), squeeze=False)
        for ax, scheme in zip(axes[:, 0], schemes):
            part = rows[rows["scheme"] == scheme].pivot(index="assumption", columns="side", values=column)
            part = part.reindex(part.abs().max(axis=1).sort_values().index)
            y = np.arange(len(part))
            ax.barh(y, part["low"], color="C0", label=text["low"])
            ax.barh(y, part["high"], color="C3", label=text["high"], alpha=0.8)
            ax.set_yticks(y, [name.replace("_", " ") for name in part.index])
            ax.axvline(0, color="black", lw=0.8)
            ax.set_title(scheme_label(scheme, lang), fontsize="medium")
            ax.set_xlabel(text["points"])
            _dedupe_legend(ax, loc="lower right")
        fig.suptitle(text["tornado"].format(n=period, first=table.attrs.get("start_year", "")))
        fig.tight_layout()
        return _save(fig, path)


# ---------------------------------------------------------------- dispatch


def draw(
    kind: str, ds: xr.Dataset, path: Target, lang: str = "auto", years: list[int] | None = None, money: str = "share"
) -> Target:  # fmt: skip
    """Draw one plot of ``kind`` (see :data:`KINDS`); ``years`` are the pyramid's (default
    :func:`pyramid_years`), ``money`` the view of money of the fund-gap plot (share, nominal, real).
    Raises ValueError for an unknown kind or results that lack its data."""
    lang = _plot_lang(lang)
    if kind == "pyramid":
        return population_pyramid(ds, years or pyramid_years(ds), path, lang)
    if years:
        raise ValueError(f"years apply to the pyramid only, not to {kind}")
    if kind == "fund_gap":
        return fund_gap(ds, path, lang, money=money)
    plots = {"enrolment": enrolment, "dependency": dependency, "fan_balance": fan_balance, "fan_dependency": fan_dependency}
    if kind not in plots:
        raise ValueError(f"plot kind {kind!r} (expected one of {', '.join(KINDS)})")
    return plots[kind](ds, path, lang)


def available_kinds(ds: xr.Dataset) -> list[str]:
    """The plot kinds the results have data for."""
    has = {
        "fund_gap": bool(_schemes_with([ds], ("balance",))),
        "enrolment": bool(_schemes_with([ds], tuple(n for names in ENROLMENT for n in names))),
        "dependency": bool(_schemes_with([ds], ("dependency_ratio",))) or "old_age_dependency" in ds,
        "pyramid": "population" in ds,
        "fan_balance": "quantile" in ds.dims and bool(_schemes_with([ds], ("balance",))),
        "fan_dependency": "quantile" in ds.dims and "dependency_ratio" in ds,
    }
    return [k for k in KINDS if has[k]]


def png_bytes(kind: str, ds: xr.Dataset, lang: str = "auto", money: str = "share") -> bytes:
    """One plot as PNG bytes (for embedding)."""
    buffer = io.BytesIO()
    draw(kind, ds, buffer, lang, money=money)
    return buffer.getvalue()


def backtest_plot(ds: xr.Dataset, table: pd.DataFrame, fit_until: int, path: Target, lang: str = "en") -> Target:
    """One panel per compared quantity (scheme, variable): the projection of the fit as a line and every
    published figure after ``fit_until`` as a marker (a bound as a triangle pointing its way); a dotted
    line marks the last year fitted. Persons in 万人, money in 亿元."""
    from matplotlib.ticker import MaxNLocator

    from simulator.io.seeds import expression_terms

    pairs = list(dict.fromkeys(zip(table["scheme"], table["variable"])))
    last = int(table["year"].max())
    with _pyplot().rc_context(_fonts(lang)):
        fig, axes = _grid(len(pairs), min(3, len(pairs)), 13.0 if len(pairs) > 1 else 6.0, 3.0)
        for ax, (scheme, variable) in zip(axes.flat, pairs):
            years = ds["year"].values[(ds["year"].values >= fit_until - 5) & (ds["year"].values <= last + 1)]
            terms = expression_terms(scheme, variable, 0)
            model = sum(sign * ds[var].sel(scheme=scheme, year=years).values for sign, _, var, _ in terms)
            units = ds[terms[0][2]].attrs.get("units", "")
            scale = {"persons": WAN, "yuan": YI}.get(units, 1.0)
            ax.plot(years, model / scale, color="C0", lw=1.6, label="model")
            rows = table[(table["scheme"] == scheme) & (table["variable"] == variable)]
            for bound, marker in (("", "o"), ("lower", "^"), ("upper", "v")):
                kind = rows["source"].str.extract(r"^(lower|upper) bound: ", expand=False).fillna("")
                pick = rows[kind == bound]
                if len(pick):
                    ax.plot(pick["year"], pick["actual"] / scale, marker, color="C3", label=f"published {bound}".strip())
            ax.axvline(fit_until + 0.5, color="grey", ls=":", lw=1.0)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"{scheme_label(scheme, lang)}: {variable}", fontsize="small")
            ax.set_ylabel({WAN: _text(lang)["wan"], YI: _text(lang)["yi"]}.get(scale, units))
            _thousands(ax)
            _dedupe_legend(ax, loc="best")
        fig.suptitle(f"{ds.attrs.get('scenario', '')}: backtest, fitted up to {fit_until}")
        fig.tight_layout()
        return _save(fig, path)
