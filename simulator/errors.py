"""Errors the user can fix: one line naming the file, the line and the key path."""

from __future__ import annotations

import os
import re
from pathlib import Path

ECHO_CHARS = 80
"""Longest piece of the user's input repeated in a message (longer pieces are cut with …)."""
LINE_CHARS = 1000
"""Longest message line."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters, line breaks and lone surrogates written as escapes
    (``\\n``, ``\\x1b``, ``\\ud800``): a message always stays one clean line."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """``text`` made printable and cut to ``limit`` characters (``…`` marks the cut)."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def echo(value: object, limit: int = ECHO_CHARS) -> str:
    """The ``repr`` of a piece of user input, printable and at most ``limit`` characters."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still reported
        text = f"<{type(value).__name__}>"
    return shorten(text, limit)


def one_line(text: str) -> str:
    """A message as one printable line of at most :data:`LINE_CHARS` characters."""
    return shorten(text, LINE_CHARS)


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as a user would type it: relative to the working directory when inside it
    (never raises: a path that cannot be resolved is shown as given)."""
    text = os.fspath(path)
    try:
        full = os.path.realpath(text) if text else text
        return str(Path(full).relative_to(os.path.realpath(os.getcwd()))) if full else "''"
    except (ValueError, OSError):
        return text


class ScenarioError(Exception):
    """A bad scenario (or other input) file.

    ``str(err)`` is ``file:LINE: key.path: what is wrong (what is expected)``; the CLI
    prints exactly that on stderr and exits with code 2. File, key path and message are
    made printable and cut to a readable length.
    """

    def __init__(self, file: str | os.PathLike[str], line: int, key_path: str, message: str):
        self.file = shorten(display_path(file), 200)
        self.line = int(line)
        self.key_path = shorten(key_path or "(root)", 200)
        self.message = shorten(message, LINE_CHARS - 200)
        super().__init__(f"{self.file}:{self.line}: {self.key_path}: {self.message}")


class InputError(ValueError):
    """A scenario value that turns out impossible only while running (e.g. net out-migration that
    empties an age group): ``key_path`` names the parameter so that the caller can point at its
    file and line; the message is one line."""

    def __init__(self, key_path: str, message: str):
        self.key_path = key_path
        self.message = message
        super().__init__(f"{key_path}: {message}")
