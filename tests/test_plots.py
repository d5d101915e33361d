"""Plots: every kind drawn for one and for several schemes, the plans' figures as markers in the
model's units, the language switch, and `sim plot`."""

from __future__ import annotations

import warnings

import pytest
from typer.testing import CliRunner

from simulator.cli import PlotKind, app
from simulator.io import plots
from simulator.io.writers import write_results
from tests.outputs_support import assert_drawn, one_line_error, results, with_extra_scheme

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_results(results(), tmp_path_factory.mktemp("plots") / "jiangxi")


def test_cli_kinds_are_the_plot_kinds() -> None:
    assert tuple(k.value for k in PlotKind) == plots.KINDS


@pytest.mark.parametrize("kind", [k for k in plots.KINDS if k not in plots.FAN_KINDS])  # fans: test_stochastic_outputs
def test_each_kind_is_drawn_for_every_scheme(kind: str, tmp_path) -> None:
    ds = with_extra_scheme(results())
    path = plots.draw(kind, ds, tmp_path / f"{kind}.png", "en")
    pixels = assert_drawn(path)
    if kind in ("fund_gap", "enrolment"):  # rows of panels per scheme: one more scheme, a taller figure
        single = assert_drawn(plots.draw(kind, results(), tmp_path / f"{kind}_1.png", "en"))
        assert pixels.shape[0] > single.shape[0] and pixels.shape[1] == single.shape[1]


def test_chinese_labels_draw(tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a machine without CJK fonts warns: glyphs may be missing
        assert_drawn(plots.draw("enrolment", results(), tmp_path / "zh.png", "zh"))


def test_chinese_plots_need_a_cjk_font(monkeypatch) -> None:
    """Chinese without a CJK font is drawn in English with one warning; with one, in Chinese."""
    monkeypatch.setattr(plots, "cjk_fonts", lambda: ())
    lang, warning = plots.plot_lang("zh")
    assert lang == "en" and warning == plots.WORDS["zh"]["no_cjk_font"]
    assert plots.plot_lang("en") == ("en", None)
    monkeypatch.setattr(plots, "cjk_fonts", lambda: ("Noto Sans CJK SC",))
    assert plots.plot_lang("zh") == ("zh", None)


def test_sim_plot_in_chinese_without_a_font_warns_once(folder, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(plots, "cjk_fonts", lambda: ())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would be a warning per character
        result = runner.invoke(app, ["plot", str(folder), "--kind", "enrolment", "--lang", "zh", "-o", str(tmp_path / "e.png")])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [plots.WORDS["zh"]["no_cjk_font"]]
    assert_drawn(tmp_path / "e.png")


@pytest.mark.parametrize("money", ["share", "nominal", "real"])
def test_money_views_of_the_fund_gap(money: str, folder, tmp_path) -> None:
    """`sim plot --money`: shares of the wage bill, nominal or real 亿元, each a different picture; --until
    draws fewer years."""
    out = tmp_path / f"{money}.png"
    result = runner.invoke(app, ["plot", str(folder), "--kind", "fund_gap", "--money", money, "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    pixels = assert_drawn(out)
    if money != "share":
        share = assert_drawn(plots.draw("fund_gap", results(), tmp_path / "s.png", "en"))
        assert pixels.shape == share.shape and (pixels != share).any()
    short = tmp_path / f"{money}_2050.png"
    args = ["plot", str(folder), "--kind", "fund_gap", "--money", money, "--until", "2050", "--lang", "en", "-o", str(short)]
    assert runner.invoke(app, args).exit_code == 0
    assert (assert_drawn(short) != pixels).any()


def test_overlay_of_scenarios(tmp_path) -> None:
    a, b = results("jiangxi"), results("jiangxi_pre_reform")
    one = assert_drawn(plots.fund_gap(a, tmp_path / "one.png", "en"))
    both = assert_drawn(plots.fund_gap({"reform": a, "pre-reform": b}, tmp_path / "both.png", "en"))
    assert one.shape == both.shape and (one != both).any()


def test_plan_markers_in_model_units() -> None:
    ds = results()
    marks = plots.plan_markers(ds)
    insured = marks[(marks.scheme == "employee_pension") & (marks.variable == "insured")]
    # seeds/jiangxi.yaml 專欄1: 823万 insured in 2015 (actual), 1050万 the 2020 target, 1167万 in 2020; official:
    # 607.6万 in 2010 (yearbook), 783.9万 in 2014 (a weak page)
    got = sorted(zip(insured.year, insured.value.round(), insured.kind, insured.origin))
    assert got == [
        (2010, 6_076_000, "actual", "official"),
        (2014, 7_839_000, "actual", "official"),
        (2015, 8_230_000, "actual", "plan"),
        (2020, 10_500_000, "target", "plan"),
        (2020, 11_670_000, "actual", "plan"),
    ]
    assert set(marks.kind) <= {"actual", "target"}  # cumulative figures are not points on a path
    assert set(marks.scheme) <= set(ds.scheme.values.tolist())
    assert plots.plan_markers(ds.assign_attrs(region="atlantis")).empty


def test_bad_requests_are_value_errors(tmp_path) -> None:
    ds = results()
    with pytest.raises(ValueError, match="expected one of fund_gap"):
        plots.draw("fan", ds, tmp_path / "x.png", "en")
    with pytest.raises(ValueError, match="pyramid only"):
        plots.draw("fund_gap", ds, tmp_path / "x.png", "en", years=[2030])
    with pytest.raises(ValueError, match="no population"):
        plots.draw("pyramid", ds.drop_vars("population"), tmp_path / "x.png", "en")
    assert not list(tmp_path.iterdir())


def test_sim_plot(folder, tmp_path) -> None:
    out = tmp_path / "pyramid.png"
    args = [
        "plot",
        str(folder),
        "--kind",
        "pyramid",
        "--year",
        "2015",
        "--year",
        "2035",
        "--year",
        "2100",
        "-o",
        str(out),
        "--lang",
        "en",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert assert_drawn(out).shape[1] > 3 * 4 * plots.DPI  # three panels of 4.2 inches
    assert "exists (use --force" in one_line_error(runner.invoke(app, args))
    result = runner.invoke(
        app, ["plot", str(folder / "results.nc"), "--kind", "fund_gap", "-o", str(tmp_path / "gap.svg")]
    )
    assert result.exit_code == 0 and (tmp_path / "gap.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--kind", "fan"], "'fan' is not one of"),
        (["--kind", "pyramid", "--year", "1900"], "not in the results"),
        (["--kind", "enrolment", "--year", "2030"], "pyramid only"),
        (["--kind", "enrolment", "-o", "x.gif"], "unknown image type"),
        (["--kind", "fund_gap", "--until", "2200"], "--until 2200: expected a year after the base year"),
        (["--kind", "fund_gap", "--money", "gold"], "'gold' is not one of"),
        (["--kind", "pyramid", "--money", "real"], "--money applies to the fund_gap plot only, not to pyramid"),
    ],
)
def test_sim_plot_errors_are_one_line(folder, tmp_path, monkeypatch, args, words) -> None:
    monkeypatch.chdir(tmp_path)  # the default output goes here: nothing may be left
    assert words in one_line_error(runner.invoke(app, ["plot", str(folder), *args]))
    assert not [p for p in tmp_path.iterdir()]


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda tmp: tmp / "missing", "no such results folder"),
        (lambda tmp: tmp, "not a results folder"),
        (lambda tmp: (tmp / "bad.nc").write_text("garbage") and tmp / "bad.nc", "cannot read as NetCDF"),
    ],
)
def test_sim_plot_bad_results_folder(tmp_path, make, words) -> None:
    assert words in one_line_error(runner.invoke(app, ["plot", str(make(tmp_path)), "--kind", "fund_gap"]))
