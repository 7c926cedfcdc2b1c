"""The fit score that chooses among a table's candidate readings: values that read as numbers,
totals that add up, rows kept, a group column where the spec has one, and the strategy's own
confidence, each weighing in."""

from __future__ import annotations

import pytest

from extract.tables.base import RawRow, RawTable
from extract.tables.fit import score
from extract.tables.spec import Column, load_specs


def _spec(name: str):
    return next(s for s in load_specs() if s.name == name)


_COLUMNS = [Column("procesos", "count", True, True), Column("valor_usd", "money", True, True)]


def _table(rows: list[RawRow], dropped: int = 0, confidence: float = 1.0) -> RawTable:
    return RawTable("contratacion", "contratacion", "text-aligned", list(_COLUMNS), rows, "h",
                    dropped=dropped, score=confidence)


def _rows(total: str = "30.000,00", count_total: str = "5") -> list[RawRow]:
    return [RawRow("Ínfima Cuantía", ["2", "10.000,00"]), RawRow("Catálogo", ["3", "20.000,00"]),
            RawRow("Total", [count_total, total], total=True)]


def test_a_clean_table_whose_total_adds_up_fits_fully() -> None:
    assert score(_table(_rows()), _spec("contratacion")) == pytest.approx(1.0)


def test_a_total_that_does_not_add_up_costs_a_quarter_per_share_of_failed_sums() -> None:
    spec = _spec("contratacion")
    assert score(_table(_rows(total="31.000,00")), spec) == pytest.approx(0.875)  # one of two sums fails
    assert score(_table(_rows(total="31.000,00", count_total="9")), spec) == pytest.approx(0.75)
    assert score(_table(_rows(total="30.001,00")), spec) == pytest.approx(1.0)  # within one unit: rounding
    assert score(_table(_rows(total="30.001,01")), spec) == pytest.approx(0.875)


def test_a_subtotal_is_not_checked_against_every_row() -> None:
    rows = _rows()
    rows.insert(2, RawRow("Subtotal", ["99", "99.999,00"], total=True))
    assert score(_table(rows), _spec("contratacion")) == pytest.approx(1.0)


def test_values_that_do_not_read_as_numbers_and_dropped_rows_lower_the_fit() -> None:
    spec = _spec("contratacion")
    rows = _rows()
    rows[0] = RawRow("Ínfima Cuantía", ["dos", "10.000,00"])
    # 3 of 4 cells read; a column with an unread cell is not summed (the other one adds up)
    assert score(_table(rows), spec) == pytest.approx(0.75)
    assert score(_table(_rows(), dropped=1), spec) == pytest.approx(0.75)  # 3 rows kept of 4
    assert score(_table(_rows(), confidence=0.5), spec) == pytest.approx(0.5)


def test_a_table_without_its_groups_fits_half_where_the_spec_has_a_group_column() -> None:
    spec = _spec("afiliados")
    table = RawTable("afiliados", "afiliados", "text-aligned", [Column("afiliados", "count", True, True, 2024)],
                     [RawRow("Sector privado", ["10"]), RawRow("Sector público", ["5"])], "h")
    assert score(table, spec) == pytest.approx(0.5)
    for row in table.rows:
        row.group = "Con relación de dependencia"
    assert score(table, spec) == pytest.approx(1.0)


def test_no_detail_rows_no_fit() -> None:
    assert score(_table([RawRow("Total", ["5", "30.000,00"], total=True)]), _spec("contratacion")) == 0.0
    assert score(_table([RawRow("Ínfima", [])]), _spec("contratacion")) == 0.0


def test_only_kept_amount_columns_are_summed() -> None:
    spec = _spec("contratacion")
    columns = [Column("variacion", "money", False, False), Column("participacion_pct", "percent", True, True),
               Column("valor_usd", "money", True, True)]
    rows = [RawRow("A", ["1", "40,00%", "10.000,00"]), RawRow("B", ["1", "50,00%", "20.000,00"]),
            RawRow("Total", ["7", "100,00%", "31.000,00"], total=True)]
    table = RawTable("contratacion", "contratacion", "text-aligned", columns, rows, "h")
    # the change (not kept) and the share (a percentage) are not summed; the amount is, and fails
    assert score(table, spec) == pytest.approx(0.75)


def test_a_total_is_read_in_its_columns_convention() -> None:
    rows = [RawRow("A", ["2", "1.234.567"]), RawRow("B", ["3", "2.789"]),  # 2.789 is 2789 in this column
            RawRow("Total", ["5", "1.237.000"], total=True)]
    assert score(_table(rows), _spec("contratacion")) == pytest.approx(0.875)  # 1.237.356 printed 1.237.000


def test_a_total_row_with_fewer_values_is_checked_where_it_has_them() -> None:
    rows = [RawRow("A", ["2", "10.000,00"]), RawRow("B", ["3", "20.000,00"]), RawRow("Total", ["9"], total=True)]
    assert score(_table(rows), _spec("contratacion")) == pytest.approx(0.75)


def test_a_count_column_never_takes_amounts_with_cents() -> None:
    """A header printed out of order (`Valor (USD)` before `N.º de procesos`) is put back in
    the order the values hold: cents are an amount's, never a count's."""
    from extract.tables.roles import assign, text_hints

    rows = [["63", "167.464,26"], ["4", "134.499,89"], ["3", "54.098,06"]]
    for header in ("Tipo de contratación N.º de procesos Valor (USD)",
                   "Tipo de contratación Valor (USD) N.º de procesos"):
        spec = _spec("contratacion")
        assert [c.field for c in assign(spec, rows, text_hints(spec, header, 2)).columns] == ["procesos", "valor_usd"]


def test_a_grouped_header_read_line_by_line_keeps_its_groups_past_a_stray_word() -> None:
    """`N.º de N.º de / Valor (USD) Valor (USD) / procesos procesos` under `Adjudicados
    Finalizados` (pdfplumber's text): the trailing `procesos procesos` is no column of its own."""
    from extract.tables.roles import assign, text_hints

    header = "Adjudicados Finalizados Tipo de contratación N.º de N.º de Valor (USD) Valor (USD) procesos procesos"
    rows = [["63", "167.464,26", "63", "167.464,26"], ["3", "54.098,06", "-", "-"]]
    spec = _spec("contratacion")
    got = [(c.field, c.span) for c in assign(spec, rows, text_hints(spec, header, 4)).columns]
    assert got == [("procesos", "adjudicado"), ("valor_usd", "adjudicado"),
                   ("procesos", "finalizado"), ("valor_usd", "finalizado")]
