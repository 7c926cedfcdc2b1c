"""The stage runner: every report through ingest → sections → tables → normalise →
indicators (the per-report function, mapped by an engine, while this process imports GX),
then validate (one GX pass for the whole run) → write (report by report, atomically, mapped
too); one report's failure never stops the others."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from extract import cache, engines, indicators, sections, validate, write
from extract.contract import TABLE_DATASETS
from extract.ingest import BadInput, ingest
from extract.model import Document, Sink
from extract.normalise import normalise
from extract.tables.find import find_tables
from extract.tables.spec import load_specs
from extract.textutil import slug

log = logging.getLogger("extract.pipeline")

Record = dict[str, Any]
MANIFEST = ".manifest.json"  # report_id -> cache key of what processed/ holds


@dataclass
class ReportResult:
    """Everything one input yields: its datasets, or the reason it failed."""

    source_file: str
    kind: str | None = None
    sha256: str | None = None
    report_id: str | None = None
    report: Record = field(default_factory=dict)
    datasets: dict[str, list[Record]] = field(default_factory=dict)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    cache_key: str | None = None
    cached: bool = False

    @property
    def failed(self) -> bool:
        return self.error is not None


def _dump(path: Path, obj: Any) -> None:
    """JSON for a person to read, written atomically (temp file of this process + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=1, default=_json_default), "utf-8")
    tmp.replace(path)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, datetime | Path):
        return str(obj)
    if hasattr(obj, "__dict__"):
        return obj.__dict__
    raise TypeError(type(obj))


def extract_report(path: Path, root: Path, interim: Path) -> ReportResult:
    """The per-report work as one function of its input file: datasets and anomalies out,
    stage outputs and the cache entry written under `interim/`. Never raises."""
    source = _relative(path, root)
    try:
        key = cache.input_key(path, source)
    except OSError as err:
        log.error("%s: cannot be read (%s)", source, err.strerror)
        return ReportResult(source, error=f"cannot be read ({err.strerror})")
    clock = _Clock()
    try:
        with clock("ingest"):
            doc = ingest(path, root)
    except BadInput as err:
        log.error("%s: %s", source, err)
        res = ReportResult(source, error=str(err))
    except Exception as err:  # a bug or an unforeseen file: name the file, keep the batch going
        log.exception("%s: unexpected failure while reading", source)
        res = ReportResult(source, error=f"unexpected failure while reading: {err}")
    else:
        try:
            res = _extract(doc, interim / doc.report_id / path.name, clock)
        except Exception as err:
            log.exception("%s: unexpected failure while extracting", source)
            res = ReportResult(source, doc.kind, doc.sha256, doc.report_id,
                               error=f"unexpected failure: {err}")
    res.timings, res.cache_key = clock.seconds, key
    cache.save(interim, key, res)
    return res


def cached_result(path: Path, root: Path, interim: Path) -> ReportResult | None:
    """The stored result of an unchanged input (same bytes, path and pipeline), if any."""
    try:
        key = cache.input_key(path, _relative(path, root))
    except OSError:
        return None
    res = cache.load(interim, key)
    if res is not None:
        res.cached = True
    return res


class _Clock:
    """Seconds spent per stage: `with clock("tables"): ...`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def _extract(doc: Document, out: Path, clock: _Clock) -> ReportResult:
    rid = doc.report_id
    log.info("%s: ingest: %s report %s, %d lines%s", doc.source_file, doc.kind, rid,
             len(doc.lines), f", {doc.pages} pages" if doc.pages else "")
    _dump(out / "01-ingest.json", {
        "source_file": doc.source_file, "kind": doc.kind, "sha256": doc.sha256, "pages": doc.pages,
        "identity": doc.identity.__dict__, "lines": [[ln.page, ln.line, ln.text] for ln in doc.lines],
    })
    sink = Sink(rid)
    with clock("sections"):
        secs = sections.detect(doc.lines)
    log.info("%s: sections: %d headings", rid, len(secs))
    _dump(out / "02-sections.json", [s.__dict__ for s in secs])

    with clock("tables"):
        found = find_tables(doc, secs, sink)
    tables = [f.table for f in found if f.table]
    log.info("%s: tables: %s", rid, ", ".join(
        f"{f.dataset}={len(f.table.rows)} rows" if f.table else f"{f.dataset}=none" for f in found))
    _dump(out / "03-tables.json", [t.to_json() for t in tables])

    specs = {s.name: s for s in load_specs()}
    data: dict[str, list[Record]] = {d: [] for d in TABLE_DATASETS}
    data["totales"] = []
    with clock("normalise"):
        for table in tables:
            details, totals = normalise(doc, specs[table.spec], table, sink)
            data[table.dataset] = details
            data["totales"].extend(totals)
    with clock("indicators"):
        headings = frozenset(i for s in secs for i in s.title_lines)
        data["indicadores"] = indicators.extract(doc, sink, headings)
    log.info("%s: normalise: %s", rid, ", ".join(f"{k}={len(v)}" for k, v in data.items()))
    _dump(out / "04-normalised.json", data)

    data["secciones"] = [
        {"report_id": rid, "numero": s.numero, "titulo": s.titulo, "nivel": s.nivel, "orden": s.orden,
         "start_page": s.start_page, "start_line": s.start_line} for s in secs
    ]
    missing = [f.dataset for f in found if f.expected and not f.table and not f.stated_none]
    data["anomalias"] = [a.as_row(rid) for a in sink.items]
    _dump(out / "anomalias.json", data["anomalias"])
    report = _report_row(doc, "partial" if missing else "ok", len(tables))
    return ReportResult(doc.source_file, doc.kind, doc.sha256, rid, report, data)


def _report_row(doc: Document, status: str, tables_found: int, error: str | None = None) -> Record:
    ident = doc.identity
    return {
        "report_id": doc.report_id, "entidad": ident.entidad, "ambito": ident.ambito,
        "provincia": ident.provincia, "anio_fiscal": ident.anio_fiscal,
        "source_file": doc.source_file, "sha256": doc.sha256, "pages": doc.pages,
        "status": status, "tables_found": tables_found,
        "extracted_at": datetime.now(UTC).replace(microsecond=0), "error": error,
    }


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def list_inputs(raw: Path) -> list[Path]:
    """Input files of the folder (hidden files skipped), in name order."""
    return sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith("."))


def deduplicate(results: list[ReportResult]) -> list[ReportResult]:
    """One result per report: a PDF wins over text, then the first by name; skips are logged."""
    best: dict[str, ReportResult] = {}
    out = []
    for res in results:
        if res.failed or res.report_id is None:
            out.append(res)
            continue
        cur = best.get(res.report_id)
        if cur is None or (res.kind == "pdf" and cur.kind != "pdf"):
            if cur is not None:
                log.info("%s: same report as %s; using the PDF", cur.source_file, res.source_file)
            best[res.report_id] = res
        else:
            log.info("%s: same report as %s (%s); skipped", res.source_file, cur.source_file,
                     res.report_id)
    return out + list(best.values())


def failed_report_row(res: ReportResult) -> Record:
    rid = res.report_id or f"unidentified-{(res.sha256 or _name_hash(res.source_file))[:12]}"
    return {"report_id": rid, "source_file": res.source_file, "sha256": res.sha256,
            "status": "failed", "tables_found": 0, "error": res.error,
            "extracted_at": datetime.now(UTC).replace(microsecond=0)}


def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


@dataclass
class RunOptions:
    raw: Path
    interim: Path
    processed: Path
    only: str | None = None
    workers: int = 1
    root: Path = field(default_factory=Path.cwd)
    force: bool = False
    engine: str = "process"  # process | dask
    scheduler: str | None = None
    distinct_copies: bool = False  # benchmarks only: every input file is its own report


def _map(inputs: list[Path], opts: RunOptions, meanwhile: engines.Meanwhile = None) -> list[ReportResult]:
    """Results for every input: cached ones read here, the rest computed by the engine; a
    parallel engine runs `meanwhile` here while its workers extract."""
    results: dict[Path, ReportResult] = {}
    todo = []
    for path in inputs:
        hit = None if opts.force else cached_result(path, opts.root, opts.interim)
        if hit is None:
            todo.append(path)
        else:
            results[path] = hit
    if todo:
        work = partial(extract_report, root=opts.root, interim=opts.interim)
        on_error = partial(_failed_path, opts=opts)
        if opts.engine == "dask":
            computed = engines.dask(work, todo, on_error, opts.workers, opts.scheduler, meanwhile)
        elif opts.workers > 1 and len(todo) > 1:
            computed = engines.process_pool(work, todo, on_error, opts.workers, meanwhile)
        else:
            computed = engines.serial(work, todo, on_error)
        results.update(zip(todo, computed, strict=True))
    log.info("%d input(s): %d unchanged, %d extracted", len(inputs), len(inputs) - len(todo), len(todo))
    return [results[p] for p in inputs]


def _failed_path(path: Path, err: BaseException, opts: RunOptions) -> ReportResult:
    return ReportResult(_relative(path, opts.root), error=f"worker failed: {err}")


def _as_copy(res: ReportResult) -> ReportResult:
    """Benchmarks: a renamed copy as a report of its own (`<report_id>--<file stem>`)."""
    if res.report_id is None:
        return res
    new = f"{res.report_id}--{slug(Path(res.source_file).stem)}"
    for rows in [*res.datasets.values(), [res.report]]:
        for row in rows:
            row["report_id"] = new
    res.report_id = new
    return res


def _manifest_path(processed: Path) -> Path:
    return processed / MANIFEST


def _read_manifest(processed: Path) -> dict[str, str]:
    try:
        return json.loads(_manifest_path(processed).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def run(opts: RunOptions) -> int:
    """Process every input of `opts.raw`; returns the exit code (0 ok, 1 any report failed)."""
    started = time.perf_counter()
    write.recover(opts.processed)
    inputs = list_inputs(opts.raw)
    clock = _Clock()

    def import_gx() -> None:
        with clock("gx_import"):
            validate.ready()

    with clock("extract"):  # wall time of the per-report work (and a GX import beside it)
        results = _map(inputs, opts, meanwhile=import_gx)
    results = [_as_copy(r) for r in results] if opts.distinct_copies else deduplicate(results)
    if opts.only:
        results = [r for r in results if r.report_id == opts.only]
    manifest = _read_manifest(opts.processed)
    failures = 0
    seen: set[str] = set()
    publish: list[ReportResult] = []
    for res in results:
        if res.failed:
            failures += 1
            row = failed_report_row(res)
            seen.add(row["report_id"])
            write.commit_report(opts.processed, row["report_id"],
                                {"reports": write.to_table("reports", [row])})
            manifest.pop(row["report_id"], None)
            continue
        assert res.report_id is not None
        seen.add(res.report_id)
        if (res.cached and manifest.get(res.report_id) == res.cache_key
                and write.partition_dir(opts.processed, "reports", res.report_id).exists()):
            log.info("%s: unchanged since the last run (%s)", res.report_id, res.source_file)
        else:
            publish.append(res)
    if publish:
        import_gx()  # a no-op when done beside the workers
        with clock("validate"):
            verdicts = validate.validate_reports(publish)
    with clock("write"):
        written_all = _publish_all(publish, verdicts, opts) if publish else []
    for res, written in zip(publish, written_all, strict=True):
        if written:
            manifest[res.report_id or ""] = res.cache_key or ""
        else:
            failures += 1
            manifest.pop(res.report_id or "", None)
    if not opts.only:
        for stale in write.published_reports(opts.processed) - seen:
            log.info("%s: its input is gone from %s; removing its rows", stale, opts.raw)
            write.remove_report(opts.processed, stale)
            manifest.pop(stale, None)
    _dump(_manifest_path(opts.processed), manifest)
    _dump(opts.interim / "run.json",
                _run_stats(results, clock.seconds, time.perf_counter() - started))
    ok = len(results) - failures
    log.info("done: %d report(s) ok, %d failed", ok, failures)
    return 1 if failures else 0


@dataclass
class _Publication:
    """One validated report to write: an engine's work item."""

    result: ReportResult
    verdict: validate.Verdict

    def __str__(self) -> str:
        return self.result.report_id or self.result.source_file


def _publish_all(publish: list[ReportResult], verdicts: dict[str, validate.Verdict],
                 opts: RunOptions) -> list[bool]:
    """Write the validated reports, on a local process pool when `--workers` > 1 (the
    folders are this machine's, whatever engine extracted); True for each one written."""
    items = [_Publication(res, verdicts[res.report_id or ""]) for res in publish]
    work = partial(_publish, opts=opts)
    if opts.workers > 1 and len(items) > 1:
        return engines.process_pool(work, items, _not_written, opts.workers)
    return engines.serial(work, items, _not_written)


def _not_written(item: _Publication, err: BaseException) -> bool:
    log.error("%s: not written: %s", item, err)
    return False


def _publish(item: _Publication, opts: RunOptions) -> bool:
    """Write one validated report, or quarantine it; True when written."""
    res, verdict = item.result, item.verdict
    assert res.report_id is not None
    if verdict.blocked:
        log.error("%s: blocked by validation: %s", res.report_id, "; ".join(verdict.failed))
        validate.quarantine(res, opts.interim / res.report_id / "quarantine", verdict)
        return False
    tables = {name: write.to_table(name, rows) for name, rows in res.datasets.items()}
    tables["reports"] = write.to_table("reports", [res.report])
    tables["validaciones"] = verdict.table()
    write.commit_report(opts.processed, res.report_id, tables)
    log.info("%s: write: %s (%s)", res.report_id, res.report["status"], res.source_file)
    return True


def _run_stats(results: list[ReportResult], run_stages: dict[str, float], seconds: float) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "run_stages": run_stages,
        "reports": [{"report_id": r.report_id, "source_file": r.source_file, "cached": r.cached,
                     "pages": (r.report or {}).get("pages"), "failed": r.failed,
                     "timings": r.timings} for r in results],
    }

