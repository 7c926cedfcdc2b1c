"""The per-report work: one input file through ingest → sections → tables → normalise →
categories → indicators, a pure function of the file (stage outputs go to `interim/`, the
result to the cache); `pipeline.py` maps it over a batch."""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract import cache, categories, engines, indicators, sections, specs, stream_order, tolerances
from extract.contract import TABLE_DATASETS
from extract.ingest import BadInput, Unidentified, ingest
from extract.inputs import Digest, identity, source_name, stamp
from extract.model import Document, Record, ReportResult, Sink
from extract.normalise import normalise
from extract.ocr import INSTALL_HINT
from extract.tables.find import Found, find_tables
from extract.tables.spec import load_specs
from extract.textutil import safe
from extract.write import full, json_atomic, json_lines

log = logging.getLogger("extract.report")

_CACHED_FIELDS = ("source_file", "kind", "sha256", "report_id", "report", "datasets", "error", "timings")


def extract_report(path: Path, root: Path, interim: Path, limits: Limits | None = None,
                   known: Digest | None = None, reuse: bool = True) -> ReportResult:
    """The per-report work as one function of its input file: datasets and anomalies out,
    stage outputs and the cache entry written under `interim/`. Never raises. The file is
    read once, here, and hashed here unless the batch `known` its digest (and it is still the
    file the digest was taken of); an input whose digest the batch did not know may still
    have a cached result (same bytes, path and pipeline), returned as is unless `reuse` is
    off (`--force`).

    A failure of the input (not a report, damaged, too large, too slow) is cached like a
    result; a fault of the run (a bug, an unwritable `interim/`) is not, and is marked `fault`
    so that the report's published rows are left as they are. The extraction is held to
    `limits.memory_bytes` here, whichever process runs it."""

    source = relative(path, root)
    limits = limits or Limits()
    try:
        st = path.stat()
        if st.st_size > limits.max_bytes:
            msg = f"too large ({st.st_size / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB, --max-size)"
            log.error("%s: %s", safe(source), msg)
            return ReportResult(source, error=msg)
        data = path.read_bytes()
        if len(data) > limits.max_text_bytes and not data.startswith(b"%PDF"):
            msg = (f"too large for the text of a report ({len(data) / 1e6:.1f} MB; the limit is "
                   f"{limits.max_text_bytes / 1e6:.0f} MB, --max-text-size)")
            log.error("%s: %s", safe(source), msg)
            return ReportResult(source, error=msg)
    except OSError as err:
        log.error("%s: cannot be read (%s)", safe(source), err.strerror)
        return ReportResult(source, error=f"cannot be read ({err.strerror})", fault=True)
    if known is not None and known.seen != identity(st):
        known = None  # changed since the batch looked: hashed again here
    digest = known.sha256 if known else hashlib.sha256(data).hexdigest()
    seen = stamp(st) if len(data) == st.st_size else None
    hit = cached_result(path, digest, root, interim) if reuse and not known else None
    if hit is not None:
        hit.stamp = seen
        return hit
    key = cache.input_key(digest, source)
    clock = Clock()
    doc = None
    try:
        with engines.memory_capped(limits.memory_bytes):  # in a worker or not (`--workers 1`)
            with deadline(limits.seconds), clock("ingest"):
                doc = ingest(path, root, data, max_pages=limits.max_pages, sha256=digest,
                             workers=limits.ocr_workers)
            with deadline(limits.seconds - clock.seconds.get("ingest", 0.0)):
                res = _extract(doc, interim / doc.report_id / path.name, clock)
    except (BadInput, TimeLimit, MemoryError) as err:
        if isinstance(err, MemoryError):
            err = BadInput(f"needed more memory than the limit ({limits.memory_bytes / 1e6:.0f} MB, --max-memory)")
        log.error("%s: %s", safe(source), err)
        trusted = doc is not None and not isinstance(err, Unidentified)
        res = ReportResult(source, doc.kind if doc else None, doc.sha256 if doc else None,
                           doc.report_id if trusted and doc else None, error=str(err))
    except Exception as err:  # a bug or a fault: name the file, keep the batch going
        if full(err):  # said once, by the batch, with what it keeps
            error = f"{interim} is full ({err.strerror})"
        else:
            log.exception("%s: unexpected failure", safe(source))
            error = f"unexpected failure: {err}"
        return ReportResult(source, doc.kind if doc else None, doc.sha256 if doc else None,
                            doc.report_id if doc else None, error=error, fault=True, timings=clock.seconds)
    res.timings, res.cache_key, res.stamp = clock.seconds, key, seen
    try:
        cache.save(interim, key, {f: getattr(res, f) for f in _CACHED_FIELDS})
    except OSError as err:
        log.warning("%s: result not cached (%s)", safe(source), err.strerror)
    return res


def cached_result(path: Path, sha256: str, root: Path, interim: Path) -> ReportResult | None:
    """The stored result of an unchanged input (same bytes, path and pipeline), if any."""
    key = cache.input_key(sha256, relative(path, root))
    fields = cache.load(interim, key)
    if fields is None or set(fields) != set(_CACHED_FIELDS):
        return None
    return ReportResult(**fields, cache_key=key, cached=True)


@dataclass(frozen=True)
class Limits:
    """Bounds on one report's work, so that one odd input cannot hold the batch."""

    max_bytes: int = 200_000_000  # input size (--max-size, MB)
    # A text input's size (--max-text-size, MB): a report's text is ~60 KB; reading one takes
    # ~50 times its size in memory, so 5 MB stays near 300 MB.
    max_text_bytes: int = 5_000_000
    seconds: float = 900.0  # wall time of one report's extraction (--timeout)
    max_pages: int = 5_000  # pages a PDF may claim (a damaged one may claim millions)
    memory_bytes: int = 4_000_000_000  # address space of a worker process (--max-memory, MB)
    ocr_workers: int = 1  # processes a scan's pages are read by OCR on (--workers, one report at a time)


class TimeLimit(BaseException):
    """A report took longer than its time limit (a BaseException, so that no handler of a
    stage's own failures swallows it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise TimeLimit in this block after `seconds` (main thread of a process only; elsewhere
    no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeLimit(f"took longer than {seconds:.0f} s (--timeout); stopped")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def limit_memory(limit: int) -> None:
    """Pool-worker initializer: cap the process's address space where the platform allows (for
    good: the hard limit too); `extract_report` holds work done elsewhere to the same cap."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        log.debug("memory limit not supported here")


class Clock:
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


def _extract(doc: Document, out: Path, clock: Clock) -> ReportResult:
    rid = doc.report_id
    log.info("%s: ingest: %s report %s, %d lines%s", safe(doc.source_file), doc.kind, rid,
             len(doc.lines), f", {doc.pages} pages" if doc.pages else "")
    json_lines(out / "01-ingest.json", {
        "source_file": doc.source_file, "kind": doc.kind, "sha256": doc.sha256, "pages": doc.pages,
        "identity": doc.identity.__dict__,
        "ocr": {str(p): {"confidence": round(r.confidence, 1), "words": len(r.words), "dpi": r.dpi,
                         "skew_degrees": round(r.skew_degrees, 2), "seconds": round(r.seconds, 2)}
                for p, r in sorted(doc.ocr.items())}}, "lines", ([ln.page, ln.line, ln.text] for ln in doc.lines))
    sink = Sink(rid)
    if doc.removed_controls:
        sink.add("ingest", f"{doc.removed_controls} invisible or control character(s) (NUL, zero-width, soft "
                 "hyphen, bidi controls) removed from the text")
    for page in doc.unread_pages:
        sink.add("ingest", f"page {page} has no text layer and was not read: OCR is not installed; {INSTALL_HINT}",
                 location=f"page {page}")
    for page in doc.unread_pictures:
        sink.add("ingest", f"page {page} holds a picture that may be a table, not read: OCR is not installed; "
                 f"{INSTALL_HINT}", location=f"page {page}")
    for page, read in sorted(doc.ocr.items()):
        log.info("%s: page %d read by OCR (mean confidence %.0f%%)", rid, page, read.confidence)
    with clock("sections"):
        secs = sections.detect(doc.lines)
    log.info("%s: sections: %d headings", rid, len(secs))
    if len(secs) < tolerances.MIN_SECTIONS:
        raise Unidentified(f"not a report: {len(secs)} section heading(s) found, "
                           f"a report has at least {tolerances.MIN_SECTIONS}")
    json_atomic(out / "02-sections.json", [s.__dict__ for s in secs])

    with clock("tables"):
        found = find_tables(doc, secs, sink)
    if stream_order.content_stream_order(doc):
        sink.add("ingest", stream_order.advice())
        found = [Found(f.dataset, None, f.expected, header=f.table.header, doubt=stream_order.advice(),
                       withheld=f.table) if f.table else f for f in found]
    tables = [f.table for f in found if f.table]
    log.info("%s: tables: %s", rid, ", ".join(
        f"{f.dataset}={len(f.table.rows)} rows" if f.table else f"{f.dataset}=none" for f in found))
    json_atomic(out / "03-tables.json", [t.to_json() for t in tables])

    by_name = {s.name: s for s in load_specs()}
    data: dict[str, list[Record]] = {d: [] for d in TABLE_DATASETS}
    data["totales"] = []
    with clock("normalise"):
        for table in tables:
            details, totals = normalise(doc, by_name[table.spec], table, sink)
            data[table.dataset] = details
            data["totales"].extend(totals)
    with clock("categories"):
        categories.assign(data, sink)
    with clock("indicators"):
        headings = frozenset(i for s in secs for i in s.title_lines)
        data["indicadores"] = indicators.extract(doc, sink, headings)
    log.info("%s: normalise: %s", rid, ", ".join(f"{k}={len(v)}" for k, v in data.items()))
    json_atomic(out / "04-normalised.json", data)

    data["secciones"] = [
        {"report_id": rid, "numero": s.numero, "titulo": s.titulo, "nivel": s.nivel, "orden": s.orden,
         "start_page": s.start_page, "start_line": s.start_line} for s in secs
    ]
    carried = set(specs.load("expected")[doc.identity.ambito])
    missing = [f.dataset for f in found if not f.table and not f.stated_none
               and (f.expected or f.doubt or f.dataset in carried)]
    data["tablas"] = [_table_row(rid, f, f.dataset in carried) for f in found]
    data["anomalias"] = [a.as_row(rid) for a in sink.items]
    for rows in data.values():
        for row in rows:
            row["anio_fiscal"] = doc.identity.anio_fiscal
    json_atomic(out / "anomalias.json", data["anomalias"])
    report = _report_row(doc, "partial" if missing or doc.unread_pages else "ok", len(tables))
    return ReportResult(doc.source_file, doc.kind, doc.sha256, rid, report, data)


def _table_row(report_id: str, found: Found, carried: bool) -> Record:
    """One expected table of the report: found (how, where, how well) or why not; `carried`
    when a report of its kind carries it (`specs/expected.toml`)."""
    t = found.table
    status = ("found" if t else "doubtful" if found.doubt else "stated_none" if found.stated_none
              else "not_found" if found.expected else "no_section")
    reason = None if t else found.doubt or (
        "the report says there is nothing to report" if found.stated_none
        else "no table of its words and values in its section (see anomalias)" if found.expected
        else "the report has no section for it, though a report of its kind carries one" if carried
        else "the report has no section for it")
    return {"report_id": report_id, "dataset": found.dataset, "status": status, "reason": reason,
            "unidad": t.unit if t else None,
            "method": t.method if t else None,
            "pages": ", ".join(map(str, t.pages)) if t and t.pages else None,
            "rows": len(t.rows) if t else 0,
            "fit": Decimal(str(round(t.score, 4))) if t else None,
            "header": (t.header if t else found.header) or None}


def _report_row(doc: Document, status: str, tables_found: int, error: str | None = None) -> Record:
    ident = doc.identity
    return {
        "report_id": doc.report_id, "entidad": ident.entidad, "ambito": ident.ambito,
        "provincia": ident.provincia, "anio_fiscal": ident.anio_fiscal,
        "source_file": doc.source_file, "sha256": doc.sha256, "pages": doc.pages,
        "status": status, "tables_found": tables_found,
        "extracted_at": datetime.now(UTC).replace(microsecond=0), "error": error,
    }


def relative(path: Path, root: Path) -> str:
    """An input's name as the data records it (`inputs.source_name`: the path as given)."""
    return source_name(path, root)
