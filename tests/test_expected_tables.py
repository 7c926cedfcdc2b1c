"""The tables each kind of report carries (`specs/expected.toml`): a report without one is
`partial`, and `tablas` says which and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RAW

from extract import specs
from extract.report import extract_report
from extract.specs.schema import SpecError

LOJA = (RAW / "iess-loja-2024.txt").read_text(encoding="utf-8")


def test_a_provincial_report_without_its_procurement_section_is_partial(tmp_path: Path) -> None:
    start = LOJA.index("6. Procesos de contratación")
    text = LOJA[:start] + LOJA[LOJA.index("7. Enajenación"):]
    path = tmp_path / "loja.txt"
    path.write_text(text, encoding="utf-8")
    res = extract_report(path, tmp_path, tmp_path / "interim")
    assert res.report["status"] == "partial"
    row = next(t for t in res.datasets["tablas"] if t["dataset"] == "contratacion")
    assert row["status"] == "no_section" and "a report of its kind carries one" in row["reason"]
    others = {t["dataset"]: t["status"] for t in res.datasets["tablas"]}
    assert others["afiliados"] == "no_section"  # a provincial report need not carry it
    assert others["presupuesto"] == "found" and others["enajenacion"] == "stated_none"


def test_the_sample_reports_carry_their_kinds_tables(tmp_path: Path) -> None:
    for name in ("iess-loja-2024.txt", "iess-nacional-2024.txt"):
        res = extract_report(RAW / name, tmp_path, tmp_path / "interim")
        assert res.report["status"] == "ok", name


@pytest.mark.parametrize(("text", "named"), [
    ('nacional = ["afiliados"]\nprovincial = ["presupuestos"]\n', "provincial\\[0\\] must be one of"),
    ('nacional = ["afiliados"]\n', "needs provincial"),
    ('nacional = "afiliados"\nprovincial = []\n', "nacional must be a list of strings"),
])
def test_the_expected_tables_file_is_checked_on_load(text: str, named: str) -> None:
    with pytest.raises(SpecError, match=f"specs/expected.toml: .*{named}"):
        specs.parse("expected", text)
