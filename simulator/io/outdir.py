"""Output folders: claimed exclusively, filled beside the target, swapped in atomically.

The contract (docs/cli.md, "Output folders"):

- **Exclusive claim.** A command that writes ``OUT`` first takes an exclusive lock on
  ``.OUT.sim-lock`` beside it (``fcntl.flock``, released by the kernel even when the process is
  killed). A second command aimed at ``OUT`` while the first runs is refused at once, so two runs
  never silently replace each other.
- **Never a foreign file.** An existing non-empty ``OUT`` is refused without ``--force``; with
  ``--force`` it is replaced only when it holds this tool's results: the marker file
  ``.sim-output`` and nothing but the files the tool writes (:data:`TOOL_FILES`). Otherwise the
  command is refused naming the foreign files. The working folder (or a folder that contains
  it) and a symbolic link are never replaced.
- **Complete or absent.** The files are written into ``.OUT.sim-tmp-XXXXXXXX`` beside ``OUT``;
  when they are all written, the folder takes the place of ``OUT`` in one step: a rename that
  fails if ``OUT`` appeared meanwhile, or, over an old result, an atomic exchange of the two
  folders (``renameat2(RENAME_EXCHANGE)``, Linux) so that at every moment either the old or the
  new result is at ``OUT``. Where the exchange is not available, the old folder is renamed to
  ``.OUT.sim-old-XXXXXXXX`` first, and the next claim of ``OUT`` puts it back if the process died
  between the two renames.
- **Stale temporaries cleaned.** Whoever holds the claim removes the ``.OUT.sim-tmp-*`` and
  ``.OUT.sim-old-*`` folders that killed runs left behind (no other run can own them).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from simulator.errors import shorten
from simulator.files import reason

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: an exclusive lock file instead (see _lock)
    fcntl = None

MARKER = ".sim-output"
TOOL_FILES = frozenset(
    {MARKER, "results.nc", "summary.csv", "summary.parquet", "report.html", "plots",  # sim run, sim report
     "compare.csv", "compare_fund_gap.png", "scoring.csv",  # sim compare
     "calibration.csv", "parameters.csv", "backtest.csv", "backtest.png",  # sim calibrate, sim backtest
     "sensitivity.csv", "tornado.png",  # sim sensitivity
     "profiles.csv", "notes.txt", "replacement_rates.png"}  # sim calc pension --profiles
)
"""The names the tool writes at the top of an output folder; ``plots/`` holds only images."""
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
_RENAME_NOREPLACE, _RENAME_EXCHANGE, _AT_FDCWD = 1, 2, -100


class OutputError(Exception):
    """An output that cannot be written (refused, or a file-system failure); one-line message."""


class OutputExists(OutputError):
    """The output exists and may not be replaced (no ``--force``, or foreign files in it)."""


class OutputFolder:
    """``with OutputFolder(out, force) as folder: ...; folder.write(fill)`` (see the module doc)."""

    def __init__(self, outdir: str | os.PathLike[str], force: bool = False, written_by: str = "sim"):
        self.shown = shorten(os.fspath(outdir) or "''", 200)
        self.target = Path(os.path.abspath(outdir))
        self.force, self.written_by = force, written_by
        self.lock_fd: int | None = None
        self.lock_path: Path | None = None
        self.tmp: Path | None = None

    # ---------------------------------------------------------------- claim
    def __enter__(self) -> OutputFolder:
        self._refuse_odd_targets()
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except (OSError, ValueError) as exc:
            raise OutputError(f"{self.shown}: cannot create the folder {shorten(str(parent), 120)} ({reason(exc)})") from None
        self._lock()
        try:
            self._clean_stale()
            self._check_existing()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
        self._unlock()

    def _refuse_odd_targets(self) -> None:
        cwd = os.path.realpath(os.getcwd())
        real = os.path.realpath(self.target)
        if cwd == real or cwd.startswith(real.rstrip(os.sep) + os.sep) or real == os.sep:
            raise OutputError(f"{self.shown}: is the working folder or contains it (expected a folder of its own, e.g. -o results/NAME)")
        try:
            info = os.lstat(self.target)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            raise OutputError(f"{self.shown}: cannot use this path ({reason(exc)})") from None
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(f"{self.shown}: is a symbolic link (expected a real folder; give the folder it points to)")
        if not stat.S_ISDIR(info.st_mode):
            raise OutputExists(f"{self.shown}: exists and is not a folder (expected a folder or a new name)")

    def _lock(self) -> None:
        self.lock_path = self.target.parent / f".{self.target.name}.sim-lock"
        if fcntl is None:
            self._lock_exclusive_file()
            return
        for _ in range(5):
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), 0o644)
            except (OSError, ValueError) as exc:
                raise OutputError(f"{self.shown}: cannot write in {shorten(str(self.target.parent), 120)} ({reason(exc)})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputExists(
                    f"{self.shown}: another sim command is writing this folder now (expected one command per "
                    "output folder; wait for it or choose another)"
                ) from None
            # The previous holder may have removed the lock file after we opened it: lock the file
            # that is at the path now, or two commands would hold two different locks.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.lock_path))
            except FileNotFoundError:
                same = False
            if same:
                self.lock_fd = fd
                return
            os.close(fd)
        raise OutputExists(f"{self.shown}: could not claim the folder (another sim command keeps claiming it)")

    def _lock_exclusive_file(self) -> None:
        """Without ``flock``: the lock file is created exclusively; one left by a killed command
        must be deleted by hand (the message says so)."""
        try:
            self.lock_fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
        except (OSError, ValueError) as exc:
            if not isinstance(exc, FileExistsError):
                raise OutputError(f"{self.shown}: cannot write in {shorten(str(self.target.parent), 120)} ({reason(exc)})") from None
            raise OutputExists(
                f"{self.shown}: another sim command is writing this folder now (or a killed one left "
                f"{self.lock_path.name}: delete it if no sim command is running)"
            ) from None

    def _unlock(self) -> None:
        if self.lock_fd is None:
            return
        try:
            if self.lock_path is not None:
                self.lock_path.unlink(missing_ok=True)  # while still locked (see _lock)
        except OSError:
            pass
        os.close(self.lock_fd)
        self.lock_fd = None

    def _clean_stale(self) -> None:
        """Remove what killed runs left (we hold the claim, so nobody else owns these)."""
        name = re.escape(self.target.name)
        ours = re.compile(rf"^\.{name}\.sim-(tmp|old)-[0-9a-f]{{16}}$")
        legacy = re.compile(rf"^\.{name}\.(old-)?[a-z0-9_]{{8}}$")  # written by earlier versions
        olds = []
        for entry in self.target.parent.iterdir():
            match = ours.match(entry.name)
            if match and entry.is_dir() and not entry.is_symlink():
                if match[1] == "old":
                    olds.append(entry)
                else:
                    shutil.rmtree(entry, ignore_errors=True)
            elif legacy.match(entry.name) and entry.is_dir() and not _foreign(entry, marker_needed=False):
                shutil.rmtree(entry, ignore_errors=True)
        if olds and not self.target.exists():
            os.rename(olds.pop(), self.target)  # died between the two renames: the old result comes back
        for entry in olds:
            shutil.rmtree(entry, ignore_errors=True)

    def _check_existing(self) -> None:
        if not self.target.is_dir() or not any(self.target.iterdir()):
            return
        if not self.force:
            raise OutputExists(f"{self.shown}: output folder is not empty (use --force to replace it)")
        foreign = _foreign(self.target)
        if foreign:
            shown = ", ".join(shorten(f, 60) for f in foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise OutputExists(
                f"{self.shown}: --force replaces only a folder of sim's results, and this one holds {shown} "
                "(expected only sim's files: move them, or choose another folder)"
            )

    # ---------------------------------------------------------------- write
    def write(self, fill: Callable[[Path], None]) -> Path:
        """``fill(tmpdir)``, then put ``tmpdir`` at the target (atomically, see the module doc)."""
        self.tmp = self.target.parent / f".{self.target.name}.sim-tmp-{secrets.token_hex(8)}"
        try:
            self.tmp.mkdir()
            _write_marker(self.tmp, self.written_by)
            fill(self.tmp)
            _write_marker(self.tmp, self.written_by)
            if self.target.exists():
                self._exchange()
            else:
                _rename_noreplace(self.tmp, self.target, self.shown)
        except OutputError:
            raise
        except OSError as exc:
            raise OutputError(f"{self.shown}: cannot write the output ({reason(exc)})") from None
        except RuntimeError as exc:  # the NetCDF library reports a failed write (e.g. a full disk) so
            if not str(exc).startswith("NetCDF"):
                raise
            raise OutputError(f"{self.shown}: cannot write results.nc ({shorten(str(exc), 100)}; is the disk full?)") from None
        return self.target

    def _exchange(self) -> None:
        old = self.tmp
        if _renameat2(self.tmp, self.target, _RENAME_EXCHANGE):
            shutil.rmtree(old, ignore_errors=True)  # it now holds the old result
            return
        old = self.target.parent / f".{self.target.name}.sim-old-{secrets.token_hex(8)}"
        os.rename(self.target, old)
        os.rename(self.tmp, self.target)
        shutil.rmtree(old, ignore_errors=True)


def _write_marker(folder: Path, written_by: str) -> None:
    from simulator.version import __version__

    files = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    record = {"written_by": written_by, "simulator_version": __version__, "files": files}
    (folder / MARKER).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _foreign(folder: Path, marker_needed: bool = True) -> list[str]:
    """The entries of ``folder`` that the tool did not write (relative names; the marker counts
    as missing when ``marker_needed``)."""
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    names = {p.name for p in entries}
    out = [p.name for p in entries if p.name not in TOOL_FILES or (p.name == "plots" and not _plots_only(p))]
    out += [f"plots/{q.name}" for p in entries if p.name == "plots" and p.is_dir() for q in sorted(p.iterdir())
            if not (q.is_file() and q.suffix in PLOT_SUFFIXES)]
    if marker_needed and MARKER not in names and not out:
        out.append(f"no {MARKER} marker (not written by this version of sim)")
    return out


def _plots_only(plots: Path) -> bool:
    return plots.is_dir() and not plots.is_symlink()


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


_LIBC = _libc()


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(src, dst, flags)``; False when the system or file system does not offer it."""
    func = getattr(_LIBC, "renameat2", None)
    if func is None:
        return False
    result = func(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), ctypes.c_uint(flags))
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(dst))


def _rename_noreplace(src: Path, dst: Path, shown: str) -> None:
    try:
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
        os.rename(src, dst)  # no RENAME_NOREPLACE: a folder made meanwhile must be empty to be replaced
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise OutputExists(f"{shown}: appeared while this command was writing it (expected nothing there)") from None
        raise
