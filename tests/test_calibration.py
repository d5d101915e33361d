"""sim calibrate: reproduces its targets, gives the same result twice, and its fitted values
are what later runs use (also in scenarios that extend the calibrated one)."""

from __future__ import annotations

import shutil

import pytest
import yaml

import simulator
from simulator.calibrate import run_calibration
from simulator.errors import ScenarioError
from tests.conftest import SCENARIOS


SMALL = """
calibration:
  fitted: jiangxi.fitted.yaml
  parameters:
    - {key: employee_pension.coverage, at: 2020-07-01, lower: 0.2, upper: 1.0}
    - {key: employee_pension.initial.average_pension, lower: 900, upper: 1600}
  targets:
    - {variable: employee_pension.insured, year: 2020, seed: employee_pension.insured}
    - {variable: employee_pension.enterprise_average_pension, year: 2020, seed: employee_pension.average_pension}
"""


@pytest.fixture()
def workdir(tmp_path):
    """The shipped Jiangxi scenarios, with a two-parameter calibration so the tests stay quick
    (the shipped nine-parameter fit is the same machinery; docs/calibration.md shows its table)."""
    text = (SCENARIOS / "jiangxi.yaml").read_text(encoding="utf-8")
    (tmp_path / "jiangxi.yaml").write_text(text[: text.index("\ncalibration:")] + SMALL, encoding="utf-8")
    shutil.copy(SCENARIOS / "jiangxi_pre_reform.yaml", tmp_path / "jiangxi_pre_reform.yaml")
    return tmp_path


def test_calibration_reproduces_targets_and_is_deterministic(workdir) -> None:
    done = run_calibration(workdir / "jiangxi.yaml")
    table, fitted = done.table, done.fitted
    first = yaml.safe_load(fitted.read_text(encoding="utf-8"))
    fitted_rows = table[~table["source"].str.startswith("plan target")]
    assert len(fitted_rows) == len(simulator.load_scenario(workdir / "jiangxi.yaml", fitted=False).calibration.targets)
    assert (fitted_rows["rel_error"].abs() < 0.02).all(), fitted_rows
    assert list(table.columns) == ["region", "scheme", "year", "variable", "target", "model", "rel_error", "bound", "source"]
    assert list(done.parameters["key"]) == ["employee_pension.coverage", "employee_pension.initial.average_pension"]
    assert (done.parameters["sd"] >= 0).all() and done.parameters["identified"].all()

    again = run_calibration(workdir / "jiangxi.yaml").fitted
    assert yaml.safe_load(again.read_text(encoding="utf-8"))["values"] == first["values"]

    # the next run uses the fitted values: the plan's 2020 insured (1167万, seeds 專欄1) within 2%
    ds = simulator.run(workdir / "jiangxi.yaml")
    insured = float(ds["insured"].sel(scheme="employee_pension", year=2020))
    assert insured == pytest.approx(11_670_000, rel=0.02)
    assert "jiangxi.fitted.yaml" in ds.attrs["calibration"]


def test_fitted_values_reach_child_scenarios_but_not_calibrate(workdir) -> None:
    run_calibration(workdir / "jiangxi.yaml")
    values = yaml.safe_load((workdir / "jiangxi.fitted.yaml").read_text(encoding="utf-8"))["values"]
    fitted_pension = values["employee_pension"]["initial"]["average_pension"]
    child = simulator.load_scenario(workdir / "jiangxi_pre_reform.yaml")
    assert child.employee_pension.initial.average_pension == pytest.approx(fitted_pension)
    raw = simulator.load_scenario(workdir / "jiangxi.yaml", fitted=False)
    assert raw.employee_pension.initial.average_pension != pytest.approx(fitted_pension)


def test_unknown_parameter_key_is_a_one_line_error(workdir) -> None:
    text = (workdir / "jiangxi.yaml").read_text(encoding="utf-8")
    (workdir / "jiangxi.yaml").write_text(
        text.replace("key: employee_pension.initial.average_pension", "key: employee_pension.initial.avg_pension"),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"calibration\.parameters\.1\.key: employee_pension\.initial\.avg_pension"):
        run_calibration(workdir / "jiangxi.yaml")


def test_cli_calibrate_writes_table_and_refuses_scenarios_without_a_block(workdir) -> None:
    from typer.testing import CliRunner

    from simulator.cli import app

    out = workdir / "cal"
    result = CliRunner().invoke(app, ["calibrate", str(workdir / "jiangxi.yaml"), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    table = (out / "calibration.csv").read_text(encoding="utf-8").splitlines()
    assert table[0] == "region,scheme,year,variable,target,model,rel_error,bound,source"
    assert (out / "parameters.csv").read_text(encoding="utf-8").startswith("key,at,value,lower,upper,sd,at_bound,identified")
    assert any(",employee_pension,2020,insured," in line for line in table[1:])
    bare = workdir / "bare.yaml"
    text = (SCENARIOS / "jiangxi.yaml").read_text(encoding="utf-8")
    bare.write_text(text[: text.index("\ncalibration:")], encoding="utf-8")  # every block but the calibration
    refused = CliRunner().invoke(app, ["calibrate", str(bare)])
    assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "no calibration block" in refused.stderr


def test_child_values_win_over_the_fitted_value_in_the_parents_own_spelling(workdir) -> None:
    """The parent writes base_ratio as {2010: 0.75} and its fitted file sets 2010-01-01 to 0.9; a child writing
    {2010: 0.6} (the parent's own key) must win over the fitted value, which the parent itself gets."""
    import datetime as dt

    (workdir / "jiangxi.fitted.yaml").write_text("values:\n  employee_pension:\n    base_ratio:\n      '2010-01-01': 0.9\n", encoding="utf-8")
    (workdir / "child.yaml").write_text(
        "extends: jiangxi.yaml\nname: child\nemployee_pension:\n  base_ratio:\n    values: {2010: 0.6}\n", encoding="utf-8"
    )
    assert dict(simulator.load_scenario(workdir / "jiangxi.yaml").employee_pension.base_ratio.values) == {dt.date(2010, 1, 1): 0.9}
    assert dict(simulator.load_scenario(workdir / "child.yaml").employee_pension.base_ratio.values) == {dt.date(2010, 1, 1): 0.6}


def test_child_values_win_over_the_parents_fitted_value_for_the_same_date(workdir) -> None:
    """The parent's fitted file sets coverage on 2020-07-01; a child writing the same date in
    the full form (`values: {2020-07: 0.5}`, another spelling of that date) must win."""
    run_calibration(workdir / "jiangxi.yaml")
    (workdir / "child.yaml").write_text(
        "extends: jiangxi.yaml\nname: child\nemployee_pension:\n  coverage:\n    values: {2020-07: 0.5}\n",
        encoding="utf-8",
    )
    child = simulator.load_scenario(workdir / "child.yaml")
    assert dict(child.employee_pension.coverage.values)[__import__("datetime").date(2020, 7, 1)] == 0.5
