"""The scenario reference documents every key the schema accepts."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from simulator.scenario.load import _unwrap
from simulator.scenario.params import Dated, Uprating
from simulator.scenario.schema import Scenario
from tests.conftest import ROOT


def key_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted key paths of every leaf key (dict-valued fields use the placeholder of the docs)."""
    out = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        kind = _unwrap(field.annotation)
        if typing.get_origin(kind) is dict:
            value = _unwrap(typing.get_args(kind)[1])
            placeholder = {"groups": "GROUP", "continue_until_age": "GROUP", "assumptions": "KEY", "sensitivity": "NAME"}
            if name in placeholder:  # documented per retirement group, per key path, per case
                path = f"{path}.{placeholder[name]}"
            kind = value
        if isinstance(kind, type) and issubclass(kind, BaseModel) and not issubclass(kind, (Dated, Uprating)):
            out += key_paths(kind, path + ".")
        else:
            out.append(path)
    return out


def test_every_scenario_key_is_documented() -> None:
    text = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    missing = [p for p in key_paths(Scenario) if f"`{p}`" not in text]
    assert not missing, f"undocumented keys in docs/scenario.md: {missing}"


def test_key_walk_finds_nested_keys() -> None:
    paths = key_paths(Scenario)
    assert "policy.retirement.groups.GROUP.step_months" in paths
    assert "policy.employee_pension.employer_rate" in paths


def whole_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[str]:
    """Key paths a child scenario replaces whole (the uprating of dated parameters left out:
    the docs name it once for all)."""
    from simulator.scenario.load import merges_whole

    out = []
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        kind = _unwrap(field.annotation)
        if merges_whole(path):
            out.append(".".join(path))
        elif isinstance(kind, type) and issubclass(kind, BaseModel) and not issubclass(kind, Dated):
            out += whole_paths(kind, path)
    return out


def test_values_replaced_whole_are_documented() -> None:
    """The merge trap: docs/scenario.md lists every value a child replaces whole."""
    text = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    section = text[text.index("**replaced whole**"): text.index("A missing parent")]
    paths = whole_paths(Scenario)
    assert "policy.employee_pension.indexation.then" in paths and "labour.employment_rate.male" in paths
    missing = [p for p in paths if f"`{p}`" not in section]
    assert not missing, f"values replaced whole but not listed in docs/scenario.md: {missing}"
