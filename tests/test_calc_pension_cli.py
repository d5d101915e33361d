"""`sim calc pension` on the command line, and the cohort profiles of --profiles."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.io.outdir import TOOL_FILES

runner = CliRunner()
SHEET = ["calc", "pension", "--province", "hubei", "--city", "武汉市", "--sex", "female", "--born", "1975-11",
         "--retired", "2025-11", "--years", "28.83", "--deemed-years", "1", "--avg-index", "0.7654",
         "--account", "93583.84", "--divisor-months", "195", "--base", "9112"]  # fmt: skip


def test_json_keys_and_amounts() -> None:
    """A Wuhan award sheet of 2025-11: basic 2318.84, account 479.92, transitional 83.69 (9112 x 0.7654 x 1 x 1.2%)."""
    result = runner.invoke(app, [*SHEET, "--json", "--wage", "8000"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert {"basic", "account", "transitional", "extra", "total", "replacement_rate"} <= set(record)
    assert (record["basic"], record["account"], record["transitional"]) == (2318.84, 479.92, 83.69)
    assert record["replacement_rate"] == pytest.approx(record["total"] / 8000, abs=1e-4)


def test_no_replacement_rate_without_a_wage() -> None:
    record = json.loads(runner.invoke(app, [*SHEET, "--json"]).stdout)
    assert "replacement_rate" not in record


def test_table_output() -> None:
    result = runner.invoke(app, SHEET)
    assert result.exit_code == 0
    assert "transitional pension" in result.stdout and "2,882.45" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--province", "beijing", "--sex", "male"], "--province beijing: no rules data for this province"),
    (["--province", "jiangxi", "--sex", "male", "--born", "65-01"], "--born: bad month"),
    (["--sex", "male"], "--province: the province whose rules apply is needed"),
    (["--province", "jiangxi", "--rules", "tests/fixtures/calc/rules_unknown_key.yaml"], "transitional.coefficient: unknown key"),
    (["--province", "jiangxi", "--sex", "other"], "Invalid value for '--sex'"),
    (["--profiles"], "give --scenario"),
])  # fmt: skip
def test_one_line_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["calc", "pension", *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_import_stays_light() -> None:
    code = "import sys, simulator; simulator.calc_pension; sys.exit('numba' in sys.modules or 'pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_profiles_table_plot_and_refusal(jiangxi_path, tmp_path) -> None:
    out = tmp_path / "profiles"
    result = runner.invoke(
        app, ["calc", "pension", "--profiles", "--scenario", str(jiangxi_path), "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {".sim-output", "profiles.csv", "notes.txt", "replacement_rates.png"}
    assert {p.name for p in out.iterdir()} <= TOOL_FILES  # so that --force may replace the folder
    table = pd.read_csv(out / "profiles.csv")
    assert set(table.multiple) == {0.5, 1.0, 2.0} and set(table.career) == {"full", "short"}
    again = runner.invoke(app, ["calc", "pension", "--profiles", "--scenario", str(jiangxi_path), "-o", str(out)])
    assert again.exit_code == 2 and "not empty" in again.stderr


def test_profiles_show_what_the_reform_does(jiangxi_path) -> None:
    """Cohorts born before 1965 (men) are untouched; later ones claim later, and a full career then earns a higher
    first pension and replacement rate; minimum careers need 20 years from 2039."""
    from simulator.model.profiles import cohort_profiles
    from simulator.scenario.load import load_scenario
    from simulator.scenario.province_rules import load_account_rules, load_province_rules

    rows, _ = cohort_profiles(load_scenario(jiangxi_path), load_province_rules("jiangxi"), load_account_rules())
    t = pd.DataFrame(rows).set_index(["cohort", "group", "multiple", "career", "reform"]).sort_index()
    same = t.loc[(1960, "M60", 1.0, "full")]
    assert same.loc[True, "first_pension"] == pytest.approx(same.loc[False, "first_pension"])
    for cohort in (1970, 1980, 1990):
        full = t.loc[(cohort, "M60", 1.0, "full")]
        assert full.loc[True, "claim_age"] > full.loc[False, "claim_age"]
        assert full.loc[True, "replacement_rate"] > full.loc[False, "replacement_rate"]
    assert t.loc[(1990, "M60", 1.0, "short", True), "years"] == 20
    assert t.loc[(1990, "M60", 1.0, "short", False), "years"] == 15


def test_scenario_gives_the_pre_reform_ages() -> None:
    """--scenario with policy.retirement.reform: false: a man born 1970-03 retires at 60 (2030-03), not at 61y4m
    (62 months after 1965-01: 62 // 4 + 1 = 16 months of delay, 2031-07)."""
    args = ["calc", "pension", "--province", "jiangxi", "--sex", "male", "--born", "1970-03", "--years", "30",
            "--avg-index", "1", "--account", "100000", "--deemed-years", "0", "--json"]  # fmt: skip
    reform = json.loads(runner.invoke(app, args).stdout)["inputs"]["retired"]
    pre = json.loads(runner.invoke(app, [*args, "--scenario", "scenarios/jiangxi_pre_reform.yaml"]).stdout)
    assert (reform, pre["inputs"]["retired"]) == ("2031-07", "2030-03")


def test_profiles_of_a_pre_reform_scenario_are_labelled_so() -> None:
    result = runner.invoke(
        app, ["calc", "pension", "--profiles", "--scenario", "scenarios/jiangxi_pre_reform.yaml", "--json"]
    )
    rows = json.loads(result.stdout)["rows"]
    assert rows and not any(r["reform"] for r in rows)
