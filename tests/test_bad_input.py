"""Bad files never cost the good ones: one clear error each, a failed reports row, nothing else."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW, read, run_on
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extract.cli import main
from extract.ingest import BadInput, ingest

LOJA_TXT = RAW / "iess-loja-2024.txt"
LOJA_PDF = RAW / "iess-loja-2024.pdf"
NAT_PDF = RAW / "iess-nacional-2024.pdf"


def _pdf(path: Path, lines: list[str], encrypt: str | None = None, image_only: bool = False) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if image_only:
        c.rect(50, 50, 400, 600, fill=1)  # a "scan": marks, no text layer
    else:
        for i, text in enumerate(lines):
            c.drawString(50, 800 - 14 * i, text)
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad")
    files = {
        "encrypted": _pdf(d / "encrypted.pdf", ["Informe IESS"], encrypt="secret"),
        "scanned": _pdf(d / "scanned.pdf", [], image_only=True),
        "not_iess": _pdf(d / "menu.pdf", ["Menu del restaurante", "Sopa 3,50", "Seco de pollo 6,00"]),
        "truncated": d / "truncated.pdf",
        "truncated_end": d / "cut.pdf",
        "empty": d / "empty.pdf",
        "html": d / "page.pdf",
    }
    files["truncated"].write_bytes(NAT_PDF.read_bytes()[:20000])
    files["truncated_end"].write_bytes(NAT_PDF.read_bytes()[:-8])  # pdfium would repair it
    files["empty"].write_bytes(b"")
    files["html"].write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    return files


@pytest.mark.parametrize(("name", "cause"), [
    ("encrypted", "encrypted, needs a password"),
    ("scanned", "no text layer"),
    ("not_iess", "not an IESS accountability report"),
    ("truncated", "truncated PDF"),
    ("truncated_end", "truncated PDF"),
    ("empty", "empty file"),
    ("html", "HTML"),
])
def test_each_bad_file_has_a_plain_cause(bad_files: dict[str, Path], name: str, cause: str) -> None:
    with pytest.raises(BadInput, match=cause):
        ingest(bad_files[name])


@pytest.fixture(scope="module")
def mixed_run(bad_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    return run_on(tmp_path_factory.mktemp("mixed"), [LOJA_PDF, NAT_PDF, *bad_files.values()])


def test_good_reports_survive_a_bad_batch(mixed_run: tuple[int, Path], pdf_run: Path) -> None:
    code, root = mixed_run
    assert code == 1
    reports = read(root, "reports")
    failed = reports[reports.status == "failed"]
    assert len(failed) == 7 and failed.error.notna().all()
    assert set(failed.source_file) == {f"raw/{n}" for n in (
        "encrypted.pdf", "scanned.pdf", "menu.pdf", "truncated.pdf", "cut.pdf", "empty.pdf", "page.pdf")}
    for dataset in ("afiliados", "presupuesto", "contratacion", "indicadores", "totales"):
        got = read(root, dataset)
        assert set(got.report_id) == {"iess-nacional-2024", "iess-loja-2024"} or dataset == "afiliados"
        pd.testing.assert_frame_equal(
            got.drop(columns="report_id").astype(str).sort_values(list(got.columns[:-1])).reset_index(drop=True),
            read(pdf_run, dataset).drop(columns="report_id").astype(str)
            .sort_values(list(got.columns[:-1])).reset_index(drop=True))


def test_bad_files_log_one_line_naming_file_and_cause(bad_files: dict[str, Path], tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("ERROR"):
        code, _ = run_on(tmp_path, [bad_files["encrypted"]])
    assert code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == ["encrypted.pdf: encrypted, needs a password"] or \
        errors == ["raw/encrypted.pdf: encrypted, needs a password"]


@pytest.mark.parametrize("variant", ["cp1252", "crlf", "bom"])
def test_text_encodings_give_the_same_rows(variant: str, text_run: Path, tmp_path: Path) -> None:
    text = LOJA_TXT.read_text("utf-8")
    data = {
        "cp1252": text.encode("cp1252"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
    }[variant]
    src = tmp_path / "src" / "renamed-report.txt"
    src.parent.mkdir()
    src.write_bytes(data)
    code, root = run_on(tmp_path / "run", [src])
    assert code == 0
    for dataset in ("presupuesto", "contratacion", "recomendaciones", "indicadores"):
        a = read(root, dataset).drop(columns=["source_file"])
        b = read(text_run, dataset).query("report_id == 'iess-loja-2024'").drop(columns=["source_file"])
        pd.testing.assert_frame_equal(a.reset_index(drop=True).astype(str), b.reset_index(drop=True).astype(str))


def test_same_report_twice_gives_one_set_of_rows(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "copia.txt"
    copy.parent.mkdir()
    copy.write_bytes(LOJA_TXT.read_bytes())
    code, root = run_on(tmp_path / "run", [LOJA_TXT, copy, LOJA_PDF])
    assert code == 0
    assert len(read(root, "presupuesto")) == 5
    assert set(read(root, "presupuesto").source_file) == {"raw/iess-loja-2024.pdf"}


def test_removed_input_removes_its_rows(tmp_path: Path) -> None:
    code, root = run_on(tmp_path, [LOJA_TXT, RAW / "iess-nacional-2024.txt"])
    assert code == 0 and set(read(root, "presupuesto").report_id) == {"iess-loja-2024", "iess-nacional-2024"}
    (root / "raw" / "iess-loja-2024.txt").unlink()
    code, root = run_on(tmp_path, [])
    assert code == 0 and set(read(root, "presupuesto").report_id) == {"iess-nacional-2024"}


def test_missing_or_empty_input_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["run", "--raw", str(tmp_path / "nope")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["run", "--raw", str(tmp_path / "empty")]) == 2


def test_identical_copies_are_skipped_before_extraction(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import extract.report as report

    extracted: list[str] = []
    real = report.ingest

    def counting(path, *args, **kwargs):
        extracted.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(report, "ingest", counting)
    copy = tmp_path / "src" / "aaa-copia.txt"
    copy.parent.mkdir()
    copy.write_bytes(LOJA_TXT.read_bytes())
    code, root = run_on(tmp_path / "run", [LOJA_TXT], workers=1)
    extracted.clear()
    with caplog.at_level(logging.INFO):
        code, root = run_on(tmp_path / "run", [copy], workers=1, force=True)
    assert code == 0 and extracted == ["iess-loja-2024.txt"]  # the published copy is kept
    assert "raw/aaa-copia.txt: identical to raw/iess-loja-2024.txt; skipped (it is the published one)" in caplog.text
