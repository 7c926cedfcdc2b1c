"""Tables pasted as pictures into pages of text are read by OCR (issue 27)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest
from answer_key import DATA, differences
from conftest import RAW
from picturegen import (
    KEY,
    budget_rows,
    chart_png,
    line_chart_png,
    photo_png,
    picture_report,
    procurement_rows,
    table_png,
)

from extract.ingest import ingest
from extract.pictures import value_rows
from extract.report import extract_report

needs_ocr = pytest.mark.skipif(find_spec("tesserocr") is None, reason="the `ocr` extra is not installed")
BUDGET = "5. Ejecución programática y presupuestaria"
PROCUREMENT = "6. Procesos de contratación y compras públicas de bienes y servicios"
READ = ("presupuesto", "contratacion", "totales")  # the datasets the pictures hold


def _report(tmp: Path, convention: str, dpi: int = 200, blur: float = 0.0) -> Path:
    budget = table_png(budget_rows(convention), tmp / "budget.png", dpi, blur)
    procurement = table_png(procurement_rows(convention), tmp / "procurement.png", dpi, blur)
    pictures = {BUDGET: [budget], PROCUREMENT: [procurement]}
    return picture_report(tmp / f"iess-loja-2024-{convention}-{dpi}.pdf", pictures, dpi)


def _extract(pdf: Path, tmp: Path) -> dict[str, list[dict]]:
    res = extract_report(pdf, tmp, tmp / "interim")
    assert not res.failed, res.error
    return res.datasets


@needs_ocr
@pytest.mark.parametrize("convention", ["es", "us"])
def test_a_table_pasted_as_a_picture_between_prose_gives_its_key(tmp_path: Path, convention: str) -> None:
    pdf = _report(tmp_path, convention)
    doc = ingest(pdf)
    assert [p.table for p in doc.pictures] == [True, True] and list(doc.ocr) == [1]
    texts = [ln.text.strip() for ln in doc.lines]
    budget = next(i for i, t in enumerate(texts) if t.startswith("Administradora Dirección Provincial de Loja"))
    assert texts.index(BUDGET) < budget < texts.index("Fuente: Dirección Provincial de Loja, Unidad Financiera.")
    data = _extract(pdf, tmp_path)
    assert {k: v for k, v in differences(KEY, data).items() if k in READ} == {}
    assert {r["extraction_method"] for k in READ for r in data[k]} == {"ocr"}
    assert not [a for a in data["anomalias"] if a["problem"].startswith("OCR not sure")]


@needs_ocr
@pytest.mark.parametrize("convention", ["es", "us"])
def test_a_blurred_150_dpi_picture_gives_every_number_exactly_or_flagged(tmp_path: Path, convention: str) -> None:
    data = _extract(_report(tmp_path, convention, dpi=150, blur=1.0), tmp_path)
    wrong = {k: v for k, v in differences(KEY, data).items() if k in READ}
    flagged = {(a["dataset"], a["location"], a["raw_text"]) for a in data["anomalias"]}
    for dataset, (_, extra) in wrong.items():
        for row in extra:  # a row not in the key: one of its cells is doubted at its place
            doubted = any(d == dataset and any(c and c in (raw or "") for c in row) for d, _, raw in flagged)
            assert doubted, (dataset, row)
    assert sum(len(data[k]) for k in ("presupuesto", "contratacion")) == 12


@needs_ocr
def test_a_photo_and_charts_give_no_rows_and_no_anomaly(tmp_path: Path) -> None:
    """The photo and the bar chart are not read (no paper; a tall block of colour); the line
    chart is read and dropped: axis ticks and months are no rows of values."""
    heading = "4. Logros alcanzados"
    bare = picture_report(tmp_path / "bare.pdf", {heading: []})
    pictures = [photo_png(tmp_path / "photo.png"), chart_png(tmp_path / "bars.png"),
                line_chart_png(tmp_path / "line.png")]
    pdf = picture_report(tmp_path / "pictures.pdf", {heading: pictures})
    doc = ingest(pdf)
    assert [(p.table, bool(p.words)) for p in doc.pictures] == [(False, True)] and not doc.ocr
    assert [ln.text for ln in doc.lines] == [ln.text for ln in ingest(bare).lines]
    got, want = _extract(pdf, tmp_path / "a"), _extract(bare, tmp_path / "b")
    assert all(not got[k] for k in READ)
    strip = ("source_file",)
    assert [{k: v for k, v in a.items() if k not in strip} for a in got["anomalias"]] == \
        [{k: v for k, v in a.items() if k not in strip} for a in want["anomalias"]]


def test_the_samples_and_variants_read_no_picture() -> None:
    """Their charts and drawings have tall blocks of colour or no white paper: none is read."""
    for pdf in [*RAW.glob("*.pdf"), *(DATA / "variants").glob("*.pdf")]:
        doc = ingest(pdf)
        assert not doc.pictures and not doc.ocr, pdf.name


def test_rows_of_values_are_a_label_then_a_figure() -> None:
    assert value_rows(["Menor Cuantía   2   40.098,11", "Régimen Especial  1  6.936,68"]) == 2
    assert value_rows(["1500", "1000", "  Enero   Febrero   Marzo", "0  500  1000  1500"]) == 0
    assert value_rows(["Afiliados 2023   Afiliados 2024", "1500  Afiliados"]) == 0  # a legend, a tick


@needs_ocr
def test_inspect_lists_the_pictures_read_and_debug_draws_their_words(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    from extract.cli import main

    pdf = _report(tmp_path, "es")
    assert main(["inspect", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert out.count("OCR: picture on p.1") == 2 and "read as a table" in out
    assert "table presupuesto: ocr" in out
    assert main(["debug", str(pdf), "--page", "1", "--interim", str(tmp_path)]) == 0
    png = tmp_path / KEY / "debug" / "page-1-ocr.png"
    assert capsys.readouterr().out.strip() == str(png) and Image.open(png).width > 1000


@needs_ocr
def test_debug_on_one_page_of_a_scan_reads_that_page_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from extract.cli import main
    from extract.ocr import Reader

    read: list[int] = []
    original = Reader.read
    def counted(self: Reader, image: object, page: int, dpi: int) -> object:
        read.append(page)
        return original(self, image, page, dpi)

    monkeypatch.setattr(Reader, "read", counted)
    scan = DATA / "scanned" / "iess-loja-2024-scanned.pdf"
    assert main(["debug", str(scan), "--page", "9", "--interim", str(tmp_path)]) == 0
    assert read == [9]
    assert Path(capsys.readouterr().out.strip()).name == "page-9-ocr.png"


@needs_ocr
def test_the_pages_of_a_scan_are_read_side_by_side_as_one_at_a_time() -> None:
    import pypdfium2 as pdfium

    from extract.ocr_pages import ocr_lines

    data = (DATA / "scanned" / "iess-loja-2024-scanned.pdf").read_bytes()
    pdf = pdfium.PdfDocument(data)
    alone = ocr_lines(pdf, [0, 1], "scan")
    together = ocr_lines(pdf, [0, 1], "scan", data, workers=2)
    assert together[0] == alone[0]
    assert [r.words for r in together[1].values()] == [r.words for r in alone[1].values()]


def test_without_the_ocr_extra_a_picture_that_may_be_a_table_is_an_anomaly(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    import extract.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "unavailable", lambda: "OCR is not installed; install the `ocr` extra")
    res = extract_report(_report(tmp_path, "es"), tmp_path, tmp_path / "interim")
    assert not res.failed, res.error
    problems = [(a["problem"], a["location"]) for a in res.datasets["anomalias"] if a["stage"] == "ingest"]
    assert len(problems) == 1 and problems[0][1] == "page 1"
    assert "holds a picture that may be a table, not read" in problems[0][0]
