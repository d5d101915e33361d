"""Resolve ``extends:`` chains into one merged mapping with the origin of every key.

``extends`` takes one path or a list of paths, relative to the file that names them;
``builtin:NAME`` names a file shipped in ``simulator/data`` (e.g. ``builtin:policy/national``).
Parents merge in order, then the child on top: mappings merge key by key (so a dated
parameter's schedule is amended date by date), anything else is replaced whole, and so is
every mapping for which ``whole(key_path)`` is true (an uprating rule, a table, a
distribution: values that only make sense whole; the schema says which, see
``simulator.scenario.load.merges_whole``). Merging takes time linear in the size of the files.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.errors import ScenarioError, echo
from simulator.files import FileProblem, check_regular_file
from simulator.scenario.yamlio import KeyPath, key_path_str, read_yaml

Origins = dict[KeyPath, tuple[Path, int]]
Whole = Callable[[KeyPath], bool]
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAX_FILES = 20
"""Most files read to resolve one scenario (itself, its parents, their fitted values)."""
_BUILTIN = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*(\.ya?ml)?$")


def _never(path: KeyPath) -> bool:
    return False


@dataclass(frozen=True)
class Fit:
    """A fitted-value file merged into the scenario ``owner`` that names it: the scenario sha256 it
    records and ``unfitted``, the owner's merged mapping before the fitted values (to check the hash)."""

    file: Path
    owner: Path
    recorded_sha256: str | None
    unfitted: dict[str, Any]


def resolve_extends(
    path: Path, apply_fitted: bool = True, whole: Whole = _never, fits: list[Fit] | None = None
) -> tuple[dict[str, Any], Origins, list[Path]]:
    """Return the merged mapping (without ``extends``), ``{key_path: (file, line)}`` and the
    fitted-value files merged in. A file that declares ``calibration.fitted`` gets the
    ``values`` of that file merged on top of itself (before any child); a named file that does not
    exist is an error. ``apply_fitted=False`` skips it for ``path`` itself (``sim calibrate`` fits
    from scratch). A fitted file amends single values, so it always merges key by key. ``fits``
    collects a :class:`Fit` per fitted file merged."""
    resolver = _Resolver(whole, fits)
    data, origins = resolver.resolve(Path(path), (), apply_fitted)
    return data, origins, resolver.fitted


class _Resolver:
    def __init__(self, whole: Whole, fits: list[Fit] | None = None):
        self.whole = whole
        self.fits = fits
        self.fitted: list[Path] = []
        self.files_read = 0

    def read(self, path: Path, by: tuple[Path, int, str] | None = None) -> tuple[dict[str, Any], dict[KeyPath, int]]:
        self.files_read += 1
        if self.files_read > MAX_FILES:
            file, line, key = by or (path, 1, "(root)")
            raise ScenarioError(file, line, key, f"more than {MAX_FILES} files to read (expected a shorter extends chain)")
        return read_yaml(path)

    def resolve(self, path: Path, chain: tuple[str, ...], apply_fitted: bool = True, by=None) -> tuple[dict[str, Any], Origins]:
        data, origins = self.own(path, chain, by)
        calibration = data.get("calibration")
        declared = ("calibration", "fitted") in origins and origins[("calibration", "fitted")][0] == path
        if apply_fitted and declared and isinstance(calibration, dict) and isinstance(calibration.get("fitted"), str):
            at = (path, origins[("calibration", "fitted")][1], "calibration.fitted")
            file = fitted_file(path, calibration["fitted"], at)
            values, lines = self.read(file, at)
            top = values.get("values")
            if not isinstance(top, dict):
                line = lines.get(("values",), 1)
                raise ScenarioError(file, line, "values", "missing or not a mapping (expected the fitted values written by sim calibrate)")
            if self.fits is not None:
                recorded = values.get("scenario_sha256")
                self.fits.append(Fit(file, path, recorded if isinstance(recorded, str) else None, copy.deepcopy(data)))
            top_origins = {k[1:]: (file, line) for k, line in lines.items() if k[:1] == ("values",)}
            _into_schedules(data, top, top_origins, ())
            _merge(data, origins, top, top_origins, (), _never, fitted=True)
            self.fitted.append(file)
        return data, origins

    def own(self, path: Path, chain: tuple[str, ...], by=None) -> tuple[dict[str, Any], Origins]:
        data, lines = self.read(path, by)
        origins: Origins = {k: (path, line) for k, line in lines.items()}
        parents = data.pop("extends", None)
        if parents is None:
            return data, origins
        if isinstance(parents, str):
            parents = [parents]
        line = lines[("extends",)]
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise ScenarioError(path, line, "extends", "must be a file path or a list of paths (expected e.g. extends: jiangxi.yaml)")
        here = os.path.realpath(path)
        merged: dict[str, Any] = {}
        merged_origins: Origins = {(): (path, 1)}
        for i, name in enumerate(parents):
            item_line = lines.get(("extends", str(i)), line)
            parent = _parent_path(path, name, item_line)
            try:
                check_regular_file(parent)
            except FileProblem as exc:
                where = f"{path.parent}" if str(path.parent) else "."
                raise ScenarioError(
                    path, item_line, "extends", f"file {echo(name)} {exc} (expected a YAML file, path relative to {where})"
                ) from None
            target = os.path.realpath(parent)
            if target in chain or target == here:
                cycle = " -> ".join(Path(p).name for p in (*chain, here, target))
                raise ScenarioError(path, item_line, "extends", f"extends cycle {cycle} (expected a chain without loops)")
            pdata, porigins = self.resolve(parent, (*chain, here), by=(path, item_line, "extends"))
            _merge(merged, merged_origins, pdata, porigins, (), self.whole)
        origins = {k: v for k, v in origins.items() if k[:1] != ("extends",)}
        _merge(merged, merged_origins, data, origins, (), self.whole)
        return merged, merged_origins


def fitted_file(scenario: Path, name: str, at: tuple[Path, int, str]) -> Path:
    """The fitted-values file ``name`` (relative to ``scenario``); one that does not exist (a copied
    scenario, or one never calibrated) or cannot be read is an error."""
    file = scenario.parent / name
    try:
        check_regular_file(file)
    except FileProblem as exc:
        if str(exc) == "file not found":
            raise ScenarioError(
                *at, f"{name}: no such file beside {scenario.name} (fit it with: sim calibrate {scenario}; or remove "
                "the key to run without fitted values)",
            ) from None
        raise ScenarioError(*at, f"fitted-values file {echo(name)} {exc} (expected a YAML file written by sim calibrate)") from None
    return file


def _parent_path(child: Path, name: str, line: int) -> Path:
    if name.startswith("builtin:"):
        rel = name.removeprefix("builtin:")
        if not _BUILTIN.match(rel):
            raise ScenarioError(child, line, "extends", f"unknown builtin file {echo(name)} (expected e.g. builtin:policy/national)")
        return DATA_DIR / (rel if rel.endswith((".yaml", ".yml")) else rel + ".yaml")
    return child.parent / name


def _paths(value: Any, path: KeyPath) -> Iterator[KeyPath]:
    """``path`` and the key path of everything inside ``value``."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, str(i)))


def _merge(
    base: dict, base_origins: Origins, top: dict, top_origins: Origins, path: KeyPath, whole: Whole, fitted: bool = False
) -> None:
    """Deep-merge ``top`` into ``base`` in place; ``top`` wins. A mapping keeps the origin of its
    first definition when ``top`` is a fitted file (a key missing from a block is missing from the
    scenario, not from the fitted values)."""
    for key, value in top.items():
        child = (*path, str(key))
        old = base.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and not whole(child):
            if not fitted or child not in base_origins:
                base_origins[child] = top_origins[child]
            _merge(old, base_origins, value, top_origins, child, whole, fitted)
            continue
        if key in base:
            for k in _paths(old, child):
                base_origins.pop(k, None)
        base[key] = value
        for k in _paths(value, child):
            if k in top_origins:
                base_origins[k] = top_origins[k]


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
            written = {str(d): spelt.get(_date_or_none(d), d) for d in value}
            top[key] = {"values": {written[str(d)]: v for d, v in value.items()}}
            moved = {k: top_origins.pop(k) for k in list(_paths(value, child))[1:] if k in top_origins}
            top_origins.update({(*child, "values", str(written[k[len(child)]]), *k[len(child) + 1:]): v
                                for k, v in moved.items()})  # fmt: skip
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


def locate(origins: Origins, path: KeyPath) -> tuple[Path, int, str]:
    """The file and line of ``path``, or of its nearest ancestor that has one."""
    for n in range(len(path), -1, -1):
        if path[:n] in origins:
            file, line = origins[path[:n]]
            return file, line, key_path_str(path)
    file, line = origins[()]
    return file, line, key_path_str(path)
