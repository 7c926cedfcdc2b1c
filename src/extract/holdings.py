"""What `processed/` holds after a run, read from the published datasets themselves: the
reports by status, the validation warnings, the anomalies, and the tables withheld (doubtful or
quarantined). A run's closing line, `run.json` and `report.html` say it, a no-op run included,
so they never describe only what the run itself wrote."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("extract.pipeline")

#: `tablas` statuses of a table read but withheld.
WITHHELD = ("doubtful", "quarantined")


@dataclass
class Holdings:
    """Counts over every report published in `processed/`."""

    reports: Counter[str] = field(default_factory=Counter)  # by status
    warnings: int = 0  # failed validation warnings (`validaciones`)
    anomalies: int = 0
    withheld: list[str] = field(default_factory=list)  # `report_id/dataset (status)` per withheld table

    def line(self) -> str:
        """`processed/ holds 2 report(s) (1 ok, 1 partial): 4 validation warning(s), 9 anomalies,
        1 table(s) withheld (iess-loja-2024/presupuesto quarantined)`."""
        states = ", ".join(f"{n} {s}" for s, n in sorted(self.reports.items()))
        withheld = f" ({', '.join(self.withheld)})" if self.withheld else ""
        return (f"processed/ holds {sum(self.reports.values())} report(s)" + (f" ({states})" if states else "")
                + f": {self.warnings} validation warning(s), {self.anomalies} anomalies, "
                f"{len(self.withheld)} table(s) withheld{withheld}")

    def as_json(self) -> dict:
        return {"reports": dict(self.reports), "warnings": self.warnings, "anomalies": self.anomalies,
                "withheld": self.withheld}


def read(processed: Path) -> Holdings:
    """What `processed/` holds; a dataset not there counts as empty, one that cannot be read is
    logged and counted as empty (the run's own outcome is told anyway)."""
    held = Holdings()
    reports = _rows(processed, "reports", ["report_id", "status"])
    held.reports = Counter(r["status"] for r in reports)
    checks = _rows(processed, "validaciones", ["severity", "success"])
    held.warnings = sum(1 for c in checks if c["severity"] == "warning" and not c["success"])
    held.anomalies = len(_rows(processed, "anomalias", ["report_id"]))
    tablas = _rows(processed, "tablas", ["report_id", "dataset", "status"])
    held.withheld = sorted(f"{t['report_id']}/{t['dataset']} {t['status']}" for t in tablas if t["status"] in WITHHELD)
    return held


def _rows(processed: Path, dataset: str, columns: list[str]) -> list[dict]:
    folder = processed / dataset
    if not folder.is_dir() or not any(folder.glob("report_id=*/*.parquet")):
        return []
    import pyarrow.dataset as ds

    try:
        table = ds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=columns)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        log.warning("%s not read to tell what processed/ holds (%s)", folder, err)
        return []
    return table.to_pylist()
