"""Inputs that are one report are told apart before extraction (issue 16): a PDF's own text
and byte-identical copies are never extracted; `--only` extracts only that report."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from conftest import RAW, read, run_on

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
    reports = read(root, "reports").set_index("report_id")  # then settled on the values read
    assert reports.loc["iess-loja-2024", "source_file"] == "raw/iess-loja-2024.pdf"


def test_only_extracts_only_that_report(tmp_path: Path, extracted: list[str]) -> None:
    code, root = run_on(tmp_path, [LOJA_TXT, NAT_TXT], workers=1, only="iess-loja-2024", force=True)
    assert code == 0
    assert extracted == ["iess-loja-2024.txt"]
    assert set(read(root, "reports").report_id) == {"iess-loja-2024"}
