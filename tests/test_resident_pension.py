"""Residents pension: an account pension and a fund roll-forward by hand, identities, the link to
the employee scheme and levers on the shipped Jiangxi scenario."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.model import resident_pension as rp
from simulator.scenario.load import override
from tests.schemes_support import check_contract, check_fund_identities, jiangxi_inputs, project


def test_golden_account_pension() -> None:
    """A participant aged 44 at the end of the base year who pays the 100-yuan tier every year and
    gets the 30-yuan subsidy (130 a year into the account, density 1), accounts since the base year:

    - no interest: at 59 (15 years later) the account holds 16 x 130 = 2,080; at 60 the account
      pension is 2,080 / 139 = 14.964 yuan/month (179.57 a year);
    - credited 2% a year: 130 x (1.02^16 - 1) / 0.02 = 130 x 18.639285 = 2,423.107 at 59, credited
      once more in the claim year: 2,471.569; / 139 = 17.781 yuan/month.
    """
    years = 17
    paid = np.full(years, 130.0)
    for rate, monthly in ((0.0, 14.964), (0.02, 17.781)):
        credit = np.full(years, rate)
        k = rp.participant_accounts(paid[None], credit, entry=16, claim=60, years_before=1)[0]
        assert k[15, 59] == pytest.approx(2080.0 if rate == 0 else 2423.107, abs=1e-3)
        a = rp.account_pensions(k[None], paid[:1], credit, entry=16, claim=60, divisor=139, account_start=2015, base_year=2015)[0]
        assert a[16, 60] / 12 == pytest.approx(monthly, abs=1e-3)
        assert a[17 - 1, 61] == a[15, 60]  # fixed once awarded: last year's 60-year-olds are 61 now
        assert k[16, 60] == 0.0  # the account left the participants


@pytest.fixture(scope="module")
def baseline() -> dict:
    return project(rp)


def test_contract_identities_and_people(baseline) -> None:
    check_contract(baseline)
    check_fund_identities(baseline)
    v = baseline
    np.testing.assert_allclose(v["insured"], v["participants"] + v["beneficiaries"], rtol=1e-12)
    np.testing.assert_allclose(v["subsidy"][1:], (v["central_subsidy"] + v["local_subsidy"])[1:], rtol=1e-12)
    parts = v["basic_pensions"] + v["account_pensions"] + v["transferred_account_pensions"]
    np.testing.assert_allclose(parts[1:], v["benefits"][1:], rtol=1e-12)
    assert (v["contributors"] <= v["participants"]).all()


def test_basic_pension_2020_is_the_plans_110(baseline) -> None:
    """National minimum 93 (2020) + the Jiangxi top-up 17 = 110 yuan/month (seeds/jiangxi.yaml, 一(一))."""
    years = jiangxi_inputs()[1].years
    assert baseline["monthly_basic_pension"][years == 2020][0] == pytest.approx(110.0)
    assert baseline["monthly_minimum_pension"][years == 2025][0] == pytest.approx(143.0)


def test_transfers_in_are_the_employee_schemes_account_transfers(baseline) -> None:
    _, _, employee = jiangxi_inputs()
    moved = employee["accounts_to_residents"].values[0, 1:]
    np.testing.assert_allclose(baseline["transfers_in"][1:], moved, rtol=1e-12)
    assert (moved >= 0).all()


def run(changes: dict) -> dict:
    return project(rp, override(jiangxi_inputs()[0], changes))


def test_faster_coverage_growth_raises_insured_and_contributions() -> None:
    base = run({})
    coverage = jiangxi_inputs()[0].resident_pension.coverage  # the scenario's path (as calibrated) ...
    faster = run(  # ... rising on to 95% by 2030 instead of holding its 2020 level
        {"resident_pension.coverage": {"values": {**dict(coverage.values), 2030: 0.95}, "interpolation": "linear"}}
    )
    later = jiangxi_inputs()[1].years >= 2020  # linear paths are read at 1 July: 2020 already moves
    assert (faster["insured"][later] > base["insured"][later]).all()
    assert (faster["contributions"][later] > base["contributions"][later]).all()
    np.testing.assert_allclose(faster["insured"][~later], base["insured"][~later])


def test_top_up_is_local_money_and_central_share_moves_only_the_split() -> None:
    base = run({})
    more = run({"resident_pension.top_up": {"values": {2020: 40}, "uprating": {"wage": 0.5}}})
    p = slice(1, None)
    assert (more["benefits"][p] > base["benefits"][p]).all() and (
        more["local_subsidy"][p] > base["local_subsidy"][p]
    ).all()
    np.testing.assert_allclose(more["central_subsidy"][p], base["central_subsidy"][p])
    half = run({"resident_pension.central_share": {"values": {2009: 0.5}}})
    np.testing.assert_allclose(half["central_subsidy"][p], 0.5 * base["central_subsidy"][p])
    np.testing.assert_allclose(half["subsidy"][p], base["subsidy"][p])


def test_no_beneficiaries_gives_an_undefined_average_not_an_infinite_one() -> None:
    """take_up 0: nobody draws the basic pension, yet accounts moved from the employee scheme still pay
    pensions; the average pension per beneficiary is then undefined (NaN), never infinite."""
    v = run({"resident_pension.take_up": {"values": {"2010-01-01": 0.0}}})
    average, beneficiaries = v["average_pension"][1:], v["beneficiaries"][1:]
    assert not np.isinf(average).any()
    assert np.isnan(average[beneficiaries == 0]).all()
