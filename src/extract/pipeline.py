"""The stage runner: every report through ingest → sections → tables → normalise →
indicators → validate → write, one report's failure never stopping the others."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract import indicators, sections, write
from extract.contract import TABLE_DATASETS
from extract.ingest import BadInput, ingest
from extract.model import Document, Sink
from extract.normalise import normalise
from extract.tables.find import find_tables
from extract.tables.spec import load_specs

log = logging.getLogger("extract.pipeline")

Record = dict[str, Any]


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

    @property
    def failed(self) -> bool:
        return self.error is not None


def _dump(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
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
    """The per-report work as one pure function of its input file (interim files aside)."""
    source = _relative(path, root)
    try:
        doc = ingest(path, root)
    except BadInput as err:
        log.error("%s: %s", source, err)
        return ReportResult(source, error=str(err))
    except Exception as err:  # a bug or an unforeseen file: name the file, keep the batch going
        log.exception("%s: unexpected failure while reading", source)
        return ReportResult(source, error=f"unexpected failure while reading: {err}")
    try:
        return _extract(doc, interim / doc.report_id)
    except Exception as err:
        log.exception("%s: unexpected failure while extracting", source)
        return ReportResult(source, doc.kind, doc.sha256, doc.report_id, error=f"unexpected failure: {err}")


def _extract(doc: Document, out: Path) -> ReportResult:
    rid = doc.report_id
    log.info("%s: ingest: %s report %s, %d lines%s", doc.source_file, doc.kind, rid,
             len(doc.lines), f", {doc.pages} pages" if doc.pages else "")
    _dump(out / "01-ingest.json", {
        "source_file": doc.source_file, "kind": doc.kind, "sha256": doc.sha256, "pages": doc.pages,
        "identity": doc.identity.__dict__, "lines": [[ln.page, ln.line, ln.text] for ln in doc.lines],
    })
    sink = Sink(rid)
    secs = sections.detect(doc.lines)
    log.info("%s: sections: %d headings", rid, len(secs))
    _dump(out / "02-sections.json", [s.__dict__ for s in secs])

    found = find_tables(doc, secs, sink)
    tables = [f.table for f in found if f.table]
    log.info("%s: tables: %s", rid, ", ".join(
        f"{f.dataset}={len(f.table.rows)} rows" if f.table else f"{f.dataset}=none" for f in found))
    _dump(out / "03-tables.json", [t.to_json() for t in tables])

    specs = {s.name: s for s in load_specs()}
    data: dict[str, list[Record]] = {d: [] for d in TABLE_DATASETS}
    data["totales"] = []
    for table in tables:
        details, totals = normalise(doc, specs[table.spec], table, sink)
        data[table.dataset] = details
        data["totales"].extend(totals)
    data["indicadores"] = indicators.extract(doc, sink)
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
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()


@dataclass
class RunOptions:
    raw: Path
    interim: Path
    processed: Path
    only: str | None = None
    workers: int = 1
    root: Path = field(default_factory=Path.cwd)


def run(opts: RunOptions) -> int:
    """Process every input of `opts.raw`; returns the exit code (0 ok, 1 any report failed)."""
    write.recover(opts.processed)
    inputs = list_inputs(opts.raw)
    results = _map(inputs, opts)
    results = deduplicate(results)
    if opts.only:
        results = [r for r in results if r.report_id == opts.only]
    from extract import validate

    failures = 0
    seen: set[str] = set()
    for res in results:
        if res.failed:
            failures += 1
            row = failed_report_row(res)
            seen.add(row["report_id"])
            write.commit_report(opts.processed, row["report_id"],
                                {"reports": write.to_table("reports", [row])})
            continue
        assert res.report_id is not None
        seen.add(res.report_id)
        verdict = validate.validate_report(res)
        if verdict.blocked:
            failures += 1
            log.error("%s: blocked by validation: %s", res.report_id, "; ".join(verdict.failed))
            validate.quarantine(res, opts.interim / res.report_id / "quarantine", verdict)
            continue
        tables = {name: write.to_table(name, rows) for name, rows in res.datasets.items()}
        tables["reports"] = write.to_table("reports", [res.report])
        tables["validaciones"] = verdict.table()
        write.commit_report(opts.processed, res.report_id, tables)
        log.info("%s: write: %s (%s)", res.report_id, res.report["status"], res.source_file)
    if not opts.only:
        for stale in write.published_reports(opts.processed) - seen:
            log.info("%s: its input is gone from %s; removing its rows", stale, opts.raw)
            write.remove_report(opts.processed, stale)
    ok = len(results) - failures
    log.info("done: %d report(s) written, %d failed", ok, failures)
    return 1 if failures else 0


def _map(inputs: list[Path], opts: RunOptions) -> list[ReportResult]:
    if opts.workers <= 1 or len(inputs) <= 1:
        return [extract_report(p, opts.root, opts.interim) for p in inputs]
    with ProcessPoolExecutor(max_workers=opts.workers) as pool:
        futures = [pool.submit(extract_report, p, opts.root, opts.interim) for p in inputs]
        return [f.result() for f in futures]
