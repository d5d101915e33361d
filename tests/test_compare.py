"""`sim compare`: key indicators side by side and the fund gaps overlaid; what the reform buys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.io.outdir import TOOL_FILES
from simulator.io.compare import compare_table, unique_labels
from simulator.io.writers import write_results
from tests.conftest import SCENARIOS
from tests.outputs_support import assert_drawn, assert_whole_numbers, one_line_error, printed, results, with_extra_scheme

runner = CliRunner()


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """`sim compare` of the shipped baseline and pre-reform scenario files: (folder, stdout, table)."""
    out = tmp_path_factory.mktemp("compare") / "cmp"
    args = [
        "compare",
        str(SCENARIOS / "jiangxi.yaml"),
        str(SCENARIOS / "jiangxi_pre_reform.yaml"),
        "-o",
        str(out),
        "--lang",
        "en",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out, result.stdout, pd.read_csv(out / "compare.csv", keep_default_na=False, na_values=[""])


def _row(table: pd.DataFrame, scheme: str, indicator: str, when: str) -> pd.Series:
    rows = table[(table.scheme == scheme) & (table.indicator == indicator) & (table.when.astype(str) == when)]
    assert len(rows) == 1, (scheme, indicator, when)
    return rows.iloc[0]


def test_reform_gives_a_higher_employee_pension_balance_in_2035(compared) -> None:
    _, _, table = compared
    row = _row(table, "employee_pension", "fund balance", "2035")
    assert row["jiangxi"] > row["jiangxi_pre_reform"] > 0
    assert row["jiangxi_pre_reform - jiangxi"] == pytest.approx(row["jiangxi_pre_reform"] - row["jiangxi"])
    # and it lowers the system dependency ratio (more contributors, fewer retirees)
    ratio = _row(table, "employee_pension", "dependency ratio", "2035")
    assert ratio["jiangxi"] < ratio["jiangxi_pre_reform"]
    # the same figure as the run's own results, in 亿元
    assert row["jiangxi"] == pytest.approx(float(results()["balance"].sel(scheme="employee_pension", year=2035)) / 1e8)


def test_compare_table_and_plot_are_written(compared) -> None:
    out, stdout, table = compared
    # jiangxi_pre_reform extends jiangxi: its one provision is scored too (test_sensitivity.py)
    assert sorted(p.name for p in out.iterdir()) == [".sim-output", "compare.csv", "compare_fund_gap.png", "scoring.csv"]
    assert {p.name for p in out.iterdir()} <= TOOL_FILES  # so that --force may replace the folder
    assert list(table.columns) == [
        "scheme",
        "indicator",
        "when",
        "unit",
        "jiangxi",
        "jiangxi_pre_reform",
        "jiangxi_pre_reform - jiangxi",
    ]
    indicators = set(table.loc[table.scheme == "employee_pension", "indicator"])
    assert {
        "fund balance",
        "fund balance / wage bill",
        "depletion year",
        "dependency ratio",
        "present value of the subsidy needed",
        "fiscal subsidy / wage bill",
        "actuarial balance",
    } <= indicators
    assert "subsidy paid (total)" not in indicators  # no nominal sum over the decades
    pv = _row(table, "employee_pension", "present value of the subsidy needed", "2100")
    assert pv["jiangxi"] == pytest.approx(float(results()["subsidy_needed_pv"].sel(scheme="employee_pension", year=2100)) / 1e8)
    assert _row(table, "employee_pension", "actuarial balance", "to 2100")["unit"] == "percent_of_wage_bill"
    assert "present values discounted at the fund return, 2.50% a year" in stdout
    assert set(_row(table, "employee_pension", "fund balance", "2030")[["unit"]]) == {"100m_yuan"}
    whens = (
        table.loc[(table.scheme == "employee_pension") & (table.indicator == "fund balance"), "when"]
        .astype(str)
        .tolist()
    )
    assert whens == ["2030", "2035", "2050"]
    assert "A = jiangxi" in stdout and "B = jiangxi_pre_reform" in stdout and "B - A" in stdout
    assert_drawn(out / "compare_fund_gap.png")


def test_folders_are_read_and_names_kept_apart(tmp_path) -> None:
    folder = write_results(results(), tmp_path / "baseline")
    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(folder), str(folder / "results.nc"), "-o", str(out), "-q"])
    assert result.exit_code == 0 and result.output == ""
    table = pd.read_csv(out / "compare.csv")
    assert {"jiangxi", "jiangxi#2", "jiangxi#2 - jiangxi"} <= set(table.columns)
    assert (table["jiangxi#2 - jiangxi"].fillna(0) == 0).all()
    assert unique_labels(["a", "b", "a", "a"]) == ["a", "b", "a#2", "a#3"]


def test_compare_is_generic_over_schemes() -> None:
    two = with_extra_scheme(results())
    table = compare_table({"one": results(), "two": two})
    extra = table[table.scheme == "test_scheme"]
    assert set(extra["indicator"]) >= {"fund balance", "dependency ratio"}
    assert extra["one"].isna().all() and extra["two"].notna().any()  # a scheme one scenario lacks
    depletion = _row(table, "test_scheme", "depletion year", "to 2100")
    assert np.isnan(depletion["two"])  # not depleted: a result, kept as an empty cell
    assert list(table["scheme"].unique()) == [*results().scheme.values.tolist(), "test_scheme", "population"]


@pytest.mark.parametrize(
    "inputs, words",
    [
        (lambda tmp: [SCENARIOS / "jiangxi.yaml"], "two or more"),
        (lambda tmp: [SCENARIOS / "jiangxi.yaml", tmp / "nowhere"], "no such results folder"),
        (lambda tmp: [SCENARIOS / "jiangxi.yaml", tmp / "missing.yaml"], "missing.yaml"),
    ],
)
def test_compare_errors_are_one_line(tmp_path, inputs, words) -> None:
    out = tmp_path / "cmp"
    line = one_line_error(runner.invoke(app, ["compare", *map(str, inputs(tmp_path)), "-o", str(out)]))
    assert words in line
    assert not out.exists()


def test_compare_refuses_a_non_empty_folder(tmp_path) -> None:
    folder = write_results(results(), tmp_path / "baseline")
    line = one_line_error(runner.invoke(app, ["compare", str(folder), str(folder), "-o", str(folder)]))
    assert "not empty" in line


@pytest.mark.parametrize("width", [None, 200, 100, 60, 30])
def test_five_scenarios_never_cut_a_number(width) -> None:
    """Five scenarios side by side (ten value columns): whole into a file, split or long on a terminal."""
    from simulator.io.compare import compare_grid

    a, b = results("jiangxi"), results("jiangxi_pre_reform")
    datasets = {f"{name}{i}": ds for i, (name, ds) in enumerate([("jiangxi", a), ("pre", b), ("jiangxi", a), ("pre", b), ("jiangxi", a)])}
    grid = compare_grid(compare_table(datasets), datasets)
    assert len(grid.header) == 2 + 5 + 4
    assert_whole_numbers(grid, printed(grid, width), width)


def test_compare_in_chinese() -> None:
    from simulator.io.compare import compare_grid

    datasets = {"jiangxi": results("jiangxi"), "pre": results("jiangxi_pre_reform")}
    text = printed(compare_grid(compare_table(datasets), datasets, "zh"), None)
    for term in ("城镇职工基本养老保险", "累计结余（亿元）", "累计结余占缴费基数总额比例（%）", "制度赡养比", "至2100年", "现值按基金收益率"):
        assert term in text, term
