"""Shared inputs of the stochastic tests: a short Jiangxi (to 2040: the properties do not need 2100)
with a chosen uncertainty block, and runs kept per session."""

from __future__ import annotations

from functools import cache
from typing import Any

import xarray as xr

import simulator
from simulator.scenario.uncertainty import Uncertainty
from tests.conftest import SCENARIOS

HORIZON = 2040
OFF = {"enabled": False}
ALL_OFF = {
    "economy": {name: OFF for name in ("wage_growth", "inflation", "fund_return", "unemployment_rate")},
    "demography": {name: OFF for name in ("tfr", "e0_male", "e0_female")},
    "long_run": OFF,
}


@cache
def jiangxi(horizon: int = HORIZON):
    from simulator.scenario.load import override

    base = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
    return override(base, {"horizon": horizon}) if horizon != base.horizon else base


def with_uncertainty(block: dict[str, Any] | None, horizon: int = HORIZON):
    """Jiangxi to ``horizon`` with the uncertainty block ``block`` (None: the shipped defaults)."""
    scenario = jiangxi(horizon)
    return scenario.model_copy(update={"uncertainty": None if block is None else Uncertainty.model_validate(block)})


@cache
def default_run(draws: int = 200, seed: int = 11) -> xr.Dataset:
    """Short Jiangxi, the shipped model, ``draws`` draws."""
    from simulator.uncertainty.run import run

    return run(with_uncertainty(None), draws, seed)
