"""Other assumptions a scenario marks uncertain (``uncertainty.assumptions``): a dated parameter of a
scheme whose value each draw moves by its own deviation z (:func:`simulator.uncertainty.paths.draw`)::

    value[d, y] = clip(value[y] + z[d, y], lower, upper)        from start_year on

Each draw then has a scenario of its own (the parameter as yearly values), and the schemes run
draw by draw on their slices of the context (:func:`simulator.model.context.per_draw`): slower than
the shared-scenario path (a few milliseconds a draw), which is what the economy and the demography
use. Parameters of the economy and the demography have processes of their own; a parameter that
enters the projection context (the labour force, retirement, the contribution base) is refused, for
the context is built once for all draws.
"""

from __future__ import annotations

import numpy as np

from simulator.model.context import ARRAYS, Context, build_context
from simulator.model.timeline import annual, shifted
from simulator.scenario.params import Dated
from simulator.scenario.schema import Scenario
from simulator.scenario.uncertainty import Uncertainty
from simulator.uncertainty.paths import Draws, Setup

OWN_PROCESSES = ("economy.", "demography.", "uncertainty.", "calibration.")


def value_at(scenario: Scenario, key: str, where: str = "") -> object:
    """The value at the dotted ``key`` of the scenario; ValueError naming ``where`` + key when there is none."""
    node: object = scenario
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            raise ValueError(f"{where}{key}: no such key in the scenario (expected a dated parameter or a number)")
    return node


def parameter(scenario: Scenario, key: str) -> Dated:
    """The dated parameter at dotted ``key``; ValueError naming the key when there is none."""
    node = value_at(scenario, key, "uncertainty.assumptions.")
    if not isinstance(node, Dated):
        raise ValueError(f"uncertainty.assumptions.{key}: not a dated parameter (expected e.g. unemployment.take_up)")
    return node


def with_parameter(scenario: Scenario, key: str, value: Dated) -> Scenario:
    """``scenario`` with the parameter at ``key`` replaced (nested copies, no re-validation)."""
    *parents, last = key.split(".")
    chain = [scenario]
    for part in parents:
        chain.append(getattr(chain[-1], part))
    new: object = value
    for node, part in zip(reversed(chain), reversed([*parents, last])):
        new = node.model_copy(update={part: new})
    return new  # type: ignore[return-value]


def check(scenario: Scenario, u: Uncertainty, setup: Setup) -> None:
    """Each marked key is a dated parameter of a scheme that does not enter the context."""
    years = setup.context.years
    for key, spec in u.assumptions.items():
        if key.startswith(OWN_PROCESSES):
            raise ValueError(f"uncertainty.assumptions.{key}: has a process of its own (expected a scheme parameter)")
        param = parameter(scenario, key)
        values = annual(param, years, **_growth(setup.context, 0))
        moved = with_parameter(scenario, key, shifted(param, years, values + max(spec.sd, 1e-3) + 0.01, int(u.start_year)))
        ctx = build_context(moved, setup.context.demography)
        if any(not np.array_equal(getattr(ctx, f), getattr(setup.context, f), equal_nan=True) for f in ARRAYS):
            raise ValueError(
                f"uncertainty.assumptions.{key}: enters the projection context (labour force, retirement or the "
                "contribution base), which all draws share (expected a parameter of a scheme's own rules)"
            )


def _growth(ctx: Context, d: int) -> dict[str, np.ndarray]:
    return {k: v[min(d, len(v) - 1)] for k, v in ctx.growth.items()}


def scenarios(scenario: Scenario, u: Uncertainty, draws: Draws, ctx: Context) -> list[Scenario]:
    """One scenario per draw of the block with the marked parameters moved (empty when none is marked)."""
    if not u.assumptions:
        return []
    years, first = ctx.years, int(u.start_year)
    out = []
    for d in range(draws.n):
        s = scenario
        for key, spec in u.assumptions.items():
            param = parameter(scenario, key)
            values = annual(param, years, **_growth(ctx, d)) + draws.assumptions[key][d]
            values = np.clip(values, -np.inf if spec.lower is None else spec.lower, np.inf if spec.upper is None else spec.upper)
            s = with_parameter(s, key, shifted(param, years, values, first))
        out.append(s)
    return out
