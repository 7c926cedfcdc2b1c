"""Stage 6, write: Parquet per the contract, hive-partitioned by report, all-or-nothing.

A report's datasets are first written (and fsynced) to `processed/.staging/<report_id>/`, then
a COMMIT marker is written, then each file is moved into place with an atomic rename and the
partitions of the datasets the commit does not hold are removed (a failed or quarantined
report keeps no data rows). What a commit replaces or removes is kept aside in the staging
folder (`old/`) until every move is done: a move that fails puts back what was moved, so the
report's datasets are all new or all as before. A run killed before the marker leaves the
staging folder behind, which the next run deletes; a run killed after it is rolled forward by
the next run (or, if that fails, back). Either way no report is ever half-written.

The record of what was published (input file, its sha256, the cache key of the extraction)
travels in the same commit, as `reports/report_id=<id>/_source.json` (a name Parquet readers
skip), so it can never disagree with the rows beside it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

import pyarrow as pa
import pyarrow.parquet as pq

from extract.contract import CONTRACT_VERSION, SCHEMAS

log = logging.getLogger("extract.write")

STAGING = ".staging"
COMMIT = "COMMIT"
PART = "part-0.parquet"


def _stamped(table: pa.Table) -> pa.Table:
    """The table with the contract and package versions in its Parquet metadata."""
    from extract import __version__

    meta = {**(table.schema.metadata or {}), b"iess_extract.contract_version": CONTRACT_VERSION.encode(),
            b"iess_extract.package_version": __version__.encode()}
    return table.replace_schema_metadata(meta)


def partition_dir(processed: Path, dataset: str, report_id: str) -> Path:
    return processed / dataset / f"report_id={report_id}"


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


RECORD = "_source.json"
OLD = "old"  # in a staging folder: what its commit replaces or removes, until the commit is done


class CommitFailed(OSError):
    """A report's datasets could not all be moved into place."""


def full(err: BaseException) -> TypeGuard[OSError]:
    """Whether `err` is a full disk (no space left on it, or the user's quota used up)."""
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT)


def commit_report(processed: Path, report_id: str, tables: dict[str, pa.Table],
                  record: dict[str, Any] | None = None) -> None:
    """Write every dataset of one report atomically, and its publication `record` with them
    (see module docstring); datasets not in `tables` lose this report's rows. Raises
    CommitFailed when the datasets could not be staged for a full disk (named; the staging
    folder removed) or not moved into place: either way, what was published stays."""
    stage = processed / STAGING / report_id
    if (stage / COMMIT).exists():
        raise CommitFailed(f"an earlier write of {report_id} is unfinished in {stage}; "
                           "what was published for it is kept")
    if stage.exists():
        shutil.rmtree(stage)
    try:
        stage.mkdir(parents=True)
        _stage(stage, tables, record)
    except OSError as err:
        with contextlib.suppress(OSError):
            _discard(stage)  # nothing committed: nothing half-written is left either
        if full(err):
            raise CommitFailed(f"{processed} is full ({err.strerror}): nothing of the report was written; "
                               "what was published for it is kept") from err
        raise
    _apply(processed, stage)


def _stage(stage: Path, tables: dict[str, pa.Table], record: dict[str, Any] | None) -> None:
    """A report's datasets and `record` written and fsynced to `stage`, then its COMMIT marker."""
    for dataset, table in tables.items():
        with open(stage / f"{dataset}.parquet", "wb") as fh:
            pq.write_table(_stamped(table.drop_columns(["report_id"])), fh)
            fh.flush()
            os.fsync(fh.fileno())
    if record is not None:
        _fsync_write(stage / RECORD, json.dumps(record, sort_keys=True).encode())
    marker = stage / f"{COMMIT}.tmp"
    _fsync_write(marker, json.dumps([*sorted(tables), *([RECORD] if record is not None else [])]).encode())
    _fsync(stage)
    os.replace(marker, stage / COMMIT)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _apply(processed: Path, stage: Path) -> None:
    """Move a committed report into place, or, when a move fails, put back what was moved and
    raise CommitFailed (the staging folder is kept for the next run only if even that fails).
    From any state a kill leaves, both directions work: a roll-forward redoes what is left."""
    names = json.loads((stage / COMMIT).read_text())
    datasets, record = [n for n in names if n != RECORD], RECORD in names
    try:
        _forward(processed, stage, datasets)
    except OSError as err:
        try:
            _back(processed, stage, datasets, record)
        except OSError as undo:
            raise CommitFailed(f"its datasets could not be moved into place ({err}) nor put back ({undo}); "
                               f"the next run finishes the write from {stage}") from err
        _discard(stage)
        raise CommitFailed(f"its datasets could not be moved into place ({err}); "
                           "every one is as published before") from err
    _discard(stage)


def _moves(processed: Path, stage: Path, datasets: list[str]) -> list[tuple[Path, Path, Path]]:
    """The file moves of a commit, in order, as (staged file, its place, where what it
    replaces is kept); the publication record's last."""
    rid = stage.name
    return [*((stage / f"{d}.parquet", partition_dir(processed, d, rid) / PART, stage / OLD / d / PART)
              for d in datasets),
            (stage / RECORD, partition_dir(processed, "reports", rid) / RECORD, stage / OLD / "reports" / RECORD)]


def _removals(processed: Path, stage: Path, datasets: list[str]) -> list[tuple[Path, Path]]:
    """The partitions a commit removes, as (partition, where it is kept until the commit is done)."""
    return [(partition_dir(processed, d, stage.name), stage / OLD / d) for d in SCHEMAS if d not in datasets]


def _forward(processed: Path, stage: Path, datasets: list[str]) -> None:
    """Each partition the commit does not hold moved aside; each staged file moved into place,
    what it replaces linked aside first (copied where the folder takes no hard links)."""
    for part, old in _removals(processed, stage, datasets):
        if part.exists():
            old.parent.mkdir(parents=True, exist_ok=True)
            os.rename(part, old)
    for src, dest, old in _moves(processed, stage, datasets):
        if not src.exists():  # moved before an interruption, or no record staged
            continue
        if dest.exists() and not old.exists():
            old.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(dest, old)
            except OSError:
                shutil.copy2(dest, old)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)


def _back(processed: Path, stage: Path, datasets: list[str], record: bool) -> None:
    """Undo `_forward` from wherever it stopped, last move first: each moved file back to the
    stage and what it replaced back in place (a partition folder it made removed), then each
    partition moved aside put back. `record`: whether the commit staged a publication record."""
    moves = _moves(processed, stage, datasets)
    for src, dest, old in reversed(moves if record else moves[:-1]):
        if not src.exists() and dest.exists():
            os.replace(dest, src)
        if old.exists() and not dest.exists():
            os.replace(old, dest)
        elif not old.exists():
            with contextlib.suppress(OSError):
                dest.parent.rmdir()  # made by the commit: empty again
    for part, old in _removals(processed, stage, datasets):
        if old.exists() and not part.exists():
            os.rename(old, part)


def _discard(stage: Path) -> None:
    """A staging folder whose commit is done or undone: its marker first (a kill after it
    leaves nothing to roll forward), then the rest."""
    (stage / COMMIT).unlink(missing_ok=True)
    shutil.rmtree(stage)
    with contextlib.suppress(OSError):
        stage.parent.rmdir()  # the staging root, once empty


def published_records(processed: Path) -> dict[str, dict[str, Any]]:
    """Per published report, the record of its publication (empty when none was kept)."""
    out: dict[str, dict[str, Any]] = {}
    for rid in published_reports(processed):
        try:
            out[rid] = json.loads((partition_dir(processed, "reports", rid) / RECORD).read_text("utf-8"))
        except (OSError, ValueError):
            out[rid] = {}
    return out


def recover(processed: Path) -> None:
    """Finish or undo what an interrupted run left in the staging folder; a report whose write
    cannot be finished is rolled back or left for the next run, never stopping this one."""
    root = processed / STAGING
    try:
        stages = sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []
    except OSError as err:
        log.error("cannot read %s (%s): interrupted writes are left as they are", root, err.strerror)
        return
    for stage in stages:
        try:
            if (stage / COMMIT).exists():
                log.warning("recovering %s: finishing an interrupted write", stage.name)
                _apply(processed, stage)
            else:
                log.warning("recovering %s: discarding an interrupted write", stage.name)
                shutil.rmtree(stage)
        except (OSError, ValueError) as err:
            log.error("recovering %s: %s", stage.name, err)
    with contextlib.suppress(OSError):
        root.rmdir()


def published_reports(processed: Path) -> set[str]:
    """Report ids that have any partition under `processed/`."""
    return {
        p.name.removeprefix("report_id=")
        for d in processed.iterdir() if d.is_dir() and not d.name.startswith(".")
        for p in d.iterdir() if p.name.startswith("report_id=")
    } if processed.exists() else set()


def remove_report(processed: Path, report_id: str) -> None:
    """Drop every partition of a report (its input left `raw/`), all or none (a commit of
    nothing); raises CommitFailed when they could not all be removed."""
    commit_report(processed, report_id, {})


def json_atomic(path: Path, obj: Any, default: Callable[[Any], Any] | None = None, levels: int = 2) -> None:
    """JSON written atomically (temp file of this process + rename); the items of its outer
    `levels` of lists and dicts on lines of their own, a record (a dict in a list) always on
    one (2: datasets by name, a row per line; 0: compact); `default` encodes what JSON has no
    type for (Decimals as text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    encoder = json.JSONEncoder(ensure_ascii=False, default=default or _json_default)
    try:
        tmp.write_text(_by_line(obj, encoder.encode, levels), "utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _by_line(obj: Any, encode: Callable[[Any], str], levels: int) -> str:
    """`obj` as JSON, the outer `levels` laid out a line per item, each item encoded compactly
    by `encode` (json's `indent` would take its pure-Python encoder, several times slower)."""
    if levels and isinstance(obj, list) and obj:
        return "[\n" + ",\n".join(_by_line(v, encode, 0 if isinstance(v, dict) else levels - 1) for v in obj) + "\n]"
    if levels and isinstance(obj, dict) and obj and all(isinstance(k, str) for k in obj):  # else: as json keys it
        items = (f"{encode(k)}: {_by_line(v, encode, levels - 1)}" for k, v in obj.items())
        return "{\n" + ",\n".join(items) + "\n}"
    return encode(obj)


def text_atomic(path: Path, text: str) -> None:
    """A text file (the run report), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, datetime | Path):
        return str(obj)
    if hasattr(obj, "__dict__"):
        return obj.__dict__
    raise TypeError(type(obj))


def json_lines(path: Path, head: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """`head` plus `key`: a list of `items`, one per line, streamed (a large report's lines
    never build one big string), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps(head, ensure_ascii=False, default=_json_default)[:-1])
            fh.write(f'{", " if head else ""}{json.dumps(key)}: [\n')
            for i, item in enumerate(items):
                fh.write(("," if i else "") + json.dumps(item, ensure_ascii=False, default=_json_default) + "\n")
            fh.write("]}\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def checks(interim: Path, report_id: str, rows: list[dict[str, Any]]) -> None:
    """A validated report's reconciliation rows (`reconcile.checks`) under
    `interim/conciliaciones/<report_id>.json`, for the Data Docs site to validate again."""
    try:
        json_atomic(interim / "conciliaciones" / f"{report_id}.json", rows)
    except OSError as err:
        log.warning("%s: reconciliation rows not kept in %s (%s)", report_id, interim, err.strerror)


def quarantine(out: Path, payload: dict[str, Any]) -> None:
    """Park a blocked report's datasets (JSON, since they may not fit the schema) with why."""
    json_atomic(out / "quarantine.json", payload, default=str, levels=3)  # a dataset's rows: a row per line
