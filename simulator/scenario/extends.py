"""Resolve ``extends:`` chains into one merged mapping with the origin of every key.

``extends`` takes one path or a list of paths, relative to the file that names them;
``builtin:NAME`` names a file shipped in ``simulator/data`` (e.g. ``builtin:policy/national``).
Parents merge in order, then the child on top: mappings merge key by key (so a dated
parameter's schedule is amended date by date), anything else is replaced whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.errors import ScenarioError
from simulator.scenario.yamlio import KeyPath, key_path_str, read_yaml

Origins = dict[KeyPath, tuple[Path, int]]
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def resolve_extends(path: Path, apply_fitted: bool = True) -> tuple[dict[str, Any], Origins, list[Path]]:
    """Return the merged mapping (without ``extends``), ``{key_path: (file, line)}`` and the
    fitted-value files merged in. A file that declares ``calibration.fitted`` gets the
    ``values`` of that file merged on top of itself (before any child), when the file exists;
    ``apply_fitted=False`` skips it for ``path`` itself (``sim calibrate`` fits from scratch)."""
    fitted: list[Path] = []
    data, origins = _resolve(path, (), fitted, apply_fitted)
    return data, origins, fitted


def _resolve(path: Path, chain: tuple[Path, ...], fitted: list[Path], apply_fitted: bool = True) -> tuple[dict[str, Any], Origins]:
    data, origins = _own(path, chain, fitted)
    calibration = data.get("calibration")
    declared = ("calibration", "fitted") in origins and origins[("calibration", "fitted")][0] == path
    if apply_fitted and declared and isinstance(calibration, dict) and isinstance(calibration.get("fitted"), str):
        file = path.parent / calibration["fitted"]
        if file.is_file():
            values, lines = read_yaml(file)
            top = values.get("values")
            if not isinstance(top, dict):
                raise ScenarioError(file, 1, "values", "missing (expected the fitted values written by sim calibrate)")
            top_origins = {k[1:]: (file, line) for k, line in lines.items() if k[:1] == ("values",)}
            _into_schedules(data, top, top_origins, ())
            _merge(data, origins, top, top_origins, ())
            fitted.append(file)
    return data, origins


def _into_schedules(data: Any, top: dict, top_origins: Origins, path: KeyPath) -> None:
    """Fitted dates of a parameter written in full form go into its ``values``, so that a
    child's ``values: {date: x}`` for the same date comes later and wins."""
    for key, value in list(top.items()):
        here = data.get(key) if isinstance(data, dict) else None
        child = (*path, str(key))
        if not isinstance(value, dict) or not isinstance(here, dict):
            continue
        if isinstance(here.get("values"), dict) and "values" not in value:
            spelt = _spellings(here["values"])
            value = {spelt.get(_date_or_none(d), d): v for d, v in value.items()}
            top[key] = {"values": value}
            for k in [k for k in top_origins if k[: len(child)] == child and len(k) > len(child)]:
                written = spelt.get(_date_or_none(k[len(child)]), k[len(child)])
                top_origins[(*child, "values", str(written), *k[len(child) + 1:])] = top_origins.pop(k)
            top_origins[(*child, "values")] = top_origins[child]
        else:
            _into_schedules(here, value, top_origins, child)


def _date_or_none(key: Any) -> Any:
    from simulator.scenario.params import parse_date

    try:
        return parse_date(key)
    except ValueError:
        return None


def _spellings(values: dict) -> dict:
    """{date: the key that writes it} of a schedule's ``values``: a fitted date takes the scenario's own
    spelling (2020 for 2020-01-01), so that a child amending that key later replaces the fitted value."""
    return {d: k for k in values if (d := _date_or_none(k)) is not None}


def _own(path: Path, chain: tuple[Path, ...], fitted: list[Path]) -> tuple[dict[str, Any], Origins]:
    data, lines = read_yaml(path)
    origins: Origins = {k: (path, line) for k, line in lines.items()}
    parents = data.pop("extends", None)
    if parents is None:
        return data, origins
    if isinstance(parents, str):
        parents = [parents]
    line = lines[("extends",)]
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise ScenarioError(path, line, "extends", "must be a file path or a list of paths (expected e.g. extends: jiangxi.yaml)")
    merged: dict[str, Any] = {}
    merged_origins: Origins = {(): (path, 1)}
    for i, name in enumerate(parents):
        item_line = lines.get(("extends", str(i)), line)
        parent = _parent_path(path, name)
        if not parent.is_file():
            raise ScenarioError(path, item_line, "extends", f"file '{name}' not found (expected a path relative to {path.parent or '.'})")
        if parent.resolve() in chain or parent.resolve() == path.resolve():
            cycle = " -> ".join(p.name for p in (*chain, path.resolve(), parent.resolve()))
            raise ScenarioError(path, item_line, "extends", f"extends cycle {cycle} (expected a chain without loops)")
        pdata, porigins = _resolve(parent, (*chain, path.resolve()), fitted)
        _merge(merged, merged_origins, pdata, porigins, ())
    origins = {k: v for k, v in origins.items() if k[:1] != ("extends",)}
    _merge(merged, merged_origins, data, origins, ())
    return merged, merged_origins


def _parent_path(child: Path, name: str) -> Path:
    if name.startswith("builtin:"):
        rel = name.removeprefix("builtin:")
        return DATA_DIR / (rel if rel.endswith((".yaml", ".yml")) else rel + ".yaml")
    return child.parent / name


def _merge(base: dict, base_origins: Origins, top: dict, top_origins: Origins, path: KeyPath) -> None:
    """Deep-merge ``top`` into ``base`` in place; ``top`` wins."""
    for key, value in top.items():
        child = (*path, str(key))
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base_origins[child] = top_origins[child]
            _merge(base[key], base_origins, value, top_origins, child)
            continue
        for k in [k for k in base_origins if k[: len(child)] == child]:
            del base_origins[k]
        base[key] = value
        base_origins.update({k: v for k, v in top_origins.items() if k[: len(child)] == child})


def locate(origins: Origins, path: KeyPath) -> tuple[Path, int, str]:
    """The file and line of ``path``, or of its nearest ancestor that has one."""
    for n in range(len(path), -1, -1):
        if path[:n] in origins:
            file, line = origins[path[:n]]
            return file, line, key_path_str(path)
    file, line = origins[()]
    return file, line, key_path_str(path)
