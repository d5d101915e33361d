"""sim sensitivity (simulator/uncertainty/sensitivity.py) and reform scoring (scoring.py): the changes
land from the start year on, the table has a row per scheme, case and side, the signs are those an
actuary expects, a scenario's own cases are read; a reform's provisions add up in sequence; the
period actuarial balance by hand."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.io.outdir import TOOL_FILES
from simulator.model.fund import period_actuarial_balance
from simulator.model.timeline import annual
from simulator.scenario.uncertainty import Uncertainty
from simulator.uncertainty.scoring import reform_pair, score
from simulator.uncertainty.sensitivity import DEFAULT_CASES, PERIODS, e0_shift, run, variant
from tests.conftest import SCENARIOS
from tests.outputs_support import assert_drawn


@pytest.fixture(scope="module")
def jiangxi():
    return simulator.load_scenario(SCENARIOS / "jiangxi.yaml")


@pytest.fixture(scope="module")
def table(jiangxi):
    own = {"sensitivity": {"fertility": {"low": -0.3, "high": 0.3},
                           "claims": {"keys": ["unemployment.inflow_rate"], "how": "scale", "low": 0.8, "high": 1.2}}}  # fmt: skip
    return run(jiangxi.model_copy(update={"uncertainty": Uncertainty.model_validate(own)}))


def test_a_change_applies_from_the_start_year_only(jiangxi) -> None:
    """A key's yearly values move from 2025 on; the life expectancy path too (by hand: e0 rising 0.2
    and 0.25 a year, gains after 2024 x 1.5, so 2050 is 0.5 x 26 x 0.2 = 2.6 and 3.25 years higher)."""
    years = np.arange(2015, 2101)
    moved = variant(jiangxi, ("economy.wage_growth",), "add", 0.01, 2025)
    before, after = annual(jiangxi.economy.wage_growth, years), annual(moved.economy.wage_growth, years)
    np.testing.assert_array_equal(after[years < 2025], before[years < 2025])
    np.testing.assert_allclose(after[years >= 2025], before[years >= 2025] + 0.01, rtol=1e-12)
    e0 = np.stack([70.0 + 0.2 * (years - 2015), 75.0 + 0.25 * (years - 2015)], axis=1)
    shift = e0_shift(e0, years, 2025, 1.5)  # gains from 2024 half as large again: + 0.5 x (e0[y] - e0[2024])
    assert (shift[years < 2025] == 0).all()
    np.testing.assert_allclose(shift[years == 2050][0], [0.5 * 0.2 * 26, 0.5 * 0.25 * 26])


def test_one_row_per_scheme_case_and_side(table) -> None:
    cases = [c.name for c in DEFAULT_CASES] + ["claims"]
    for scheme, rows in table.groupby("scheme"):
        assert list(rows["assumption"]) == ["base"] + [c for c in cases for _ in (0, 1)], scheme
        base = rows[rows["side"] == ""].iloc[0]
        assert (base[[c for c in table.columns if c.startswith("d_")]] == 0).all()
    assert table.attrs["start_year"] == 2025


def test_signs_an_actuary_expects(table) -> None:
    ep = table[table["scheme"] == "employee_pension"].set_index(["assumption", "side"])
    ab = "d_actuarial_balance_75y"
    assert ep.loc[("fund_return", "high"), ab] > 0 > ep.loc[("fund_return", "low"), ab]
    assert ep.loc[("fertility", "high"), ab] > 0 > ep.loc[("fertility", "low"), ab]
    assert ep.loc[("indexation", "high"), ab] < 0 < ep.loc[("indexation", "low"), ab]  # pensions rise faster: costlier
    assert ep.loc[("mortality_improvement", "high"), ab] < 0  # longer lives: more pension years
    assert ep.loc[("compliance", "high"), "d_balance_2035"] > 0
    assert ep.loc[("fertility", "high"), "d_balance_2035"] == 0  # the children of 2025+ are not yet at work
    assert ep.loc[("fertility", "high"), "change"] == "TFR +0.30 children per woman"  # the scenario resized it
    ui = table[table["scheme"] == "unemployment"].set_index(["assumption", "side"])
    assert ui.loc[("claims", "high"), "d_balance_2050"] < 0 < ui.loc[("claims", "low"), "d_balance_2050"]


def test_sim_sensitivity_writes_the_table_and_the_tornado(tmp_path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {SCENARIOS / 'jiangxi.yaml'}\nname: s\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sensitivity", str(scenario), "-o", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "sensitivity.csv").read_text().startswith("scheme,assumption,side,change,depletion_year")
    assert {p.name for p in (tmp_path / "out").iterdir()} <= TOOL_FILES  # so that --force may replace the folder
    assert_drawn(tmp_path / "out" / "tornado.png")


def test_period_actuarial_balance_by_hand() -> None:
    """Years 2020..2023, valued at the end of 2020 over 2 years (2021, 2022), r = 10%:
    v = 1/1.1, 1/1.21; income (contributions - expenditure) 10, 20; wage bill 100, 100; B[2020] = 5:
    (5 + 10/1.1 + 20/1.21) / (100/1.1 + 100/1.21) = (5 + 9.0909 + 16.5289) / 173.5537 = 0.176429."""
    years = [2020, 2021, 2022, 2023]
    data = {name: (("scheme", "year"), [values]) for name, values in {
        "contributions": [np.nan, 50.0, 60.0, 70.0], "transfers_in": [np.nan, 0.0, 0.0, 0.0],
        "expenditure": [np.nan, 40.0, 40.0, 40.0], "wage_bill": [100.0, 100.0, 100.0, 100.0],
        "balance": [5.0, 15.0, 35.0, 65.0]}.items()}  # fmt: skip
    ds = xr.Dataset(data, coords={"scheme": ["x"], "year": years})
    value = period_actuarial_balance(ds, np.full((1, 4), 0.10), 2021, 2)
    assert float(value.sel(scheme="x")) == pytest.approx((5 + 10 / 1.1 + 20 / 1.21) / (100 / 1.1 + 100 / 1.21))
    assert np.isnan(float(period_actuarial_balance(ds, np.full((1, 4), 0.10), 2021, 5).sel(scheme="x")))
    assert PERIODS == (25, 50, 75)


def test_reform_provisions_add_up_in_sequence(tmp_path) -> None:
    reform = tmp_path / "reform.yaml"
    reform.write_text(
        f"extends: {SCENARIOS / 'jiangxi.yaml'}\nname: reform\n"
        "policy:\n  employee_pension:\n    indexation:\n      then: {wage: 0.4}\n"
        "employee_pension:\n  compliance: {values: {2015: 0.97}}\n",
        encoding="utf-8",
    )
    assert reform_pair(SCENARIOS / "jiangxi.yaml", reform) == (SCENARIOS / "jiangxi.yaml", reform)
    assert reform_pair(reform, SCENARIOS / "jiangxi.yaml") == (SCENARIOS / "jiangxi.yaml", reform)
    assert reform_pair(SCENARIOS / "jiangxi.yaml", SCENARIOS / "china.yaml") is None
    table = score(SCENARIOS / "jiangxi.yaml", reform)
    ep = table[table["scheme"] == "employee_pension"]
    assert list(ep["provision"]) == ["policy.employee_pension.indexation.then.wage", "employee_pension.compliance"]
    first = ep.iloc[0]
    assert first["alone"] == first["in_sequence"] and first["alone"] > 0  # slower indexation: a better balance
    whole = simulator.run(reform)["actuarial_balance"].sel(scheme="employee_pension")
    parent = simulator.run(SCENARIOS / "jiangxi.yaml")["actuarial_balance"].sel(scheme="employee_pension")
    assert ep["in_sequence"].sum() == pytest.approx(float(whole - parent) * 100, rel=1e-9)
    assert ep["share_of_change"].sum() == pytest.approx(1.0)


def test_sim_compare_scores_a_reform_against_its_parent(tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["compare", str(SCENARIOS / "jiangxi.yaml"), str(SCENARIOS / "jiangxi_pre_reform.yaml"),
              "-o", str(tmp_path / "c"), "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scoring = (tmp_path / "c" / "scoring.csv").read_text().splitlines()
    assert scoring[0] == "scheme,provision,parent,reform,alone,in_sequence,share_of_change,unit"
    assert any(line.startswith("employee_pension,policy.retirement.reform,True,False,-") for line in scoring)
