"""Cohort-component demography: base population, life tables, fertility, migration, projection.

``population_dataset(scenario, draws=1)`` is the entry point (method: docs/demography.md).
"""

from __future__ import annotations

from simulator.model.demography.assembly import population_dataset

__all__ = ["population_dataset"]
