"""What the residents pension, unemployment and work-injury schemes share beside the context:

- :func:`require`: a scheme's regional and national blocks, or an error naming the missing key;
- :func:`below_retirement`: urban employment below the statutory retirement age [D, Y, sex, age];
- :func:`covered`: (that employment, insured = coverage x its total [D, Y]);
- :func:`over_draws`: makes a scheme's projection of one scenario (over every draw of the context)
  the projection of one scenario per draw, each on its own slice of the context, stacked along ``draw``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from simulator.dims import DRAW
from simulator.model.context import Context
from simulator.model.fund import FundTerms
from simulator.model.timeline import annual
from simulator.scenario.params import Dated
from simulator.scenario.schema import Scenario

SchemeResult = tuple[xr.Dataset, FundTerms]


def require(scenario: Scenario, name: str) -> tuple:
    """(regional block, national policy block) of scheme ``name``; an error naming the key when the
    scenario has no regional block."""
    block = getattr(scenario, name)
    if block is None:
        raise ValueError(f"{name}: the scenario has no {name} block (see docs/scenario.md)")
    return block, getattr(scenario.policy, name)


def below_retirement(ctx: Context) -> np.ndarray:
    """Urban employment below the statutory retirement age [D, Y, sex, age] (persons; women = F55 + F50)."""
    return ctx.below_retirement


def shares(x: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
    """``x / x.sum(axis)`` (keeping dims), 0 where the sum is 0: a year without anyone below the
    retirement age (an extreme draw's population late in the century) spreads nobody, not NaN."""
    total = x.sum(axis=axis, keepdims=True)
    return np.divide(x, total, out=np.zeros(np.broadcast_shapes(x.shape, total.shape)), where=total != 0)


def covered(ctx: Context, coverage: Dated) -> tuple[np.ndarray, np.ndarray]:
    """(employment below retirement age [D, Y, sex, age], insured [D, Y] = coverage x its total)."""
    below = below_retirement(ctx)
    insured = annual(coverage, ctx.years) * below.sum(axis=(2, 3))
    return below, np.broadcast_to(insured, (ctx.draws, len(ctx.years))).copy()


def over_draws(project_one: Callable[[Scenario, Context, xr.Dataset, str], SchemeResult]):
    """Decorator: ``project_one(scenario, ctx, employee, impl)`` becomes
    ``project(scenarios, ctx, employee, impl="numba")``: with one scenario, ``project_one`` over every
    draw of the context; with one scenario per draw, ``project_one`` of each on its slice of the
    context and of ``employee``, the results stacked along ``draw``."""

    @functools.wraps(project_one)
    def project(scenarios: Sequence[Scenario], ctx: Context, employee: xr.Dataset, impl: str = "numba") -> SchemeResult:
        if len(scenarios) == 1:
            return project_one(scenarios[0], ctx, employee, impl)
        parts = [project_one(s, ctx.draw(d), employee.isel({DRAW: [d]}), impl) for d, s in enumerate(scenarios)]
        ds = xr.concat([p[0] for p in parts], dim=DRAW, data_vars="all", coords="minimal", compat="override")
        ds = ds.assign_coords({DRAW: np.arange(len(parts))})
        terms = FundTerms(*(np.concatenate([getattr(p[1], f) for p in parts]) for f in ("balance0", "subsidy_mode")))
        return ds, terms

    return project
