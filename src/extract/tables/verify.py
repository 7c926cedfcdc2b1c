"""A table's own checks, run on every candidate whatever read it: what a reader may have got
wrong and the values show (a row's values run into its label)."""

from __future__ import annotations

import regex

from extract.tables.base import RawTable

#: A value in a label: digits grouped in thousands (`10,986.92`, `1.234`), two decimals or a
#: percentage; a code (`201`) or a year is no value.
_VALUE_IN_LABEL = regex.compile(
    r"(?<![\w/])(?:\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+[.,]\d{2}|\d+(?:[.,]\d+)?%)(?!\w)")


def doubt(table: RawTable) -> str | None:
    """Why the table cannot be published as read, or None."""
    for row in table.rows:
        m = _VALUE_IN_LABEL.search(row.label)
        if m:
            return f"a row's label holds a value ({m.group()!r} in {row.label[:80]!r}): its cells ran together"
    return None
