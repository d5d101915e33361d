"""Read a contribution history: a CSV of yearly contribution bases, for ``sim calc pension --history``.

Columns (header required, any order): ``year`` and ``base`` (own monthly contribution base, yuan),
optional ``months`` (months contributed that year, 1-12, default 12), ``share`` (share of the base
credited to the account, default: the national rule for the year) and ``crediting`` (the year's
crediting rate, default: the national rates). A bad value is one line naming file, line and column.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.errors import ScenarioError

COLUMNS = ("year", "base", "months", "share", "crediting")
RANGES = {"year": (1990, 2100), "base": (0, 1e6), "months": (1, 12), "share": (0, 0.3), "crediting": (-0.5, 0.5)}


@dataclass(frozen=True)
class History:
    """Yearly rows; NaN where an optional column is left out."""

    year: np.ndarray
    base: np.ndarray
    months: np.ndarray
    share: np.ndarray
    crediting: np.ndarray
    file: str


def read_history(path: str | os.PathLike[str]) -> History:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(file, 1, "(file)", "file not found (expected a CSV with columns year,base)") from None
    except UnicodeDecodeError:
        raise ScenarioError(
            file, 1, "(file)", "file is not UTF-8 text (expected a CSV with columns year,base)"
        ) from None
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "year" not in header or "base" not in header:
        what = f"unknown column {unknown[0]!r}" if unknown else "missing column year or base"
        raise ScenarioError(file, 1, "(header)", f"{what} (expected year,base and optionally months,share,crediting)")
    values: dict[str, list[float]] = {c: [] for c in COLUMNS}
    lines: list[int] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ScenarioError(
                file, line, "(row)", f"{len(cells)} cells for {len(header)} columns (expected one value per column)"
            )
        row = dict(zip(header, (c.strip() for c in cells)))
        lines.append(line)
        for column in COLUMNS:
            cell = row.get(column, "")
            if cell == "":
                if column in ("year", "base"):
                    raise ScenarioError(file, line, column, "empty (expected a number)")
                values[column].append(12.0 if column == "months" else math.nan)
                continue
            try:
                number = float(cell)
            except ValueError:
                raise ScenarioError(file, line, column, f"{cell!r} is not a number") from None
            lo, hi = RANGES[column]
            if not (math.isfinite(number) and lo <= number <= hi) or (
                column in ("year", "months") and number != int(number)
            ):
                raise ScenarioError(
                    file,
                    line,
                    column,
                    f"{cell} is out of range (expected {'a whole number ' if column in ('year', 'months') else ''}in [{lo:g}, {hi:g}])",
                )
            values[column].append(number)
    if not values["year"]:
        raise ScenarioError(file, 1, "(file)", "no rows (expected one row per year of contributions)")
    year = np.array(values["year"], dtype=np.int64)
    if np.any(np.diff(year) <= 0):
        i = int(np.argmax(np.diff(year) <= 0)) + 1
        raise ScenarioError(
            file, lines[i], "year", f"{year[i]} does not follow {year[i - 1]} (expected increasing years, each once)"
        )
    return History(
        year, *(np.array(values[c], dtype=float) for c in ("base", "months", "share", "crediting")), file=str(file)
    )
