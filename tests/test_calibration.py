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
    assert first["scenario_file"] == "jiangxi.yaml"
    fitted_rows = table[~table["source"].str.startswith("plan target")]
    assert len(fitted_rows) == len(simulator.load_scenario(workdir / "jiangxi.yaml", fitted=False).calibration.targets)
    assert (fitted_rows["rel_error"].abs() < 0.02).all(), fitted_rows
    assert list(table.columns) == ["region", "scheme", "year", "variable", "target", "model", "rel_error", "bound", "source"]
    assert list(done.parameters["key"]) == ["employee_pension.coverage", "employee_pension.initial.average_pension"]
    assert (done.parameters["sd"] >= 0).all() and done.parameters["identified"].all()

    again = run_calibration(workdir / "jiangxi.yaml", force=True).fitted
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


@pytest.mark.filterwarnings("ignore::simulator.errors.StaleFitWarning")  # a fitted file written by hand: no hash
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


# ---------------------------------------------------------------- fitted files that cannot go missing or stale


def _line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_named_fitted_file_that_is_missing_is_an_error(tmp_path) -> None:
    """A copy of a scenario without its fitted file does not silently run unfitted."""
    from typer.testing import CliRunner

    from simulator.cli import app

    copy = tmp_path / "jiangxi.yaml"
    shutil.copy(SCENARIOS / "jiangxi.yaml", copy)
    with pytest.raises(ScenarioError) as caught:
        simulator.load_scenario(copy)
    assert caught.value.line == _line_of(copy, "fitted: jiangxi.fitted.yaml")
    assert caught.value.key_path == "calibration.fitted"
    assert f"jiangxi.fitted.yaml: no such file beside jiangxi.yaml (fit it with: sim calibrate {copy}" in caught.value.message
    simulator.load_scenario(copy, fitted=False)  # what sim calibrate reads
    result = CliRunner().invoke(app, ["run", str(copy), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_an_edited_scenario_warns_that_its_fit_is_stale(tmp_path) -> None:
    """The fitted file records the scenario's sha256: an edit that changes the scenario (not a comment) gives
    one warning line saying how to refit; the values are still used."""
    import warnings

    from typer.testing import CliRunner

    from simulator.cli import app
    from simulator.errors import StaleFitWarning

    for name in ("jiangxi.yaml", "jiangxi.fitted.yaml", "jiangxi_pre_reform.yaml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    scenario = tmp_path / "jiangxi.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted = simulator.load_scenario(scenario)  # as shipped: not stale
        scenario.write_text(scenario.read_text(encoding="utf-8") + "# a comment changes nothing\n", encoding="utf-8")
        simulator.load_scenario(scenario)
    text = scenario.read_text(encoding="utf-8").replace("\nhorizon: 2100", "\nhorizon: 2099", 1)
    assert "horizon: 2099" in text
    scenario.write_text(text, encoding="utf-8")
    for path in (scenario, tmp_path / "jiangxi_pre_reform.yaml"):  # the child uses the parent's fit
        with pytest.warns(StaleFitWarning, match=r"jiangxi.fitted.yaml is stale: it was fitted to another version of .*jiangxi.yaml; .* Refit: sim calibrate .*jiangxi.yaml --force"):
            edited = simulator.load_scenario(path)
    assert edited.employee_pension.coverage == fitted.employee_pension.coverage  # the fitted values still apply
    result = CliRunner().invoke(app, ["validate", str(scenario), str(tmp_path / "jiangxi_pre_reform.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ") and "is stale" in lines[0]  # once per command


def test_calibrate_never_replaces_another_scenarios_fit_nor_its_own_without_force(workdir) -> None:
    """Refused before any fitting, the file untouched: its own earlier fit (without force), the fit of
    another scenario file that names the same file (a copy beside it), and an inherited calibration.fitted."""
    from typer.testing import CliRunner

    from simulator.cli import app
    from simulator.errors import StaleFitWarning

    fitted = workdir / "jiangxi.fitted.yaml"
    shutil.copy(SCENARIOS / "jiangxi.fitted.yaml", fitted)  # written_by: sim calibrate scenarios/jiangxi.yaml
    before = fitted.read_bytes()
    with pytest.raises(ScenarioError, match="jiangxi.fitted.yaml exists \\(use --force to refit and replace it\\)"):
        run_calibration(workdir / "jiangxi.yaml")
    shutil.copy(workdir / "jiangxi.yaml", workdir / "copy.yaml")
    for force in (False, True):
        with pytest.raises(ScenarioError, match="holds the fit of jiangxi.yaml, another scenario"):
            run_calibration(workdir / "copy.yaml", force=force)
    with pytest.raises(ScenarioError, match="is the fit of jiangxi.yaml .* give jiangxi_pre_reform.yaml a calibration.fitted of its own"):
        with pytest.warns(StaleFitWarning):  # the shipped fit, of the shipped jiangxi.yaml, not of this smaller one
            run_calibration(workdir / "jiangxi_pre_reform.yaml", force=True)
    refused = CliRunner().invoke(app, ["calibrate", str(workdir / "copy.yaml"), "-o", str(workdir / "cal"), "--force"])
    assert refused.exit_code == 2 and "another scenario" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert fitted.read_bytes() == before


def test_validate_checks_fitted_files_with_their_scenario() -> None:
    """`sim validate scenarios/*.yaml` takes the fitted files in its stride: each is checked with its scenario."""
    from typer.testing import CliRunner

    from simulator.cli import app

    files = sorted(SCENARIOS.glob("*.yaml"))
    result = CliRunner().invoke(app, ["validate", *map(str, files)])
    assert result.exit_code == 0, result.output
    fitted = [f for f in files if f.name.endswith(".fitted.yaml")]
    assert fitted and all(f"{f}: ok (fitted values of {f.name.replace('.fitted', '')}, checked with it)" in result.stdout for f in fitted)
