"""Inputs that are one report: byte-identical copies and a PDF with its own text, skipped
before any extraction, and, after it, a scan beside the PDF it is a scan of (the one with a
text layer used) and inputs that claim one report with different content (a conflict,
settled in favour of what is published)."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import regex

from extract import tolerances
from extract.contract import PROVENANCE, TABLE_DATASETS
from extract.identify import NotAReport, identify
from extract.ingest import head_and_tail, text_of
from extract.inputs import Digest, Opening, digest_of, stamp
from extract.model import ReportResult
from extract.report import relative
from extract.textutil import safe

log = logging.getLogger("extract.pipeline")
_PROVENANCE = frozenset(name for name, _ in PROVENANCE)

def without_copies(inputs: list[Path], root: Path, published: dict[str, dict[str, Any]],
                   known: dict[Path, Digest | None]) -> dict[Path, Digest | None]:
    """The inputs (path -> digest when known) less byte-identical copies, skipped before any
    extraction: of a set of copies, the one a report was published from is kept, else the
    first by name. Only inputs that share their size with another are hashed here (the
    others cannot be copies; `known` spares an unchanged file the reading)."""
    sources = {rec.get("source_file") for rec in published.values()}
    by_size: dict[int, list[Path]] = defaultdict(list)
    for path in inputs:
        try:
            by_size[path.stat().st_size].append(path)
        except OSError:
            by_size[-1 - len(by_size)].append(path)  # left to the extraction to report
    digests = dict(known)
    keep: set[Path] = set()
    for same_size in by_size.values():
        if len(same_size) == 1:
            keep.add(same_size[0])
            continue
        by_digest: dict[str, list[Path]] = defaultdict(list)
        for path in same_size:
            try:
                digest = digests[path] = digests.get(path) or digest_of(path)
                by_digest[digest.sha256].append(path)
            except OSError:
                by_digest[f"unreadable:{path}"].append(path)  # left to the extraction to report
        for copies in by_digest.values():
            kept = next((p for p in copies if relative(p, root) in sources), copies[0])
            keep.add(kept)
            for other in copies:
                if other is not kept:
                    log.info("%s: identical to %s; skipped (%s)", safe(relative(other, root)),
                             safe(relative(kept, root)),
                             "it is the published one" if relative(kept, root) in sources else "first by name")
    return {p: digests.get(p) for p in inputs if p in keep}


_NUMBER = regex.compile(r"\d(?:[\d.,]*\d)?")  # every number: `43`, `2024`, `109.787,52`
#: The figures of a PDF read in full whose text layer does not hold all its text (a page to
#: OCR, too many pages): a figure no text has, so no text is taken for its own.
_UNVOUCHED = "?"


def _kind_by_name(path: Path) -> str:
    return "pdf" if path.suffix.lower() == ".pdf" else "text"


def without_twins(inputs: dict[Path, Digest | None], root: Path, known: dict[Path, Opening],
                  only: bool = False) -> tuple[dict[Path, Digest | None], dict[Path, str | None],
                                               dict[Path, tuple[list[int] | None, Opening]]]:
    """The inputs less each text that is a PDF's own text, found before extraction from their
    text: both name the same report (`identify`, from their openings) and every figure of the
    PDF, every page of it, is in the text as often (`_figures`; the text may hold more: a
    chart's labels the PDF draws as an image). Only a PDF that a text claims the report of is
    read in full here, and only its text layer; where that cannot settle it (a page to OCR, a
    text longer than its opening), both are extracted and `deduplicate` compares their tables.
    The log names the text skipped and why. Also each input's claimed report id (None when
    its text does not tell: a scan, not a report), for `--only` (read only with `only`, or
    when the batch has both PDFs and texts by their names), and the openings read here (with
    the file's stamp) for the next run; an unchanged input's opening is `known` and not read
    again."""
    claims: dict[Path, str | None] = {}
    read: dict[Path, tuple[list[int] | None, Opening]] = {}
    if not (only or {_kind_by_name(p) for p in inputs} >= {"pdf", "text"}):
        return inputs, claims, read  # no PDF beside a text: nothing to read ahead of extraction
    openings: dict[Path, Opening] = {}
    wanted: set[str] = set()  # the reports texts claim: a PDF of one is read in full
    for path in sorted(inputs, key=lambda p: _kind_by_name(p) == "pdf"):  # texts first
        opening = known.get(path)
        if opening is None or (opening.kind == "pdf" and not opening.figures and opening.claim in wanted):
            opening = _opening(path, read, wanted)
        openings[path], claims[path] = opening, opening.claim
        if opening.kind == "text" and opening.claim:
            wanted.add(opening.claim)
    keep = dict(inputs)
    for pdf in (p for p in inputs if openings[p].kind == "pdf" and claims[p]):
        for twin in (p for p in inputs if openings[p].kind == "text" and claims[p] == claims[pdf] and p in keep):
            a, b = openings[pdf].figures, openings[twin].figures
            if a and b and a <= b:
                log.info("%s: the text of %s (%s, every one of its %d figures in it); skipped, the PDF is read",
                         safe(relative(twin, root)), safe(relative(pdf, root)), claims[pdf], len(a))
                del keep[twin]
    return keep, claims, read


def _opening(path: Path, read: dict[Path, tuple[list[int] | None, Opening]], wanted: set[str]) -> Opening:
    """Read an input's opening (`ingest.text_of`), and a PDF's every page when a text claims
    its report (`wanted`), noting it in `read` with the file's stamp."""
    try:
        st: list[int] | None = stamp(path.stat())
    except OSError:
        st = None
    kind, text, whole = text_of(path, lambda opening: _claim(opening) in wanted)
    claim = _claim(text)
    figures: frozenset[str] = frozenset()  # none: not read in full (a PDF no text claims, a long text)
    if claim and whole:
        figures = _figures(whole)
    elif claim and whole == "" and kind == "pdf":
        figures = frozenset({_UNVOUCHED})  # and not read again while it is unchanged
    opening = Opening(kind, claim, figures)
    read[path] = (st, opening)
    return opening


def _claim(text: str) -> str | None:
    """The report an input's opening names, if it names one."""
    try:
        return identify(head_and_tail(text)).report_id if text else None
    except NotAReport:
        return None


def _figures(text: str) -> frozenset[str]:
    """Every number of a whole input's text, each with its count so far (`2024#3`: the third
    2024), so that one input's figures are a subset of another's only when each is there as
    often; a page's own number at its foot aside (a PDF's pages apart by form feeds: its
    text may leave them out)."""
    counts: Counter[str] = Counter()
    out = set()
    for number, page in enumerate(text.split("\f"), 1):
        lines = page.rstrip().split("\n")
        if lines[-1].strip() == str(number):
            lines.pop()
        for figure in _NUMBER.findall("\n".join(lines)):
            counts[figure] += 1
            out.add(f"{figure}#{counts[figure]}")
    return frozenset(out)


def _table_figures(res: ReportResult) -> dict[str, list[list[int | Decimal]]]:
    """Every figure of the report's tables and totals, row by row (provenance aside)."""
    return {name: [[v for k, v in row.items()
                    if isinstance(v, int | Decimal) and k not in _PROVENANCE and not k.startswith("_")]
                   for row in res.datasets.get(name, [])]
            for name in (*TABLE_DATASETS, "totales")}


def _values(res: ReportResult) -> set[tuple[str, str]]:
    """The report's table values, for telling a scan of a PDF from another report."""
    skip = {"anomalias", "secciones", "indicadores", "totales"}
    return {(name, str(v)) for name, rows in res.datasets.items() if name not in skip
            for row in rows for k, v in row.items() if isinstance(v, int | Decimal) and not k.startswith("_")}


def _twins(a: ReportResult, b: ReportResult) -> bool:
    """A PDF and a text of the same report: one of each, every figure of their tables the
    same, row by row (or the same bytes)."""
    if a.sha256 and a.sha256 == b.sha256:
        return True
    return {a.kind, b.kind} == {"pdf", "text"} and _table_figures(a) == _table_figures(b)


def _read_by_ocr(res: ReportResult) -> bool | None:
    """True when every row of a PDF's tables and figures was read by OCR (a scan), False when
    none was (its text layer read), None otherwise (a mixed PDF, a text, no rows)."""
    methods = {row["extraction_method"] for rows in res.datasets.values() for row in rows
               if row.get("extraction_method")}
    if res.kind != "pdf" or not methods:
        return None
    if methods == {"ocr"}:
        return True
    return None if "ocr" in methods else False


def _scan_of(scan: ReportResult, pdf: ReportResult) -> int | None:
    """The share (%) of values in common when `scan` is a scanned copy of `pdf`: every figure of
    `scan` read by OCR, none of `pdf`'s, most of their table values in common
    (`tolerances.TWIN_OVERLAP`, as for a PDF's own text); None when it is not."""
    if not (_read_by_ocr(scan) is True and _read_by_ocr(pdf) is False):
        return None
    va, vb = _values(scan), _values(pdf)
    if not (va and vb) or len(va & vb) < tolerances.TWIN_OVERLAP * min(len(va), len(vb)):
        return None
    return round(100 * len(va & vb) / min(len(va), len(vb)))


#: How a conflict is settled: file names never decide, the inputs left in `raw/` do.
_SETTLE = ("keep only the one to publish in raw/ (move the others out, or rename them to start with "
           "'.', which a run skips)")


def deduplicate(results: list[ReportResult], published: dict[str, dict[str, Any]]) -> list[ReportResult]:
    """One result per report id. A PDF and its own text (or a byte-identical copy) are one
    report: the PDF (or the first copy) is used and the other is named in the log; so are a
    scan and the PDF it is a scan of, the one with a text layer used. Inputs that claim one id
    with different content are a conflict, logged with how to settle it: the one already
    published stays, and every other claimant fails with the conflict named (never decided by
    file names), keeping the report's id; when none is published, the report's `reports` row
    says it failed and why."""
    claims: dict[str, list[ReportResult]] = {}
    out = []
    for res in results:
        if res.failed or res.report_id is None:
            out.append(res)
        else:
            claims.setdefault(res.report_id, []).append(res)
    for rid, group in claims.items():
        # a PDF with a text layer first, then a scan, then a text, each in the order of the inputs
        group.sort(key=lambda r: (r.kind != "pdf", _read_by_ocr(r) is True))
        kept = [group[0]]
        for res in group[1:]:
            twin = next((k for k in kept if _twins(k, res)), None)
            if twin is not None:
                log.info("%s: same report as %s (%s); using %s", safe(res.source_file), safe(twin.source_file),
                         rid, safe(twin.source_file))
                continue
            scanned = next(((k, share) for k in kept if (share := _scan_of(res, k)) is not None), None)
            if scanned is not None:
                pdf, share = scanned
                log.info("%s: a scan of %s (%s, %d%% of its figures in common); using %s, which has a text layer",
                         safe(res.source_file), safe(pdf.source_file), rid, share, safe(pdf.source_file))
                continue
            kept.append(res)
        if len(kept) == 1:
            out.append(kept[0])
            continue
        out.extend(_conflict(rid, kept, published.get(rid, {})))
    return out


def _conflict(rid: str, kept: list[ReportResult], record: dict[str, Any]) -> list[ReportResult]:
    """Settle inputs claiming `rid` with different content, against its published `record`:
    the published one stays (republished with the conflict among its anomalies) and the
    others fail, leaving it as it is; when none of them is the published one, all fail, and
    what is published for `rid` stays as it is, or, with nothing published, the report's
    `reports` row says it failed and why (under `rid`)."""
    has_rows = record.get("status") not in (None, "failed")  # a failed report's row is no publication
    stay = next((k for k in kept if has_rows and k.sha256 == record.get("sha256")), None)
    names = ", ".join(safe(k.source_file) for k in kept)
    if stay:
        outcome = f"{stay.source_file}, the published one, is kept"
    else:
        outcome = "none is published until one remains" + (f"; what is published for {rid} is kept" if has_rows else "")
    log.error("%s: conflict: %d different inputs claim this report (%s); %s: to settle it, %s",
              rid, len(kept), names, outcome, _SETTLE)
    for res in kept:
        if res is stay:
            res.datasets.setdefault("anomalias", []).append({
                "report_id": rid, "stage": "ingest", "dataset": None, "location": None,
                "raw_text": names, "problem": f"conflict: other inputs claim {rid} too; the published one is kept"})
            res.cached = False  # published again, with the conflict among its anomalies
        else:
            res.error = f"conflict: {names} all claim {rid} with different content; {outcome}; to settle it, {_SETTLE}"
            res.conflict = True
            res.fault = has_rows  # what is published stays as it is
    return kept
