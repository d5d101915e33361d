"""The national scenario (scenarios/china.yaml) and its CASS 2019 variant: the fit kept beside the scenario is
current and meets the national official figures of 2015-2020, the population stays near UN WPP 2024's median,
the DERIVED demographic figures are current, and the variant is the enterprise scheme under the pre-2024 rules
(docs/national.md). The calibration itself is not re-run here (it takes minutes)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import yaml

import simulator
from simulator.calibrate.targets import resolve_targets
from simulator.model.demography import data, derive
from simulator.model.demography.assembly import build_inputs
from simulator.scenario.load import scenario_hash
from tests.conftest import SCENARIOS

CHINA = SCENARIOS / "china.yaml"


@pytest.fixture(scope="module")
def china():
    return simulator.load_scenario(CHINA)


@pytest.fixture(scope="module")
def results(china):
    return simulator.run(china)


@pytest.fixture(scope="module")
def fitted() -> dict:
    return yaml.safe_load((SCENARIOS / "china.fitted.yaml").read_text(encoding="utf-8"))


def test_fitted_file_is_current_and_reproduced(china, results, fitted) -> None:
    """The fit was made on the scenario as it is, and a run of it gives the model values the fit recorded."""
    bare = simulator.load_scenario(CHINA, fitted=False)
    assert fitted["scenario"] == "china" and fitted["scenario_sha256"] == scenario_hash(bare), "re-run sim calibrate"
    targets = resolve_targets(bare)
    assert len(fitted["fit"]) == len(targets)
    for row, target in zip(fitted["fit"], targets):
        assert row["year"] == target.year and row["target"] == pytest.approx(target.value, rel=1e-12)
        assert target.model(results) == pytest.approx(row["model"], rel=1e-6), row


def test_official_figures_2015_2020_are_met(china, fitted) -> None:
    """Every fitted figure of 2015-2020 within 5%, and all but a few (at most 5%) within 2%, measured as the fit
    measures them: relative error x the target's weight (the enterprise scheme's contributions less benefits, a
    small difference of large flows, counts 0.05; its error is then a share of the flows). The misses are
    listed in docs/national.md."""
    weights = [t.weight for t in resolve_targets(simulator.load_scenario(CHINA, fitted=False))]
    errors = [abs(row["rel_error"]) * w for row, w in zip(fitted["fit"], weights) if 2015 <= row["year"] <= 2020]
    assert len(errors) >= 60
    assert max(errors) < 0.05
    assert sum(e > 0.02 for e in errors) <= 0.05 * len(errors)


def test_population_2050_near_wpp_2024_median(results) -> None:
    """Year-end total against WPP 2024's median (1 July): within 5% in 2050 (reported, not fitted)."""
    wpp = data.wpp_totals()
    ratio = float(results["population_total"].sel(year=2050)) / wpp[2050]
    print(f"China 2050: model / WPP 2024 median = {ratio:.4f}")
    assert abs(ratio - 1.0) < 0.05


def test_derived_demographic_figures_are_current(china) -> None:
    """The intercensal TFRs of 2011-2020 and the zero net migration written into china.yaml are what the
    derivation gives today (docs/demography.md section 5)."""
    tfr, net = derive.intercensal(build_inputs(china))
    written = {d.year: v for d, v in china.demography.fertility.tfr.values}
    for year, value in tfr.items():
        assert written[year] == pytest.approx(value, abs=6e-4), year
    assert {d.year: v for d, v in china.demography.migration.net.values}[2011] == pytest.approx(net, abs=1.0)


def test_all_four_schemes_projected(results) -> None:
    assert set(map(str, results["scheme"].values)) == {"employee_pension", "resident_pension", "unemployment", "work_injury"}
    for scheme in ("employee_pension", "resident_pension", "unemployment", "work_injury"):
        insured = results["insured"].sel(scheme=scheme).values
        assert np.all(np.isfinite(insured)) and np.all(insured > 0), scheme


def test_cass_variant_is_the_enterprise_scheme_before_the_reform() -> None:
    """china_cass2019.yaml: the national scenario's enterprise sector with no public institution enrolled, the
    retirement ages before the 2024 reform, the employer rate cut to 16% from 2019-05, no 2020 relief, and the
    enterprise fund's own opening balance; its reform twin differs only in the reform."""
    cass = simulator.load_scenario(SCENARIOS / "china_cass2019.yaml")
    national = simulator.load_scenario(CHINA)
    assert cass.policy.retirement.reform is False and national.policy.retirement.reform is True
    employer = cass.policy.employee_pension.employer_rate
    assert employer.at(dt.date(2019, 4, 30)) == 0.20 and employer.at(dt.date(2019, 5, 1)) == 0.16
    assert employer.at(dt.date(2040, 1, 1)) == 0.16
    assert all(v == 0.0 for _, v in cass.employee_pension.public_institutions.enrolment.values)
    assert all(v == 0.0 for _, v in cass.employee_pension.contribution_relief.values)
    assert cass.employee_pension.initial.balance < national.employee_pension.initial.balance
    assert cass.employee_pension.coverage == national.employee_pension.coverage  # the fitted enterprise sector
    reform = simulator.load_scenario(SCENARIOS / "china_cass2019_reform.yaml")
    assert reform.policy.retirement.reform is True
    assert reform.employee_pension == cass.employee_pension and reform.economy == cass.economy


def _fund_years(results) -> tuple[int, int | None, int | None]:
    """(peak year of the balance, first year from 2019 with revenue < expenditure, first year with a negative
    balance) of the employee pension."""
    ep = results.sel(scheme="employee_pension")
    years = results["year"].values
    balance = ep["balance"].values
    net = (ep["revenue"] - ep["expenditure"]).values
    first_deficit = next((int(y) for y, v in zip(years, net) if y >= 2019 and v < 0), None)
    exhausted = next((int(y) for y, v in zip(years, balance) if v < 0), None)
    return int(years[np.nanargmax(balance)]), first_deficit, exhausted


def test_cass_variant_peak_and_first_deficit_near_the_published_years_and_the_reform_postpones_them() -> None:
    """CASS 2019 (REFERENCE.md §8): peak 2027, first current deficit 2028, exhausted 2035. The variant's peak and
    first deficit within 3 years; its exhaustion is later (2042: the subsidy rule after 2019 is not published,
    docs/national.md section 5.2), so only its order is checked: the reform twin peaks, turns to deficit and runs
    out later than the variant."""
    cass = _fund_years(simulator.run(simulator.load_scenario(SCENARIOS / "china_cass2019.yaml")))
    reform = _fund_years(simulator.run(simulator.load_scenario(SCENARIOS / "china_cass2019_reform.yaml")))
    peak, first_deficit, exhausted = cass
    assert abs(peak - 2027) <= 3 and first_deficit is not None and abs(first_deficit - 2028) <= 3
    assert exhausted is not None and exhausted > first_deficit > peak - 1
    assert reform[0] > peak and reform[1] > first_deficit and (reform[2] is None or reform[2] > exhausted)
