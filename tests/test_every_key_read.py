"""Every scenario key is read by the run: changing it changes the results.

For each leaf key of the shipped Jiangxi scenario the test runs the scenario twice, with and
without a small change to that key (plus, for keys that only act under a condition, the
same condition in both runs), and asserts that some result differs. Labels that carry no
number (names, sources, notes, units) are listed in LABELS and must appear in the outputs'
provenance or be metadata of the file. The ``calibration`` block is read by ``sim calibrate``
(its ``fitted`` file by every run): tests/test_calibration.py covers it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
import xarray as xr

import simulator
from simulator.scenario.load import override
from tests.conftest import SCENARIOS

LABEL_NAMES = {"name", "description", "source", "note", "unit", "divisor_source"}
LABEL_PATHS = {"region.id", "region.name", "region.level", "region.province"}

# key: (changes applied to both runs so the key can act, the changed value or None for the default change)
CONDITIONS: dict[str, tuple[dict[str, Any], Any]] = {
    "employee_pension.flexible.early_months": ({"employee_pension.flexible.early_share": 0.2}, None),
    "employee_pension.flexible.late_months": ({"employee_pension.flexible.late_share": 0.2}, None),
    "policy.retirement.flexible.max_early_months": ({"employee_pension.flexible.early_share": 0.2}, 6),
    "policy.retirement.flexible.max_late_months": ({"employee_pension.flexible.late_share": 0.2}, 6),
    "policy.retirement.effective": ({"policy.retirement.reform": False}, dt.date(2031, 1, 1)),
    "policy.employee_pension.base_cap": ({"employee_pension.base_ratio": {"values": {2015: 3.5}}}, 3.3),
    "policy.employee_pension.base_floor": ({}, 0.8),
    "economy.inflation": ({"policy.employee_pension.indexation.then": {"prices": 1.0}}, None),
    "policy.unemployment.extension_effective": ({}, dt.date(2027, 1, 1)),
    "policy.work_injury.survivor_cap": ({"work_injury.other_dependants": 3.0}, 0.9),
    "employee_pension.pooling.quota_uprating": ({}, "wage"),
}


def paired(path: str) -> dict[str, Any]:
    """Keys validated together with ``path``, moved with it: cap_months = 12 x (new_age - old_age);
    the census age shares sum to one; the subsidy's share goes with mode share only."""
    census = "demography.base_population.census_2020"
    if path == "employee_pension.subsidy.mode":  # another mode reads no path
        return {path: "keep_nonnegative", "employee_pension.subsidy.share": None}
    if path.startswith(census + ".age_"):
        c = SCENARIO.demography.base_population.census_2020
        other = "age_15_59"
        if path.endswith("age_65_plus"):  # within 60+: only 60-64 shrinks
            return {path: c.age_65_plus + 0.01}
        if path.endswith("age_15_59"):
            return {path: c.age_15_59 + 0.01, f"{census}.age_0_14": c.age_0_14 - 0.01}
        return {path: getattr(c, path.rsplit(".", 1)[-1]) + 0.01, f"{census}.{other}": getattr(c, other) - 0.01}
    if not path.startswith("policy.retirement.groups."):
        return {}
    prefix, field = path.rsplit(".", 1)
    group = SCENARIO.policy.retirement.groups[prefix.rsplit(".", 1)[-1]]
    return {
        "old_age": {f"{prefix}.new_age": group.new_age + 1},
        "new_age": {f"{prefix}.cap_months": group.cap_months + 12},
        "cap_months": {path: group.cap_months + 12, f"{prefix}.new_age": group.new_age + 1},
        "first_delayed_birth": {path: "1966-01"},
    }.get(field, {})


def leaves(node: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) of every leaf; a dated parameter or a {key: number} table is one leaf."""
    out = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not ("values" in value and isinstance(value["values"], tuple)):
            table = all(isinstance(k, int) or k in ("M60", "F55", "F50") for k in value)
            if value and table and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
                out.append((path, value))
            else:
                out += leaves(value, path + ".")
        else:
            out.append((path, value))
    return out


def nudged(value: Any) -> Any:
    """A small change that keeps the value valid for its type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=92)
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value * 1.1 + 0.01 if value < 0.9 or value > 1.0 else value - 0.05
    if isinstance(value, dict) and isinstance(value.get("values"), tuple):
        return {**value, "values": tuple((d, nudged(float(v))) for d, v in value["values"])}
    if isinstance(value, dict):
        return {k: nudged(v) for k, v in value.items()}
    raise TypeError(f"no change defined for {value!r}")


def differs(a: xr.Dataset, b: xr.Dataset) -> bool:
    for name in a.data_vars:
        x, y = a[name].values, b[name].values
        if x.shape != y.shape or not np.allclose(x, y, rtol=1e-9, atol=1e-9, equal_nan=True):
            return True
    return False


SCENARIO = simulator.load_scenario(SCENARIOS / "jiangxi.yaml")
KEYS = [
    (path, value)
    for path, value in leaves(SCENARIO.model_dump(mode="python"))
    if value is not None and path.rsplit(".", 1)[-1] not in LABEL_NAMES and path not in LABEL_PATHS
    and not path.startswith("calibration.")
]


_BASE_RUN: dict[str, xr.Dataset] = {}


def base_run(condition: dict[str, Any]) -> xr.Dataset:
    """The run without the change, computed once per condition."""
    key = repr(sorted(condition.items()))
    if key not in _BASE_RUN:
        _BASE_RUN[key] = simulator.run(override(SCENARIO, condition) if condition else SCENARIO)
    return _BASE_RUN[key]


@pytest.mark.parametrize(("path", "value"), KEYS, ids=[p for p, _ in KEYS])
def test_key_changes_results(path: str, value: Any) -> None:
    condition, changed = CONDITIONS.get(path, ({}, None))
    base = override(SCENARIO, condition) if condition else SCENARIO
    if isinstance(value, str) and changed is None and path not in paired(path):
        pytest.fail(f"{path}: a text key that is not a label needs an entry in CONDITIONS")
    extra = paired(path)
    if changed is None and path not in extra:
        changed = nudged(value)
    changes = {path: changed, **extra} if path not in extra else extra
    assert differs(base_run(condition), simulator.run(override(base, changes))), f"{path} has no effect"


def test_labels_reach_the_outputs() -> None:
    ds = simulator.run(SCENARIO)
    assert ds.attrs["scenario"] == SCENARIO.name and ds.attrs["region"] == SCENARIO.region.id
