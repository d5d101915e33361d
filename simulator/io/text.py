"""The words of the outputs, in English and in Chinese: the printed tables, the HTML report and the
plots take their text from here (variables' and schemes' names come from the vocabulary,
:mod:`simulator.variables` and :mod:`simulator.dims`). Chinese follows the usage of the provincial
departments' actuarial reports (参保人数, 缴费人数, 离退休人数, 基金收入, 基金支出, 累计结余, 当期收支差,
制度赡养比 ...).

    lang = resolve_lang("auto")           # "en" or "zh": auto follows the locale (LC_ALL, LC_MESSAGES, LANG)
    words(lang)["depleted_in"].format(year=2063)
"""

from __future__ import annotations

import os

LANGS = ("auto", "en", "zh")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # units
        "sep": "; ",
        "colon": ": ",
        "wan": "10,000 persons",
        "yi": "100 million yuan",
        "unit_wan": " (万人)",
        "unit_yi": " (亿元)",
        "unit_share": " (% of wage bill)",
        "unit_percent": " (%)",
        "share": "% of the wage bill",
        "real": "100 million yuan at {year} prices",
        "ratio": "ratio",
        "year": "year",
        # headline table
        "headline_title": "{scenario}: headline figures (万人 = 10,000 persons, 亿元 = 100 million yuan)",
        "headline_medians": "medians of {draws} draws (seed {seed}) with their 80% ranges",
        "range": "    10% to 90%",
        "range_to": "{low} to {high}",
        "depleted_in": "fund depleted in {year}",
        "not_depleted": "not depleted by {year}",
        "p_depleted": "P(depleted by) {parts}; {median}",
        "median_depletion": "median depletion year {year}",
        "median_not_depleted": "median: not depleted by {year}",
        "pv_subsidy": "subsidy needed to {until}: present value {value}亿 at the end of {base}",
        "pv_subsidy_none": "no subsidy needed to {until}",
        "discount_fixed": "present values discounted at the fund return, {rate:.2%} a year",
        "discount_path": "present values discounted at the fund return, {low:.2%} to {high:.2%} a year (mean {mean:.2%})",
        "discount_draws": "present values discounted at each draw's fund return (median path {rate})",
        "actuarial_balance": "actuarial balance {first}-{last}: {value:.2f}% of the wage bill",
        "actuarial_balance_range": " (median; 80% range {low:.2f}% to {high:.2f}%)",
        "depletion_title": "probability that the fund is depleted by the year; the depletion year's median and 80% range",
        "scheme": "scheme",
        "by_year": "by {year}",
        "median_year": "median year",
        "range_80": "10% to 90%",
        "after": "after {year}",
        "none": "none",
        # compare
        "compare_title": "{names} (amounts in 亿元 = 100 million yuan)",
        "indicator": "indicator",
        "when": "when",
        "to_year": "to {year}",
        "range_column": "{letter} 80% range",
        "compare_notes": "present values at the end of each base year ({bases}); {discounts}",
        # sensitivity and scoring
        "sensitivity_title": (
            "{scenario}: one-at-a-time sensitivity, changes from {first} on\n"
            "ΔAB: actuarial balance over 25, 50, 75 years from then, points of the wage bill; Δ bal.: balance, 亿元"
        ),
        "case": "case",
        "change": "change",
        "depleted": "depleted",
        "d_years": "Δ yrs",
        "d_ab": "ΔAB {n}y",
        "d_balance": "Δ bal. {year}",
        "base": "base",
        "provision": "provision",
        "parent": "parent",
        "reform": "reform",
        "alone": "alone",
        "in_sequence": "in sequence",
        "share_of_change": "share",
        "scoring_title": (
            "what each provision of {reform} buys against {parent}: change in the actuarial balance "
            "(points of the wage bill; residents pension: balance at the horizon, 亿元)"
        ),
        # run
        "provisional": "warning: {key} = {value} is PROVISIONAL ({file}:{line}): {source}",
        "provisional_scenario": "warning: scenario {scenario} is PROVISIONAL: {text}",
        "no_cjk_font": (
            "warning: no CJK font installed: the plots are drawn in English (install e.g. Noto Sans CJK SC for "
            "Chinese plots)"
        ),
        "compiling": "compiling the model (first run after install: once only) - {name}",
        "wrote": "wrote {what}",
        "next_report": "next: sim report {folder}   (an HTML report to open in a browser)",
        "wrote_report": "wrote {path}  (open in a browser: {uri})",
        # plots
        "male": "Men",
        "female": "Women",
        "age": "Age (100 = 100+)",
        "pyramid_unit": "thousand persons",
        "total": "total",
        "total_unit": "million",
        "depleted_year": "depleted {year}",
        "actual": "plan figure",
        "target": "plan target",
        "fund_gap": "fund gap and fund balance",
        "enrolment": "enrolment",
        "dependency": "dependency ratios",
        "contributors_insured": "contributors (= insured)",
        "dependency_ratio": "{scheme}: system dependency ratio (beneficiaries per contributor)",
        "fan_balance": "fund balance over {draws} draws: median, 80% and 95% ranges",
        "fan_dependency": "dependency ratios over {draws} draws: median, 80% and 95% ranges",
        "median": "median",
        "range80": "80% range (10%-90%)",
        "range95": "95% range (2.5%-97.5%)",
        "p_depleted_plot": "P(depleted by {years}): {probs}",
        "tornado": "sensitivity: change in the {n}-year actuarial balance from {first} (points of the wage bill)",
        "low": "low",
        "high": "high",
        "points": "percentage points of the wage bill",
    },
    "zh": {
        "sep": "；",
        "colon": "：",
        "wan": "万人",
        "yi": "亿元",
        "unit_wan": "（万人）",
        "unit_yi": "（亿元）",
        "unit_share": "（占缴费基数总额%）",
        "unit_percent": "（%）",
        "share": "占缴费基数总额%",
        "real": "亿元（{year}年价格）",
        "ratio": "比值",
        "year": "年份",
        "headline_title": "{scenario}：主要指标（万人；亿元）",
        "headline_medians": "{draws}次随机模拟（种子{seed}）的中位数及80%区间",
        "range": "    10%至90%",
        "range_to": "{low}至{high}",
        "depleted_in": "基金于{year}年耗尽",
        "not_depleted": "至{year}年基金未耗尽",
        "p_depleted": "基金耗尽概率 {parts}；{median}",
        "median_depletion": "耗尽年份中位数{year}年",
        "median_not_depleted": "中位数：至{year}年未耗尽",
        "pv_subsidy": "至{until}年所需财政补贴现值{value}亿元（折现至{base}年末）",
        "pv_subsidy_none": "至{until}年无需额外财政补贴",
        "discount_fixed": "现值按基金收益率年{rate:.2%}折现",
        "discount_path": "现值按基金收益率折现（年{low:.2%}至{high:.2%}，平均{mean:.2%}）",
        "discount_draws": "现值按各次模拟的基金收益率折现（中位路径{rate}）",
        "actuarial_balance": "{first}—{last}年精算平衡：占缴费基数总额{value:.2f}%",
        "actuarial_balance_range": "（中位数；80%区间{low:.2f}%至{high:.2f}%）",
        "depletion_title": "至各年基金耗尽的概率；耗尽年份的中位数及80%区间",
        "scheme": "险种",
        "by_year": "至{year}年",
        "median_year": "中位数",
        "range_80": "10%至90%",
        "after": "{year}年后",
        "none": "无",
        "compare_title": "{names}（金额单位：亿元）",
        "indicator": "指标",
        "when": "年份",
        "to_year": "至{year}年",
        "range_column": "{letter} 80%区间",
        "compare_notes": "现值折现至各情景基期年末（{bases}）；{discounts}",
        "sensitivity_title": (
            "{scenario}：单因素敏感性分析，自{first}年起变动\n"
            "ΔAB：此后25、50、75年精算平衡的变化（占缴费基数总额的百分点）；Δ结余：累计结余的变化（亿元）"
        ),
        "case": "假设",
        "change": "变动",
        "depleted": "耗尽年份",
        "d_years": "Δ年数",
        "d_ab": "ΔAB {n}年",
        "d_balance": "Δ结余 {year}",
        "base": "基准",
        "provision": "条款",
        "parent": "原方案",
        "reform": "改革方案",
        "alone": "单独",
        "in_sequence": "依次叠加",
        "share_of_change": "占比",
        "scoring_title": (
            "{reform}相对{parent}各条款的效果：精算平衡的变化（占缴费基数总额的百分点；城乡居民养老保险为期末累计结余，亿元）"
        ),
        "provisional": "警告：{key} = {value} 为暂定值（{file}:{line}）：{source}",
        "provisional_scenario": "警告：情景 {scenario} 为暂定情景：{text}",
        "no_cjk_font": "警告：未安装中文字体，图表以英文绘制（可安装 Noto Sans CJK SC 以绘制中文图表）",
        "compiling": "正在编译模型（安装后首次运行，仅一次）- {name}",
        "wrote": "已写入 {what}",
        "next_report": "下一步：sim report {folder}   （生成可在浏览器中打开的 HTML 报告）",
        "wrote_report": "已写入 {path}  （在浏览器中打开：{uri}）",
        "male": "男",
        "female": "女",
        "age": "年龄（100 = 100岁及以上）",
        "pyramid_unit": "万人",
        "total": "总人口",
        "total_unit": "万人",
        "depleted_year": "{year}年耗尽",
        "actual": "规划实际值",
        "target": "规划目标值",
        "fund_gap": "当期收支差与累计结余",
        "enrolment": "参保人数",
        "dependency": "抚养比",
        "contributors_insured": "缴费人数（= 参保人数）",
        "dependency_ratio": "{scheme}：制度赡养比（领取待遇人数/缴费人数）",
        "fan_balance": "基金累计结余（{draws}次随机模拟）：中位数、80%和95%区间",
        "fan_dependency": "抚养比（{draws}次随机模拟）：中位数、80%和95%区间",
        "median": "中位数",
        "range80": "80%区间（10%-90%）",
        "range95": "95%区间（2.5%-97.5%）",
        "p_depleted_plot": "至{years}年耗尽概率：{probs}",
        "tornado": "敏感性分析：{first}年起{n}年精算平衡的变化（占缴费基数总额的百分点）",
        "low": "低",
        "high": "高",
        "points": "占缴费基数总额的百分点",
    },
}


def resolve_lang(lang: str) -> str:
    """'en' or 'zh': ``auto`` is Chinese when the locale is (LC_ALL, LC_MESSAGES or LANG starting with
    ``zh``), else English."""
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r} (expected one of {', '.join(LANGS)})")
    if lang != "auto":
        return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def words(lang: str) -> dict[str, str]:
    """The words of ``lang`` (``auto`` resolved)."""
    return WORDS[resolve_lang(lang)]
