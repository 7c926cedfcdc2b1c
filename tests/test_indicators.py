"""Narrative figures in wordings of other reports: the right value, or none."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extract.indicators import extract, sentences
from extract.model import Document, Identity, Line, Sink
from extract.numbers import ES

D = Decimal


def _doc(text: str) -> Document:
    """A report whose other numbers are printed in the Spanish convention (`1.130` = 1130)."""
    lines = [Line(t, None, i + 1) for i, t in enumerate(text.splitlines())]
    return Document(Path("x.txt"), "raw/x.txt", "text", "0" * 64, None, lines,
                    Identity("provincial", "Azuay", 2023), convention=ES)


def _found(text: str) -> tuple[dict[str, Decimal], list[str]]:
    sink = Sink("iess-azuay-2023")
    rows = extract(_doc(text), sink)
    return {r["indicador"]: r["valor"] for r in rows}, [a.problem for a in sink.items]


@pytest.mark.parametrize(("text", "slug", "value"), [
    ("Se realizaron un total de 1130 inspecciones a empleadores.", "inspecciones", D("1130")),
    ("En el año se efectuaron 1.130 inspecciones en la provincia.", "inspecciones", D("1130")),
    ("La Dirección Provincial cerró el año 2023 con 120.345 afiliados activos.", "afiliados_total", D("120345")),
    ("El total de afiliados de la provincia asciende a 98.765 personas.", "afiliados_total", D("98765")),
    ("El presupuesto codificado de la Dirección ascendió a USD 1,2 millones en 2023.",
     "presupuesto_codificado_usd", D("1200000")),
    ("La recaudación de valores en mora fue de USD 17.575.727,94 en el periodo.",
     "recuperacion_cartera_usd", D("17575727.94")),
    ("Se otorgó un total de 2.789 prestaciones a los asegurados.", "prestaciones_otorgadas", D("2789")),
    ("Los afiliados se dividen en género Femenino 49.867 y género Masculino 33.265.", "afiliados_hombres",
     D("33265")),
])
def test_reads_the_stated_figure(text: str, slug: str, value: Decimal) -> None:
    found, _ = _found(text)
    assert found.get(slug) == value.quantize(D("0.01"))


@pytest.mark.parametrize("text", [
    "Se realizaron más de 1.130 inspecciones en el año.",            # approximate: not the figure
    "Se realizó un promedio de 75 inspecciones mensuales.",           # a monthly average
    "Se registraron 14.085 pensionistas con discapacidad.",           # a subgroup
    "Al cierre se registran 626.012 afiliados del sector semicontributivo.",  # a subgroup
    "Registro de 1.271.321 atenciones a mujeres y 761.226 a hombres.",  # not affiliates
])
def test_takes_nothing_that_is_not_the_headline_figure(text: str) -> None:
    found, _ = _found(text)
    assert found == {}


def test_a_figure_stated_twice_with_two_values_is_an_anomaly() -> None:
    found, problems = _found("Se realizaron un total de 1.130 inspecciones.\n\n"
                             "Durante el año se ejecutaron 1.310 inspecciones.")
    assert "inspecciones" not in found
    assert problems == ["inspecciones stated with different values: 1130, 1310"]


def test_sentences_join_wrapped_lines_and_split_at_full_stops() -> None:
    lines = [Line(t, None, i + 1) for i, t in enumerate(
        ["Se realizaron un total de 1130", "", "inspecciones de control. Siendo estas", "disuasivas."])]
    assert [s.text for s in sentences(lines)] == [
        "Se realizaron un total de 1130 inspecciones de control.", "Siendo estas disuasivas."]
