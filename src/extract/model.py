"""The records that flow between stages: a report's lines, its identity, its anomalies."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extract.numbers import Convention


@dataclass(frozen=True)
class Word:
    """One word read by OCR: its text, box in pixels of the rendered page, and confidence (0-100)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float


@dataclass
class PageOcr:
    """What OCR read on one page."""

    page: int
    words: list[Word]
    dpi: int
    skew_degrees: float = 0.0
    seconds: float = 0.0
    doubtful: dict[str, float] = field(default_factory=dict)  # low-confidence word -> confidence

    @property
    def confidence(self) -> float:
        """Mean word confidence (0-100), weighted by word length."""
        chars = sum(len(w.text) for w in self.words)
        return sum(w.confidence * len(w.text) for w in self.words) / chars if chars else 0.0


@dataclass
class Picture:
    """An image on a page with a text layer, read by OCR where a table may be pasted as a
    picture (`pictures.py`)."""

    page: int
    box: tuple[float, float, float, float]  # in points from the page's top-left: left, top, right, bottom
    words: list[Word]  # in pixels of the page at `tolerances.OCR_DPI`
    table: bool  # its words hold rows of values, so they are among the page's lines (not a chart's)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Line:
    """One line of report text with its place: `page` for a PDF, `line` for text input."""

    text: str
    page: int | None
    line: int | None
    #: The line's cells when the input delimits them (a Markdown or `;` table row; `()` for its
    #: rule), else None: the text is then the only structure there is.
    cells: tuple[str, ...] | None = None

    @property
    def location(self) -> str:
        return location(self.page, self.line)


def location(page: int | None, line: int | None) -> str:
    """`page 3`, `line 120` or, for a text input with form feeds, `page 3, line 120`."""
    if page is not None and line is not None:
        return f"page {page}, line {line}"
    return f"page {page}" if page is not None else f"line {line}"


@dataclass(frozen=True)
class Identity:
    """Who published the report and for which year; `report_id` is built from these."""

    ambito: str  # "nacional" | "provincial"
    provincia: str | None
    anio_fiscal: int

    @property
    def report_id(self) -> str:
        from extract.textutil import slug

        scope = "nacional" if self.ambito == "nacional" else slug(self.provincia or "")
        return f"iess-{scope}-{self.anio_fiscal}"

    @property
    def entidad(self) -> str:
        base = "Instituto Ecuatoriano de Seguridad Social"
        if self.ambito == "nacional":
            return base
        return f"{base} - Dirección Provincial de {self.provincia}"


@dataclass
class Document:
    """An ingested report: every line of text in reading order, with provenance."""

    path: Path
    source_file: str
    kind: str  # "pdf" | "text"
    sha256: str
    pages: int | None
    lines: list[Line]
    identity: Identity
    convention: Convention | None = None  # of the document's numbers (`numbers.document_convention`)
    removed_controls: int = 0  # NUL, control and invisible characters taken out of the text (text or PDF)
    ocr: dict[int, PageOcr] = field(default_factory=dict)  # pages read by OCR, by page number
    unread_pages: list[int] = field(default_factory=list)  # pages needing OCR where it is not installed
    pictures: list[Picture] = field(default_factory=list)  # images OCR'd on pages with a text layer
    unread_pictures: list[int] = field(default_factory=list)  # pages with a picture that may be a table, OCR missing
    data: bytes = field(default=b"", repr=False)  # the input's bytes (a PDF's table finders read these)

    @property
    def report_id(self) -> str:
        return self.identity.report_id


@dataclass
class Anomaly:
    """One value or table the pipeline could not read cleanly."""

    stage: str
    dataset: str | None
    location: str | None
    raw_text: str | None
    problem: str

    def as_row(self, report_id: str) -> dict[str, Any]:
        return {"report_id": report_id, **asdict(self)}


@dataclass
class Sink:
    """Collects a report's anomalies; every stage writes to it and logs what it adds."""

    report_id: str
    items: list[Anomaly] = field(default_factory=list)
    live: bool = True  # a trial sink (a strategy that may lose) logs nothing until merged

    def add(self, stage: str, problem: str, *, dataset: str | None = None,
            location: str | None = None, raw_text: str | None = None) -> None:
        self._add(Anomaly(stage, dataset, location, raw_text, problem))

    def _add(self, item: Anomaly) -> None:
        self.items.append(item)
        if self.live:
            logging.getLogger(f"extract.{item.stage}").warning(
                "%s: %s%s%s", self.report_id, f"{item.dataset}: " if item.dataset else "",
                item.problem, f" at {item.location}" if item.location else "")

    def trial(self) -> Sink:
        """A sink whose anomalies count only if `merge`d (the strategy's table was kept)."""
        return Sink(self.report_id, live=False)

    def merge(self, other: Sink) -> None:
        for item in other.items:
            self._add(item)


Record = dict[str, Any]


@dataclass
class ReportResult:
    """Everything one input yields: its datasets, or the reason it failed."""

    source_file: str
    kind: str | None = None
    sha256: str | None = None
    report_id: str | None = None
    report: Record = field(default_factory=dict)
    datasets: dict[str, list[Record]] = field(default_factory=dict)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    cache_key: str | None = None
    cached: bool = False
    fault: bool = False  # failed by the run's own fault (a bug, a full disk), not the input's
    conflict: bool = False  # failed as one of several inputs claiming its report with different content
    stamp: list[int] | None = None  # the input's size, mtime and inode when read (`inputs.stamp`)

    @property
    def failed(self) -> bool:
        return self.error is not None
