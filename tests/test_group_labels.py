"""Rows a grid or a text line prints around its groups: group rows of a table whose contract
has no group column (`tables/group_rows.py`), a group label on its first row's line, values
glued to a label cell (`grid.unglued`), one-line group labels that read as heading or centred
alike (`centring.also_centred`), and a continued table's caption (`layout.grid_of`)."""

from __future__ import annotations

from pathlib import Path

from extract.report import extract_report
from extract.tables.centring import also_centred
from extract.tables.grid import unglued
from extract.tables.group_rows import group_prefix, heads_rows
from extract.tables.lines import wrapped_below
from extract.tables.spec import TableSpec, load_specs


def _spec(dataset: str) -> TableSpec:
    return next(s for s in load_specs() if s.dataset == dataset)


def test_a_line_naming_no_procedure_above_one_that_is_a_procedure_is_a_group_row() -> None:
    spec = _spec("contratacion")
    assert heads_rows(spec, ["Procedimientos comunes"], "Menor Cuantía")
    assert heads_rows(spec, ["Procedimientos especiales"], "Régimen Especial")  # both name one: ambiguous joined


def test_a_wrapped_label_is_no_group_row() -> None:
    spec = _spec("contratacion")
    assert not heads_rows(spec, ["Subasta Inversa"], "Electrónica")  # the row's own words are no entry
    assert not heads_rows(spec, ["Compras de"], "Ínfima Cuantía")  # ends mid-phrase
    assert not heads_rows(spec, ["Compras de ínfima"], "cuantía")  # goes on in lowercase
    assert not heads_rows(_spec("presupuesto"), ["Coordinación del Seguro Social"], "Campesino")  # no vocabulary


def test_a_group_label_opening_its_first_rows_line_is_cut_off_by_the_groups_vocabulary() -> None:
    spec = _spec("afiliados")
    assert group_prefix(spec, "Con relación de dependencia Sector privado") == (
        "Con relación de dependencia", "Sector privado")
    assert group_prefix(spec, "Sector privado") == ("", "Sector privado")
    assert group_prefix(_spec("contratacion"), "Menor Cuantía") == ("", "Menor Cuantía")  # no group column


def test_values_glued_to_a_label_cell_take_the_empty_cells_right_of_it() -> None:
    assert unglued(["", "Sector privado 2.009.691 13.106", "", ""]) == ["", "Sector privado", "2.009.691", "13.106"]
    assert unglued(["Objetivo 5", "", ""]) == ["Objetivo 5", "", ""]  # one number for two cells: a label's
    assert unglued(["Afiliados 2024", ""]) == ["Afiliados 2024", ""]  # a year: header words
    assert unglued(["Fondo", "1.000", "800"]) == ["Fondo", "1.000", "800"]


def test_one_line_labels_on_first_rows_that_are_as_well_the_middles_of_other_runs_are_doubtful() -> None:
    rows = list(range(11))
    labels = [("A", 0.0, 0), ("B", 3.0, 3), ("C", 6.0, 6), ("D", 9.0, 9)]  # heading 3,3,3,2 or centred 2,4,2,3
    assert also_centred(labels, rows, rows, dict.fromkeys(rows, 1))
    four = list(range(4))
    pairs = [("A", 0.0, 0), ("B", 2.0, 2)]  # groups of two, each label on the first: headings
    assert also_centred(pairs, four, four, dict.fromkeys(four, 1)) is None


_ALIGNED = """Informe de Rendición de Cuentas 2024
Instituto Ecuatoriano de Seguridad Social (IESS) - Dirección Provincial de Loja
1. Cobertura Institucional
1.1. Afiliados activos
A continuación, se detalla la información del período:

Sector                          Tipos de afiliados                  2024
Con relación de                 Sector privado                    56.896
dependencia                     Sector público                    13.237
\f(continuación)
Sector                          Tipos de afiliados                  2024
Sin relación de                 Independientes                     8.416
dependencia                     Pasantes públicos                    309
Total                                                             78.858

Fuente: Dirección Nacional de Planificación
"""


def test_a_continued_tables_caption_is_no_group_label(tmp_path: Path) -> None:
    path = tmp_path / "iess-loja-2024.txt"
    path.write_text(_ALIGNED, encoding="utf-8")
    rows = extract_report(path, tmp_path, tmp_path / "interim").datasets["afiliados"]
    assert sorted((r["sector"], r["tipo_afiliado"], int(r["afiliados"])) for r in rows) == [
        ("Con relación de dependencia", "Sector privado", 56896),
        ("Con relación de dependencia", "Sector público", 13237),
        ("Sin relación de dependencia", "Independientes", 8416),
        ("Sin relación de dependencia", "Pasantes públicos", 309),
    ]


_CODED = """Informe de Rendición de Cuentas 2024
Instituto Ecuatoriano de Seguridad Social (IESS) - Dirección Provincial de Loja
Introducción
La Dirección Provincial de Loja presenta su gestión del año.
5. Ejecución programática y presupuestaria
A continuación, se detalla la ejecución del período:

Unidad                              Codificado     Devengado    % Ejecución
201 Administradora Dirección          1.000,00        800,00         80,00%
General
203 Administradora de Salud             500,00        250,00         50,00%
Total                                 1.500,00      1.050,00         70,00%
"""


def test_a_line_without_a_code_before_a_coded_row_ends_the_label_above(tmp_path: Path) -> None:
    for name, text in (("aligned", _CODED), ("lines", _CODED.replace("\n", "\n\n"))):
        path = tmp_path / name / "iess-loja-2024.txt"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        rows = extract_report(path, tmp_path / name, tmp_path / name / "interim").datasets["presupuesto"]
        assert [(r["codigo"], r["unidad"]) for r in rows] == [
            ("201", "Administradora Dirección General"), ("203", "Administradora de Salud")], name


def test_labels_wrap_below_their_values_when_a_line_alone_goes_on_from_the_row_above_and_none_runs_on() -> None:
    labels = ["203 Administradora", "de Salud", "204 Administradora", "Campesino"]
    assert wrapped_below([None, "de Salud", None, "Campesino"], labels)
    assert not wrapped_below([None, "Campesino", None], ["Fondo", "Campesino", "Fondo"])  # no evidence
    assert not wrapped_below([None, "de Salud", "Con relación de", None],  # one runs on into the row below
                             ["203 Administradora", "de Salud", "Con relación de", "dependencia"])
