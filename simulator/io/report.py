"""A self-contained HTML report of one run: ``OUTDIR/report.html`` with the scenario, its provenance,
a headline table per scheme and the plots embedded as base64 PNG. No network: no external CSS,
script, font or image, so the file opens in any browser, offline, and can be mailed as it is."""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path

import numpy as np
import xarray as xr

from simulator.io.tables import depletion_header, depletion_rows, depletion_text, headline_rows, is_stochastic, scheme_values
from simulator.version import __version__

REPORT_FILE = "report.html"
CAPTIONS = {
    "fund_gap": "Fund gap and fund balance, in 亿元 (100 million yuan). Left: contributions minus benefits in each "
    "year, the gap before subsidies, interest and transfers. Right: the fund balance at year end; a dotted "
    "line marks the year it first turns negative. Markers: figures of the regional plan (filled: actual, "
    "hollow: target).",
    "enrolment": "Enrolment, in 万人 (10,000 persons): contributors, retirees or beneficiaries, and all insured members, "
    "with the regional plan's figures as markers (filled: actual, hollow: target).",
    "dependency": "Dependency ratios: beneficiaries per contributor in each scheme (system dependency) and the "
    "population aged 65+ per person aged 15-64 (demographic dependency).",
    "pyramid": "Population by sex and single age at the end of the base year and of 2050 (or the horizon); the "
    "outline on the right panel is the base year.",
    "fan_balance": "Fan chart of each fund's balance at year end, in 亿元 (left) and as a share of the year's wage bill "
    "(right): the line is the median of the draws, the dark band holds 80% of them (10% to 90%), the light band 95% "
    "(2.5% to 97.5%). Each year's percentiles are taken separately: the median line is not one draw's path. The "
    "panel title gives the share of draws whose fund is depleted by 2035, 2050 and 2070.",
    "fan_dependency": "Fan charts of the system dependency ratios (beneficiaries per contributor) and of the population's "
    "old-age dependency ratio (65+ / 15-64): median, 80% and 95% ranges of the draws in each year.",
}
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
 margin:0;color:#222;background:#fff;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:1.2rem 1.5rem 3rem}
h1{font-size:1.6rem;margin:.2rem 0 .3rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}.lead{color:#444;margin-top:0}.note{color:#555;font-size:.9rem}
nav a{margin-right:1rem;color:#333}
table{border-collapse:collapse;font-size:.9rem;margin:.4rem 0}
th,td{padding:.2rem .6rem;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #999;background:#f4f4f4}
table.kv td{text-align:left;white-space:normal}table.kv td:first-child{color:#555;width:12rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.6rem;max-height:30rem;overflow:auto}
figure{margin:1rem 0 2rem}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{color:#444;font-size:.9rem;margin-top:.3rem}
"""


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _provenance(ds: xr.Dataset, source: Path | None) -> str:
    a = ds.attrs
    region = " ".join(str(x) for x in (a.get("region_name", ""), f"({a['region']})" if a.get("region") else "") if x)
    rows = [
        ("scenario", a.get("scenario", "")),
        ("description", a.get("description", "")),
        ("region", region),
        ("years", f"{a.get('base_year', '')} (base year, observed stocks) to {a.get('horizon', '')}"),
        ("scenario file", a.get("scenario_file", "")),
        ("scenario sha256", a.get("scenario_sha256", "")),
        ("simulator version", a.get("simulator_version", "")),
        ("calibration", a.get("calibration", "not recorded")),
        ("stochastic run", f"{a['draws']:,} draws from seed {a['seed']}; {a.get('migration_shortfall', '')}" if "draws" in a else ""),
        ("results created", a.get("created", "")),
        ("results file", str(source) if source else ""),
    ]
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in rows if str(v))
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _headlines(ds: xr.Dataset) -> str:
    from simulator.io.tables import headline_years

    years = headline_years(ds)
    parts = []
    for scheme in map(str, ds["scheme"].values):
        rows = headline_rows(ds, scheme, years)
        if not rows:
            continue
        notes = [depletion_text(ds, scheme)]
        balance = scheme_values(ds, "actuarial_balance", scheme)
        if balance is not None and np.isfinite(float(balance)):
            text = f"actuarial balance over the horizon {float(balance) * 100:.2f}% of the wage bill"
            if is_stochastic(ds):
                q = ds["actuarial_balance"].sel(scheme=scheme)
                text += f" (median; 80% range {float(q.sel(quantile=0.1)) * 100:.2f}% to {float(q.sel(quantile=0.9)) * 100:.2f}%)"
            notes.append(text)
        parts.append(f"<h3>{escape(scheme)}</h3>")
        parts.append(f'<p class="note">{escape("; ".join(n for n in notes if n))}</p>')
        parts.append(_table(["", *map(str, years)], [[label, *cells] for label, cells in rows]))
    if is_stochastic(ds) and parts:
        intro = (
            f"Medians of {int(ds.attrs.get('draws', 0)):,} draws; under each figure its 80% range (10% and 90% "
            "percentiles of the draws in that year)."
        )
        parts.insert(0, f'<p class="note">{escape(intro)}</p>')
        parts.append("<h3>Depletion</h3>")
        parts.append('<p class="note">Share of the draws whose fund balance has turned negative by the end of each '
                     "year, and the year it first does (median and 80% range).</p>")
        parts.append(_table(depletion_header(ds), depletion_rows(ds)))
    return "\n".join(parts) or "<p>No scheme results.</p>"


def _figures(ds: xr.Dataset, lang: str) -> str:
    from simulator.io.plots import available_kinds, png_bytes

    parts = []
    for kind in available_kinds(ds):
        data = base64.b64encode(png_bytes(kind, ds, lang)).decode("ascii")
        parts.append(
            f'<figure id="plot-{kind}"><img src="data:image/png;base64,{data}" alt="{escape(kind)} plot">'
            f"<figcaption>{escape(CAPTIONS.get(kind, kind))}</figcaption></figure>"
        )
    return "\n".join(parts) or "<p>No plots: the results have no data to plot.</p>"


def _files(folder: Path | None) -> str:
    if folder is None:
        return ""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".") and p.name != REPORT_FILE)
    rows = [[str(p.relative_to(folder)), f"{p.stat().st_size / 1024:,.0f} kB"] for p in files]
    about = (
        "results.nc: every variable by year (and scheme, sex, age) with units, open with xarray; "
        "summary: one row per region, scheme, year and variable; plots/: the plots below as PNG."
    )
    return f'<h2 id="files">Files in this folder</h2><p class="note">{escape(about)}</p>' + _table(
        ["file", "size"], rows
    )


def render_report(ds: xr.Dataset, lang: str = "auto", source: Path | None = None) -> str:
    """The report as one HTML string (plots in ``lang``: auto, en or zh). ``source``: the results
    file, named in the provenance; its folder's files are listed."""
    from simulator.io.plots import resolve_lang

    lang = resolve_lang(lang)
    a = ds.attrs
    title = f"{a.get('scenario', 'results')}: social-insurance fund projection"
    scenario_json = a.get("scenario_json", "")
    details = (
        (
            f"<details><summary>The validated scenario (canonical JSON, the text hashed in scenario sha256)</summary>"
            f"<pre>{escape(scenario_json)}</pre></details>"
        )
        if scenario_json
        else ""
    )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    folder = source.parent if source is not None else None
    files_link = '<a href="#files">Files</a>' if folder else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
<p class="lead">{escape(str(a.get("description", "")))}</p>
<nav><a href="#scenario">Scenario</a><a href="#headline">Headline figures</a><a href="#plots">Plots</a>{files_link}</nav>
<h2 id="scenario">Scenario and provenance</h2>
{_provenance(ds, source)}
{details}
<h2 id="headline">Headline figures</h2>
<p class="note">万人 = 10,000 persons; 亿元 = 100 million yuan (nominal). Stocks at year end, flows during the year;
the base year holds observed stocks, so its flows are empty.</p>
{_headlines(ds)}
<h2 id="plots">Plots</h2>
{_figures(ds, lang)}
{_files(folder)}
<p class="note">Report made by sim {escape(__version__)} on {now}.</p>
</main>
</body>
</html>
"""


def write_report(path: Path, lang: str = "auto", force: bool = False) -> Path:
    """Write ``report.html`` into the results folder ``path`` (or beside ``path``/results.nc),
    atomically; an existing report is replaced only with ``force``."""
    from simulator.io.writers import RESULTS_FILE, OutputExists, atomic_file, read_results

    path = Path(path)
    ds = read_results(path)
    source = path / RESULTS_FILE if path.is_dir() else path
    target = source.parent / REPORT_FILE
    if target.exists() and not force:  # before the plots are drawn
        raise OutputExists(f"{target} exists (use --force to replace it)")
    html = render_report(ds, lang, source)
    with atomic_file(target, force) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
