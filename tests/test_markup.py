"""Text inputs in Markdown (PDF-to-Markdown tools) and with delimited tables (`|`, `;`, tab):
read as plain lines, tables as aligned columns, every line keeping its number."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from answer_key import differences
from conftest import RAW

from extract.delimited import aligned, blocks
from extract.ingest import ingest
from extract.markup import plain, plain_lines
from extract.report import extract_report
from extract.textutil import join_digit_groups

D = Decimal


@pytest.mark.parametrize(("line", "text"), [
    ("## 5. Ejecución programática y presupuestaria", "5. Ejecución programática y presupuestaria"),
    ("### VI. EJECUCIÓN DEL GASTO ###", "VI. EJECUCIÓN DEL GASTO"),
    ("**1. Cobertura Institucional**", "1. Cobertura Institucional"),
    ("__Total general__ 1.234", "Total general 1.234"),
    ("un _Informe_ de *Rendición*", "un Informe de Rendición"),
    ("1\\. Cobertura", "1. Cobertura"),
    ("Ver [el portal](https://www.iess.gob.ec) del IESS", "Ver el portal del IESS"),
    ("![gráfico 3](img/p3.png)Fuente: IESS", "Fuente: IESS"),
    ("<!-- image -->", ""),
    ("Con relación de<br>dependencia", "Con relación de dependencia"),
    ("Memorando Nro. IESS- <br>DPL-2024-2627-M", "Memorando Nro. IESS-DPL-2024-2627-M"),
    ("---", ""),
    ("=====", ""),
])
def test_markdown_marks_are_removed(line: str, text: str) -> None:
    assert plain(line) == text


@pytest.mark.parametrize("line", [
    "Pasantes públicos 309* 0,3%",  # a footnote marker after a value
    "*Contabiliza el número de pensionistas por cada tipo de prestación",  # a note's marker
    "Total 1.234 - 45*",
    "—",  # a dash cell alone on its line (a cell-per-line extractor): 0
    "Valor (USD) 2*3",
    "sub_total_2024",
    "# de procesos",  # `#` for número in a header cell, not a heading
])
def test_text_that_only_looks_like_markdown_is_kept(line: str) -> None:
    assert plain(line) == line


PIPES = """Texto antes | con una barra
| Centro | Vigente | Devengado | % Ejecución |
|---|---:|---:|---|
| Salud <br>Loja | 1.913.418,00 | 1.665.326,91 | 87% |
| Fondo \\| Riesgos | 184.760,01 |  | 91% |
Texto después"""


def test_a_pipe_table_becomes_aligned_columns_line_for_line() -> None:
    texts = PIPES.split("\n")
    out, cells = zip(*plain_lines(texts), strict=True)
    assert len(out) == len(texts)
    assert cells[0] is None and cells[2] == () and cells[-1] is None  # prose; the rule
    assert cells[3] == ("Salud\nLoja", "1.913.418,00", "1.665.326,91", "87%")  # a cell's <br> kept
    assert cells[4] == ("Fondo | Riesgos", "184.760,01", "", "91%")
    assert out[0] == texts[0]  # a pipe in prose is not a table
    assert out[2] == ""  # the rule under the header
    assert out[-1] == "Texto después"
    header, first, second = out[1], out[3], out[4]
    for cell in ("Vigente", "Devengado", "% Ejecución"):
        assert header.index(cell) >= 0
    assert first.startswith("Salud Loja")
    assert second.startswith("Fondo | Riesgos")  # an escaped pipe is a character of its cell
    # every column starts where its header does, an empty cell left empty
    assert first.index("1.913.418,00") == second.index("184.760,01") == header.index("Vigente")
    assert first.index("87%") == second.index("91%") == header.index("% Ejecución")


def test_a_pipe_table_without_outer_pipes_is_anchored_by_its_rule() -> None:
    texts = ["Centro | Vigente | Devengado", "--- | --- | ---", "Salud | 1.913.418,00 | 1.665.326,91", "Fin"]
    out = [text for text, _ in plain_lines(texts)]
    assert out[1] == "" and out[3] == "Fin"
    assert out[2].index("1.913.418,00") == out[0].index("Vigente")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_separated_rows_with_a_value_are_a_table(delimiter: str) -> None:
    rows = [["Centro", "Vigente", "Devengado"], ["Salud", "1.913.418,00", "1.665.326,91"],
            ["Fondo", '"184.760,01"', "167.810,98"]]
    found = blocks([delimiter.join(r) for r in rows])
    assert len(found) == 1
    assert found[0].rows[2] == ["Fondo", "184.760,01", "167.810,98"]  # quotes as in CSV


def test_prose_with_semicolons_is_not_a_table() -> None:
    prose = ["Se revisaron los procesos; los contratos; y, los pagos del periodo",
             "de la Dirección; sus unidades; y, las entidades relacionadas."]
    assert blocks(prose) == []
    assert plain_lines(prose) == [(text, None) for text in prose]


def test_tables_with_as_many_columns_share_their_widths() -> None:
    """The pieces of a table cut by a page break line up as one table."""
    first = [["Sector", "Tipo", "2024"], None, ["Con relación de dependencia", "Sector privado", "56.896"]]
    second = [["", "Sector público", "13.237"]]
    a, b = aligned([first, second])
    assert a[2].index("56.896") == b[0].index("13.237")
    assert a[0].index("Tipo") == b[0].index("Sector público")


def test_a_markdown_input_keeps_its_line_numbers(tmp_path: Path) -> None:
    text = (RAW / "iess-loja-2024.txt").read_text(encoding="utf-8")
    text = text.replace("5. Ejecución programática", "## 5. Ejecución programática")
    path = tmp_path / "loja.md"
    path.write_text(text, encoding="utf-8")
    doc = ingest(path)
    assert len(doc.lines) == len(text.split("\n"))
    heading = next(ln for ln in doc.lines if ln.text.startswith("5. Ejecución programática"))
    assert text.split("\n")[heading.line - 1].startswith("## 5. Ejecución")


BUDGET = [("Administradora Dirección Provincial de Loja", "1.913.418,00", "1.665.326,91", "87%"),
          ("Coordinación del Seguro de Salud", "68.442.917,08", "49.121.501,34", "72%"),
          ("Coordinación del Seguro Social Campesino", "15.500.447,03", "14.374.171,61", "93%"),
          ("Administradora Sistema de Pensiones", "337.444,01", "306.258,54", "91%"),
          ("Fondo Riesgos de Trabajo", "184.760,01", "167.810,98", "91%"),
          ("Total general", "86.378.986,13", "65.635.069,38", "")]


def _with_budget_as(tmp: Path, table: list[str]) -> Path:
    """The Loja sample's text with its budget table written as `table` (other lines kept)."""
    text = (RAW / "iess-loja-2024.txt").read_text(encoding="utf-8")
    start = text.index("Centro de Responsabilidad")
    end = text.index("\n", text.index("Total general", start))
    path = tmp / "loja.txt"
    path.write_text(text[:start] + "\n".join(table) + text[end:], encoding="utf-8")
    return path


@pytest.mark.parametrize("form", ["pipes", "semicolons", "tabs", "anchored pipes"])
def test_a_delimited_table_in_a_text_report_gives_the_key(form: str, tmp_path: Path) -> None:
    header = ["Centro de Responsabilidad Presupuestaria", "Vigente", "Devengado", "% Ejecución"]
    rows = [header, *map(list, BUDGET)]
    if form == "pipes":
        table = ["| " + " | ".join(r) + " |" for r in rows]
        table.insert(1, "|---|---|---|---|")
    elif form == "anchored pipes":
        table = [" | ".join(r) for r in rows]
        table.insert(1, "--- | --- | --- | ---")
    else:
        table = [(";" if form == "semicolons" else "\t").join(r) for r in rows]
    res = extract_report(_with_budget_as(tmp_path, table), tmp_path, tmp_path / "interim")
    assert res.report["status"] == "ok", res.datasets["anomalias"]
    assert differences(res.report_id, res.datasets) == {}
    assert res.datasets["presupuesto"][0]["codificado_usd"] == D("1913418.00")


def test_prose_with_a_pipe_above_a_page_rule_is_not_a_table() -> None:
    texts = ["Cifras acumuladas en USD | Fuente: Dirección Nacional", "---", "| a | b |", "| 1 | 2 |"]
    found = blocks(texts)
    assert [b.start for b in found] == [2]


@pytest.mark.parametrize(("text", "joined"), [
    ("Total 1\u00a0996\u00a0585,00 y 52,80%", "Total 1996585,00 y 52,80%"),
    ("USD 26\u202f945\u202f656,69", "USD 26945656,69"),
    ("2024\u00a0500", "2024500"),  # a group of three after any digits
    ("2024\u00a012", "2024\u00a012"),  # not a group of three: kept
    ("Sector\u00a0privado", "Sector\u00a0privado"),
    ("1 996 585", "1 996 585"),  # plain spaces may part two cells: kept
])
def test_digit_groups_apart_by_no_break_spaces_are_one_number(text: str, joined: str) -> None:
    assert join_digit_groups(text) == joined


def test_rows_of_a_markdown_table_point_at_their_lines(tmp_path: Path) -> None:
    path = Path(__file__).parent / "data" / "extractors" / "markdown" / "iess-nacional-2024.md"
    res = extract_report(path, tmp_path, tmp_path / "interim")
    lines = path.read_text(encoding="utf-8").split("\n")
    for dataset, column in (("afiliados", "tipo_afiliado"), ("presupuesto", "unidad"),
                            ("contratacion", "tipo_contratacion")):
        for row in res.datasets[dataset]:
            assert row["source_page"] is None
            printed = lines[row["source_line"] - 1]
            assert printed.startswith("|") and row[column].split()[0] in printed, (dataset, row)
