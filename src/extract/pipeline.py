"""The batch run: the inputs of `raw/`, each through the per-report work (`report.py`, mapped
by an engine while this process imports GX), duplicates and conflicts settled, then validate
(one GX pass for the whole run) → write (report by report, atomically, mapped too); one
report's failure never stops the others, and a run's own fault never touches what is
published."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import regex

from extract import duplicates, engines, lock, runreport, validate, write
from extract.contract import to_table
from extract.model import Record, ReportResult
from extract.report import Clock, Limits, cached_result, extract_report, limit_memory, relative
from extract.textutil import safe

log = logging.getLogger("extract.pipeline")


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




def failed_report_row(res: ReportResult, report_id: str | None = None) -> Record:
    rid = report_id or res.report_id or f"unidentified-{(res.sha256 or _name_hash(res.source_file))[:12]}"
    row = {"report_id": rid, "source_file": res.source_file, "sha256": res.sha256,
           "status": "failed", "tables_found": 0, "error": res.error,
           "extracted_at": datetime.now(UTC).replace(microsecond=0)}
    return {**res.report, **row} if res.report else row


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
    limits: Limits = field(default_factory=lambda: Limits())


def _map(inputs: dict[Path, str], opts: RunOptions, meanwhile: engines.Meanwhile = None) -> list[ReportResult]:
    """Results for every input (path -> sha256): cached ones read here, the rest computed by
    the engine; a parallel engine runs `meanwhile` here while its workers extract."""
    results: dict[Path, ReportResult] = {}
    todo = []
    for path, digest in inputs.items():
        hit = None if opts.force else cached_result(path, digest, opts.root, opts.interim)
        if hit is None:
            todo.append(path)
        else:
            results[path] = hit
    if todo:
        work = partial(extract_report, root=opts.root, interim=opts.interim, limits=opts.limits)
        on_error = partial(_failed_path, opts=opts)
        if opts.engine == "dask":
            computed = engines.dask(work, todo, on_error, opts.workers, opts.scheduler, meanwhile)
        elif opts.workers > 1 and len(todo) > 1:
            computed = engines.process_pool(work, todo, on_error, opts.workers, meanwhile,
                                            setup=partial(limit_memory, opts.limits.memory_bytes))
        else:
            computed = engines.serial(work, todo, on_error)
        results.update(zip(todo, computed, strict=True))
    log.info("%d input(s): %d unchanged, %d extracted", len(inputs), len(inputs) - len(todo), len(todo))
    return [results[p] for p in inputs]


def _failed_path(path: Path, err: BaseException, opts: RunOptions) -> ReportResult:
    return ReportResult(relative(path, opts.root), error=f"worker failed: {err or type(err).__name__}",
                        fault=True)


def run(opts: RunOptions) -> int:
    """Process every input of `opts.raw`; returns the exit code (0 ok, 1 any report failed,
    3 another run holds the output folders)."""
    try:
        with lock.held(opts.processed):
            return _run(opts)
    except lock.Busy as err:
        log.error("%s", err)
        return 3
    except validate.SuiteMissing as err:
        log.error("%s; nothing is published unvalidated", err)
        return 2


def _run(opts: RunOptions) -> int:
    started = time.perf_counter()
    write.recover(opts.processed)
    validate.check_suites()
    clock = Clock()

    def import_gx() -> None:
        with clock("gx_import"):
            if not validate.is_ready():
                log.info("loading Great Expectations for validation (a few seconds, once per run)")
            validate.ready()

    published = write.published_records(opts.processed)
    inputs = duplicates.without_copies(list_inputs(opts.raw), opts.root, published)
    with clock("prescreen"):
        inputs, claims = duplicates.without_twins(inputs, opts.root, only=bool(opts.only))
    if opts.only:
        inputs = {p: d for p, d in inputs.items() if claims.get(p) in (opts.only, None)}  # None: unknown
    with clock("extract"):  # wall time of the per-report work (and a GX import beside it)
        results = _map(inputs, opts, meanwhile=import_gx)
    extracted = [r for r in results if not r.cached]
    results = duplicates.deduplicate(results, published)
    if opts.only:
        ids = sorted({r.report_id for r in results if r.report_id})
        results = [r for r in results if r.report_id == opts.only]
        if not results:
            log.error("no input in %s is report %s (found: %s)", opts.raw, opts.only, ", ".join(ids) or "none")
            return 2
    by_source = {rec.get("source_file"): rid for rid, rec in published.items() if rec.get("source_file")}
    failures = 0
    seen: set[str] = set()
    unknown_failures: list[str] = []  # inputs that failed before they could be identified
    publish: list[ReportResult] = []
    claimed = {r.report_id for r in results if not r.failed}
    for res in results:
        if res.failed:
            failures += 1
            rid = res.report_id or by_source.get(res.source_file)
            if rid in claimed:  # another input of this run is that report: the failure is this file's
                rid = res.report_id = None
            if rid is None:
                unknown_failures.append(res.source_file)
            else:
                seen.add(rid)
            if res.cached:
                log.error("%s: %s (unchanged since the last run)", safe(res.source_file), res.error)
            if res.fault and rid is not None:
                log.error("%s: not processed (%s); what is published for %s is kept", safe(res.source_file),
                          res.error, rid)
                continue
            row = failed_report_row(res, None if res.fault else rid)
            seen.add(row["report_id"])
            tables = {"reports": to_table("reports", [row])}
            if res.datasets.get("anomalias"):
                tables["anomalias"] = to_table("anomalias", res.datasets["anomalias"], row.get("anio_fiscal"))
            write.commit_report(opts.processed, row["report_id"], tables, _record(res, "failed"))
            continue
        assert res.report_id is not None
        seen.add(res.report_id)
        record = published.get(res.report_id, {})
        if res.cached and record.get("cache_key") == res.cache_key and record.get("status") in ("ok", "partial"):
            log.info("%s: unchanged since the last run (%s)", res.report_id, safe(res.source_file))
        else:
            publish.append(res)
    if publish:
        import_gx()  # a no-op when done beside the workers
        with clock("validate"):
            verdicts = validate.validate_reports(publish)
        write.checks(opts.interim, [v for v in verdicts.values() if not v.blocked])
    with clock("write"):
        written_all = _publish_all(publish, verdicts, opts) if publish else []
    failures += sum(not w for w in written_all)
    if not opts.only:
        _withdraw_stale(opts, published, seen, {r.source_file for r in results if not r.failed},
                        unknown_failures)
    _write_run_report(opts, results, publish, verdicts if publish else {}, written_all)
    try:
        stats = _run_stats(results, clock.seconds, time.perf_counter() - started)
        stats["duplicate_extractions"] = len(extracted) - len({r.report_id or r.source_file for r in extracted})
        write.json_atomic(opts.interim / "run.json", stats)
    except OSError as err:
        log.warning("run statistics not written to %s (%s)", opts.interim, err.strerror)
    log.info("done: %s", _summary(results, publish, verdicts if publish else {}, written_all, failures))
    return 1 if failures else 0


def _summary(results: list[ReportResult], publish: list[ReportResult], verdicts: dict[str, validate.Verdict],
             written: list[bool], failures: int) -> str:
    """`4 report(s): 2 ok, 1 partial, 1 failed; 6 validation warning(s), 12 anomalies ...;
    failed: raw/x.pdf (why)`, each failed file named, a cached failure too."""
    states: Counter[str] = Counter()
    for res, done in zip(publish, written, strict=True):
        states["quarantined" if verdicts[res.report_id or ""].blocked else res.report["status"] if done
               else "not written"] += 1
    states["unchanged"] = sum(1 for r in results if not r.failed) - len(publish)
    states["failed"] = sum(1 for r in results if r.failed)
    warnings = sum(1 for v in verdicts.values() for f in v.findings if f.severity == "warning" and not f.success)
    anomalies = sum(len(r.datasets.get("anomalias", [])) for r in publish)
    parts = ", ".join(f"{n} {state}" for state, n in states.items() if n)
    failed = "".join(f"; failed: {safe(r.source_file)} ({r.error})" for r in results if r.failed)
    return (f"{len(results)} report(s): {parts or 'none'}; {warnings} validation warning(s), {anomalies} "
            f"anomalie(s) in what was written (see processed/validaciones, processed/anomalias){failed}")


def _write_run_report(opts: RunOptions, results: list[ReportResult], publish: list[ReportResult],
                      verdicts: dict[str, validate.Verdict], written: list[bool]) -> None:
    """`interim/report.html`: what became of each input of this run (`runreport`)."""
    statuses = {r.source_file: "failed" if r.failed else "unchanged" for r in results}
    for res, done in zip(publish, written, strict=True):
        blocked = verdicts[res.report_id or ""].blocked
        statuses[res.source_file] = "quarantined" if blocked else res.report["status"] if done else "not written"
    failed = {rid: [f for f in v.findings if not f.success] for rid, v in verdicts.items()}
    links = {r.source_file: f"{r.report_id}/{Path(r.source_file).name}" for r in results
             if r.report_id and (opts.interim / r.report_id / Path(r.source_file).name).is_dir()}
    pictures = _not_found_pages(opts, results)
    try:
        write.text_atomic(opts.interim / "report.html",
                          runreport.render(results, statuses, failed, links, pictures))
    except OSError as err:
        log.warning("run report not written to %s (%s)", opts.interim, err.strerror)


_NOT_FOUND_AT = regex.compile(r"^page (\d+)")


def _not_found_pages(opts: RunOptions, results: list[ReportResult]) -> dict[tuple[str, str], str]:
    """For each table not found in a PDF extracted by this run, an `extract debug` picture of
    the page its section starts on (what the table strategies saw there), by (source file,
    dataset): its path relative to `interim/`."""
    from extract.debug import page_png

    out: dict[tuple[str, str], str] = {}
    for res in results:
        if res.failed or res.cached or res.kind != "pdf" or not res.report_id:
            continue
        for a in res.datasets.get("anomalias", []):
            m = _NOT_FOUND_AT.match(a.get("location") or "")
            if not (m and a.get("dataset") and a.get("problem", "").startswith("table not found")):
                continue
            path = Path(res.source_file) if Path(res.source_file).is_absolute() else opts.root / res.source_file
            try:
                png = page_png(path, int(m[1]), opts.interim / res.report_id / "debug")
            except Exception as err:  # a picture is a help, never a reason to fail the run
                log.warning("%s: no debug picture of page %s (%s)", safe(res.source_file), m[1], err)
                continue
            out[(res.source_file, a["dataset"])] = png.relative_to(opts.interim).as_posix()
    return out


def _record(res: ReportResult, status: str) -> Record:
    """What a commit records of its input, for the next run (`write.published_records`)."""
    return {"source_file": res.source_file, "sha256": res.sha256, "cache_key": res.cache_key, "status": status}


def _withdraw_stale(opts: RunOptions, published: dict[str, dict[str, Any]], seen: set[str],
                    read_ok: set[str], unknown_failures: list[str]) -> None:
    """Remove the reports whose input is really gone from `raw/` (or now holds another report);
    never in a run where an input failed before it could be identified (it may be the one)."""
    stale = []
    for rid, record in published.items():
        if rid in seen:
            continue
        source = record.get("source_file")
        if not source or not (opts.root / source).exists() or source in read_ok:
            stale.append(rid)
    if stale and unknown_failures:
        log.warning("not removing %s although their inputs are gone: %s failed before it could be identified",
                    ", ".join(sorted(stale)), ", ".join(map(safe, unknown_failures)))
        return
    for rid in sorted(stale):
        log.info("%s: its input is gone from %s; removing its rows", rid, opts.raw)
        write.remove_report(opts.processed, rid)


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
    """Write one validated report, or, when validation blocks it, its `reports` row (status
    `quarantined`, the reasons), `validaciones` and `anomalias` only, its data rows withheld
    (and earlier ones withdrawn); True when written."""
    res, verdict = item.result, item.verdict
    assert res.report_id is not None
    year = res.report.get("anio_fiscal")
    stage_out = opts.interim / res.report_id / Path(res.source_file).name
    if verdict.blocked:
        reasons = "; ".join(verdict.failed)
        log.error("%s: blocked by validation: %s", res.report_id, reasons)
        write.quarantine(opts.interim / res.report_id / "quarantine", verdict.quarantined(res))
        row = {**res.report, "status": "quarantined", "error": f"blocked by validation: {reasons}"[:2000]}
        blocked = [{"report_id": res.report_id, "stage": "validate", "dataset": f.dataset, "location": f.location,
                    "raw_text": f.observed, "problem": f"blocked the report: {f.expectation} ({f.details or 'failed'})"}
                   for f in verdict.findings if f.severity == "critical" and not f.success]
        anomalies = [*res.datasets.get("anomalias", []), *blocked]
        write.commit_report(opts.processed, res.report_id, {
            "reports": to_table("reports", [row]),
            "validaciones": to_table("validaciones", verdict.rows(), year),
            "tablas": to_table("tablas", res.datasets.get("tablas", [])),
            "anomalias": to_table("anomalias", anomalies, year)},
            _record(res, "quarantined"))
        _keep_interim(stage_out / "anomalias.json", anomalies)
        return False
    tables = {name: to_table(name, rows, year) for name, rows in res.datasets.items()}
    tables["reports"] = to_table("reports", [res.report])
    tables["validaciones"] = to_table("validaciones", verdict.rows(), year)
    write.commit_report(opts.processed, res.report_id, tables, _record(res, res.report["status"]))
    _keep_interim(stage_out / "anomalias.json", res.datasets.get("anomalias", []))
    log.info("%s: write: %s (%s)", res.report_id, res.report["status"], safe(res.source_file))
    return True


def _keep_interim(path: Path, anomalies: list[Record]) -> None:
    """`interim/` shows the anomalies as published (validation's included); best effort."""
    try:
        write.json_atomic(path, anomalies)
    except OSError as err:
        log.warning("%s not updated (%s)", path, err.strerror)


def _run_stats(results: list[ReportResult], run_stages: dict[str, float], seconds: float) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "run_stages": run_stages,
        "reports": [{"report_id": r.report_id, "source_file": r.source_file, "cached": r.cached,
                     "pages": (r.report or {}).get("pages"), "failed": r.failed,
                     "timings": r.timings} for r in results],
    }

