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
from extract.cache import CACHE_DIR, pipeline_version
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


def source_name(path: Path, root: Path) -> str:
    """An input's name in what is published (`source_file`): its path as given, relative to
    `root`, through any link (`raw/` a link to a dated folder: the target's path would change
    with it, and every report with it); else relative to `root` with links resolved (`root`
    reached through a link); else as given."""
    given, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    if given.is_relative_to(base):
        return given.relative_to(base).as_posix()
    real, base = path.resolve(), root.resolve()
    return real.relative_to(base).as_posix() if real.is_relative_to(base) else path.as_posix()


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


@dataclass(frozen=True)
class Opening:
    """What an input's opening says, read ahead of extraction to tell a PDF's own text: its
    kind by content, the report it claims (None: it does not tell) and its figures."""

    kind: str
    claim: str | None
    figures: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        """As recorded, with the pipeline version that read it (another version reads again)."""
        return {"kind": self.kind, "claim": self.claim, "figures": sorted(self.figures),
                "version": pipeline_version()}


@dataclass
class Known:
    """What the index holds of the inputs still as they were when last read."""

    digests: dict[Path, Digest | None]
    openings: dict[Path, Opening]
    recorded: dict[str, Any]  # the index as read (`remember` starts from it)


def known(paths: list[Path], sources: dict[Path, str], interim: Path) -> Known:
    """Each input's digest and opening as recorded when it was last read, where its size,
    modification time and inode are still the recorded ones (otherwise the worker hashes it,
    and a batch of PDFs and texts reads its opening again)."""
    index = _load_index(interim)
    out = Known({}, {}, index)
    for path in paths:
        out.digests[path] = None
        entry = index.get(sources[path])
        try:
            now = identity(path.stat())
        except OSError:
            continue
        if not isinstance(entry, dict) or entry.get("stamp") != now:
            continue
        if isinstance(entry.get("sha256"), str):
            out.digests[path] = Digest(entry["sha256"], now)
        opening = entry.get("opening")
        if isinstance(opening, dict) and isinstance(opening.get("figures"), list) \
                and opening.get("version") == pipeline_version():
            out.openings[path] = Opening(str(opening.get("kind")), opening.get("claim"),
                                         frozenset(map(str, opening["figures"])))
    return out


def remember(interim: Path, seen: list[tuple[str, list[int], dict[str, Any]]], current: set[str],
             recorded: dict[str, Any]) -> None:
    """Record what this run learnt of its inputs by reading them, each (source file, stamp
    when read, facts: `sha256`, `opening`), beside what was `recorded` (`Known.recorded`) of
    the inputs still `current`; facts of one stamp add up, a new stamp replaces. Not written
    when nothing changed (a re-run); best effort, atomic."""
    index = {k: v for k, v in recorded.items() if k in current}
    for source, st, facts in seen:
        old = index.get(source)
        index[source] = {**(old if isinstance(old, dict) and old.get("stamp") == st else {}), **facts, "stamp": st}
    if index == recorded:
        return
    try:
        json_atomic(_index_path(interim), index, levels=0)
    except OSError as err:
        log.warning("the index of inputs read was not updated (%s)", err.strerror)


def digest_of(path: Path) -> Digest:
    """The digest of a file read in chunks (an input over the size limit is not loaded)."""
    with path.open("rb") as fh:
        seen = identity(os.fstat(fh.fileno()))
        return Digest(hashlib.file_digest(fh, "sha256").hexdigest(), seen)
