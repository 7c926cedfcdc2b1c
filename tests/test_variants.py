"""Layouts and wordings the samples do not show: the parsers read header words and headings,
not the sample reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import RAW
from pdfgen import report_pdf

from extract.identify import NotAReport, identify
from extract.model import Line
from extract.report import extract_report
from extract.sections import detect

D = Decimal
NAT_TXT = (RAW / "iess-nacional-2024.txt").read_text("utf-8")
LOJA_TXT = (RAW / "iess-loja-2024.txt").read_text("utf-8")


def _lines(text: str) -> list[Line]:
    return [Line(t, None, i + 1) for i, t in enumerate(text.splitlines())]


def _run(tmp: Path, name: str, text: str) -> dict:
    path = tmp / name
    path.write_text(text, "utf-8")
    res = extract_report(path, tmp, tmp / "interim")
    assert not res.failed, res.error
    return {"id": res.report_id, **res.datasets}


@pytest.mark.parametrize(("text", "expected"), [
    ("Informe de Rendición de Cuentas 2023. IESS Dirección Provincial de Santo Domingo de los "
     "Tsáchilas.", ("provincial", "Santo Domingo de los Tsáchilas", 2023, "iess-santo-domingo-de-los-tsachilas-2023")),
    ("Rendición de Cuentas 2024 de la Dirección Provincial del IESS Santo Domingo. El Director Provincial...",
     ("provincial", "Santo Domingo de los Tsáchilas", 2024, "iess-santo-domingo-de-los-tsachilas-2024")),
    ("IESS. Rendición de cuentas del periodo fiscal 2022. La Coordinación Provincial de El Oro ...",
     ("provincial", "El Oro", 2022, "iess-el-oro-2022")),
    ("Instituto Ecuatoriano de Seguridad Social: Informe de Rendición de Cuentas 2025, a nivel nacional.",
     ("nacional", None, 2025, "iess-nacional-2025")),
    ("INFORME DE RENDICIÓN DE CUENTAS 2024 DEL IESS. CADA DIRECCIÓN PROVINCIAL ACTUALICE EN EL PORTAL WEB "
     "EL FORMULARIO. LA DIRECCIÓN PROVINCIAL DE MANABÍ ... EL DIRECTOR PROVINCIAL",
     ("provincial", "Manabí", 2024, "iess-manabi-2024")),  # upper case: a verb after the office is no name
])
def test_identify_from_content(text: str, expected: tuple) -> None:
    ident = identify(text)
    assert (ident.ambito, ident.provincia, ident.anio_fiscal, ident.report_id) == expected


def test_identify_refuses_other_documents() -> None:
    with pytest.raises(NotAReport):
        identify("Menú del día: sopa, seco de pollo. Año 2024.")


def test_sections_tolerate_a_skipped_number_and_ignore_lists() -> None:
    text = "\n".join([
        "Resumen Ejecutivo", "Texto con 1.977 eventos y 2.542.568 atenciones.",
        "1. Cobertura", "2. Logros", "1. Primer punto de una lista", "2. Segundo punto de una lista",
        "3.1 Afiliación", "3.3 Pensiones", "5. Presupuesto", "6.1 Contratación",
    ])
    secs = detect(_lines(text))
    assert [(s.numero, s.titulo) for s in secs] == [
        (None, "Resumen Ejecutivo"), ("1", "Cobertura"), ("2", "Logros"), ("3.1", "Afiliación"),
        ("3.3", "Pensiones"), ("5", "Presupuesto"), ("6.1", "Contratación")]


def test_headings_with_other_separators() -> None:
    secs = detect(_lines("1.- COBERTURA INSTITUCIONAL\nTexto del informe.\n2) Logros alcanzados\n"
                         "2.1.- Afiliación\n3 - Presupuesto"))
    assert [(s.numero, s.titulo, s.nivel) for s in secs] == [
        ("1", "COBERTURA INSTITUCIONAL", 1), ("2", "Logros alcanzados", 1), ("2.1", "Afiliación", 2),
        ("3", "Presupuesto", 1)]


def test_header_synonyms_in_text_input(tmp_path: Path) -> None:
    text = LOJA_TXT.replace("Vigente", "Codificado").replace("Número \n\nTotal", "Cantidad")
    data = _run(tmp_path, "variante.txt", text)
    assert len(data["presupuesto"]) == 5 and data["presupuesto"][0]["codificado_usd"] == D("1913418.00")
    assert [r["procesos"] for r in data["contratacion"]] == [43, 2, 2, 1, 1, 76, 1]


def test_another_year_and_currency_signs_in_cells(tmp_path: Path) -> None:
    text = NAT_TXT.replace("2023", "2022").replace("2024", "2023")
    text = text.replace("Ínfima Cuantía 18.779       14.017.982,17", "Ínfima Cuantía 18.779 $ 14.017.982,17")
    data = _run(tmp_path, "anterior.txt", text)
    assert data["id"] == "iess-nacional-2023"
    assert {r["anio"] for r in data["afiliados"]} == {2022, 2023}
    infima = [r for r in data["contratacion"] if r["tipo_contratacion"] == "Ínfima Cuantía"]
    assert infima[0]["valor_usd"] == D("14017982.17")


def test_budget_with_a_separate_code_column(tmp_path: Path) -> None:
    rows = [["Código", "Unidad", "Codificado", "Devengado", "% Ejecución"],
            ["211", "Fondo Pensiones", "1.000,00", "500,00", "50%"],
            ["215", "Fondo Salud", "2.000,00", "1.500,00", "75%"]]
    pdf = report_pdf(tmp_path / "c.pdf", "4. Ejecución presupuestaria", rows)
    res = extract_report(pdf, tmp_path, tmp_path / "interim")
    assert [(r["codigo"], r["unidad"], r["devengado_usd"]) for r in res.datasets["presupuesto"]] == [
        ("211", "Fondo Pensiones", D("500.00")), ("215", "Fondo Salud", D("1500.00"))]


def test_a_national_report_naming_a_provincial_office_stays_national() -> None:
    text = NAT_TXT + ("\nRecomendación a la Dirección Provincial de Pichincha del IESS y a la "
                      "Dirección Provincial de Guayas.\n")
    assert identify(text).report_id == "iess-nacional-2024"


def test_a_failing_strategy_costs_only_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from extract.tables import pdf as pdf_strategies
    from extract.tables.text import TextRows

    def boom(*args, **kwargs):
        raise RuntimeError("camelot could not read this page")

    monkeypatch.setattr(pdf_strategies, "camelot_read", boom)
    monkeypatch.setattr(TextRows, "find", lambda *a, **k: None)  # force the PDF strategies
    res = extract_report(RAW / "iess-loja-2024.pdf", tmp_path, tmp_path / "interim")
    assert not res.failed
    problems = [a["problem"] for a in res.datasets["anomalias"] if a["dataset"] == "presupuesto"]
    assert any("camelot-lattice failed: RuntimeError" in p for p in problems)
    # the next strategy in line reads the table
    assert {r["extraction_method"] for r in res.datasets["presupuesto"]} == {"pdfplumber"}
    assert len(res.datasets["presupuesto"]) == 5 and res.report["status"] == "ok"


def test_a_page_break_between_a_group_label_and_its_rows(tmp_path: Path) -> None:
    text = NAT_TXT.replace("Régimen Especial \nVoluntario \n", "Régimen Especial \nVoluntario \n\f12\n", 1)
    assert "\f12" in text
    data = _run(tmp_path, "salto.txt", text)
    groups = {r["tipo_afiliado"]: r["sector"] for r in data["afiliados"]}
    assert groups["Voluntarios en el Ecuador"] == "Régimen Especial Voluntario"


SINGLE_YEAR = """Informe de Rendición de Cuentas 2023
Instituto Ecuatoriano de Seguridad Social - Dirección Provincial de Azuay
Resumen Ejecutivo
El Director Provincial presenta la gestión del periodo fiscal 2023.
1. Prestaciones de pensiones
Prestación Número de beneficiarios Valor pagado
Vejez 1.700 2.263.037,81
Montepío 508 2.152.156,19
Auxilio de funerales 581 300.000,00
Total 2.789 4.715.194,00
Fuente: Coordinación Provincial de Prestaciones
"""


def _single_year_checks(data: dict) -> None:
    assert data["id"] == "iess-azuay-2023"
    assert [(r["prestacion"], r["anio"], r["pensionistas"]) for r in data["pensionistas"]] == [
        ("Vejez", 2023, 1700), ("Montepío", 2023, 508), ("Auxilio de funerales", 2023, 581)]
    assert [(r["prestacion"], r["anio"], r["monto_usd"]) for r in data["pensiones_montos"]] == [
        ("Vejez", 2023, D("2263037.81")), ("Montepío", 2023, D("2152156.19")),
        ("Auxilio de funerales", 2023, D("300000.00"))]
    totals = {(t["dataset"], t["medida"], t["anio"]): t["valor"] for t in data["totales"]}
    assert totals[("pensionistas", "pensionistas", 2023)] == D("2789")
    assert totals[("pensiones_montos", "monto_usd", 2023)] == D("4715194.00")


def test_a_single_year_table_is_of_the_fiscal_year(tmp_path: Path) -> None:
    _single_year_checks(_run(tmp_path, "azuay.txt", SINGLE_YEAR))


def test_a_single_year_table_in_a_pdf(tmp_path: Path) -> None:
    rows = [r.rsplit(" ", 2) for r in SINGLE_YEAR.splitlines()[6:10]]
    rows = [["Prestación", "Número de beneficiarios", "Valor pagado"], *rows]
    pdf = report_pdf(tmp_path / "azuay.pdf", "1. Prestaciones de pensiones", rows)
    res = extract_report(pdf, tmp_path, tmp_path / "interim")
    assert not res.failed, res.error
    _single_year_checks({"id": res.report_id, **res.datasets})


def test_headings_in_other_styles_number_in_arabic() -> None:
    secs = detect(_lines("\n".join([
        "INTRODUCCIÓN", "Texto.", "I. COBERTURA INSTITUCIONAL", "1.1. Afiliados activos",
        "II.- PRINCIPALES DATOS", "Capítulo 3. Políticas públicas", "IV) LOGROS ALCANZADOS",
        "I want to be a heading", "1.977 eventos en territorio", "VI. EJECUCIÓN PROGRAMÁTICA Y PRESUPUESTARIA DEL",
        "GASTO", "Capítulo VII: Contratación",
    ])))
    assert [(s.numero, s.titulo, s.nivel) for s in secs] == [
        (None, "INTRODUCCIÓN", 1), ("1", "COBERTURA INSTITUCIONAL", 1), ("1.1", "Afiliados activos", 2),
        ("2", "PRINCIPALES DATOS", 1), ("3", "Políticas públicas", 1), ("4", "LOGROS ALCANZADOS", 1),
        ("6", "EJECUCIÓN PROGRAMÁTICA Y PRESUPUESTARIA DEL GASTO", 1), ("7", "Contratación", 1)]


def test_unknown_header_words_are_named_and_never_part_of_a_label(tmp_path: Path) -> None:
    from extract.tables.spec import load_specs

    unknown = "zorvandel"  # made up: a real word (`modalidad`) may be added to a spec one day
    assert not any(s.knows(unknown) for s in load_specs())
    header = "TIPO DE \n\nCONTRATACIÓN \n\nNúmero \n\nTotal  \n\nValor \n\nTotal \n"
    assert header in LOJA_TXT
    text = LOJA_TXT.replace(header, f"{unknown.capitalize()} \n\nN.º de procesos \n\nMonto adjudicado (USD) \n")
    data = _run(tmp_path, "desconocida.txt", text)
    rows = [(r["tipo_contratacion"], r["procesos"]) for r in data["contratacion"]]
    assert rows[0] == ("Ínfima Cuantía", 43) and len(rows) == 7
    named = [a for a in data["anomalias"] if a["dataset"] == "contratacion"
             and f"header words no spec knows: {unknown}" in a["problem"]]
    assert len(named) == 1
    header_line = 1 + text.splitlines().index(f"{unknown.capitalize()} ")
    assert named[0]["location"] == f"line {header_line}"  # the header's line, not the first row's


def test_a_header_line_no_spec_knows_above_the_first_row_is_doubtful_never_glued(tmp_path: Path) -> None:
    """`Importe` for the amount, on its own line above the first row: a header word or the first
    part of a wrapped label, nothing tells which; the table is doubtful, its rows withheld,
    never published with `Importe Ínfima Cuantía` as a label."""
    header = "TIPO DE \n\nCONTRATACIÓN \n\nNúmero \n\nTotal  \n\nValor \n\nTotal \n"
    text = LOJA_TXT.replace(header, "TIPO DE CONTRATACIÓN \n\nNúmero Total \n\nImporte \n")
    data = _run(tmp_path, "importe.txt", text)
    assert data["contratacion"] == []
    table = next(t for t in data["tablas"] if t["dataset"] == "contratacion")
    assert table["status"] == "doubtful" and "'Importe' may be header words" in table["reason"]
    assert any("doubtful" in a["problem"] for a in data["anomalias"] if a["dataset"] == "contratacion")


def test_a_column_named_in_words_no_spec_knows_is_read_by_its_values(tmp_path: Path) -> None:
    """`Importe` for the amount, in the header's line: the header names the count, the values
    (cents) the amount; the word is named for a maintainer to add."""
    header = "TIPO DE \n\nCONTRATACIÓN \n\nNúmero \n\nTotal  \n\nValor \n\nTotal \n"
    text = LOJA_TXT.replace(header, "TIPO DE CONTRATACIÓN \n\nNúmero Total   Importe \n")
    data = _run(tmp_path, "importe.txt", text)
    rows = [(r["tipo_contratacion"], r["procesos"], r["valor_usd"]) for r in data["contratacion"]]
    assert rows[0] == ("Ínfima Cuantía", 43, Decimal("109787.52")) and len(rows) == 7
    problems = [a["problem"] for a in data["anomalias"] if a["dataset"] == "contratacion"]
    assert any("header words no spec knows: importe" in p for p in problems)


def test_a_table_not_found_says_what_its_header_lacks(tmp_path: Path) -> None:
    header = "TIPO DE \n\nCONTRATACIÓN \n\nNúmero \n\nTotal  \n\nValor \n\nTotal \n"
    text = LOJA_TXT.replace(header, "TIPO DE CONTRATACIÓN \n\nZorvandel \n\nImporte \n")
    data = _run(tmp_path, "importe.txt", text)
    assert data["contratacion"] == []
    problem = next(a["problem"] for a in data["anomalias"] if a["dataset"] == "contratacion")
    assert "header seen: 'TIPO DE CONTRATACIÓN" in problem
    assert {"procesos", "valor_usd"} <= set(problem.split("missing:")[1].replace(",", " ").split())


def test_a_budget_table_cut_before_its_total_is_an_anomaly(tmp_path: Path) -> None:
    cut = LOJA_TXT.split("Total general", 1)
    assert len(cut) == 2
    text = cut[0] + "\n7. Enajenación de bienes" + cut[1].split("7. Enajenación de bienes", 1)[1]
    data = _run(tmp_path, "cortado.txt", text)
    assert len(data["presupuesto"]) == 5
    problems = [a["problem"] for a in data["anomalias"] if a["dataset"] == "presupuesto"]
    assert any("without its total row" in p for p in problems)


def test_a_misspelt_spec_key_is_an_error_naming_it() -> None:
    from extract.tables.spec import SpecError, TableSpec

    with pytest.raises(SpecError, match="^specs/table-presupuesto.toml: unknown key.*header_word\\b"):
        TableSpec.from_dict("presupuesto", {"dataset": "presupuesto", "label": "unidad", "header_word": []})
    with pytest.raises(SpecError, match="^specs/table-presupuesto.toml: .*columns\\[0\\].mach"):
        TableSpec.from_dict("presupuesto", {"dataset": "presupuesto", "label": "unidad",
                                            "columns": [{"field": "x", "kind": "money", "mach": []}]})


@pytest.mark.parametrize(("key", "value", "named"), [
    ("end", ["fuente:", "(sin cerrar"], "end: '\\(sin cerrar'"),
    ("sections", ["presupuesto["], "sections: 'presupuesto\\['"),
    ("none", ["*no hubo"], "none: '\\*no hubo'"),
    ("spans", {"field": "estado", "values": {"adjudicado": "adjudicad(o"}}, "spans.values: 'adjudicad\\(o'"),
    ("label_code", {"field": "codigo", "pattern": "(?P<code>\\d+)"}, "label_code.pattern needs the groups"),
    ("header", ["codificad[o"], "header: 'codificad\\[o'"),
    ("columns", [{"field": "x", "kind": "money", "match": ["devengad(o"]}], "columns\\[0\\].match: 'devengad\\(o'"),
])
def test_a_spec_pattern_that_cannot_be_used_is_an_error_on_load(key: str, value: object, named: str) -> None:
    """Patterns are compiled when the specs load: a broken one names its file and key there,
    instead of failing inside every report's extraction."""
    from extract.tables.spec import SpecError, TableSpec

    with pytest.raises(SpecError, match=f"^specs/table-presupuesto.toml: {named}"):
        TableSpec.from_dict("presupuesto", {"dataset": "presupuesto", "label": "unidad", key: value})


def test_labels_centred_on_their_values_in_text_read_down_the_page() -> None:
    from extract.model import Sink
    from extract.tables.spec import load_specs
    from extract.tables.text import TextRows

    spec = next(s for s in load_specs() if s.name == "presupuesto")
    text = "\n".join([
        "Unidad Codificado Devengado % Ejecución",
        "Administradora Dirección", "1.913.418,00 1.665.326,91 87%", "Provincial de Loja",
        "Coordinación del Seguro de", "68.442.917,08 49.121.501,34 72%", "Salud",
        "Fondo Riesgos de Trabajo 184.760,01 167.810,98 91%",
        "Total general 70.541.095,09 50.954.639,23",
    ])
    table = TextRows().find(spec, _lines(text), Sink("x"))
    assert table is not None
    assert [r.label for r in table.rows] == [
        "Administradora Dirección Provincial de Loja", "Coordinación del Seguro de Salud",
        "Fondo Riesgos de Trabajo", "Total general"]


def test_no_data_cells_are_null_and_said(tmp_path: Path) -> None:
    from answer_key import DATA

    res = extract_report(DATA / "variants" / "iess-tungurahua-2024.txt", tmp_path, tmp_path / "interim")
    artistas = next(r for r in res.datasets["afiliados"] if r["tipo_afiliado"] == "Artistas y gestores cultura")
    assert artistas["afiliados"] is None
    assert [a["problem"] for a in res.datasets["anomalias"]] == ["afiliados printed as 's/d' (no data): null"]


def _spec(name: str):
    from extract.tables.spec import load_specs

    return next(s for s in load_specs() if s.name == name)


def test_a_grouped_header_read_line_by_line_gives_each_group_its_columns() -> None:
    from extract.tables.roles import assign, text_hints

    spec = _spec("contratacion")
    header = ("ESTADO ACTUAL Adjudicados Finalizados TIPO DE CONTRATACIÓN "
              "Número Número Valor Total Valor Total Total Total")
    rows = [["18.779", "14.017.982,17", "18.779", "14.017.982,17"], ["4", "10.891.477,37", "0", "-"]]
    columns = [(c.field, c.span) for c in assign(spec, rows, text_hints(spec, header, len(rows[0]))).columns]
    assert columns == [("procesos", "adjudicado"), ("valor_usd", "adjudicado"),
                       ("procesos", "finalizado"), ("valor_usd", "finalizado")]


def test_header_cells_out_of_order_are_put_back_by_the_change_between_years() -> None:
    from extract.tables.header_words import header_key
    from extract.tables.roles import assign, text_hints

    spec = _spec("pensiones_montos")
    header = ("Monto Monto Variación Montos de % Participación Seguro acumulado acumulado interanual "
              "pensiones sobre el total Dic-2023 Dic-2024 absoluta")
    assert spec.header_named(header_key(header))
    rows = [["4.624.154.855", "5.033.176.595", "409.021.740", "79,34%"],
            ["128.889.939", "145.632.249", "16.742.311", "2,30%"]]
    columns = [(c.field, c.year) for c in assign(spec, rows, text_hints(spec, header, len(rows[0]))).columns]
    assert columns == [("monto_usd", 2023), ("monto_usd", 2024), ("variacion", None), ("participacion_pct", None)]


def test_checks_of_a_spec() -> None:
    from extract.tables.checks import Check
    from extract.tables.spec import SpecError, TableSpec

    change = Check.parse("variacion ~ monto_usd[-1] - monto_usd[0]")
    assert change.holds({"variacion": Decimal(16742311), "monto_usd[-1]": Decimal(145632249),
                         "monto_usd[0]": Decimal(128889939)})  # rounded separately: one unit off
    assert not change.holds({"variacion": Decimal(-16742311), "monto_usd[-1]": Decimal(145632249),
                             "monto_usd[0]": Decimal(128889939)})
    share = Check.parse("p ~ a / b * 100")
    assert share.holds({"p": Decimal("50.2"), "a": Decimal(1), "b": Decimal(2)})
    assert not share.holds({"p": Decimal("51"), "a": Decimal(1), "b": Decimal(2)})
    assert Check.parse("a <= b").holds({"a": Decimal(1), "b": Decimal(1)})
    with pytest.raises(ValueError, match="^check 'a < b' is not"):
        Check.parse("a < b")
    with pytest.raises(SpecError, match="^specs/table-x.toml: check 'a < b' is not"):
        TableSpec.from_dict("x", {"dataset": "presupuesto", "label": "unidad", "checks": ["a < b"]})


def test_group_and_label_on_one_line_are_cut_by_case() -> None:
    from extract.tables.merged import cut

    assert cut("Con relación de Sector privado") == ("Con relación de", "Sector privado")
    assert cut("dependencia Sector público") == ("dependencia", "Sector público")
    assert cut("Régimen Especial Voluntarios en el") == ("Régimen Especial", "Voluntarios en el")
    assert cut("Régimen Especial Voluntarios en el Ecuador") == ("Régimen Especial", "Voluntarios en el Ecuador")
    assert cut("remunerado del") == ("", "remunerado del")  # a label's continuation
    assert cut("Jefes de familia SSC") == ("", "Jefes de familia SSC")  # an acronym is no label's start


def test_a_group_label_wrapped_over_rows_is_one_group() -> None:
    """`Sin relación de` / `dependencia` in the group cells of two rows (a label wrapped, or cut
    by a page break), and its last part repeated on the rows it spans (cells filled down)."""
    from extract.tables.grid import Grid, read_grids
    from extract.tables.spec import load_specs

    cells = [["Sector", "Tipo de afiliado", "Afiliados activos a diciembre 2024"],
             ["Sin relación de", "Independientes", "10"], ["dependencia", "Pasantes", "5"],
             ["dependencia", "Artistas", "3"], ["Semicontributivos", "Jefes de familia", "7"],
             ["Total", "", "25"]]
    spec = next(s for s in load_specs() if s.dataset == "afiliados")
    table = read_grids(spec, [Grid(cells, 1)], "test")
    assert table is not None
    assert [(r.group, r.label) for r in table.rows if not r.total] == [
        ("Sin relación de dependencia", "Independientes"), ("Sin relación de dependencia", "Pasantes"),
        ("Sin relación de dependencia", "Artistas"), ("Semicontributivos", "Jefes de familia")]


def test_records_side_by_side_take_a_bare_count_where_a_date_was_due() -> None:
    """`… DPT-2024-2627-M del 4`, the document's date on the next line: 4 is the count; a year
    where a date was due is not; a name a narrow cell broke mid-word is one name."""
    from extract.tables.records import _Cutter
    from extract.tables.spec import load_specs

    spec = next(s for s in load_specs() if s.name == "recomendaciones-detalle")
    assert spec.records is not None
    cut = _Cutter(spec.records)
    assert cut.parts("CONTRALORÍA   DEPENDENCIAS RELACIONADAS; Y,   MEMORANDO Nro. IESS-").count is None
    second = cut.parts("GENERAL DEL   A LOS PROCESOS   DPT-2024-2627-M del        4")
    assert (second.count, second.document) == ("4", "DPT-2024-2627-M del")
    assert cut.parts("ESTADO   PRECONTRACTUAL, CONTRACTUAL,   24/09/2024").document == "24/09/2024"
    cut = _Cutter(spec.records)
    cut.parts("REGISTRO DE LA MORA PATRONAL;   Memorando Nro. IESS-")
    assert cut.parts("AL 31 DE DICIEMBRE DE 2020").count is None
    assert cut.parts("SUPERINTENDEN").name == "SUPERINTENDEN"
    assert cut.parts("CIA DE BANCOS").name == "CIA DE BANCOS"
