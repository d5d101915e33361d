"""sim backtest: a fit on the figures up to a year only, compared with every later published figure."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import simulator
from simulator.calibrate import BACKTEST_COLUMNS, run_backtest
from simulator.calibrate.targets import resolve_targets
from simulator.cli import app
from simulator.io.outdir import TOOL_FILES
from tests.conftest import SCENARIOS

SMALL = """
calibration:
  fitted: jiangxi.fitted.yaml
  parameters:
    - {key: employee_pension.coverage, at: 2015-07-01, lower: 0.2, upper: 1.0}
    - {key: employee_pension.coverage, at: 2020-07-01, lower: 0.2, upper: 1.0}
    - {key: employee_pension.pooling.receipt_ratio, lower: 0.5, upper: 3.0}
  targets:
    - {variable: employee_pension.insured, year: 2015, seed: employee_pension.insured}
    - {variable: employee_pension.insured, year: 2020, seed: employee_pension.insured}
    - {figures: employee_pension.retirees_both_schemes}
"""


@pytest.fixture()
def workdir(tmp_path):
    """Jiangxi with a one-parameter calibration (the machinery of the shipped one, quick)."""
    text = (SCENARIOS / "jiangxi.yaml").read_text(encoding="utf-8")
    (tmp_path / "jiangxi.yaml").write_text(text[: text.index("\ncalibration:")] + SMALL, encoding="utf-8")
    shutil.copy(SCENARIOS / "jiangxi.fitted.yaml", tmp_path / "jiangxi.fitted.yaml")
    return tmp_path


def test_a_fit_until_2015_uses_no_later_figure(workdir) -> None:
    scenario = simulator.load_scenario(workdir / "jiangxi.yaml", fitted=False)
    targets = resolve_targets(scenario, fit_until=2015)
    assert targets and max(t.year for t in targets) <= 2015
    assert {t.year for t in resolve_targets(scenario)} >= {2017, 2020}  # the full fit reaches 2020


def test_backtest_compares_every_later_figure(workdir) -> None:
    done = run_backtest(workdir / "jiangxi.yaml", 2015)
    table = done.table
    assert list(table.columns) == BACKTEST_COLUMNS
    assert (table["year"] > 2015).all() and (table["region"] == "jiangxi").all()
    # the plan's 2020 insured (1167万) and the notices' retirees of both schemes 2017-2022 are among them
    insured = table[(table.variable == "insured") & (table.scheme == "employee_pension") & (table.year == 2020)]
    assert float(insured["actual"].iloc[0]) == 11_670_000
    retirees = table[table.variable == "enterprise_retirees+public_retirees"]
    assert {2017, 2019, 2020, 2022} <= set(retirees["year"])
    row = retirees[retirees.year == 2022].iloc[0]
    assert row["rel_error"] == pytest.approx((row["model"] - row["actual"]) / row["actual"])
    assert float(done.results["retirees"].sel(scheme="employee_pension", year=2022)) > 0
    # the 2020 coverage, which no figure up to 2015 identifies, holds the fitted 2015 level
    pars = done.calibration.parameters.set_index("at")
    assert pars.loc["2020-07-01", "value"] == pars.loc["2015-07-01", "value"]
    assert not pars.loc["2020-07-01", "identified"] and pars.loc["2015-07-01", "identified"]
    # pooling receipts start in 2018-07: no figure up to 2015 moves them, so the ratio keeps its start value
    ratio = done.calibration.parameters.set_index("key").loc["employee_pension.pooling.receipt_ratio"]
    assert ratio["value"] == pytest.approx(1.0, abs=1e-12) and not ratio["identified"]
    # the fitted file beside the scenario is left alone
    assert (workdir / "jiangxi.fitted.yaml").read_bytes() == (SCENARIOS / "jiangxi.fitted.yaml").read_bytes()


def test_later_parameters_take_the_latest_earlier_value_of_their_key() -> None:
    """split_later / hold: coverage at 2010, 2015 and 2020 with a fit to 2015 searches 2010 and 2015;
    2020 takes the 2015 value (0.5); a key with only a later date keeps the scenario's value."""
    import datetime as dt

    import numpy as np

    from simulator.calibrate.fit import hold, split_later
    from simulator.scenario.calibration import FreeParameter

    def par(key, year):
        return FreeParameter(key=key, at=dt.date(year, 7, 1), lower=0.0, upper=1.0)

    params = [par("a", 2010), par("a", 2020), par("a", 2015), par("b", 2018)]
    searched, held = split_later(params, 2015)
    assert [p.at.year for p in searched] == [2010, 2015]
    assert [(p.key, i) for p, i in held] == [("a", 1), ("b", None)]
    names, values = hold(searched, held, np.array([0.3, 0.5]))
    assert [(p.key, p.at.year) for p in names] == [("a", 2010), ("a", 2015), ("a", 2020)]
    assert values.tolist() == [0.3, 0.5, 0.5]


def test_cli_writes_the_tables_and_refuses_a_late_year(workdir) -> None:
    out = workdir / "bt"
    result = CliRunner().invoke(app, ["backtest", str(workdir / "jiangxi.yaml"), "--fit-until", "2015", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "backtest.csv")
    assert list(table.columns) == BACKTEST_COLUMNS and len(table) > 5
    assert (out / "backtest.png").read_bytes()[:4] == b"\x89PNG"
    assert {p.name for p in out.iterdir()} <= TOOL_FILES  # so that --force may replace the folder
    late = CliRunner().invoke(app, ["backtest", str(workdir / "jiangxi.yaml"), "--fit-until", "2022", "-o", str(workdir / "x")])
    assert late.exit_code == 2 and len(late.stderr.strip().splitlines()) == 1 and "at most 2020" in late.stderr
