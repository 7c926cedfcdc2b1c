"""The batch's inputs before extraction: the files of `raw/`, and what the run knows of each
without reading it.

A run reads an input once: the worker that extracts it reads its bytes, hashes them and
parses them (`report.extract_report`). Before that, the batch needs a digest only to skip a
byte-identical copy or to find an unchanged input's cached result, and gets it without
reading the file where it can: an input whose size no other input shares cannot be a copy,
and an input whose size, modification time and inode are those recorded when it was last
read has the digest recorded then (`interim/.cache/inputs.index`, the way git's index spares
re-hashing unchanged files). Only inputs that share a size are read here, to tell copies.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract import tolerances
from extract.cache import CACHE_DIR
from extract.textutil import safe
from extract.write import json_atomic

log = logging.getLogger("extract.pipeline")

INDEX = "inputs.index"  # JSON; named apart from the cache entries (`<key>.json`)


@dataclass(frozen=True)
class Digest:
    """An input's sha256 and the file's identity (size, mtime, inode) it was taken at: the
    worker uses it only if the file it reads still has that identity."""

    sha256: str
    seen: list[int]


@dataclass(frozen=True)
class Job:
    """One input to extract, with its digest when the batch already knows it."""

    path: Path
    digest: Digest | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def __str__(self) -> str:
        return self.path.name


def list_inputs(raw: Path) -> list[Path]:
    """Input files of the folder in name order; hidden files are skipped silently, and
    sub-folders, dangling or looping links and names with control characters with a word."""
    out = []
    for p in sorted(raw.iterdir()):
        if p.name.startswith("."):
            continue
        if not p.is_file():
            kind = "a folder" if p.is_dir() else "a dangling or looping link" if p.is_symlink() else "not a file"
            log.warning("%s: skipped (%s)", safe(p.name), kind)
            continue
        out.append(p)
    return out


def identity(st: os.stat_result) -> list[int]:
    """What tells a file unchanged: its size, modification time and inode."""
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def stamp(st: os.stat_result) -> list[int] | None:
    """The identity to record of a file, from its stat taken before it was read; None when
    it was modified too recently to be trusted (`tolerances.INPUT_SETTLED_SECONDS`)."""
    if time.time_ns() - st.st_mtime_ns < tolerances.INPUT_SETTLED_SECONDS * 1e9:
        return None
    return identity(st)


def _index_path(interim: Path) -> Path:
    return interim / CACHE_DIR / INDEX


def _load_index(interim: Path) -> dict[str, Any]:
    try:
        index = json.loads(_index_path(interim).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def known_digests(paths: list[Path], sources: dict[Path, str], interim: Path) -> dict[Path, Digest | None]:
    """Each input's digest as recorded when it was last read, if its size, modification time
    and inode are still the recorded ones; None otherwise (the worker will hash it)."""
    index = _load_index(interim)
    out: dict[Path, Digest | None] = {}
    for path in paths:
        entry = index.get(sources[path])
        try:
            now = identity(path.stat())
        except OSError:
            out[path] = None
            continue
        ok = isinstance(entry, dict) and entry.get("stamp") == now and isinstance(entry.get("sha256"), str)
        out[path] = Digest(entry["sha256"], now) if ok and isinstance(entry, dict) else None
    return out


def remember(interim: Path, seen: dict[str, tuple[list[int], str]], current: set[str]) -> None:
    """Record the stamp and sha256 of each input read by this run (source file -> (stamp,
    sha256)) beside those recorded before of the inputs still `current`; best effort,
    written atomically."""
    index = {k: v for k, v in _load_index(interim).items() if k in current}
    index.update({source: {"stamp": st, "sha256": sha} for source, (st, sha) in seen.items()})
    try:
        json_atomic(_index_path(interim), index, indent=None)
    except OSError as err:
        log.warning("the index of inputs read was not updated (%s)", err.strerror)


def digest_of(path: Path) -> Digest:
    """The digest of a file read in chunks (an input over the size limit is not loaded)."""
    with path.open("rb") as fh:
        seen = identity(os.fstat(fh.fileno()))
        return Digest(hashlib.file_digest(fh, "sha256").hexdigest(), seen)
