"""Validation catches mutated datasets with the right severity and outcome."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from answer_key import DATA
from conftest import RAW

from extract.contract import SCHEMAS
from extract.model import ReportResult
from extract.report import extract_report
from extract.validate import validate_reports


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    tmp = tmp_path_factory.mktemp("val")
    return extract_report(RAW / "iess-nacional-2024.txt", RAW.parent, tmp)


def validate_report(res: ReportResult):
    """One report validated as a batch of its own."""
    return validate_reports([res])[res.report_id or ""]


def _verdict(res: ReportResult, tmp: Path):
    return validate_report(res)


def test_sample_passes_every_critical_expectation(result: ReportResult, tmp_path: Path) -> None:
    res = copy.deepcopy(result)
    verdict = _verdict(res, tmp_path)
    assert not verdict.blocked and not verdict.withheld
    warnings = [f for f in verdict.findings if f.severity == "warning" and not f.success]
    # the report's own rounding: its pension amounts add up to 1 USD more than its total, and
    # three printed year-on-year changes differ by 1 USD from the amounts printed beside them
    assert sorted((f.dataset, f.expectation, f.details) for f in warnings) == [
        ("pensiones_montos", "derived:variacion", "Campesino / Invalidez"),
        ("pensiones_montos", "derived:variacion", "Campesino / Vejez"),
        ("pensiones_montos", "derived:variacion", "General (IVM) / Discapacidad"),
        ("pensiones_montos", "reconcile_total:monto_usd", "Total prestaciones anio=2023 estado=None")]
    assert any("printed 5849406499.00 vs computed 5849406500.00" in f.observed for f in warnings)
    assert all(f.location and f.location.startswith("line ") for f in warnings)
    subtotals = [f for f in verdict.findings if "Subtotal" in (f.details or "")]
    assert len(subtotals) == 4 and all(f.success for f in subtotals)  # 2 subtotals x 2 years
    assert any(a["stage"] == "validate" for a in res.datasets["anomalias"])


def _mutated(result: ReportResult, dataset: str, fn) -> ReportResult:
    res = copy.deepcopy(result)
    fn(res.datasets[dataset])
    return res


def test_absurd_budget_is_critical(result: ReportResult, tmp_path: Path) -> None:
    def absurd(rows):
        rows[0]["codificado_usd"] = Decimal("9999999999999.99")
    verdict = _verdict(_mutated(result, "presupuesto", absurd), tmp_path)
    assert not verdict.blocked and "presupuesto" in verdict.withheld  # that table alone
    assert any(f == "presupuesto: expect_column_values_to_be_between" for f in verdict.failed)


def test_negative_count_is_critical(result: ReportResult, tmp_path: Path) -> None:
    def negative(rows):
        rows[0]["afiliados"] = -5
    assert "afiliados: expect_column_values_to_be_between" in _verdict(
        _mutated(result, "afiliados", negative), tmp_path).failed


def test_duplicated_key_is_critical(result: ReportResult, tmp_path: Path) -> None:
    def dup(rows):
        rows.append(dict(rows[0]))
    assert "contratacion: expect_compound_columns_to_be_unique" in _verdict(
        _mutated(result, "contratacion", dup), tmp_path).failed


def test_wrong_type_is_critical(result: ReportResult, tmp_path: Path) -> None:
    def wrong(rows):
        rows[0]["afiliados"] = "1.996.585"
    assert "afiliados: contract_schema" in _verdict(_mutated(result, "afiliados", wrong), tmp_path).failed


def test_removed_detail_row_is_a_warning(result: ReportResult, tmp_path: Path) -> None:
    def drop(rows):
        del rows[0]
    verdict = _verdict(_mutated(result, "presupuesto", drop), tmp_path)
    assert not verdict.blocked and not verdict.withheld
    bad = [f for f in verdict.findings if not f.success and f.dataset == "presupuesto"]
    assert {f.expectation for f in bad} == {"reconcile_total:codificado_usd", "reconcile_total:devengado_usd"}
    assert all(f.severity == "warning" for f in bad)


def test_subtotal_of_a_group_is_reconciled(result: ReportResult, tmp_path: Path) -> None:
    def drop(rows):
        rows[:] = [r for r in rows if not (r["tipo_afiliado"] == "Jefes de familia SSC" and r["anio"] == 2024)]
    verdict = _verdict(_mutated(result, "afiliados", drop), tmp_path)
    bad = sorted(f.details for f in verdict.findings if not f.success and f.dataset == "afiliados")
    assert bad == ["Subtotal semicontributivo anio=2024 estado=None", "Totales anio=2024 estado=None"]


def _impossible_budget(text: str) -> str:
    """The Loja text with a budget unit's codificado beyond any budget, its total to match (so
    the table's own check, details against total, lets it through to validation)."""
    assert "1.913.418,00" in text and "86.378.986,13" in text
    return text.replace("1.913.418,00", "9.999.999.999.999,99").replace("86.378.986,13", "10.000.084.465.568,12")


def test_a_table_that_fails_validation_is_withheld_alone_its_old_rows_withdrawn(tmp_path: Path) -> None:
    """An impossible budget: that table (and the totals it failed with) is withheld for that
    report only, `tablas` says `quarantined` and why, the report is `partial`; its other
    datasets are published."""
    from conftest import read, run_on

    code, root = run_on(tmp_path, [RAW / "iess-loja-2024.txt"])
    assert code == 0
    assert len(read(root, "presupuesto")) == 5
    text = (root / "raw" / "iess-loja-2024.txt").read_text("utf-8")
    (root / "raw" / "iess-loja-2024.txt").write_text(_impossible_budget(text), "utf-8")
    code, root = run_on(tmp_path, [])
    assert code == 0
    report = read(root, "reports").set_index("report_id").loc["iess-loja-2024"]
    assert report["status"] == "partial"
    assert "presupuesto withheld: expect_column_values_to_be_between" in report["error"]
    for dataset in ("presupuesto", "totales"):
        assert not (root / "processed" / dataset / "report_id=iess-loja-2024").exists() or not len(
            read(root, dataset)), dataset  # its earlier rows withdrawn, none published
    assert len(read(root, "contratacion")) == 7 and len(read(root, "secciones")) > 0  # the others published
    tablas = read(root, "tablas").set_index("dataset")
    assert tablas.loc["presupuesto", "status"] == "quarantined"
    assert "expect_column_values_to_be_between" in tablas.loc["presupuesto", "reason"]
    assert tablas.loc["contratacion", "status"] == "found"
    checks = read(root, "validaciones")
    failed = checks[(checks.severity == "critical") & ~checks.success]
    assert "presupuesto" in set(failed.dataset) <= {"presupuesto", "totales"}  # its total is impossible too
    assert any("withheld: failed validation" in p for p in read(root, "anomalias").problem)
    q = json.loads((root / "interim" / "iess-loja-2024" / "quarantine" / "quarantine.json").read_text())
    assert "presupuesto: expect_column_values_to_be_between" in q["failed"]
    # the file restored: the report is published again in full
    (root / "raw" / "iess-loja-2024.txt").write_text(text, "utf-8")
    assert run_on(tmp_path, [])[0] == 0
    assert len(read(root, "presupuesto")) == 5
    assert read(root, "reports").status.tolist() == ["ok"]


def test_data_docs_site_has_a_page_per_suite(pdf_run: Path, tmp_path: Path) -> None:
    from extract.datadocs import build
    from extract.validate import suites_dir

    index = build(pdf_run / "processed", tmp_path / "gx")
    site = index.parent
    assert index.exists() and "<html" in index.read_text("utf-8").lower()
    suites = sorted(p.stem for p in suites_dir().glob("*.json"))
    assert suites == sorted([*SCHEMAS, "conciliaciones"])  # one per dataset, and the reconciliations
    for name in suites:
        assert (site / "expectations" / f"{name}.html").exists(), name
    assert list((site / "validations" / "afiliados").rglob("*.html"))


def test_one_gx_pass_for_a_batch_gives_each_report_its_own_verdict(tmp_path: Path) -> None:
    from extract.validate import validate_reports

    clean = extract_report(RAW / "iess-loja-2024.txt", RAW.parent, tmp_path / "i1")
    warned = extract_report(RAW / "iess-nacional-2024.txt", RAW.parent, tmp_path / "i2")
    azuay = tmp_path / "azuay.txt"
    azuay.write_text(_impossible_budget((RAW / "iess-loja-2024.txt").read_text("utf-8").replace("Loja", "Azuay")),
                     "utf-8")
    blocked = extract_report(azuay, tmp_path, tmp_path / "i3")
    assert blocked.report_id == "iess-azuay-2024"

    def outcome(v) -> list[tuple]:
        return sorted((f.dataset, f.expectation, f.severity, f.success) for f in v.findings)

    alone = {r.report_id: outcome(validate_report(copy.deepcopy(r))) for r in (clean, warned, blocked)}
    together = validate_reports([copy.deepcopy(r) for r in (clean, warned, blocked)])
    assert {rid: outcome(v) for rid, v in together.items()} == alone
    assert together["iess-azuay-2024"].withheld and not together["iess-loja-2024"].withheld
    assert not together["iess-nacional-2024"].withheld
    assert any(f.severity == "warning" and not f.success for f in together["iess-nacional-2024"].findings)
    assert together["iess-azuay-2024"].failed == ["presupuesto: expect_column_values_to_be_between",
                                                  "totales: expect_column_values_to_be_between"]


def test_interim_shows_the_anomalies_processed_holds(tmp_path: Path) -> None:
    from conftest import read, run_on

    code, root = run_on(tmp_path, [RAW / "iess-nacional-2024.txt"], workers=1)
    published = read(root, "anomalias")
    kept = json.loads((root / "interim" / "iess-nacional-2024" / "iess-nacional-2024.txt" / "anomalias.json")
                      .read_text("utf-8"))
    assert len(kept) == len(published) > 2
    assert sorted(a["problem"] for a in kept) == sorted(published.problem)


def test_one_gx_call_per_dataset_for_reports_of_several_years(tmp_path: Path, gx_calls: list[str]) -> None:
    """Reports of 2024 and 2023 in one batch: one GX call per dataset, and each row's year is
    checked against its own report's fiscal year (2013 is too old for a 2023 report only)."""
    import extract.validate as validate

    nat24 = extract_report(RAW / "iess-nacional-2024.txt", RAW.parent, tmp_path / "i1")
    nat23 = extract_report(DATA / "variants" / "iess-nacional-2023.txt", DATA.parent, tmp_path / "i2")
    assert (nat24.report["anio_fiscal"], nat23.report["anio_fiscal"]) == (2024, 2023)
    nat23.datasets["afiliados"][0]["anio"] = 2012  # eleven years before 2023
    nat24.datasets["afiliados"][0]["anio"] = 2014  # ten years before 2024: allowed
    verdicts = validate.validate_reports([nat24, nat23])
    assert gx_calls and sorted(gx_calls) == sorted(set(gx_calls))  # one call per dataset, whatever the years
    assert "afiliados: expect_column_values_to_be_between" in verdicts["iess-nacional-2023"].failed
    assert not any(f.startswith("afiliados") for f in verdicts["iess-nacional-2024"].failed)


def test_a_failed_reconciliation_is_a_failed_expectation_in_data_docs(tmp_path: Path) -> None:
    """The national report's printed % participación does not all match its figures (four
    warnings in `validaciones`): the Data Docs site shows the `conciliaciones` suite failed,
    not 'Succeeded'."""
    from conftest import read, run_on

    from extract.datadocs import build

    code, root = run_on(tmp_path, [RAW / "iess-nacional-2024.txt"], workers=1)
    warned = read(root, "validaciones").query("not success")
    assert len(warned) >= 1 and set(warned.severity) == {"warning"}
    build(root / "processed", tmp_path / "gx", root / "interim" / "conciliaciones")
    results = [json.loads(p.read_text("utf-8")) for p in
               (tmp_path / "gx" / "gx" / "uncommitted" / "validations" / "conciliaciones").rglob("*.json")]
    assert len(results) == 1 and results[0]["success"] is False
    failed = [r for r in results[0]["results"] if not r["success"]]
    assert failed[0]["expectation_config"]["type"] == "expect_column_pair_values_a_to_be_greater_than_b"
    assert failed[0]["result"]["unexpected_count"] == len(warned.query("expectation.str.startswith('derived') "
                                                                       "or expectation.str.startswith('reconcile')"))
