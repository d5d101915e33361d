"""Property: any mutation of a shipped scenario (types, deletions, extreme numbers, unicode,
truncation) is either valid or refused with exactly one clean line and exit code 2.

Deterministic (``derandomize``) with a bounded budget so that CI repeats a red run and this file
stays fast; the adversarial harness outside the repository runs the same kinds at scale."""

from __future__ import annotations

import copy
import math
import os
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from simulator.cli import app
from simulator.scenario.yamlio import _Loader
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
LINE = re.compile(r"^[^\n]+?:\d+: [^\n]+?: [^\n]+$")
BUDGET = settings(max_examples=30, derandomize=True, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FILES = {  # file -> the scenario to validate when it is mutated
    "jiangxi.yaml": "jiangxi.yaml",
    "national.yaml": "jiangxi.yaml",
    "jiangxi.fitted.yaml": "jiangxi.yaml",
    "lingyuan.yaml": "lingyuan.yaml",
}


def originals() -> dict[str, str]:
    texts = {name: (SCENARIOS / name).read_text(encoding="utf-8") for name in
             ("jiangxi.yaml", "jiangxi.fitted.yaml", "liaoning.yaml", "liaoning.fitted.yaml", "lingyuan.yaml",
              "lingyuan.fitted.yaml")}
    texts["national.yaml"] = (ROOT / "simulator" / "data" / "policy" / "national.yaml").read_text(encoding="utf-8")
    for name in ("jiangxi.yaml", "liaoning.yaml"):  # the policy file is mutable too
        texts[name] = texts[name].replace("extends: builtin:policy/national", "extends: national.yaml")
    return texts


ORIGINALS = originals()
TREES = {name: yaml.load(text, Loader=_Loader) for name, text in ORIGINALS.items()}  # parsed once


def leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, (*path, i))
    yield path


def set_at(data, path, value):
    for key in path[:-1]:
        data = data[key]
    if value is DELETE:
        del data[path[-1]]
    else:
        data[path[-1]] = value


DELETE = object()
EXTREMES = [math.nan, math.inf, -math.inf, 1e308, -1e308, -1, 0, 1e-320, 10**30, -(10**30), 2**63, True]
ODD = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.just(DELETE),
)


def dump(tree) -> str:
    return yaml.dump(tree, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10_000)


def check(tmp_path: Path, files: dict[str, str | bytes], entry: str) -> int:
    """Validate ``entry`` after writing ``files`` beside the originals; assert valid or one clean line."""
    base = tmp_path.parent / "originals"
    if not base.exists():
        base.mkdir()
        for name, content in ORIGINALS.items():
            (base / name).write_text(content, encoding="utf-8")
    for name in ORIGINALS:
        if name not in files:
            os.link(base / name, tmp_path / name)  # unchanged files: links, not copies
    for name, content in files.items():
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            (tmp_path / name).write_text(content, encoding="utf-8", errors="surrogatepass")
    result = runner.invoke(app, ["validate", str(tmp_path / entry)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        return 0
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and LINE.match(lines[0]), result.stderr[:2000]
    assert len(lines[0]) <= 1000 and not re.search(r"[\x00-\x1f\x7f]", lines[0]), lines[0][:300]
    return 2


@BUDGET
@given(data=st.data(), name=st.sampled_from(sorted(FILES)), value=ODD)
def test_a_value_replaced_or_deleted(tmp_path_factory, data, name, value) -> None:
    tree = copy.deepcopy(TREES[name])
    path = data.draw(st.sampled_from([p for p in leaves(tree) if p]))
    set_at(tree, path, value)
    text = dump(tree)
    check(tmp_path_factory.mktemp("m", numbered=True), {name: text}, FILES[name])


@BUDGET
@given(data=st.data(), name=st.sampled_from(sorted(FILES)), value=st.sampled_from(EXTREMES))
def test_a_number_made_extreme(tmp_path_factory, data, name, value) -> None:
    tree = copy.deepcopy(TREES[name])
    numbers = [p for p in leaves(tree) if p and isinstance(_get(tree, p), (int, float))
               and not isinstance(_get(tree, p), bool)]
    path = data.draw(st.sampled_from(numbers))
    set_at(tree, path, value)
    text = dump(tree)
    code = check(tmp_path_factory.mktemp("x"), {name: text}, FILES[name])
    record = name.endswith(".fitted.yaml") and path[0] != "values"  # only `values` is read (docs/scenario.md)
    if isinstance(value, float) and not math.isfinite(value) and not record:
        assert code == 2, f"{name}: {'.'.join(map(str, path))} = {value} accepted"


@BUDGET
@given(name=st.sampled_from(sorted(FILES)), text=st.text(min_size=1, max_size=40), where=st.floats(0, 1))
def test_unicode_inserted(tmp_path_factory, name, text, where) -> None:
    original = ORIGINALS[name]
    cut = int(where * len(original))
    check(tmp_path_factory.mktemp("u"), {name: original[:cut] + text + original[cut:]}, FILES[name])


@BUDGET
@given(name=st.sampled_from(sorted(FILES)), where=st.floats(0, 1))
def test_truncated(tmp_path_factory, name, where) -> None:
    raw = ORIGINALS[name].encode("utf-8")
    check(tmp_path_factory.mktemp("t"), {name: raw[: int(where * len(raw))]}, FILES[name])


def _get(data, path):
    for key in path:
        data = data[key]
    return data
