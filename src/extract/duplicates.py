"""Inputs that are one report: byte-identical copies and a PDF with its own text, skipped
before any extraction, and, after it, a scan beside the PDF it is a scan of (the one with a
text layer used) and inputs that claim one report with different content (a conflict,
settled in favour of what is published)."""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import regex

from extract import tolerances
from extract.identify import NotAReport, identify
from extract.ingest import head_and_tail, text_of
from extract.inputs import Digest, Opening, digest_of, stamp
from extract.model import ReportResult
from extract.report import relative
from extract.textutil import safe

log = logging.getLogger("extract.pipeline")

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


_NUMBER = regex.compile(r"\d[\d.,]{3,}\d")  # figures of four characters or more: `4.321.098`


def _kind_by_name(path: Path) -> str:
    return "pdf" if path.suffix.lower() == ".pdf" else "text"


def without_twins(inputs: dict[Path, Digest | None], root: Path, known: dict[Path, Opening],
                  only: bool = False) -> tuple[dict[Path, Digest | None], dict[Path, str | None],
                                               dict[Path, tuple[list[int] | None, Opening]]]:
    """The inputs less each text that is a PDF's own text, found before extraction from
    their text (the PDF's opening and last pages, the text file's opening): both name the same
    report (`identify`) and most of the PDF's figures there are in the text
    (`tolerances.TWIN_OVERLAP`). The PDF is read
    (pages, ruled tables); the log names the text skipped and why. Also each input's claimed
    report id (None when its text does not tell: a scan, not a report), for `--only` (read
    only with `only`, or when the batch has both PDFs and texts by their names), and the
    openings read here (with the file's stamp) for the next run; an unchanged input's opening
    is `known` and not read again."""
    claims: dict[Path, str | None] = {}
    figures: dict[Path, frozenset[str]] = {}
    kinds: dict[Path, str] = {}
    read: dict[Path, tuple[list[int] | None, Opening]] = {}
    if not (only or {_kind_by_name(p) for p in inputs} >= {"pdf", "text"}):
        return inputs, claims, read  # no PDF beside a text: nothing to read ahead of extraction
    for path in inputs:
        opening = known.get(path) or _opening(path, read)
        kinds[path], claims[path] = opening.kind, opening.claim
        if opening.claim is not None:
            figures[path] = opening.figures
    keep = dict(inputs)
    for pdf in (p for p in inputs if kinds[p] == "pdf" and claims[p]):
        for twin in (p for p in inputs if kinds[p] == "text" and claims[p] == claims[pdf] and p in keep):
            a, b = figures[pdf], figures[twin]
            if a and b and len(a & b) >= tolerances.TWIN_OVERLAP * min(len(a), len(b)):
                log.info("%s: the text of %s (%s, %d%% of its figures in common); skipped, the PDF is read",
                         safe(relative(twin, root)), safe(relative(pdf, root)), claims[pdf],
                         round(100 * len(a & b) / min(len(a), len(b))))
                del keep[twin]
    return keep, claims, read


def _opening(path: Path, read: dict[Path, tuple[list[int] | None, Opening]]) -> Opening:
    """Read an input's opening (`ingest.text_of`), noting it in `read` with the file's stamp."""
    try:
        st: list[int] | None = stamp(path.stat())
    except OSError:
        st = None
    kind, text = text_of(path)
    try:
        claim = identify(head_and_tail(text)).report_id if text else None
    except NotAReport:
        claim = None
    opening = Opening(kind, claim, frozenset(_NUMBER.findall(text)) if claim else frozenset())
    read[path] = (st, opening)
    return opening


def _values(res: ReportResult) -> set[tuple[str, str]]:
    """The report's table values, for telling a PDF's own text from another report."""
    skip = {"anomalias", "secciones", "indicadores", "totales"}
    return {(name, str(v)) for name, rows in res.datasets.items() if name not in skip
            for row in rows for k, v in row.items() if isinstance(v, int | Decimal) and not k.startswith("_")}


def _twins(a: ReportResult, b: ReportResult) -> bool:
    """A PDF and a text of the same report: one of each, most of their values in common (or the
    same bytes)."""
    if a.sha256 and a.sha256 == b.sha256:
        return True
    if {a.kind, b.kind} != {"pdf", "text"}:
        return False
    va, vb = _values(a), _values(b)
    return not (va or vb) or len(va & vb) >= tolerances.TWIN_OVERLAP * min(len(va), len(vb))


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
