"""Columns by meaning: the header's columns as the values below it bear out.

A header names the spec's columns (synonyms, `spec.columns_from_header`) and maybe others the
contract does not hold; the first rows of values say how many columns there really are, which
of the header's unknown words are columns, and, where an extractor printed the header cells out
of order, which order the values' kinds (a percentage holds `%`) and the spec's arithmetic
(`checks`: `devengado_usd <= codificado_usd`) bear out.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from itertools import combinations, permutations

import regex

from extract import tolerances
from extract.numbers import ES, NumberError, cell_value, column_convention
from extract.tables.header_words import header_key
from extract.tables.spec import EXTRA_PREFIX, Column, TableSpec

_CENTS = regex.compile(r"\d[.,]\d{1,2}$")  # a value printed with one or two decimals


def fit_columns(spec: TableSpec, header_text: str, rows: list[list[str]]) -> list[Column]:
    """The header's columns as the data rows below it bear out: the spec's columns plus the
    header's other columns (`Comprometido`), as many as the rows have values; where the header
    names more words than the rows have values (`Gasto devengado` read as two), the choice
    whose value kinds agree with the rows (a percent column holds `%` values) wins. Where the
    header's order cannot be the values' order (an extractor that prints header cells out of
    order), the order whose kinds and arithmetic (`spec.checks`) the rows bear out."""
    named = spec.columns_from_header(header_text)
    every = spec.columns_from_header(header_text, extras=True)
    rows = [r for r in rows if len(r) >= 2 or len(named) == 1]
    if not rows:
        return named
    counts = Counter(len(r) for r in rows)
    width = max(counts, key=lambda n: (counts[n], n))
    extras = [i for i, c in enumerate(every) if c.field.startswith(EXTRA_PREFIX)]
    drop = len(every) - width
    if width < len(named) or drop < 0:
        return named
    choices = [_spread([c for i, c in enumerate(every) if i not in gone], spec, header_text)
               for gone in combinations(extras, drop)]
    sample = [r for r in rows if len(r) == width]
    best = max(choices, key=lambda cols: sum(_kinds_agree(cols, r) for r in sample))
    if all(_kinds_agree(best, r) == len(r) for r in sample) or len(best) > tolerances.MAX_REORDER_COLUMNS:
        return best
    return max((list(p) for p in permutations(best)),
               key=lambda cols: (sum(_kinds_agree(cols, r) for r in sample), checks_hold(spec, cols, sample),
                                 -_derived_first(cols), -_inversions(best, cols)))


def _spread(cols: list[Column], spec: TableSpec, header_text: str) -> list[Column]:
    """`cols` shared out among the header's spans (`Adjudicados | Finalizados`) when an
    unknown word counted as a column kept them from it (`… procesos procesos` read as one)."""
    return cols if any(c.span for c in cols) else spec.spread_spans(header_key(header_text), cols)


def _derived_first(order: list[Column]) -> int:
    """Pairs where a column derived from others (the spec's columns it does not keep:
    `Variación`, `% Participación`) stands before a kept one. A change and its two years
    satisfy `d ~ a - b` in either role (`a ~ d + b`), so the figures come first, as printed."""
    kept = [c.keep for c in order if not c.field.startswith(EXTRA_PREFIX)]
    return sum(not a and b for i, a in enumerate(kept) for b in kept[i + 1:])


def _inversions(original: list[Column], order: list[Column]) -> int:
    """How far `order` is from `original` (pairs swapped): the header's order wins ties."""
    pos = [original.index(c) for c in order]
    return sum(a > b for i, a in enumerate(pos) for b in pos[i + 1:])


def checks_hold(spec: TableSpec, columns: list[Column], rows: list[list[str]]) -> int:
    """How many (row, check) pairs of the spec's arithmetic hold when `columns` name the
    values (`devengado_usd <= codificado_usd`, `ejecucion_pct ~ devengado_usd / codificado_usd * 100`,
    `variacion ~ monto_usd[-1] - monto_usd[0]`)."""
    names = _operand_names(columns)
    held = 0
    for row in rows:
        values: dict[str, Decimal] = {}
        for col_names, raw in zip(names, row, strict=False):
            try:
                number = cell_value(raw, column_convention([raw], ES))
            except NumberError:
                continue
            if number is not None:
                values.update(dict.fromkeys(col_names, number))
        held += sum(check.holds(values) for check in spec.checks)
    return held


def _operand_names(columns: list[Column]) -> list[tuple[str, ...]]:
    """The names a column goes by in a check: its field; a year column also by its rank
    among the printed years, from the first (`monto_usd[0]`) and from the last
    (`monto_usd[-1]`); none for a column the contract does not hold."""
    years = sorted({c.year for c in columns if c.year is not None})
    names: list[tuple[str, ...]] = []
    for c in columns:
        if c.field.startswith(EXTRA_PREFIX):
            names.append(())
        elif c.year is None:
            names.append((c.field,))
        else:
            rank = years.index(c.year)
            names.append((f"{c.field}[{rank}]", f"{c.field}[{rank - len(years)}]"))
    return names


def _kinds_agree(columns: list[Column], values: list[str]) -> int:
    """How many of a row's values are of their column's kind: percentages against the rest,
    and no cents in a count (`167.464,26` is an amount)."""
    return sum(c.kind == "unknown" or ((c.kind == "percent") == v.rstrip("*").endswith("%")
                                       and not (c.kind == "count" and _CENTS.search(v.rstrip("*"))))
               for c, v in zip(columns, values, strict=False))
