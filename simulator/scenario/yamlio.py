"""Read one YAML file into plain Python values plus the line of every key path.

Differences from ``yaml.safe_load``, all deliberate:
- duplicate keys in a mapping are an error (PyYAML keeps the last silently);
- dates are *not* converted: ``2019-05-01`` stays a string so that the schema can
  report a bad date with its line instead of PyYAML raising from deep inside;
- the result comes with ``lines``: ``{("policy", "employer_rate"): 12, ...}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from simulator.errors import ScenarioError

KeyPath = tuple[str, ...]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when installed: the same nodes, faster
    """SafeLoader without the implicit timestamp resolver."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def key_path_str(path: KeyPath) -> str:
    return ".".join(path) if path else "(root)"


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Return (mapping, lines) for a YAML file whose root must be a mapping."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, 1, "(root)", "file not found (expected an existing YAML file)") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(path, line, "(root)", f"file is not UTF-8 (byte {exc.start}: expected UTF-8 text)") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(path, line, "(root)", f"YAML syntax error: {problem} (expected valid YAML)") from None
    if node is None:
        raise ScenarioError(path, 1, "(root)", "file is empty (expected a mapping of scenario keys)")
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(
            path, node.start_mark.line + 1, "(root)", f"root is a {_kind(node)}, not a mapping (expected key: value pairs)"
        )
    lines: dict[KeyPath, int] = {(): 1}
    loader = _Loader("")
    return _build(node, (), lines, loader, path), lines


def _kind(node: yaml.Node) -> str:
    return {yaml.SequenceNode: "list", yaml.ScalarNode: "scalar"}.get(type(node), "mapping")


def _build(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], loader: _Loader, file: Path) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if isinstance(key, (dict, list)):
                raise ScenarioError(file, line, key_path_str(path), "a key must be a scalar (expected name: value)")
            child = (*path, str(key))
            if key in out:
                raise ScenarioError(
                    file, line, key_path_str(child), f"duplicate key (first defined on line {lines[child]}; expected each key once)"
                )
            lines[child] = line
            out[key] = _build(value_node, child, lines, loader, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = (*path, str(i))
            lines[child] = item.start_mark.line + 1
            items.append(_build(item, child, lines, loader, file))
        return items
    return loader.construct_object(node)
