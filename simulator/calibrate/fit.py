"""Fit a scenario's free parameters to its targets (scipy.optimize.least_squares).

Residuals: :mod:`simulator.calibrate.targets` (relative errors, one-sided for bounds, weighted).
Each free parameter p in [lower, upper] is searched as u = 1 + (p - lower) / (upper - lower) in
[1, 2], so parameters of any unit weigh alike; the start is the scenario's own value. The Jacobian
is a forward difference (step 1e-4 of every range), all its columns run in one projection with one
draw per column (:func:`simulator.model.projection.project` with ``draws``), and every run stops at
the last year a target uses. The search is deterministic (trust-region reflective from a fixed
start, fixed step).

After the fit, each parameter gets a standard error from the Jacobian J at the solution,
``sd(u) = sqrt(diag((J'J)^-1) x SSR / (m - n))`` (m targets, n parameters; when m <= n the residual
variance is not estimable and the factor SSR / (m - n) is taken as 1, i.e. a 1% error per target),
and two flags: ``at_bound`` (within 0.1% of the range of a bound: a finding to explain, not a
result) and ``identified`` (false when the data hardly move it: its column of J is near zero, or
J'J is singular in its direction, i.e. its standard error exceeds its whole range).

A parameter that no target moves at the start (its column of J is zero) keeps its start value, and
a parameter dated after the last year fitted is not searched: it takes the value of the latest
searched date of its key (:func:`split_later`), and is listed as not identified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.calibrate.targets import model_values, resolve_targets
from simulator.errors import ScenarioError
from simulator.scenario.calibration import FreeParameter
from simulator.scenario.extends import locate
from simulator.scenario.load import load_with_origins, override
from simulator.scenario.params import Dated
from simulator.scenario.schema import Scenario

MAX_ITERATIONS = 40  # of least_squares; each costs one batched run of (free parameters + 1) draws
STEP = 1e-4  # forward-difference step in u (a share of each parameter's range)


@dataclass(frozen=True)
class Fit:
    scenario: Scenario  # with the fitted values
    values: dict[tuple[str, dt.date | None], float]
    rows: list[dict[str, Any]]  # one per target: region, scheme, year, variable, target, model, rel_error, bound, source
    parameters: list[dict[str, Any]]  # one per free parameter: key, at, value, lower, upper, sd, at_bound, identified
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


def calibrate(
    path,
    run: Callable[..., Any] | None = None,
    progress: Callable[[int], None] | None = None,
    max_evaluations: int = MAX_ITERATIONS,
    fit_until: int | None = None,
) -> Fit:
    """Fit the free parameters of the scenario at ``path`` (its own earlier fit left out) to its targets
    with figures up to ``fit_until`` (default: the scenario's ``calibration.fit_until``, at most 2020)."""
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
    targets = resolve_targets(scenario, fit_until)
    until = scenario.calibration.fit_until if fit_until is None else fit_until
    params, held = split_later(params, until)
    short = override(scenario, {"horizon": max(scenario.base_year + 1, max(t.year for t in targets))})
    lower = np.array([p.lower for p in params])
    span = np.array([p.upper for p in params]) - lower
    start = np.array([get_value(scenario, p) for p in params])
    u0 = 1.0 + np.clip((start - lower) / span, 0.0, 1.0)
    count = 0
    cache: dict[bytes, np.ndarray] = {}

    def evaluate(points: list[np.ndarray]) -> list[np.ndarray]:
        """Residuals at each point u, all in one run (one draw per point)."""
        nonlocal count
        count += 1
        if progress:
            progress(count)
        scenarios = [with_values(short, *hold(params, held, lower + span * (u - 1.0))) for u in points]
        ds = run(scenarios[0], draws=scenarios) if len(scenarios) > 1 else run(scenarios[0])
        parts = [ds.isel(draw=d) for d in range(len(points))] if len(points) > 1 else [ds]
        return [np.array([t.residual(part) for t in targets]) for part in parts]

    def fun(u: np.ndarray) -> np.ndarray:
        key = u.tobytes()
        if key not in cache:
            cache[key] = evaluate([u])[0]
        return cache[key]

    jacobians: dict[bytes, np.ndarray] = {}

    def jac(u: np.ndarray) -> np.ndarray:
        if u.tobytes() in jacobians:
            return jacobians[u.tobytes()]
        steps = np.where(u + STEP <= 2.0, STEP, -STEP)
        points = [u] + [u + np.eye(len(u))[j] * steps[j] for j in range(len(u))]
        base, *moved = evaluate(points)
        cache[u.tobytes()] = base
        jacobians[u.tobytes()] = np.stack([(m - base) / h for m, h in zip(moved, steps)], axis=1)
        return jacobians[u.tobytes()]

    moving = np.linalg.norm(jac(u0), axis=0) > 0.0  # a parameter no target moves keeps its start value

    def full(v: np.ndarray) -> np.ndarray:
        u = u0.copy()
        u[moving] = v
        return u

    result = least_squares(lambda v: fun(full(v)), u0[moving], jac=lambda v: jac(full(v))[:, moving], bounds=(1.0, 2.0),
                           max_nfev=max_evaluations, method="trf", ftol=1e-6, xtol=1e-6, gtol=1e-6, x_scale="jac")  # fmt: skip
    result.x = full(result.x)
    result.jac = jac(result.x)
    fitted = lower + span * (result.x - 1.0)
    best = with_values(scenario, *hold(params, held, fitted))
    ds = run(best)
    model = model_values(ds, targets)
    rows = [
        {"region": scenario.region.id, "scheme": t.scheme, "year": t.year, "variable": t.variable.split(".", 1)[1]
         if t.variable.startswith(t.scheme + ".") else t.variable, "target": t.value, "model": m,
         "rel_error": t.relative_error(ds), "bound": t.bound or "", "source": t.source}
        for t, m in zip(targets, model)
    ]  # fmt: skip
    values = {(p.key, p.at): float(v) for p, v in zip(*hold(params, held, fitted))}
    info = parameter_uncertainty(params, fitted, result.jac, result.fun, span)
    info += [{"key": p.key, "at": p.at.isoformat(), "value": get_value(best, p), "lower": p.lower, "upper": p.upper,
              "sd": float("nan"), "at_bound": False, "identified": False} for p, _ in held]  # fmt: skip
    return Fit(best, values, rows, info, count, result.message)


def split_later(params: list[FreeParameter], until: int) -> tuple[list[FreeParameter], list[tuple[FreeParameter, int | None]]]:
    """The parameters to search, and those dated after ``until`` (no figure up to ``until`` can identify
    them), each with the index of the latest searched date of the same key, whose value it takes: a
    backtest fitted to 2015 holds the 2015 level after 2015, as the scenarios hold the 2020 level after
    2020. A later parameter with no earlier date of its key keeps the scenario's value (index None)."""
    searched = [p for p in params if p.at is None or p.at.year <= until]
    held = []
    for p in params:
        if p.at is not None and p.at.year > until:
            earlier = [i for i, q in enumerate(searched) if q.key == p.key and q.at is not None]
            held.append((p, max(earlier, key=lambda i: searched[i].at) if earlier else None))
    return searched, held


def hold(params: list[FreeParameter], held: list[tuple[FreeParameter, int | None]], values: np.ndarray) -> tuple[list[FreeParameter], np.ndarray]:
    """The searched parameters and values, with each held parameter set to its earlier date's value."""
    tied = [(p, values[i]) for p, i in held if i is not None]
    return params + [p for p, _ in tied], np.concatenate([values, [v for _, v in tied]])


def parameter_uncertainty(
    params: list[FreeParameter], fitted: np.ndarray, jac: np.ndarray, res: np.ndarray, span: np.ndarray
) -> list[dict[str, Any]]:
    """Standard error, bound and identification flags of each fitted parameter (module docstring)."""
    m, n = jac.shape
    factor = float(res @ res) / (m - n) if m > n else 1e-4
    norms = np.linalg.norm(jac, axis=0)
    cov = np.linalg.pinv(jac.T @ jac) * factor
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None)) * span
    out = []
    for p, value, s, norm in zip(params, fitted, sd, norms):
        span_p = p.upper - p.lower
        at_bound = min(value - p.lower, p.upper - value) <= 1e-3 * span_p
        identified = bool(norm > 1e-6 and s < span_p)
        out.append({"key": p.key, "at": p.at.isoformat() if p.at else "", "value": float(value), "lower": p.lower,
                    "upper": p.upper, "sd": float(s), "at_bound": bool(at_bound), "identified": identified})  # fmt: skip
    return out
