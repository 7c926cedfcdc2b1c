"""One run at a time on an output folder: an exclusive lock on `processed/.lock`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

LOCK = ".lock"


class Busy(RuntimeError):
    """Another run holds the output folder."""


@contextlib.contextmanager
def held(processed: Path) -> Iterator[None]:
    """Hold the lock of `processed/` for the block; raise Busy at once if another run has it.
    The lock goes with the process (a killed run leaves no stale lock)."""
    import fcntl

    processed.mkdir(parents=True, exist_ok=True)
    fd = os.open(processed / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise Busy(f"another run (pid {holder}) is writing to {processed}; "
                       "wait for it to finish, then run again") from err
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
