"""simulator: year-by-year projection of China's social-insurance funds for one region.

Python entry points (the ``sim`` command is a thin layer over these)::

    import simulator
    scenario = simulator.load_scenario("scenarios/jiangxi.yaml")
    results = simulator.run("scenarios/jiangxi.yaml")   # xarray.Dataset, what `sim run` writes

Importing this package is cheap: numerics, numba and plotting load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.version import __version__

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
    """Project ``scenario`` (an object or a path) and return the results Dataset: the same variables,
    attributes and provenance that ``sim run`` writes to ``results.nc``. Given a path, the attributes
    name the file and the fitted values merged into it."""
    from simulator.model.projection import project

    if hasattr(scenario, "policy"):
        return project(scenario)  # type: ignore[arg-type]
    from simulator.scenario.load import load_with_origins

    loaded, _, fitted = load_with_origins(scenario)  # type: ignore[arg-type]
    return project(loaded, source=scenario, fitted=fitted)  # type: ignore[arg-type]


__all__ = ["__version__", "load_scenario", "run"]
