"""Stage 6 for a batch: each validated report written, on a local process pool when the run
has workers; a report blocked by validation quarantined (its `reports` row, findings and
anomalies published, its data rows withheld); a failed input's `reports` row."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from extract import engines, write
from extract.contract import to_table
from extract.model import Record, ReportResult
from extract.textutil import safe
from extract.verdicts import Verdict

log = logging.getLogger("extract.pipeline")


def failed_report_row(res: ReportResult, report_id: str | None = None) -> Record:
    """The `reports` row of an input that failed (the report's id, or one made from its
    digest or name when it could not be identified)."""
    rid = report_id or res.report_id or f"unidentified-{(res.sha256 or _name_hash(res.source_file))[:12]}"
    row = {"report_id": rid, "source_file": res.source_file, "sha256": res.sha256,
           "status": "failed", "tables_found": 0, "error": res.error,
           "extracted_at": datetime.now(UTC).replace(microsecond=0)}
    return {**res.report, **row} if res.report else row


def publish_failed(res: ReportResult, report_id: str | None, processed: Path) -> str:
    """Commit a failed input's `reports` row (and the anomalies it had) under `report_id`, or
    an id of its own; returns the id it was published under (or would have been, when the
    commit fails: then what was published for it stays, and the failure is logged)."""
    row = failed_report_row(res, report_id)
    tables = {"reports": to_table("reports", [row])}
    if res.datasets.get("anomalias"):
        tables["anomalias"] = to_table("anomalias", res.datasets["anomalias"], row.get("anio_fiscal"))
    try:
        write.commit_report(processed, row["report_id"], tables, commit_record(res, "failed"))
    except OSError as err:
        log.error("%s: its failure not written: %s", row["report_id"], err)
    return str(row["report_id"])


def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def commit_record(res: ReportResult, status: str) -> Record:
    """What a commit records of its input, for the next run (`write.published_records`)."""
    return {"source_file": res.source_file, "sha256": res.sha256, "cache_key": res.cache_key, "status": status}


@dataclass
class _Publication:
    """One validated report to write: an engine's work item."""

    result: ReportResult
    verdict: Verdict

    def __str__(self) -> str:
        return self.result.report_id or self.result.source_file


def publish_all(publish: list[ReportResult], verdicts: dict[str, Verdict],
                processed: Path, interim: Path, workers: int) -> list[bool]:
    """Write the validated reports, on a local process pool when `--workers` > 1 (the
    folders are this machine's, whatever engine extracted); True for each one written."""
    items = [_Publication(res, verdicts[res.report_id or ""]) for res in publish]
    work = partial(_publish, processed=processed, interim=interim)
    if workers > 1 and len(items) > 1:
        return engines.process_pool(work, items, _not_written, workers)
    return engines.serial(work, items, _not_written)


def _not_written(item: _Publication, err: BaseException) -> bool:
    log.error("%s: not written: %s", item, err)
    return False


def _publish(item: _Publication, processed: Path, interim: Path) -> bool:
    """Write one validated report, or, when validation blocks it, its `reports` row (status
    `quarantined`, the reasons), `validaciones` and `anomalias` only, its data rows withheld
    (and earlier ones withdrawn); True when written."""
    res, verdict = item.result, item.verdict
    assert res.report_id is not None
    year = res.report.get("anio_fiscal")
    stage_out = interim / res.report_id / Path(res.source_file).name
    if verdict.blocked:
        reasons = "; ".join(verdict.failed)
        log.error("%s: blocked by validation: %s", res.report_id, reasons)
        write.quarantine(interim / res.report_id / "quarantine", verdict.quarantined(res))
        row = {**res.report, "status": "quarantined", "error": f"blocked by validation: {reasons}"[:2000]}
        blocked = [{"report_id": res.report_id, "stage": "validate", "dataset": f.dataset, "location": f.location,
                    "raw_text": f.observed, "problem": f"blocked the report: {f.expectation} ({f.details or 'failed'})"}
                   for f in verdict.findings if f.severity == "critical" and not f.success]
        anomalies = [*res.datasets.get("anomalias", []), *blocked]
        write.commit_report(processed, res.report_id, {
            "reports": to_table("reports", [row]),
            "validaciones": to_table("validaciones", verdict.rows(), year),
            "tablas": to_table("tablas", res.datasets.get("tablas", [])),
            "anomalias": to_table("anomalias", anomalies, year)},
            commit_record(res, "quarantined"))
        _keep_interim(stage_out / "anomalias.json", anomalies)
        return False
    write.checks(interim, res.report_id, verdict.checks)
    datasets, report = res.datasets, res.report
    if verdict.withheld:
        write.quarantine(interim / res.report_id / "quarantine", verdict.quarantined(res))
        datasets, report = _withhold(res, verdict)
    tables = {name: to_table(name, rows, year) for name, rows in datasets.items()}
    tables["reports"] = to_table("reports", [report])
    tables["validaciones"] = to_table("validaciones", verdict.rows(), year)
    write.commit_report(processed, res.report_id, tables, commit_record(res, report["status"]))
    _keep_interim(stage_out / "anomalias.json", datasets.get("anomalias", []))
    log.info("%s: write: %s (%s)", res.report_id, report["status"], safe(res.source_file))
    return True


def _withhold(res: ReportResult, verdict: Verdict) -> tuple[dict[str, list[Record]], Record]:
    """A report's datasets and `reports` row with the datasets validation withholds on their own
    taken out (a table's totals with it), `tablas` saying `quarantined` and why, an anomaly
    each, and the report `partial`."""
    withheld = verdict.withheld
    rid = res.report_id
    reasons = {d: ", ".join(e) for d, e in withheld.items()}
    datasets = {name: [] if name in withheld else list(rows) for name, rows in res.datasets.items()}
    datasets["totales"] = [r for r in datasets.get("totales", []) if r.get("dataset") not in withheld]
    datasets["tablas"] = [{**t, "status": "quarantined", "reason": f"failed validation: {reasons[t['dataset']]}"}
                          if t["dataset"] in withheld else t for t in datasets.get("tablas", [])]
    datasets["anomalias"] = [*datasets.get("anomalias", []), *(
        {"report_id": rid, "stage": "validate", "dataset": d, "location": None, "raw_text": None,
         "problem": f"withheld: failed validation ({why}); the report's other datasets are published"}
        for d, why in reasons.items())]
    log.error("%s: withheld by validation: %s", rid, "; ".join(f"{d} ({why})" for d, why in reasons.items()))
    error = "; ".join(f"{d} withheld: {why}" for d, why in reasons.items())
    return datasets, {**res.report, "status": verdict.status(res.report["status"]),
                      "error": (f"{res.report['error']}; " if res.report.get("error") else "") + error}


def _keep_interim(path: Path, anomalies: list[Record]) -> None:
    """`interim/` shows the anomalies as published (validation's included); best effort."""
    try:
        write.json_atomic(path, anomalies)
    except OSError as err:
        log.warning("%s not updated (%s)", path, err.strerror)
