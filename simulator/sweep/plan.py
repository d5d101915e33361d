"""A sweep file expanded into its tasks: every scenario loaded, every change validated.

Axes, in this order: ``region`` (the regions' ``region.id``), ``scenario`` (the names under
``scenarios``), one per lever (its name), then ``draw`` when the sweep has draw blocks. The
tasks are their cross product, the draw blocks innermost. A change (a scenario's set, a
lever's value) replaces the whole value at its key path, then the scenario is validated again
(:func:`simulator.scenario.load.override`): a value the scenario schema refuses is an error
at its line in the sweep file, before anything runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.scenario.extends import Origins
from simulator.scenario.load import load_with_origins, override
from simulator.scenario.schema import Scenario
from simulator.sweep.spec import SCENARIO, Lever, SweepSpec, error, load_spec
from simulator.sweep.task import Task, block_seed
from simulator.version import __version__

Loc = tuple[str, ...]
Change = tuple[str, Any, Loc, Loc]  # key path, value, where the value and the key are in the sweep file


@dataclass(frozen=True)
class Axis:
    name: str
    labels: tuple[Any, ...]
    attrs: dict[str, str]


@dataclass(frozen=True)
class Plan:
    spec: SweepSpec
    file: Path
    sha256: str  # of the validated sweep file: what makes an output folder this sweep's
    axes: tuple[Axis, ...]  # the swept axes but draw
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class _Base:
    coords: tuple[tuple[str, Any], ...]
    index: tuple[int, ...]
    scenario: Scenario
    source: str
    fitted: tuple[str, ...]
    changes: tuple[Change, ...]


def plan(path: str | os.PathLike[str]) -> Plan:
    """Load the sweep file at ``path`` and expand it; raises ScenarioError (one line) on a problem
    in the sweep file or in a scenario file it names."""
    path = Path(path)
    spec, origins = load_spec(path)
    bases, axes = _bases(spec, origins, path.parent)
    levers = list(spec.levers.items())
    axes += [_lever_axis(name, lever) for name, lever in levers]
    variables = tuple(spec.variables) if spec.variables else None
    tasks = []
    for base in bases:
        for picks in itertools.product(*(range(len(lever)) for _, lever in levers)):
            changes = list(base.changes) + _lever_changes(levers, picks)
            common = dict(
                coords=base.coords + tuple((name, lever.coordinate()[j]) for (name, lever), j in zip(levers, picks)),
                index=base.index + picks,
                scenario=_changed(base.scenario, changes, origins) if changes else base.scenario,
                source=base.source,
                fitted=base.fitted,
                changes=tuple((c[0], c[1]) for c in changes),
                variables=variables,
            )
            if spec.draws is None:
                tasks.append(Task(**common))
            else:
                d = spec.draws
                tasks += [Task(**common, block=b, seed=block_seed(d.seed, b), draws=d.per_block) for b in range(d.blocks)]
    sha = hashlib.sha256(json.dumps(spec.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
    return Plan(spec, path, sha, tuple(axes), tuple(tasks))


def _lever_axis(name: str, lever: Lever) -> Axis:
    attrs = {"long_name": f"lever {name}", "key_path": ", ".join(lever.changes())}
    if lever.labels is not None:
        attrs["values"] = json.dumps(lever.changes(), default=str, ensure_ascii=False)
    attrs |= {k: v for k, v in (("source", lever.source), ("note", lever.note)) if v}
    return Axis(name, tuple(lever.coordinate()), attrs)


def _lever_changes(levers: list[tuple[str, Lever]], picks: tuple[int, ...]) -> list[Change]:
    """The changes of one combination: position ``picks[i]`` of lever i, each key of a zipped lever."""
    out: list[Change] = []
    for (name, lever), j in zip(levers, picks):
        for key, values in lever.changes().items():
            at = ("levers", name, "values", str(j)) if lever.key else ("levers", name, "keys", key, str(j))
            out.append((key, values[j], at, ("levers", name, "key") if lever.key else at[:-1]))
    return out


def _bases(spec: SweepSpec, origins: Origins, folder: Path) -> tuple[list[_Base], list[Axis]]:
    """The runs before levers: one per region, per scenario file, or per region x scenario changes."""
    axes: list[Axis] = []
    regions: list[tuple[str, Scenario, str, tuple[str, ...]]] = []
    for i, entry in enumerate(spec.regions or []):
        scenario, source, fitted = _scenario_file(folder, entry, ("regions", str(i)), origins)
        if any(scenario.region.id == r[0] for r in regions):
            raise error(origins, ("regions", str(i)), f"region {scenario.region.id!r} is listed twice (expected each region once)")
        regions.append((scenario.region.id, scenario, source, fitted))
    if regions:
        axes.append(Axis("region", tuple(r[0] for r in regions), {"long_name": "region (the scenario's region.id)"}))
    named = list((spec.scenarios or {}).items())
    if not regions:  # scenario files
        bases = []
        for k, (name, entry) in enumerate(named):
            if not isinstance(entry, str):
                raise error(origins, ("scenarios", name), "without regions a scenario is a file (expected name: path/to/scenario.yaml)")
            scenario, source, fitted = _scenario_file(folder, entry, ("scenarios", name), origins)
            bases.append(_Base(((SCENARIO, name),), (k,), scenario, source, fitted, ()))
        axes.append(Axis(SCENARIO, tuple(name for name, _ in named), {"long_name": "scenario (file)"}))
        return bases, axes
    sets = []
    for name, entry in named:
        if not isinstance(entry, dict):
            raise error(
                origins, ("scenarios", name), "with regions a scenario is a set of changes applied to each region "
                "(expected a mapping of key paths to values, e.g. {policy.retirement.reform: false})",
            )  # fmt: skip
        sets.append((name, tuple((str(k), value, ("scenarios", name, str(k)), ("scenarios", name, str(k))) for k, value in entry.items())))
    if named:
        described = json.dumps({name: {c[0]: c[1] for c in changes} for name, changes in sets}, default=str, ensure_ascii=False)
        axes.append(Axis(SCENARIO, tuple(name for name, _ in sets), {"long_name": "scenario (changes to each region)", "changes": described}))
    bases = []
    for i, (rid, scenario, source, fitted) in enumerate(regions):
        for k, (name, changes) in enumerate(sets or [(None, ())]):
            coords = ((("region", rid),) + (((SCENARIO, name),) if name is not None else ()))
            bases.append(_Base(coords, (i, k) if name is not None else (i,), scenario, source, fitted, changes))
    return bases, axes


def _scenario_file(folder: Path, entry: str, loc: Loc, origins: Origins) -> tuple[Scenario, str, tuple[str, ...]]:
    path = Path(os.path.normpath(folder / entry))
    if not path.is_file():
        raise error(origins, loc, f"file {entry!r} not found (expected a scenario file relative to {folder or '.'})")
    scenario, _, fitted = load_with_origins(path)
    return scenario, str(path), tuple(str(f) for f in fitted)


def _changed(scenario: Scenario, changes: list[Change], origins: Origins) -> Scenario:
    """``scenario`` with every change applied and validated; an error names the change refused
    (at the line of its value, or of its key when the scenario has no such key)."""
    try:
        return override(scenario, {key: value for key, value, _, _ in changes})
    except (KeyError, TypeError, ValidationError) as exc:
        for key, value, value_loc, key_loc in changes:  # which change is refused on its own?
            try:
                override(scenario, {key: value})
            except (KeyError, TypeError, ValidationError) as alone:
                loc = value_loc if isinstance(alone, ValidationError) else key_loc
                raise error(origins, loc, _refusal(alone, key, scenario)) from None
        where = changes[-1][2][:2]
        raise error(origins, where, f"{_refusal(exc, '', scenario)}: the changes are refused together") from None


def _refusal(exc: Exception, key: str, scenario: Scenario) -> str:
    if not isinstance(exc, ValidationError):
        return f"no key {key} in scenario {scenario.name} (expected a key path of docs/scenario.md, e.g. policy.retirement.reform)"
    err = exc.errors(include_url=False)[0]
    at = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    got = "" if "(expected" in msg else f" (got {err.get('input')!r})"
    return f"refused by the scenario schema at {at}: {msg}{got}"

