"""The batch run: the inputs of `raw/`, each through the per-report work (`report.py`, mapped
by an engine while this process imports GX), duplicates and conflicts settled, then validate
(one GX pass for the whole run) → write (report by report, atomically, mapped too); one
report's failure never stops the others, and a run's own fault never touches what is
published."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from extract import categories, charts, database, duplicates, engines, holdings, lock, outcome, specs, validate, write
from extract.inputs import Digest, Job, known, list_inputs, remember
from extract.model import ReportResult
from extract.publish import publish_all, publish_failed
from extract.report import Clock, Limits, cached_result, extract_report, limit_memory, relative
from extract.specs.schema import SpecError
from extract.tables.spec import load_specs
from extract.textutil import safe

log = logging.getLogger("extract.pipeline")

#: About how many sample-size reports one worker extracts while this process imports GX (~3 s
#: of one core against ~0.12 s a report). A batch of at most that many per other worker is done
#: by them within the import, which is then the run's critical path: one worker waits for it,
#: so that it has a core of its own. A larger batch starts every worker at once (held back,
#: one would gain nothing and lose CPU to other jobs on a shared machine: 100 reports beside
#: two busy loops took 27 s against 22 s).
REPORTS_PER_GX_IMPORT = 20


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


def _map(inputs: dict[Path, Digest | None], opts: RunOptions, meanwhile: engines.Meanwhile = None,
         published_from: dict[Path, str] | None = None) -> list[ReportResult]:
    """Results for every input (path -> its digest when known): cached ones of known inputs read
    here, the rest by the engine (a worker reads and hashes each input once, and may still
    find it cached); a parallel engine runs `meanwhile` here while its workers extract, unless
    every input left to them has a cached result for the digest its report was
    `published_from` (an input read too soon after it was written to be trusted by its time:
    the workers will most likely find that result, and an unchanged input needs no validator)."""
    results: dict[Path, ReportResult] = {}
    todo = []
    for path, digest in inputs.items():
        hit = None if opts.force or not digest else cached_result(path, digest.sha256, opts.root, opts.interim)
        if hit is None:
            todo.append(Job(path, digest))
        else:
            results[path] = hit
    published = published_from or {}
    if not opts.force and all(
            job.path in published and cached_result(job.path, published[job.path], opts.root, opts.interim) is not None
            for job in todo):
        meanwhile = None
    if todo:
        work = partial(_extract, extract=extract_report, root=opts.root, interim=opts.interim,
                       limits=opts.limits, reuse=not opts.force)
        on_error = partial(_failed_job, opts=opts)
        if opts.engine == "dask" or opts.workers > 1:
            todo.sort(key=_size, reverse=True)  # largest first: no worker left alone at the end
        if opts.engine == "dask":
            computed = engines.dask(work, todo, on_error, opts.workers, opts.scheduler, meanwhile)
        elif opts.workers > 1 and (len(todo) > 1 or meanwhile and not validate.is_ready()):  # one: beside GX's import
            held = 1 if len(todo) <= REPORTS_PER_GX_IMPORT * (opts.workers - 1) else 0
            computed = engines.process_pool(work, todo, on_error, opts.workers, meanwhile,
                                            setup=partial(limit_memory, opts.limits.memory_bytes), held=held)
        else:  # one report at a time: a scan's pages are read by OCR on the run's workers
            work = partial(work, limits=replace(opts.limits, ocr_workers=opts.workers))
            computed = engines.serial(work, todo, on_error)
        results.update(zip((job.path for job in todo), computed, strict=True))
    fresh = sum(not r.cached for r in results.values())
    log.info("%d input(s): %d unchanged, %d extracted", len(inputs), len(inputs) - fresh, fresh)
    return [results[p] for p in inputs]


def _published_from(published: dict[str, dict[str, Any]], sources: dict[Path, str]) -> dict[Path, str]:
    """The digest of each input its report was published from, where the next run would not
    validate it again: not quarantined (a quarantined report is validated on every run)."""
    by_source = {rec.get("source_file"): rec for rec in published.values()}
    out = {}
    for path, source in sources.items():
        rec = by_source.get(source, {})
        if isinstance(rec.get("sha256"), str) and rec.get("status") != "quarantined":
            out[path] = rec["sha256"]
    return out


def _size(job: Job) -> int:
    try:
        return job.path.stat().st_size
    except OSError:
        return 0


def _extract(job: Job, extract: Callable[..., ReportResult], **options: Any) -> ReportResult:
    """An engine's work item: one input through `extract` (`report.extract_report`)."""
    return extract(job.path, known=job.digest, **options)


def _failed_job(job: Job, err: BaseException, opts: RunOptions) -> ReportResult:
    return ReportResult(relative(job.path, opts.root), error=f"worker failed: {err or type(err).__name__}",
                        fault=True)


def check_specs() -> None:
    """Every spec shipped loads, once, before any input is read: a mistake in one is a
    SpecError naming its file and key at start, never a failure of every report."""
    load_specs()
    for name in ("strategies", "sections", "indicators", "expected"):
        specs.load(name)
    categories.vocabularies()


def run(opts: RunOptions) -> int:
    """Process every input of `opts.raw`; returns the exit code (0 ok, 1 any report failed,
    2 a spec that does not load, a missing or incomplete validation suite or an output folder
    that cannot be written, 3 another run holds the output folders, 130 interrupted)."""
    try:
        check_specs()
        with lock.held(opts.processed):
            return _run(opts)
    except lock.Busy as err:
        log.error("%s", err)
        return 3
    except lock.Unwritable as err:
        log.error("%s", err)
        return 2
    except validate.SuiteMissing as err:
        log.error("%s; nothing is published unvalidated", err)
        return 2
    except SpecError as err:
        log.error("%s; no report is read with a spec that does not load", err)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted: %s keeps what was published before and every report written so far; "
                  "a write under way is finished by the next run", opts.processed)
        return 130


def _run(opts: RunOptions) -> int:
    started = time.perf_counter()
    validate.check_suites()
    write.recover(opts.processed)
    clock = Clock()

    def import_gx() -> None:
        with clock("gx_import"):
            if not validate.is_ready():
                log.info("loading Great Expectations for validation (a few seconds, once per run)")
            validate.ready()

    published = write.published_records(opts.processed)
    paths = list_inputs(opts.raw)
    sources = {p: relative(p, opts.root) for p in paths}
    index = known(paths, sources, opts.interim)
    inputs = duplicates.without_copies(paths, opts.root, published, index.digests)
    with clock("prescreen"):
        inputs, claims, opened = duplicates.without_twins(inputs, opts.root, index.openings, only=bool(opts.only))
    if opts.only:
        inputs = {p: d for p, d in inputs.items() if claims.get(p) in (opts.only, None)}  # None: unknown
    with clock("extract"), engines.stage("extracting"):  # wall time of the per-report work (and a GX import beside it)
        results = _map(inputs, opts, meanwhile=import_gx, published_from=_published_from(published, sources))
    extracted = [r for r in results if not r.cached]
    remember(opts.interim, [*((sources[p], st, {"opening": o.to_json()}) for p, (st, o) in opened.items() if st),
                            *((r.source_file, r.stamp, {"sha256": r.sha256}) for r in results if r.stamp and r.sha256)],
             set(sources.values()), index.recorded)
    read_ok = {r.source_file for r in results if not r.failed}  # read, and each holds the report it claims
    results = duplicates.deduplicate(results, published)
    if opts.only:
        ids = sorted({c for c in claims.values() if c} | {r.report_id for r in results if r.report_id})
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
            if rid in claimed and not res.conflict:  # another input of this run is that report: this file failed
                rid = res.report_id = None
            if rid is None:
                unknown_failures.append(res.source_file)
            else:
                seen.add(rid)
            if res.cached and not res.conflict:  # a conflict is this run's, and logged as one
                log.error("%s: %s (unchanged since the last run)", safe(res.source_file), res.error)
            if res.fault and rid is not None:
                if not res.conflict:
                    log.error("%s: not processed (%s); what is published for %s is kept", safe(res.source_file),
                              res.error, rid)
                continue
            seen.add(publish_failed(res, None if res.fault else rid, opts.processed))
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
            verdicts = validate.validate_reports(publish, opts.workers)
    with clock("write"), engines.stage("writing"):
        written_all = publish_all(publish, verdicts, opts.processed, opts.interim, opts.workers) if publish else []
    failures += sum(not w for w in written_all)
    if not opts.only:
        failures += _withdraw_stale(opts, published, seen, read_ok, unknown_failures)
    with clock("database"):
        try:
            database.write(opts.processed)
        except database.NotWritten as err:
            log.error("%s", err)  # the datasets are published; the next run writes it again
    held = holdings.read(opts.processed)
    changed = [res.report_id or "" for res, done in zip(publish, written_all, strict=True) if done]
    outcome.write_report(opts.interim, opts.root, results, publish, verdicts if publish else {}, written_all, held)
    charts.write(opts.interim, opts.processed)
    outcome.write_stats(opts.interim, results, extracted, clock.seconds, time.perf_counter() - started, held,
                        changed)
    log.info("done: %s", outcome.summary(results, publish, verdicts if publish else {}, written_all, failures,
                                         held, changed))
    return 1 if failures else 0


def _withdraw_stale(opts: RunOptions, published: dict[str, dict[str, Any]], seen: set[str],
                    read_ok: set[str], unknown_failures: list[str]) -> int:
    """Remove the reports whose input is really gone from `raw/` (or now holds another report);
    never in a run where an input failed before it could be identified (it may be the one).
    Returns how many could not be removed (they stay published, and are logged)."""
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
        return 0
    failed = 0
    for rid in sorted(stale):
        log.info("%s: its input is gone from %s; removing its rows", rid, opts.raw)
        try:
            write.remove_report(opts.processed, rid)
        except OSError as err:
            log.error("%s: not removed: %s", rid, err)
            failed += 1
    return failed


