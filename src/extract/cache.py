"""Incremental re-runs: a report's extraction is kept in `interim/.cache/`, keyed by the
input's sha256, its path, and the pipeline version (a digest of the package's code and specs),
so an unchanged input skips straight past extraction, and any change to code or specs redoes it."""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache"


@cache
def pipeline_version() -> str:
    """Digest of every source and spec file of the package (and the suites it validates with)."""
    root = Path(__file__).resolve().parent
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml") and p.is_file())
    suites = root.parents[1] / "expectations"
    files += sorted(suites.glob("*.json")) if suites.is_dir() else []
    digest = hashlib.sha256()
    for p in files:
        digest.update(p.name.encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def input_key(path: Path, source_file: str) -> str:
    """The cache key of one input: content, where it sits, and the pipeline version."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(source_file.encode())
    digest.update(pipeline_version().encode())
    return digest.hexdigest()


def _path(interim: Path, key: str) -> Path:
    return interim / CACHE_DIR / f"{key}.pkl"


def load(interim: Path, key: str) -> Any | None:
    """The cached result for `key`, or None (missing or unreadable)."""
    try:
        with open(_path(interim, key), "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def save(interim: Path, key: str, value: Any) -> None:
    path = _path(interim, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
