"""A run of D draws, each with its own parameter values, equals D single runs: the projection
context and every scheme carry a leading draw axis, and the employee kernel runs all draws at once."""

from __future__ import annotations

import numpy as np
import pytest

import simulator
from simulator.model.projection import project
from simulator.scenario.load import override
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def draws():
    base = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
    changes = [
        {},
        {"policy.employee_pension.employer_rate": {"values": {"2015-01-01": 0.20, "2019-05-01": 0.18}},
         "economy.fund_return": {"values": {2015: 0.04}}},
        {"policy.employee_pension.employer_rate": {"values": {"2015-01-01": 0.14}},
         "economy.fund_return": {"values": {2015: 0.01}}, "employee_pension.initial.balance": 5.0e10,
         "unemployment.coverage": {"values": {2015: 0.3}}},
        {"employee_pension.initial.average_pension": 2100.0},  # moves one kernel input alone (pensions, not retirees)
    ]  # fmt: skip
    scenarios = [override(base, c) for c in changes]
    return scenarios, project(base, draws=scenarios)


def test_each_draw_equals_its_single_run(draws) -> None:
    scenarios, together = draws
    assert together.sizes["draw"] == len(scenarios)
    for d, scenario in enumerate(scenarios):
        alone = project(scenario)
        one = together.isel(draw=d)
        for name in alone.data_vars:
            np.testing.assert_allclose(
                one[name].transpose(*alone[name].dims).values, alone[name].values, rtol=1e-12, equal_nan=True, err_msg=name
            )


def test_the_draws_differ_where_their_parameters_do(draws) -> None:
    _, together = draws
    ep = together["contributions"].sel(scheme="employee_pension", year=2020).values
    assert ep[1] > ep[0] > ep[2]  # employer rate 18% > 16% > 14% in 2020
    interest = together["interest"].sel(scheme="unemployment", year=2030).values
    assert interest[1] > interest[0] > interest[2]  # fund return 4% > 2.5% > 1%
    pension = together["average_pension"].sel(scheme="employee_pension", year=2016).values
    assert pension[3] > pension[0]  # a higher initial average pension
    ui = together["insured"].sel(scheme="unemployment", year=2015).values
    assert ui[2] > ui[0] == ui[1] == ui[3]


def test_draws_must_share_years() -> None:
    base = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
    with pytest.raises(ValueError, match="base_year and horizon"):
        project(base, draws=[base, override(base, {"horizon": 2090})])
