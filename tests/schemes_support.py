"""Shared inputs of the residents-pension, unemployment and work-injury tests: the shipped
Jiangxi scenario, its demography and the employee-pension link, built once per session."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import simulator
from simulator.model import employee_pension
from simulator.model.scheme_inputs import employee_link
from tests.conftest import SCENARIOS


@lru_cache(maxsize=1)
def jiangxi_inputs():
    """(scenario, demography, employee) of scenarios/jiangxi.yaml."""
    from simulator.model.demography import population_dataset

    scenario = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
    demography = population_dataset(scenario)
    inputs = employee_pension.build_inputs(scenario, demography)
    results = employee_pension.results(scenario, inputs, employee_pension.run_kernel(inputs))
    return scenario, demography, employee_link(scenario, demography, results)


def check_model(module) -> dict:
    """Run ``module.indicators`` on Jiangxi with both kernel twins: equal results, the output
    contract and the fund identities. Returns the results."""
    scenario, demography, employee = jiangxi_inputs()
    res = module.indicators(scenario, demography, employee)
    ref = module.indicators(scenario, demography, employee, impl="numpy")
    for name, (value, _, _) in res.items():
        np.testing.assert_allclose(value, ref[name][0], rtol=1e-10, equal_nan=True, err_msg=name)
    check_contract(res)
    check_fund_identities(res)
    return res


def check_fund_identities(res: dict) -> None:
    """revenue, expenditure, balance roll-forward and current balance, every projected year."""
    v = {name: value[0] for name, (value, _, _) in res.items()}
    p = slice(1, None)
    revenue = v["contributions"] + v["subsidy"] + v["interest"] + v["transfers_in"]
    expenditure = v["benefits"] + v["other_outgo"] + v["transfers_out"]
    np.testing.assert_allclose(v["revenue"][p], revenue[p], rtol=1e-12)
    np.testing.assert_allclose(v["expenditure"][p], expenditure[p], rtol=1e-12)
    np.testing.assert_allclose(
        v["balance"][p], v["balance"][:-1] + v["revenue"][p] - v["expenditure"][p], rtol=1e-12, atol=1e-3
    )
    np.testing.assert_allclose(v["current_balance"][p], (v["contributions"] - v["benefits"])[p], rtol=1e-12)
    for name in ("insured", "contributors", "beneficiaries", "balance"):
        assert np.isfinite(v[name]).all(), name  # stocks are given in the base year too
    for name in ("contributions", "benefits", "revenue", "expenditure"):
        assert np.isnan(v[name][0]) and np.isfinite(v[name][p]).all(), name


def check_contract(res: dict) -> None:
    """Every scheme emits the common variables with [draw, year] values and known units."""
    required = (
        "insured", "contributors", "beneficiaries", "revenue", "contributions", "expenditure", "subsidy",
        "balance", "current_balance", "benefits", "interest", "other_outgo", "transfers_in", "transfers_out",
    )  # fmt: skip
    for name in required:
        assert name in res, name
    shapes = {value.shape for value, _, _ in res.values()}
    assert len(shapes) == 1 and len(next(iter(shapes))) == 2
    assert {unit for _, unit, _ in res.values()} <= {"persons", "yuan", "yuan/month", "1"}
