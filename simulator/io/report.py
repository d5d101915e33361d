"""A self-contained HTML report of one run: ``OUTDIR/report.html`` with the scenario, its provenance,
a headline table per scheme (with the present value of the subsidy needed and the actuarial balance,
each with its discount rate), every input with its value, status and source (provisional ones
flagged), and the plots embedded as base64 PNG, in English or Chinese. No network: no external CSS,
script, font or image, so the file opens in any browser, offline, and can be mailed as it is."""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path

import xarray as xr

from simulator.dims import scheme_label
from simulator.io.tables import (
    depletion_header,
    depletion_rows,
    headline_rows,
    headline_years,
    inputs_of,
    is_stochastic,
    scheme_notes,
)
from simulator.io.text import resolve_lang, words
from simulator.scenario.inputs import STATUSES
from simulator.version import __version__

REPORT_FILE = "report.html"
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
table.inputs td{text-align:left;white-space:normal;vertical-align:top}table.inputs td.value{max-width:22rem}
table.inputs td.source{font-size:.82rem;color:#444;max-width:40rem}table.inputs tr.provisional{background:#fff3cd}
.status{font-size:.8rem;padding:0 .3rem;border-radius:3px;border:1px solid #bbb;white-space:nowrap}
.provisional .status{border-color:#b58105;color:#7a5600;font-weight:bold}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.6rem;max-height:30rem;overflow:auto}
figure{margin:1rem 0 2rem}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{color:#444;font-size:.9rem;margin-top:.3rem}
"""
TEXT = {
    "en": {
        "title": "{scenario}: social-insurance fund projection",
        "nav": ("Scenario", "Headline figures", "Assumptions", "Plots", "Files"),
        "provenance": "Scenario and provenance",
        "rows": {
            "scenario": "scenario", "description": "description", "region": "region", "years": "years",
            "scenario_file": "scenario file", "scenario_sha256": "scenario sha256", "simulator_version": "simulator version",
            "calibration": "calibration (fitted values used)", "stochastic": "stochastic run", "created": "results created",
            "results_file": "results file", "shown": "tables and plots",
        },  # fmt: skip
        "years": "{base} (base year: the scenario's opening stocks, sourced, fitted or assumed: see the assumptions) to {horizon}",
        "stochastic": "{draws:,} draws from seed {seed}; {shortfall}",
        "scenario_json": "The validated scenario (canonical JSON, the text hashed in scenario sha256)",
        "headline": "Headline figures",
        "headline_note": (
            "万人 = 10,000 persons; 亿元 = 100 million yuan (nominal). Stocks at year end, flows during the year; the "
            "base year holds the opening stocks, so its flows are empty. Shares of the wage bill: of the scheme's "
            "contribution base (the residents pension: of the employee pension's)."
        ),
        "medians": "Medians of {draws:,} draws; under each figure its 80% range (10% and 90% percentiles of the draws in that year).",
        "depletion": "Depletion",
        "depletion_note": "Share of the draws whose fund balance has turned negative by the end of each year, and the year it first does (median and 80% range).",
        "assumptions": "Assumptions",
        "assumptions_note": (
            "Every input of the run, with its value, its status and its source as the scenario files give it. "
            "Status: <b>source</b> the scenario cites a source; <b>fitted</b> the value was fitted by sim calibrate to "
            "the region's published figures (not observed); <b>assumption</b> the scenario says it is an assumption, "
            "gives no source, or leaves the schema's default; <b>provisional</b> a placeholder until a figure is "
            "found. Of {total} inputs: {counts}."
        ),
        "no_inputs": "The run did not record its inputs (results of an older version, or of a scenario given as an object).",
        "provisional_scenario": "This scenario is PROVISIONAL: {text}",
        "inputs_header": ("input", "value", "status", "source", "where"),
        "status": {"source": "source", "fitted": "fitted", "assumption": "assumption", "provisional": "PROVISIONAL"},
        "no_source": "(no source given)",
        "plots": "Plots",
        "no_plots": "No plots: the results have no data to plot.",
        "files": "Files in this folder",
        "files_note": (
            "results.nc: every variable by year (and scheme, sex, age) with units, open with xarray; summary: one "
            "row per region, scheme, year and variable; plots/: the plots of sim run as PNG."
        ),
        "file_header": ("file", "size"),
        "made_by": "Report made by sim {version} on {now}.",
        "no_results": "No scheme results.",
        "captions": {
            "fund_gap": (
                "Fund gap and fund balance, {unit}. Left: contributions minus benefits in each year, the gap before "
                "subsidies, interest and transfers. Right: the fund balance at year end; a dotted line marks the year "
                "it first turns negative. Markers (nominal and real views): figures of the regional plan (filled: "
                "actual, hollow: target)."
            ),
            "enrolment": (
                "Enrolment, in 万人 (10,000 persons): contributors, retirees or beneficiaries, and all insured members, "
                "with the regional plan's figures as markers (filled: actual, hollow: target)."
            ),
            "dependency": (
                "Dependency ratios: beneficiaries per contributor in each scheme (system dependency) and the "
                "population aged 65+ per person aged 15-64 (demographic dependency)."
            ),
            "pyramid": (
                "Population by sex and single age at the end of the base year and of 2050 (or the last year shown); "
                "the outline on the right panel is the base year."
            ),
            "fan_balance": (
                "Fan chart of each fund's balance at year end, in nominal 亿元 (left) and as a share of the year's wage "
                "bill (right): the line is the median of the draws, the dark band holds 80% of them (10% to 90%), the "
                "light band 95% (2.5% to 97.5%). Each year's percentiles are taken separately: the median line is not "
                "one draw's path. The panel title gives the share of draws whose fund is depleted by 2035, 2050 and 2070."
            ),
            "fan_dependency": (
                "Fan charts of the system dependency ratios (beneficiaries per contributor) and of the population's "
                "old-age dependency ratio (65+ / 15-64): median, 80% and 95% ranges of the draws in each year."
            ),
        },
        "money": {"share": "as shares of the wage bill (%)", "nominal": "in nominal 亿元 (100 million yuan)",
                  "real": "in 亿元 at {year} prices (nominal / the price index)"},  # fmt: skip
    },
    "zh": {
        "title": "{scenario}：社会保险基金精算预测",
        "nav": ("情景", "主要指标", "精算假设", "图表", "文件"),
        "provenance": "情景与来源",
        "rows": {
            "scenario": "情景", "description": "说明", "region": "地区", "years": "预测期",
            "scenario_file": "情景文件", "scenario_sha256": "情景 sha256", "simulator_version": "程序版本",
            "calibration": "参数校准（所用拟合值）", "stochastic": "随机模拟", "created": "结果生成时间",
            "results_file": "结果文件", "shown": "表格与图表",
        },  # fmt: skip
        "years": "{base}年（基期：情景的期初存量，来源、拟合或假设，见精算假设）至{horizon}年",
        "stochastic": "{draws:,}次模拟，随机种子{seed}；{shortfall}",
        "scenario_json": "经校验的情景（规范 JSON，即 scenario sha256 所哈希的文本）",
        "headline": "主要指标",
        "headline_note": (
            "万人；亿元（名义值）。存量为年末数，流量为年内数；基期为期初存量，流量为空。占缴费基数总额比例：占本险种缴费基数总额"
            "（城乡居民养老保险：占职工养老保险缴费基数总额）。"
        ),
        "medians": "{draws:,}次随机模拟的中位数；其下为80%区间（当年各次模拟的第10和第90百分位数）。",
        "depletion": "基金耗尽",
        "depletion_note": "至各年末基金累计结余转负的模拟占比，以及首次转负的年份（中位数及80%区间）。",
        "assumptions": "精算假设",
        "assumptions_note": (
            "本次运行的全部输入参数，及情景文件所载的取值、性质和来源。性质：<b>有来源</b>情景注明了出处；<b>拟合值</b>"
            "由 sim calibrate 按本地区公布数据拟合（并非观测值）；<b>假设</b>情景注明为假设、未注明来源或采用默认值；"
            "<b>暂定</b>尚待数据替换的占位值。共{total}项：{counts}。"
        ),
        "no_inputs": "本次运行未记录输入参数（旧版本的结果，或以对象形式给出的情景）。",
        "provisional_scenario": "本情景为暂定情景：{text}",
        "inputs_header": ("参数", "取值", "性质", "来源", "位置"),
        "status": {"source": "有来源", "fitted": "拟合值", "assumption": "假设", "provisional": "暂定"},
        "no_source": "（未注明来源）",
        "plots": "图表",
        "no_plots": "无图表：结果中无可绘制的数据。",
        "files": "本文件夹中的文件",
        "files_note": "results.nc：各变量按年份（及险种、性别、年龄）的结果及单位，可用 xarray 打开；summary：每个地区、险种、年份和变量一行；plots/：sim run 绘制的 PNG 图表。",
        "file_header": ("文件", "大小"),
        "made_by": "本报告由 sim {version} 于 {now} 生成。",
        "no_results": "无险种结果。",
        "captions": {
            "fund_gap": (
                "当期收支差与累计结余，{unit}。左：各年征缴收入减待遇支出，即财政补贴、利息和转移收支之前的缺口。"
                "右：年末累计结余；虚线标出首次转负的年份。标记（名义值和实际值视图）：地区规划数据（实心：实际值，空心：目标值）。"
            ),
            "enrolment": "参保人数（万人）：缴费人数、离退休人数或领取待遇人数，以及全部参保人数；标记为地区规划数据（实心：实际值，空心：目标值）。",
            "dependency": "抚养比：各险种领取待遇人数与缴费人数之比（制度赡养比），以及65岁及以上人口与15-64岁人口之比（老年抚养比）。",
            "pyramid": "基期末和2050年（或显示的最后一年）末分性别、单岁人口；右图轮廓为基期。",
            "fan_balance": (
                "各基金年末累计结余的扇形图，左为名义亿元，右为占当年缴费基数总额比例：实线为各次模拟的中位数，深色带含80%的模拟（10%至90%），"
                "浅色带含95%（2.5%至97.5%）。各年百分位数分别计算，中位线并非某一次模拟的路径。图题给出至2035、2050、2070年基金耗尽的模拟占比。"
            ),
            "fan_dependency": "制度赡养比和老年抚养比的扇形图：各年模拟的中位数、80%和95%区间。",
        },
        "money": {"share": "占缴费基数总额比例（%）", "nominal": "名义值（亿元）", "real": "{year}年价格（亿元，名义值除以价格指数）"},
    },
}


def _table(header: list[str] | tuple[str, ...], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table{f" class={cls!r}" if cls else ""}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _provenance(ds: xr.Dataset, source: Path | None, t: dict) -> str:
    a, names = ds.attrs, t["rows"]
    region = " ".join(str(x) for x in (a.get("region_name", ""), f"({a['region']})" if a.get("region") else "") if x)
    stochastic = (
        t["stochastic"].format(draws=int(a["draws"]), seed=a["seed"], shortfall=a.get("migration_shortfall", "")) if "draws" in a else ""
    )
    rows = [
        ("scenario", a.get("scenario", "")),
        ("description", a.get("description", "")),
        ("region", region),
        ("years", t["years"].format(base=a.get("base_year", ""), horizon=a.get("horizon", ""))),
        ("shown", f"{int(ds['year'][0])}-{a['until']}" if "until" in a else ""),
        ("scenario_file", a.get("scenario_file", "")),
        ("scenario_sha256", a.get("scenario_sha256", "")),
        ("simulator_version", a.get("simulator_version", "")),
        ("calibration", a.get("calibration", "not recorded")),
        ("stochastic", stochastic),
        ("created", a.get("created", "")),
        ("results_file", str(source) if source else ""),
    ]
    body = "".join(f"<tr><td>{escape(names[k])}</td><td>{escape(str(v))}</td></tr>" for k, v in rows if str(v))
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _headlines(ds: xr.Dataset, lang: str, t: dict) -> str:
    years = headline_years(ds)
    parts = []
    for scheme in map(str, ds["scheme"].values):
        rows = headline_rows(ds, scheme, years, lang)
        if not rows:
            continue
        parts.append(f"<h3>{escape(scheme_label(scheme, lang))} <small>({escape(scheme)})</small></h3>")
        parts.append(f'<p class="note">{escape(words(lang)["sep"].join(scheme_notes(ds, scheme, lang)))}</p>')
        parts.append(_table(["", *map(str, years)], [[label, *cells] for label, cells in rows]))
    if is_stochastic(ds) and parts:
        parts.insert(0, f'<p class="note">{escape(t["medians"].format(draws=int(ds.attrs.get("draws", 0))))}</p>')
        parts.append(f"<h3>{escape(t['depletion'])}</h3>")
        parts.append(f'<p class="note">{escape(t["depletion_note"])}</p>')
        parts.append(_table(depletion_header(ds, lang), depletion_rows(ds, lang)))
    return "\n".join(parts) or f"<p>{escape(t['no_results'])}</p>"


def _assumptions(ds: xr.Dataset, t: dict) -> str:
    """Every input with its value, status and source; provisional ones flagged (a row of their own colour
    and the word PROVISIONAL), the scenario itself when its description says it is provisional."""
    inputs = inputs_of(ds)
    if not inputs:
        return f'<p class="note">{escape(t["no_inputs"])}</p>'
    counts = ", ".join(f"{sum(i['status'] == s for i in inputs)} {t['status'][s]}" for s in STATUSES)
    parts = [f'<p class="note">{t["assumptions_note"].format(total=len(inputs), counts=escape(counts))}</p>']
    description = str(ds.attrs.get("description", ""))
    if "PROVISIONAL" in description:
        parts.append(f'<p class="note"><b>{escape(t["provisional_scenario"].format(text=description))}</b></p>')
    head = "".join(f"<th>{escape(h)}</th>" for h in t["inputs_header"])
    rows = []
    for item in inputs:
        where = f"{Path(item['file']).name}:{item['line']}" if item["file"] else ""
        rows.append(
            f'<tr class="{item["status"]}"><td><code>{escape(item["key"])}</code></td><td class="value">{escape(item["value"])}</td>'
            f'<td><span class="status">{escape(t["status"][item["status"]])}</span></td>'
            f'<td class="source">{escape(item["source"] or t["no_source"])}</td><td>{escape(where)}</td></tr>'
        )
    parts.append(f'<table class="inputs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "\n".join(parts)


def _figures(pngs: dict[str, bytes], ds: xr.Dataset, money: str, t: dict) -> str:
    unit = t["money"][money].format(year=ds["price_index"].attrs.get("reference_year", "") if "price_index" in ds else "")
    parts = []
    for kind, png in pngs.items():
        data = base64.b64encode(png).decode("ascii")
        caption = t["captions"].get(kind, kind).format(unit=unit)
        parts.append(
            f'<figure id="plot-{kind}"><img src="data:image/png;base64,{data}" alt="{escape(kind)} plot">'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    return "\n".join(parts) or f"<p>{escape(t['no_plots'])}</p>"


def _files(folder: Path | None, t: dict) -> str:
    if folder is None:
        return ""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".") and p.name != REPORT_FILE)
    rows = [[str(p.relative_to(folder)), f"{p.stat().st_size / 1024:,.0f} kB"] for p in files]
    return f'<h2 id="files">{escape(t["files"])}</h2><p class="note">{escape(t["files_note"])}</p>' + _table(t["file_header"], rows)


def render_report(
    ds: xr.Dataset, lang: str = "auto", source: Path | None = None, pngs: dict[str, bytes] | None = None, money: str = "share"
) -> str:
    """The report as one HTML string, its text in ``lang`` (auto, en or zh; auto follows the locale);
    ``pngs`` the plots to embed (kind: PNG bytes, as :class:`simulator.io.painter.Painter` draws them; None:
    drawn here);
    ``source``: the results file, named in the provenance; its folder's files are listed."""
    lang = resolve_lang(lang)
    t = TEXT[lang]
    a = ds.attrs
    if pngs is None:
        from simulator.io.painter import Painter
        from simulator.io.plots import available_kinds

        with Painter(workers=0) as painter:
            painter.submit(ds, available_kinds(ds), lang, money)
            pngs = painter.collect()
    title = t["title"].format(scenario=a.get("scenario", "results"))
    scenario_json = a.get("scenario_json", "")
    details = (
        f"<details><summary>{escape(t['scenario_json'])}</summary><pre>{escape(scenario_json)}</pre></details>" if scenario_json else ""
    )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    folder = source.parent if source is not None else None
    anchors = ("scenario", "headline", "assumptions", "plots", "files")
    nav = "".join(f'<a href="#{k}">{escape(name)}</a>' for k, name in zip(anchors, t["nav"]) if k != "files" or folder)
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
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
<nav>{nav}</nav>
<h2 id="scenario">{escape(t["provenance"])}</h2>
{_provenance(ds, source, t)}
{details}
<h2 id="headline">{escape(t["headline"])}</h2>
<p class="note">{escape(t["headline_note"])}</p>
{_headlines(ds, lang, t)}
<h2 id="assumptions">{escape(t["assumptions"])}</h2>
{_assumptions(ds, t)}
<h2 id="plots">{escape(t["plots"])}</h2>
{_figures(pngs, ds, money, t)}
{_files(folder, t)}
<p class="note">{escape(t["made_by"].format(version=__version__, now=now))}</p>
</main>
</body>
</html>
"""


def write_report(
    path: Path, lang: str = "auto", force: bool = False, until: int | None = None, money: str = "share"
) -> tuple[Path, list[str]]:
    """Write ``report.html`` into the results folder ``path`` (or beside ``path``/results.nc),
    atomically; an existing report is replaced only with ``force``. Tables and plots up to ``until``
    (None: the horizon), money in the plots as ``money``. Returns the file and the warnings (a Chinese
    report without a CJK font has English plots)."""
    from simulator.io.painter import Painter
    from simulator.io.plots import available_kinds
    from simulator.io.views import until as up_to
    from simulator.io.writers import RESULTS_FILE, OutputExists, atomic_file, read_results

    path = Path(path)
    ds = read_results(path)
    source = path / RESULTS_FILE if path.is_dir() else path
    target = source.parent / REPORT_FILE
    if target.exists() and not force:  # before the plots are drawn
        raise OutputExists(f"{target} exists (use --force to replace it)")
    shown = up_to(ds, until)
    with Painter() as painter:
        painter.submit(shown, available_kinds(shown), lang, money)
        pngs = painter.collect()
    html = render_report(shown, lang, source, pngs, money)
    with atomic_file(target, force) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target, painter.warnings
