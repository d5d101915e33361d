"""Outputs of a run: results.nc (units, provenance, round trip), the summary table, the atomic
write, the headline table, the progress helper and `sim run`'s options."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.io.writers import (
    OutputExists,
    ResultsError,
    atomic_file,
    read_results,
    summary_table,
    write_atomic_dir,
    write_results,
)
from tests.conftest import ROOT
from tests.outputs_support import assert_drawn, one_line_error, results

runner = CliRunner()


# ---------------------------------------------------------------- results.nc


def test_every_variable_has_units_and_long_name(tmp_path) -> None:
    ds = results()
    missing = [
        f"{name}: {sorted({'units', 'long_name'} - set(var.attrs))}"
        for name, var in ds.data_vars.items()
        if not {"units", "long_name"} <= set(var.attrs)
    ]
    assert not missing, missing
    written = read_results(write_results(ds, tmp_path / "out"))
    assert all(var.attrs.get("units") is not None and var.attrs.get("long_name") for var in written.data_vars.values())
    assert written["year"].attrs["units"] == "year" and written["age"].attrs["long_name"]


def test_netcdf_round_trip_keeps_values_and_attrs(tmp_path) -> None:
    ds = results()
    back = read_results(write_results(ds, tmp_path / "out"))
    assert set(back.data_vars) == set(ds.data_vars) and dict(back.sizes) == dict(ds.sizes)
    for name, var in ds.data_vars.items():
        np.testing.assert_array_equal(back[name].values, var.values, err_msg=name)  # NaN == NaN here
        assert back[name].attrs == var.attrs, name
    for name in ds.coords:
        assert back[name].values.tolist() == ds[name].values.tolist(), name
    assert {k: str(v) for k, v in back.attrs.items()} == {k: str(v) for k, v in ds.attrs.items()}
    assert (
        back.attrs["scenario"] == "jiangxi"
        and int(back.attrs["base_year"]) == 2010
        and int(back.attrs["horizon"]) == 2100
    )


def test_provenance_attrs() -> None:
    ds = results()
    for key in (
        "scenario",
        "scenario_sha256",
        "simulator_version",
        "base_year",
        "horizon",
        "created",
        "region_name",
        "calibration",
        "scenario_file",
    ):
        assert str(ds.attrs[key]), key
    assert ds.attrs["simulator_version"] == simulator.__version__
    # the stored scenario is the very text that was hashed
    assert hashlib.sha256(ds.attrs["scenario_json"].encode()).hexdigest() == ds.attrs["scenario_sha256"]


def test_read_results_refuses_what_is_not_results(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "text.nc").write_text("not netcdf")
    xr.Dataset({"x": ("t", [1.0])}).to_netcdf(tmp_path / "other.nc")
    for path, words in [
        (tmp_path / "nowhere", "no such"),
        (tmp_path / "empty", "not a results folder"),
        (tmp_path / "text.nc", "cannot read"),
        (tmp_path / "other.nc", "not simulator results"),
    ]:
        with pytest.raises(ResultsError, match=words) as err:
            read_results(path)
        assert "\n" not in str(err.value)


# ---------------------------------------------------------------- summary table


def test_summary_has_every_year_of_every_pair_present() -> None:
    ds = results()
    ds["all_nan"] = ds["balance"] * np.nan
    ds["all_nan"].attrs = {"units": "yuan", "long_name": "nothing"}
    table = summary_table(ds)
    assert list(table.columns) == ["region", "scheme", "year", "variable", "value", "unit"]
    years = list(range(int(ds.attrs['base_year']), 2101))
    counts = table.groupby(["scheme", "variable"])["year"].apply(list)
    assert all(c == years for c in counts), counts[[c != years for c in counts]]
    assert "all_nan" not in set(table["variable"])  # a pair NaN in every year is left out
    # a flow is not projected in the base year: its row is kept, empty
    contributions = table[(table.variable == "contributions") & (table.scheme == "employee_pension")].set_index("year")[
        "value"
    ]
    assert np.isnan(contributions[years[0]]) and contributions[years[0] + 1] > 0
    balance = table[(table.variable == "balance") & (table.scheme == "employee_pension")].set_index("year")["value"]
    assert balance[2035] == pytest.approx(float(ds["balance"].sel(scheme="employee_pension", year=2035)))
    assert set(table.loc[table.variable == "balance", "unit"]) == {"yuan"} and set(table["region"]) == {"jiangxi"}


def test_summary_keeps_a_variable_of_one_scheme_only() -> None:
    from tests.outputs_support import with_extra_scheme

    table = summary_table(with_extra_scheme(results()))
    pairs = set(zip(table["scheme"], table["variable"]))
    assert ("test_scheme", "beneficiaries") in pairs and ("employee_pension", "beneficiaries") not in pairs
    assert ("employee_pension", "retirees") in pairs and ("test_scheme", "retirees") not in pairs


# ---------------------------------------------------------------- atomic writes


def test_failed_write_leaves_nothing_behind(tmp_path) -> None:
    def broken(folder) -> None:
        (folder / "half.txt").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_results(results(), tmp_path / "new", extra=broken)
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    write_results(results(), old)
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    with pytest.raises(RuntimeError):
        write_atomic_dir(old, True, broken)
    assert [p.name for p in tmp_path.iterdir()] == ["old"]
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    with pytest.raises(OutputExists, match="not empty"):
        write_atomic_dir(old, False, lambda folder: None)


def test_atomic_file_replaces_only_when_forced_and_complete(tmp_path) -> None:
    target = tmp_path / "report.html"
    with atomic_file(target) as tmp:
        tmp.write_text("first")
    with pytest.raises(OutputExists, match="exists"), atomic_file(target) as tmp:
        tmp.write_text("second")
    with pytest.raises(RuntimeError), atomic_file(target, force=True) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "first"
    with atomic_file(target, force=True) as tmp:
        tmp.write_text("second")
    assert target.read_text() == "second" and [p.name for p in tmp_path.iterdir()] == ["report.html"]


# ---------------------------------------------------------------- headline table and progress


def test_headline_table_fits_without_squeezing() -> None:
    from rich.console import Console

    from simulator.io.tables import WIDTH, headline_table
    from tests.outputs_support import with_extra_scheme

    buffer = io.StringIO()
    Console(file=buffer, width=WIDTH).print(headline_table(with_extra_scheme(results())))
    lines = buffer.getvalue().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= WIDTH
    text = buffer.getvalue()
    for label in (
        "contributors (万人)",
        "retirees (万人)",
        "beneficiaries (万人)",
        "fund balance (亿元)",
        "dependency ratio",
    ):
        assert label in text, label
    assert "employee_pension (fund depleted in" in text and "test_scheme" in text
    balance_line = next(line for line in lines if "fund balance" in line)
    opening = float(results()["balance"].sel(scheme="employee_pension").isel(year=0)) / 1e8
    assert f"{opening:,.0f}" in balance_line  # the base year shows the scenario's opening balance in 亿元


def test_progress_shows_on_a_terminal_only() -> None:
    from rich.console import Console

    from simulator.io.progress import progress, track

    shown = io.StringIO()
    with progress("working", total=2, console=Console(file=shown, force_terminal=True, width=80)) as bar:
        bar.advance("step two")
        bar.advance()
        assert bar.completed == 2
    assert "step two" in shown.getvalue() or "working" in shown.getvalue()
    for console, quiet in [
        (Console(file=io.StringIO(), force_terminal=True), True),
        (Console(file=io.StringIO()), False),
    ]:
        assert list(track(range(3), "items", quiet=quiet, console=console)) == [0, 1, 2]
        assert console.file.getvalue() == ""


def test_cli_import_does_not_load_matplotlib() -> None:
    code = "import sys, simulator.cli; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


# ---------------------------------------------------------------- sim run


def test_run_writes_plots_and_prints_the_headline(jiangxi_path, tmp_path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "dependency.png",
        "enrolment.png",
        "fund_gap.png",
        "pyramid.png",
    ]
    for path in (out / "plots").iterdir():
        assert_drawn(path)
    assert "fund balance (亿元)" in result.stdout and "2035" in result.stdout
    table = result.stdout.split("\nwrote ")[0].splitlines()
    assert len(table) > 8 and max(len(line) for line in table) <= 120  # fixed width, not squeezed
    assert f"sim report {out}" in result.stdout


def test_run_parquet_without_plots(jiangxi_path, tmp_path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(out), "--format", "parquet", "--no-plots", "-q"])
    assert result.exit_code == 0 and result.output == ""
    assert sorted(p.name for p in out.iterdir()) == [".sim-output", "results.nc", "summary.parquet"]
    parquet = pd.read_parquet(out / "summary.parquet")
    expected = summary_table(read_results(out))
    pd.testing.assert_frame_equal(parquet.reset_index(drop=True), expected, check_dtype=False)


def test_run_bad_options_are_one_line(jiangxi_path, tmp_path) -> None:
    line = one_line_error(runner.invoke(app, ["run", str(jiangxi_path), "-o", str(tmp_path / "o"), "--format", "xls"]))
    assert "--format" in line and "parquet" in line
    line = one_line_error(runner.invoke(app, ["run", str(jiangxi_path), "--lang", "fr"]))
    assert "--lang" in line
    line = one_line_error(runner.invoke(app, ["run"]))
    assert "Missing argument" in line
    assert not (tmp_path / "o").exists()
