"""One run at a time on an output folder: an exclusive lock on `processed/.lock`, which names the
pid of the run holding it. The lock goes with the run: no process forked from it keeps the
lock's descriptor, so a killed run leaves no lock held; a run that ended without releasing it
left its pid in the file, and the next run takes the lock over, saying so."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("extract.lock")

LOCK = ".lock"

_HELD: set[int] = set()  # descriptors of the locks this process holds


class Busy(RuntimeError):
    """Another run holds the output folder."""


class Unwritable(RuntimeError):
    """The output folder cannot be written, so no run can hold it."""


def _close_in_child() -> None:
    """After a fork, in the child: close the lock's descriptors (the lock is the parent's)."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


@contextlib.contextmanager
def held(processed: Path) -> Iterator[None]:
    """Hold the lock of `processed/` for the block; raise Busy at once if another run has it,
    Unwritable if the folder or its lock file cannot be made."""
    import fcntl

    try:
        processed.mkdir(parents=True, exist_ok=True)
        fd = os.open(processed / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise Unwritable(f"cannot write to {processed} ({err.strerror}); "
                         "give the output folder write permission or choose another with --processed") from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise Busy(_busy(processed, _holder(fd))) from err
        _HELD.add(fd)
        left = _holder(fd)
        if left:
            log.warning("%s: taking over the lock that run %s left when it ended without releasing it",
                        processed, left)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # released: the next run finds no pid left
    finally:
        _HELD.discard(fd)
        os.close(fd)


def _holder(fd: int) -> str:
    return os.pread(fd, 32, 0).decode(errors="replace").strip()


def _busy(processed: Path, holder: str) -> str:
    """Why the lock is busy: a run at work, or processes a dead run left holding it."""
    if holder.isdigit() and not alive(int(holder)):
        others = _holders(processed / LOCK)
        named = f"process(es) {', '.join(map(str, others))}" if others else "processes"
        return (f"the lock of {processed} is held by {named} left by run {holder}, which is no longer "
                "running; end them, then run again")
    return (f"another run (pid {holder or '?'}) is writing to {processed}; "
            "wait for it to finish, then run again")


def alive(pid: int) -> bool:
    """True while process `pid` exists (another user's too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        pass
    return True


def _holders(path: Path) -> list[int]:
    """Pids of the processes with `path` open (Linux's /proc; none found elsewhere)."""
    try:
        target = path.stat()
    except OSError:
        return []
    found = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        with contextlib.suppress(OSError, ValueError):
            st = fd.stat()
            if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                found.add(int(fd.parts[2]))
    return sorted(found - {os.getpid()})
