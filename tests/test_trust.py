"""Trust, second round (issue 31): no impostor through the twin check (1), no number dropped
silently for an invisible or odd character in it (3), no edited cache entry republished (7).
Each test builds its attack from the Loja sample."""

from __future__ import annotations

import logging
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import reportlab
from conftest import RAW, read, run_on
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extract.report import extract_report
from extract.textutil import lookalike_number

LOJA_TXT = RAW / "iess-loja-2024.txt"
LOJA = LOJA_TXT.read_text("utf-8")
AMOUNT = "109.787,52"  # Ínfima Cuantía, the first row of contratacion (7 rows)
ALTERED = {"109.787,52": "109.787,59", "89.271,00": "89.271,09"}  # two procurement amounts


def _text_pdf(text: str, path: Path, lines_per_page: int = 64) -> Path:
    """A PDF drawing `text` line by line (a TrueType font, so its text layer keeps every
    character drawn), `lines_per_page` lines a page."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))
    lines = text.split("\n")
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for start in range(0, len(lines), lines_per_page):
        pdf.setFont("Vera", 8)
        for k, line in enumerate(lines[start:start + lines_per_page]):
            pdf.drawString(36, A4[1] - 36 - 12 * k, line)
        pdf.showPage()
    pdf.save()
    return path


def _impostor(folder: Path) -> Path:
    """The Loja text with two procurement amounts changed, as a PDF that sorts after the text."""
    folder.mkdir(parents=True, exist_ok=True)
    text = LOJA
    for old, new in ALTERED.items():
        text = text.replace(old, new)
    return _text_pdf(text, folder / "zz-copia.pdf")


def _amounts(root: Path) -> set[Decimal]:
    path = root / "processed" / "contratacion"
    return set(read(root, "contratacion").valor_usd) if path.exists() else set()


def test_a_pdf_of_the_text_with_other_amounts_is_a_conflict_never_its_twin(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="extract.pipeline"):
        code, root = run_on(tmp_path, [LOJA_TXT, _impostor(tmp_path / "src")], workers=1)
    assert code == 1
    assert not any("the text of" in r.getMessage() for r in caplog.records), caplog.text
    conflict = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and "conflict" in r.getMessage()]
    assert len(conflict) == 1 and "raw/iess-loja-2024.txt" in conflict[0] and "raw/zz-copia.pdf" in conflict[0]
    assert read(root, "reports")[["report_id", "status"]].values.tolist() == [["iess-loja-2024", "failed"]]
    assert not {Decimal("109787.59"), Decimal("89271.09")} & _amounts(root)


def test_a_text_added_beside_a_published_impostor_is_not_taken_for_its_text(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The impostor alone is read as the Loja report, and published (its opening recorded):
    the genuine text added next is compared with every page of it, not skipped on the
    recorded opening; the conflict is said."""
    code, root = run_on(tmp_path, [_impostor(tmp_path / "src")], workers=1)
    assert code == 0 and Decimal("109787.59") in _amounts(root)
    with caplog.at_level(logging.INFO, logger="extract.pipeline"):
        code, _ = run_on(tmp_path, [LOJA_TXT], workers=1)
    assert code == 1
    assert not any("the text of" in r.getMessage() for r in caplog.records), caplog.text
    assert any("conflict" in r.getMessage() for r in caplog.records), caplog.text
    anomalies = read(root, "anomalias").problem.tolist()
    assert any(p.startswith("conflict: other inputs claim iess-loja-2024") for p in anomalies)  # never silently


def _contratacion(tmp_path: Path, text: str, name: str = "loja.txt") -> tuple[list[dict], list[str]]:
    """The contratacion rows and the anomalies' problems of `text` read as a report."""
    path = tmp_path / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith(".pdf"):
        _text_pdf(text, path)
    else:
        path.write_text(text, "utf-8")
    res = extract_report(path, tmp_path, tmp_path / "interim")
    assert not res.failed, res.error
    return res.datasets["contratacion"], [a["problem"] for a in res.datasets["anomalias"]]


INVISIBLE = {
    "zero-width space": "109.787\u200b,52",
    "soft hyphen": "109\u00ad.787,52",
    "word joiner": "109.\u2060787,52",
    "byte-order mark": "109.787,\ufeff52",
    "combining mark": "109.7\u030187,52",
    "right-to-left override": "\u202e109.787,52\u202c",
    "isolates": "\u2066109\u2069.\u2067787,52\u2069",
    "left-to-right mark": "109.787\u200e,52",
}


@pytest.mark.parametrize("printed", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_invisible_character_in_a_number_is_removed_and_said(tmp_path: Path, printed: str) -> None:
    rows, problems = _contratacion(tmp_path, LOJA.replace(AMOUNT, printed))
    assert len(rows) == 7 and rows[0]["tipo_contratacion"] == "Ínfima Cuantía"
    assert rows[0]["valor_usd"] == Decimal("109787.52") and rows[0]["procesos"] == 43
    assert any("removed from the text" in p for p in problems), problems


def test_an_invisible_character_in_a_pdf_text_layer_is_removed_and_said(tmp_path: Path) -> None:
    rows, problems = _contratacion(tmp_path, LOJA.replace(AMOUNT, "109.787\u00ad,52"), "loja.pdf")
    assert len(rows) == 7 and rows[0]["valor_usd"] == Decimal("109787.52")
    assert any("1 invisible or control character(s)" in p and "removed" in p for p in problems), problems


def test_full_width_digits_and_separators_are_read_as_digits(tmp_path: Path) -> None:
    rows, _ = _contratacion(tmp_path, LOJA.replace(f"43 {AMOUNT}", "４３ １０９．７８７，５２"))
    assert len(rows) == 7 and (rows[0]["procesos"], rows[0]["valor_usd"]) == (43, Decimal("109787.52"))


def test_bidi_controls_never_reach_a_published_label(tmp_path: Path) -> None:
    text = LOJA.replace("Ínfima Cuantía", "\u202bÍnfima\u202c Cuantía")
    text = text.replace("Menor Cuantía", "\u2067Menor Cuantía\u2069")
    rows, problems = _contratacion(tmp_path, text)
    labels = [r["tipo_contratacion"] for r in rows]
    assert labels[0] == "Ínfima Cuantía" and "Menor Cuantía" in labels and len(rows) == 7
    assert not any(c in label for label in labels for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert any("invisible or control character(s)" in p and "removed" in p for p in problems), problems


LOOKALIKES = {
    "1O9.787,52": "LATIN CAPITAL LETTER O (U+004F)",
    "109.787,5o": "LATIN SMALL LETTER O (U+006F)",
    "l09.787,52": "LATIN SMALL LETTER L (U+006C)",
    "109٬787٫52": "ARABIC THOUSANDS SEPARATOR (U+066C)",
    "109.787٫52": "ARABIC DECIMAL SEPARATOR (U+066B)",
    "١٠٩": "ARABIC-INDIC DIGIT ONE (U+0661)",
    "(2O24)": "LATIN CAPITAL LETTER O (U+004F)",
    "1'234": "APOSTROPHE (U+0027)",
    "109\u200b787": "ZERO WIDTH SPACE (U+200B)",
}


@pytest.mark.parametrize(("token", "named"), LOOKALIKES.items(), ids=LOOKALIKES.keys())
def test_a_lookalike_in_a_number_is_named(token: str, named: str) -> None:
    reason = lookalike_number(token)
    assert reason is not None and named in reason


@pytest.mark.parametrize("token", ["109.787,52", "43", "2024", "-1.234", "(1.234)", "52,80%", "US$", "Ínfima",
                                   "1o", "2o", "Ollo", "II", "CO2", "A1", "ISO9001", "d'Hondt", "2.3.", "O1", "s/d"])
def test_a_number_word_or_code_is_no_lookalike(token: str) -> None:
    assert lookalike_number(token) is None


def test_a_row_with_a_lookalike_in_its_number_is_refused_with_a_word_never_glued(tmp_path: Path) -> None:
    rows, problems = _contratacion(tmp_path, LOJA.replace(AMOUNT, "1O9.787,52"))
    assert not any("1O9" in r["tipo_contratacion"] or "43" in r["tipo_contratacion"] for r in rows)
    assert any("LATIN CAPITAL LETTER O" in p for p in problems), problems


def test_an_edited_cache_entry_is_extracted_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code, root = run_on(tmp_path, [LOJA_TXT], workers=1)
    assert code == 0 and Decimal("109787.52") in _amounts(root)
    (entry,) = (root / "interim" / ".cache").glob("*.json")
    entry.write_text(entry.read_text("utf-8").replace('"109787.52"', '"109787.59"'), "utf-8")
    shutil.rmtree(root / "processed")
    with caplog.at_level(logging.INFO):
        code, _ = run_on(tmp_path, [], workers=1)
    assert code == 0
    amounts = _amounts(root)
    assert Decimal("109787.52") in amounts and Decimal("109787.59") not in amounts
    said = [r.getMessage() for r in caplog.records if "is not the one written" in r.getMessage()]
    assert said == [f"raw/iess-loja-2024.txt: the cached result {entry.name} is not the one written "
                    "(edited or damaged); extracted again"], caplog.text
