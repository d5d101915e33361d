"""Every key of the ``uncertainty:`` block is read: changing it changes a stochastic run (or, for the
sensitivity cases, the sensitivity table); its labels reach the provenance; the scenario's block
overrides the shipped defaults key by key."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest

from simulator.scenario.uncertainty import Uncertainty, settings, shipped_defaults
from simulator.uncertainty.run import run
from simulator.uncertainty.sensitivity import run as sensitivity
from tests.stochastic_support import with_uncertainty

MARKED = {"unemployment.take_up": {"sd": 0.05, "persistence": 0.8, "lower": 0.48, "upper": 0.52}}
OWN_CASE = {"claims": {"keys": ["unemployment.inflow_rate"], "how": "add", "low": 0.2, "high": 0.4}}
LABELS = ("source", "note")


def full_block() -> dict[str, Any]:
    block = shipped_defaults().model_dump(mode="python")
    block["economy"]["correlation"] = [list(row) for row in block["economy"]["correlation"]]
    return block | {"assumptions": copy.deepcopy(MARKED), "note": "a note"}


def leaves(node: dict, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    out = []
    for key, value in node.items():
        if isinstance(value, dict) and value:
            out += leaves(value, (*prefix, key))
        elif key not in ("sensitivity",):
            out.append(((*prefix, key), value))
    return out


def nudged(path: tuple, value: Any) -> Any:
    """A change that keeps the block valid (and the correlation matrix positive definite)."""
    name = path[-1]
    if name == "correlation":
        c = np.array(value)
        c[0, 1] = c[1, 0] = c[0, 1] - 0.1
        return c.tolist()
    if isinstance(value, bool):
        return not value
    if name in ("start_year",):
        return value + 2
    if name == "jump_off_year":
        return value - 1
    if name == "e0_sex_correlation":
        return 0.8
    if name == "tfr_e0_correlation":
        return 0.3
    if name == "persistence":
        return value * 0.5 + 0.1
    if name in ("lower", "upper"):
        return value - 0.01 if name == "lower" else value + 0.01
    return value * 2.0 + 0.001


def set_path(block: dict, path: tuple, value: Any) -> dict:
    out = copy.deepcopy(block)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


RUNS: dict[str, Any] = {}


def stochastic(block: dict) -> Any:
    key = json.dumps(block, sort_keys=True, default=str)
    if key not in RUNS:
        RUNS[key] = run(with_uncertainty(block, horizon=2030), 4, seed=3)
    return RUNS[key]


KEYS = [(path, value) for path, value in leaves(full_block()) if path[-1] not in LABELS]


@pytest.mark.parametrize(("path", "value"), KEYS, ids=[".".join(p) for p, _ in KEYS])
def test_key_changes_a_stochastic_run(path: tuple, value: Any) -> None:
    base, changed = stochastic(full_block()), stochastic(set_path(full_block(), path, nudged(path, value)))
    assert any(
        not np.allclose(base[name].values, changed[name].values, equal_nan=True, rtol=1e-12, atol=0)
        for name in base.data_vars if name != "retirement_age"
    ), ".".join(path)  # fmt: skip


def test_labels_reach_the_provenance() -> None:
    record = json.loads(stochastic(full_block()).attrs["uncertainty_json"])
    assert record["note"] == "a note" and record["source"].startswith("defaults.yaml")


@pytest.mark.parametrize("key", ["keys", "how", "low", "high"])
def test_sensitivity_case_keys_change_the_table(key: str) -> None:
    changes = {"keys": ["unemployment.take_up"], "how": "scale", "low": -0.02, "high": 0.03}
    base = sensitivity(with_uncertainty({"sensitivity": OWN_CASE}, horizon=2036), only=["claims"])
    case = OWN_CASE["claims"] | {key: changes[key]}
    other = sensitivity(with_uncertainty({"sensitivity": {"claims": case}}, horizon=2036), only=["claims"])
    a, b = (t[t["assumption"] == "claims"].select_dtypes("number").to_numpy() for t in (base, other))
    assert not np.allclose(a, b, equal_nan=True), key


def test_a_scenario_block_overrides_the_defaults_key_by_key() -> None:
    own = Uncertainty.model_validate({"economy": {"wage_growth": {"innovation_sd": 0.03}}, "long_run": {"enabled": False}})
    merged, defaults = settings(own, 2015), shipped_defaults()
    assert merged.economy.wage_growth.innovation_sd == 0.03
    assert merged.economy.wage_growth.persistence == defaults.economy.wage_growth.persistence
    assert merged.long_run.enabled is False and merged.long_run.fund_return == defaults.long_run.fund_return
    assert settings(None, 2030).start_year == 2031  # never before the first projected year
