"""Sweep files without a cluster: every bad-input class (one line, exit 2, nothing written), the
expansion into tasks, task keys and block seeds, the combination of results, the worker check."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from simulator.cli import app
from simulator.scenario.load import load_scenario, override
from simulator.sweep import task as task_module
from simulator.sweep.cluster import describe_mismatches
from simulator.sweep.combine import combine
from simulator.sweep.plan import Axis, Plan, plan
from simulator.sweep.task import block_seed, task_key
from tests.conftest import FIXTURES, ROOT, SCENARIOS

BAD = FIXTURES / "sweeps" / "bad"

# (fixture, file the line is in ("" = the fixture), line, key path, words the message must contain)
CASES = [
    ("unknown_key.yaml", "", 4, "levrs", ["unknown key", "levers"]),
    ("duplicate_key.yaml", "", 3, "name", ["duplicate key", "line 1"]),
    ("wrong_type.yaml", "", 6, "levers.reform.values", ["True", "valid list"]),
    ("nothing_to_run.yaml", "", 1, "(root)", ["nothing to run", "regions"]),
    ("missing_file.yaml", "", 4, "regions.1", ["no_such_region.yaml", "not found"]),
    ("duplicate_region.yaml", "", 4, "regions.1", ["'jiangxi' is listed twice"]),
    ("bad_scenario_file.yaml", "tests/fixtures/bad/rate_out_of_range.yaml", 8,
     "policy.employee_pension.employer_rate.2019-05-01", ["outside [0, 1]"]),
    ("lever_value_refused.yaml", "", 8, "levers.employer_rate.values.1", ["scenario schema", "rate 1.5", "outside [0, 1]"]),
    ("lever_key_unknown.yaml", "", 5, "levers.reform.key", ["no key policy.retirement.reforms", "jiangxi"]),
    ("lever_name_taken.yaml", "", 4, "levers.balance", ["'balance' is taken"]),
    ("zipped_lengths.yaml", "", 4, "levers.rates", ["different lengths"]),
    ("zipped_without_labels.yaml", "", 4, "levers.rates", ["labels are needed"]),
    ("repeated_value.yaml", "", 4, "levers.indexation", ["a label repeats"]),
    ("scenario_file_with_regions.yaml", "", 4, "scenarios.pre_reform", ["set of changes", "mapping"]),
    ("scenario_change_refused.yaml", "", 6, "scenarios.cut.policy.employee_pension.employer_rate", ["rate -0.1"]),
    ("unknown_variable.yaml", "", 5, "variables.1", ["'balanse'", "docs/outputs.md"]),
    ("bad_draws.yaml", "", 5, "draws.per_block", ["greater than or equal to 1"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "where", "line", "key_path", "words"), CASES)
def test_bad_sweep_one_line_exit_2(name: str, where: str, line: int, key_path: str, words: list[str], tmp_path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(BAD / name), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    file_part, line_part, key_part, message = lines[0].split(":", 3)
    assert file_part == (where or str((BAD / name).relative_to(ROOT)))
    assert int(line_part) == line
    assert key_part.strip() == key_path
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert not out.exists()


def test_every_bad_sweep_fixture_is_covered() -> None:
    covered = {c[0] for c in CASES}
    assert {p.name for p in BAD.glob("*.yaml")} == covered


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], ["--workers or --scheduler, not both"]),
        (["--workers", "0"], ["--workers", "greater than or equal to 1"]),
    ],
)
def test_bad_options_one_line_exit_2(args: list[str], words: list[str], tmp_path) -> None:
    result = CliRunner().invoke(app, ["sweep", str(SCENARIOS / "sweeps" / "regions.yaml"), "-o", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and all(w in result.stderr for w in words), result.stderr
    assert not (tmp_path / "o").exists()


def test_folder_of_other_files_is_refused_untouched(tmp_path) -> None:
    """A non-empty folder that is not this sweep's: refused before anything runs, nothing changed."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = CliRunner().invoke(app, ["sweep", str(SCENARIOS / "sweeps" / "regions.yaml"), "-o", str(out)])
    assert result.exit_code == 2
    assert "holds files of no sweep" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"


def test_reform_grid_plan() -> None:
    """2 reform values x 3 indexation values on one scenario: 6 tasks in axis order, each scenario the
    base with the two keys replaced; reform off equals the shipped pre-reform scenario's policy."""
    the_plan = plan(SCENARIOS / "sweeps" / "jiangxi_reform_grid.yaml")
    assert [(a.name, a.labels) for a in the_plan.axes] == [
        ("scenario", ("jiangxi",)),
        ("reform", (True, False)),
        ("indexation", (0.4, 0.5, 0.6)),
    ]
    assert [t.index for t in the_plan.tasks] == [(0, r, i) for r in range(2) for i in range(3)]
    base = load_scenario(SCENARIOS / "jiangxi.yaml")
    for task in the_plan.tasks:
        reform, indexation = task.coords[1][1], task.coords[2][1]
        assert task.scenario == override(
            base, {"policy.retirement.reform": reform, "policy.employee_pension.indexation.then.wage": indexation}
        )
    off = next(t for t in the_plan.tasks if t.coords[1:] == (("reform", False), ("indexation", 0.5)))
    assert off.scenario.policy == load_scenario(SCENARIOS / "jiangxi_pre_reform.yaml").policy
    assert the_plan.axes[1].attrs["key_path"] == "policy.retirement.reform"


def test_regions_plan_crossed_with_scenario_changes(tmp_path) -> None:
    """regions x scenarios (change sets): region outermost, each set applied to each region."""
    spec = tmp_path / "s.yaml"
    spec.write_text(
        f"name: s\nregions: [{SCENARIOS / 'jiangxi.yaml'}, {SCENARIOS / 'lingyuan.yaml'}]\n"
        "scenarios:\n  current_law: {}\n  pre_reform: {policy.retirement.reform: false}\n"
    )
    the_plan = plan(spec)
    assert [t.coords for t in the_plan.tasks] == [
        (("region", r), ("scenario", s)) for r in ("jiangxi", "lingyuan") for s in ("current_law", "pre_reform")
    ]
    assert [t.scenario.policy.retirement.reform for t in the_plan.tasks] == [True, False, True, False]
    assert the_plan.tasks[0].scenario == load_scenario(SCENARIOS / "jiangxi.yaml")  # no change: the file itself


def test_task_key_names_inputs_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    base = load_scenario(SCENARIOS / "jiangxi.yaml")
    key = task_key(base, None, None, None)
    assert key == task_key(override(base, {}), None, None, None)  # same inputs, same key
    assert key != task_key(override(base, {"policy.retirement.reform": False}), None, None, None)
    assert key != task_key(base, None, None, ("balance",))
    assert key != task_key(base, 7, 100, None)
    monkeypatch.setattr(task_module, "__version__", "0.0.0-other")
    assert key != task_key(base, None, None, None)


def test_block_seeds_are_seedsequence_children() -> None:
    """Block b's seed is child b of SeedSequence(seed).spawn(): reproducible and distinct."""
    children = np.random.SeedSequence(20250101).spawn(4)
    want = [int(c.generate_state(1, dtype=np.uint64)[0]) for c in children]
    assert [block_seed(20250101, b) for b in range(4)] == want
    assert len(set(want)) == 4


def test_worker_mismatches_named() -> None:
    workers = {
        "tcp://10.0.0.1:1": {"simulator": "0.1.0", "python": "3.11.9.final.0"},
        "tcp://10.0.0.2:1": {"simulator": "0.0.9", "python": "3.11.9.final.0"},
        "tcp://10.0.0.3:1": {"simulator": None, "python": "3.11.9.final.0"},
        "tcp://10.0.0.4:1": {"simulator": "0.1.0", "python": "3.12.1.final.0"},
    }
    assert describe_mismatches("0.1.0", "3.11", workers) == [
        "tcp://10.0.0.2:1: runs simulator 0.0.9 (expected 0.1.0, the version here)",
        "tcp://10.0.0.3:1: simulator is not installed (expected simulator 0.1.0)",
        "tcp://10.0.0.4:1: runs Python 3.12 (expected 3.11, as here)",
    ]


# ----------------------------------------------------------------------------- combine


def _fake_plan(sizes: list[int], blocks: int, per_block: int):
    """A plan of len(sizes) swept axes (labels 0..n-1), ``blocks`` draw blocks (0: deterministic)."""
    axes = tuple(Axis(f"a{i}", tuple(range(n)), {}) for i, n in enumerate(sizes))
    draws = SimpleNamespace(seed=3, per_block=per_block, blocks=blocks) if blocks else None
    tasks = []
    for index in np.ndindex(*sizes):
        for b in range(blocks) if blocks else [None]:
            key = f"{index}-{b}"
            tasks.append(SimpleNamespace(key=key, index=tuple(int(i) for i in index), block=b, draws=per_block if blocks else None))
    spec = SimpleNamespace(name="fake", description="", draws=draws)
    return Plan(spec, ROOT / "fake.yaml", "0" * 64, axes, tuple(tasks))  # type: ignore[arg-type]


def _fake_result(task, years: list[int], with_draw: bool) -> xr.Dataset:
    """balance[(draw,) scheme, year] = a number unique to the task, draw, scheme and year."""
    tag = 1000.0 * (1 + sum(i * 10**k for k, i in enumerate(task.index))) + 100.0 * (task.block or 0)
    schemes = ["employee_pension", "unemployment"]
    base = tag + np.arange(len(schemes))[:, None] * 10 + (np.asarray(years) - 2000)[None, :] / 1000
    if with_draw:
        values = base[None] + np.arange(task.draws)[:, None, None] / 1e6
        balance = (("draw", "scheme", "year"), values)
    else:
        balance = (("scheme", "year"), base)
    return xr.Dataset(
        {"balance": balance, "average_wage": (("year",), np.asarray(years, float))},
        coords={"scheme": schemes, "year": years},
        attrs={"scenario_sha256": f"sha-{task.index}"},  # the blocks of one run share its scenario
    )


@given(
    sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    blocks=st.integers(0, 3),
    per_block=st.integers(1, 3),
    data=st.data(),
)
def test_combine_puts_each_result_at_its_coordinates(sizes, blocks, per_block, data) -> None:
    """Identity: every finished task's values sit at its index (and its block's draws), unfinished
    positions are NaN and not finished; runs with other years widen the year axis with NaN."""
    fake = _fake_plan(sizes, blocks, per_block)
    done = data.draw(st.lists(st.sampled_from(fake.tasks), unique_by=lambda t: t.key, max_size=len(fake.tasks)))
    early = {t.key for t in done if data.draw(st.booleans())}  # some runs start earlier
    results = {t.key: _fake_result(t, list(range(2010 if t.key in early else 2015, 2021)), bool(blocks)) for t in done}
    out = combine(fake, results)
    if not done:
        assert "balance" not in out and not out["finished"].values.any()
        return
    swept = [a.name for a in fake.axes]
    assert list(out["balance"].dims) == swept + (["draw"] if blocks else []) + ["scheme", "year"]
    assert out.sizes.get("draw", 0) == blocks * per_block
    finished = out["finished"].values
    assert finished.sum() == len(done) * (per_block if blocks else 1)
    for task in fake.tasks:
        where = dict(zip(swept, task.index))
        got = out["balance"].isel(where)
        if blocks:
            got = got.isel(draw=slice(task.block * per_block, (task.block + 1) * per_block))
        if task.key in results:
            want = results[task.key]["balance"]
            np.testing.assert_array_equal(got.sel(year=want.year).values, want.values)
            assert np.isnan(got.sel(year=[y for y in out.year.values if y not in want.year.values]).values).all()
            assert out["scenario_sha256"].isel(where).item() == f"sha-{task.index}"
        else:
            assert np.isnan(got.values).all()
        flags = out["finished"].isel(where).values
        flags = flags[task.block * per_block : (task.block + 1) * per_block] if blocks else flags
        assert np.all(flags == (task.key in results))
    if blocks:
        assert list(out["seed"].values[::per_block]) == [block_seed(3, b) for b in range(blocks)]


def test_benchmark_target_sweep_expands_to_30_tasks() -> None:
    """The speed target's sweep file: 5 regions x 3 scenarios x 2 blocks of 500 draws = 30 tasks."""
    target = ROOT / "benchmarks" / "sweeps" / "target_regions_scenarios_draws.yaml"
    the_plan = plan(target)
    assert [len(a.labels) for a in the_plan.axes] == [5, 3]
    assert len(the_plan.tasks) == 30 and {t.draws for t in the_plan.tasks} == {500}
    assert [t.block for t in the_plan.tasks[:4]] == [0, 1, 0, 1]
    flexible = [t for t in the_plan.tasks if dict(t.coords)["scenario"] == "flexible"]
    assert all(t.scenario.employee_pension.flexible.late_share == 0.2 for t in flexible)
