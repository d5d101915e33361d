"""The layers of docs/architecture.md hold: a module imports only from its own layer or those below
it, and nothing inside the package imports the package root (``import simulator``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "simulator"
# top first; a module's layer is the first whose prefix matches its dotted name
LAYERS = [
    ("interface", ("simulator.cli", "simulator.__init__")),
    ("drivers", ("simulator.sweep", "simulator.uncertainty")),
    ("calibrate", ("simulator.calibrate",)),
    ("io", ("simulator.io",)),
    ("kernels", ("simulator.model.kernels",)),  # listed before model so that the prefix picks it
    ("model", ("simulator.model",)),
    ("scenario", ("simulator.scenario",)),
    ("vocabulary", ("simulator.errors", "simulator.files", "simulator.version", "simulator.dims", "simulator.variables")),
]
ORDER = ["interface", "drivers", "calibrate", "io", "model", "scenario", "kernels", "vocabulary"]


def layer(module: str) -> str:
    for name, prefixes in LAYERS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    raise AssertionError(f"{module} is in no layer of docs/architecture.md: add it to one")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in ``path``, those inside functions included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "simulator"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "simulator":
            if node.module == "simulator":
                out += [(node.lineno, f"simulator.{a.name}") if a.name in SUBMODULES else (node.lineno, "simulator") for a in node.names]
            else:
                out.append((node.lineno, node.module))
    return out


SUBMODULES = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
FILES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    here = module_name(path)
    mine = ORDER.index(layer(here))
    for line, target in imports(path):
        if target == "simulator":
            assert layer(here) == "interface", f"{path.name}:{line}: imports the package root from inside"
            continue
        theirs = ORDER.index(layer(target))
        assert theirs >= mine, f"{path.relative_to(ROOT)}:{line}: {here} ({ORDER[mine]}) imports {target} ({ORDER[theirs]})"


def test_the_check_sees_a_violation(tmp_path) -> None:
    """The checker itself: an upward import and a root import are found."""
    bad = tmp_path / "bad.py"
    bad.write_text("import simulator\nfrom simulator.io.tables import fmt_number\n")
    assert [t for _, t in imports(bad)] == ["simulator", "simulator.io.tables"]
    assert ORDER.index(layer("simulator.io.tables")) < ORDER.index(layer("simulator.model.fund"))
    assert layer("simulator.model.kernels.population") == "kernels"
    assert ORDER.index("kernels") > ORDER.index("scenario")
