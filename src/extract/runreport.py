"""The run report: one self-contained HTML page (`interim/report.html`, no network needed)
that says what happened to each report of the last run: a reports x datasets matrix (rows,
method, table status; coloured where a table was not found, has anomalies or failed checks,
with a legend of the colours and statuses), then every anomaly and failed check with its page
or line and raw text, and links to the report's stage files in `interim/` and to the charts
page beside it (`charts.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import PurePosixPath
from typing import Any

from extract.contract import TABLE_DATASETS
from extract.model import ReportResult

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.found{background:#e8f5e9} td.not_found{background:#ffcdd2} td.no_section{color:#999}
td.doubtful{background:#ffe0b2} td.quarantined{background:#ffcdd2;font-weight:bold}
td.stated_none{background:#f5f5f5} td.anomalies{background:#fff3cd} td.failed_checks{background:#ffe0b2}
.status-failed,.status-quarantined{color:#b00020;font-weight:bold} .status-partial{color:#a15c00}
code{font-size:12px}
#legend td{border:none;padding:.1em .5em} #legend td:first-child{border:1px solid #ccc;min-width:5em}
"""

#: What each colour of a matrix cell says of the table (the cell's class, as in `_STYLE`).
_TABLE_LEGEND = {
    "found": "found: its rows and the method that read it",
    "anomalies": "found, with anomalies (listed under the report)",
    "failed_checks": "found, a validation check failed (listed under the report)",
    "not_found": "expected but not found: why is in its anomaly; (page) links a picture of where it was sought",
    "doubtful": "read but withheld: its columns or rows are not sure (the reason is in its anomaly)",
    "quarantined": "read but withheld: it failed a critical validation (the expectation is in validaciones); "
                   "the report's other tables are published",
    "stated_none": "the report says there is nothing to report",
    "no_section": "the report has no section for it",
}

#: What each status of a report says.
_STATUS_LEGEND = {
    "ok": "extracted, validated and written",
    "partial": "written, but an expected table was not found or a page could not be read",
    "quarantined": "blocked by a critical validation failure: its data rows withheld, its checks and anomalies written",
    "failed": "the input failed (the reason under the report): its data rows withdrawn",
    "unchanged": "as in the last run, not rewritten",
    "not written": "validated, but writing it failed (the log says why)",
}


def render(results: list[ReportResult], statuses: dict[str, str], failed_checks: dict[str, list[Any]],
           interim_links: dict[str, str], pictures: dict[tuple[str, str], str] | None = None,
           holds: str = "") -> str:
    """The page for a run: `statuses` says what became of each report (ok, partial,
    quarantined, failed, unchanged) by its result's source file; `failed_checks` the failed
    validation findings by report id; `interim_links` each source file's stage folder, and
    `pictures` the `extract debug` picture of where a table was not found (by source file and
    dataset), relative to the page; `holds`, what `processed/` holds as a whole (a re-run that
    changed nothing still shows its warnings and withheld tables)."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    out = [f"<!doctype html><html lang=es><head><meta charset=utf-8><title>iess-extract run {when}</title>"
           f"<style>{_STYLE}</style></head><body>",
           f"<h1>iess-extract run, {when}</h1>",
           f"<p id=summary>{len(results)} input(s): "
           + ", ".join(f"<span class=status-{escape(s)}>{n} {escape(s)}</span>" for s, n in sorted(counts.items()))
           + "</p>", f"<p id=holdings>{escape(holds)}</p>" if holds else "",
           "<p><a href='charts.html'>Charts</a> compare the published reports.</p>",
           _matrix(results, statuses, failed_checks, interim_links, pictures or {}), _legend()]
    for res in results:
        out.append(_details(res, statuses.get(res.source_file, ""), failed_checks.get(res.report_id or "", []),
                            interim_links.get(res.source_file)))
    out.append("</body></html>")
    return "\n".join(out)


def _matrix(results: list[ReportResult], statuses: dict[str, str], failed_checks: dict[str, list[Any]],
            links: dict[str, str], pictures: dict[tuple[str, str], str]) -> str:
    head = "".join(f"<th>{d}</th>" for d in TABLE_DATASETS)
    rows = [f"<table id=matrix><tr><th>report</th><th>file</th><th>status</th>{head}</tr>"]
    for res in results:
        status = statuses.get(res.source_file, "")
        tables = {t["dataset"]: t for t in res.datasets.get("tablas", [])}
        anomalous = {a.get("dataset") for a in res.datasets.get("anomalias", [])}
        failing = {f.dataset for f in failed_checks.get(res.report_id or "", [])}
        cells = []
        for d in TABLE_DATASETS:
            t = tables.get(d)
            if t is None:
                cells.append("<td></td>")
                continue
            cls = ("failed_checks" if d in failing else "anomalies" if d in anomalous and t["status"] == "found"
                   else t["status"])
            text = f"{t['rows']} rows, {escape(t['method'] or '')}" if t["status"] == "found" else t["status"]
            picture = pictures.get((res.source_file, d))
            if picture:
                text = f"<a href='{escape(picture, quote=True)}'>{text} (page)</a>"
            cells.append(f"<td class={cls} title='{escape(t.get('header') or '', quote=True)}'>{text}</td>")
        name = escape(res.source_file)
        link = links.get(res.source_file)
        file_cell = f"<a href='{escape(link, quote=True)}'>{name}</a>" if link else name
        rid = escape(res.report_id or "-")
        rows.append(f"<tr><td><a href='#{rid}'>{rid}</a></td><td>{file_cell}</td>"
                    f"<td class=status-{escape(status)}>{escape(status)}</td>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _legend() -> str:
    """What the colours of the matrix and the statuses of the reports mean."""
    tables = "".join(f"<tr><td class='{cls}'>{escape(cls.replace('_', ' '))}</td><td>{escape(means)}</td></tr>"
                     for cls, means in _TABLE_LEGEND.items())
    statuses = "".join(f"<tr><td class='status-{escape(s)}'>{escape(s)}</td><td>{escape(means)}</td></tr>"
                       for s, means in _STATUS_LEGEND.items())
    return (f"<table id=legend><tr><th colspan=2>a table's cell</th></tr>{tables}"
            f"<tr><th colspan=2>a report's status</th></tr>{statuses}</table>")


def _details(res: ReportResult, status: str, failed: list[Any], link: str | None) -> str:
    rid = escape(res.report_id or "-")
    out = [f"<h2 id='{rid}'>{rid} <small>({escape(res.source_file)}, {escape(status)})</small></h2>"]
    if res.error:
        out.append(f"<p class=status-failed>{escape(res.error)}</p>")
    if link:
        stages = ["01-ingest.json", "02-sections.json", "03-tables.json", "04-normalised.json", "anomalias.json"]
        out.append("<p>stage files: " + ", ".join(
            f"<a href='{escape(str(PurePosixPath(link) / s), quote=True)}'>{s}</a>" for s in stages) + "</p>")
    anomalies = res.datasets.get("anomalias", [])
    if anomalies:
        out.append("<table class=anomalias><tr><th>dataset</th><th>where</th><th>problem</th><th>raw text</th></tr>"
                   + "".join(f"<tr><td>{escape(a.get('dataset') or '-')}</td><td>{escape(a.get('location') or '')}"
                             f"</td><td>{escape(a.get('problem') or '')}</td><td><code>"
                             f"{escape((a.get('raw_text') or '')[:300])}</code></td></tr>" for a in anomalies)
                   + "</table>")
    if failed:
        out.append("<table class=checks><tr><th>dataset</th><th>check</th><th>severity</th><th>where</th>"
                   "<th>observed</th><th>about</th></tr>"
                   + "".join(f"<tr><td>{escape(f.dataset)}</td><td>{escape(f.expectation)}</td>"
                             f"<td>{escape(f.severity)}</td><td>{escape(f.location or '')}</td>"
                             f"<td><code>{escape(f.observed or '')}</code></td><td>{escape(f.details or '')}</td></tr>"
                             for f in failed)
                   + "</table>")
    if not anomalies and not failed and not res.error:
        out.append("<p>no anomalies, every check passed.</p>")
    return "\n".join(out)
