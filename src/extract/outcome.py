"""What a run says of itself when it ends: the closing `done:` line (each failed file named),
`interim/run.json` (seconds per stage and report, duplicate extractions) and
`interim/report.html` (`runreport.render`, with an `extract debug` picture of the page where
a table was not found)."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import regex

from extract import runreport, write
from extract.holdings import Holdings
from extract.model import ReportResult
from extract.textutil import safe
from extract.verdicts import Verdict

log = logging.getLogger("extract.pipeline")


def summary(results: list[ReportResult], publish: list[ReportResult], verdicts: dict[str, Verdict],
            written: list[bool], failures: int, held: Holdings, changed: list[str]) -> str:
    """`4 report(s): 2 ok, 1 partial, 1 failed; 6 validation warning(s), 12 anomalies ...;
    failed: raw/x.pdf (why)`, each failed file named, a cached failure too; then what
    `processed/` holds as a whole and which reports this run changed."""
    states: Counter[str] = Counter()
    for res, done in zip(publish, written, strict=True):
        states[verdicts[res.report_id or ""].status(res.report["status"]) if done or verdicts[
            res.report_id or ""].blocked else "not written"] += 1
    states["unchanged"] = sum(1 for r in results if not r.failed) - len(publish)
    states["failed"] = sum(1 for r in results if r.failed)
    warnings = sum(1 for v in verdicts.values() for f in v.findings if f.severity == "warning" and not f.success)
    anomalies = sum(len(r.datasets.get("anomalias", [])) for r in publish)
    parts = ", ".join(f"{n} {state}" for state, n in states.items() if n)
    failed = "".join(f"; failed: {safe(r.source_file)} ({r.error})" for r in results if r.failed)
    return (f"{len(results)} report(s): {parts or 'none'}; {warnings} validation warning(s), {anomalies} "
            f"anomalies in what was written{failed}; {held.line()} (see processed/validaciones, "
            f"processed/anomalias, processed/tablas); changed by this run: {', '.join(changed) or 'none'}")


def write_report(interim: Path, root: Path, results: list[ReportResult], publish: list[ReportResult],
                 verdicts: dict[str, Verdict], written: list[bool], held: Holdings) -> None:
    """`interim/report.html`: what became of each input of this run (`runreport`)."""
    statuses = {r.source_file: "failed" if r.failed else "unchanged" for r in results}
    for res, done in zip(publish, written, strict=True):
        verdict = verdicts[res.report_id or ""]
        statuses[res.source_file] = verdict.status(res.report["status"]) if done or verdict.blocked else "not written"
    failed = {rid: [f for f in v.findings if not f.success] for rid, v in verdicts.items()}
    links = {r.source_file: f"{r.report_id}/{Path(r.source_file).name}" for r in results
             if r.report_id and (interim / r.report_id / Path(r.source_file).name).is_dir()}
    pictures = _not_found_pages(interim, root, results)
    try:
        write.text_atomic(interim / "report.html",
                          runreport.render(results, statuses, failed, links, pictures, held.line()))
    except OSError as err:
        log.warning("run report not written to %s (%s)", interim, err.strerror)


_NOT_FOUND_AT = regex.compile(r"^page (\d+)")


def _not_found_pages(interim: Path, root: Path, results: list[ReportResult]) -> dict[tuple[str, str], str]:
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
            path = Path(res.source_file) if Path(res.source_file).is_absolute() else root / res.source_file
            try:
                png = page_png(path, int(m[1]), interim / res.report_id / "debug")
            except Exception as err:  # a picture is a help, never a reason to fail the run
                log.warning("%s: no debug picture of page %s (%s)", safe(res.source_file), m[1], err)
                continue
            out[(res.source_file, a["dataset"])] = png.relative_to(interim).as_posix()
    return out


def write_stats(interim: Path, results: list[ReportResult], extracted: list[ReportResult],
                run_stages: dict[str, float], seconds: float, held: Holdings, changed: list[str]) -> None:
    """`interim/run.json`: seconds per run stage and per report's stage, how many inputs were
    extracted beyond one per report (`duplicate_extractions`), what `processed/` holds and which
    reports this run changed; best effort."""
    stats = {
        "processed": held.as_json(),
        "changed": changed,
        "seconds": seconds,
        "run_stages": run_stages,
        "reports": [{"report_id": r.report_id, "source_file": r.source_file, "cached": r.cached,
                     "pages": (r.report or {}).get("pages"), "failed": r.failed,
                     "timings": r.timings} for r in results],
    }
    stats["duplicate_extractions"] = len(extracted) - len({r.report_id or r.source_file for r in extracted})
    try:
        write.json_atomic(interim / "run.json", stats)
    except OSError as err:
        log.warning("run statistics not written to %s (%s)", interim, err.strerror)
