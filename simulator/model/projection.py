"""A projection, start to end: the context built once, each scheme in turn, the fund ledger, the
labelled results and their provenance. ``sim run`` and :func:`simulator.run` both return what
:func:`project` builds.

    context    economy, labour, population, retirement shares            [draw, ...]
    schemes    employee pension first; the others read its members        (draw, year) each
    ledger     interest, subsidy, balance and its indicators, per scheme
    results    the schemes side by side (draw, scheme, year), the horizon measures, the population,
               the economy and the retirement ages; the draw dim is dropped for a single draw
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from simulator.dims import DRAW, GROUP, GROUPS, YEAR
from simulator.model import employee_pension, resident_pension, unemployment, work_injury
from simulator.model.context import Context, context_for
from simulator.model.fund import actuarial_balance, depletion_year, ledger
from simulator.model.labels import schemes_side_by_side
from simulator.model.retirement import month_index, statutory_retirement
from simulator.scenario.load import canonical_json, fitted_summary, scenario_hash
from simulator.scenario.schema import Scenario
from simulator.variables import attrs
from simulator.version import __version__

OTHER_SCHEMES = {"resident_pension": resident_pension, "unemployment": unemployment, "work_injury": work_injury}


def project(
    scenario: Scenario,
    source: str | Path | None = None,
    fitted: Sequence[Path] = (),
    draws: Sequence[Scenario] | None = None,
) -> xr.Dataset:
    """Run ``scenario`` from ``base_year`` to ``horizon``; return the results Dataset.

    ``source`` is the scenario file and ``fitted`` the fitted-value files merged into it (both go into
    the provenance). ``draws``: one scenario per draw (same years and schemes as ``scenario``, e.g. with
    other parameter values); the results then have a ``draw`` dim, draw d equal to a run of draws[d]."""
    scenarios = list(draws) if draws else [scenario]
    ctx = context_for(scenarios)
    out = run_schemes(scenarios, ctx)
    if ctx.draws == 1:
        out = out.isel({DRAW: 0}, drop=True)
    out = xr.merge([ctx.demography, out], combine_attrs="drop_conflicts")
    for name in ctx.demography.data_vars:
        out[name].attrs = attrs(name)
    out["retirement_age"] = retirement_schedule(scenario, ctx.years)
    out.attrs = provenance(scenario, source, fitted)
    return out


def run_schemes(scenarios: Sequence[Scenario], ctx: Context) -> xr.Dataset:
    """Every scheme of ``scenarios`` (one for all draws of ``ctx``, or one per draw) on the context,
    each through the fund ledger, side by side over (draw, scheme, year), with the horizon measures
    (depletion year, actuarial balance) and the average wage."""
    present = [name for name in OTHER_SCHEMES if getattr(scenarios[0], name) is not None]
    if any([n for n in OTHER_SCHEMES if getattr(s, n) is not None] != present for s in scenarios):
        raise ValueError("the draws' scenarios must have the same schemes")
    employee, terms = employee_pension.project(scenarios, ctx)
    results = {employee_pension.SCHEME: ledger(employee, terms, ctx.fund_return)}
    for name in present:
        ds, terms = OTHER_SCHEMES[name].project(scenarios, ctx, employee)
        results[name] = ledger(ds, terms, ctx.fund_return)
    out = schemes_side_by_side(results)
    out["depletion_year"] = depletion_year(out["balance"])
    out["actuarial_balance"] = actuarial_balance(out, ctx.fund_return)
    out["average_wage"] = ((DRAW, YEAR), np.broadcast_to(ctx.wage, (ctx.draws, len(ctx.years))), attrs("average_wage") | {"scheme": "economy"})
    return out


def retirement_schedule(scenario: Scenario, years: np.ndarray) -> xr.DataArray:
    """Statutory retirement age (years) by group of members born in January of ``year - old age``:
    how the reform phases in, year by year."""
    policy = scenario.policy.retirement
    out = np.empty((len(GROUPS), len(years)))
    for i, group in enumerate(GROUPS):
        born = month_index(years - policy.groups[group].old_age, 1)
        out[i] = statutory_retirement(policy, group, born)["age_months"] / 12.0
    return xr.DataArray(out, dims=(GROUP, YEAR), coords={GROUP: list(GROUPS)}, attrs=attrs("retirement_age"))


def provenance(scenario: Scenario, source: str | Path | None = None, fitted: Sequence[Path] = ()) -> dict[str, str | int]:
    """The results' attributes: the scenario (name, description, region, years, the validated scenario
    as canonical JSON and its sha256, the file), the fitted values used, the version and the time."""
    out: dict[str, str | int] = {
        "scenario": scenario.name,
        "description": scenario.description,
        "region": scenario.region.id,
        "region_name": scenario.region.name,
        "base_year": scenario.base_year,
        "horizon": scenario.horizon,
        "scenario_sha256": scenario_hash(scenario),
        "scenario_json": canonical_json(scenario),
        "calibration": fitted_summary(fitted) if source is not None else "not recorded",
        "simulator_version": __version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if source is not None:
        out["scenario_file"] = str(source)
    return out
