"""Errors the user can fix: one line naming the file, the line and the key path."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class ScenarioError(Exception):
    """A bad scenario (or other input) file.

    ``str(err)`` is ``file:LINE: key.path: what is wrong (what is expected)``; the CLI
    prints exactly that on stderr and exits with code 2.
    """

    def __init__(self, file: str | os.PathLike[str], line: int, key_path: str, message: str):
        self.file = display_path(file)
        self.line = int(line)
        self.key_path = key_path or "(root)"
        self.message = message
        super().__init__(f"{self.file}:{self.line}: {self.key_path}: {self.message}")


class StaleFitWarning(UserWarning):
    """A fitted-value file whose recorded scenario hash no longer matches its scenario: the scenario was
    edited after ``sim calibrate`` (the CLI prints it as one line on stderr)."""
