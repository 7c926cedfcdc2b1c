"""What validation concludes of one report: its findings (each expectation or check, passed
or failed, with what was observed), whether they block it, and its warnings as anomalies."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from extract.contract import TABLE_DATASETS
from extract.model import ReportResult

log = logging.getLogger("extract.validate")

#: Datasets a critical failure withholds on their own, the report's others published: a table's
#: rows (with its totals), the totals, the narrative's figures. A failure of any other dataset
#: (the report's identity, its sections) withholds the report.
SEPARABLE = frozenset({*TABLE_DATASETS, "totales", "indicadores"})


@dataclass
class Finding:
    """One expectation or check of one dataset of a report, passed or failed."""

    dataset: str
    expectation: str
    severity: str
    success: bool
    observed: str | None = None
    details: str | None = None
    location: str | None = None  # page or line of the row it concerns


@dataclass
class Verdict:
    """The outcome of validating one report."""

    report_id: str
    findings: list[Finding] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)  # its reconciliation rows (`reconcile.checks`)

    @property
    def failed(self) -> list[str]:
        return [f"{f.dataset}: {f.expectation}" for f in self.findings
                if f.severity == "critical" and not f.success]

    @property
    def blocked(self) -> bool:
        """A critical failure of the report as a whole: the report is quarantined."""
        return any(f.dataset not in SEPARABLE for f in self._critical)

    @property
    def withheld(self) -> dict[str, list[str]]:
        """The datasets withheld on their own (a table's critical failure), each with the
        expectations it failed; none when the report is blocked as a whole."""
        out: dict[str, list[str]] = {}
        if not self.blocked:
            for f in self._critical:
                out.setdefault(f.dataset, []).append(f.expectation)
        return out

    def status(self, extracted: str) -> str:
        """The report's status as published: `quarantined` when blocked, `partial` when a
        table is withheld, else the status extraction gave it."""
        return "quarantined" if self.blocked else "partial" if self.withheld and extracted == "ok" else extracted

    @property
    def _critical(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "critical" and not f.success]

    def rows(self) -> list[dict[str, Any]]:
        """The `validaciones` rows of this verdict."""
        return [{"report_id": self.report_id, "dataset": f.dataset, "expectation": f.expectation,
                 "severity": f.severity, "success": f.success, "observed_value": f.observed,
                 "details": f.details} for f in self.findings]

    def quarantined(self, res: ReportResult) -> dict[str, Any]:
        """What is parked of a blocked report, or of its withheld datasets, and why
        (`write.quarantine`)."""
        return {"report_id": res.report_id, "source_file": res.source_file, "failed": self.failed,
                "datasets": res.datasets, "findings": [f.__dict__ for f in self.findings if not f.success]}


def finish(res: ReportResult, verdict: Verdict) -> None:
    """Every warning also becomes an anomaly."""
    rid = verdict.report_id
    for f in verdict.findings:
        if f.severity == "warning" and not f.success:
            row = {"report_id": rid, "stage": "validate", "dataset": f.dataset, "location": f.location,
                   "raw_text": f.observed, "problem": f"{f.expectation} failed ({f.details})"}
            res.datasets.setdefault("anomalias", []).append(row)
            log.warning("%s: %s: %s failed: %s", rid, f.dataset, f.expectation, f.observed)
    log.info("%s: validate: %d checks, %d critical failures, %d warnings", rid,
             len(verdict.findings), len(verdict.failed),
             sum(f.severity == "warning" and not f.success for f in verdict.findings))
