"""A table's own checks, run on every candidate whatever read it: what a reader may have got
wrong and the table itself shows. Each rule is a function named after what it finds; the first
that finds something says why the table is doubtful."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import regex

from extract import tolerances
from extract.numbers import NumberError, cell_value, column_convention, is_cell_value
from extract.patterns import GRAND_TOTAL
from extract.tables.base import RawTable
from extract.tables.spec import TableSpec
from extract.textutil import key

#: A value in a label: digits grouped in thousands (`10,986.92`, `1.234`), two decimals or a
#: percentage; a code (`201`) or a year is no value.
_VALUE_IN_LABEL = regex.compile(
    r"(?<![\w/])(?:\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+[.,]\d{2}|\d+(?:[.,]\d+)?%)(?!\w)")
_WORDS = regex.compile(r"\w+")
_FOOTNOTE = regex.compile(r"^\(\d{1,2}\)$")  # `942 (1)`: a value and its footnote marker
_LETTERS = regex.compile(r"(?!(?i:usd|dolares|dólares|miles)$)\p{L}{3,}")  # a word, not a unit
_TRAILING_DIGITS = regex.compile(r"(?<=\s)\d{1,3}$")
_HEAD_GROUP = regex.compile(r"^\d{1,3}$")  # `1`, `913`: a number's first digit group
_NEXT_GROUP = regex.compile(r"^\d{3}(?:[.,]\d{1,2})?%?$")  # `913`, `418,00`: a number's next digit group

Rule = Callable[[RawTable, TableSpec], str | None]


def value_in_label(table: RawTable, spec: TableSpec) -> str | None:
    """A row's values ran into its label (`Bienes 10,986.92 9,448.75 1 Expropiaciones`)."""
    if spec.layout != "rows":
        return None
    for row in table.rows:
        m = _VALUE_IN_LABEL.search(row.label)
        if m:
            return f"a row's label holds a value ({m.group()!r} in {row.label[:80]!r}): its cells ran together"
    return None


def label_ends_in_digits(table: RawTable, spec: TableSpec) -> str | None:
    """A row's label ending in a bare number that, with the row's first value, reads as one
    number cut by spaces (`Ínfima Cuantía 43` before `109`: `43 109 787,52`, groups apart), or
    that no other label does (`Ínfima Cuantía 4` before `3`: a count with a space in it). Labels
    numbered throughout (`Proceso 1`, `Proceso 2`) are the table's own."""
    if spec.layout != "rows":
        return None
    details = [r for r in table.rows if not r.total]
    numbered = sum(bool(_TRAILING_DIGITS.search(r.label)) for r in details)
    for row in details:
        m = _TRAILING_DIGITS.search(row.label)
        first = row.values[0].strip() if row.values else ""
        if m and (_NEXT_GROUP.match(first) or numbered * 2 < len(details)):
            return (f"a row's label ends in digits ({row.label[-40:]!r}): a number with its digit groups apart "
                    "by spaces may have been cut into cells")
    return None


def digit_groups_in_cells(table: RawTable, spec: TableSpec) -> str | None:
    """Every row has a cell of one to three digits followed by one of three digits (and maybe
    decimals): the groups of one number printed apart by plain spaces (`1 913 418,00`), not two
    columns."""
    details = [r for r in table.rows if not r.total]
    width = min((len(r.values) for r in details), default=0)
    if len(details) < 2:
        return None
    for j in range(width - 1):
        if all(_HEAD_GROUP.match(r.values[j].strip()) and _NEXT_GROUP.match(r.values[j + 1].strip()) for r in details):
            return ("its values look like digits grouped by plain spaces (`1 913 418,00`), which are not read as "
                    "one number: cells may be pieces of numbers")
    return None


def values_in_one_cell(table: RawTable, spec: TableSpec) -> str | None:
    """A value cell holding two values (`11,683.98 2`): two columns ran into one (text whose
    columns are not aligned, read as if they were)."""
    for row in table.rows:
        for cell in row.values:
            tokens = cell.split()
            if len(tokens) > 1 and all(map(is_cell_value, tokens)) and not _FOOTNOTE.match(tokens[-1]):
                return f"a cell holds two values ({cell!r}, row {row.label[:40]!r}): columns ran together"
    return None


def words_in_value_cell(table: RawTable, spec: TableSpec) -> str | None:
    """A value cell holding words and a value (`Administradora Seguro Social 13,842,989`): a
    label ran into the values' columns (text whose columns are not aligned)."""
    for row in table.rows:
        for cell in row.values:
            tokens = cell.split()
            if any(map(is_cell_value, tokens)) and any(_LETTERS.fullmatch(t) for t in tokens):
                return f"a value cell holds words ({cell!r}, row {row.label[:40]!r}): a label ran into the values"
    return None


def label_too_long(table: RawTable, spec: TableSpec) -> str | None:
    """A label (a unit's, a type's, a body's name) or group the length of a paragraph: rows
    or text run together."""
    for row in table.rows:
        for text in (row.label, row.group or ""):
            if len(text) > tolerances.LABEL_MAX_CHARS:
                return f"a row's label is {len(text)} characters long ({text[:60]!r}...): rows ran together"
        for name, field in row.fields.items():
            if field and len(field) > tolerances.RECORD_TEXT_MAX_CHARS:
                return f"a row's {name} is {len(field)} characters long: records ran together"
    return None


def header_in_cell(table: RawTable, spec: TableSpec) -> str | None:
    """The table's own header words inside a row's text: the header was read as a row."""
    words = _WORDS.findall(key(table.header))
    if len(words) < tolerances.HEADER_PHRASE_WORDS:
        return None
    phrase = " ".join(words[:tolerances.HEADER_PHRASE_WORDS])
    for row in table.rows:
        for text in (row.label, *(t for t in row.fields.values() if t)):
            if phrase in " ".join(_WORDS.findall(key(text))):
                return f"a row's text holds the table's header ({phrase!r}): the header was read as a row"
    return None


def more_records_than_rows(table: RawTable, spec: TableSpec) -> str | None:
    """A records table whose document codes (`Memorando Nro. …`) or `Rec. N` markers in its
    text count more records than it has rows: records were run together."""
    if spec.records is None:
        return None
    texts = [t for r in table.rows for t in (r.label, *r.fields.values()) if t]
    codes = sum(len(spec.records.document.pattern.findall(t)) for t in texts)
    markers = sum(1 for t in texts for m in spec.records.count.pattern.finditer(t) if m["rec"])
    for found, what in ((codes, "document codes"), (markers, "`Rec. N` markers")):
        if found > len(table.rows):
            return f"{found} {what} in {len(table.rows)} rows: records ran together"
    return None


def another_record_in_text(table: RawTable, spec: TableSpec) -> str | None:
    """A record's text (its examination, its document) holding a control body's name, the way
    another record starts (`… DE 2023 CONTRALORÍA GENERAL DEL ESTADO EXAMEN …`): a cell holds
    another row's text."""
    if spec.records is None:
        return None
    for row in table.rows:
        for name, text in row.fields.items():
            folded = key(text or "")
            hit = next((s for s in spec.records.record_start if s in folded), None)
            if hit:
                return f"a row's {name} holds {hit!r}, the start of another record: records ran together"
    return None


def total_not_reconciled(table: RawTable, spec: TableSpec) -> str | None:
    """Detail rows that do not add up to the printed grand total by more than rounding (half a
    unit a row; `s/d` cells are not in a total): a value misread or a row lost."""
    totals = [r for r in table.rows if r.total and GRAND_TOTAL.match(key(r.label))]
    details = [r for r in table.rows if not r.total]
    if len(totals) != 1 or not details:
        return None
    total = totals[0]
    slack = max(Decimal(1), tolerances.TOTAL * len(details))
    for i, col in enumerate(table.columns):
        if not col.keep or col.kind == "percent" or i >= len(total.values):
            continue
        conv = column_convention((r.values[i] for r in table.rows if i < len(r.values)), None)
        try:
            printed = cell_value(total.values[i], conv)
            parts = [cell_value(r.values[i], conv) if i < len(r.values) else None for r in details]
        except NumberError:
            continue
        if printed is None:
            continue
        computed = sum((p for p in parts if p is not None), Decimal(0))
        if abs(computed - printed) > slack:
            return (f"its {col.field} rows add up to {computed}, its printed total {printed} "
                    f"({total.label!r}): a value misread or a row lost")
    return None


#: The rules, in the order they are tried.
RULES: tuple[Rule, ...] = (value_in_label, label_ends_in_digits, digit_groups_in_cells, values_in_one_cell,
                           words_in_value_cell, label_too_long, header_in_cell, more_records_than_rows,
                           another_record_in_text, total_not_reconciled)


def doubt(table: RawTable, spec: TableSpec) -> str | None:
    """Why the table cannot be published as read (the first rule that finds something), or None."""
    for rule in RULES:
        found = rule(table, spec)
        if found:
            return found
    return None
