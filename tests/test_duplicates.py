"""Inputs that are one report are told apart before extraction (issue 16): a PDF's own text
and byte-identical copies are never extracted; `--only` extracts only that report."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from conftest import RAW, ROOT, read, run_on

import extract.pipeline as pipeline

LOJA_PDF, LOJA_TXT = RAW / "iess-loja-2024.pdf", RAW / "iess-loja-2024.txt"
NAT_PDF, NAT_TXT = RAW / "iess-nacional-2024.pdf", RAW / "iess-nacional-2024.txt"


@pytest.fixture()
def extracted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The inputs `extract_report` is called on, in a serial run."""
    calls: list[str] = []
    real = pipeline.extract_report

    def counting(path: Path, *args, **kwargs):
        calls.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_report", counting)
    return calls


def test_a_pdf_and_its_own_text_are_extracted_once(tmp_path: Path, extracted: list[str],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="extract.pipeline"):
        code, root = run_on(tmp_path, [LOJA_PDF, LOJA_TXT, NAT_PDF, NAT_TXT], workers=1)
    assert code == 0
    assert sorted(extracted) == ["iess-loja-2024.pdf", "iess-nacional-2024.pdf"]
    skipped = [r.getMessage() for r in caplog.records if "skipped, the PDF is read" in r.getMessage()]
    assert len(skipped) == 2 and any(m.startswith("raw/iess-loja-2024.txt: the text of raw/iess-loja-2024.pdf")
                                     for m in skipped)
    reports = read(root, "reports").set_index("report_id")
    assert reports.loc["iess-loja-2024", "source_file"] == "raw/iess-loja-2024.pdf"


def test_a_copy_under_another_name_is_never_extracted(tmp_path: Path, extracted: list[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    copy = src / "copia-loja.pdf"
    shutil.copy(LOJA_PDF, copy)
    code, _ = run_on(tmp_path, [LOJA_PDF, copy], workers=1)
    assert code == 0 and len(extracted) == 1


def test_a_text_claiming_a_report_with_other_figures_is_extracted_and_settled_after(tmp_path: Path,
                                                                        extracted: list[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    other = src / "loja-otra.txt"
    # the same report's words with other figures (every 3 an 8, every 5 a 6; 2024 stays)
    other.write_text(LOJA_TXT.read_text("utf-8").translate(str.maketrans("35", "86")), "utf-8")
    code, root = run_on(tmp_path, [LOJA_PDF, other], workers=1)
    assert sorted(extracted) == ["iess-loja-2024.pdf", "loja-otra.txt"]  # not taken for the PDF's text
    # then settled on the values read: they differ, so it is a conflict, and neither is published
    assert code == 1
    reports = read(root, "reports").set_index("report_id")
    assert reports.loc["iess-loja-2024", "status"] == "failed" and "conflict" in reports.loc["iess-loja-2024", "error"]
    assert not (root / "processed" / "contratacion" / "report_id=iess-loja-2024").exists()


def test_only_extracts_only_that_report(tmp_path: Path, extracted: list[str]) -> None:
    code, root = run_on(tmp_path, [LOJA_TXT, NAT_TXT], workers=1, only="iess-loja-2024", force=True)
    assert code == 0
    assert extracted == ["iess-loja-2024.txt"]
    assert set(read(root, "reports").report_id) == {"iess-loja-2024"}


def test_only_with_an_id_not_there_lists_the_ids_found(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="extract.pipeline"):
        code, _ = run_on(tmp_path, [LOJA_PDF, LOJA_TXT, NAT_TXT], workers=1, only="iess-azuay-2030")
    assert code == 2
    assert any(r.getMessage().endswith("is report iess-azuay-2030 (found: iess-loja-2024, iess-nacional-2024)")
               for r in caplog.records), caplog.text


def test_a_scan_beside_the_pdf_it_is_a_scan_of_is_a_copy(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A scanned copy (no text layer, read by OCR) of a report whose born-digital PDF is in
    raw/ too, published first or not: the PDF is used, one log line says so, every run exits 0."""
    pytest.importorskip("tesserocr", reason="the `ocr` extra is not installed")
    scan = ROOT / "tests" / "data" / "scanned" / "iess-loja-2024-scanned.pdf"  # sorts before the PDF by name
    code, root = run_on(tmp_path, [scan], workers=1)
    assert code == 0 and read(root, "reports").source_file.tolist() == ["raw/iess-loja-2024-scanned.pdf"]
    for attempt in ("the PDF added", "unchanged"):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="extract.pipeline"):
            code, _ = run_on(tmp_path, [LOJA_PDF], workers=1)
        assert code == 0, attempt
        said = [r.getMessage() for r in caplog.records if ": a scan of " in r.getMessage()]
        assert said == ["raw/iess-loja-2024-scanned.pdf: a scan of raw/iess-loja-2024.pdf (iess-loja-2024, 100% of "
                        "its figures in common); using raw/iess-loja-2024.pdf, which has a text layer"], attempt
        reports = read(root, "reports")
        assert reports[["report_id", "source_file", "status"]].values.tolist() == [
            ["iess-loja-2024", "raw/iess-loja-2024.pdf", "ok"]], attempt
        assert set(read(root, "contratacion").extraction_method) == {"text-aligned"}, attempt


def test_a_real_conflict_fails_under_its_report_id_and_says_how_to_settle_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = tmp_path / "src"
    src.mkdir()
    other = src / "loja-otra.txt"
    other.write_text(LOJA_TXT.read_text("utf-8").replace("109.787,52", "1.109.787,52").replace("43 ", "143 "), "utf-8")
    settle = "to settle it, keep only the one to publish in raw/ (move the others out, or rename them to start with '.'"
    for attempt in ("first", "unchanged"):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="extract.pipeline"):
            code, root = run_on(tmp_path, [LOJA_TXT, other], workers=1)
        assert code == 1, attempt
        logged = [r.getMessage() for r in caplog.records if "conflict" in r.getMessage()]
        assert len(logged) == 1 and settle in logged[0], logged
        reports = read(root, "reports")
        assert reports.report_id.tolist() == ["iess-loja-2024"], attempt  # not `unidentified-<hash>`
        row = reports.iloc[0]
        assert row.status == "failed" and row.provincia == "Loja", attempt
        assert "raw/iess-loja-2024.txt, raw/loja-otra.txt all claim iess-loja-2024" in row.error and settle in row.error
        html = (root / "interim" / "report.html").read_text("utf-8")
        for name in ("raw/iess-loja-2024.txt", "raw/loja-otra.txt"):
            assert (f"<tr><td><a href='#iess-loja-2024'>iess-loja-2024</a></td><td><a href='iess-loja-2024/"
                    f"{name[4:]}'>{name}</a></td><td class=status-failed>failed</td>") in html, name
    (root / "raw" / "loja-otra.txt").rename(root / "raw" / ".loja-otra.txt")  # settled as the message says
    code, _ = run_on(tmp_path, [], workers=1)
    assert code == 0
    assert read(root, "reports")[["report_id", "status"]].values.tolist() == [["iess-loja-2024", "ok"]]


def test_a_rerun_of_unchanged_inputs_read_too_soon_to_trust_imports_no_validator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs modified within `tolerances.INPUT_SETTLED_SECONDS` of being read are hashed again
    by the workers, which find their cached results: GX is not imported beside them."""
    import os
    import time

    code, root = run_on(tmp_path, [LOJA_TXT, NAT_TXT], workers=2)
    assert code == 0
    for path in (root / "raw").iterdir():  # as if just copied in: never trusted by their time
        os.utime(path, (time.time() + 60, time.time() + 60))
    readies: list[str] = []
    monkeypatch.setattr(pipeline.validate, "ready", lambda: readies.append("gx"))
    code, _ = run_on(tmp_path, [], workers=2)
    assert code == 0 and readies == []
