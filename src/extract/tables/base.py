"""The shape every table strategy produces, and the strategy base class."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from extract.model import Line, Sink, location
from extract.tables.spec import Column, TableSpec


@dataclass
class RawRow:
    """One table row as printed: group and label text and the raw value cells."""

    label: str
    values: list[str]
    group: str | None = None
    total: bool = False
    page: int | None = None
    line: int | None = None
    fields: dict[str, str | None] = field(default_factory=dict)  # extra text fields (records)

    @property
    def location(self) -> str:
        return location(self.page, self.line)


@dataclass
class RawTable:
    """A table as found: its columns (from the header) and its rows, before normalisation."""

    dataset: str
    spec: str
    method: str
    columns: list[Column]
    rows: list[RawRow]
    header: str
    pages: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # stray lines inside the table (chart labels)
    dropped: int = 0  # labelled rows left out for missing values
    score: float = 1.0  # the strategy's confidence (camelot's accuracy), then the fit score
    tried: list[dict] = field(default_factory=list)  # every candidate: method and fit score
    roles: dict | None = None  # how the value columns got their fields (`roles.Roles.describe`)
    doubt: str | None = None  # why the table cannot be published as read (columns not told apart)
    ambiguous: bool = False  # the doubt is the printed table's (it reads two ways), not one reader's
    unit: str | None = None  # the money unit as printed when not US dollars (`miles de dólares`)
    header_at: str | None = None  # where its header was printed (`page 5, line 12`)
    reader: str = ""  # the reader that made it (`text-aligned-rows`), as `specs/strategies.toml` names it

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset, "spec": self.spec, "method": self.method,
            "header": self.header, "pages": self.pages, "score": self.score,
            "columns": [c.__dict__ for c in self.columns],
            "rows": [r.__dict__ for r in self.rows],
            "skipped": self.skipped, "tried": self.tried, "roles": self.roles, "doubt": self.doubt,
            "unit": self.unit, "reader": self.reader,
        }


class Strategy(ABC):
    """A way of reading a spec's table from a region of the report."""

    name: str  # the reader, as `specs/strategies.toml` and `extract inspect` name it
    method: str  # the source it reads, as `extraction_method` names it (`text-aligned`)
    costly: bool = False  # reads the PDF itself (camelot, pdfplumber), not the lines of text

    @abstractmethod
    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        """The spec's table within `lines` (one section of the report), or None."""
