"""The sweep file: which runs to make, as a strict schema (see docs/sweep.md).

    name: jiangxi_reform_grid
    description: ...
    regions: [../jiangxi.yaml, ../liaoning.yaml]       # axis `region` (the scenarios' region.id)
    scenarios:                                         # axis `scenario`: with regions, changes to each
      current_law: {}
      pre_reform: {policy.retirement.reform: false}
    levers:                                            # one axis per lever, crossed with each other
      indexation:
        key: policy.employee_pension.indexation.then.wage
        values: [0.4, 0.5, 0.6]
    draws: {seed: 1, per_block: 100, blocks: 10}       # axis `draw` (stochastic runs)
    variables: [balance, contributors]                  # keep these outputs only

Without ``regions``, ``scenarios`` names scenario files. A lever moves one key (``key`` and
``values``) or several together (``keys``: key path -> values, equal lengths, with ``labels``).

Errors are :class:`simulator.errors.ScenarioError`: ``file:LINE: key.path: message``. Only the
shape of the file is checked here; :mod:`simulator.sweep.plan` checks every value against the
scenario schema.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError, model_validator

from simulator.dims import AGE, DRAW, GROUP, QUANTILE, REGION, SCHEME, SERVICE, SEX, YEAR
from simulator.errors import ScenarioError
from simulator.scenario.extends import Origins, locate
from simulator.scenario.params import Strict
from simulator.scenario.yamlio import read_yaml
from simulator.variables import VARIABLES

SCENARIO = "scenario"
FINISHED = "finished"
KEY_PATH = r"^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_]+)*$"
NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# names a lever may not take: the outputs' own dims and variables, and the sweep's
RESERVED = {DRAW, YEAR, SCHEME, GROUP, SEX, AGE, SERVICE, REGION, QUANTILE, SCENARIO, FINISHED, "seed", "block"}
RESERVED |= {"scenario_sha256"} | set(VARIABLES)

Label = StrictBool | StrictInt | StrictFloat | StrictStr


def _lever_name(name: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"lever name {name!r} is not a lowercase identifier (expected e.g. employer_rate)")
    if name in RESERVED:
        raise ValueError(f"lever name {name!r} is taken by a dimension or an output variable (expected another name)")
    return name


def _known_variable(name: str) -> str:
    if name not in VARIABLES:
        raise ValueError(f"unknown output variable {name!r} (expected a name of docs/outputs.md, e.g. balance)")
    return name


def _kind(label: Any) -> str:
    return "boolean" if isinstance(label, bool) else "number" if isinstance(label, (int, float)) else "string"


class Lever(Strict):
    """One axis of levers: ``key`` and ``values``, or ``keys`` (zipped: they move together)."""

    key: str | None = Field(None, pattern=KEY_PATH, description="dotted key path in the scenario")
    values: list[Any] | None = Field(None, min_length=1, description="the values the key takes, one per position")
    keys: dict[Annotated[str, Field(pattern=KEY_PATH)], list[Any]] | None = Field(
        None, min_length=1, description="key path -> values (equal lengths): zipped keys"
    )
    labels: list[Label] | None = Field(None, min_length=1, description="the axis' coordinate, one per position")
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Lever:
        if (self.key is None) != (self.values is None):
            raise ValueError("key and values go together (expected both, or keys instead)")
        if (self.key is None) == (self.keys is None):
            raise ValueError("give key and values, or keys (expected one of the two forms)")
        lengths = {len(v) for v in self.changes().values()}
        if len(lengths) != 1 or 0 in lengths:
            raise ValueError("the keys have lists of different lengths (expected one value per position for every key)")
        n = lengths.pop()
        if self.labels is None:
            if self.keys is not None or not all(isinstance(v, (bool, int, float, str)) for v in self.values or []):
                raise ValueError("labels are needed for zipped keys or values that are not single numbers, booleans or strings (expected labels: [...])")
            labels = list(self.values or [])
        else:
            labels = list(self.labels)
        if len(labels) != n:
            raise ValueError(f"{len(labels)} labels for {n} values (expected one label per value)")
        if len({_kind(x) for x in labels}) != 1:
            raise ValueError("labels mix numbers, booleans and strings (expected one kind)")
        if len(set(labels)) != n:
            raise ValueError("a label repeats (expected distinct values or labels)")
        return self

    def changes(self) -> dict[str, list[Any]]:
        """Key path -> its values, for one key or zipped keys."""
        return {self.key: list(self.values or [])} if self.key is not None else dict(self.keys or {})

    def coordinate(self) -> list[Any]:
        return list(self.labels) if self.labels is not None else list(self.values or [])

    def __len__(self) -> int:
        return len(self.coordinate())


class Draws(Strict):
    """Stochastic draws in blocks: one task per block; block b's seed is derived from ``seed`` and b."""

    seed: int = Field(ge=0, lt=2**63, description="seed of the whole sweep")
    per_block: int = Field(ge=1, le=1_000_000, description="draws in one task")
    blocks: int = Field(ge=1, le=100_000, description="tasks per run")


class SweepSpec(Strict):
    name: str = Field(pattern=NAME)
    description: str = ""
    regions: list[str] | None = Field(None, min_length=1, description="scenario files, one per region")
    scenarios: dict[Annotated[str, Field(pattern=NAME)], Any] | None = Field(
        None, min_length=1, description="scenario files (no regions) or changes applied to each region"
    )
    levers: dict[Annotated[str, AfterValidator(_lever_name)], Lever] = Field(default_factory=dict)
    draws: Draws | None = None
    variables: list[Annotated[str, AfterValidator(_known_variable)]] | None = Field(None, min_length=1)


def load_spec(path: str | Path) -> tuple[SweepSpec, Origins]:
    """Read and check the shape of a sweep file; the origins give every key path's line."""
    path = Path(path)
    data, lines = read_yaml(path)
    origins: Origins = {k: (path, line) for k, line in lines.items()}
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        err = sorted(exc.errors(include_url=False), key=lambda e: e["type"] == "missing")[0]
        loc = tuple(str(p) for p in err["loc"] if p != "[key]")
        raise error(origins, loc, _message(err, loc)) from None
    where = origins[()][0]
    if spec.regions is None and spec.scenarios is None:
        raise ScenarioError(where, 1, "(root)", "nothing to run (expected regions: [...] or scenarios: {...})")
    if len(set(spec.variables or [])) != len(spec.variables or []):
        raise error(origins, ("variables",), "a variable repeats (expected each once)")
    return spec, origins


def error(origins: Origins, loc: tuple[str, ...], message: str) -> ScenarioError:
    """A ScenarioError at the line of ``loc`` in the sweep file (or of its nearest parent)."""
    file, line, key_path = locate(origins, loc)
    return ScenarioError(file, line, key_path, message)


def _message(err: dict[str, Any], loc: tuple[str, ...]) -> str:
    kind, msg = err["type"], err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        model = Lever if loc[:1] == ("levers",) and len(loc) == 3 else Draws if loc[:1] == ("draws",) else SweepSpec
        return f"unknown key (expected one of: {', '.join(model.model_fields)})"
    if kind == "missing":
        return "missing required key (expected a value here)"
    if kind == "value_error":
        return msg if "(expected" in msg else f"{msg} (expected a valid value)"
    return f"wrong type or value {err.get('input')!r} (expected: {msg[0].lower() + msg[1:]})"
