"""Incremental re-runs: a report's extraction is kept in `interim/.cache/` as JSON (data, never
code: a planted file can at worst be refused), keyed by the input's sha256, its path, and the
pipeline version (a digest of the package's code, specs and suites), so an unchanged input
skips straight past extraction, and any change to code, specs or suites redoes it. An entry is
used only when the key it records is the key asked for."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from extract.write import json_atomic

CACHE_DIR = ".cache"
FORMAT = 2  # bump when the stored shape changes


@cache
def pipeline_version() -> str:
    """Digest of every source, spec and suite file of the package."""
    root = Path(__file__).resolve().parent
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml", ".json") and p.is_file())
    digest = hashlib.sha256()
    for p in files:
        digest.update(p.relative_to(root).as_posix().encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def input_key(sha256: str, source_file: str) -> str:
    """The cache key of one input: its content's sha256, where it sits, and the pipeline version."""
    return hashlib.sha256(f"{sha256}\0{source_file}\0{pipeline_version()}".encode()).hexdigest()


def _path(interim: Path, key: str) -> Path:
    return interim / CACHE_DIR / f"{key}.json"


def _encode(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return {"$decimal": str(obj)}
    if isinstance(obj, datetime):
        return {"$datetime": obj.isoformat()}
    raise TypeError(f"not cacheable: {type(obj).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$decimal" in obj:
            return Decimal(obj["$decimal"])
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
    return obj


def load(interim: Path, key: str) -> dict[str, Any] | None:
    """The cached fields for `key`, or None (missing, unreadable, or recorded for another key)."""
    try:
        entry = json.loads(_path(interim, key).read_text("utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or entry.get("format") != FORMAT:
        return None
    fields = entry.get("result")
    return fields if isinstance(fields, dict) else None


def save(interim: Path, key: str, fields: dict[str, Any]) -> None:
    """Store `fields` (JSON-able, Decimals and datetimes included) under `key`, atomically."""
    json_atomic(_path(interim, key), {"format": FORMAT, "key": key, "result": fields}, default=_encode, levels=0)
