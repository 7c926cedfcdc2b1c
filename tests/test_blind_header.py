"""A table whose header words no spec knows (`header.find_header`'s blind tier): read where the
spec's checks of equality settle its columns, or its labels are its label column's categories
and every column is one the spec holds; doubtful where the header's end is not sure; not
found where neither arithmetic nor labels tell which table it is."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from extract.report import extract_report

_TOP = """Informe de Rendición de Cuentas 2024
Instituto Ecuatoriano de Seguridad Social (IESS) - Dirección Provincial de Loja
Introducción
La Dirección Provincial de Loja presenta su gestión del año.
{heading}
A continuación, se detalla la información del período:

{table}

Fuente: Dirección Provincial
"""

_BUDGET = """Fura

Tofeirfei

Luercia (USD)

Brinto (USD)

% Birsiluen

Administradora Dirección Provincial  1.913.418,00  1.700.000,00  1.665.326,91  87,03%

Coordinación del Seguro de Salud  68.442.917,08  60.000.000,00  49.121.501,34  71,77%

Fondo Riesgos de Trabajo  184.760,01  170.000,00  167.810,98  90,83%

Total general  70.541.095,09  61.870.000,00  50.954.639,23  72,23%"""


def _run(tmp: Path, heading: str, table: str) -> dict:
    path = tmp / "iess-loja-2024.txt"
    path.write_text(_TOP.format(heading=heading, table=table), "utf-8")
    res = extract_report(path, tmp, tmp / "interim")
    assert not res.failed, res.error
    return res.datasets


def test_money_money_money_and_the_share_of_two_are_read_whatever_the_header_says(tmp_path: Path) -> None:
    data = _run(tmp_path, "5. Ejecución programática y presupuestaria", _BUDGET)
    rows = [(r["unidad"], r["codificado_usd"], r["devengado_usd"]) for r in data["presupuesto"]]
    assert rows == [("Administradora Dirección Provincial", Decimal("1913418.00"), Decimal("1665326.91")),
                    ("Coordinación del Seguro de Salud", Decimal("68442917.08"), Decimal("49121501.34")),
                    ("Fondo Riesgos de Trabajo", Decimal("184760.01"), Decimal("167810.98"))]


def test_a_line_under_a_header_of_unknown_words_without_a_year_or_unit_is_doubtful(tmp_path: Path) -> None:
    table = _BUDGET.replace("% Birsiluen\n\n", "% Birsiluen\n\nQuesmo\n\n")
    data = _run(tmp_path, "5. Ejecución programática y presupuestaria", table)
    assert data["presupuesto"] == []
    status = next(t for t in data["tablas"] if t["dataset"] == "presupuesto")
    assert status["status"] == "doubtful" and "'Quesmo' may be header words" in status["reason"]


def test_labels_of_the_label_columns_vocabulary_say_which_table_where_no_arithmetic_does(tmp_path: Path) -> None:
    table = "Fura\n\nTofeirfei (USD)\n\nÍnfima Cuantía 43 109.787,52\n\nMenor Cuantía 2 40.098,11\n"
    data = _run(tmp_path, "6. Procesos de contratación y compras públicas de bienes y servicios", table)
    assert [(r["tipo_contratacion"], r["procesos"], r["valor_usd"]) for r in data["contratacion"]] == [
        ("Ínfima Cuantía", 43, Decimal("109787.52")), ("Menor Cuantía", 2, Decimal("40098.11"))]


def test_columns_neither_arithmetic_nor_labels_tell_under_unknown_words_are_not_found(tmp_path: Path) -> None:
    table = "Fura\n\nTofeirfei (USD)\n\nBrotas Quenlo 43 109.787,52\n\nSiltra Mepo 2 40.098,11\n"
    data = _run(tmp_path, "6. Procesos de contratación y compras públicas de bienes y servicios", table)
    assert data["contratacion"] == []
    assert any("not found" in a["problem"] for a in data["anomalias"] if a["dataset"] == "contratacion")
