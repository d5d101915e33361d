"""A user's base population, ``demography.base_population.file``: CSV ``sex,age,population``.

Read when the scenario is loaded (so that ``sim validate`` finds a bad table, not ``sim run``)
and again by the model. Both sexes, ages 0..100 once each (100 = 100 and over), persons >= 0
and finite. Errors name the CSV's file and line (:class:`ScenarioError`).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from simulator.errors import ScenarioError, echo
from simulator.files import FileProblem, read_user_file

SEXES = ("male", "female")
AGES = 101  # 0..99 and the open group 100+
MAX_BYTES = 1_048_576
KEY = "demography.base_population.file"


def read_population_file(path: Path) -> list[list[float]]:
    """Persons ``[sex][age]`` (sex 0 = male) from the CSV at ``path``."""
    try:
        raw = read_user_file(path, MAX_BYTES)
    except FileProblem as exc:
        raise ScenarioError(path, 1, KEY, f"{exc} (expected a CSV sex,age,population)") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(path, line, "(root)", f"file is not UTF-8 (byte {exc.start}: expected UTF-8 text)") from None
    out = [[math.nan] * AGES for _ in SEXES]
    seen: dict[tuple[int, int], int] = {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if reader.fieldnames is None or sorted(reader.fieldnames) != ["age", "population", "sex"]:
            raise ScenarioError(path, 1, "(header)", f"columns {echo(reader.fieldnames)} (expected sex,age,population)")
        for row in reader:
            line = reader.line_num
            sex, age, persons = _parse_row(path, line, row)
            if (sex, age) in seen:
                message = f"{SEXES[sex]} age {age} again (first on line {seen[sex, age]}; expected each once)"
                raise ScenarioError(path, line, "age", message)
            seen[sex, age] = line
            out[sex][age] = persons
    except csv.Error as exc:
        raise ScenarioError(path, reader.line_num, "(root)", f"not a CSV table: {exc} (expected sex,age,population)") from None
    missing = [f"{SEXES[s]} {a}" for s in range(2) for a in range(AGES) if (s, a) not in seen]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ScenarioError(path, 1, "age", f"missing {shown} (expected ages 0..100 for male and female)")
    return out


def _parse_row(path: Path, line: int, row: dict[str, str]) -> tuple[int, int, float]:
    sex_text = (row.get("sex") or "").strip()
    if sex_text not in SEXES:
        raise ScenarioError(path, line, "sex", f"{echo(sex_text)} (expected male or female)")
    age_text = (row.get("age") or "").strip()
    if not (age_text.isascii() and age_text.isdigit()) or int(age_text) >= AGES:
        raise ScenarioError(path, line, "age", f"{echo(age_text)} (expected an integer 0..100, 100 = 100 and over)")
    text = (row.get("population") or "").strip()
    try:
        persons = float(text)
    except ValueError:
        persons = math.nan
    if not math.isfinite(persons) or persons < 0 or persons > 1e10:
        raise ScenarioError(path, line, "population", f"{echo(text)} (expected a number of persons >= 0, at most 1e10)")
    return SEXES.index(sex_text), int(age_text), persons
