"""Bad input and faults, one test per class: one line naming file, line and key path, exit code 2;
never a traceback, a hang, a NaN result, a half-written output or a deleted user file.

Each case names its class and the words its message must contain. The scenario cases edit a
copy of ``scenarios/jiangxi.yaml`` (text edits, so that lines are those a user would see)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.errors import ScenarioError
from tests.conftest import SCENARIOS

runner = CliRunner()
LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+): (?P<key>[^\n]+?): (?P<message>[^\n]+)$")


def one_line(result) -> str:
    """The single stderr line of a failed command (exit code 2, no traceback)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0], result.stderr
    assert len(lines[0]) <= 1000 and not re.search(r"[\x00-\x1f\x7f]", lines[0]), lines[0]
    return lines[0]


def jiangxi(tmp_path: Path, edit=None, fitted_edit=None) -> Path:
    """A copy of jiangxi.yaml (and its fitted file) in ``tmp_path``, text-edited."""
    text = (SCENARIOS / "jiangxi.yaml").read_text(encoding="utf-8")
    fitted = (SCENARIOS / "jiangxi.fitted.yaml").read_text(encoding="utf-8")
    path = tmp_path / "jiangxi.yaml"
    path.write_text(edit(text) if edit else text, encoding="utf-8")
    (tmp_path / "jiangxi.fitted.yaml").write_text(fitted_edit(fitted) if fitted_edit else fitted, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def validate_error(path: Path) -> re.Match:
    match = LINE.match(one_line(runner.invoke(app, ["validate", str(path)])))
    assert match, "not file:LINE: key: message"
    return match


def replace(old: str, new: str, count: int = 1):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return edit


def append(extra: str):
    return lambda text: text + "\n" + extra + "\n"


# ---------------------------------------------------------------- YAML that breaks the rule or the machine
BOMB = "\n".join(
    [f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]" for p, k in zip("abcdef", "bcdefg")]
)
YAML_CASES = [
    # (class, edit, key path, words)
    ("merge_key", append("<<: {base_year: 2015}"), "(root)", ["merge key <<"]),
    ("explicit_tag_python", replace("horizon: 2100", "horizon: !!python/object/apply:os.system ['true']"), "(root)",
     ["explicit tag", "python/object/apply"]),
    ("explicit_tag_custom", replace("horizon: 2100", "horizon: !foo 2100"), "(root)", ["explicit tag '!foo'"]),
    ("explicit_tag_standard", replace("horizon: 2100", "horizon: !!float 2100"), "(root)", ["explicit tag"]),
    ("deep_nesting", append("deep: " + "[" * 600 + "]" * 600), "(root)", ["nested more than 20 levels"]),
    ("alias_bomb", append('a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + BOMB), "",
     ["aliases expand to more than 10,000 values"]),
    ("too_many_aliases", append("xa: &x 1\nxb: [" + ", ".join(["*x"] * 101) + "]"), "(root)", ["more than 100 aliases"]),
    ("recursive_alias", append("loop: &loop [1, *loop]"), "loop.1", ["refers to a value that contains it"]),
    ("file_too_large", append("# " + "x" * 1_100_000), "(root)", ["more than the limit of 1,048,576"]),
    ("huge_integer", replace("horizon: 2100", "horizon: " + "9" * 5000), "horizon", ["cannot read", "digits"]),
    ("control_character", replace("name: jiangxi\n", 'name: jiangxi\ndescription: "red \\e[31m text"\n'),
     "description", ["control character", "\\x1b"]),
    ("lone_surrogate", replace("name: jiangxi\n", 'name: jiangxi\ndescription: "\\ud800"\n'), "description",
     ["lone surrogate", "\\ud800"]),
    ("values_list", replace("    values: {2015: 0.025}", "    values: [1, 2, 3]"), "economy.fund_return",
     ["values is a list", "mapping of dates"]),
    ("too_many_dates", replace("    values: {2015: 0.025}", "    values: {" + ", ".join(
        f"{1800 + i // 12}-{i % 12 + 1:02d}: 0.025" for i in range(2001)) + "}"), "economy.fund_return",
     ["2,001 dated values", "at most 2,000"]),
    ("long_extends_path", replace("extends: builtin:policy/national", "extends: " + "a" * 300), "extends",
     ["file name too long"]),
    ("extends_builtin_escape", replace("extends: builtin:policy/national", "extends: builtin:../../etc/passwd"), "extends",
     ["unknown builtin file"]),
]


@pytest.mark.parametrize(("cls", "edit", "key", "words"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_that_breaks_the_rule_or_the_machine(tmp_path, cls, edit, key, words) -> None:
    match = validate_error(jiangxi(tmp_path, edit))
    assert match["file"] == "jiangxi.yaml" or match["file"].endswith("/jiangxi.yaml")
    if key:
        assert match["key"] == key, match.string
    for word in words:
        assert word in match["message"], (word, match.string)


@pytest.mark.parametrize("kind", ["folder", "fifo", "dev_zero", "symlink_loop"])
def test_extends_a_path_that_is_not_a_file(tmp_path, kind) -> None:
    """Class: extends names a folder, a FIFO (would hang), /dev/zero (would never end), a loop."""
    target = {"folder": "sub", "fifo": "fifo.yaml", "dev_zero": "/dev/zero", "symlink_loop": "loop.yaml"}[kind]
    (tmp_path / "sub").mkdir()
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    path = jiangxi(tmp_path, replace("extends: builtin:policy/national", f"extends: {target}"))
    match = validate_error(path)
    assert match["key"] == "extends" and int(match["line"]) == line_of(path, "extends:")
    word = {"folder": "is a folder", "fifo": "pipe", "dev_zero": "is a device", "symlink_loop": "symbolic link loop"}
    assert word[kind] in match["message"], match.string


def test_extends_fan_out_is_bounded(tmp_path) -> None:
    """Class: extends diamonds that would read a file 3^11 times: at most 20 files."""
    for i in range(12):
        text = f"extends: [d{i + 1}.yaml, d{i + 1}.yaml, d{i + 1}.yaml]\n" if i < 11 else "name: x\n"
        (tmp_path / f"d{i}.yaml").write_text(text)
    match = validate_error(tmp_path / "d0.yaml")
    assert "more than 20 files" in match["message"] and match["key"] == "extends"


def test_merging_is_linear(tmp_path) -> None:
    """Class: quadratic merging. A child amending 1,500 dates of a parent with 1,500 other dates
    merges them all (3,000 > 2,000 dates: refused by the limit, after a merge that must not take
    seconds; a pytest-timeout-free check: the merge of 1,000 + 1,000 dates validates)."""
    dates = [f"{1800 + i // 12}-{i % 12 + 1:02d}" for i in range(2000)]
    parent = jiangxi(tmp_path, replace("    values: {2015: 0.025}", "    values: {" + ", ".join(
        f"{d}: 0.025" for d in dates[:1000]) + "}"))
    child = tmp_path / "child.yaml"
    child.write_text("extends: jiangxi.yaml\nname: child\neconomy:\n  fund_return:\n    values: {"
                     + ", ".join(f"{d}: 0.03" for d in dates[1000:]) + "}\n")
    scenario = simulator.load_scenario(child)
    assert len(scenario.economy.fund_return.values) == 2000 and parent.exists()


# ---------------------------------------------------------------- non-finite and extreme numbers
NUMBER_CASES = [
    # (class, edit, key path, words)
    ("nan_dated_value", replace("2023: 1.102", "2023: .nan"), "demography.fertility.tfr.values.2023", ["not a finite number"]),
    ("inf_dated_value", replace("2023: 1.102", "2023: .inf"), "demography.fertility.tfr.values.2023", ["not a finite number"]),
    ("nan_float_field", replace("    contributors: 3696800", "    contributors: .nan"),
     "employee_pension.initial.contributors", ["not a finite number"]),
    ("inf_float_field", replace("    contributors: 3696800", "    contributors: -.inf"),
     "employee_pension.initial.contributors", ["not a finite number"]),
    ("nan_table_value", replace("male:   {16: 0.05,", "male:   {16: .nan,"), "labour.employment_rate.male.16",
     ["not a finite number"]),
    ("nan_overridden_by_fitted", replace("      retirees: 360000", "      retirees: .nan"),
     "employee_pension.public_institutions.initial.retirees", ["not a finite number"]),
    ("inf_written_as_1e999", replace("    contributors: 3696800", "    contributors: 1e999"),
     "employee_pension.initial.contributors", ["'1e999' is not a finite number"]),
    ("bool_as_number", replace("    contributors: 3696800", "    contributors: true"),
     "employee_pension.initial.contributors", ["true/false"]),
    ("tiny_number", replace("    contributors: 3696800", "    contributors: 1e-320"),
     "employee_pension.initial.contributors", ["smaller than 1e-12"]),
    ("tiny_dated_value", replace("2023: 1.102", "2023: 1e-320"), "demography.fertility.tfr.values.2023",
     ["smaller than 1e-12"]),
    ("census_men_not_a_share_of_the_total", replace("      male: 23318533", "      male: 1e-3"),
     "demography.base_population.census_2020", ["expected 30% to 70% of the total"]),
    ("huge_float_field", replace("    contributors: 3696800", "    contributors: 1e308"),
     "employee_pension.initial.contributors", ["larger than 1e+15"]),
    ("huge_dated_value", replace("2023: 1.102", "2023: 1e308"), "demography.fertility.tfr.values.2023", ["outside [0, 10]"]),
    ("huge_amount", replace("2015-07: 50932", "2015-07: 1e308"), "economy.average_wage.values.2015-07",
     ["outside [0, 1e+15]"]),
    ("huge_integer_dated_value", replace("2023: 1.102", "2023: " + "9" * 400), "demography.fertility.tfr.values.2023",
     ["not a finite number"]),
]


@pytest.mark.parametrize(("cls", "edit", "key", "words"), NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_non_finite_and_extreme_numbers(tmp_path, cls, edit, key, words) -> None:
    path = jiangxi(tmp_path, edit)
    match = validate_error(path)
    assert match["key"] == key, match.string
    assert Path(match["file"]).name == "jiangxi.yaml"
    for word in words:
        assert word in match["message"], (word, match.string)


def test_nan_in_the_fit_record_is_refused_and_never_written(tmp_path) -> None:
    """Class: a non-finite number in the part of a fitted file the run does not read: refused by
    the loader like any other; sim calibrate writes null for a non-finite relative error."""
    from simulator.calibrate.store import _finite

    path = jiangxi(tmp_path, fitted_edit=lambda t: re.sub(r"rel_error: \S+", "rel_error: .nan", t, count=1))
    match = validate_error(path)
    assert Path(match["file"]).name == "jiangxi.fitted.yaml" and match["key"] == "fit.0.rel_error"
    assert _finite(float("nan")) is None and _finite(0.5) == 0.5


def test_nan_cannot_slip_through_a_range(tmp_path) -> None:
    """Class: a range check written with < and > passes NaN; every range must refuse it."""
    from simulator.scenario.params import Rate

    from pydantic import TypeAdapter, ValidationError

    for value in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValidationError):
            TypeAdapter(Rate).validate_python({2015: value})


# ---------------------------------------------------------------- valid for sim validate means sim run starts
def test_base_year_outside_the_census_data(tmp_path) -> None:
    """Class: base_year 2024 with a census-based base population (valid before, traceback in run)."""
    path = jiangxi(tmp_path, replace("base_year: 2010", "base_year: 2024"))
    match = validate_error(path)
    assert match["key"] == "base_year" and int(match["line"]) == line_of(path, "base_year:")
    assert "2010 <= base_year <= 2020" in match["message"]


def with_migration(tmp_path: Path, values: str) -> Path:
    """jiangxi.yaml with ``demography.migration.net.values`` replaced by ``values``."""
    path = jiangxi(tmp_path)
    text = path.read_text(encoding="utf-8")
    start = text.index("      values: {", text.index("  migration:\n    net:"))
    end = text.index("}", start) + 1
    path.write_text(text[:start] + f"      values: {values}" + text[end:], encoding="utf-8")
    return path


def test_net_out_migration_larger_than_the_population(tmp_path) -> None:
    """Class: a net out-migration larger than the population, found by validation."""
    path = with_migration(tmp_path, "{2016: -90000000}")
    match = validate_error(path)
    assert match["key"] == "demography.migration.net.values.2016", match.string
    assert int(match["line"]) == line_of(path, "{2016: -90000000}")
    assert "more than the base population" in match["message"]


def test_net_out_migration_that_empties_an_age_group_later_stops_the_run(tmp_path) -> None:
    """Class: net out-migration that empties an age group only in a later year (only the
    projection can tell): the run stops with one line at the parameter's file and line."""
    path = with_migration(tmp_path, "{2016: -3000000}")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    out = tmp_path / "out"
    match = LINE.match(one_line(runner.invoke(app, ["run", str(path), "-q", "-o", str(out)])))
    assert match and match["key"] == "demography.migration.net" and "removes more" in match["message"]
    assert int(match["line"]) == line_of(path, "    net:") and not out.exists()


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo", "bad_row"])
def test_base_population_file_must_be_readable(tmp_path, kind) -> None:
    """Class: a missing or unreadable demography.base_population.file (valid before, traceback in run)."""
    (tmp_path / "dir.csv").mkdir()
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "bad.csv").write_text("sex,age,population\nmale,0,abc\n")
    name = {"missing": "nope.csv", "folder": "dir.csv", "fifo": "fifo.csv", "bad_row": "bad.csv"}[kind]
    edit = replace("  base_population:\n    census_2020:", f"  base_population:\n    file: {tmp_path / name}\n    census_2020:")
    path = jiangxi(tmp_path, edit)
    text = path.read_text(encoding="utf-8")
    start = text.index("    census_2020:")  # drop census_2020 and base_total: the file replaces them
    end = text.index("  mortality:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    match = validate_error(path)
    if kind == "bad_row":
        assert match["file"].endswith("bad.csv") and match["line"] == "2" and match["key"] == "population"
        assert "'abc'" in match["message"]
    else:
        assert match["key"] == "demography.base_population.file" and Path(match["file"]).name == "jiangxi.yaml"
        word = {"missing": "file not found", "folder": "is a folder", "fifo": "pipe"}[kind]
        assert word in match["message"], match.string


def test_zero_urban_employment_is_refused(tmp_path) -> None:
    """Class: a valid-looking rate that the run divides by (urban share 0 from 2020 gave NaN
    contributions and balances with exit code 0)."""
    path = jiangxi(tmp_path, replace("values: {2010: 0.4406, 2015: 0.5162, 2020: 0.6044, 2035: 0.75}", "values: {2010: 0.4406, 2015: 0.5162, 2020: 0, 2035: 0}"))
    match = validate_error(path)
    assert match["key"] == "labour.urban_share.values.2020" and "urban share is 0" in match["message"]
    path = jiangxi(tmp_path, replace("male:   {16: 0.05, 20: 0.55,", "male:   {16: 0, 20: 0,"))
    text = path.read_text(encoding="utf-8")
    start = text.index("    male:   {16: 0, 20: 0,")
    end = text.index("}", start)
    path.write_text(text[:start] + "    male:   {16: 0, 80: 0" + text[end:], encoding="utf-8")
    match = validate_error(path)
    assert match["key"] == "labour.employment_rate.male" and "every rate is 0" in match["message"]


def test_a_group_missing_from_a_table_by_group_is_refused(tmp_path) -> None:
    """Class: a key the run looks up but the schema did not require (a KeyError in sim run)."""
    path = jiangxi(tmp_path, replace("continue_until_age: {M60: 65, F55: 60, F50: 60}", "continue_until_age: {F55: 60, F50: 60}"))
    match = validate_error(path)
    assert match["key"] == "employee_pension.short_service.continue_until_age" and "missing group(s) M60" in match["message"]


def test_members_beyond_the_population_are_refused(tmp_path) -> None:
    """Class: a city scenario left with its province's employee-pension block (millions of members
    for half a million people) ran with infinite residents' pensions."""
    path = jiangxi(tmp_path, replace("    contributors: 3696800", "    contributors: 50100000"))
    match = validate_error(path)
    assert match["key"] == "employee_pension.initial" and "more than the base population" in match["message"]


def test_life_expectancy_must_stay_in_range_to_the_horizon(tmp_path) -> None:
    """Class: e0 gains that carry life expectancy outside the life tables' range (silently saturated)."""
    path = jiangxi(tmp_path)
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  mortality:\n"), text.index("  fertility:\n")
    brass = ("  mortality:\n    e0:\n"
             "      male: {values: {2015-07-01: 73.64, 2020-07-01: 75.37}, interpolation: linear}\n"
             "      female: {values: {2015-07-01: 79.43, 2020-07-01: 80.88}, interpolation: linear}\n"
             "    e0_gain:\n      male: {values: {2021: -1.0}}\n      female: 0.2\n")
    path.write_text(text[:start] + brass + text[end:], encoding="utf-8")
    match = validate_error(path)
    assert match["key"] == "demography.mortality.e0_gain.male" and "life expectancy reaches" in match["message"]


@pytest.mark.parametrize("fit", ["fit: oops\n", "fit: [1, 2]\n", "fit:\n- {rel_error: abc}\n", "fit:\n"])
def test_malformed_fit_section_does_not_stop_the_run(tmp_path, fit) -> None:
    """Class: a malformed `fit:` section of a fitted file (the run reads only `values`): the
    scenario validates and the results' calibration attribute says the record is unreadable."""
    from simulator.scenario.load import fitted_summary

    path = jiangxi(tmp_path, fitted_edit=lambda t: re.sub(r"^fit:\n(?:- .*\n|  .*\n)*", fit, t, flags=re.M))
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    assert "fit record unreadable" in fitted_summary([tmp_path / "jiangxi.fitted.yaml"])


# ---------------------------------------------------------------- messages: the right file and line, clean echoes
def test_a_bad_fitted_value_is_reported_in_the_fitted_file(tmp_path) -> None:
    """Class: wrong file. A value of jiangxi.fitted.yaml written with another date key than the
    scenario's ('2020-07-01' against 2020-07) was reported at the scenario's valid value."""
    path = jiangxi(tmp_path, replace("values: {2015-07-01: 0.40, 2020-07-01: 0.40}", "values: {2015-07-01: 0.40, 2020-07: 0.40}"),
                   fitted_edit=lambda t: re.sub(r"'2020-07-01': 0\.\d+", "'2020-07-01': 1.55", t, count=1))
    match = validate_error(path)
    assert Path(match["file"]).name == "jiangxi.fitted.yaml", match.string
    assert int(match["line"]) == line_of(tmp_path / "jiangxi.fitted.yaml", "'2020-07-01': 1.55")


def test_a_key_missing_from_the_scenario_is_reported_in_the_scenario(tmp_path) -> None:
    """Class: wrong file. A key missing from a block that the fitted file also writes into was
    reported at the fitted file's line."""
    path = jiangxi(tmp_path, replace("    contributors: 3696800\n", ""))
    match = validate_error(path)
    assert Path(match["file"]).name == "jiangxi.yaml" and match["key"] == "employee_pension.initial.contributors"
    assert int(match["line"]) == line_of(path, "  initial:") and "missing" in match["message"]


def test_offending_input_is_echoed_short_and_printable(tmp_path) -> None:
    """Class: a 7 MB line echoed in full, raw control characters echoed."""
    path = jiangxi(tmp_path, replace("name: jiangxi\n", "name: " + "é" * 300_000 + "\n"))
    match = validate_error(path)
    assert match["key"] == "name" and "…" in match["message"] and len(match.string) < 400
    path = jiangxi(tmp_path, replace("name: jiangxi\n", 'name: "a\\tb\\u2028c"\n'))
    match = validate_error(path)
    assert "\\t" in match["message"] and "\\u2028" in match["message"]


def test_scenario_error_is_one_line_whatever_the_input() -> None:
    err = ScenarioError("a\nb.yaml", 3, "k\x1bey", "bad " + "x" * 5000 + "\n(expected)")
    assert "\n" not in str(err) and "\x1b" not in str(err) and len(str(err)) <= 1000


# ---------------------------------------------------------------- the merge trap
def child(tmp_path: Path, body: str) -> Path:
    jiangxi(tmp_path)
    path = tmp_path / "child.yaml"
    path.write_text("extends: jiangxi.yaml\nname: child\n" + body, encoding="utf-8")
    return path


def test_uprating_rule_is_replaced_whole(tmp_path) -> None:
    """Class: merge trap. The child's indexation.then {prices: 1.0} over the parent's {wage: 0.5}
    was merged into 0.5 x wage growth + inflation."""
    parent = simulator.load_scenario(SCENARIOS / "jiangxi.yaml").policy.employee_pension.indexation.then
    assert parent.wage > 0  # the trap needs a parent with a wage share
    path = child(tmp_path, "policy:\n  employee_pension:\n    indexation:\n      then: {prices: 1.0}\n")
    then = simulator.load_scenario(path).policy.employee_pension.indexation.then
    assert (then.wage, then.prices, then.fixed) == (0.0, 1.0, 0.0)


def test_a_tiny_divisor_is_refused(tmp_path) -> None:
    """Class: extreme but positive numbers that a division turns into infinities (an account
    divisor of 1e-320 months gave infinite pensions)."""
    path = child(tmp_path, "policy:\n  employee_pension:\n    account_divisors: {60: 0.5, 61: 139}\n")
    match = validate_error(path)
    assert match["key"] == "policy.employee_pension.account_divisors" and "1 to 1000 months" in match["message"]


def test_tables_are_replaced_whole_and_schedules_amended(tmp_path) -> None:
    """Class: merge trap for tables (a child's employment profile ending at 70 kept the parent's
    knots at 75 and 80); dated schedules are still amended date by date."""
    path = child(tmp_path, "labour:\n  employment_rate:\n    male: {16: 0.1, 40: 0.9, 70: 0.0}\n"
                 "policy:\n  employee_pension:\n    employer_rate: {2016-05: 0.19}\n")
    scenario = simulator.load_scenario(path)
    assert scenario.labour.employment_rate.male == {16: 0.1, 40: 0.9, 70: 0.0}
    dates = [d.isoformat() for d, _ in scenario.policy.employee_pension.employer_rate.values]
    assert "2016-05-01" in dates and len(dates) >= 3  # the parent's dates are kept


# ---------------------------------------------------------------- paths given on the command line
@pytest.mark.parametrize("kind", ["folder", "empty", "fifo", "dev_zero", "symlink_loop", "long_name", "nul_byte"])
@pytest.mark.parametrize("command", ["validate", "run", "calc"])
def test_scenario_path_that_is_not_a_file(tmp_path, monkeypatch, kind, command) -> None:
    """Class: a scenario that is a folder, an empty string, a FIFO (hung), /dev/zero (read until
    memory ran out), a symlink loop, a name too long, a NUL byte."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo("fifo.yaml")
    Path("loop.yaml").symlink_to("loop.yaml")
    arg = {"folder": str(tmp_path), "empty": "", "fifo": "fifo.yaml", "dev_zero": "/dev/zero",
           "symlink_loop": "loop.yaml", "long_name": "x" * 300 + ".yaml", "nul_byte": "a\x00b.yaml"}[kind]
    args = {"validate": ["validate", arg], "run": ["run", arg, "-q", "-o", "out"],
            "calc": ["calc", "retirement", "--group", "M60", "--born", "1970-01", "--scenario", arg]}[command]
    line = one_line(runner.invoke(app, args))
    word = {"folder": "is a folder", "empty": "is a folder", "fifo": "pipe", "dev_zero": "is a device",
            "symlink_loop": "symbolic link loop", "long_name": "file name too long", "nul_byte": "null byte"}[kind]
    assert word in line and not Path("out").exists()


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "not_netcdf", "incomplete"])
def test_results_path_that_is_not_results(tmp_path, kind) -> None:
    """Class: plot/report/compare given /dev/zero, a FIFO, a non-NetCDF file, incomplete results."""
    import xarray as xr

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "x.nc").write_text("not netcdf")
    xr.Dataset({"x": ("year", [1.0])}, coords={"year": [2015], "scheme": ["a"]},
               attrs={"scenario": "s", "base_year": 2015, "horizon": 2016}).to_netcdf(tmp_path / "part.nc")
    arg = {"dev_zero": "/dev/zero", "fifo": str(tmp_path / "fifo"), "not_netcdf": str(tmp_path / "x.nc"),
           "incomplete": str(tmp_path / "part.nc")}[kind]
    word = {"dev_zero": "is a device", "fifo": "pipe", "not_netcdf": "cannot read as NetCDF", "incomplete": "incomplete results"}
    for args in (["plot", arg, "-k", "fund_gap", "-o", str(tmp_path / "p.png")], ["report", arg]):
        assert word[kind] in one_line(runner.invoke(app, args))


# ---------------------------------------------------------------- bad command lines
BAD_LINES = [
    # (class, argv, words)
    ("born_1800", ["calc", "retirement", "--group", "M60", "--born", "1800-01"], ["1900-01", "2100-12"]),
    ("born_month_13", ["calc", "retirement", "--group", "M60", "--born", "2020-13"], ["--born '2020-13'"]),
    ("born_huge_year", ["calc", "retirement", "--group", "M60", "--born", "9" * 20 + "-01"], ["--born"]),
    ("born_fullwidth_digits", ["calc", "retirement", "--group", "M60", "--born", "１９６０-０１"], ["--born"]),
    ("no_command", [], ["Missing command", "validate, run"]),
    ("no_subcommand", ["calc"], ["Missing command", "retirement"]),
    ("missing_choice_option", ["plot", "results"], ["Missing option '--kind'", "fund_gap, enrolment"]),
    ("missing_group", ["calc", "retirement"], ["Missing option '--group'", "M60, F55, F50"]),
    ("control_chars_in_path", ["validate", "a\x1b[31mb\nc.yaml"], ["\\x1b", "\\n", "file not found"]),
]


@pytest.mark.parametrize(("cls", "argv", "words"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_bad_command_line_is_one_line(cls, argv, words) -> None:
    line = one_line(runner.invoke(app, argv))
    for word in words:
        assert word in line, (word, line)


# ---------------------------------------------------------------- output folders
@pytest.fixture()
def made(tmp_path):
    """A results-like folder written by the tool (no projection needed)."""
    from simulator.io.writers import write_atomic_dir

    def make(name: str = "out", content: str = "old") -> Path:
        return write_atomic_dir(tmp_path / name, True, lambda d: (d / "results.nc").write_text(content), "test")

    return make


@pytest.mark.parametrize("flock", [True, False])
def test_concurrent_claims_of_one_folder(tmp_path, monkeypatch, flock) -> None:
    """Class: two runs into one new folder both succeeded, the later discarding the earlier
    (with flock, and with the exclusive lock file of systems without it)."""
    import simulator.io.outdir as outdir
    from simulator.io.outdir import OutputExists, OutputFolder

    if not flock:
        monkeypatch.setattr(outdir, "fcntl", None)

    with OutputFolder(tmp_path / "out") as first:
        with pytest.raises(OutputExists, match="another sim command is writing this folder"):
            OutputFolder(tmp_path / "out").__enter__()
        first.write(lambda d: (d / "results.nc").write_text("first"))
    assert (tmp_path / "out" / "results.nc").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, no temporary left


def test_concurrent_runs_one_wins_one_is_refused(jiangxi_path, tmp_path) -> None:
    """Class: the same with two real processes started together."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "simulator.cli", "run", str(jiangxi_path), "-q", "--no-plots", "-o", "out"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = sorted(p.wait(timeout=600) for p in procs)
    errors = [p.stderr.read() for p in procs]
    assert codes == [0, 2], errors
    assert any("another sim command" in e or "not empty" in e for e in errors), errors
    assert (tmp_path / "out" / "results.nc").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_force_refuses_a_folder_with_foreign_files(tmp_path, monkeypatch) -> None:
    """Class: `sim run own/my.yaml -o own --force` deleted the scenario and every other file in own/."""
    own = tmp_path / "own"
    own.mkdir()
    scenario = jiangxi(own)
    (own / "my_notes.md").write_text("mine")
    before = {p.name: p.read_bytes() for p in own.iterdir()}
    monkeypatch.chdir(tmp_path)
    line = one_line(runner.invoke(app, ["run", str(scenario), "-o", "own", "--force", "-q"]))
    assert "--force replaces only a folder of sim's results" in line and "jiangxi.yaml" in line and "my_notes.md" in line
    assert {p.name: p.read_bytes() for p in own.iterdir()} == before


def test_force_refuses_a_folder_without_the_marker(tmp_path) -> None:
    from simulator.io.outdir import OutputExists, OutputFolder

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.nc").write_text("someone's own")
    with pytest.raises(OutputExists, match="no .sim-output marker"):
        OutputFolder(tmp_path / "out", force=True).__enter__()


def test_force_replaces_the_tools_own_results(made) -> None:
    out = made("out", "old")
    (out / "report.html").write_text("report")
    (out / "plots").mkdir()
    (out / "plots" / "fund_gap.png").write_bytes(b"png")
    made("out", "new")
    assert (out / "results.nc").read_text() == "new" and not (out / "report.html").exists()


@pytest.mark.parametrize("target", [".", ".."])
def test_working_folder_is_never_an_output(tmp_path, monkeypatch, jiangxi_path, target) -> None:
    """Class: `-o . --force` (a traceback before; with foreign files it would delete the folder)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine")
    line = one_line(runner.invoke(app, ["run", str(jiangxi_path), "-o", target, "--force", "-q"]))
    assert "is the working folder or contains it" in line and (tmp_path / "keep.txt").exists()


def test_stale_temporaries_are_cleaned(tmp_path, made) -> None:
    """Class: a killed run left hidden .OUT.XXXXXXXX folders that no later run removed."""
    stale = tmp_path / ".out.sim-tmp-0123456789abcdef"
    stale.mkdir()
    (stale / "results.nc").write_text("half")
    legacy = tmp_path / ".out.k2j4h5g6"  # left by an earlier version, only the tool's files
    legacy.mkdir()
    (legacy / "summary.csv").write_text("half")
    mine = tmp_path / ".out.notes"  # not the tool's: kept
    mine.mkdir()
    made("out")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.notes", "out"]


def test_a_crash_between_the_two_renames_leaves_the_old_result(tmp_path, made) -> None:
    """Class: a crash between the two renames of --force left no output folder at all. With the
    fallback (no atomic exchange) the next claim puts the old folder back."""
    from simulator.io.outdir import OutputFolder

    out = made("out", "old")
    out.rename(tmp_path / ".out.sim-old-0123456789abcdef")  # the state after the first rename
    with OutputFolder(out, force=True):
        assert (out / "results.nc").read_text() == "old"


@pytest.mark.parametrize("exchange", [True, False])
def test_replacement_keeps_a_result_in_place_at_every_moment(tmp_path, made, monkeypatch, exchange) -> None:
    """Class: no moment without the old or the new result: during the write the old result is
    untouched; the swap is one atomic exchange (or, without it, the recoverable fallback)."""
    import simulator.io.outdir as outdir

    if not exchange:
        monkeypatch.setattr(outdir, "_renameat2", lambda *a: False)
    out = made("out", "old")
    seen = []
    made_new = outdir.OutputFolder(out, force=True)
    with made_new as folder:
        folder.write(lambda d: (seen.append((out / "results.nc").read_text()), (d / "results.nc").write_text("new")))
    assert seen == ["old"] and (out / "results.nc").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_full_disk_leaves_the_old_result(tmp_path, made) -> None:
    """Class: a full disk during the write gave a traceback; now one line and the old result kept."""
    import errno

    from simulator.io.outdir import OutputError, OutputFolder

    out = made("out", "old")

    def full(folder: Path) -> None:
        (folder / "results.nc").write_text("ha")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError, match="no space left on device"), OutputFolder(out, force=True) as folder:
        folder.write(full)
    assert (out / "results.nc").read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_unwritable_parent_is_one_line(tmp_path, monkeypatch) -> None:
    """Class: an output folder whose parent is read-only or not writable."""
    import simulator.io.outdir as outdir

    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path).endswith(".sim-lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(outdir.os, "open", denied)
    with pytest.raises(outdir.OutputError, match="permission denied"):
        outdir.OutputFolder(tmp_path / "out").__enter__()


@pytest.mark.parametrize("kind", ["under_a_file", "is_a_file", "is_a_symlink"])
def test_output_path_that_cannot_be_a_folder(tmp_path, monkeypatch, jiangxi_path, kind) -> None:
    """Class: -o under a file, -o naming a file, -o naming a symbolic link."""
    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("x")
    (tmp_path / "real").mkdir()
    Path("link").symlink_to("real")
    target = {"under_a_file": "afile/out", "is_a_file": "afile", "is_a_symlink": "link"}[kind]
    word = {"under_a_file": "not a folder", "is_a_file": "exists and is not a folder",
            "is_a_symlink": "is a symbolic link"}[kind]
    assert word in one_line(runner.invoke(app, ["run", str(jiangxi_path), "-o", target, "--force", "-q"]))
    assert Path("afile").read_text() == "x"


def test_single_file_output_never_replaces_a_device_or_a_newcomer(tmp_path) -> None:
    """Class: `sim plot -o /dev/null --force` would replace the device node; a file that appears
    while a plot is drawn would be replaced silently."""
    from simulator.io.writers import OutputExists, atomic_file

    with pytest.raises(OutputExists, match="not a regular file"), atomic_file(Path("/dev/null"), force=True):
        pass
    target = tmp_path / "p.png"
    with pytest.raises(OutputExists, match="appeared while"), atomic_file(target) as tmp:
        tmp.write_text("mine")
        target.write_text("someone else's")
    assert target.read_text() == "someone else's" and sorted(p.name for p in tmp_path.iterdir()) == ["p.png"]


def test_run_outputs_nothing_on_bad_input(tmp_path) -> None:
    """Bad input never leaves an output folder or a lock behind."""
    path = jiangxi(tmp_path, replace("base_year: 2010", "base_year: 2024"))
    one_line(runner.invoke(app, ["run", str(path), "-o", str(tmp_path / "out")]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jiangxi.fitted.yaml", "jiangxi.yaml"]
