"""Fit a scenario's free parameters to its targets (scipy.optimize.least_squares).

Residual of target i: ``weight_i x (model_i - target_i) / target_i`` (relative error). Each
free parameter p in [lower, upper] is searched as u = 1 + (p - lower) / (upper - lower) in [1, 2],
so parameters of any unit weigh alike and the finite-difference step (relative to u) is about
1e-4 of every range; the start is the scenario's own value. The search is
deterministic (trust-region reflective from a fixed start, fixed finite-difference step).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulator.errors import ScenarioError
from simulator.scenario.calibration import FreeParameter, Target
from simulator.scenario.extends import locate
from simulator.scenario.load import load_with_origins, override
from simulator.scenario.params import Dated
from simulator.scenario.schema import Scenario

MAX_ITERATIONS = 40  # of least_squares; each costs one run per free parameter + 1


@dataclass(frozen=True)
class TargetValue:
    scheme: str
    variable: str  # model variable(s), '+'-joined scheme.variable for sums
    year: int
    value: float  # model units
    weight: float
    source: str


@dataclass(frozen=True)
class Fit:
    scenario: Scenario  # with the fitted values
    values: dict[tuple[str, dt.date | None], float]
    rows: list[dict[str, Any]]  # one per target: region, scheme, year, variable, target, model, rel_error, source
    evaluations: int
    status: str


def get_value(scenario: Scenario, p: FreeParameter) -> float:
    node: Any = scenario
    for part in p.key.split("."):
        node = node[int(part) if part.isdigit() else part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, Dated):
        if p.at is None:
            raise ValueError(f"{p.key} is a dated parameter (expected `at: DATE`)")
        return node.at(p.at)
    if p.at is not None:
        raise ValueError(f"{p.key} is a number, not a dated parameter (expected no `at`)")
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise ValueError(f"{p.key} is {type(node).__name__}, not a number")
    return float(node)


def with_values(scenario: Scenario, params: list[FreeParameter], values: np.ndarray) -> Scenario:
    """``scenario`` with each free parameter set to its value (a dated one at its date)."""
    changes: dict[str, Any] = {}
    for p, v in zip(params, values):
        if p.at is None:
            changes[p.key] = float(v)
            continue
        current = changes.get(p.key) or _dated(scenario, p.key).model_dump(mode="python")
        points = dict(current["values"])
        points[p.at] = float(v)
        changes[p.key] = {**current, "values": tuple(sorted(points.items()))}
    return override(scenario, changes)


def _dated(scenario: Scenario, key: str) -> Dated:
    node: Any = scenario
    for part in key.split("."):
        node = getattr(node, part)
    return node


def resolve_targets(scenario: Scenario, seeds_root: Path | None = None) -> list[TargetValue]:
    """Targets in model units; a seed figure is the region's one actual record of that scheme,
    indicator and year (:func:`simulator.io.seeds.figures`: the preferred one where the plan
    contradicts itself)."""
    from simulator.io.seeds import figures

    out = []
    table = None
    for t in scenario.calibration.targets:
        scheme = t.variable.split(".")[0]
        if t.value is not None:
            out.append(TargetValue(scheme, t.variable, t.year, t.value, t.weight, t.source or ""))
            continue
        table = figures(scenario.region.id, ("actual",), seeds_root) if table is None else table
        s_scheme, indicator = t.seed.split(".", 1)
        found = table[(table["scheme"] == s_scheme) & (table["indicator"] == indicator) & (table["year"] == t.year)]
        if len(found) != 1:
            raise ValueError(f"target {t.variable} {t.year}: {len(found)} actuals for seed {t.seed} (expected exactly one)")
        r = found.iloc[0]
        out.append(TargetValue(scheme, t.variable, t.year, float(r["value"]), t.weight, r["source"]))
    return out


def model_values(ds, targets: list[TargetValue]) -> np.ndarray:
    """The model's value of each target (a '+'-joined target is the sum of its scheme.variable terms)."""
    out = np.empty(len(targets))
    for i, t in enumerate(targets):
        total = 0.0
        for term in t.variable.split("+"):
            scheme, variable = term.split(".")
            total += float(ds[variable].sel(scheme=scheme, year=t.year))
        out[i] = total
    return out


def calibrate(
    path: str | Path,
    run: Callable[[Scenario], Any] | None = None,
    progress: Callable[[int], None] | None = None,
    max_evaluations: int = MAX_ITERATIONS,
) -> Fit:
    """Fit the free parameters of the scenario at ``path`` (its own earlier fit left out)."""
    from scipy.optimize import least_squares

    from simulator.model.projection import project

    run = run or project
    scenario, origins, _ = load_with_origins(path, fitted=False)
    if scenario.calibration is None:
        file, line, _ = locate(origins, ("calibration",))
        raise ScenarioError(file, line, "calibration", "missing (expected parameters and targets to fit)")
    params = scenario.calibration.parameters
    for i, p in enumerate(params):
        try:
            get_value(scenario, p)
        except (AttributeError, KeyError, ValueError) as exc:
            file, line, key = locate(origins, ("calibration", "parameters", str(i), "key"))
            raise ScenarioError(file, line, key, f"{p.key}: {exc} (expected a number or a dated parameter)") from None
    targets = resolve_targets(scenario)
    lower = np.array([p.lower for p in params])
    span = np.array([p.upper for p in params]) - lower
    start = np.array([get_value(scenario, p) for p in params])
    u0 = 1.0 + np.clip((start - lower) / span, 0.0, 1.0)
    goal = np.array([t.value for t in targets])
    weight = np.array([t.weight for t in targets])
    count = 0

    def residuals(u: np.ndarray) -> np.ndarray:
        nonlocal count
        count += 1
        if progress:
            progress(count)
        ds = run(with_values(scenario, params, lower + span * (u - 1.0)))
        return weight * (model_values(ds, targets) - goal) / goal

    result = least_squares(
        residuals, u0, bounds=(1.0, 2.0), diff_step=1e-4, max_nfev=max_evaluations, method="trf", ftol=1e-5, xtol=1e-5, gtol=1e-5, x_scale="jac"
    )
    fitted = lower + span * (result.x - 1.0)
    best = with_values(scenario, params, fitted)
    model = model_values(run(best), targets)
    rows = [
        {"region": scenario.region.id, "scheme": t.scheme, "year": t.year, "variable": t.variable.split(".", 1)[1]
         if "+" not in t.variable else t.variable, "target": t.value, "model": m, "rel_error": (m - t.value) / t.value,
         "source": t.source}
        for t, m in zip(targets, model)
    ]  # fmt: skip
    values = {(p.key, p.at): float(v) for p, v in zip(params, fitted)}
    return Fit(best, values, rows, count, result.message)
