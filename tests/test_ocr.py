"""Scanned reports: pages without a text layer are read by OCR (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_key import DATA, cells_matched
from scans import mixed_pdf, page_of

from extract import ingest as ingest_module
from extract.model import Word
from extract.report import extract_report
from extract.wordlines import layout_lines

pytest.importorskip("tesserocr", reason="the `ocr` extra is not installed")

SCAN = DATA / "scanned" / "iess-loja-2024-scanned.pdf"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("scan")
    return extract_report(SCAN, tmp, tmp / "interim")


def test_a_scanned_report_yields_its_answer_key(scanned) -> None:
    assert not scanned.failed, scanned.error
    found, total = cells_matched("iess-loja-2024", scanned.datasets)
    assert found / total >= 0.95, (found, total)
    rows = [r for k in ("contratacion", "presupuesto", "recomendaciones") for r in scanned.datasets[k]]
    assert rows and {r["extraction_method"] for r in rows} == {"ocr"}
    assert all(r["source_page"] for r in rows)


def test_the_numbers_of_a_scan_are_read_exactly(scanned) -> None:
    from answer_key import differences

    wrong = differences("iess-loja-2024", scanned.datasets)
    numeric = {"contratacion", "presupuesto", "totales"}
    assert not set(wrong) & numeric, {k: wrong[k] for k in set(wrong) & numeric}


def test_every_value_of_a_scan_not_in_the_key_is_flagged(scanned) -> None:
    """A row that OCR misread (a word of a long title) has an anomaly at its page."""
    from answer_key import differences

    wrong = differences("iess-loja-2024", scanned.datasets)
    flagged = {(a["dataset"], a["location"]) for a in scanned.datasets["anomalias"]}
    checked = 0
    for dataset, (_, extra) in wrong.items():
        for row in scanned.datasets[dataset]:
            text = " ".join(str(v) for v in row.values())
            if any(all(str(c) in text for c in bad if c) for bad in extra):
                assert (dataset, f"page {row['source_page']}") in flagged, (dataset, row)
                checked += 1
    assert checked == sum(len(extra) for _, extra in wrong.values())  # every row not in the key seen


def test_a_word_ocr_doubts_is_an_anomaly_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extract import tolerances

    monkeypatch.setattr(tolerances, "OCR_LOW_CONFIDENCE", 99.9)  # every word doubtful
    page = page_of("TIPO DE CONTRATACIÓN")
    res = extract_report(mixed_pdf(tmp_path, page), tmp_path, tmp_path / "interim")
    doubts = [a for a in res.datasets["anomalias"] if a["problem"].startswith("OCR not sure")]
    assert {a["dataset"] for a in doubts} >= {"contratacion", "presupuesto"}
    assert all(a["location"].startswith(f"page {page}") for a in doubts)


def test_a_mixed_pdf_reads_only_its_scanned_page_by_ocr(tmp_path: Path) -> None:
    import json

    page = page_of("TIPO DE CONTRATACIÓN")
    res = extract_report(mixed_pdf(tmp_path, page), tmp_path, tmp_path / "interim")
    assert not res.failed, res.error
    stage = tmp_path / "interim" / "iess-loja-2024" / "iess-loja-2024-mixed.pdf" / "01-ingest.json"
    read = json.loads(stage.read_text())["ocr"]
    assert list(read) == [str(page)] and read[str(page)]["confidence"] > 80
    from answer_key import differences

    assert differences("iess-loja-2024", res.datasets) == {}
    methods = {d: {r["extraction_method"] for r in res.datasets[d]} for d in ("contratacion", "recomendaciones")}
    assert methods["contratacion"] == {"ocr"}
    assert "ocr" not in methods["recomendaciones"]


def test_without_the_ocr_extra_a_scan_is_refused_with_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(ingest_module, "unavailable", lambda: "OCR is not installed; install the `ocr` extra")
    res = extract_report(SCAN, tmp_path, tmp_path / "interim")
    assert res.failed and "no text layer" in res.error and "`ocr` extra" in res.error
    mixed = extract_report(mixed_pdf(tmp_path, page_of("TIPO DE CONTRATACIÓN")), tmp_path, tmp_path / "interim")
    assert not mixed.failed and mixed.report["status"] == "partial"  # a page was not read
    problems = [a["problem"] for a in mixed.datasets["anomalias"]]
    assert any("has no text layer and was not read" in p for p in problems)


def test_words_are_laid_out_in_columns_by_their_positions() -> None:
    words = [Word("Menor", 100, 100, 160, 120, 96), Word("Cuantía", 170, 101, 250, 121, 96),
             Word("2", 700, 99, 712, 119, 96), Word("40.098,11", 900, 100, 1010, 120, 96),
             Word("Régimen", 100, 140, 190, 160, 96), Word("1", 702, 141, 712, 161, 96),
             Word("6.936,68", 912, 140, 1010, 160, 96)]
    lines = layout_lines(words)
    assert [ln.split() for ln in lines] == [["Menor", "Cuantía", "2", "40.098,11"], ["Régimen", "1", "6.936,68"]]
    assert lines[0].index("2") == lines[1].index("1")  # one column, one character position
    assert "  " in lines[0].split("Cuantía")[1]  # columns kept apart by a run of spaces


def test_a_turned_scanned_page_is_straightened_and_read(tmp_path: Path) -> None:
    from answer_key import differences

    page = page_of("TIPO DE CONTRATACIÓN")
    res = extract_report(mixed_pdf(tmp_path, page, turn=1.5), tmp_path, tmp_path / "interim")
    wrong = differences("iess-loja-2024", res.datasets)
    assert not {"contratacion", "presupuesto", "totales"} & set(wrong), wrong


def test_a_heading_number_with_a_comma_for_a_period_is_mended() -> None:
    from extract.ocr_pages import _numbering_mended

    assert _numbering_mended("4,2. Recaudación y Gestión") == "4.2. Recaudación y Gestión"
    assert _numbering_mended("5, Ejecución programática") == "5. Ejecución programática"
    assert _numbering_mended("12,5% de los afiliados") == "12,5% de los afiliados"
    assert _numbering_mended("2024, el IESS registró") == "2024, el IESS registró"


@pytest.mark.parametrize(("read", "meant"), [
    ("Ill. POLÍTICAS PÚBLICAS PARA LA IGUALDAD", "III. POLÍTICAS PÚBLICAS PARA LA IGUALDAD"),
    ("lV. LOGROS ALCANZADOS", "IV. LOGROS ALCANZADOS"),
    ("Vl. EJECUCIÓN PROGRAMÁTICA", "VI. EJECUCIÓN PROGRAMÁTICA"),
    ("L COBERTURA INSTITUCIONAL", "I. COBERTURA INSTITUCIONAL"),  # `I.` read as `L`: 50
    ("11. TÍTULO ARÁBIGO", "11. TÍTULO ARÁBIGO"),  # Arabic digits stay
    ("1.1. AFILIADOS", "1.1. AFILIADOS"),
    ("La Constitución de la República", "La Constitución de la República"),
])
def test_a_roman_heading_number_misread_by_ocr_is_mended(read: str, meant: str) -> None:
    from extract.ocr_pages import _numbering_mended

    assert _numbering_mended(read) == meant


def test_a_scanned_report_passes_validation_and_is_published(tmp_path: Path) -> None:
    from conftest import read, run_on

    code, root = run_on(tmp_path, [SCAN], workers=1)
    assert code == 0
    assert read(root, "reports").status.tolist() == ["ok"]
    rows = read(root, "contratacion")
    assert len(rows) == 7 and set(rows.extraction_method) == {"ocr"}
    assert set(read(root, "tablas").query("status == 'found'").method) == {"ocr"}


def test_a_scanned_provincial_report_with_tables_outside_their_sections_is_read(tmp_path: Path) -> None:
    """The Tungurahua variant as a scan: its afiliados table sits under `Cobertura
    Institucional` (found by looking through the whole text, with every text reader, as OCR
    lays it out) and its contratación header reads `N.º` as `N.*`."""
    from answer_key import differences
    from scans import scanned_pdf

    res = extract_report(scanned_pdf(DATA / "variants" / "iess-tungurahua-2024.pdf", tmp_path), tmp_path,
                         tmp_path / "interim")
    assert not res.failed, res.error
    wrong = differences("iess-tungurahua-2024", res.datasets)
    numeric = {"afiliados", "pensionistas", "contratacion", "presupuesto", "totales"}
    assert not set(wrong) & numeric, {k: wrong[k] for k in set(wrong) & numeric}
    found, total = cells_matched("iess-tungurahua-2024", res.datasets)
    assert found / total >= 0.95, (found, total)
