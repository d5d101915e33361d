"""Open the files a user names (scenarios, CSV tables, results) without hanging or reading forever.

A path may be anything: a folder, a FIFO (which blocks a plain ``open``), ``/dev/zero`` (which
never ends), a symbolic-link loop, a name too long for the file system. :func:`read_user_file`
opens without blocking, accepts only a regular file no larger than a limit, and turns every
failure into :class:`FileProblem` whose message is a short phrase such as ``"is a folder"``.
"""

from __future__ import annotations

import errno
import os
import stat

_REASONS = {
    errno.ENOENT: "file not found",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "symbolic link loop",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
}


class FileProblem(Exception):
    """Why a file cannot be read, as a short phrase (``str(exc)``)."""


def reason(exc: BaseException) -> str:
    """A short phrase for an ``OSError`` (or the ``ValueError`` of a name with a NUL byte)."""
    if isinstance(exc, OSError):
        return _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__).lower()
    return "bad file name"


def kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is not a regular file"


def check_regular_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`FileProblem` unless ``path`` is a regular file (following links)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:
        raise FileProblem(reason(exc)) from None
    if not stat.S_ISREG(mode):
        raise FileProblem(kind(mode))


def read_user_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` bytes (else :class:`FileProblem`)."""
    if not os.fspath(path):
        raise FileProblem("empty file name")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise FileProblem(reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(kind(info.st_mode))
        if info.st_size > limit:
            raise FileProblem(f"is {info.st_size:,} bytes, more than the limit of {limit:,}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileProblem(f"is more than the limit of {limit:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise FileProblem(reason(exc)) from None
    finally:
        os.close(fd)
