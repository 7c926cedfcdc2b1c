"""Validation's rules on small batches in memory (no run, no files written; in the mutation
run): a failing row blames only its report, a table-level failure every report of the call, a
row that does not fit the contract only its own report; a year is checked against its own
report's fiscal year; warnings never block and become anomalies; reconciliations only for
reports not blocked."""

from __future__ import annotations

import copy
import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import RAW

from extract import validate
from extract.model import ReportResult
from extract.report import extract_report


@pytest.fixture(scope="module")
def loja(tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    """The Loja sample as extracted, with an invented table of affiliates by year (24 rows,
    more than a finding shows) that it does not print."""
    res = extract_report(RAW / "iess-loja-2024.txt", RAW.parent, tmp_path_factory.mktemp("rules"))
    fiscal = res.report["anio_fiscal"]
    res.datasets["afiliados"] = [
        {"report_id": res.report_id, "sector": "Privado", "tipo_afiliado": f"Tipo {k}", "anio": fiscal - back,
         "afiliados": 1000 + k, "source_file": res.source_file, "source_page": None, "source_line": 10 + k,
         "extraction_method": "text-aligned", "anio_fiscal": fiscal}
        for k in range(8) for back in range(3)]
    return res


def as_report(res: ReportResult, rid: str, years_later: int = 0) -> ReportResult:
    """A copy of `res` as report `rid`, its fiscal year and every row's year moved on."""
    out = copy.deepcopy(res)
    out.report_id = rid
    for row in [out.report, *(r for rows in out.datasets.values() for r in rows)]:
        row["report_id"] = rid
        for key in ("anio", "anio_fiscal"):
            if isinstance(row.get(key), int):
                row[key] += years_later
    return out


def failed(verdict: validate.Verdict, dataset: str) -> list[validate.Finding]:
    return [f for f in verdict.findings if f.dataset == dataset and not f.success]


def test_a_failing_row_blames_its_report_only_in_one_call_per_dataset(loja: ReportResult,
                                                                      gx_calls: list[str]) -> None:
    a, b, c = (as_report(loja, rid) for rid in "abc")
    b.datasets["afiliados"][1]["afiliados"] = Decimal(-5)
    verdicts = validate.validate_reports([a, b, c])
    # one call per dataset with rows (an empty one has nothing to check)
    assert sorted(gx_calls) == sorted({"reports", *(d for d, rows in loja.datasets.items() if rows)})
    assert verdicts["b"].failed == ["afiliados: expect_column_values_to_be_between"]
    [finding] = failed(verdicts["b"], "afiliados")
    assert finding.observed is not None and finding.observed.startswith("1 unexpected: [")
    assert "-5" in finding.observed and finding.severity == "critical"
    details = json.loads(finding.details or "{}")
    assert details["column"] == "afiliados" and "batch_id" not in details
    assert not verdicts["a"].blocked and not verdicts["c"].blocked
    same = [f for f in verdicts["a"].findings if (f.dataset, f.expectation, f.details) ==
            (finding.dataset, finding.expectation, finding.details)]
    assert [(f.success, f.observed) for f in same] == [(True, None)]  # nothing to show where it held
    [columns] = [f for f in verdicts["a"].findings
                 if (f.dataset, f.expectation) == ("afiliados", "expect_table_columns_to_match_set")]
    assert columns.success and columns.observed is not None and "tipo_afiliado" in columns.observed
    # every report has every expectation of every dataset it has, passed or not
    assert len(verdicts["a"].findings) > len(loja.datasets) and all(f.success for f in verdicts["a"].findings)


def test_unexpected_values_are_all_counted_and_shown_within_the_column_width(loja: ReportResult) -> None:
    bad = as_report(loja, "bad")
    rows = bad.datasets["afiliados"]
    for r in rows:
        r["afiliados"] = Decimal(-1)
    [finding] = failed(validate.validate_reports([bad])["bad"], "afiliados")
    assert finding.observed is not None
    assert finding.observed.startswith(f"{len(rows)} unexpected: ")
    assert finding.observed.count("-1") > 10 and len(finding.observed) == 500


def test_a_year_is_checked_against_its_own_reports_fiscal_year(loja: ReportResult) -> None:
    now, later = as_report(loja, "now"), as_report(loja, "later", years_later=5)
    now.datasets["afiliados"][0]["anio"] = now.report["anio_fiscal"] + 1  # a year after the report's
    later.datasets["afiliados"][0]["anio"] = later.report["anio_fiscal"] - 10  # ten years back: allowed
    verdicts = validate.validate_reports([now, later])
    assert verdicts["now"].failed == ["afiliados: expect_column_values_to_be_between"]
    assert not verdicts["later"].blocked


def test_the_year_lag_is_known_only_for_whole_years() -> None:
    rows = [{"anio": 2020, "anio_fiscal": 2024}, {"anio": None, "anio_fiscal": 2024}, {"anio": 2020}]
    frame = validate._frame("afiliados", rows)
    assert list(frame[validate.LAG]) == [4, None, None]
    assert validate.LAG not in validate._frame("presupuesto", [{"unidad": "x"}]).columns


def test_a_row_that_does_not_fit_the_contract_blames_its_report_only(loja: ReportResult,
                                                                     gx_calls: list[str]) -> None:
    a, b = as_report(loja, "a"), as_report(loja, "b")
    b.datasets["afiliados"][0]["afiliados"] = "muchos"
    verdicts = validate.validate_reports([a, b])
    assert verdicts["b"].failed == ["afiliados: contract_schema"]
    [bad] = [f for f in verdicts["b"].findings if f.dataset == "afiliados"]
    assert (bad.severity, bad.success, bad.observed) == ("critical", False, None)
    assert bad.details and "muchos" in bad.details
    assert {(f.severity, f.success) for f in verdicts["a"].findings if f.expectation == "contract_schema"} == \
        {("critical", True)}
    assert [f.expectation for f in verdicts["b"].findings if f.dataset == "afiliados"] == ["contract_schema"]
    assert [f.success for f in verdicts["a"].findings if f.expectation == "contract_schema"] == \
        [True] * len({"reports", *loja.datasets})
    assert gx_calls.count("afiliados") == 1  # the reports that fit are still validated together


def test_a_table_level_failure_blames_every_report_of_the_call(loja: ReportResult, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An expectation on the whole table has no rows to point at: every report is in it."""
    suites = tmp_path / "expectations"
    suites.mkdir()
    for src in validate.suites_dir().glob("*.json"):
        (suites / src.name).write_text(src.read_text("utf-8"), "utf-8")
    suite = json.loads((suites / "afiliados.json").read_text("utf-8"))
    suite["expectations"].append({"type": "expect_table_row_count_to_be_between",
                                  "kwargs": {"min_value": 0, "max_value": 1}, "severity": "warning"})
    (suites / "afiliados.json").write_text(json.dumps(suite), "utf-8")
    monkeypatch.setattr(validate, "EXPECTATIONS", suites)
    validate.load_suite.cache_clear()
    try:
        a, b = as_report(loja, "a"), as_report(loja, "b")
        verdicts = validate.validate_reports([a, b])
    finally:
        validate.load_suite.cache_clear()
    for rid in "ab":
        [finding] = failed(verdicts[rid], "afiliados")
        assert (finding.expectation, finding.severity) == ("expect_table_row_count_to_be_between", "warning")
        assert finding.observed == str(2 * len(loja.datasets["afiliados"]))
        assert not verdicts[rid].blocked


def test_a_warning_never_blocks_and_becomes_an_anomaly(loja: ReportResult) -> None:
    over = as_report(loja, "over")
    over.datasets["presupuesto"][0]["ejecucion_pct"] = Decimal("150.00")
    before = len(over.datasets.get("anomalias", []))
    verdict = validate.validate_reports([over])["over"]
    assert not verdict.blocked
    warned = [f for f in failed(verdict, "presupuesto") if f.expectation == "expect_column_values_to_be_between"]
    assert [f.severity for f in warned] == ["warning"]
    added = over.datasets["anomalias"][before:]
    assert any(a["dataset"] == "presupuesto" and a["stage"] == "validate" and "150" in (a["raw_text"] or "")
               for a in added)


def test_reconciliations_are_checked_for_reports_not_blocked_only(loja: ReportResult) -> None:
    ok, off, blocked = as_report(loja, "ok"), as_report(loja, "off"), as_report(loja, "blocked")
    off.datasets["totales"][0]["valor"] += 1000
    blocked.datasets["afiliados"][0]["afiliados"] = Decimal(-1)
    verdicts = validate.validate_reports([ok, off, blocked])
    assert verdicts["ok"].checks and all("_row" not in c for c in verdicts["ok"].checks)
    assert {c["check"] for c in verdicts["ok"].checks} >= {"reconcile_total:codificado_usd"}
    assert not any(f.expectation.startswith("reconcile_total") and not f.success for f in verdicts["ok"].findings)
    [wrong] = [f for f in verdicts["off"].findings if not f.success and f.severity == "warning"]
    assert wrong.expectation.startswith("reconcile_total:") and wrong.observed is not None
    assert wrong.dataset == off.datasets["totales"][0]["dataset"]
    assert wrong.details is not None and wrong.details.startswith(off.datasets["totales"][0]["etiqueta"])
    assert wrong.observed.startswith("printed ") and " vs computed " in wrong.observed
    assert wrong.location is not None
    assert verdicts["blocked"].withheld.keys() == {"afiliados"}  # that table withheld: not reconciled
    assert not any(c["dataset"] == "afiliados" for c in verdicts["blocked"].checks)
    assert not any(f.expectation.startswith(("reconcile_total", "derived:")) and f.dataset == "afiliados"
                   for f in verdicts["blocked"].findings)


def test_a_missing_or_unreadable_suite_stops_the_run_naming_it(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    suites = tmp_path / "expectations"
    suites.mkdir()
    for src in validate.suites_dir().glob("*.json"):
        (suites / src.name).write_text(src.read_text("utf-8"), "utf-8")
    monkeypatch.setattr(validate, "EXPECTATIONS", suites)
    validate.check_suites()  # all there
    (suites / "afiliados.json").write_text('{"name": "afiliados"}', "utf-8")
    with pytest.raises(validate.SuiteMissing, match="afiliados.json"):
        validate.check_suites()
    (suites / "afiliados.json").unlink()
    with pytest.raises(validate.SuiteMissing, match="afiliados.json is missing"):
        validate.check_suites()


def test_validating_on_forked_processes_gives_the_same_verdicts(loja: ReportResult) -> None:
    batch = [as_report(loja, rid) for rid in "abc"]
    batch[1].datasets["afiliados"][0]["afiliados"] = Decimal(-1)
    batch[2].datasets["presupuesto"][0]["ejecucion_pct"] = Decimal("150.00")
    twin = copy.deepcopy(batch)
    alone = validate.validate_reports(batch)
    side_by_side = validate.validate_reports(twin, workers=2)
    assert {rid: v.rows() for rid, v in side_by_side.items()} == {rid: v.rows() for rid, v in alone.items()}
    assert {rid: v.checks for rid, v in side_by_side.items()} == {rid: v.checks for rid, v in alone.items()}
    assert [r.datasets.get("anomalias") for r in twin] == [r.datasets.get("anomalias") for r in batch]
    assert "afiliados" in side_by_side["b"].withheld and not side_by_side["c"].withheld


def test_a_report_without_a_dataset_another_has_is_validated_on_what_it_has(loja: ReportResult) -> None:
    full, short = as_report(loja, "full"), as_report(loja, "short")
    del short.datasets["afiliados"]
    verdicts = validate.validate_reports([full, short])
    assert not verdicts["short"].blocked
    assert [f.expectation for f in verdicts["short"].findings if f.dataset == "afiliados"] == ["contract_schema"]
    assert len([f for f in verdicts["full"].findings if f.dataset == "afiliados"]) > 1


def test_with_workers_the_gx_calls_run_in_forked_processes(loja: ReportResult, gx_calls: list[str]) -> None:
    """Calls made in a forked process are not seen here: with two workers none is; alone, all."""
    validate.validate_reports([as_report(loja, "a")], workers=2)
    assert gx_calls == []
    validate.validate_reports([as_report(loja, "a")], workers=1)
    assert sorted(gx_calls) == sorted({"reports", *(d for d, rows in loja.datasets.items() if rows)})


def test_without_a_pool_validation_runs_here_and_says_so(loja: ReportResult, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    class NoPool:
        def __init__(self, *args, **kwargs) -> None:
            raise OSError(24, "Too many open files")

    monkeypatch.setattr(validate, "ProcessPoolExecutor", NoPool)
    bad = as_report(loja, "bad")
    bad.datasets["afiliados"][0]["afiliados"] = Decimal(-1)
    with caplog.at_level(logging.WARNING, logger="extract.validate"):
        verdicts = validate.validate_reports([bad, as_report(loja, "ok")], workers=2)
    assert "afiliados" in verdicts["bad"].withheld and not verdicts["ok"].withheld
    assert "validating in this process alone ([Errno 24] Too many open files)" in caplog.messages


def test_gx_is_loaded_once_and_known_to_be(loja: ReportResult) -> None:
    validate.ready()
    assert validate.is_ready()
    validate._context.cache_clear()
    assert not validate.is_ready()
    validate.ready()  # made again (GX stays imported)
    assert validate.is_ready()


def test_every_suite_allows_exactly_the_contracts_extraction_methods() -> None:
    """A method added to the contract (`contract.METHODS`) must be allowed by every suite, or
    the reports it reads would be quarantined."""
    from extract.contract import METHODS, SCHEMAS

    for dataset in SCHEMAS:
        suite = json.loads((validate.suites_dir() / f"{dataset}.json").read_text("utf-8"))
        allowed = [e["kwargs"]["value_set"] for e in suite["expectations"]
                   if e["kwargs"].get("column") == "extraction_method"]
        assert allowed == ([list(METHODS)] if "extraction_method" in SCHEMAS[dataset].names else []), dataset
