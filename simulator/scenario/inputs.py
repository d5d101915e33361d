"""Every input of a scenario with its value, where it is written, its source text and its status:

    source        the scenario cites a source for it
    fitted        its value comes from the fitted-value file of ``sim calibrate`` (a parameter the
                  calibration declares: the file holds only those), whatever its text says
    provisional   its source text says PROVISIONAL: a placeholder until a figure is found
    assumption    its source text starts with "Assumption" ("DERIVED, assumption", "Balance: assumption"),
                  or it has none, or it is not set in the scenario (the schema's default)

Nothing is added to the scenario files: the status is read from what they hold. The source text of an
input is, in this order, its own ``source`` and ``note`` (a dated parameter's, or a ``*_source`` key
beside it), the comments on its lines, the comment block right below it (when nothing else documents
it) or right above it, else the ``source`` of the block it sits in (e.g. ``initial.source`` for
``initial.balance``).

    for item in scenario_inputs(scenario, origins, fitted):
        print(item.key, item.value, item.status, item.source)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simulator.scenario.params import META_KEYS
from simulator.scenario.schema import Scenario

STATUSES = ("source", "fitted", "assumption", "provisional")
SKIP = {"name", "description", "region", "base_year", "horizon", "calibration", "extends"}
UPRATING = {"wage", "prices", "fixed"}
DEFAULT = "not set in the scenario: the schema's default (docs/scenario.md)"
SHARED = ("economy", "labour", "demography", "policy.retirement")  # blocks every scheme reads
_ASSUMPTION = re.compile(r"^\W*(derived,\s*)?assum|^[^.;]{0,60}?:\s*assum", re.IGNORECASE)  # "Assumption: ...", "Balance: assumption ..."
_COMMENT = re.compile(r"(?:^|\s)#\s?(.*)$")
_HEADER = re.compile(r"^\s*#\s*-{3,}")
_SENTENCE = re.compile(r"(?<=\.)\s+")  # between the sentences of a source text

KeyPath = tuple[str, ...]


@dataclass(frozen=True)
class Input:
    key: str  # dotted key path
    value: str  # the value as written (a dated parameter: its schedule)
    status: str  # one of STATUSES
    source: str  # the source text ("" when there is none)
    file: str
    line: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def status_of(source: str, fitted: bool = False, about: str | None = None) -> str:
    """The status of an input from its source text and whether a fitted file gives its value (a fitted
    value is fitted whatever its text says: "PROVISIONAL until calibration" describes the value before).
    ``about``: the input's key when the text is its block's (``initial.source`` for ``initial.dormant``):
    a sentence of it that names the key ("Service density 1.0 (assumption: ...)") and says PROVISIONAL
    or assumption decides for that input."""
    if fitted:
        return "fitted"
    if about:
        named = [s for s in _SENTENCE.split(source) if about.replace("_", " ").lower() in s.lower()]
        if any("PROVISIONAL" in s for s in named):
            return "provisional"
        if any("assum" in s.lower() for s in named):
            return "assumption"
    if "PROVISIONAL" in source:
        return "provisional"
    if not source.strip() or _ASSUMPTION.match(source):
        return "assumption"
    return "source"


def scenario_inputs(scenario: Scenario, origins: dict[KeyPath, tuple[Path, int]], fitted: Sequence[Path] = ()) -> list[Input]:
    """The inputs of ``scenario`` (validated; ``origins`` and ``fitted`` as
    :func:`simulator.scenario.load.load_with_origins` returns them), in the order of the scenario."""
    fitted_files = {Path(f).resolve() for f in fitted}
    data = scenario.model_dump(mode="json")
    found: list[tuple[KeyPath, Any, str]] = []
    for key, value in data.items():
        if key not in SKIP and value is not None:
            _walk((key,), value, found, "")
    texts = _Texts(origins, fitted_files)
    in_fitted = {f: Path(f).resolve() in fitted_files for f in {f for f, _ in origins.values()}}
    written_under = _prefixes(origins)  # a key path with some key written at or below it
    fitted_under = _prefixes([p for p, (f, _) in origins.items() if in_fitted[f]])
    out = []
    for path, value, own in found:
        file, line = texts.where(path)
        is_fitted, written = path in fitted_under, path in written_under
        documented = _join(own, texts.comments(path, bool(own)))
        source = (documented or texts.inherited(path, data)) if written else DEFAULT
        status = "assumption" if not written else status_of(source, is_fitted, None if documented else path[-1])
        out.append(Input(".".join(path), _value_text(value), status, source, str(file), line))
    return out


def _prefixes(paths) -> set[KeyPath]:
    """Every leading part of each key path (the path itself included)."""
    return {path[:n] for path in paths for n in range(1, len(path) + 1)}


def moves_headline(key: str, schemes: Sequence[str]) -> bool:
    """Whether an input moves a figure of the headline table, which shows every scheme of the run: true
    for the inputs of a scheme shown (``SCHEME.*``, ``policy.SCHEME.*``) and of the blocks every scheme
    reads (economy, labour, demography, the retirement rules). Every key of a scenario is read by the run
    (tests/test_every_key_read.py), so such an input changes the scheme's people or money."""
    return key.startswith(SHARED) or any(key.startswith((f"{s}.", f"policy.{s}.")) for s in schemes)


def _walk(path: KeyPath, value: Any, found: list, inherited: str) -> None:
    """Collect (path, value, own source text) of every input under ``path``."""
    if isinstance(value, dict) and "values" in value and set(value) <= META_KEYS:
        found.append((path, value, _join(value.get("source"), value.get("note"))))
        return
    if isinstance(value, dict) and value and all(not isinstance(v, (dict, list)) for v in value.values()) and (
        all(_is_number_key(k) for k in value) or set(value) <= UPRATING
    ):
        found.append((path, value, ""))  # a table by age, tier, grade, group ...; an uprating rule
        return
    if isinstance(value, dict):
        notes = {k.removesuffix("_source"): v for k, v in value.items() if k.endswith("_source") and isinstance(v, str)}
        for key, child in value.items():
            if key in META_KEYS or key.endswith("_source") or child is None:
                continue
            size = len(found)
            _walk((*path, key), child, found, "")
            own = next((text for stem, text in notes.items() if stem in key), "")
            if own:
                for i in range(size, len(found)):
                    found[i] = (*found[i][:2], found[i][2] or own)
        return
    found.append((path, value, ""))


def _is_number_key(key: str) -> bool:
    return bool(re.fullmatch(r"\d+|M60|F55|F50", str(key)))


def _join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _value_text(value: Any) -> str:
    """A value for reading: numbers as written, a dated parameter as 'date: value; ...' with its rule."""
    if isinstance(value, dict) and "values" in value and set(value) <= META_KEYS:
        dated = "; ".join(f"{str(d)[:10].removesuffix('-01-01')}: {_number(v)}" for d, v in value["values"])
        extra = [value["interpolation"]] if value.get("interpolation") == "linear" else []
        if value.get("uprating"):
            extra.append("then " + ", ".join(f"{k} x {_number(v)}" for k, v in value["uprating"].items() if v))
        return dated + (f" ({'; '.join(extra)})" if extra else "")
    if isinstance(value, dict) and set(value) <= UPRATING:
        return ", ".join(f"{k} x {_number(v)}" for k, v in value.items() if v) or "none"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_number(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return ", ".join(map(_number, value))
    return _number(value)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.6g}"


# ---------------------------------------------------------------- the files' comments


def _read_lines(file: Path) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except OSError:
        return ()


def _find(lines: tuple[str, ...], path: KeyPath) -> int:
    """The line of ``path`` written in block style in a file's ``lines`` (0 if it is not there): each key
    among the children of the one before it (the lines below it at the indentation of its first child)."""
    start, parent = 0, -1
    for key in path:
        child, found = None, 0
        for i, text in _content(lines, start):
            if _indent(text) <= parent:
                break
            child = _indent(text) if child is None else child
            if _indent(text) == child and re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*:", text):
                found = i + 1
                break
        if not found:
            return 0
        start, parent = found, child
    return found


def _content(lines: tuple[str, ...], start: int):
    """(index, line) of the lines from ``start`` on that hold YAML, not a blank or a comment."""
    for i in range(start, len(lines)):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            yield i, lines[i]


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _is_comment(text: str) -> bool:
    return text.lstrip().startswith("#") and not _HEADER.match(text)


def _inline(text: str) -> str:
    """The comment at the end of a line of YAML ('' if none; a '#' inside quotes is not one)."""
    if text.lstrip().startswith("#"):
        return ""
    for found in _COMMENT.finditer(text):
        before = text[: found.start()]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return found.group(1).strip()
    return ""


class _Texts:
    """Where each input is written in the scenario's own files (not the fitted ones) and its comments."""

    def __init__(self, origins: dict[KeyPath, tuple[Path, int]], fitted: set[Path]) -> None:
        own = {f: Path(f).resolve() not in fitted for f in {f for f, _ in origins.values()}}
        self.origins = {k: v for k, v in origins.items() if own[v[0]]}
        self.files_under: dict[KeyPath, set[Path]] = {}  # the files that write some key at or below a path
        for key, (file, _) in self.origins.items():
            for n in range(1, len(key) + 1):
                self.files_under.setdefault(key[:n], set()).add(Path(file))
        self.texts: dict[Path, tuple[str, ...]] = {}  # each file read once per call, as it is now

    def lines(self, file: Path) -> tuple[str, ...]:
        if file not in self.texts:
            self.texts[file] = _read_lines(file)
        return self.texts[file]

    def where(self, path: KeyPath) -> tuple[Path | str, int]:
        """The file and line of ``path``'s key (for a key only a fitted file set, the line of its first
        written descendant's parent key; else of the nearest ancestor written)."""
        if path in self.origins:
            return self.origins[path]
        for n in range(len(path), 0, -1):  # the scenario file holds it too, a fitted file gave its value
            for file in sorted(self.files_under.get(path[:n], ())):
                line = _find(self.lines(file), path)
                if line:
                    return file, line
        return "", 0

    def comments(self, path: KeyPath, documented: bool = False) -> str:
        """Comments on the input's lines; the comment block right below it when nothing else documents it
        (``documented``: it has a source of its own); the block right above it when that block is not
        the key above's (:meth:`_opens`)."""
        file, line = self.where(path)
        if not file or path not in self.files_under:
            return ""
        file = Path(file)
        lines = self.lines(file)
        indent = _indent(lines[line - 1])
        end = self._end(lines, line)
        own = _join(*(_inline(lines[i]) for i in range(line - 1, end) if not _is_comment(lines[i])))
        below = "" if own or documented else self._block(lines, end, +1, indent)
        above = self._block(lines, line - 2, -1, indent)
        if above and not self._opens(lines, line - 1 - len(above.splitlines())):
            above = ""
        return _join(own, below, above)

    @staticmethod
    def _end(lines: tuple[str, ...], line: int) -> int:
        """The last line of the input's own text: the lines below its key that are indented further (its
        value, its metadata, a flow mapping's continuation), comments not counted."""
        indent, stop = _indent(lines[line - 1]), line
        for i, text in _content(lines, line):
            if _indent(text) <= indent:
                break
            stop = i + 1
        return stop

    @staticmethod
    def _block(lines: tuple[str, ...], start: int, step: int, indent: int) -> str:
        """The comment lines from ``start`` (0-based) going ``step``, contiguous, none of them a header,
        indented at least ``indent`` below an input or exactly ``indent`` above one."""
        found = []
        i = start
        while 0 <= i < len(lines) and _is_comment(lines[i]):
            if (step > 0 and _indent(lines[i]) < indent) or (step < 0 and _indent(lines[i]) != indent):
                break
            found.append(lines[i].strip().lstrip("#").strip())
            i += step
        if step < 0:
            found.reverse()
        return "\n".join(found)

    @staticmethod
    def _opens(lines: tuple[str, ...], first: int) -> bool:
        """Whether the comment block just above an input (its first line ``first``, 0-based) is the
        input's: it follows a blank line, a section header, the parent key or the file's start, or the key
        above it has its own comment or source (so the block is not about that key, whose comments
        follow it)."""
        prev = first - 1
        if prev < 0 or not lines[prev].strip() or _HEADER.match(lines[prev]):
            return True
        if lines[prev].rstrip().endswith(":") and _indent(lines[prev]) < _indent(lines[first]):
            return True  # the parent key: the block opens its mapping
        if _inline(lines[prev]):
            return True
        # the key above ended with its own source text (a dated parameter's ``source:`` or ``note:``)
        for i in range(prev, -1, -1):
            stripped = lines[i].strip()
            if re.match(r"^(source|note|\w+_source)\s*:", stripped):
                return True
            if _indent(lines[i]) <= _indent(lines[first]) and not _is_comment(lines[i]):
                return False
        return False

    def inherited(self, path: KeyPath, data: dict) -> str:
        """The ``source`` (and ``note``) of the innermost block around ``path`` that has one."""
        nodes = [data]
        for key in path[:-1]:
            nodes.append(nodes[-1].get(key) if isinstance(nodes[-1], dict) else None)
        for node in reversed(nodes[1:]):
            if isinstance(node, dict) and (node.get("source") or node.get("note")):
                return _join(node.get("source"), node.get("note"))
        return ""
