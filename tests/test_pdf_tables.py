"""PDF layouts the samples do not show: borderless, split across pages, multi-row headers,
header synonyms. Each test builds its PDF with reportlab."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import RAW
from pdfgen import report_pdf

from extract.ingest import ingest
from extract.model import Sink
from extract.report import extract_report
from extract.sections import detect
from extract.tables import pdf as pdf_strategies
from extract.tables.find import find_tables, section_ranges, strategies_for
from extract.tables.spec import load_specs

D = Decimal


def _extract(path: Path, tmp: Path) -> dict:
    res = extract_report(path, tmp, tmp / "interim")
    assert not res.failed, res.error
    assert res.report_id == "iess-azuay-2023"
    return res.datasets


def test_borderless_budget_with_synonyms(tmp_path: Path) -> None:
    rows = [["Unidad", "Vigente", "Devengado", "% Ejecución"],
            ["Coordinación de Salud", "1.200.000,50", "900.000,25", "75%"],
            ["Fondo Campesino", "300.000,00", "150.000,00", "50%"],
            ["Total general", "1.500.000,50", "1.050.000,25", "70%"]]
    pdf = report_pdf(tmp_path / "a.pdf", "5. Ejecución presupuestaria", rows, ruled=False)
    data = _extract(pdf, tmp_path)
    got = [(r["unidad"], r["codificado_usd"], r["devengado_usd"], r["ejecucion_pct"])
           for r in data["presupuesto"]]
    assert got == [("Coordinación de Salud", D("1200000.50"), D("900000.25"), D("75.00")),
                   ("Fondo Campesino", D("300000.00"), D("150000.00"), D("50.00"))]
    assert [t["valor"] for t in data["totales"]][:2] == [D("1500000.50"), D("1050000.25")]
    # the stream strategy alone reads it the same way (lattice finds no ruled table)
    doc = ingest(pdf)
    region = [ln for ln in doc.lines if ln.page == 1]
    spec = next(s for s in load_specs() if s.dataset == "presupuesto")
    assert pdf_strategies.CamelotLattice(pdf).find(spec, region, Sink("x")) is None
    stream = pdf_strategies.CamelotStream(pdf).find(spec, region, Sink("x"))
    assert stream.method == "camelot-stream"
    assert [(r.label, r.values) for r in stream.rows if not r.total] == [
        ("Coordinación de Salud", ["1.200.000,50", "900.000,25", "75%"]),
        ("Fondo Campesino", ["300.000,00", "150.000,00", "50%"])]


def test_table_split_across_pages_comes_out_whole(tmp_path: Path) -> None:
    body = [["Privado" if i < 30 else "Público", f"Tipo {i}", f"{1000 + i}", f"{2000 + i}"] for i in range(60)]
    rows = [["Sector", "Tipos de afiliados", "2022", "2023"], *body,
            ["Totales", "", f"{sum(1000 + i for i in range(60)):,}".replace(",", "."),
             f"{sum(2000 + i for i in range(60)):,}".replace(",", ".")]]
    pdf = report_pdf(tmp_path / "b.pdf", "1. Afiliados activos", rows, filler=25)
    data = _extract(pdf, tmp_path)
    af = data["afiliados"]
    assert len(af) == 120
    pages = sorted({r["source_page"] for r in af})
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1))
    got = {(r["sector"], r["tipo_afiliado"], r["anio"], r["afiliados"]) for r in af}
    assert ("Público", "Tipo 59", 2023, 2059) in got and ("Privado", "Tipo 0", 2022, 1000) in got
    assert {r["extraction_method"] for r in af} == {"camelot-lattice"}
    assert not any(r["tipo_afiliado"] == "Tipos de afiliados" for r in af)  # repeated header dropped


def test_multi_row_header_and_group_fill_down(tmp_path: Path) -> None:
    rows = [["Seguro", "Montos de pensiones", "Monto acumulado", "Monto acumulado"],
            ["", "", "Dic-2022", "Dic-2023"],
            ["General (IVM)", "Vejez", "1.000,00", "1.100,00"],
            ["", "Montepío", "500,00", "550,00"],
            ["Campesino", "Vejez", "200,00", "210,00"],
            ["Total prestaciones", "", "1.700,00", "1.860,00"]]
    pdf = report_pdf(tmp_path / "c.pdf", "2. Montos pagados por pensiones", rows, header_rows=2)
    data = _extract(pdf, tmp_path)
    got = {(r["seguro"], r["prestacion"], r["anio"], r["monto_usd"]) for r in data["pensiones_montos"]}
    assert got == {("General (IVM)", "Vejez", 2022, D("1000.00")), ("General (IVM)", "Vejez", 2023, D("1100.00")),
                   ("General (IVM)", "Montepío", 2022, D("500.00")), ("General (IVM)", "Montepío", 2023, D("550.00")),
                   ("Campesino", "Vejez", 2022, D("200.00")), ("Campesino", "Vejez", 2023, D("210.00"))}


def test_header_synonyms_cantidad_and_monto_total(tmp_path: Path) -> None:
    rows = [["Tipo de contratación", "Cantidad", "Monto Total"],
            ["Ínfima Cuantía", "10", "5.000,00"],
            ["Catálogo Electrónico", "3", "1.234,56"]]
    pdf = report_pdf(tmp_path / "d.pdf", "6. Procesos de contratación pública", rows)
    data = _extract(pdf, tmp_path)
    assert [(r["tipo_contratacion"], r["procesos"], r["valor_usd"]) for r in data["contratacion"]] == [
        ("Ínfima Cuantía", 10, D("5000.00")), ("Catálogo Electrónico", 3, D("1234.56"))]


def test_missing_table_is_an_anomaly_and_report_is_partial(tmp_path: Path) -> None:
    rows = [["Sin", "datos"], ["nada", "que ver"]]
    pdf = report_pdf(tmp_path / "e.pdf", "5. Ejecución presupuestaria", rows)
    res = extract_report(pdf, tmp_path, tmp_path / "interim")
    assert res.report["status"] == "partial"
    problems = [a for a in res.datasets["anomalias"] if a["dataset"] == "presupuesto"]
    assert problems and "camelot-lattice" in problems[0]["problem"] and problems[0]["location"] == "page 1"


def test_camelot_reads_only_table_section_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, str]] = []
    reads: list[str] = []
    real = pdf_strategies.camelot_read

    def counting(path: Path, pages: list[int], flavor: str):
        calls.extend((p, flavor) for p in pages)
        reads.append(flavor)
        return real(path, pages, flavor)

    monkeypatch.setattr(pdf_strategies, "camelot_read", counting)
    doc = ingest(RAW / "iess-nacional-2024.pdf")
    secs = detect(doc.lines)
    order = {"rows": ["camelot-lattice", "camelot-stream", "text-aligned-rows"], "records": ["text-aligned-records"]}
    found = find_tables(doc, secs, Sink(doc.report_id), strategies_for(doc, order))
    assert all(f.table and f.table.method == "camelot-lattice" for f in found if f.table)
    table_pages = {p for s in secs for spec in load_specs() if section_ranges(spec, [s])
                   for p in range(s.start_page, doc.lines[s.end - 1].page + 1)}
    pages = {p for p, _ in calls}
    assert pages and pages <= table_pages and len(pages) < doc.pages / 2
    assert len(calls) == len(set(calls))  # each page read once per flavor
    assert {f for _, f in calls} == {"lattice"}  # ruled tables fit: stream never needed
    assert len(reads) <= len(found)  # one camelot read per table at most, not one per page
    # only the pages the tables are on: a section's pages before the one that carries the
    # table's header words are not read (contratación starts on 16, its table is on 17)
    assert pages == {p for f in found if f.table for p in f.table.pages}


def test_default_order_runs_no_camelot_when_the_text_layer_fits(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    calls: list[int] = []
    monkeypatch.setattr(pdf_strategies, "camelot_read", lambda *a: calls.append(1) or [])
    res = extract_report(RAW / "iess-loja-2024.pdf", tmp_path, tmp_path / "interim")
    assert not res.failed and calls == []
    assert {r["extraction_method"] for r in res.datasets["presupuesto"]} == {"text-aligned"}


def test_borderless_table_with_wrapped_labels(tmp_path: Path) -> None:
    rows = [["Tipo de contratación", "Número Total", "Valor Total"],
            ["Menor Cuantía de Bienes, Servicios y Obras de la Coordinación Provincial", "82", "3.116.329,25"],
            ["Subasta Inversa Electrónica", "2", "89.271,00"]]
    pdf = report_pdf(tmp_path / "f.pdf", "6. Procesos de contratación pública", rows, ruled=False,
                     col_widths=[150, 80, 90])
    data = _extract(pdf, tmp_path)
    assert [(r["tipo_contratacion"], r["procesos"]) for r in data["contratacion"]] == [
        ("Menor Cuantía de Bienes, Servicios y Obras de la Coordinación Provincial", 82),
        ("Subasta Inversa Electrónica", 2)]


def test_running_page_headers_do_not_leak_into_labels(tmp_path: Path) -> None:
    body = [[f"Proceso número {i}", f"{i + 1}", f"{(i + 1) * 10},00"] for i in range(70)]
    rows = [["Tipo de contratación", "Número Total", "Valor Total"], *body]
    pdf = report_pdf(tmp_path / "h.pdf", "6. Procesos de contratación pública", rows, filler=30, header_rows=0,
                     running_header="Informe de Rendición de Cuentas - IESS Azuay")
    data = _extract(pdf, tmp_path)
    labels = [r["tipo_contratacion"] for r in data["contratacion"]]
    assert labels == [f"Proceso número {i}" for i in range(70)]
    assert len({r["source_page"] for r in data["contratacion"]}) >= 2
