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


def load_scenario(path: str | os.PathLike[str], fitted: bool = True) -> Scenario:
    """Read and validate a scenario YAML file (raises :class:`simulator.errors.ScenarioError`);
    ``fitted=False`` leaves out the values its own calibration fitted."""
    from simulator.scenario.load import load_scenario as _load

    return _load(path, fitted)


def run(scenario: Scenario | str | os.PathLike[str]) -> xarray.Dataset:
    """Project ``scenario`` (an object or a path) and return the results as a Dataset.

    Given a path, the results' ``calibration`` attribute names the fitted values used."""
    from simulator.model.projection import project

    if hasattr(scenario, "policy"):
        return project(scenario)  # type: ignore[arg-type]
    from simulator.calibrate import calibration_summary
    from simulator.scenario.load import load_with_origins

    loaded, _, fitted = load_with_origins(scenario)  # type: ignore[arg-type]
    return project(loaded, calibration=calibration_summary(fitted))


__all__ = ["__version__", "load_scenario", "run"]
