"""Outputs of a run: results.nc (units, provenance, round trip), the summary table, the atomic
write, the headline table, the progress helper and `sim run`'s options."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
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
from tests.outputs_support import assert_drawn, assert_whole_numbers, one_line_error, printed, results

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


def summary_reference(ds: xr.Dataset) -> pd.DataFrame:
    """The summary built the plain way, one ``to_dataframe`` per variable: the twin of the
    vectorised :func:`summary_table`."""
    stochastic = "quantile" in ds.dims
    frames = []
    for name, var in ds.data_vars.items():
        rest = set(var.dims) - {"quantile"}
        if rest not in ({"scheme", "year"}, {"year"}):
            continue
        df = var.to_dataframe(name="value").reset_index()
        if "scheme" not in df:
            df.insert(0, "scheme", var.attrs.get("scheme", "population"))
        if stochastic and "quantile" not in df:
            df["quantile"] = float("nan")
        df = df[[c for c in ("scheme", "year", "quantile", "value") if c in df]]
        df = df[df.groupby("scheme")["value"].transform(lambda v: v.notna().any())]
        frames.append(df.assign(variable=name, unit=var.attrs.get("units", "")))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "region", ds.attrs.get("region", ""))
    columns = ["region", "scheme", "year", "variable", *(["quantile"] if stochastic else []), "value", "unit"]
    order = ["scheme", "variable", "quantile", "year"] if stochastic else ["scheme", "variable", "year"]
    return out[columns].sort_values(order, kind="stable").reset_index(drop=True)


def test_summary_equals_its_per_variable_twin() -> None:
    from tests.outputs_support import with_extra_scheme
    from tests.stochastic_support import default_run

    for ds in (results(), with_extra_scheme(results()), default_run()):
        expected = summary_reference(ds)
        table = summary_table(ds)
        pd.testing.assert_frame_equal(table, expected)
        assert table.to_csv(index=False) == expected.to_csv(index=False)


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


@given(st.integers(min_value=12, max_value=220))
@settings(max_examples=25, deadline=None)
def test_headline_never_cuts_a_number(width: int) -> None:
    """At any terminal width the headline table shows every number whole: the year columns are split
    over several tables, or the table is printed long; labels may wrap."""
    from simulator.io.tables import headline_grid
    from tests.outputs_support import with_extra_scheme

    grid = headline_grid(with_extra_scheme(results()))
    assert_whole_numbers(grid, printed(grid, width), width)


def test_headline_labels_and_a_file_gets_the_whole_table() -> None:
    from simulator.io.tables import headline_grid
    from tests.outputs_support import with_extra_scheme

    grid = headline_grid(with_extra_scheme(results()))
    text = printed(grid, None)
    assert_whole_numbers(grid, text, None)
    table = text.split("\n\n")[0]
    for label in (
        "contributors (万人)",
        "retirees (万人)",
        "beneficiaries (万人)",
        "fund balance (亿元)",
        "fund balance / wage bill (%)",
        "dependency ratio",
    ):
        assert label in text, label
    assert "Urban employee pension: fund depleted in" in text and "test scheme" in text
    assert "present values discounted at the fund return, 2.50% a year" in text
    balance_line = next(line for line in text.splitlines() if "fund balance (亿元)" in line)
    assert any(all(str(y) in line for y in (2010, 2035, 2050, 2100)) for line in table.splitlines())  # one table
    opening = float(results()["balance"].sel(scheme="employee_pension").isel(year=0)) / 1e8
    assert f"{opening:,.0f}" in balance_line  # the base year shows the scenario's opening balance in 亿元


def test_headline_in_chinese() -> None:
    from simulator.io.tables import headline_grid

    text = printed(headline_grid(results(), "zh"), 200)
    for term in ("缴费人数", "离退休人数", "制度赡养比", "累计结余", "当期收支差", "城镇职工基本养老保险", "基金于"):
        assert term in text, term


def test_subsidy_needed_is_a_present_value_to_the_last_year_shown() -> None:
    """The headline gives the present value of the subsidy needed (not a nominal sum), to the horizon or to
    --until's year."""
    from simulator.io.tables import scheme_notes
    from simulator.io.views import until

    ds = results()
    notes = "; ".join(scheme_notes(ds, "employee_pension"))
    value = float(ds["subsidy_needed_pv"].sel(scheme="employee_pension", year=2100)) / 1e8
    assert f"subsidy needed to 2100: present value {value:,.0f}亿 at the end of 2010" in notes
    short = "; ".join(scheme_notes(until(ds, 2050), "employee_pension"))
    assert "not depleted by 2050" in short and "no subsidy needed to 2050" in short


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


def test_a_projection_loads_neither_scipy_nor_matplotlib() -> None:
    """Lazy heavy imports: a run (`sim run` without plots) needs neither (numba imports scipy's light top
    package, not scipy.interpolate)."""
    code = (
        "import sys, simulator; simulator.run('scenarios/china.yaml');"
        "sys.exit(sorted(m for m in ('scipy.interpolate', 'matplotlib') if m in sys.modules) or 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]


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
    table = result.stdout.split("\n\n")[0].splitlines()
    assert len(table) > 8 and "…" not in result.stdout  # into a pipe: the whole table, nothing cut
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


def test_run_until_in_chinese_with_its_provisional_warnings(jiangxi_path, tmp_path) -> None:
    """`sim run --until 2050 --lang zh`: the headline in Chinese to 2050 (results.nc keeps every year), and one
    warning line per provisional input that moves a headline figure, naming its file and line."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(out), "--lang", "zh", "--until", "2050", "--no-plots"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "2035" in line)
    assert "缴费人数" in result.stdout and header.split()[-1] == "2050"  # the actuarial balance stays 2011-2100
    assert f"已写入 {out}: results.nc" in result.stdout and f"下一步：sim report {out}" in result.stdout
    assert int(read_results(out)["year"][-1]) == 2100
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("警告：resident_pension.initial.balance = 1,000,000,000 为暂定值（")
    assert f"{jiangxi_path}:" in warnings[0]
    bad = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(tmp_path / "bad"), "--until", "2101"])
    assert "--until 2101: expected a year after the base year" in one_line_error(bad)
    for args, words in ((["--money", "real", "--no-plots"], "--money sets the money of the plots"),
                        (["--until", "2050", "-q"], "--until limits the headline table and the plots"),
                        (["--lang", "zh", "-q", "--no-plots"], "--lang sets the language of the headline table")):  # fmt: skip
        bad = runner.invoke(app, ["run", str(jiangxi_path), "-o", str(tmp_path / "bad"), *args])
        assert words in one_line_error(bad)  # an option without effect is refused
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("command", ["run", "plot", "compare", "report", "sensitivity", "calibrate", "sweep"])
def test_help_shows_values_as_typed(command: str) -> None:
    """Help names values as a user types them (PATH, N, share|nominal|real), never a Python type."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(bool|int|float|str|list|path)", result.stdout, re.IGNORECASE), result.stdout
    if command in ("run", "plot", "report"):
        assert "share|nominal|real" in result.stdout and "auto|en|zh" in result.stdout
