"""Section headings: the numbering rules a heading must follow, Roman numerals, wrapped
titles, and the guard against numbers in prose."""

from __future__ import annotations

import pytest

from extract.model import Line
from extract.sections import detect


def _numbers(texts: list[str]) -> list[tuple[str | None, str]]:
    return [(s.numero, s.titulo) for s in detect([Line(t, None, i + 1) for i, t in enumerate(texts)])]


def test_numbering_may_skip_one_heading_but_not_jump() -> None:
    got = _numbers(["1. Cobertura", "Texto.", "3. Logros alcanzados", "Texto.", "9. Cuarenta afiliados nuevos"])
    assert got == [("1", "Cobertura"), ("3", "Logros alcanzados")]  # 9 after 3 is a number in prose


def test_sub_headings_follow_their_section() -> None:
    got = _numbers(["1. Cobertura", "1.1. Afiliados", "1.3. Pensionistas", "1.7. Otro", "2.1. Montos",
                    "2.3. Recaudación"])
    # 1.3 skips one; 1.7 jumps; 2.1 opens section 2 unseen; 2.3 skips one
    assert [n for n, _ in got] == ["1", "1.1", "1.3", "2.1", "2.3"]


def test_the_first_heading_may_be_any_number() -> None:
    assert [n for n, _ in _numbers(["4. Objetivos", "5. Ejecución"])] == ["4", "5"]


@pytest.mark.parametrize(("roman", "arabic"), [
    ("I", "1"), ("IV", "4"), ("IX", "9"), ("XIV", "14"), ("XL", "40"), ("XLIX", "49"), ("L", "50")])
def test_roman_numerals_are_stored_in_arabic(roman: str, arabic: str) -> None:
    from extract.sections import _arabic

    assert _arabic(roman) == arabic


@pytest.mark.parametrize("letters", ["IIII", "VX", "IL", "VV"])
def test_letters_that_are_no_roman_numeral_are_refused(letters: str) -> None:
    from extract.sections import _arabic

    assert _arabic(letters) is None


def test_a_title_continues_on_the_next_line_when_it_ends_open_or_the_next_starts_lower() -> None:
    got = _numbers(["1. Incorporación de recomendaciones y dictámenes por parte de las",
                    "entidades de la Función de Transparencia", "",
                    "Texto que sigue.", "2. Procesos de", "contratación", "Otro párrafo"])
    assert got == [("1", "Incorporación de recomendaciones y dictámenes por parte de las entidades de la "
                         "Función de Transparencia"),
                   ("2", "Procesos de contratación")]


def test_an_upper_case_title_wraps_only_from_a_long_line() -> None:
    long_title = "8. INCORPORACIÓN DE RECOMENDACIONES Y DICTÁMENES POR PARTE"
    got = _numbers(["7. ENAJENACIÓN", "DE BIENES", long_title, "DE LAS ENTIDADES DE CONTROL"])
    assert got == [("7", "ENAJENACIÓN"),
                   ("8", "INCORPORACIÓN DE RECOMENDACIONES Y DICTÁMENES POR PARTE DE LAS ENTIDADES DE CONTROL")]


def test_a_title_is_at_most_three_lines() -> None:
    got = _numbers(["1. Uno de", "dos de", "tres de", "cuatro"])
    assert got == [("1", "Uno de dos de tres de")]


@pytest.mark.parametrize("line", ["2. El IESS pagó 1.234.567 pensiones en 2024 y 2023", "2. Variación 45,3%"])
def test_a_numbered_line_with_figures_is_prose_not_a_heading(line: str) -> None:
    assert [n for n, _ in _numbers(["1. Cobertura", line])] == ["1"]


def test_sections_are_ordered_and_span_their_lines() -> None:
    lines = [Line(t, 3, None) for t in ["Resumen Ejecutivo:", "Texto.", "1. Cobertura de", "afiliados",
                                         "Texto.", "2. Logros"]]
    resumen, cobertura, logros = detect(lines)
    assert [s.orden for s in (resumen, cobertura, logros)] == [1, 2, 3]
    assert (resumen.numero, resumen.titulo, resumen.nivel) == (None, "Resumen Ejecutivo", 1)  # `:` left out
    assert (resumen.start, resumen.end, resumen.title_lines) == (0, 2, range(0, 1))
    assert (cobertura.start, cobertura.end, cobertura.title_lines) == (2, 5, range(2, 4))  # a wrapped title
    assert (logros.start, logros.end, logros.start_page) == (5, 6, 3)


def test_an_unnumbered_heading_does_not_stop_the_numbered_ones_after_it() -> None:
    assert [n for n, _ in _numbers(["Resumen Ejecutivo", "1. Cobertura", "Introducción", "2. Logros"])] == [
        None, "1", None, "2"]


def test_a_first_sub_heading_opens_its_section() -> None:
    assert [n for n, _ in _numbers(["1.1. Afiliados", "1.2. Pensionistas"])] == ["1.1", "1.2"]
    assert [n for n, _ in _numbers(["1. Uno", "1.2. Dos", "1.5. Cinco"])] == ["1", "1.2"]  # 1.5 jumps
