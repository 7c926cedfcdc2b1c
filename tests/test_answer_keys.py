"""Reports the parsers were not written on (other years, provinces, layouts, number formats)
and the same reports as other text extractors give them: each yields its answer key's rows,
cell for cell."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from answer_key import DATA, differences

from extract.report import extract_report

VARIANTS = sorted((DATA / "variants").glob("iess-*.*"))
#: The samples and variants as common extractors give them (`.md`: PDF-to-Markdown tools)
FLAVORS = sorted((DATA / "extractors").glob("*/iess-*.*"))
#: `pdftotext` without `-layout`: cells in content-stream order, recognised and withheld.
STREAM_ORDER = sorted((DATA / "extractors" / "pdftotext-raw").glob("iess-*.txt"))


def _check(path: Path, tmp: Path) -> None:
    res = extract_report(path, tmp, tmp / "interim")
    assert not res.failed, res.error
    assert res.report["status"] == "ok", [a for a in res.datasets["anomalias"]]
    assert differences(res.report_id, res.datasets) == {}


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.name)
def test_variant_reports_match_their_keys(path: Path, tmp_path: Path) -> None:
    _check(path, tmp_path)


@pytest.mark.parametrize("path", [p for p in FLAVORS if p not in STREAM_ORDER],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_text_of_any_extractor_matches_the_key(path: Path, tmp_path: Path) -> None:
    _check(path, tmp_path)


@pytest.mark.parametrize("path", STREAM_ORDER, ids=lambda p: p.name)
def test_text_in_content_stream_order_is_named_and_no_table_of_it_published(path: Path, tmp_path: Path) -> None:
    """`pdftotext` without `-layout` prints a table's cells in the order the PDF drew them (a
    record's text and the table's header run together, labels out of row order): the run says
    so once, with what to give instead, and withholds every table read from it (`doubtful`);
    its sections are still published."""
    res = extract_report(path, tmp_path, tmp_path / "interim")
    assert not res.failed and res.report["status"] == "partial"
    said = [a for a in res.datasets["anomalias"] if "content-stream order" in a["problem"]]
    assert len(said) == 1 and "pdftotext -layout" in said[0]["problem"]
    assert all(not res.datasets[d] for d in ("afiliados", "pensionistas", "pensiones_montos", "contratacion",
                                             "presupuesto", "recomendaciones", "enajenacion", "totales"))
    statuses = {t["status"] for t in res.datasets["tablas"]}
    assert "doubtful" in statuses and "found" not in statuses
    assert res.datasets["secciones"]


_ES_GROUPED = regex.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\w)")


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"], ids=["no-break", "narrow no-break"])
@pytest.mark.parametrize("name", ["iess-loja-2024.txt", "iess-nacional-2024.txt"])
def test_digits_grouped_by_no_break_spaces_give_the_key(name: str, space: str, tmp_path: Path) -> None:
    """`1 996 585,00` as Word prints it with the RAE's grouping (a no-break or thin space)."""
    text = (DATA.parent.parent / "raw" / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(_ES_GROUPED.sub(lambda m: m.group().replace(".", space), text), encoding="utf-8")
    assert space in path.read_text(encoding="utf-8")
    _check(path, tmp_path)


def test_digits_grouped_by_plain_spaces_are_an_anomaly_not_a_silent_misreading(tmp_path: Path) -> None:
    """`1 913 418,00` with plain spaces is not read (`1 100` may be two cells); the rows whose
    label swallowed such digits are named in `anomalias`."""
    text = (DATA.parent.parent / "raw" / "iess-loja-2024.txt").read_text(encoding="utf-8")
    path = tmp_path / "loja.txt"
    path.write_text(_ES_GROUPED.sub(lambda m: m.group().replace(".", " "), text), encoding="utf-8")
    res = extract_report(path, tmp_path, tmp_path / "interim")
    flagged = [a for a in res.datasets["anomalias"] if "grouped by plain spaces" in a["problem"]]
    assert {a["dataset"] for a in flagged} >= {"presupuesto"}
    assert all(a["location"] and a["raw_text"] for a in flagged)


@pytest.mark.parametrize("printed", ["43 109 787,52", "43\u3000109\u3000787,52", "4 3 109.787,52",
                                     "4\u00a03 109.787,52", "4\u20093 109.787,52"],
                         ids=["plain", "ideographic", "split-count", "split-count-nbsp", "split-count-thin"])
def test_a_number_cut_by_spaces_is_never_published_as_read(printed: str, tmp_path: Path) -> None:
    """`Ínfima Cuantía 43 109 787,52`: digit groups apart by spaces (or a count with a space in
    it) cut into cells would publish the label `Ínfima Cuantía 43`, 109 processes and $787.52.
    Every row published is the key's; a row not read right is named in `anomalias`."""
    text = (DATA.parent.parent / "raw" / "iess-loja-2024.txt").read_text(encoding="utf-8")
    assert "Ínfima Cuantía  43  109.787,52" in text or "43 109.787,52" in text
    path = tmp_path / "loja.txt"
    path.write_text(regex.sub(r"43\s+109\.787,52", printed, text, count=1), encoding="utf-8")
    res = extract_report(path, tmp_path, tmp_path / "interim")
    missing, wrong = differences(res.report_id, res.datasets).get("contratacion", ([], []))
    assert not wrong, wrong
    if missing:
        assert any(a["dataset"] == "contratacion" for a in res.datasets["anomalias"])
