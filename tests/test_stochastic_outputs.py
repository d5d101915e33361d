"""The outputs of a stochastic run: results.nc with a quantile dim (and every draw in its group
``draws`` with --keep-draws), the summary's quantile column, the registry's labels on the new
variables, the headline and depletion tables, the fan charts, the report and sim compare with ranges;
bad uncertainty settings as one line and exit code 2."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.io import plots
from simulator.io.compare import compare_table
from simulator.io.report import render_report
from simulator.io.tables import depletion_rows, headline_rows
from simulator.io.writers import summary_table
from simulator.variables import VARIABLES
from tests.outputs_support import assert_drawn, one_line_error, results
from tests.stochastic_support import default_run

RUNNER = CliRunner()


def short_file(tmp_path, extra: str = "") -> str:
    """A scenario file: Jiangxi to 2040 (and ``extra`` YAML)."""
    from tests.conftest import SCENARIOS

    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {SCENARIOS / 'jiangxi.yaml'}\nname: short\nhorizon: 2040\n{extra}", encoding="utf-8")
    return str(path)


def test_new_variables_are_registered_with_their_labels() -> None:
    ds = default_run()
    for name, var in ds.data_vars.items():
        entry = VARIABLES[name]
        assert var.attrs["units"] == entry.units and var.attrs["label_zh"] == entry.zh, name
    assert ds["prob_depletion"].dims == ("scheme", "year") and "quantile" in ds["balance"].dims


def test_sim_run_with_draws_writes_percentiles_and_every_draw(tmp_path) -> None:
    out = tmp_path / "out"
    args = ["run", short_file(tmp_path), "--draws", "6", "--seed", "2", "--keep-draws", "-o", str(out), "--no-plots", "--quiet"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = xr.load_dataset(out / "results.nc")
    draws = xr.load_dataset(out / "results.nc", group="draws")
    assert list(summary["quantile"].values) == [0.025, 0.1, 0.5, 0.9, 0.975] and summary.attrs["seed"] == 2
    assert draws.sizes["draw"] == 6
    np.testing.assert_allclose(
        summary["balance"].sel(quantile=0.5).values, np.median(draws["balance"].values, axis=0), rtol=1e-12
    )
    table = (out / "summary.csv").read_text().splitlines()
    assert table[0] == "region,scheme,year,variable,quantile,value,unit"
    again = simulator.run(short_file(tmp_path), draws=6, seed=2)
    np.testing.assert_array_equal(again["balance"].values, summary["balance"].values)


def test_keep_draws_needs_draws(tmp_path) -> None:
    line = one_line_error(RUNNER.invoke(app, ["run", short_file(tmp_path), "--keep-draws", "-o", str(tmp_path / "o")]))
    assert "--keep-draws needs --draws" in line


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("uncertainty: {economy: {wage_growth: {persistence: 1.2}}}", "uncertainty.economy.wage_growth.persistence"),
        ("uncertainty: {economy: {inflation: {sd: 0.01}}}", "uncertainty.economy.inflation.sd: unknown key"),
        ("uncertainty: {economy: {correlation: [[1, 0.5], [0.5, 1]]}}", "correlation must be 4 x 4"),
        ("uncertainty: {assumptions: {unemployment.take_up: {sd: -0.1}}}", "sd"),
    ],
    ids=["persistence outside (-1, 1)", "unknown key", "correlation of the wrong size", "negative sd"],
)
def test_bad_uncertainty_block_is_one_line(tmp_path, extra: str, expected: str) -> None:
    line = one_line_error(RUNNER.invoke(app, ["run", short_file(tmp_path, extra), "--draws", "3", "-o", str(tmp_path / "o")]))
    assert "short.yaml:" in line and expected in line


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("uncertainty: {assumptions: {unemployment.nothing_here: {sd: 0.1}}}", "no such key"),
        ("uncertainty: {assumptions: {unemployment.claimant_years: {sd: 0.1}}}", "not a dated parameter"),
        ("uncertainty: {assumptions: {economy.inflation: {sd: 0.1}}}", "has a process of its own"),
        ("uncertainty: {assumptions: {labour.urban_share: {sd: 0.01}}}", "enters the projection context"),
        ("uncertainty: {economy: {correlation: [[1, 0.99, 0.99, 0], [0.99, 1, -0.99, 0], [0.99, -0.99, 1, 0], [0, 0, 0, 1]]}}",
         "not positive semi-definite"),
    ],
    ids=["missing key", "not dated", "economy key", "context key", "indefinite correlation"],
)
def test_bad_uncertain_assumption_is_one_line(tmp_path, extra: str, expected: str) -> None:
    line = one_line_error(RUNNER.invoke(app, ["run", short_file(tmp_path, extra), "--draws", "2", "-o", str(tmp_path / "o")]))
    assert expected in line and "short.yaml" in line


def test_summary_has_a_row_per_percentile() -> None:
    table = summary_table(default_run())
    rows = table[(table.variable == "balance") & (table.scheme == "employee_pension") & (table.year == 2030)]
    assert sorted(rows["quantile"]) == [0.025, 0.1, 0.5, 0.9, 0.975]
    assert rows.set_index("quantile")["value"].is_monotonic_increasing
    prob = table[table.variable == "prob_depletion"]
    assert len(prob) and prob["quantile"].isna().all()


def test_headline_shows_medians_with_their_ranges() -> None:
    ds = default_run()
    rows = headline_rows(ds, "employee_pension", [2030, 2040])
    labels = [label for label, _ in rows]
    assert labels[0] == "contributors (万人)" and labels[1].strip() == "10% to 90%"
    low, high = (float(x.replace(",", "")) for x in rows[1][1][0].split(" to "))
    median = float(rows[0][1][0].replace(",", ""))
    assert low <= median <= high
    assert depletion_rows(ds)[0][0] == "employee_pension"


@pytest.mark.parametrize("kind", plots.FAN_KINDS)
def test_fan_charts_are_drawn(kind: str, tmp_path) -> None:
    assert kind in plots.available_kinds(default_run())
    assert_drawn(plots.draw(kind, default_run(), tmp_path / f"{kind}.png", "en"))
    with pytest.raises(ValueError, match="stochastic run"):
        plots.draw(kind, results(), tmp_path / "no.png", "en")


def test_report_shows_ranges_and_depletion() -> None:
    html = render_report(default_run(), "en")
    assert "10% to 90%" in html and "Depletion" in html and 'id="plot-fan_balance"' in html


def test_compare_shows_ranges_beside_medians() -> None:
    table = compare_table({"a": default_run(), "b": results()})
    assert {"a 10%", "a 90%"} <= set(table.columns) and "b 10%" not in table.columns
    row = table[(table.scheme == "employee_pension") & (table.indicator == "fund balance") & (table["when"] == "2030")].iloc[0]
    assert row["a 10%"] <= row["a"] <= row["a 90%"]
