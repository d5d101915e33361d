"""simulator: year-by-year projection of China's social-insurance funds for one region.

Python entry points (the ``sim`` command is a thin layer over these)::

    import simulator
    scenario = simulator.load_scenario("scenarios/jiangxi.yaml")
    results = simulator.run(scenario)        # xarray.Dataset

Importing this package is cheap: numerics, numba and plotting load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    import os

    import xarray

    from simulator.scenario.schema import Scenario


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario YAML file (raises :class:`simulator.errors.ScenarioError`)."""
    from simulator.scenario.load import load_scenario as _load

    return _load(path)


def run(scenario: Scenario | str | os.PathLike[str]) -> xarray.Dataset:
    """Project ``scenario`` (an object or a path) and return the results as a Dataset."""
    from simulator.model.projection import project

    if not hasattr(scenario, "policy"):
        scenario = load_scenario(scenario)  # type: ignore[arg-type]
    return project(scenario)  # type: ignore[arg-type]


__all__ = ["__version__", "load_scenario", "run"]
