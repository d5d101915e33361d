"""One-at-a-time sensitivity (``sim sensitivity``): each key assumption moved to a low and a high value
from ``uncertainty.start_year`` on, everything else as in the scenario, all variants projected in one
call (:func:`simulator.model.projection.project` with one scenario per draw).

Default cases (sizes are assumptions, except fertility's, which are the UN WPP low and high variants):

    wage_growth            economy.wage_growth                          -/+ 1 point a year
    inflation              economy.inflation                            -/+ 1 point a year
    fund_return            economy.fund_return                          -/+ 1 point a year
    fertility              demography.fertility.tfr                     -/+ 0.5 children per woman
    mortality_improvement  the gains in life expectancy after the start year x 0.5 / x 1.5 (both sexes)
    coverage               employee_pension.coverage                    -/+ 5 points
    compliance             employee_pension.compliance                  -/+ 5 points
    indexation             policy.employee_pension.indexation.then.wage -/+ 0.2 of wage growth
    retirement_take_up     20% of members claim 12 months early (low) / late (high): flexible shares + 0.2

A scenario resizes a case (``uncertainty.sensitivity.NAME: {low, high}``) or adds its own
(``{keys, how, low, high}``). A change to a dated parameter applies to its yearly values from the
start year on (:func:`simulator.model.timeline.shifted`); to a number, to the number. Mortality
improvement is no key of every scenario (a scenario on the UN WPP 2024 rates has none): it moves the
life expectancy path of the scenario's own tables, e0[y] -> e0[s-1] + k (e0[y] - e0[s-1]) from the
start year s on, with the death rates of each age moved as a Brass table's would be
(:mod:`simulator.model.demography.draws`, the way a stochastic draw moves them), one draw each side.

Per scheme with a fund and per case and side: the depletion year and its change, the change in the
actuarial balance over 25, 50 and 75 years from the start year (percentage points of the wage bill,
:func:`simulator.model.fund.period_actuarial_balance`) and in the balance at the end of 2035 and 2050.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from simulator.model.economy import economy_paths
from simulator.model.fund import period_actuarial_balance
from simulator.model.projection import project, run_schemes
from simulator.model.timeline import annual, shifted
from simulator.scenario.load import override
from simulator.scenario.params import Dated
from simulator.scenario.schema import Scenario
from simulator.scenario.uncertainty import ECONOMY, SensitivityCase, settings
from simulator.uncertainty import paths
from simulator.uncertainty.assumptions import value_at

PERIODS = (25, 50, 75)
E0_GAINS = "life expectancy gains"  # the mortality case: not a key, a path of the life tables (see above)
BALANCE_YEARS = (2035, 2050)
COLUMNS = [
    "scheme", "assumption", "side", "change", "depletion_year", "d_depletion_year",
    *(f"d_actuarial_balance_{n}y" for n in PERIODS), *(f"d_balance_{y}" for y in BALANCE_YEARS),
]  # fmt: skip
UNITS = "d_depletion_year in years; d_actuarial_balance_* in percentage points of the wage bill; d_balance_* in 100m_yuan (亿元)"


@dataclass(frozen=True)
class Case:
    """A sensitivity case: the keys each side changes, how (add or scale) and by how much."""

    name: str
    what: str  # what the change is, for the table: "{value}" stands for the side's change
    how: str
    low: tuple[tuple[str, ...], float]
    high: tuple[tuple[str, ...], float]


def _both(name: str, keys: tuple[str, ...], how: str, low: float, high: float, what: str) -> Case:
    return Case(name, what, how, (keys, low), (keys, high))


DEFAULT_CASES = (
    _both("wage_growth", ("economy.wage_growth",), "add", -0.01, 0.01, "wage growth {value:+.1%} a year"),
    _both("inflation", ("economy.inflation",), "add", -0.01, 0.01, "inflation {value:+.1%} a year"),
    _both("fund_return", ("economy.fund_return",), "add", -0.01, 0.01, "fund return {value:+.1%} a year"),
    _both("fertility", ("demography.fertility.tfr",), "add", -0.5, 0.5, "TFR {value:+.2f} children per woman"),
    _both("mortality_improvement", (E0_GAINS,), "scale", 0.5, 1.5, "e0 gains after the start year x {value:.2f}"),
    _both("coverage", ("employee_pension.coverage",), "add", -0.05, 0.05, "employee coverage {value:+.0%}"),
    _both("compliance", ("employee_pension.compliance",), "add", -0.05, 0.05, "compliance {value:+.0%}"),
    _both("indexation", ("policy.employee_pension.indexation.then.wage",), "add", -0.2, 0.2,
          "indexation {value:+.1f} x wage growth"),
    Case("retirement_take_up", "{value:.0%} claim 12 months {side}", "add", (("employee_pension.flexible.early_share",), 0.2),
         (("employee_pension.flexible.late_share",), 0.2)),
)  # fmt: skip


def cases(scenario: Scenario) -> list[Case]:
    """The default cases, resized where the scenario's ``uncertainty.sensitivity`` names them, and the
    scenario's own cases after them."""
    own: Mapping[str, SensitivityCase] = scenario.uncertainty.sensitivity if scenario.uncertainty else {}
    out = []
    for case in DEFAULT_CASES:
        spec = own.get(case.name)
        if spec is None:
            out.append(case)
            continue
        if spec.keys is not None or spec.how is not None:
            raise ValueError(f"uncertainty.sensitivity.{case.name}: a default case keeps its keys and how (expected low and high only)")
        out.append(Case(case.name, case.what, case.how, (case.low[0], spec.low), (case.high[0], spec.high)))
    for name, spec in own.items():
        if any(c.name == name for c in DEFAULT_CASES):
            continue
        if spec.keys is None:
            raise ValueError(f"uncertainty.sensitivity.{name}: a new case needs keys (expected dotted key paths)")
        how = spec.how or "add"
        what = ", ".join(spec.keys) + (" {value:+g}" if how == "add" else " x {value:g}")
        out.append(Case(name, what, how, (spec.keys, spec.low), (spec.keys, spec.high)))
    return out


def variant(scenario: Scenario, keys: tuple[str, ...], how: str, change: float, first: int) -> Scenario:
    """``scenario`` with each key's values from ``first`` on changed by ``change`` (added or multiplied)."""
    years = np.arange(scenario.base_year, scenario.horizon + 1)
    econ = economy_paths(scenario)
    changes: dict[str, object] = {}
    for key in keys:
        value = value_at(scenario, key)
        if isinstance(value, Dated):
            path = annual(value, years, wage_growth=econ.wage_growth, inflation=econ.inflation)
            moved = path + change if how == "add" else path * change
            changes[key] = shifted(value, years, np.where(years >= first, moved, path), first)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            changes[key] = value + change if how == "add" else value * change
        else:
            raise ValueError(f"{key}: not a dated parameter or a number (expected one to change)")
    try:
        return override(scenario, changes)
    except Exception as exc:  # pydantic's ValidationError: the change leaves the key's range
        raise ValueError(f"sensitivity {', '.join(keys)} {change:+g}: {str(exc).splitlines()[-1].strip()}") from None


def e0_shift(e0: np.ndarray, years: np.ndarray, first: int, factor: float) -> np.ndarray:
    """[Y, sex] years added to the life expectancy path ``e0`` [Y, sex] so that its gains from the end of
    ``first - 1`` on are ``factor`` times the scenario's: (factor - 1) (e0[y] - e0[first - 1]), y >= first."""
    anchor = e0[years == first - 1][0] if (years == first - 1).any() else e0[0]
    return np.where((years >= first)[:, None], (factor - 1.0) * (e0 - anchor), 0.0)


def _with_life_tables(scenario: Scenario, factors: list[float], first: int) -> xr.Dataset:
    """The schemes of ``scenario`` with its life expectancy gains scaled by each factor, one draw each."""
    u = settings(scenario.uncertainty, scenario.base_year)
    setup = paths.Setup.of(scenario, u)
    years = setup.context.years
    zero = np.zeros((len(factors), len(years)))
    shifts = np.stack([e0_shift(setup.inputs.e0, years, first, k) for k in factors])  # [D, Y, sex]
    draws = paths.Draws(years, {name: zero for name in ECONOMY},
                        {"tfr": zero, "e0_male": shifts[..., 0], "e0_female": shifts[..., 1]}, {})  # fmt: skip
    ctx, _ = paths.block_context(scenario, setup, draws)
    return run_schemes([scenario], ctx)


def run(scenario: Scenario, only: Sequence[str] | None = None) -> pd.DataFrame:
    """The sensitivity table (:data:`COLUMNS`) of every case, or of the cases named in ``only``;
    ``table.attrs["start_year"]`` is the first changed year."""
    first = int(settings(scenario.uncertainty, scenario.base_year).start_year)
    chosen = cases(scenario)
    if only:
        unknown = sorted(set(only) - {c.name for c in chosen})
        if unknown:
            raise ValueError(f"case {unknown[0]!r} is neither a default case nor the scenario's (expected one of: "
                             f"{', '.join(c.name for c in chosen)})")  # fmt: skip
        chosen = [c for c in chosen if c.name in only]
    sides = [(case, side, keys, change) for case in chosen for side, (keys, change) in (("low", case.low), ("high", case.high))]
    by_keys = [side for side in sides if side[2] != (E0_GAINS,)]
    by_tables = [side for side in sides if side[2] == (E0_GAINS,)]
    variants = [variant(scenario, keys, case.how, change, first) for case, _, keys, change in by_keys]
    needed = ["balance", "contributions", "transfers_in", "expenditure", "wage_bill", "depletion_year", "fund_return"]
    results = project(scenario, draws=[scenario, *variants])[needed]
    if len(variants) == 0:
        results = results.expand_dims(draw=[0])
    if by_tables:
        moved = _with_life_tables(scenario, [change for *_, change in by_tables], first)[needed]
        results = xr.concat([results, moved], dim="draw", data_vars="all", coords="minimal", compat="override")
    draw_of = {id(side): d for d, side in enumerate(by_keys + by_tables, start=1)}
    years = results["year"].values
    rates = results["fund_return"].transpose("draw", "year").values  # each draw's own, as its ledger used
    balance = {n: period_actuarial_balance(results, rates, first, n) for n in PERIODS}
    rows = []
    for scheme in map(str, results["scheme"].values):
        if bool(results["balance"].sel(scheme=scheme).isnull().all()):
            continue
        dep = results["depletion_year"].sel(scheme=scheme).values
        level = {n: balance[n].sel(scheme=scheme).values for n in PERIODS}
        stock = {y: results["balance"].sel(scheme=scheme, year=y).values / 1e8 if y in years else np.full(len(dep), np.nan)
                 for y in BALANCE_YEARS}  # fmt: skip
        rows.append([scheme, "base", "", "scenario as written", dep[0], 0.0, *([0.0] * len(PERIODS)), *([0.0] * len(BALANCE_YEARS))])
        for item in sides:
            case, side, _, change = item
            d = draw_of[id(item)]
            text = case.what.format(value=change, side="early" if side == "low" else "late")
            rows.append([
                scheme, case.name, side, text, dep[d], dep[d] - dep[0],
                *((level[n][d] - level[n][0]) * 100.0 for n in PERIODS), *(stock[y][d] - stock[y][0] for y in BALANCE_YEARS),
            ])  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs.update(start_year=first, scenario=scenario.name, units=UNITS)
    return table
