"""`extract run` for benchmarks: every input file is a report of its own (`<report_id>--<file
stem>`), so that a batch of renamed copies of the samples measures a batch of reports. Used by
`bench.py`; the switch lives here, not in the pipeline or its command line."""

from __future__ import annotations

import sys
from pathlib import Path

import extract.duplicates as duplicates
from extract.cli import main
from extract.model import ReportResult
from extract.textutil import slug


def as_copy(res: ReportResult) -> ReportResult:
    """A renamed copy as a report of its own."""
    if res.report_id is None:
        return res
    new = f"{res.report_id}--{slug(Path(res.source_file).stem)}"
    for rows in [*res.datasets.values(), [res.report]]:
        for row in rows:
            row["report_id"] = new
    res.report_id = new
    return res


def distinct(results: list[ReportResult], published: dict) -> list[ReportResult]:
    return [as_copy(r) for r in results]


if __name__ == "__main__":
    duplicates.deduplicate = distinct  # type: ignore[assignment]
    sys.exit(main(["run", *sys.argv[1:]]))
