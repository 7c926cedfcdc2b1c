"""End to end on the sample reports: expected rows per dataset, PDF == text, provenance."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pytest
from conftest import RAW, read

NAT, LOJA = "iess-nacional-2024", "iess-loja-2024"
D = Decimal


def rows(root: Path, dataset: str, report: str, cols: list[str]) -> list[tuple]:
    df = read(root, dataset)
    df = df[df.report_id == report]
    return sorted(tuple(None if pd.isna(v) else v for v in r) for r in df[cols].itertuples(index=False))


def test_reports_identified_from_content(pdf_run: Path) -> None:
    df = read(pdf_run, "reports").set_index("report_id")
    assert df.loc[NAT, "ambito"] == "nacional" and pd.isna(df.loc[NAT, "provincia"])
    assert df.loc[LOJA, "ambito"] == "provincial" and df.loc[LOJA, "provincia"] == "Loja"
    assert set(df.anio_fiscal) == {2024}
    assert set(df.status) == {"ok"}
    assert df.loc[NAT, "pages"] == 17 and df.loc[NAT, "tables_found"] == 7
    assert len(df.loc[NAT, "sha256"]) == 64


def test_afiliados_national(pdf_run: Path) -> None:
    got = rows(pdf_run, "afiliados", NAT, ["sector", "tipo_afiliado", "anio", "afiliados"])
    assert len(got) == 22
    assert ("Con relación de dependencia", "Sector privado", 2024, 2009691) in got
    assert ("Sin relación de dependencia", "Artistas y gestores cultura", 2023, 634) in got
    assert ("Régimen Especial Voluntario", "Voluntarios en el Ecuador", 2024, 208031) in got
    assert ("Régimen Especial Voluntario", "Voluntarios en el exterior", 2023, 19246) in got
    assert ("Semicontributivos", "Trabajo no remunerado del hogar", 2024, 269365) in got
    assert ("Semicontributivos", "Jefes de familia SSC", 2023, 336016) in got
    # the table breaks across pages: rows from both pages, subtotals kept out of the detail
    pages = set(read(pdf_run, "afiliados").query("report_id == @NAT").source_page)
    assert pages == {3, 4}
    assert not any("otal" in r[1] for r in got)


def test_pensionistas_and_montos_national(pdf_run: Path) -> None:
    got = rows(pdf_run, "pensionistas", NAT, ["seguro", "prestacion", "anio", "pensionistas"])
    assert len(got) == 16
    assert ("General (IVM)", "Vejez", 2024, 537944) in got
    assert ("Campesino", "Invalidez", 2023, 315) in got
    assert ("Riesgos del Trabajo", "Montepío", 2024, 7148) in got
    montos = rows(pdf_run, "pensiones_montos", NAT, ["seguro", "prestacion", "anio", "monto_usd"])
    assert len(montos) == 16
    assert ("General (IVM)", "Vejez", 2024, D("5033176595.00")) in montos
    assert ("Riesgos del Trabajo", "Incapacidad", 2023, D("26434021.00")) in montos
    assert ("Riesgos del Trabajo", "Montepío", 2024, D("26806279.00")) in montos


def test_contratacion(pdf_run: Path) -> None:
    nat = rows(pdf_run, "contratacion", NAT, ["tipo_contratacion", "estado", "procesos", "valor_usd"])
    assert len(nat) == 22
    assert ("Ínfima Cuantía", "adjudicado", 18779, D("14017982.17")) in nat
    assert ("Licitación de Bienes y Servicios", "finalizado", 0, D("0.00")) in nat
    assert ("Menor Cuantía de Bienes, Servicios y Obras", "finalizado", 1, D("9000.00")) in nat
    loja = rows(pdf_run, "contratacion", LOJA, ["tipo_contratacion", "estado", "procesos", "valor_usd"])
    assert len(loja) == 7
    assert ("Catálogo Electrónico", None, 76, D("247930.43")) in loja
    assert ("Procedimiento especial", None, 1, D("9333.40")) in loja


def test_presupuesto(pdf_run: Path) -> None:
    cols = ["codigo", "unidad", "codificado_usd", "devengado_usd", "ejecucion_pct"]
    nat = rows(pdf_run, "presupuesto", NAT, cols)
    assert len(nat) == 11
    assert ("211", "Fondo Pensiones", D("6707176994.00"), D("6386921126.00"), D("95.23")) in nat
    assert ("204", "Administradora Pensiones", D("129786954.00"), D("23622469.00"), D("18.20")) in nat
    loja = rows(pdf_run, "presupuesto", LOJA, cols)
    assert len(loja) == 5
    assert (None, "Administradora Dirección Provincial de Loja", D("1913418.00"), D("1665326.91"),
            D("87.00")) in loja


def test_recomendaciones(pdf_run: Path) -> None:
    nat = rows(pdf_run, "recomendaciones", NAT, ["ente_control", "examen", "documento", "recomendaciones"])
    assert nat == [("Auditoría Interna IESS", None, None, 101),
                   ("Contraloría General del Estado", None, None, 589),
                   ("Superintendencia de Bancos", None, None, 18)]
    loja = rows(pdf_run, "recomendaciones", LOJA, ["ente_control", "documento", "recomendaciones", "examen"])
    assert [r[:3] for r in loja] == [
        ("CONTRALORÍA GENERAL DEL ESTADO", "MEMORANDO Nro. IESS-DPL-2024-2627-M del 24/09/2024", 5),
        ("CONTRALORÍA GENERAL DEL ESTADO", "Memorando Nro. IESS-DPL-2024-2620-M del 24/09/2024", 19),
        ("CONTRALORÍA GENERAL DEL ESTADO", "Memorando Nro. IESS-DPL-2024-3786-M del 02/12/2024", 11),
        ("SUPERINTENDENCIA DE BANCOS", "Memorando Nro. IESS-DPL-2024-1124-M del 23/05/2024", 10),
    ]
    # the cell continued on the next page is put back together, without the repeated header
    superint = loja[3][3]
    assert superint.endswith("AL 31 DE DICIEMBRE DE 2020") and "ENTIDAD QUE" not in superint


def test_enajenacion(pdf_run: Path) -> None:
    assert rows(pdf_run, "enajenacion", NAT, ["tipo", "cantidad", "valor_usd"]) == [
        ("Enajenación de Bienes", 2, D("11683.98")), ("Expropiaciones/Donaciones", 18544, D("22150518.79"))]
    assert rows(pdf_run, "enajenacion", LOJA, ["tipo"]) == []  # "No existió enajenación"


def test_totales(pdf_run: Path) -> None:
    got = rows(pdf_run, "totales", NAT, ["dataset", "etiqueta", "medida", "anio", "estado", "valor"])
    assert ("afiliados", "Totales", "afiliados", 2024, None, D("3808136.00")) in got
    assert ("afiliados", "Subtotal semicontributivo", "afiliados", 2023, None, D("635664.00")) in got
    assert ("contratacion", "TOTAL", "valor_usd", None, "finalizado", D("34551953.36")) in got
    assert ("recomendaciones", "Totales", "recomendaciones", None, None, D("708.00")) in got
    loja = rows(pdf_run, "totales", LOJA, ["dataset", "etiqueta", "medida", "valor"])
    assert loja == [("presupuesto", "Total general", "codificado_usd", D("86378986.13")),
                    ("presupuesto", "Total general", "devengado_usd", D("65635069.38"))]


def test_secciones(pdf_run: Path, text_run: Path) -> None:
    nat = read(pdf_run, "secciones").query("report_id == @NAT").sort_values("orden")
    assert list(nat.numero[:5].fillna("-")) == ["-", "-", "1", "1.1", "1.2"]
    assert list(nat.titulo[:4]) == ["Introducción", "Resumen Ejecutivo", "Cobertura Institucional",
                                    "Afiliados activos"]
    assert len(nat) == 34 and set(nat.nivel) == {1, 2}
    loja = read(text_run, "secciones").query("report_id == @LOJA").sort_values("orden")
    assert len(loja) == 10 and loja.start_line.notna().all() and loja.start_page.isna().all()
    assert loja.titulo.iloc[-1].endswith("y de la Procuraduría General del Estado")


def test_money_is_exact_decimal(pdf_run: Path) -> None:
    schema = pads.dataset(pdf_run / "processed" / "presupuesto", partitioning="hive").schema
    assert str(schema.field("codificado_usd").type) == "decimal128(18, 2)"
    assert str(schema.field("ejecucion_pct").type) == "decimal128(7, 2)"


@pytest.mark.parametrize("dataset", ["afiliados", "pensionistas", "pensiones_montos", "contratacion",
                                     "presupuesto", "recomendaciones", "enajenacion", "totales",
                                     "indicadores", "secciones"])
def test_pdf_equals_text(pdf_run: Path, text_run: Path, dataset: str) -> None:
    drop = ["source_file", "source_page", "source_line", "start_page", "start_line",
            "extraction_method"]

    def frame(root: Path) -> pd.DataFrame:
        df = read(root, dataset).drop(columns=drop, errors="ignore").astype(str)
        return df.sort_values(list(df.columns)).reset_index(drop=True)

    pd.testing.assert_frame_equal(frame(pdf_run), frame(text_run))


def test_provenance(pdf_run: Path, text_run: Path) -> None:
    pdf = read(pdf_run, "presupuesto")
    assert pdf.source_page.notna().all() and pdf.source_line.isna().all()
    assert set(pdf.extraction_method) == {"text-aligned"}  # the cheapest strategy fits: no camelot
    assert set(read(pdf_run, "pensiones_montos").source_page) == {7}
    assert set(read(pdf_run, "recomendaciones").query("report_id == @LOJA").source_page) == {10, 11}
    txt = read(text_run, "afiliados").query("report_id == @NAT")
    assert txt.source_line.notna().all() and txt.source_page.isna().all()
    lines = (text_run / "raw" / "iess-nacional-2024.txt").read_text("utf-8").splitlines()
    row = txt.query("tipo_afiliado == 'Sector privado' and anio == 2024").iloc[0]
    assert "2.009.691" in lines[int(row.source_line) - 1]
    assert set(txt.source_file) == {"raw/iess-nacional-2024.txt"}


def test_interim_stage_outputs(text_run: Path) -> None:
    out = text_run / "interim" / NAT / "iess-nacional-2024.txt"
    ingest = json.loads((out / "01-ingest.json").read_text())
    assert ingest["identity"] == {"ambito": "nacional", "provincia": None, "anio_fiscal": 2024}
    secs = json.loads((out / "02-sections.json").read_text())
    assert secs[3]["titulo"] == "Afiliados activos"
    tables = {t["dataset"]: t for t in json.loads((out / "03-tables.json").read_text())}
    assert tables["afiliados"]["rows"][0]["values"] == ["1.996.585", "2.009.691", "13.106", "52,80%"]
    assert "3.782.504" in tables["afiliados"]["skipped"]  # chart label inside the table
    norm = json.loads((out / "04-normalised.json").read_text())
    assert norm["afiliados"][0]["afiliados"] == 1996585


def test_rerun_gives_same_rows(pdf_run: Path, tmp_path: Path) -> None:
    from extract.pipeline import RunOptions, run

    before = {d: read(pdf_run, d) for d in ["afiliados", "totales", "indicadores"]}
    assert run(RunOptions(pdf_run / "raw", pdf_run / "interim", pdf_run / "processed", root=pdf_run)) == 0
    for d, df in before.items():
        pd.testing.assert_frame_equal(read(pdf_run, d), df)


def test_indicadores(pdf_run: Path) -> None:
    got = dict(rows(pdf_run, "indicadores", NAT, ["indicador", "valor"]))
    assert got == {
        "afiliados_total": D("3808136.00"), "pensionistas_total": D("891416.00"),
        "beneficiarios_total": D("7198884.00"), "atenciones_medicas_total": D("16050234.00"),
        "atenciones_prestadores_externos": D("467845.00"),
        "recuperacion_cartera_usd": D("955000000.00"),
        "presupuesto_codificado_usd": D("10358000000.00"),
        "presupuesto_devengado_usd": D("8086000000.00"), "procesos_contratacion_total": D("40678.00"),
    }
    loja = dict(rows(pdf_run, "indicadores", LOJA, ["indicador", "valor"]))
    assert loja == {
        "afiliados_total": D("83132.00"), "afiliados_mujeres": D("49867.00"),
        "afiliados_hombres": D("33265.00"), "inspecciones": D("1130.00"),
        "prestaciones_otorgadas": D("2789.00"), "recuperacion_cartera_usd": D("17575727.94"),
    }
    ev = read(pdf_run, "indicadores").query("indicador == 'inspecciones'").evidencia.iloc[0]
    assert "un total de 1130 inspecciones" in ev


def test_malformed_numbers_become_anomalies(text_run: Path) -> None:
    an = read(text_run, "anomalias").query("report_id == @NAT")
    assert {"8.818.67.9583", "USD 9713.404.565"} <= set(an.raw_text)
    assert an.query("raw_text == '8.818.67.9583'").location.iloc[0].startswith("line ")


@pytest.mark.parametrize("name", ["iess-nacional-2024.pdf", "iess-loja-2024.pdf"])
def test_camelot_lattice_reads_the_same_tables_as_the_text_layer(name: str) -> None:
    from extract.ingest import ingest
    from extract.model import Sink
    from extract.sections import detect
    from extract.tables.find import find_tables, strategies_for

    doc = ingest(RAW / name)
    secs = detect(doc.lines)

    def tables(order: dict) -> dict:
        found = find_tables(doc, secs, Sink(doc.report_id), strategies_for(doc, order))
        return {f.dataset: f.table for f in found if f.table}

    text = tables({"rows": ["text-aligned-rows"], "records": ["text-aligned-records"]})
    lattice = tables({"rows": ["camelot-lattice"], "records": ["camelot-lattice"]})
    assert set(lattice) == set(text)
    for dataset, t in text.items():
        assert lattice[dataset].method == "camelot-lattice"
        if t.spec.endswith("detalle"):  # examination texts: the same records, cell by cell
            assert [(r.label, r.values, r.fields) for r in lattice[dataset].rows] == \
                [(r.label, r.values, r.fields) for r in t.rows]
            continue

        def cells(table) -> list[tuple]:  # a grid keeps an empty cell the text layer has not
            return [(r.group, r.label, [v for v in r.values if v], r.page) for r in table.rows]

        assert cells(lattice[dataset]) == cells(t), dataset


def test_evidence_is_the_sentence_without_headings_or_page_numbers(pdf_run: Path) -> None:
    ev = read(pdf_run, "indicadores").set_index(["report_id", "indicador"]).evidencia
    assert ev[(NAT, "presupuesto_codificado_usd")].startswith("El presupuesto codificado del Instituto")
    assert ev[(NAT, "afiliados_total")].startswith("Como principales resultados")
    assert ev[(NAT, "pensionistas_total")].startswith("El IESS ha garantizado el pago oportuno")
    assert ev[(LOJA, "afiliados_mujeres")] == ("El total de afiliados que tiene el IESS Loja, se dividen de la "
                                               "siguiente manera: género Femenino 49.867 y género Masculino 33.265.")


def test_every_dataset_carries_the_fiscal_year_and_the_versions(pdf_run: Path) -> None:
    import pyarrow.parquet as pq

    from extract import __version__
    from extract.contract import CONTRACT_VERSION, SCHEMAS

    for name in SCHEMAS:
        parts = list((pdf_run / "processed" / name).glob("report_id=*/part-0.parquet"))
        if not parts:
            continue
        meta = pq.read_schema(parts[0]).metadata
        assert meta[b"iess_extract.contract_version"].decode() == CONTRACT_VERSION, name
        assert meta[b"iess_extract.package_version"].decode() == __version__, name
        df = read(pdf_run, name)
        assert set(df.anio_fiscal) == {2024}, name


def test_tablas_says_for_each_expected_table_whether_and_how_it_was_found(pdf_run: Path) -> None:
    df = read(pdf_run, "tablas").set_index(["report_id", "dataset"])
    assert len(df) == 2 * 7
    nat = df.loc[NAT]
    assert set(nat.status) == {"found"} and nat.loc["afiliados", "pages"] == "3, 4"
    assert nat.loc["afiliados", "rows"] == 14 and nat.loc["afiliados", "fit"] > 0
    loja = df.loc[LOJA]
    assert loja.loc["enajenacion", "status"] == "stated_none"
    assert loja.loc["afiliados", "status"] == "no_section" and pd.isna(loja.loc["afiliados", "method"])
    assert loja.loc["presupuesto", "status"] == "found" and "Devengado" in loja.loc["presupuesto", "header"]
