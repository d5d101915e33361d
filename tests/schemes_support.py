"""Shared inputs of the residents-pension, unemployment and work-injury tests: the shipped
Jiangxi scenario, its projection context and the employee pension's results, built once per session;
a scheme projected on them with its fund (values of the one draw by name)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import simulator
from simulator.model import employee_pension
from simulator.model.context import build_context
from simulator.model.fund import ledger
from simulator.variables import VARIABLES
from tests.conftest import SCENARIOS


@lru_cache(maxsize=1)
def jiangxi_inputs():
    """(scenario, context, employee-pension Dataset) of scenarios/jiangxi.yaml."""
    scenario = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
    ctx = build_context(scenario)
    employee, _ = employee_pension.project([scenario], ctx)
    return scenario, ctx, employee


def project(module, scenario=None, impl: str = "numba") -> dict[str, np.ndarray]:
    """``module.project`` on Jiangxi (or on ``scenario`` with Jiangxi's population and employee
    members), the fund rolled forward: ``name: values[year]``."""
    base, ctx, employee = jiangxi_inputs()
    if scenario is not None:
        ctx = build_context(scenario, ctx.demography)
    ds, terms = module.project([scenario or base], ctx, employee, impl)
    ds = ledger(ds, terms, ctx.fund_return)
    return {name: ds[name].values[0] for name in ds.data_vars}


def check_model(module) -> dict[str, np.ndarray]:
    """Project ``module`` on Jiangxi with both kernel twins: equal results, the output contract and
    the fund identities. Returns the results."""
    res = project(module)
    ref = project(module, impl="numpy")
    for name, value in res.items():
        np.testing.assert_allclose(value, ref[name], rtol=1e-10, equal_nan=True, err_msg=name)
    check_contract(res)
    check_fund_identities(res)
    return res


def check_fund_identities(v: dict[str, np.ndarray]) -> None:
    """revenue, expenditure, balance roll-forward and current balance, every projected year."""
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


def check_contract(v: dict[str, np.ndarray]) -> None:
    """Every scheme emits the common variables, one value per year, each named in the registry."""
    required = (
        "insured", "contributors", "beneficiaries", "revenue", "contributions", "expenditure", "subsidy",
        "balance", "current_balance", "benefits", "interest", "other_outgo", "transfers_in", "transfers_out",
    )  # fmt: skip
    for name in required:
        assert name in v, name
    assert len({value.shape for value in v.values()}) == 1
    assert set(v) <= set(VARIABLES), set(v) - set(VARIABLES)
