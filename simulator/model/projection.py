"""Assemble a projection from a scenario: the one place that calls every model part."""

from __future__ import annotations

import datetime as dt

import numpy as np
import xarray as xr

import simulator
from simulator.model import employee_pension, resident_pension, unemployment, work_injury
from simulator.model.scheme_inputs import employee_link
from simulator.model.indicators import actuarial_balance, depletion_year, scheme_dataset
from simulator.model.retirement import month_index, statutory_retirement
from simulator.scenario.load import scenario_hash
from simulator.scenario.schema import GROUPS, Scenario


def project(scenario: Scenario, calibration: str = "not recorded") -> xr.Dataset:
    """Run ``scenario`` from ``base_year`` to ``horizon``; return the results Dataset.

    ``calibration`` is a line for the attributes naming the fitted values used."""
    from simulator.model.demography import population_dataset

    years = np.arange(scenario.base_year, scenario.horizon + 1)
    demography = population_dataset(scenario)
    inputs = employee_pension.build_inputs(scenario, demography)
    employee = employee_pension.results(scenario, inputs, employee_pension.run_kernel(inputs))
    schemes = {"employee_pension": employee}
    link = employee_link(scenario, demography, employee)
    for name, module in (("resident_pension", resident_pension), ("unemployment", unemployment), ("work_injury", work_injury)):
        if getattr(scenario, name) is not None:
            schemes[name] = module.indicators(scenario, demography, link)
    indicators = scheme_dataset(schemes, years, draws=1)
    econ = employee_pension.economy_paths(scenario)
    indicators["depletion_year"] = depletion_year(indicators["balance"])
    indicators["actuarial_balance"] = actuarial_balance(indicators, econ.fund_return)
    ds = xr.merge([demography, indicators], combine_attrs="drop_conflicts")
    ds["average_wage"] = xr.DataArray(econ.wage, dims="year", attrs={"units": "yuan", "long_name": "average wage", "scheme": "economy"})
    ds["retirement_age"] = retirement_schedule(scenario, years)
    ds.attrs.update(provenance(scenario))
    ds.attrs["calibration"] = calibration
    return ds


def retirement_schedule(scenario: Scenario, years: np.ndarray) -> xr.DataArray:
    """Statutory retirement age (years) by group of members born in January of ``year - old age``:
    how the reform phases in, year by year."""
    policy = scenario.policy.retirement
    out = np.empty((len(GROUPS), len(years)))
    for i, group in enumerate(GROUPS):
        born = month_index(years - policy.groups[group].old_age, 1)
        out[i] = statutory_retirement(policy, group, born)["age_months"] / 12.0
    return xr.DataArray(
        out,
        dims=("group", "year"),
        coords={"group": list(GROUPS)},
        attrs={"units": "years", "long_name": "statutory retirement age of members born in January of year - old age"},
    )


def provenance(scenario: Scenario) -> dict[str, str | int]:
    return {
        "scenario": scenario.name,
        "scenario_sha256": scenario_hash(scenario),
        "region": scenario.region.id,
        "base_year": scenario.base_year,
        "horizon": scenario.horizon,
        "simulator_version": simulator.__version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
