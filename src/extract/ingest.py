"""Stage 1, ingest: read a PDF or text file once, hash it, and identify the report."""

from __future__ import annotations

import codecs
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from extract import tolerances
from extract.identify import NotAReport, identify
from extract.markup import plain_lines
from extract.model import Document, Line, PageOcr
from extract.numbers import document_convention
from extract.ocr import unavailable
from extract.ocr_pages import needs_ocr, ocr_lines
from extract.textutil import join_digit_groups

_LARGE = 100  # pages from which reading a PDF shows a progress bar on a terminal


class BadInput(Exception):
    """A file that cannot be processed; the message is the plain-words cause."""


@dataclass
class Scan:
    """The pages of a PDF that need OCR (0-based), what OCR read on them (by page number), and
    why OCR could not run, if it could not."""

    wanted: list[int] = field(default_factory=list)
    pages: dict[int, PageOcr] = field(default_factory=dict)
    missing: str | None = None


class Unidentified(BadInput):
    """A file that names a report but is not one: its claimed identity is not to be trusted."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROLS = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # keeps tab, LF, FF, CR


def _decode(data: bytes) -> str:
    """Text bytes as str: UTF-8 or UTF-16 by their byte-order mark, UTF-8, else Windows-1252;
    CRLF folded to LF."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _clean(data.decode(codec, errors="replace"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return _clean(text)


def _controls_removed(text: str) -> tuple[str, int]:
    """The text without NUL and other control characters (they would join or split rows), and
    how many there were."""
    cleaned, n = _CONTROLS.subn("", text)
    return cleaned, n


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


def _clean(text: str) -> str:
    """Extracted text as plain lines: pdfium's line-break hyphen markers (U+0002 from a PDF,
    U+FFFE in its text exports) as `-`, CR/LF as LF, digit groups apart by no-break or thin
    spaces joined (`join_digit_groups`)."""
    text = text.replace("\x02", "-").replace("\ufffe", "-").replace("\r\n", "\n").replace("\r", "\n")
    return join_digit_groups(text)


def _pdf_lines(data: bytes, path: Path, max_pages: int) -> tuple[list[Line], int, Scan]:
    """Every page's text lines (pypdfium2, the fast text layer; OCR for a page whose text
    layer is missing or thin under an image) and the page count."""
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
        n = len(pdf)
        if n > max_pages:
            raise BadInput(f"claims {n} pages, more than the {max_pages} a report may have (damaged?)")
        for i in _pages(n, path):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as err:
                raise BadInput(f"page {i + 1} of {n} cannot be read ({err}); damaged PDF") from err
            textpage = page.get_textpage()
            text = _clean(textpage.get_text_bounded())
            textpage.close()
            if needs_ocr(page, text):
                scan.wanted.append(i)
            page.close()
            pages.append([Line(t, i + 1, None) for t in text.split("\n")])
        if scan.wanted:
            scan.missing = unavailable()
            if scan.missing is None:
                read, scan.pages = ocr_lines(pdf, scan.wanted, path.name)
                for number, lines in read.items():
                    pages[number - 1] = lines
        return [line for page_lines in pages for line in page_lines], n, scan
    finally:
        pdf.close()


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


def text_of(path: Path) -> tuple[str, str]:
    """(kind, text) of an input, cheaply, to tell which report it is before extracting it:
    a PDF's text layer of its opening and last pages (no OCR), a text file's opening
    `tolerances.PEEK_BYTES` decoded; ("", "") when it cannot be read."""
    try:
        with path.open("rb") as fh:
            head = fh.read(tolerances.PEEK_BYTES)
        kind = _sniff(head)
    except (OSError, BadInput):
        return "", ""
    if kind == "text":
        return kind, "\n".join(t for t, _ in plain_lines(_controls_removed(_decode(head))[0].split("\n")))
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return kind, ""
    try:
        out = []
        n = len(pdf)
        for i in sorted({*range(min(tolerances.PEEK_PAGES, n)), n - 1} - {-1}):
            page = pdf[i]
            textpage = page.get_textpage()
            out.append(_clean(textpage.get_text_bounded()))
            textpage.close()
            page.close()
        return kind, "\n".join(out)
    except pdfium.PdfiumError:
        return kind, ""
    finally:
        pdf.close()


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
           max_pages: int = 5_000, sha256: str | None = None) -> Document:
    """Read `path` (or its bytes, `data`, read and hashed once by the caller: `sha256`),
    detect its kind by content, and identify the report; raises BadInput."""
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
        lines, n_pages, scan = _pdf_lines(data, path, max_pages)
        pages: int | None = n_pages
        chars = sum(len(line.text.strip()) for line in lines)
        if chars < tolerances.MIN_TEXT_PER_PAGE * max(n_pages, 1):
            if scan.missing:
                raise BadInput(f"no text layer (a scanned PDF); {scan.missing}")
            raise BadInput("no text, not even by OCR (blank or unreadable pages)" if scan.wanted
                           else "no text layer and no page image to read (blank pages?)")
    else:
        scan = Scan()
        text, removed = _controls_removed(_decode(data))
        lines, pages = _text_lines(text), None
    try:
        ident = identify(head_and_tail(lines))
    except NotAReport as err:
        raise BadInput(str(err)) from err
    source = _relative(path, root)
    return Document(path, source, kind, sha, pages, lines, ident,
                    document_convention(line.text for line in lines),
                    removed if kind == "text" else 0, ocr=scan.pages,
                    unread_pages=[i + 1 for i in scan.wanted] if scan.missing else [],
                    data=data if kind == "pdf" else b"")


def _relative(path: Path, root: Path | None) -> str:
    base = (root or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
