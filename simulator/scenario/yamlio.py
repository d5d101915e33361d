"""Read one YAML file into plain Python values plus the line of every key path.

Differences from ``yaml.safe_load``, all deliberate:
- duplicate keys in a mapping are an error (PyYAML keeps the last silently);
- dates are *not* converted: ``2019-05-01`` stays a string so that the schema can
  report a bad date with its line instead of PyYAML raising from deep inside;
- merge keys (``<<``) and explicit tags (``!foo``, ``!!python/...``, ``!!str``) are errors:
  a scenario is plain data, and what a key means must be visible where it is written;
- numbers must be finite: ``.nan``, ``.inf`` and ``1e999`` are errors wherever they are written
  (also in a part of a file that the run does not read, and in a value that a child overrides);
- text may not hold control characters (other than tab and line breaks) or lone surrogates;
- the limits below keep a hostile file from taking the machine (an alias bomb, deep nesting,
  a file that never ends); each gives a one-line error;
- the result comes with ``lines``: ``{("policy", "employer_rate"): 12, ...}``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent

from simulator.errors import ScenarioError, echo
from simulator.files import FileProblem, read_user_file

KeyPath = tuple[str, ...]

MAX_FILE_BYTES = 1_048_576
"""Largest scenario or fitted-values file (1 MiB; the shipped scenarios are under 30 kB)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings and lists (the scenario schema needs 7)."""
MAX_ALIASES = 100
"""Most alias uses (``*name``) in one file."""
MAX_ALIAS_VALUES = 10_000
"""Most values that aliases may expand to in one file (an alias of a list of 9 counts 10)."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class _Limit(Exception):
    """A limit of the composer, raised at ``mark``; turned into a ScenarioError by read_yaml."""

    def __init__(self, mark: Any, message: str):
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else 1
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp resolver, refusing explicit tags, and with
    limits on nesting depth and aliases."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(event.start_mark, f"more than {MAX_ALIASES} aliases (*name) in one file (expected fewer)")
            return super().compose_node(parent, index)
        if event.tag not in (None, "!"):
            raise _Limit(event.start_mark, f"explicit tag {echo(event.tag)} (expected plain YAML values without tags)")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Limit(event.start_mark, f"nested more than {MAX_DEPTH} levels deep (expected a flatter structure)")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.2 reads 1e6 as a number; PyYAML (YAML 1.1) as text unless it has a dot (1.0e6).
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def key_path_str(path: KeyPath) -> str:
    return ".".join(path) if path else "(root)"


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Return (mapping, lines) for a YAML file whose root must be a mapping."""
    try:
        raw = read_user_file(path, MAX_FILE_BYTES)
    except FileProblem as exc:
        raise ScenarioError(path, 1, "(root)", f"cannot read: {exc} (expected a YAML file)") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(path, line, "(root)", f"file is not UTF-8 (byte {exc.start}: expected UTF-8 text)") from None
    loader = None
    try:
        loader = _Loader(text)  # the reader checks the characters here already
        node = loader.get_single_node()
    except _Limit as exc:
        raise ScenarioError(path, exc.line, "(root)", exc.message) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        if isinstance(exc, yaml.reader.ReaderError):
            line = text[: exc.position].count("\n") + 1
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise ScenarioError(path, line, "(root)", f"YAML syntax error: {problem} (expected valid YAML)") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise ScenarioError(path, 1, "(root)", "file is empty (expected a mapping of scenario keys)")
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(
            path, node.start_mark.line + 1, "(root)", f"root is a {_kind(node)}, not a mapping (expected key: value pairs)"
        )
    lines: dict[KeyPath, int] = {(): 1}
    return _Builder(path, lines).build(node, ()), lines


def _kind(node: yaml.Node) -> str:
    return {yaml.SequenceNode: "list", yaml.ScalarNode: "scalar"}.get(type(node), "mapping")


class _Builder:
    """Nodes -> plain values, recording the line of every key path; counts what aliases expand to."""

    def __init__(self, file: Path, lines: dict[KeyPath, int]):
        self.file, self.lines = file, lines
        self.constructor = _Loader("")
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.alias_values = 0

    def build(self, node: yaml.Node, path: KeyPath, via_alias: bool = False) -> Any:
        via_alias = via_alias or id(node) in self.seen
        if via_alias:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                self._fail(node, path, f"aliases expand to more than {MAX_ALIAS_VALUES:,} values (expected fewer)")
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.active:
            self._fail(node, path, "an alias refers to a value that contains it (expected no recursive aliases)")
        self.active.add(id(node))
        try:
            return self._mapping(node, path, via_alias) if isinstance(node, yaml.MappingNode) else self._list(node, path, via_alias)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, via_alias: bool) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                self._fail(key_node, path, "merge key << (expected the keys written out; extends: shares a whole file)")
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, path, "a key must be a scalar (expected name: value)")
            key = self._scalar(key_node, path)
            child = (*path, str(key))
            if key in out:
                first = self.lines.get(child, line)
                self._fail(key_node, child, f"duplicate key (first defined on line {first}; expected each key once)")
            self.lines.setdefault(child, line)
            out[key] = self.build(value_node, child, via_alias)
        return out

    def _list(self, node: yaml.SequenceNode, path: KeyPath, via_alias: bool) -> list[Any]:
        items = []
        for i, item in enumerate(node.value):
            child = (*path, str(i))
            self.lines.setdefault(child, item.start_mark.line + 1)
            items.append(self.build(item, child, via_alias))
        return items

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._fail(node, path, f"cannot read {echo(node.value)}: {problem} (expected a number or text)")
        if isinstance(value, float) and not math.isfinite(value):
            self._fail(node, path, f"{echo(node.value)} is not a finite number (expected a number)")
        if isinstance(value, str) and (bad := _BAD_TEXT.search(value)):
            self._fail(node, path, f"text holds the control character or lone surrogate {echo(bad[0])} (expected printable text)")
        return value

    def _fail(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        raise ScenarioError(self.file, node.start_mark.line + 1, key_path_str(path), message)
