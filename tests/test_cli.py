"""The ``sim`` command: version, help, run's output contract and its refusal to clobber."""

from __future__ import annotations

import pandas as pd
import xarray as xr
from typer.testing import CliRunner

import simulator
from simulator.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"sim {simulator.__version__}"


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "validate", "calc"):
        assert command in result.stdout


def test_validate_ok(jiangxi_path) -> None:
    result = runner.invoke(app, ["validate", str(jiangxi_path)])
    assert result.exit_code == 0 and "ok" in result.stdout


def test_run_writes_results_and_refuses_non_empty(jiangxi_path, tmp_path) -> None:
    out = tmp_path / "out"
    first = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(out), "--quiet"])
    assert first.exit_code == 0, first.output
    assert first.stdout == ""  # --quiet prints nothing but errors
    ds = xr.open_dataset(out / "results.nc")
    assert ds.attrs["scenario"] == "jiangxi" and len(ds.attrs["scenario_sha256"]) == 64
    assert int(ds.year[0]) == 2010 and int(ds.year[-1]) == 2100
    ds.close()
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["region", "scheme", "year", "variable", "value", "unit"]

    again = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(out)])
    assert again.exit_code == 2 and "not empty" in again.stderr
    forced = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(out), "--force", "--quiet"])
    assert forced.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([".sim-output", "results.nc", "summary.csv"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no temporary, no lock left


def test_python_api_matches(jiangxi_path) -> None:
    ds = simulator.run(jiangxi_path)
    scenario = simulator.load_scenario(jiangxi_path)
    assert ds.attrs["scenario_sha256"] == simulator.run(scenario).attrs["scenario_sha256"]
