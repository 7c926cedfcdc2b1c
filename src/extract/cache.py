"""Incremental re-runs: a report's extraction is kept in `interim/.cache/` as JSON (data, never
code: a planted file can at worst be refused), keyed by the input's sha256, its path, and the
pipeline version (a digest of the package's code, specs and suites), so an unchanged input
skips straight past extraction, and any change to code, specs or suites redoes it. An entry is
used only when the key it records is the key asked for and its content is the content written
(a checksum, verified on read: an edited or damaged entry is extracted again, with a log line)."""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import suppress
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from extract.textutil import safe
from extract.write import json_atomic

log = logging.getLogger("extract.cache")

CACHE_DIR = ".cache"
FORMAT = 3  # bump when the stored shape changes (3: the result's checksum)


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


def _checksum(fields: dict[str, Any]) -> str:
    """The sha256 of `fields` as JSON (the same text for the fields saved and as read back)."""
    text = json.dumps(fields, default=_encode, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def load(interim: Path, key: str) -> dict[str, Any] | None:
    """The cached fields for `key`, or None (missing, unreadable, recorded for another key, or
    not the content written: then the entry is removed, and the log says so once)."""
    path = _path(interim, key)
    try:
        entry = json.loads(path.read_text("utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or entry.get("format") != FORMAT:
        return None
    fields = entry.get("result")
    if not isinstance(fields, dict):
        return None
    if entry.get("sha256") != _checksum(fields):
        log.warning("%s: the cached result %s is not the one written (edited or damaged); extracted again",
                    safe(str(fields.get("source_file"))), safe(path.name))
        with suppress(OSError):  # then said again by the next read
            path.unlink(missing_ok=True)
        return None
    return fields


def save(interim: Path, key: str, fields: dict[str, Any]) -> None:
    """Store `fields` (JSON-able, Decimals and datetimes included) under `key`, with their
    checksum, atomically."""
    json_atomic(_path(interim, key), {"format": FORMAT, "key": key, "sha256": _checksum(fields), "result": fields},
                default=_encode, levels=0)
