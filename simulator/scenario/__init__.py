"""Scenario language: YAML -> validated, immutable :class:`Scenario` (no numerics here)."""

from simulator.scenario.load import load_scenario, scenario_hash
from simulator.scenario.schema import Scenario

__all__ = ["Scenario", "load_scenario", "scenario_hash"]
