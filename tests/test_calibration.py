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


@pytest.fixture()
def workdir(tmp_path):
    for name in ("jiangxi.yaml", "jiangxi_pre_reform.yaml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    return tmp_path


def test_calibration_reproduces_targets_and_is_deterministic(workdir) -> None:
    table, fitted = run_calibration(workdir / "jiangxi.yaml")
    first = yaml.safe_load(fitted.read_text(encoding="utf-8"))
    fitted_rows = table[~table["source"].str.startswith("plan target")]
    assert len(fitted_rows) == len(simulator.load_scenario(workdir / "jiangxi.yaml", fitted=False).calibration.targets)
    assert (fitted_rows["rel_error"].abs() < 0.02).all(), fitted_rows
    assert list(table.columns) == ["region", "scheme", "year", "variable", "target", "model", "rel_error", "source"]

    _, again = run_calibration(workdir / "jiangxi.yaml")
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
