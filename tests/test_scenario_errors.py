"""Every class of bad scenario input: exit code 2 and one line ``file:LINE: key.path: message``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"

# (fixture, line, key path, words the message must contain)
CASES = [
    ("unknown_key.yaml", 6, "horizn", ["unknown key", "horizon"]),
    ("duplicate_key.yaml", 6, "base_year", ["duplicate key", "line 4"]),
    ("wrong_type.yaml", 4, "base_year", ["twenty-fifteen", "integer"]),
    ("rate_out_of_range.yaml", 8, "policy.employee_pension.employer_rate.2019-05-01", ["rate 16", "outside [0, 1]"]),
    ("bad_date.yaml", 8, "policy.employee_pension.employer_rate.2019-13-01", ["bad date", "month must be in 1..12"]),
    ("missing_extends.yaml", 1, "extends", ["no_such_parent.yaml", "not found"]),
    ("cycle_a.yaml", 1, "extends", ["cycle", "cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml"]),
    ("empty.yaml", 1, "(root)", ["empty"]),
    ("root_not_mapping.yaml", 1, "(root)", ["list, not a mapping"]),
    ("not_utf8.yaml", 2, "(root)", ["not UTF-8"]),
    ("missing_key.yaml", 1, "base_year", ["missing required key"]),
    ("syntax_error.yaml", 3, "(root)", ["YAML syntax error"]),
    ("special_early_two_shares.yaml", 4, "employee_pension.special_early", ["share or by_birth", "exactly one"]),
]


@pytest.mark.parametrize(("name", "line", "key_path", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_scenario_one_line_exit_2(name: str, line: int, key_path: str, words: list[str]) -> None:
    result = CliRunner().invoke(app, ["validate", str(BAD / name)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    file_part, line_part, key_part, message = lines[0].split(":", 3)
    assert file_part.endswith(".yaml")
    assert int(line_part) == line
    assert key_part.strip() == key_path
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_run_refuses_bad_scenario_without_output(name: str, tmp_path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(BAD / name), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_every_fixture_is_covered() -> None:
    covered = {c[0] for c in CASES} | {"cycle_b.yaml"}
    assert {p.name for p in BAD.glob("*.yaml")} == covered
