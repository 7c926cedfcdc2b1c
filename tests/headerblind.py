"""Header-blind tables: each answer key's table printed again in random but plausible ways
(made-up or abbreviated header words, shuffled columns, a column the contract does not hold,
the other number convention, wrapped labels, the total row moved) inside a tiny report, as
text, aligned columns, a Markdown pipe table, tab-separated rows or a PDF. Every choice comes
from `random.Random(seed)`, so a case is reproduced by its seed.

usage: python tests/headerblind.py --seed 17 --dataset presupuesto --layout text
       [--report iess-loja-2024] [--out FILE]   (a PDF layout needs --out; without it the
       table is printed as tab-separated cells)
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from answer_key import KEYS

from extract.tables.header_words import FILLER
from extract.tables.spec import load_specs
from extract.textutil import CONNECTORS, key

REPORTS = ("iess-loja-2024", "iess-nacional-2024", "iess-nacional-2023", "iess-tungurahua-2024")
TEXT_LAYOUTS = ("text", "aligned", "markdown", "tsv")
PDF_LAYOUTS = ("pdf-ruled", "pdf-plain")
LAYOUTS = TEXT_LAYOUTS + PDF_LAYOUTS
PROVINCES = {"iess-loja-2024": "Loja", "iess-tungurahua-2024": "Tungurahua"}


@dataclass(frozen=True)
class Shape:
    """How a dataset's key rows become a printed table: the label columns, the key column whose
    values make sets of columns (a year each, a spanning `estado` each), the measures and the
    words a report prints over them."""

    headings: tuple[str, ...]  # the table's section heading last, numbered as reports number them
    label: str
    label_names: tuple[str, ...]
    measures: tuple[tuple[str, str], ...]  # (field, kind: count | money | percent)
    extras: tuple[str, ...]
    group: str | None = None
    group_names: tuple[str, ...] = ()
    code: str | None = None
    pivot: str | None = None  # `anio` or `estado`


SHAPES = {
    "afiliados": Shape(
        ("1. Cobertura Institucional", "1.1. Afiliados activos"), "tipo_afiliado",
        ("Tipos de afiliados", "Tipo de afiliado"), (("afiliados", "count"),), ("variacion", "participacion"),
        group="sector", group_names=("Sector",), pivot="anio"),
    "pensionistas": Shape(
        ("1. Cobertura Institucional", "1.2. Pensionistas"), "prestacion", ("Tipos de prestaciones", "Prestación"),
        (("pensionistas", "count"),), ("variacion", "participacion"),
        group="seguro", group_names=("Seguro",), pivot="anio"),
    "pensiones_montos": Shape(
        ("2. Principales Datos de la Gestión Institucional", "2.1. Montos pagados por pensiones"), "prestacion",
        ("Montos de pensiones", "Tipos de prestaciones"), (("monto_usd", "money"),), ("variacion", "participacion"),
        group="seguro", group_names=("Seguro",), pivot="anio"),
    "presupuesto": Shape(
        ("5. Ejecución programática y presupuestaria",), "unidad",
        ("Centro de Responsabilidad Presupuestaria", "Compañía", "Unidad ejecutora", "Entidad"),
        (("codificado_usd", "money"), ("devengado_usd", "money"), ("ejecucion_pct", "percent")),
        ("comprometido", "saldo", "participacion"), code="codigo"),
    "contratacion": Shape(
        ("6. Procesos de contratación y compras públicas de bienes y servicios",), "tipo_contratacion",
        ("Tipo de contratación", "TIPO DE CONTRATACIÓN", "Procedimiento"),
        (("procesos", "count"), ("valor_usd", "money")), ("pagado", "participacion"), pivot="estado"),
    "enajenacion": Shape(
        ("7. Enajenación de bienes, expropiaciones y donaciones",), "tipo", ("Tipo", "Concepto"),
        (("cantidad", "count"), ("valor_usd", "money")), ("pagado", "participacion")),
}
DATASETS = tuple(SHAPES)

#: Real header words per column; `{year}` is the column's year.
NAMES = {
    "codificado_usd": ("Codificado", "Vigente", "Asignado", "Presupuesto codificado", "Codificado (USD)"),
    "devengado_usd": ("Devengado", "Gasto devengado", "Devengado (USD)"),
    "ejecucion_pct": ("% Ejecución", "% Ejecución presup.", "Ejecución %"),
    "procesos": ("Número Total", "N.º de procesos", "Número de procesos", "Cantidad"),
    "valor_usd": ("Valor Total", "Valor (USD)", "Monto total", "Monto (USD)"),
    "cantidad": ("Total", "Cantidad", "Número"),
    "afiliados": ("{year}", "Afiliados {year}", "Número de afiliados {year}", "Afiliados activos a diciembre {year}"),
    "pensionistas": ("{year}", "Pensionistas {year}", "Número de beneficiarios {year}"),
    "monto_usd": ("{year}", "Monto acumulado Dic-{year}", "Valor pagado {year} (USD)"),
    "variacion": ("Variación", "Variación interanual absoluta", "Diferencia"),
    "participacion": ("% Participación", "% Participación sobre el total", "Participación %"),
    "comprometido": ("Comprometido", "Monto comprometido"),
    "saldo": ("Saldo por devengar", "Saldo disponible"),
    "pagado": ("Monto pagado", "Valor pagado (USD)"),
    "codigo": ("Código", "Cód."),
    "adjudicado": ("Adjudicados",),
    "finalizado": ("Finalizados",),
    "estado": ("ESTADO ACTUAL", "Estado"),
}
#: Header words cut with a period the way reports abbreviate them.
ABBREVIATIONS = {
    "numero": ("N.º", "Nro.", "No."), "codificado": ("Codif.",), "devengado": ("Deveng.",),
    "ejecucion": ("Ejec.",), "participacion": ("Part.", "Partic."), "variacion": ("Var.",),
    "presupuestaria": ("Presup.",), "comprometido": ("Comprom.",), "contratacion": ("Contrat.",),
    "prestaciones": ("Prest.",), "afiliados": ("Afil.",), "acumulado": ("Acum.",),
}
KEEP = {"%", "usd", "(usd)"}  # header tokens kept when the words around them are made up
_ONSETS = ("b", "br", "c", "ch", "d", "f", "fl", "g", "gr", "j", "l", "m", "n", "p", "pl", "qu", "r", "s",
           "t", "tr", "v", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ia", "ue", "ei")
_CODAS = ("", "", "", "n", "l", "r", "s", "m")
FLAGS = ("could not tell apart", "not found", "doubtful")  # an anomaly's words: read without certainty


@dataclass(frozen=True)
class Case:
    """One generated report: its source key, dataset, layout and seed."""

    report: str
    dataset: str
    layout: str
    seed: int

    def __str__(self) -> str:
        return f"s{self.seed}-{self.dataset}-{self.layout}-{self.report}"


@dataclass
class Column:
    """A printed value column: a contract field (`year`/`span` for a pivoted one) or an extra."""

    field: str
    kind: str
    values: list[Decimal | None]
    places: int
    year: int | None = None
    span: str | None = None
    total: Decimal | None = None


@dataclass
class Row:
    """A printed row: the group's lines on the first row of its group, the code, the label's
    lines (a wrapped label has two) and its value cells."""

    label: list[str]
    values: list[str]
    group: list[str] | None = None
    code: str | None = None
    total: bool = False


@dataclass
class Printed:
    """A table as it will be printed, whatever the layout."""

    label_headers: list[str]  # group, code (its own column), label
    headers: list[str]  # per value column
    spans: list[tuple[str, int]]  # over the value columns: (name, width); "" over an extra
    over_span: str | None
    grouped: bool  # a group column before the label
    code_column: bool  # the code in a column of its own, not before the label
    rows: list[Row] = field(default_factory=list)


# --- the key's table --------------------------------------------------------------------------

def reports_with(dataset: str) -> list[str]:
    """The reports whose key has rows for `dataset`."""
    return [r for r in REPORTS if _read(KEYS / r / f"{dataset}.csv")]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _places(texts: list[str]) -> int:
    return max((len(t.split(".")[1]) for t in texts if "." in t), default=0)


def key_table(report: str, dataset: str) -> tuple[list[tuple[str, str, str]], list[Column], str | None]:
    """The key's rows as (group, code, label) and its value columns, and its total row's label
    (None when the key has no total); a column's total is the key's, else computed."""
    shape = SHAPES[dataset]
    rows = _read(KEYS / report / f"{dataset}.csv")

    def who(r: dict[str, str]) -> tuple[str, str, str]:
        return (r[shape.group] if shape.group else "", r[shape.code] if shape.code else "", r[shape.label])

    entities = list(dict.fromkeys(who(r) for r in rows))
    pivots = list(dict.fromkeys(r[shape.pivot] for r in rows)) if shape.pivot else [""]
    if shape.pivot == "anio":
        pivots.sort(key=int)
    at = {(who(r), r[shape.pivot] if shape.pivot else ""): r for r in rows}
    totals = {(t["medida"], t["anio"], t["estado"]): t for t in _read(KEYS / report / "totales.csv")
              if t["dataset"] == dataset and not key(t["etiqueta"]).startswith("sub")}
    columns = []
    for p in pivots:
        for name, kind in shape.measures:
            texts = [at[(e, p)][name] if (e, p) in at else "" for e in entities]
            year = int(p) if shape.pivot == "anio" else None
            span = p if shape.pivot == "estado" and p else None
            col = Column(name, kind, [Decimal(t) if t else None for t in texts],
                         2 if kind == "percent" else _places(texts), year, span)
            found = totals.get((name, p if year else "", span or ""))
            col.total = Decimal(found["valor"]) if found else None
            columns.append(col)
    label = next(iter(totals.values()))["etiqueta"] if totals else None
    if label:
        for col in columns:
            if col.total is None:
                col.total = _computed_total(col, columns)
    return entities, columns, label


def _computed_total(col: Column, columns: list[Column]) -> Decimal:
    if col.kind != "percent":
        return sum((v for v in col.values if v is not None), Decimal(0))
    cod, dev = (next(c for c in columns if c.field == f) for f in ("codificado_usd", "devengado_usd"))
    cod_total = cod.total or _computed_total(cod, columns)
    dev_total = dev.total or _computed_total(dev, columns)
    return _round(dev_total / cod_total * 100, 2)


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


# --- extra columns the contract does not hold ----------------------------------------------------

def _extra(name: str, columns: list[Column], rng: random.Random) -> Column | None:
    """A column computed from the values: a change between the first and last years, a share
    of a column's total, or another amount (comprometido between devengado and codificado,
    saldo por devengar, an amount paid out of the value)."""
    first_span = [c for c in columns if c.span in (None, columns[0].span)]
    money = next((c for c in first_span if c.kind == "money"), None)
    if name == "variacion":
        years = [c for c in columns if c.year is not None]
        if len(years) < 2:
            return None
        a, b = years[0], years[-1]
        vals = [y - x if x is not None and y is not None else None for x, y in zip(a.values, b.values, strict=True)]
        total = b.total - a.total if a.total is not None and b.total is not None else None
        return Column(name, a.kind, vals, a.places, total=total)
    if name == "participacion":
        years = [c for c in columns if c.year is not None]
        base = years[-1] if years else money
        if base is None:
            return None
        whole = sum((v for v in base.values if v is not None), Decimal(0))
        if not whole:
            return None
        vals = [_round(v / whole * 100, 2) if v is not None else None for v in base.values]
        return Column(name, "percent", vals, 2, total=Decimal(100))
    cod = next((c for c in columns if c.field == "codificado_usd"), None)
    dev = next((c for c in columns if c.field == "devengado_usd"), None)
    if name in ("comprometido", "saldo") and cod and dev:
        pairs = list(zip(cod.values, dev.values, strict=True))
        if name == "saldo":
            vals = [c - d if c is not None and d is not None else None for c, d in pairs]
        else:
            share = Decimal(rng.randint(15, 85)) / 100
            vals = [_round(d + (c - d) * share, cod.places) if c is not None and d is not None else None
                    for c, d in pairs]
        return Column(name, "money", vals, cod.places, total=sum((v for v in vals if v is not None), Decimal(0)))
    if name == "pagado" and money:
        share = Decimal(rng.randint(40, 95)) / 100
        vals = [_round(v * share, money.places) if v is not None else None for v in money.values]
        return Column(name, "money", vals, money.places, total=sum((v for v in vals if v is not None), Decimal(0)))
    return None


# --- header words ---------------------------------------------------------------------------------

def made_up_word(rng: random.Random) -> str:
    """A pronounceable word no spec knows (`brelvano`)."""
    specs = load_specs()
    while True:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                       for _ in range(rng.randint(2, 3)))
        if word not in CONNECTORS and word not in FILLER and not any(s.knows(word) for s in specs):
            return word


def _made_up(text: str, rng: random.Random) -> str:
    """`text` with its words made up, keeping years, `%` and `USD`."""
    out = []
    for i, token in enumerate(text.split()):
        if key(token) in KEEP or any(ch.isdigit() for ch in token):
            out.append(token)
        else:
            word = made_up_word(rng)
            out.append((word.capitalize() if i == 0 or token[0].isupper() else word)
                       + ("." if token.endswith(".") else ""))
    return " ".join(out)


def _abbreviated(text: str, rng: random.Random) -> str:
    """`text` with its longer words cut with a period (`Codif.`, `N.º`)."""
    out = []
    for token in text.split():
        cuts = ABBREVIATIONS.get(key(token))
        if cuts and rng.random() < 0.7:
            out.append(rng.choice(cuts))
        elif len(token) >= 9 and token.isalpha() and rng.random() < 0.3:
            out.append(token[:rng.randint(4, 6)] + ".")
        else:
            out.append(token)
    return " ".join(out)


class Words:
    """The case's header words: real, made up, or a mix cell by cell, maybe abbreviated."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mode = rng.choice(("real", "made-up", "mix"))
        self.abbreviate = rng.random() < 0.35

    def __call__(self, names: tuple[str, ...], year: int | None = None) -> str:
        text = self.rng.choice(names).format(year=year)
        made_up = self.mode == "made-up" or (self.mode == "mix" and self.rng.random() < 0.5)
        if made_up:
            return _made_up(text, self.rng)
        return _abbreviated(text, self.rng) if self.abbreviate else text


# --- numbers ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    """How the case prints numbers: convention, negatives, zeros, percentages."""

    convention: str  # es: 1.234,56 | us: 1,234.56
    parentheses: bool
    dash_zero: bool
    trim_percent: bool

    def cell(self, value: Decimal | None, kind: str, places: int) -> str:
        if value is None:
            return "s/d"
        if value == 0 and self.dash_zero and kind != "percent":
            return "-"
        q = _round(abs(value), places)
        if kind == "percent" and self.trim_percent:
            q = q.normalize() if q != q.to_integral() else q.quantize(Decimal(1))
            places = max(0, -int(q.as_tuple().exponent))
        text = f"{q:,.{places}f}"
        if self.convention == "es":
            text = text.translate(str.maketrans(",.", ".,"))
        if kind == "percent":
            text += "%"
        if value < 0:
            return f"({text})" if self.parentheses else f"-{text}"
        return text


# --- the printed table -----------------------------------------------------------------------------

def _wraps(text: str, grouped: bool) -> list[int]:
    """Word positions a label may wrap at; in a grouped table only where the text reader can
    tell the second line continues the first (an open end, a lowercase start, an acronym)."""
    words = text.split()
    out = []
    for i in range(1, len(words)):
        head, tail = " ".join(words[:i]), words[i]
        readable = (key(words[i - 1]) in CONNECTORS or head.endswith((",", "-")) or tail[0].islower()
                    or (tail.isupper() and 2 <= len(tail) <= 5 and i == len(words) - 1))
        if readable or not grouped:
            out.append(i)
    return out


def _wrapped(text: str, grouped: bool, rng: random.Random, chance: float) -> list[str]:
    points = _wraps(text, grouped)
    if not points or rng.random() >= chance:
        return [text]
    i = rng.choice(points)
    words = text.split()
    return [" ".join(words[:i]), " ".join(words[i:])]


def printed(case: Case) -> Printed:
    """The case's table: header words, column order, extra columns, numbers, wrapped labels and
    the total row, all chosen by the case's seed."""
    rng = random.Random(case.seed)
    shape = SHAPES[case.dataset]
    entities, columns, total_label = key_table(case.report, case.dataset)
    words = Words(rng)
    style = Style(rng.choice(("es", "us")), rng.random() < 0.4, rng.random() < 0.4, rng.random() < 0.5)
    spans = [s for s in dict.fromkeys(c.span for c in columns) if s]
    extras = [e for e in (_extra(n, columns, rng) for n in rng.sample(shape.extras, len(shape.extras))) if e]
    extras = extras[:rng.choice((0, 1, 1, 2))]
    columns = _ordered(case.dataset, columns, extras, spans, rng)
    headers = [words(NAMES[c.field], c.year) for c in columns]
    code_column = bool(shape.code and entities[0][1]) and case.layout != "text" and rng.random() < 0.3
    label_headers = [words(shape.group_names)] if shape.group else []
    if code_column:
        label_headers.append(words(NAMES["codigo"]))
    label_headers.append(words(shape.label_names))
    span_order = list(dict.fromkeys(c.span for c in columns if c.span))
    table = Printed(label_headers, headers,
                    [(words(NAMES[s]), sum(c.span == s for c in columns)) for s in span_order]
                    + [("", sum(c.span is None for c in columns))] * bool(spans and extras),
                    words(NAMES["estado"]) if spans and rng.random() < 0.3 else None, bool(shape.group),
                    code_column)
    wrap_chance = rng.choice((0.0, 0.3, 0.6))
    joiner = rng.choice((" - ", " ", ". ", " – "))
    previous_group = None
    for i, (group, code, label) in enumerate(entities):
        lines = _wrapped(label, bool(shape.group), rng, wrap_chance)
        if code and not code_column:
            lines[0] = f"{code}{joiner}{lines[0]}"
        row = Row(lines,
                  [style.cell(c.values[i], c.kind, c.places) for c in columns],
                  code=code if code_column else None)
        if shape.group and group != previous_group:
            row.group = _wrapped(group, False, rng, wrap_chance)
            previous_group = group
        table.rows.append(row)
    if total_label and rng.random() < 0.75:
        total = Row([total_label], [style.cell(c.total, c.kind, c.places) for c in columns], total=True)
        table.rows.insert(0 if rng.random() < 0.33 else len(table.rows), total)
    return table


def _ordered(dataset: str, columns: list[Column], extras: list[Column], spans: list[str],
             rng: random.Random) -> list[Column]:
    """The value columns in the usual order (years, then the extras; a budget's comprometido
    between codificado and devengado), or shuffled; under spanning headers the measures are
    shuffled alike in every span, the spans maybe swapped, the extras last."""
    shuffle = rng.random() < 0.5
    if spans:
        measures = [c.field for c in columns if c.span == spans[0]]
        if shuffle:
            rng.shuffle(measures)
            rng.shuffle(spans)
        by = {(c.span, c.field): c for c in columns}
        return [by[(s, m)] for s in spans for m in measures] + extras
    if dataset == "presupuesto" and not shuffle:
        usual = ("codificado_usd", "comprometido", "devengado_usd", "saldo", "ejecucion_pct", "participacion")
        return sorted(columns + extras, key=lambda c: usual.index(c.field))
    out = columns + extras
    if shuffle:
        rng.shuffle(out)
    return out


# --- layouts -----------------------------------------------------------------------------------------

def _preamble(report: str, year: int) -> list[str]:
    province = PROVINCES.get(report)
    if province:
        return [f"Informe de Rendición de Cuentas {year}",
                f"Instituto Ecuatoriano de Seguridad Social (IESS) - Dirección Provincial de {province}",
                "Introducción",
                f"Durante el año {year} la Dirección Provincial de {province} presentó su gestión institucional."]
    return [f"Informe Narrativo de Rendición de Cuentas {year}", "Instituto Ecuatoriano de Seguridad Social (IESS)",
            "Introducción",
            f"El IESS presenta el Informe Narrativo de Rendición de Cuentas para el período enero – diciembre {year}."]


def _year(report: str) -> int:
    return int(report.rsplit("-", 1)[1])


def _span_cells(table: Printed) -> list[str]:
    """The spanning header row over the value columns, a name in each span's first cell."""
    return [name if i == 0 else "" for name, width in table.spans for i in range(width)]


def _grid(table: Printed) -> tuple[list[list[str]], list[list[list[str]]]]:
    """Header rows and body rows as cells (a body cell is its lines), label columns first; a
    group's name on its first row only, a total row's label in the first column."""
    n = len(table.label_headers)
    head = [[*[""] * n, *_span_cells(table)]] if table.spans else []
    if table.over_span:
        head.insert(0, [*[""] * n, table.over_span, *[""] * (len(table.headers) - 1)])
    head.append([*[""] * n, *table.headers])
    head[0][:n] = table.label_headers  # the label columns' names on the first header row
    body = []
    for row in table.rows:
        labels: list[list[str]] = [row.label] if row.total else [
            *([row.group or []] if table.grouped else []), *([[row.code or ""]] if table.code_column else []),
            row.label]
        labels += [[]] * (n - len(labels))
        body.append([*labels, *[[v] for v in row.values]])
    return head, body


def render_text(table: Printed, rng: random.Random) -> list[str]:
    """The sample text style: header cells on one line or a line each, a group's name on a
    line of its own, a wrapped label's first part on the line above its values (or the whole
    label above a line of values), cells apart by one to three spaces."""
    lines: list[str] = []
    cells = [*table.label_headers, *table.headers]
    if table.spans:
        names = "  ".join(name for name, _ in table.spans if name)
        over = [table.over_span] if table.over_span else []
        if rng.random() < 0.5:  # the label's header on a line above the spans' names
            lines += [table.label_headers[-1], *over, names]
        else:
            lines += [*over, f"{table.label_headers[-1]}  {names}"]
        cells = table.headers
    if rng.random() < 0.5:
        lines.append(" ".join(cells))
    else:
        for cell in cells:
            parts = cell.split()
            cut = rng.randint(1, len(parts) - 1) if len(parts) > 1 and rng.random() < 0.4 else len(parts)
            lines += [" ".join(parts[:cut]), " ".join(parts[cut:])] if cut < len(parts) else [cell]
    values_alone = rng.random() < 0.4
    for row in table.rows:
        lines += row.group or []
        gap = " " * rng.randint(1, 3)
        values = gap.join(row.values)
        if len(row.label) > 1 and values_alone:
            lines += [*row.label, " " + values]
        else:
            lines += [*row.label[:-1], f"{row.label[-1]}{gap}{values}"]
    return _spaced(lines, rng)


def _spaced(lines: list[str], rng: random.Random) -> list[str]:
    if rng.random() < 0.5:
        return [x for line in lines for x in (line, "")]
    return lines


def render_aligned(table: Printed, rng: random.Random) -> list[str]:
    """Aligned columns like `pdftotext -layout`: labels left, values right, header cells maybe
    stacked over lines; a wrapped label around its values' line or from it down; a group's
    name from its first row down, or centred beside its rows."""
    head, body = _grid(table)
    n = len(table.label_headers)
    stack = rng.random() < 0.5
    head_cells = [[_stacked(c, stack) for c in row] for row in head]
    widths = [max(len(line) for grid in (head_cells, body) for row in grid for line in row[i] or [""])
              for i in range(len(head[0]))]
    gutters = [rng.randint(2, 6) for _ in widths]
    centred = rng.random() < 0.5
    out: list[str] = []
    for row in head_cells:
        depth = max(len(c) for c in row)
        for k in range(depth):
            out.append(_line([c[k - depth + len(c)] if k - depth + len(c) >= 0 else "" for c in row],
                             widths, gutters, n, header=True))
    block: list[list[str]] = []  # the physical lines of the current group (or row)
    group: list[str] = []
    for src, row in zip(table.rows, body, strict=True):
        if src.total or src.group or not table.grouped:
            out += _with_group(block, group, widths, gutters, n, centred)
            block, group = [], src.group or []
        labels = [[], *row[1:n]] if table.grouped and not src.total else row[:n]
        block += _physical(labels, [c[0] for c in row[n:]], centred)
    out += _with_group(block, group, widths, gutters, n, centred)
    return out


def _physical(labels: list[list[str]], values: list[str], centred: bool) -> list[list[str]]:
    """A row's printed lines: with `centred`, a two-line label around a line of values (as
    pdftotext prints a cell centred on two), else the values on the label's first line."""
    blank = [""] * len(values)
    if centred and max(len(c) for c in labels) == 2:
        return [[c[0] if len(c) == 2 else "" for c in labels] + blank,
                [c[0] if len(c) == 1 else "" for c in labels] + values,
                [c[1] if len(c) == 2 else "" for c in labels] + blank]
    depth = max(1, *(len(c) for c in labels))
    return [[c[k] if k < len(c) else "" for c in labels] + (values if k == 0 else blank) for k in range(depth)]


def _stacked(cell: str, stack: bool) -> list[str]:
    """A header cell's text, on lines of about 12 characters when stacked."""
    if not stack:
        return [cell]
    lines: list[str] = []
    for word in cell.split():
        if lines and len(lines[-1]) + len(word) < 12:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _with_group(block: list[list[str]], group: list[str], widths: list[int], gutters: list[int], n: int,
                centred: bool) -> list[str]:
    """A group's lines with its name in the first column, from the top or centred."""
    if not block:
        return []
    while len(block) < len(group):
        block.append([""] * len(widths))
    start = (len(block) - len(group)) // 2 if centred else 0
    for k, text in enumerate(group):
        block[start + k][0] = text
    return [_line(cells, widths, gutters, n) for cells in block]


def _line(cells: list[str], widths: list[int], gutters: list[int], n: int, header: bool = False) -> str:
    parts = []
    for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        text = cell.center(width) if header and i >= n else cell.ljust(width) if i < n else cell.rjust(width)
        parts.append(text + " " * gutters[i])
    return "".join(parts).rstrip()


def render_markdown(table: Printed, rng: random.Random) -> list[str]:
    """A Markdown pipe table: a cell's lines joined by `<br>`, the rule under the first row."""
    head, body = _grid(table)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    rows = [line(r) for r in head] + [line([" <br>".join(c) for c in r]) for r in body]
    return [rows[0], "|" + "---|" * len(head[0]), *rows[1:]]


def render_tsv(table: Printed, rng: random.Random) -> list[str]:
    """Tab-separated rows (a spreadsheet saved as text): a cell's lines joined by a space."""
    head, body = _grid(table)
    return ["\t".join(r) for r in head] + ["\t".join(" ".join(c) for c in r) for r in body]


RENDER: dict[str, Callable[[Printed, random.Random], list[str]]] = {
    "text": render_text, "aligned": render_aligned, "markdown": render_markdown, "tsv": render_tsv,
}


def report_text(case: Case) -> str:
    """The case's report as text: identification, a sentence, the heading, the table, its source."""
    table = printed(case)
    rng = random.Random(f"{case.seed}-{case.layout}")
    headings = [f"## {h}" if case.layout == "markdown" else h for h in SHAPES[case.dataset].headings]
    lines = [*_preamble(case.report, _year(case.report)), *headings,
             "A continuación, se detalla la información del período:", "",
             *RENDER[case.layout](table, rng), "", "Fuente: Dirección Nacional de Planificación", ""]
    return "\n".join(lines)


def report_pdf(case: Case, path: Path) -> Path:
    """The case's report as a PDF made with reportlab, the table ruled or not."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    table = printed(case)
    head, body = _grid(table)
    styles = getSampleStyleSheet()
    opening = _preamble(case.report, _year(case.report))
    story = [Paragraph(opening[0], styles["Title"]), Paragraph(opening[1], styles["Normal"]),
             Paragraph(opening[2], styles["Heading1"]), Paragraph(opening[3], styles["Normal"]),
             *(Paragraph(h, styles["Heading1"]) for h in SHAPES[case.dataset].headings),
             Paragraph("A continuación, se detalla la información del período:", styles["Normal"])]
    n = len(table.label_headers)
    style: list[tuple] = [("FONTSIZE", (0, 0), (-1, -1), 7), ("ALIGN", (n, len(head)), (-1, -1), "RIGHT"),
                          ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if case.layout == "pdf-ruled":
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    if table.spans:  # the spans' names over their columns, the label columns' names down the header
        top, col = len(head) - 2, n
        for name, width in table.spans:
            if name and width > 1:
                style.append(("SPAN", (col, top), (col + width - 1, top)))
            col += width
        if table.over_span:
            style.append(("SPAN", (n, 0), (n + sum(w for name, w in table.spans if name) - 1, 0)))
        style += [("SPAN", (i, 0), (i, len(head) - 1)) for i in range(n)]
    cells = [*head, *[["\n".join(c) for c in r] for r in body]]
    story.append(Table(cells, repeatRows=len(head), style=TableStyle(style)))
    story.append(Paragraph("Fuente: Dirección Nacional de Planificación", styles["Normal"]))
    size = landscape(A4) if len(head[0]) > 6 else A4
    SimpleDocTemplate(str(path), pagesize=size, leftMargin=36, rightMargin=36).build(story)
    return path


def write(case: Case, directory: Path) -> Path:
    """The case's report written under `directory`."""
    if case.layout in PDF_LAYOUTS:
        return report_pdf(case, directory / f"{case}.pdf")
    path = directory / f"{case}.{'md' if case.layout == 'markdown' else 'txt'}"
    path.write_text(report_text(case), encoding="utf-8")
    return path


def report_for(dataset: str, seed: int) -> str:
    """The source report a seed picks for a dataset."""
    reports = reports_with(dataset)
    return reports[seed % len(reports)]


#: Cases per layout for each report with the dataset (PDFs cost more: one of each).
PLAN = {"text": 8, "aligned": 5, "markdown": 3, "tsv": 2, "pdf-ruled": 1, "pdf-plain": 1}


def cases() -> list[Case]:
    """Every case: per dataset and layout, consecutive seeds that pick each report in turn."""
    out, seed = [], 1
    for dataset in DATASETS:
        n = len(reports_with(dataset))
        for layout, per_report in PLAN.items():
            for _ in range(per_report * n):
                out.append(Case(report_for(dataset, seed), dataset, layout, seed))
                seed += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print one header-blind case's report.")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--dataset", choices=DATASETS, required=True)
    parser.add_argument("--layout", choices=LAYOUTS, default="text")
    parser.add_argument("--report", choices=REPORTS, help="default: the one the seed picks")
    parser.add_argument("--out", type=Path, help="write the report here (a PDF layout needs it)")
    args = parser.parse_args(argv)
    case = Case(args.report or report_for(args.dataset, args.seed), args.dataset, args.layout, args.seed)
    if args.out:
        if case.layout in PDF_LAYOUTS:
            report_pdf(case, args.out)
        else:
            args.out.write_text(report_text(case), encoding="utf-8")
        print(f"{case}: written to {args.out}")
    elif case.layout in PDF_LAYOUTS:
        head, body = _grid(printed(case))
        print("\n".join(["\t".join(r) for r in head] + ["\t".join(" / ".join(c) for c in r) for r in body]))
    else:
        print(report_text(case))
    return 0


if __name__ == "__main__":
    sys.exit(main())
