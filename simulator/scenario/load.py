"""Load a scenario file: read YAML, resolve ``extends``, validate, report one-line errors."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import os
import typing
import warnings
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from simulator.errors import ScenarioError, StaleFitWarning, display_path, echo, shorten
from simulator.scenario.checks import check_runnable
from simulator.scenario.extends import DATA_DIR, Fit, Origins, locate, resolve_extends
from simulator.scenario.params import META_KEYS, Dated, MergeWhole, Strict, parse_date
from simulator.scenario.schema import Retirement, Scenario
from simulator.scenario.yamlio import read_yaml

M = TypeVar("M", bound=BaseModel)


def load_scenario(path: str | os.PathLike[str], fitted: bool = True) -> Scenario:
    """Read, merge and validate ``path``; raise :class:`ScenarioError` on the first problem.

    ``fitted=False`` leaves out the fitted values of ``path``'s own calibration."""
    return load_with_origins(path, fitted)[0]


def load_with_origins(path: str | os.PathLike[str], fitted: bool = True) -> tuple[Scenario, Origins, list[Path]]:
    """The scenario, where each key came from, and the fitted-value files merged in.

    Besides the schema, the scenario is checked against what the run needs
    (:mod:`simulator.scenario.checks`): a scenario that loads is a scenario that runs. A fitted file
    whose recorded scenario sha256 is not that of its scenario as it is now gives a
    :class:`~simulator.errors.StaleFitWarning` (its values are still used)."""
    fits: list[Fit] = []
    data, origins, files = resolve_extends(Path(path), apply_fitted=fitted, whole=merges_whole, fits=fits)
    scenario = _validate(Scenario, data, origins, ())
    for fit in fits:
        _check_fit(fit)

    def raise_at(key: tuple[str, ...], message: str, date: dt.date | None = None) -> None:
        at = key if date is None else _refine_dated(key, {"date": date.isoformat()}, data)
        file, line, _ = locate(origins, at)
        raise ScenarioError(file, line, ".".join(at), message)

    check_runnable(scenario, raise_at)
    return scenario, origins, files


def _check_fit(fit: Fit) -> None:
    """Warn when ``fit`` was made for another version of its scenario."""
    try:
        now = scenario_hash(Scenario.model_validate(fit.unfitted))
    except ValidationError:  # only valid with its fitted values: the fit cannot be checked, nor refitted
        return
    if fit.recorded_sha256 != now:
        owner, file = display_path(fit.owner), display_path(fit.file)
        why = "it records no scenario sha256" if fit.recorded_sha256 is None else "it was fitted to another version of"
        warnings.warn(
            StaleFitWarning(f"{file} is stale: {why} {owner}; its values are used. Refit: sim calibrate {owner} --force"),
            stacklevel=3,
        )


def load_retirement_policy(path: str | os.PathLike[str] | None = None) -> Retirement:
    """The ``policy.retirement`` block of a scenario or policy file (default: the national one)."""
    source = Path(path) if path is not None else DATA_DIR / "policy" / "national.yaml"
    data, origins, _ = resolve_extends(source, whole=merges_whole)
    at = ("policy", "retirement")
    block = data.get("policy", {}).get("retirement") if isinstance(data.get("policy"), dict) else None
    if block is None:
        file, line, _ = locate(origins, at)
        raise ScenarioError(file, line, "policy.retirement", "missing (expected a retirement block)")
    return _validate(Retirement, block, origins, at, data)


def _validate(model: type[M], data: Any, origins: Origins, prefix: tuple[str, ...], root: Any = None) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # A misspelt key shows up as both "unknown" and "missing": name the one the user wrote.
        err = sorted(exc.errors(include_url=False), key=lambda e: e["type"] == "missing")[0]
        loc = prefix + tuple(str(p) for p in err["loc"] if p != "[key]")
        loc = _refine_dated(loc, err.get("ctx") or {}, data if root is None else root)
        file, line, key_path = locate(origins, loc)
        raise ScenarioError(file, line, key_path, _message(err, loc)) from None


def _refine_dated(loc: tuple[str, ...], ctx: dict[str, Any], data: Any) -> tuple[str, ...]:
    """Point an error inside a dated parameter at the date key it is about: of the keys for that
    date, the one whose value is used (the last in the order :class:`Dated` reads them)."""
    if "key" not in ctx and "date" not in ctx:
        return loc
    raw = _at(data, loc)
    if not isinstance(raw, dict):
        return loc
    values = raw.get("values") if isinstance(raw.get("values"), dict) else {}
    keys = [((*loc, "values", str(k)), k) for k in values]
    keys += [((*loc, str(k)), k) for k in raw if str(k) not in META_KEYS]
    found = [p for p, k in keys if str(k) == ctx.get("key") or _same_date(k, ctx.get("date"))]
    return found[-1] if found else loc


def _at(data: Any, loc: tuple[str, ...]) -> Any:
    for part in loc:
        if not isinstance(data, dict):
            return None
        data = next((v for k, v in data.items() if str(k) == part), None)
    return data


def _same_date(key: Any, date: str | None) -> bool:
    try:
        return date is not None and parse_date(key).isoformat() == date
    except ValueError:
        return False


@functools.lru_cache(maxsize=4096)
def merges_whole(path: tuple[str, ...]) -> bool:
    """True when a child scenario replaces the value at ``path`` whole instead of merging it key
    by key: the uprating rules (``Uprating``: ``indexation.then``, ``tier_uprating``, a dated
    parameter's ``uprating``) and the tables and distributions marked ``WHOLE`` in the schema
    (account divisors, employment-rate knots, contribution tiers, claimant and grade shares,
    benefit durations, disability lump sums and allowances)."""
    node: Any = Scenario
    marked = False
    for part in path:
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(part)
            if field is None:
                return False
            marked = any(isinstance(m, MergeWhole) for m in field.metadata)
            node = _unwrap(field.annotation)
        elif typing.get_origin(node) is dict:
            marked, node = False, _unwrap(typing.get_args(node)[1])
        else:
            return False
    return marked or (isinstance(node, type) and issubclass(node, Strict) and node.merge_whole)


def override(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A new scenario with dotted key paths replaced, validated again (for levers, sweeps and
    calibration): ``override(s, {"policy.retirement.reform": False})``."""
    data = scenario.model_dump(mode="python", exclude_unset=False)
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for key in parents:
            node = node[_key(node, key, path)]
        node[_key(node, last, path)] = value
    return Scenario.model_validate(data)


def _key(node: dict, key: str, path: str):
    """``key`` as ``node`` holds it: a table keyed by ages or years holds ints."""
    if key in node:
        return key
    if key.isdigit() and int(key) in node:
        return int(key)
    raise KeyError(f"{path}: no such key in the scenario")


LATER_OPTIONAL = (
    ("uncertainty",),
    ("unemployment", "compliance"),
    ("work_injury", "compliance"),
    ("employee_pension", "special_early", "by_birth"),
)
"""Optional keys added after fits were made: left out of the canonical JSON when absent."""


def canonical_json(scenario: Scenario) -> str:
    """The validated scenario as JSON with sorted keys: the text that :func:`scenario_hash` hashes. An
    absent optional key of :data:`LATER_OPTIONAL` (the ``uncertainty`` block, which only acts in runs
    with draws; the compliance of unemployment and work-injury insurance; special early retirement by
    cohort) is left out, so the hashes of scenarios without it, and the fits made on them, are those of
    before the key existed."""
    data = scenario.model_dump(mode="json")
    for *parents, last in LATER_OPTIONAL:
        node = data
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get(last, 0) is None:
            del node[last]
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the validated scenario's canonical JSON: same inputs, same hash."""
    return hashlib.sha256(canonical_json(scenario).encode()).hexdigest()


def _message(err: dict[str, Any], loc: tuple[str, ...]) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return f"unknown key (expected one of: {', '.join(allowed)})" if allowed else "unknown key"
    if kind == "missing":
        return "missing required key (expected a value here)"
    if kind in ("value_error", "dated"):
        text = msg.removeprefix("Value error, ")
        return text if "(expected" in text else f"{text} (expected a valid value)"
    if kind == "finite_number":
        return f"{echo(err.get('input'))} is not a finite number (expected a number)"
    if kind.endswith(("_type", "_parsing")) or kind in {"literal_error", "string_pattern_mismatch"}:
        return f"wrong type or value {echo(err.get('input'))} (expected: {msg[0].lower() + msg[1:]})"
    return f"{msg} (got {echo(err.get('input'))})"


def _allowed_keys(loc: tuple[str, ...]) -> list[str]:
    """The keys the schema allows at ``loc`` (walks model fields; dict keys are skipped)."""
    model: Any = Scenario
    for part in loc:
        model = _field_model(model, part)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        if issubclass(model, Dated):
            return sorted(META_KEYS)
        return list(model.model_fields)
    return []


def _field_model(model: Any, part: str) -> Any:
    if isinstance(model, type) and issubclass(model, BaseModel):
        field = model.model_fields.get(part)
        return None if field is None else _unwrap(field.annotation)
    if typing.get_origin(model) is dict:
        return _unwrap(typing.get_args(model)[1])
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated to the model class or dict type inside."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def fitted_summary(files: typing.Sequence[Path]) -> str:
    """One line for the results' attributes: which fitted values were merged into the scenario.

    Only ``values`` of a fitted file enters the run; its ``fit`` section is a record of the
    targets met. A ``fit`` section that cannot be read (edited by hand, cut short) therefore does
    not stop the run: the line says so instead of giving the largest error."""
    if not files:
        return "none"
    parts = []
    for file in files:
        try:
            doc, _ = read_yaml(Path(file))
        except ScenarioError:
            doc = {}
        doc = doc if isinstance(doc, dict) else {}
        rows = doc.get("fit")
        readable = isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
        errors = [row.get("rel_error") for row in rows] if readable else []
        if not readable or not all(isinstance(e, (int, float)) and math.isfinite(e) for e in errors):
            summary = "fit record unreadable"
        else:
            worst = f", largest |rel. error| {max(map(abs, errors)):.2%}" if errors else ""
            summary = f"{len(errors)} targets{worst}"
        parts.append(f"{Path(file).name} ({shorten(str(doc.get('date', '?')), 20)}, {summary})")
    return "; ".join(parts)
