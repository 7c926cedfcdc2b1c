"""Stage 1, ingest: read a PDF or text file once, hash it, and identify the report."""

from __future__ import annotations

import codecs
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from extract import tolerances
from extract.identify import NotAReport, identify
from extract.inputs import source_name
from extract.markup import plain_lines
from extract.model import Document, Line, PageOcr, Picture
from extract.numbers import document_convention
from extract.ocr import unavailable
from extract.ocr_pages import needs_ocr, ocr_lines, oversized, picture_lines
from extract.pictures import Candidate, candidates, page_read, placed, unrepeated
from extract.textutil import join_digit_groups, visible

_LARGE = 100  # pages from which reading a PDF shows a progress bar on a terminal
MAX_PAGES = 5_000  # pages a PDF may claim, by default (a damaged one may claim millions)


class BadInput(Exception):
    """A file that cannot be processed; the message is the plain-words cause."""


@dataclass
class Scan:
    """The pages of a PDF that need OCR (0-based), what OCR read on them (by page number, with
    the pages whose pictures hold tables), why OCR could not run, if it could not, and the
    pictures of pages with a text layer read by OCR (`pictures.py`)."""

    wanted: list[int] = field(default_factory=list)
    pages: dict[int, PageOcr] = field(default_factory=dict)
    missing: str | None = None
    pictures: list[Picture] = field(default_factory=list)
    unread_pictures: list[int] = field(default_factory=list)  # pages with a picture to read, OCR missing


class Unidentified(BadInput):
    """A file that names a report but is not one: its claimed identity is not to be trusted."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROLS = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # keeps tab, LF, FF, CR


def _decode(data: bytes) -> str:
    """Text bytes as str: UTF-8 or UTF-16 by their byte-order mark, UTF-8, else Windows-1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff(data: bytes) -> str:
    """`pdf` or `text` by content; raises BadInput for empty, binary or HTML files."""
    if not data.strip():
        raise BadInput("empty file")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    lowered = head[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        raise BadInput("an HTML/XML page, not a PDF or text report")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 10:
        raise BadInput("binary file that is neither a PDF nor text")
    return "text"


def _clean(text: str) -> tuple[str, int]:
    """Text (a text input's, a PDF page's) as plain lines: pdfium's line-break hyphen markers
    (U+0002 from a PDF, U+FFFE in its text exports) as `-`, CR/LF as LF, without NUL and
    other control characters (they would join or split rows) or invisible ones
    (`textutil.visible`: zero-width, soft hyphen, bidi controls; full-width digits as ASCII),
    digit groups apart by no-break or thin spaces joined (`join_digit_groups`); and how many
    characters were removed (never silently: an anomaly names the count)."""
    text = text.replace("\x02", "-").replace("\ufffe", "-").replace("\r\n", "\n").replace("\r", "\n")
    text, controls = _CONTROLS.subn("", text)
    text, hidden = visible(text)
    return join_digit_groups(text), controls + hidden


def _page_text(page: Any, found: list[Candidate] | None = None, index: int = 0) -> tuple[str, int, bool]:
    """A pypdfium2 page's text layer (`_clean`), the characters removed from it, and whether
    the page needs OCR (`needs_ocr`); with `found`, the pictures of a page that keeps its
    text layer that may hold a table are added to it (`pictures.candidates`, the page its
    0-based `index`). The page is closed."""
    textpage = page.get_textpage()
    text, removed = _clean(textpage.get_text_bounded())
    ocr = needs_ocr(page, text)
    if found is not None and not ocr:
        found.extend(candidates(page, textpage, index))
    textpage.close()
    page.close()
    return text, removed, ocr


def _pdf_lines(data: bytes, path: Path, max_pages: int, workers: int = 1,
               only: int | None = None) -> tuple[list[Line], int, Scan, int]:
    """Every page's text lines (pypdfium2, the fast text layer; OCR for a page whose text
    layer is missing or thin under an image, on up to `workers` processes; BadInput for a page
    too large to render for it, `ocr_pages.oversized`; OCR for the pictures of other pages
    that may hold a table, their lines at their place), the page count, and the characters
    removed from the text layer (`_clean`). With `only` (a page number), no other page is
    read by OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        msg = str(err).lower()
        if "password" in msg:
            raise BadInput("encrypted, needs a password") from err
        raise BadInput(f"damaged or truncated PDF ({err})") from err
    try:
        pages: list[list[Line]] = []
        scan = Scan()
        found: list[Candidate] = []
        removed = 0
        n = len(pdf)
        if n > max_pages:
            raise BadInput(f"claims {n} pages, more than the {max_pages} a report may have (damaged?)")
        for i in _pages(n, path):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as err:
                raise BadInput(f"page {i + 1} of {n} cannot be read ({err}); damaged PDF") from err
            text, dropped, ocr = _page_text(page, found if only in (None, i + 1) else None, i)
            removed += dropped
            if ocr and only in (None, i + 1):
                scan.wanted.append(i)
            pages.append([Line(t, i + 1, None) for t in text.split("\n")])
        found = unrepeated(found)
        if scan.wanted or found:
            scan.missing = unavailable()
        if scan.wanted and scan.missing is None:
            refused = oversized(pdf, scan.wanted)
            if refused:
                raise BadInput(refused)
            read, scan.pages = ocr_lines(pdf, scan.wanted, path.name, data, workers)
            for number, lines in read.items():
                pages[number - 1] = lines
        if found and scan.missing is None:
            _read_pictures(pdf, found, path.name, pages, scan)
        elif found:
            scan.unread_pictures = sorted({c.index + 1 for c in found})  # said in `anomalias` by the report
        return [line for page_lines in pages for line in page_lines], n, scan, removed
    finally:
        pdf.close()


def _read_pictures(pdf: Any, found: list[Candidate], name: str, pages: list[list[Line]], scan: Scan) -> None:
    """The pictures `found` read by OCR into `scan.pictures`; those holding tables give their
    lines to their pages (in `pages`, at their place) and make their pages read by OCR in
    `scan.pages` (their rows are told read by OCR, with the same doubts)."""
    scan.pictures, inserts = picture_lines(pdf, found, name)
    for number, placed_lines in inserts.items():
        pages[number - 1] = placed(pages[number - 1], placed_lines)
        scan.pages[number] = page_read([p for p in scan.pictures if p.page == number and p.table])


def head_and_tail(lines: list[Line] | str) -> str:
    """The text a report's identity is read from: its opening and closing pages (the whole
    of any real report; a padded one is not read in full)."""
    if isinstance(lines, str):
        lines = [Line(t, None, None) for t in lines.split("\n")]
    head: list[str] = []
    size = 0
    for line in lines:
        if size > tolerances.IDENTITY_HEAD:
            break
        head.append(line.text)
        size += len(line.text) + 1
    tail: list[str] = []
    size = 0
    for line in reversed(lines[len(head):]):
        if size > tolerances.IDENTITY_TAIL:
            break
        tail.append(line.text)
        size += len(line.text) + 1
    return "\n".join([*head, *reversed(tail)])


def text_of(path: Path, whole: Callable[[str], bool] | None = None) -> tuple[str, str, str | None]:
    """(kind, opening, text) of an input, cheaply, to tell which report it is before extracting
    it. The opening is a PDF's text layer of its opening and last pages (no OCR), a text
    file's first `tolerances.PEEK_BYTES`, each cleaned as `ingest` cleans it; the text is the
    whole input's (a PDF's pages apart by form feeds): a text file's when it is no longer
    than its opening, a PDF's when `whole` wants it read in full (told its opening) and its
    text layer holds it all (at most `MAX_PAGES`, none needing OCR); "" when it is not at
    hand that way, None when not asked for. ("", "", None) when the input cannot be read."""
    try:
        with path.open("rb") as fh:
            head = fh.read(tolerances.PEEK_BYTES + 1)
        kind = _sniff(head)
    except (OSError, BadInput):
        return "", "", None
    if kind == "text":
        text = "\n".join(line.text for line in _text_lines(_clean(_decode(head[:tolerances.PEEK_BYTES]))[0]))
        return kind, text, text if len(head) <= tolerances.PEEK_BYTES else ""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return kind, "", None
    try:
        n = len(pdf)
        first = sorted({*range(min(tolerances.PEEK_PAGES, n)), n - 1} - {-1})
        pages = {i: _page_text(pdf[i]) for i in first}
        opening = "\n".join(pages[i][0] for i in first)
        if whole is None or not whole(opening):
            return kind, opening, None
        if n > MAX_PAGES:
            return kind, opening, ""
        for i in range(n):
            pages[i] = pages.get(i) or _page_text(pdf[i])
        complete = not any(ocr for _, _, ocr in pages.values())
        return kind, opening, "\f".join(pages[i][0].replace("\f", "") for i in range(n)) if complete else ""
    except pdfium.PdfiumError:
        return kind, "", None
    finally:
        pdf.close()


def one_page(path: Path, page: int) -> tuple[str, str, PageOcr | None, list[Picture]]:
    """For `extract debug`: a file's kind, its report id (its name's stem when its text read
    this way does not tell it: a scan), and what OCR read on its page `page` (1-based) alone:
    the whole page when it needs OCR, else its pictures that may hold a table. BadInput for a
    file that is no PDF or text; ValueError for a page the PDF has not."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadInput(f"cannot be read ({err.strerror})") from err
    kind = _sniff(data)
    if kind != "pdf":
        return kind, "", None, []
    lines, n, scan, _ = _pdf_lines(data, path, MAX_PAGES, only=page)
    if not 1 <= page <= n:
        raise ValueError(f"page {page} is outside 1..{n}")
    try:
        report_id = identify(head_and_tail(lines)).report_id
    except NotAReport:
        from extract.textutil import slug

        report_id = slug(path.stem)
    return kind, report_id, scan.pages.get(page), scan.pictures


def _text_lines(text: str) -> list[Line]:
    """A text input's lines as plain text (Markdown and delimited tables read, `markup.py`);
    where form feeds mark its pages (`pdftotext`), each line carries its page too."""
    paged = "\f" in text
    raws = text.split("\n")
    lines, page = [], 1
    for i, (raw, (plain, cells)) in enumerate(zip(raws, plain_lines([r.replace("\f", "") for r in raws]),
                                                  strict=True)):
        leading = len(raw) - len(raw.lstrip("\f"))  # a form feed before a page's first line
        page += leading
        lines.append(Line(plain, page if paged else None, i + 1, cells))
        page += raw.count("\f") - leading
    return lines


def _pages(n: int, path: Path) -> range | Any:
    """Page numbers, with a progress bar on a terminal for a large PDF."""
    if n < _LARGE or not sys.stderr.isatty():
        return range(n)
    from tqdm import tqdm

    return tqdm(range(n), desc=path.name, unit="page", leave=False, file=sys.stderr)


def ingest(path: Path, root: Path | None = None, data: bytes | None = None,
           max_pages: int = MAX_PAGES, sha256: str | None = None, workers: int = 1) -> Document:
    """Read `path` (or its bytes, `data`, read and hashed once by the caller: `sha256`),
    detect its kind by content, and identify the report; raises BadInput. A scan's pages are
    read by OCR on up to `workers` processes."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise BadInput(f"cannot be read ({err.strerror})") from err
    kind = _sniff(data)
    sha = sha256 or hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise BadInput("truncated PDF (no end-of-file marker); download it again")
        lines, n_pages, scan, removed = _pdf_lines(data, path, max_pages, workers)
        pages: int | None = n_pages
        chars = sum(len(line.text.strip()) for line in lines)
        if chars < tolerances.MIN_TEXT_PER_PAGE * max(n_pages, 1):
            if scan.missing:
                raise BadInput(f"no text layer (a scanned PDF); {scan.missing}")
            raise BadInput("no text, not even by OCR (blank or unreadable pages)" if scan.wanted
                           else "no text layer and no page image to read (blank pages?)")
    else:
        scan = Scan()
        text, removed = _clean(_decode(data))
        lines, pages = _text_lines(text), None
    try:
        ident = identify(head_and_tail(lines))
    except NotAReport as err:
        raise BadInput(str(err)) from err
    source = source_name(path, root or Path.cwd())
    return Document(path, source, kind, sha, pages, lines, ident,
                    document_convention(line.text for line in lines),
                    removed, ocr=scan.pages,
                    unread_pages=[i + 1 for i in scan.wanted] if scan.missing else [], pictures=scan.pictures,
                    unread_pictures=scan.unread_pictures,
                    data=data if kind == "pdf" else b"")
