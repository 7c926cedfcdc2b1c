"""Group and label printed on one line: text read down the page without column positions
(pdfplumber's `extract_text()`), where a two-column label (`Sector` | `Tipos de afiliados`)
comes out as `Con relación de Sector privado 4.321.098 ...` / `dependencia Sector público ...`.

Each line's text is cut into its group part and its label part by case: a label starts with
a capital; a group's continuation starts in lowercase (`dependencia`); a line opening a group
beside a label (`Régimen Especial Voluntarios en el`) is cut before its last capitalised word
that leaves the group a whole phrase (`Régimen Especial` | `Voluntarios en el Ecuador`).
A line of its own followed by a group continuation (`Sin relación de` / `dependencia Pasantes
privados`) is the group's, and so is a whole phrase alone above a row printed with its own
label (`Semicontributivos` / `Jefes de familia SSC 325,371 …`). The cut lines are laid out in
aligned columns and read as such (`layout.grid_of`), which gives each group to the rows it is
centred on.
"""

from __future__ import annotations

import regex

from extract.model import Line, Sink
from extract.patterns import TOTAL
from extract.tables.base import RawTable, Strategy
from extract.tables.grid import read_grids
from extract.tables.header import body_columns, find_header, header_like
from extract.tables.layout import grid_of
from extract.tables.lines import ACRONYM, split_values
from extract.tables.spec import Column, TableSpec
from extract.textutil import ends_open, key

_CAPITAL = regex.compile(r"^[\p{Lu}¿¡(]")
_LOWER = regex.compile(r"^\p{Ll}")
_YEAR_WORD = regex.compile(r"^(?:19|20)\d\d$")
_VALUE_WIDTH = 18  # characters given to each value column in the laid-out text
_GUTTER = "   "


def cut(text: str) -> tuple[str, str]:
    """(group part, label part) of a line's text, by case (see the module)."""
    words = text.split()
    if not words:
        return "", ""
    if _LOWER.match(words[0]):
        k = next((i for i, w in enumerate(words) if _CAPITAL.match(w) and not ACRONYM.match(w)), None)
        return ("", text) if k is None else (" ".join(words[:k]), " ".join(words[k:]))
    capitals = [i for i, w in enumerate(words) if i and _CAPITAL.match(w) and not ACRONYM.match(w)]
    if not capitals:
        return "", text
    # the last capital whose group part is a whole phrase (`Régimen Especial` | `Voluntarios en
    # el Ecuador`, not `Régimen Especial Voluntarios en el` | `Ecuador`), else the last one
    k = next((i for i in reversed(capitals) if not ends_open(" ".join(words[:i]))), capitals[-1])
    return " ".join(words[:k]), " ".join(words[k:])


class MergedColumns(Strategy):
    """Tables with a group column whose group and label text share lines (see the module)."""

    name = "text-aligned-groups"
    method = "text-aligned"

    def find(self, spec: TableSpec, lines: list[Line], sink: Sink) -> RawTable | None:
        if not spec.group:
            return None
        header = find_header(spec, lines)
        if header is None:
            return None
        roles = body_columns(spec, header.text, lines[header.last + 1:])
        columns = roles.columns
        if not columns:
            return None
        n = len(columns)
        body: list[tuple[Line, str, list[str]]] = []
        sheet, turned = 0, False  # pages as the text shows them, where it has no page numbers
        for line in lines[header.last + 1:]:
            text = line.text.strip()
            if not text:
                continue
            if spec.ends(key(text)):
                break
            label, values = split_values(text, n)
            if header_like(text, spec) or (values and len(values) != n):
                if not turned:  # a page number, the header printed again: a page break
                    sheet, turned = sheet + 1, True
                continue
            turned = False
            page = line.page if line.page is not None else -1 - sheet
            body.append((Line(line.text, page, line.line), label, values))
        parts = [("", label) if TOTAL.match(key(label)) else cut(label) for _, label, _ in body]
        if not any(g and lab and values and _LOWER.match(g)
                   for (g, lab), (_, _, values) in zip(parts, body, strict=True)):
            return None  # no group continued beside a row's label (`dependencia Sector público`)
        for k in range(len(parts) - 1):  # a line of its own before a group's continuation
            (g, lab), (g_next, lab_next) = parts[k], parts[k + 1]
            if not g and lab and not body[k][2] and g_next and _LOWER.match(g_next):
                parts[k] = (lab, "")
            elif not g and lab and not body[k][2] and not ends_open(lab) and _CAPITAL.match(lab) \
                    and not ACRONYM.match(lab) and not g_next and lab_next and _CAPITAL.match(lab_next) \
                    and body[k + 1][2] and not TOTAL.match(key(lab)) and not TOTAL.match(key(lab_next)):
                parts[k] = (lab, "")  # a whole phrase alone above a row with its own label: a group
        group_head, label_head = _text_head(spec, lines[header.first: header.last + 1], header.text, columns)
        width_g = max(len(g) for g, _ in [*parts, (group_head, "")]) + len(_GUTTER)
        width_l = max(len(lab) for _, lab in [*parts, ("", label_head)]) + len(_GUTTER)
        top = lines[header.first]
        laid = [Line(_laid(group_head, label_head, _headers(columns), width_g, width_l),
                     top.page if top.page is not None else -1, top.line)]
        laid += [Line(_laid(g, lab, values, width_g, width_l), line.page, line.line)
                 for (line, _, values), (g, lab) in zip(body, parts, strict=True)]
        grid = grid_of(spec, laid)
        table = read_grids(spec, [grid], self.method) if grid else None
        if table:
            for row in table.rows:  # the pages the text showed are not page numbers
                row.page = row.page if row.page is None or row.page > 0 else None
            table.pages = [p for p in table.pages if p > 0]
        return table


def _text_head(spec: TableSpec, head: list[Line], header: str, columns: list[Column]) -> tuple[str, str]:
    """The group and label header cells: the header's words before its first year, cut by case
    (`Sector` | `Tipos de afiliados`); where those words name a value column too (a header
    read across its lines: `Afiliados activos a %` / `Sector Tipo de afiliado` / `diciembre
    2024 Participación`), the cut of the header line whose words name none."""
    whole = cut(_text_part(header, columns))
    if not any(spec.columns_from_header(part) for part in whole):
        return whole
    for line in head:
        parts = cut(_text_part(line.text, columns))
        if all(parts) and not any(spec.columns_from_header(part) for part in parts):
            return parts
    return whole


def _text_part(header: str, columns: list[Column]) -> str:
    """The header's words before its first value column's (`Sector Tipos de afiliados`)."""
    words = header.split()
    first = next((i for i, w in enumerate(words) if _YEAR_WORD.match(w)), None)
    return " ".join(words[:first]) if first else header


def _headers(columns: list[Column]) -> list[str]:
    """A header cell naming each value column as the spec names it (`2023`, `variacion`)."""
    return [str(c.year) if c.year is not None else c.field.replace("_pct", "").replace("_", " ")
            for c in columns]


def _laid(group: str, label: str, values: list[str], width_g: int, width_l: int) -> str:
    """One line in aligned columns: group, label, then each value right-aligned in its own."""
    return (group.ljust(width_g) + label.ljust(width_l)
            + "".join(v.rjust(_VALUE_WIDTH) for v in values)).rstrip()
