"""A table's own checks (`tables/verify.py`): one test per rule, each on a table a reader could
make, and each table's good twin passing."""

from __future__ import annotations

from extract.tables import verify
from extract.tables.base import RawRow, RawTable
from extract.tables.spec import Column, TableSpec, load_specs


def _spec(name: str) -> TableSpec:
    return next(s for s in load_specs() if s.name == name)


_BUDGET = [Column("codificado_usd", "money", True, True), Column("devengado_usd", "money", True, True),
           Column("ejecucion_pct", "percent", True, False)]


def _budget(rows: list[RawRow], header: str = "Unidad Codificado Devengado % Ejecución") -> RawTable:
    return RawTable("presupuesto", "presupuesto", "text-aligned", _BUDGET, rows, header)


GOOD = [RawRow("Fondo Salud", ["1.000,00", "800,00", "80%"]), RawRow("Fondo Campesino", ["500,00", "250,00", "50%"]),
        RawRow("Total general", ["1.500,00", "1.050,00", "70%"], total=True)]


def test_a_good_table_passes_every_rule() -> None:
    assert verify.doubt(_budget(GOOD), _spec("presupuesto")) is None


def test_a_value_in_a_label_is_cells_run_together() -> None:
    rows = [RawRow("Fondo Salud 1.000,00 Fondo", ["500,00", "250,00", "50%"]), *GOOD[1:]]
    assert "label holds a value ('1.000,00'" in (verify.value_in_label(_budget(rows), _spec("presupuesto")) or "")


def test_a_label_the_length_of_a_paragraph_is_rows_run_together() -> None:
    rows = [RawRow("Fondo Salud " + "y otros fondos " * 12, ["1.000,00", "800,00", "80%"]), *GOOD[1:]]
    assert "characters long" in (verify.label_too_long(_budget(rows), _spec("presupuesto")) or "")


def test_the_header_read_as_a_row_is_doubtful() -> None:
    header = "Entidad que recomienda Recomendaciones y/o dictámenes"
    table = RawTable("recomendaciones", "recomendaciones-detalle", "text-aligned",
                     [Column("recomendaciones", "count", True, True)],
                     [RawRow("CONTRALORÍA", ["3"], fields={"examen": "EXAMEN ESPECIAL ENTIDAD QUE RECOMIENDA "
                                                                     "RECOMENDACIONES Y/O DICTAMENES"})], header)
    assert "header" in (verify.header_in_cell(table, _spec("recomendaciones-detalle")) or "")


def test_more_document_codes_than_records_is_records_run_together() -> None:
    spec = _spec("recomendaciones-detalle")
    one = "Memorando Nro. IESS-DPL-2024-0001-M del 03/02/2025"
    row = RawRow("CONTRALORÍA GENERAL DEL ESTADO", ["3"], fields={"examen": "EXAMEN", "documento": one})
    table = RawTable("recomendaciones", spec.name, "text-aligned", [Column("recomendaciones", "count", True, True)],
                     [row], "Entidad Examen Documento Recomendaciones")
    assert verify.more_records_than_rows(table, spec) is None
    row.fields["examen"] = f"EXAMEN {one.replace('0001', '0002')} OTRO EXAMEN"
    assert "2 document codes in 1 rows" in (verify.more_records_than_rows(table, spec) or "")
    row.fields["examen"] = "EXAMEN ESPECIAL Rec. 4 CONTRALORÍA OTRO EXAMEN Rec. 2"
    assert "2 `Rec. N` markers in 1 rows" in (verify.more_records_than_rows(table, spec) or "")


def test_details_that_miss_their_printed_total_are_a_value_misread() -> None:
    rows = [RawRow("Fondo Salud", ["1.000,00", "800,00", "80%"]), RawRow("Fondo Campesino", ["50,00", "25,00", "50%"]),
            GOOD[2]]
    found = verify.total_not_reconciled(_budget(rows), _spec("presupuesto")) or ""
    assert "codificado_usd rows add up to 1050.00, its printed total 1500.00" in found
    rounded = [RawRow("A", ["1", "1", "1%"]), RawRow("B", ["1", "1", "1%"]),
               RawRow("Total", ["3", "2", "1%"], total=True)]
    assert verify.total_not_reconciled(_budget(rounded), _spec("presupuesto")) is None  # rounding: 1 unit


def test_a_label_ending_in_digits_is_a_number_cut_by_spaces() -> None:
    rows = [RawRow("Ínfima Cuantía 43", ["109", "787,52"]), RawRow("Menor Cuantía", ["2", "40.098,11"])]
    table = RawTable("contratacion", "contratacion", "text-aligned",
                     [Column("procesos", "count", True, True), Column("valor_usd", "money", True, True)], rows, "h")
    assert "ends in digits" in (verify.label_ends_in_digits(table, _spec("contratacion")) or "")
    rows[0].label = "Ínfima Cuantía"
    assert verify.label_ends_in_digits(table, _spec("contratacion")) is None


def test_cells_that_are_one_numbers_digit_groups_are_doubtful() -> None:
    rows = [RawRow("Fondo Salud", ["1", "913", "418,00", "87%"]),
            RawRow("Fondo Campesino", ["68", "442", "917,08", "72%"])]
    assert "grouped by plain spaces" in (verify.digit_groups_in_cells(_budget(rows), _spec("presupuesto")) or "")
    assert verify.digit_groups_in_cells(_budget(GOOD), _spec("presupuesto")) is None


def test_two_values_in_one_cell_are_columns_run_together() -> None:
    rows = [RawRow("Fondo Salud", ["1.000,00 800,00", "", "80%"]), *GOOD[1:]]
    assert "a cell holds two values" in (verify.values_in_one_cell(_budget(rows), _spec("presupuesto")) or "")
    footnoted = [RawRow("Fondo Salud", ["1.000,00 (1)", "800,00", "80%"]), *GOOD[1:]]
    assert verify.values_in_one_cell(_budget(footnoted), _spec("presupuesto")) is None


def test_a_record_holding_another_records_start_is_records_run_together() -> None:
    spec = _spec("recomendaciones-detalle")
    row = RawRow("SUPERINTENDENCIA DE BANCOS", ["2"], fields={"examen": "SUPERVISIÓN FOCALIZADA DE 2020"})
    table = RawTable("recomendaciones", spec.name, "text-aligned", [Column("recomendaciones", "count", True, True)],
                     [row], "Entidad Examen Documento Recomendaciones")
    assert verify.another_record_in_text(table, spec) is None
    row.fields["examen"] = "SUPERVISIÓN FOCALIZADA DE 2020 CONTRALORÍA GENERAL DEL ESTADO EXAMEN ESPECIAL"
    assert "the start of another record" in (verify.another_record_in_text(table, spec) or "")


def test_words_in_a_value_cell_are_a_label_run_into_the_values() -> None:
    rows = [RawRow("204", ["Administradora Seguro Social 1.000,00", "800,00", "80%"]), *GOOD[1:]]
    assert "a value cell holds words" in (verify.words_in_value_cell(_budget(rows), _spec("presupuesto")) or "")
    assert verify.words_in_value_cell(_budget([RawRow("Fondo", ["USD 1.000,00", "800,00", "80%"])]),
                                      _spec("presupuesto")) is None
