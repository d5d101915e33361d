"""pytest-benchmark settings for the suite: ``--bench-quick`` picks small sizes and few rounds.

Run from the repository root (pytest's default testpaths is ``tests``, so name this folder)::

    python -m pytest benchmarks/ --benchmark-only [--bench-quick]
    python benchmarks/run.py [--quick] --json OUT.json      # the same, as a table and JSON records
"""

from __future__ import annotations

import pytest

from benchmarks import cases


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("simulator benchmarks")
    group.addoption("--bench-quick", action="store_true", default=False, help="small sizes and few rounds (minutes)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    quick = metafunc.config.getoption("--bench-quick")
    if "kernel_case" in metafunc.fixturenames:
        plan = cases.kernel_plan(quick)
        metafunc.parametrize("kernel_case", plan, ids=[c.id for c in plan])
    if "triad_case" in metafunc.fixturenames:
        plan = cases.triad_plan(quick, cases.numba_threads())
        metafunc.parametrize("triad_case", plan, ids=[c.id for c in plan])


@pytest.fixture(scope="session")
def quick(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--bench-quick"))
