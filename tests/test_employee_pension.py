"""Employee pension on the shipped Jiangxi scenario: levers move results the right way,
the identities hold on the labelled results, the reform lowers retirees."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import simulator
from simulator.scenario.load import override
from tests.conftest import SCENARIOS

EP = "employee_pension"


@pytest.fixture(scope="module")
def jiangxi():
    return simulator.load_scenario(SCENARIOS / "jiangxi.yaml")


@pytest.fixture(scope="module")
def baseline(jiangxi) -> xr.Dataset:
    return simulator.run(jiangxi).sel(scheme=EP)


def projected(ds: xr.Dataset, name: str) -> np.ndarray:
    return ds[name].values[1:]  # the base year holds no flows


def test_reform_not_fewer_contributors_not_more_retirees(jiangxi, baseline) -> None:
    pre = simulator.run(override(jiangxi, {"policy.retirement.reform": False})).sel(scheme=EP)
    assert (baseline["contributors"].values >= pre["contributors"].values - 1e-6).all()
    assert (baseline["retirees"].values <= pre["retirees"].values + 1e-6).all()
    years = baseline["year"].values
    later = years >= 2030
    # the reform must actually bite after its phase-in starts
    assert (baseline["retirees"].values[later] < pre["retirees"].values[later]).all()


def test_pre_reform_scenario_file_is_the_reform_switched_off(jiangxi) -> None:
    pre = simulator.load_scenario(SCENARIOS / "jiangxi_pre_reform.yaml")
    assert pre.policy.retirement.reform is False
    assert override(pre, {"policy.retirement.reform": True, "name": "jiangxi", "description": jiangxi.description}) == jiangxi


def test_faster_indexing_raises_expenditure(jiangxi, baseline) -> None:
    fast = simulator.run(override(jiangxi, {"policy.employee_pension.indexation.then": {"wage": 1.0}})).sel(scheme=EP)
    after = baseline["year"].values > 2026
    assert (fast["benefits"].values[after] > baseline["benefits"].values[after]).all()
    before = (baseline["year"].values <= 2025) & (baseline["year"].values > baseline["year"].values[0])
    np.testing.assert_allclose(fast["benefits"].values[before], baseline["benefits"].values[before])


def test_higher_coverage_raises_contributors(jiangxi, baseline) -> None:
    cov = jiangxi.employee_pension.coverage
    higher = {"values": {d: min(v + 0.1, 1.0) for d, v in cov.values}, "interpolation": cov.interpolation}
    more = simulator.run(override(jiangxi, {"employee_pension.coverage": higher})).sel(scheme=EP)
    assert (projected(more, "contributors") > projected(baseline, "contributors")).all()


def test_higher_employer_rate_raises_contributions(jiangxi, baseline) -> None:
    rate = {"values": {2015: 0.20}}
    more = simulator.run(override(jiangxi, {"policy.employee_pension.employer_rate": rate})).sel(scheme=EP)
    after = baseline["year"].values >= 2020
    assert (more["contributions"].values[after] > baseline["contributions"].values[after]).all()


def test_labelled_identities(baseline) -> None:
    ds = baseline.isel(year=slice(1, None))
    revenue = ds["contributions"] + ds["subsidy"] + ds["interest"] + ds["transfers_in"]
    expenditure = ds["benefits"] + ds["other_outgo"] + ds["transfers_out"]
    np.testing.assert_allclose(ds["revenue"], revenue, rtol=1e-12)
    np.testing.assert_allclose(ds["expenditure"], expenditure, rtol=1e-12)
    np.testing.assert_allclose(ds["current_balance"], ds["contributions"] - ds["benefits"], rtol=1e-12)
    bal = baseline["balance"].values
    np.testing.assert_allclose(bal[1:], bal[:-1] + ds["revenue"].values - ds["expenditure"].values, rtol=1e-9)
    np.testing.assert_allclose(ds["insured"], ds["contributors"] + ds["dormant"] + ds["retirees"], rtol=1e-12)


def test_enterprise_flows_are_the_scheme_without_public_institutions(jiangxi, baseline) -> None:
    """enterprise_contributions / _benefits / _expenditure equal the scheme's contributions / benefits / expenditure
    of the same scenario with no public institution enrolled, and are the enterprise part of the totals."""
    alone = override(jiangxi, {"employee_pension.public_institutions.enrolment": {"values": {2010: 0.0}}})
    enterprise = simulator.run(alone).sel(scheme=EP)
    pairs = (("enterprise_contributions", "contributions"), ("enterprise_benefits", "benefits"), ("enterprise_expenditure", "expenditure"))
    for part, whole in pairs:
        np.testing.assert_allclose(projected(baseline, part), projected(enterprise, whole), rtol=1e-12)
        enrolled = baseline["year"].values[1:] >= 2016  # Jiangxi enrols its public institutions from 2015-11
        assert (projected(baseline, part)[enrolled] < projected(baseline, whole)[enrolled]).all(), part


def test_one_row_per_year_from_base_to_horizon(jiangxi, baseline) -> None:
    assert list(baseline["year"].values) == list(range(jiangxi.base_year, jiangxi.horizon + 1))
    for name in ("insured", "contributors", "dormant", "retirees", "balance"):
        assert not np.isnan(baseline[name].values).any(), name  # stocks exist in the base year too


def test_retirement_hazard_follows_each_birth_cohort(jiangxi) -> None:
    """Men born in 1965 (first delayed cohort): born in month b = 1..12 they claim at 60 years +
    floor((b - 1) / 4) + 1 months, i.e. in month b + 1, b + 2 or b + 3 of 2025: b = 1..9 claim in
    2025 (9 of 12 = 75%), b = 10..12 in 2026. At the end of 2025 they are 60, so the hazard at
    (2025, 60) is 0.75; in 2026 they are 61 and the remaining quarter all reach it (hazard 1).
    The men aged 60 at the end of 2026 (born 1966) claim 3-5 months late: b = 1..7 in 2026,
    7 of 12 = 0.5833."""
    from simulator.model.context import retirement_cells

    years = np.arange(2015, 2031)
    statutory = override(jiangxi, {"employee_pension.special_early": None})  # no special early retirement
    reached, hazard, _ = retirement_cells(statutory, years)
    m60 = 0
    assert hazard[2025 - 2015, m60, 60] == pytest.approx(0.75)
    assert hazard[2026 - 2015, m60, 61] == pytest.approx(1.0)
    assert hazard[2026 - 2015, m60, 60] == pytest.approx(7 / 12)
    assert reached[2025 - 2015, m60, 60] == pytest.approx(0.75)


def test_nobody_contributes_below_the_first_employment_age(jiangxi) -> None:
    """The employment profile is zero outside its knots: no contributor younger than the first
    knot (16 in Jiangxi), where a flat extrapolation once put 5% of children to work."""
    from simulator.model.economy import age_profile

    profile = age_profile({16: 0.05, 30: 0.9, 80: 0.0})
    assert profile[:16].sum() == 0.0 and profile[16] == pytest.approx(0.05) and profile[81:].sum() == 0.0
    from simulator.model.context import build_context
    from simulator.model.employee_pension import inputs

    first = min(jiangxi.labour.employment_rate.male)
    built = inputs(jiangxi, build_context(jiangxi))
    assert built.enterprise.act0[..., :first, :].sum() == 0.0
    assert built.enterprise.target[..., :first].sum() == 0.0  # no entrants below it


def test_support_factor_golden() -> None:
    """Quota fixed to 2021, then following insured employees per retiree: IE 10, 10, 10, 8, 6 and
    R 2, 2, 2, 2, 3 over 2019-2023 give ratios 5, 5, 5, 4, 2, so the factor is 1, 1, 1, 4/5 = 0.8 and
    2/5 = 0.4; a quota year of 0 (the wage rule) leaves every year at 1."""
    from simulator.model.employee_pension import support_factor

    years = np.arange(2019, 2024)
    ie, r = np.array([[10.0, 10, 10, 8, 6]]), np.array([[2.0, 2, 2, 2, 3]])
    np.testing.assert_allclose(support_factor(np.array([2021]), years, ie, r), [[1, 1, 1, 0.8, 0.4]])
    assert (support_factor(np.array([0]), years, ie, r) == 1.0).all()
