"""Progress display for long work (a run's steps, compared scenarios, later calibration and sweeps).

A rich progress bar on stderr, so that stdout keeps only results; it shows only on a terminal and
never under ``quiet``, and disappears when the work is done::

    with progress("projecting", total=3, quiet=quiet) as bar:
        ...; bar.advance("writing results")
        ...; bar.advance("drawing plots")

    for path in track(paths, "running scenarios", quiet=quiet):
        ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sized
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console
    from rich.progress import Progress, TaskID

T = TypeVar("T")


class Bar:
    """Handle on one task of a progress display."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress, self._task = progress, task

    def advance(self, description: str | None = None, steps: float = 1) -> None:
        """Count ``steps`` done and, if given, name the work that follows."""
        kwargs = {"description": description} if description is not None else {}
        self._progress.update(self._task, advance=steps, **kwargs)

    @property
    def completed(self) -> float:
        return self._progress.tasks[self._task].completed


@contextlib.contextmanager
def progress(
    description: str, total: float | None = None, *, quiet: bool = False, console: Console | None = None
) -> Iterator[Bar]:
    """A progress bar of ``total`` steps (a spinner when ``total`` is None) on stderr; silent when
    ``quiet`` or when ``console`` (default: stderr) is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True)
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=True, disable=quiet or not console.is_terminal) as bar:
        yield Bar(bar, bar.add_task(description, total=total))


def track(
    items: Iterable[T],
    description: str,
    *,
    total: int | None = None,
    quiet: bool = False,
    console: Console | None = None,
) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar (see :func:`progress`)."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with progress(description, total, quiet=quiet, console=console) as bar:
        for item in items:
            yield item
            bar.advance()


@contextlib.contextmanager
def compile_notes(note) -> Iterator[None]:
    """Call ``note(name)`` whenever numba starts compiling a function of the model (the first run after
    installing, or after the cache was cleared: the kernels are then compiled, once, which takes seconds)."""
    from numba.core import event

    depth = [0]

    class Listener(event.Listener):
        def on_start(self, ev) -> None:
            if depth[0] == 0:
                function = getattr(ev.data.get("dispatcher"), "py_func", None)
                module = getattr(function, "__module__", "").rsplit(".", 1)[-1]
                note(module.replace("_", " ") + " kernel" if module else "kernel")
            depth[0] += 1

        def on_end(self, ev) -> None:
            depth[0] -= 1

    listener = Listener()
    event.register("numba:compile", listener)
    try:
        yield
    finally:
        event.unregister("numba:compile", listener)
