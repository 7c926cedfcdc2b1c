"""Normalisation: raw cells to exact typed values in the contract's tidy shape, every cell
that cannot be read named in `anomalias`, every row with its provenance."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extract.model import Document, Identity, PageOcr, Sink, Word
from extract.normalise import normalise, value
from extract.numbers import NumberError
from extract.tables.base import RawRow, RawTable
from extract.tables.spec import FISCAL_YEAR, Column, load_specs


def _spec(name: str):
    return next(s for s in load_specs() if s.name == name)


def _doc(ocr: dict | None = None) -> Document:
    return Document(Path("raw/azuay.pdf"), "raw/azuay.pdf", "pdf", "0" * 64, 12, [],
                    Identity("provincial", "Azuay", 2024), "es", ocr=ocr or {})


_SPANS = [Column("procesos", "count", True, True, None, "adjudicado"),
          Column("valor_usd", "money", True, True, None, "adjudicado"),
          Column("procesos", "count", True, True, None, "finalizado"),
          Column("valor_usd", "money", True, True, None, "finalizado")]


def _contracts(rows: list[RawRow]) -> tuple[list[dict], list[dict], Sink]:
    sink = Sink("iess-azuay-2024")
    table = RawTable("contratacion", "contratacion", "camelot-lattice", list(_SPANS), rows, "h", pages=[9])
    details, totals = normalise(_doc(), _spec("contratacion"), table, sink)
    return details, totals, sink


def test_a_row_becomes_one_record_per_state_with_exact_values_and_its_provenance() -> None:
    details, totals, sink = _contracts([
        RawRow("Ínfima Cuantía", ["43", "109.787,52", "40", "100.000"], page=9),
        RawRow("Total", ["43", "109.787,52", "40", "100.000,00"], total=True, page=9)])
    assert [(d["tipo_contratacion"], d["estado"], d["procesos"], d["valor_usd"]) for d in details] == [
        ("Ínfima Cuantía", "adjudicado", 43, Decimal("109787.52")),
        ("Ínfima Cuantía", "finalizado", 40, Decimal("100000.00"))]
    assert all((d["source_file"], d["source_page"], d["source_line"], d["extraction_method"])
               == ("raw/azuay.pdf", 9, None, "camelot-lattice") for d in details)
    assert [(t["etiqueta"], t["medida"], t["estado"], t["valor"], t["anio"]) for t in totals] == [
        ("Total", "procesos", "adjudicado", Decimal(43), None),
        ("Total", "valor_usd", "adjudicado", Decimal("109787.52"), None),
        ("Total", "procesos", "finalizado", Decimal(40), None),
        ("Total", "valor_usd", "finalizado", Decimal("100000.00"), None)]
    assert totals[0]["dataset"] == "contratacion" and totals[0]["_seq"] == 1 and not sink.items


def test_cells_that_cannot_be_read_are_named_and_null() -> None:
    details, _, sink = _contracts([
        RawRow("Subasta", ["", "s/d", "dos", "1.5.6"], page=9, line=None)])
    values = {(d["estado"], k): d[k] for d in details for k in ("procesos", "valor_usd")}
    assert set(values.values()) == {None}
    problems = sorted((a.problem, a.raw_text, a.location) for a in sink.items)
    assert problems == [
        ("empty procesos cell", "Subasta", "page 9"),
        ("unreadable procesos: not a number", "dos", "page 9"),
        ("unreadable valor_usd: irregular digit grouping", "1.5.6", "page 9"),
        ("valor_usd printed as 's/d' (no data): null", "Subasta", "page 9")]


def test_an_empty_cell_of_a_total_row_is_no_anomaly() -> None:
    _, totals, sink = _contracts([RawRow("Total", ["43", "", "40", "100"], total=True, page=9)])
    assert len(totals) == 3 and not sink.items


def test_counts_are_whole_and_money_exact_to_the_cent() -> None:
    assert value("1.234", "count", "es") == 1234 and isinstance(value("1.234", "count", "es"), int)
    assert value("1.234,567", "money", "es") == Decimal("1234.57")
    assert value("-", "money", "es") == Decimal("0.00")
    assert value("s/d", "count", "es") is None
    with pytest.raises(NumberError, match="a count with a fractional part"):
        value("12,5", "count", "es")


def test_a_column_without_a_year_is_of_the_fiscal_year() -> None:
    spec = _spec("pensiones_montos")
    table = RawTable("pensiones_montos", spec.name, "text-aligned",
                     [Column("monto_usd", "money", True, True, FISCAL_YEAR),
                      Column("variacion", "money", False, False)],
                     [RawRow("Vejez", ["1.000,00", "10,00"], group="Campesino", line=7),
                      RawRow("Total", ["1.000,00", "10,00"], total=True, line=8)], "h")
    details, totals = normalise(_doc(), spec, table, Sink("x"))
    assert [(d["seguro"], d["prestacion"], d["anio"], d["monto_usd"], d["_derived"]) for d in details] == [
        ("Campesino", "Vejez", 2024, Decimal("1000.00"), {"variacion": Decimal("10.00")})]
    assert [(t["medida"], t["anio"], t["source_line"]) for t in totals] == [("monto_usd", 2024, 8)]


def test_a_row_read_by_ocr_says_so_and_names_its_doubtful_words() -> None:
    read = PageOcr(9, [Word("4S", 0, 0, 1, 1, 40.0)], 200, doubtful={"4S": 40.0})
    sink = Sink("iess-azuay-2024")
    table = RawTable("contratacion", "contratacion", "text-aligned", list(_SPANS),
                     [RawRow("Ínfima", ["4S", "1,00", "2", "3,00"], page=9)], "h", pages=[9])
    details, _ = normalise(_doc({9: read}), _spec("contratacion"), table, sink)
    assert {d["extraction_method"] for d in details} == {"ocr"}
    doubts = [a for a in sink.items if a.problem.startswith("OCR not sure")]
    assert [(a.problem, a.raw_text, a.location) for a in doubts] == [
        ("OCR not sure of value word(s) '4S' (confidence 40%): check against the page", "4S", "page 9")]
