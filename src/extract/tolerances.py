"""Every threshold the pipeline judges by, named, in one place, with what it is for.

Printed figures are rounded, extractors misplace a character, reports are written by hand:
each number below is how much of that a check forgives, or how much evidence a decision needs.
"""

from __future__ import annotations

from decimal import Decimal

# --- validation (warnings) -------------------------------------------------------------------
#: Detail rows against a printed (sub)total, and a printed variación against its years: the
#: figures are printed rounded to units, so half a unit either way.
TOTAL = Decimal("0.5")
#: A printed % ejecución against devengado / codificado, in percentage points.
PERCENT = Decimal("1.0")
#: A printed % participación against its share of the total (printed to one decimal).
SHARE = Decimal("0.15")

# --- choosing among candidate tables ---------------------------------------------------------
#: A candidate table's totals against its details when scoring its fit (one unit).
FIT_TOTAL = Decimal(1)
#: `p ~ a / b * 100` checks of a spec, used to order same-kind columns (points).
CHECK_PERCENT = Decimal("0.6")
#: `d ~ a - b` checks (a change between two columns), as a share of the larger operand: the
#: printed figures are rounded separately (`16.742.311` for `145.632.249 - 128.889.939`).
CHECK_DIFFERENCE_SHARE = Decimal("0.001")

# --- reading ----------------------------------------------------------------------------------
#: Share of the numbers that must point to one convention (`1.234,5` vs `1,234.5`) to settle
#: a column's or a document's.
CONVENTION_MAJORITY = 0.75
#: Share of a line's words that must be header words for the line to be part of a header.
HEADER_WORD_SHARE = 0.6
#: Words of other columns that may stand between two words of one column's name in a header
#: read line by line (`Monto Monto / acumulado acumulado`).
HEADER_INTERLEAVED_WORDS = 4
#: Letters two header words must share to be taken for one (`asign-ado`, `asign-ación`).
STEM = 5
#: Share of a region's lines that are a lone value for it to be read as a cell per line.
CELL_LINES_SHARE = 0.3
#: Characters of text per page, on average, below which a PDF is a scan without a text layer.
MIN_TEXT_PER_PAGE = 4

# --- batches ----------------------------------------------------------------------------------
#: Share of their table values a PDF and a text must share to be one report (the text its
#: extraction); less, and two inputs claiming one report are a conflict.
TWIN_OVERLAP = 0.5
