"""Row kinds (issue 25, one road for every table): each kind of row a report prints, printed
on each source that can print it, inside a tiny report, from the answer keys' own rows.

Kinds:
  glued         a count and its change right after the label (`Sector privado 2.009.691 13.106`):
                the label keeps no number, the count is the year's column, the change is left out
  groups        a group's name alone on its row above the rows it heads (`Procedimientos
                comunes`): not a row, not joined into the next label; for a dataset with a
                group column (`pensionistas`) the rows get it as their group
  continuation  the table goes on on the next page under a `(continuación)` caption with its
                header repeated; subtotals after groups, the total at the end
  records       Word's plain-text export of a records table: a paragraph a line, cells apart
                by tabs
  wrapped       the header wrapped over several lines (blank lines between, in text)

Sources: `text` (the samples' text: blank lines between lines, values at the line's end),
`aligned` (`pdftotext -layout`), `markdown` (pipe tables), `tsv` (tabs), `cells` (a cell per
line, as PyMuPDF gives a PDF's text), `pdf-ruled` and `pdf-plain` (reportlab).

usage: python tests/rowkinds.py KIND SOURCE [--dataset D] [--out FILE]
       (a PDF source needs --out; `--list` prints every case)
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from answer_key import KEYS, _cell
from headerblind import SHAPES, Style, _line, _preamble

KINDS = ("glued", "groups", "continuation", "records", "wrapped")
TEXT_SOURCES = ("text", "aligned", "markdown", "tsv", "cells")
PDF_SOURCES = ("pdf-ruled", "pdf-plain")
SOURCES = TEXT_SOURCES + PDF_SOURCES
ES = Style("es", parentheses=False, dash_zero=False, trim_percent=False)
CAPTION = "(continuación)"
HEADINGS = {**{d: s.headings for d, s in SHAPES.items()},
            "recomendaciones": ("8. Incorporación de recomendaciones y dictámenes por parte de las entidades de la "
                                "Función de Transparencia y Control Social, y de la Procuraduría General del Estado",)}


@dataclass
class Row:
    """A printed body row: `row` (a key row), `group` (a group's name alone), `subtotal`,
    `total`; `group` is also the group column's cell on a group's first row."""

    label: str
    values: list[str]
    role: str = "row"
    group: str = ""


@dataclass
class Table:
    """A table as the case prints it: header cells (each its lines), whether the first column
    is a group column, the body rows, where pages break (before those body rows), and what
    the pipeline must give: per dataset, the key's rows (tuples of the key's columns)."""

    report: str
    dataset: str
    header: list[list[str]]
    body: list[Row]
    grouped: bool = False
    breaks: tuple[int, ...] = ()
    glued: bool = False  # a row's values right after its label, not in columns of their own
    expected: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """A row kind on a source; `dataset` names the kind's table: its dataset (and a variant)."""

    kind: str
    source: str
    dataset: str

    def __str__(self) -> str:
        return f"{self.kind}-{self.source}-{self.dataset}"


# --- the key's rows -----------------------------------------------------------------------------

def _read(report: str, dataset: str) -> list[dict[str, str]]:
    with (KEYS / report / f"{dataset}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def key_rows(report: str, dataset: str, keep=lambda r: True) -> list[tuple[str, ...]]:
    """The key's rows of `dataset` that `keep`, as comparable cells of the key's columns."""
    rows = [r for r in _read(report, dataset) if keep(r)]
    return [tuple(_cell(v) for k, v in r.items() if k != "report_id") for r in rows]


def got_rows(report: str, dataset: str, records: list[dict], keep=lambda r: True) -> list[tuple[str, ...]]:
    """The published rows of `dataset` that `keep`, on the key's columns."""
    with (KEYS / report / f"{dataset}.csv").open(encoding="utf-8", newline="") as f:
        columns = [c for c in next(csv.reader(f)) if c != "report_id"]
    return [tuple(_cell(r.get(c)) for c in columns) for r in records if keep(r)]


def _n(text: str, kind: str = "count") -> str:
    places = 2 if kind in ("money", "percent") else 0
    return ES.cell(Decimal(text), kind, places) if text else "s/d"


# --- the tables ---------------------------------------------------------------------------------

def _by_type(rows: list[dict[str, str]], label: str, group: str | None = None) -> dict[tuple[str, str], dict]:
    """(group, label) -> {year or estado: row}, in the key's order."""
    out: dict[tuple[str, str], dict] = {}
    for r in rows:
        out.setdefault((r[group] if group else "", r[label]), {})[r.get("anio") or r.get("estado") or ""] = r
    return out


def glued() -> Table:
    """National affiliates of 2024 with the change from 2023 (a column the contract does not
    hold), the values glued to the label; each sector's name alone on a row above its types."""
    report = "iess-nacional-2024"
    body, previous = [], None
    for (sector, tipo), years in _by_type(_read(report, "afiliados"), "tipo_afiliado", "sector").items():
        if sector != previous:
            body.append(Row(sector, [], "group"))
            previous = sector
        now, before = int(years["2024"]["afiliados"]), int(years["2023"]["afiliados"])
        body.append(Row(tipo, [_n(str(now)), _n(str(now - before))]))
    return Table(report, "afiliados", [["Tipo de afiliado"], ["Afiliados 2024"], ["Variación"]], body, glued=True,
                 expected={"afiliados": key_rows(report, "afiliados", lambda r: r["anio"] == "2024")})


def glued_by_column() -> Table:
    """The same, the sectors in a column of their own before the types (on a group's first row)."""
    t = glued()
    body, sector = [], ""
    for row in t.body:
        if row.role == "group":
            sector = row.label
        else:
            body.append(Row(row.label, row.values, group=sector))
            sector = ""
    return Table(t.report, t.dataset, [["Sector"], *t.header], body, grouped=True, glued=True, expected=t.expected)


#: Procurement procedures under the group rows a report prints over them.
PROCEDURES = {"Procedimientos dinámicos": ("Catálogo Electrónico", "Subasta Inversa Electrónica"),
              "Procedimientos comunes": ("Menor Cuantía", "Ínfima Cuantía"),
              "Procedimientos especiales": ("Régimen Especial", "Procedimiento especial", "Ferias Inclusivas")}


def groups_contratacion() -> Table:
    """Loja's purchases under group rows (`Procedimientos comunes`) that no dataset holds."""
    report = "iess-loja-2024"
    by = {r["tipo_contratacion"]: r for r in _read(report, "contratacion")}
    body = []
    for group, types in PROCEDURES.items():
        body.append(Row(group, [], "group"))
        body += [Row(t, [_n(by[t]["procesos"]), _n(by[t]["valor_usd"], "money")]) for t in types]
    return Table(report, "contratacion", [["Tipo de contratación"], ["Número Total"], ["Valor Total"]], body,
                 expected={"contratacion": key_rows(report, "contratacion")})


def groups_pensionistas() -> Table:
    """National pensioners under their insurance's name alone on a row: the rows' `seguro`."""
    report = "iess-nacional-2024"
    body, previous = [], None
    for (seguro, prestacion), years in _by_type(_read(report, "pensionistas"), "prestacion", "seguro").items():
        if seguro != previous:
            body.append(Row(seguro, [], "group"))
            previous = seguro
        body.append(Row(prestacion, [_n(years[y]["pensionistas"]) for y in ("2023", "2024")]))
    return Table(report, "pensionistas", [["Tipos de prestaciones"], ["2023"], ["2024"]], body,
                 expected={"pensionistas": key_rows(report, "pensionistas")})


def continuation() -> Table:
    """National affiliates over two pages: the second under a `(continuación)` caption with the
    header again; each sector's name alone on a row above its types, `Subtotal contributivo`
    after the first three sectors, `Subtotal semicontributivo` after the last, `Totales` at
    the end."""
    report = "iess-nacional-2024"
    types = _by_type(_read(report, "afiliados"), "tipo_afiliado", "sector")
    totals = {(t["etiqueta"], t["anio"]): t["valor"] for t in _read(report, "totales") if t["dataset"] == "afiliados"}

    def total(label: str, role: str) -> Row:
        return Row(label, [_n(totals[(label, y)]) for y in ("2023", "2024")], role)

    body, previous, breaks = [], None, []
    for (sector, tipo), years in types.items():
        if sector != previous:
            if sector == "Semicontributivos":
                body.append(total("Subtotal contributivo", "subtotal"))
            if sector == "Régimen Especial Voluntario":
                breaks.append(len(body))
            body.append(Row(sector, [], "group"))
        body.append(Row(tipo, [_n(years[y]["afiliados"]) for y in ("2023", "2024")]))
        previous = sector
    body += [total("Subtotal semicontributivo", "subtotal"), total("Totales", "total")]
    return Table(report, "afiliados", [["Tipos de afiliados"], ["2023"], ["2024"]], body, breaks=tuple(breaks),
                 expected={"afiliados": key_rows(report, "afiliados"),
                           "totales": key_rows(report, "totales", lambda r: r["dataset"] == "afiliados")})


def records() -> Table:
    """Loja's recommendations, one record a line (Word's plain-text export)."""
    report = "iess-loja-2024"
    body = [Row(r["ente_control"], [r["examen"], r["documento"], f"Rec. {r['recomendaciones']}"])
            for r in _read(report, "recomendaciones")]
    header = [["ENTIDAD QUE RECOMIENDA"], ["RECOMENDACIONES Y/O DICTAMENES EMANADOS"],
              ["INFORME EL CUMPLIMIENTO DE RECOMENDACIONES Y DICTAMENES"], ["OBSERVACIONES"]]
    return Table(report, "recomendaciones", header, body,
                 expected={"recomendaciones": key_rows(report, "recomendaciones")})


def wrapped() -> Table:
    """Tungurahua's budget under a header wrapped cell by cell over three lines."""
    report = "iess-tungurahua-2024"
    rows = _read(report, "presupuesto")
    totals = {t["medida"]: t["valor"] for t in _read(report, "totales") if t["dataset"] == "presupuesto"}
    measures = (("codificado_usd", "money"), ("devengado_usd", "money"), ("ejecucion_pct", "percent"))
    body = [Row(r["unidad"], [_n(r[m], k) for m, k in measures]) for r in rows]
    body.append(Row("Total general", [_n(totals[m], k) for m, k in measures], "total"))
    header = [["Centro de", "Responsabilidad", "Presupuestaria"], ["Codificado", "(USD)"], ["Devengado", "(USD)"],
              ["%", "Ejecución", "presup."]]
    return Table(report, "presupuesto", header, body, expected={"presupuesto": key_rows(report, "presupuesto")})


TABLES = {("glued", "afiliados"): glued, ("glued", "afiliados-by-sector"): glued_by_column,
          ("groups", "contratacion"): groups_contratacion,
          ("groups", "pensionistas"): groups_pensionistas, ("continuation", "afiliados"): continuation,
          ("records", "recomendaciones"): records, ("wrapped", "presupuesto"): wrapped}

#: The sources that can print each kind: tab-separated records only as tab text; a page break
#: as a form feed (text, aligned, cells), a rule (Markdown) or a page (PDF); a header wrapped
#: over lines where a cell's lines are lines (not in tab-separated rows).
PRINTS = {"glued": ("text", "aligned", "markdown", "cells", "pdf-plain"),
          "groups": SOURCES,
          "continuation": ("text", "aligned", "markdown", "cells", "pdf-ruled", "pdf-plain"),
          "records": ("tsv",),
          "wrapped": ("text", "aligned", "markdown", "cells", "pdf-ruled", "pdf-plain")}


#: Where a table prints its groups in a column of their own: only where a source has columns.
COLUMNS = ("aligned", "markdown", "pdf-plain")


def cases() -> list[Case]:
    return [Case(kind, source, name) for (kind, name) in TABLES for source in PRINTS[kind]
            if not name.endswith("-by-sector") or source in COLUMNS]


def table(case: Case) -> Table:
    return TABLES[(case.kind, case.dataset)]()


# --- printers -----------------------------------------------------------------------------------

def _grid(t: Table) -> tuple[list[list[str]], list[Row]]:
    """Header rows (a cell's lines bottom-aligned) as cells."""
    depth = max(len(c) for c in t.header)
    return [[c[k - depth + len(c)] if k - depth + len(c) >= 0 else "" for c in t.header] for k in range(depth)], t.body


def _labels(t: Table, row: Row) -> list[str]:
    """A body row's label cells: a group column's, then the label's."""
    if not t.grouped:
        return [row.label]
    return [row.label, ""] if row.role in ("subtotal", "total") else [row.group, row.label]


def _cells(t: Table, row: Row) -> list[str]:
    values = row.values or [""] * (len(t.header) - (2 if t.grouped else 1))
    labels = _labels(t, row)
    if t.glued and row.values:
        return [*labels[:-1], " ".join([labels[-1], *values]), *[""] * len(values)]
    return [*labels, *values]


def _pages(t: Table) -> list[list[Row]]:
    cuts = [0, *t.breaks, len(t.body)]
    return [t.body[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def _text_rows(t: Table, rows: list[Row]) -> list[str]:
    """The samples' text: a group's name on a line of its own, the values at the label's end."""
    out = []
    gap = " " if t.glued else "  "
    for row in rows:
        if row.group and t.grouped:
            out.append(row.group)
        out.append(gap.join([row.label, *row.values]))
    return out


def render_text(t: Table) -> list[str]:
    """The samples' text style: header cells' lines on lines of their own (one header line
    when no cell wraps), rows as label then values, blank lines between every line."""
    wrapped = any(len(c) > 1 for c in t.header)
    head = [line for c in t.header for line in c] if wrapped else [" ".join(c[0] for c in t.header)]
    pages = []
    for i, rows in enumerate(_pages(t)):
        lines = [CAPTION] * bool(i) + head + _text_rows(t, rows)
        pages.append([x for line in lines for x in (line, "")])
    return _joined(pages, "\f")


def render_cells(t: Table) -> list[str]:
    """A cell per line, as PyMuPDF gives a PDF's text: empty cells left out; a glued row's
    label and values on one line; pages joined by a newline, no form feed (as PyMuPDF's and
    pypdfium2's page texts are joined)."""
    pages = []
    head = [line for c in t.header for line in c]
    for i, rows in enumerate(_pages(t)):
        lines = [CAPTION] * bool(i) + head
        for row in rows:
            lines += [c for c in _cells(t, row) if c]
        pages.append(lines)
    return _joined(pages, "")


def render_aligned(t: Table) -> list[str]:
    """Aligned columns (`pdftotext -layout`): labels left, values right, header cells stacked
    over lines (blank lines between when wrapped); in a glued table the label column is as
    wide as its shorter labels, a longer one running into its values one space before them."""
    head, _ = _grid(t)
    n = 2 if t.grouped else 1
    body = [[*_labels(t, r), *(r.values or [""] * (len(t.header) - n))] for r in t.body]
    widths = [max(len(r[i]) for r in [*head, *body]) for i in range(len(t.header))]
    if t.glued:
        widths[n - 1] = sorted(len(r[n - 1]) for r in body)[len(body) // 2]
    gutters = [3] * len(widths)
    wrapped = len(head) > 1
    pages = []
    for i, rows in enumerate(_pages(t)):
        lines = [CAPTION] * bool(i)
        for cells in head:
            lines.append(_line(cells, widths, gutters, n, header=True))
            lines += [""] * wrapped
        for r in rows:
            cells = body[t.body.index(r)]
            line = _line(cells, widths, gutters, n)
            if len(cells[n - 1]) > widths[n - 1]:  # the label runs into its values
                rest = _line([*cells[:n - 1], "", *cells[n:]], widths, gutters, n)
                start = sum(w + g for w, g in zip(widths[:n - 1], gutters[:n - 1], strict=True))
                first = start + len(rest[start:]) - len(rest[start:].lstrip())
                line = f"{rest[:start]}{cells[n - 1]} {rest[first:]}".rstrip()
            lines.append(line)
        pages.append(lines)
    return _joined(pages, "\f")


def render_markdown(t: Table) -> list[str]:
    """A pipe table: a cell's lines joined by `<br>`, the rule under the header; the next page
    after a `---` rule, under its caption."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    head = line([" <br>".join(c) for c in t.header])
    pages = []
    for i, rows in enumerate(_pages(t)):
        pages.append([CAPTION, ""] * bool(i) + [head, "|" + "---|" * len(t.header)]
                     + [line(_cells(t, r)) for r in rows])
    return _joined(pages, "\n---\n")


def render_tsv(t: Table) -> list[str]:
    """Tab-separated cells, a row a line (Word's plain-text export, a spreadsheet as text)."""
    return ["\t".join(" ".join(c) for c in t.header)] + ["\t".join(_cells(t, r)) for r in t.body]


def _joined(pages: list[list[str]], between: str) -> list[str]:
    out = pages[0]
    for page in pages[1:]:
        out = [*out, between + page[0], *page[1:]] if between in ("\f", "") else [*out, between, *page]
    return out


RENDER = {"text": render_text, "aligned": render_aligned, "markdown": render_markdown, "tsv": render_tsv,
          "cells": render_cells}


def report_text(case: Case) -> str:
    t = table(case)
    year = int(t.report.rsplit("-", 1)[1])
    headings = [f"## {h}" if case.source == "markdown" else h for h in HEADINGS[t.dataset]]
    lines = [*_preamble(t.report, year), *headings, "A continuación, se detalla la información del período:", "",
             *RENDER[case.source](t), "", "Fuente: Dirección Nacional de Planificación", ""]
    return "\n".join(lines)


def report_pdf(case: Case, path: Path) -> Path:
    """The case's report as a PDF: the table ruled or not, each page's part its own table
    after the first under the caption, the header repeated."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    t = table(case)
    year = int(t.report.rsplit("-", 1)[1])
    styles = getSampleStyleSheet()
    opening = _preamble(t.report, year)
    story = [Paragraph(opening[0], styles["Title"]), Paragraph(opening[1], styles["Normal"]),
             Paragraph(opening[2], styles["Heading1"]), Paragraph(opening[3], styles["Normal"]),
             *(Paragraph(h, styles["Heading1"]) for h in HEADINGS[t.dataset]),
             Paragraph("A continuación, se detalla la información del período:", styles["Normal"])]
    n = 2 if t.grouped else 1
    head = [["\n".join(c) for c in t.header]]
    style: list[tuple] = [("FONTSIZE", (0, 0), (-1, -1), 8), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if t.glued:  # the values left-aligned in narrow columns just after the labels
        style += [("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1)]
    else:
        style.append(("ALIGN", (n, 1), (-1, -1), "RIGHT"))
    if case.source == "pdf-ruled":
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    for i, rows in enumerate(_pages(t)):
        if i:
            story += [PageBreak(), Paragraph(CAPTION, styles["Normal"])]
        body = [[*_labels(t, r), *(r.values or [""] * (len(t.header) - n))] for r in rows]
        story.append(Table(head + body, repeatRows=1, style=TableStyle(style)))
    story.append(Paragraph("Fuente: Dirección Nacional de Planificación", styles["Normal"]))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=36, rightMargin=36).build(story)
    return path


def write(case: Case, directory: Path) -> Path:
    if case.source in PDF_SOURCES:
        return report_pdf(case, directory / f"{case}.pdf")
    path = directory / f"{case}.{'md' if case.source == 'markdown' else 'txt'}"
    path.write_text(report_text(case), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print one row-kind case's report.")
    parser.add_argument("kind", nargs="?", choices=KINDS)
    parser.add_argument("source", nargs="?", choices=SOURCES)
    parser.add_argument("--dataset", help="the kind's table (groups: contratacion or pensionistas; glued: "
                        "afiliados or afiliados-by-sector)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    if args.list or not args.kind:
        print("\n".join(map(str, cases())))
        return 0
    dataset = args.dataset or next(d for k, d in TABLES if k == args.kind)
    case = Case(args.kind, args.source or "text", dataset)
    if args.out:
        if case.source in PDF_SOURCES:
            report_pdf(case, args.out)
        else:
            args.out.write_text(report_text(case), encoding="utf-8")
        print(f"{case}: written to {args.out}")
    elif case.source in PDF_SOURCES:
        parser.error("a PDF source needs --out")
    else:
        print(report_text(case))
    return 0


if __name__ == "__main__":
    sys.exit(main())
