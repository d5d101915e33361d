"""The ``sim`` command: version, help, run's output contract and its refusal to clobber."""

from __future__ import annotations

import pandas as pd
import pytest
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


@pytest.mark.parametrize(("argv", "blocked"), [(["sim", "run", "x.yaml"], True), (["sim", "sweep", "spec.yaml"], False)])
def test_the_console_script_keeps_dask_out_but_for_sweep(monkeypatch, argv: list[str], blocked: bool) -> None:
    """`sim` marks dask absent (xarray's probes for it then answer at once) except for `sim sweep`, which runs on it."""
    import sys

    import simulator.cli as cli

    seen = {}
    monkeypatch.setattr(sys, "argv", argv)
    for name in ("dask", "distributed"):  # absent for the test, as they were before it afterwards
        monkeypatch.setitem(sys.modules, name, None)
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(cli, "app", lambda: seen.update({n: n in sys.modules and sys.modules[n] is None for n in ("dask", "distributed")}))
    cli.entry()
    assert seen == {"dask": blocked, "distributed": blocked}
