"""Answer keys (`tests/data/truth/<report_id>/<dataset>.csv`) against what a report yields."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
KEYS = DATA / "truth"
#: Datasets scored cell for cell (`indicadores` is not in every key; `secciones` by number,
#: title and level).
SCORED = ["afiliados", "pensionistas", "pensiones_montos", "contratacion", "presupuesto",
          "recomendaciones", "enajenacion", "totales", "secciones"]


def _cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except InvalidOperation:
        return str(value)


def _tables(report_id: str, datasets: dict[str, list[dict]]) -> Iterator[tuple[str, list[tuple], list[tuple]]]:
    """Per scored dataset with a key: (name, the key's rows, the rows got), as tuples of
    comparable cells in the key's columns."""
    for name in SCORED:
        path = KEYS / report_id / f"{name}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            key_rows = list(reader)
            columns = [c for c in (reader.fieldnames or []) if c != "report_id"]
        if name == "secciones":
            columns = ["numero", "titulo", "nivel"]
        yield (name, [tuple(_cell(r[c]) for c in columns) for r in key_rows],
               [tuple(_cell(r.get(c)) for c in columns) for r in datasets.get(name, [])])


def differences(report_id: str, datasets: dict[str, list[dict]]) -> dict[str, tuple[list, list]]:
    """Per dataset whose rows differ from the key: (rows missing, rows not in the key)."""
    out = {}
    for name, key_rows, got_rows in _tables(report_id, datasets):
        want, got = Counter(key_rows), Counter(got_rows)
        if want != got:
            out[name] = (sorted((want - got).elements()), sorted((got - want).elements()))
    return out


def cells_matched(report_id: str, datasets: dict[str, list[dict]]) -> tuple[int, int]:
    """(cells of the key found, cells in the key) over the scored datasets: each key row is
    paired with the row that shares most of its cells (exact rows first), each row used once."""
    found = total = 0
    for _, want, got in _tables(report_id, datasets):
        total += sum(len(row) for row in want)
        for row in sorted(want, key=lambda r: r not in got):
            if not got:
                break
            best = max(got, key=lambda g: sum(a == b for a, b in zip(row, g, strict=True)))
            found += sum(a == b for a, b in zip(row, best, strict=True))
            got.remove(best)
    return found, total
