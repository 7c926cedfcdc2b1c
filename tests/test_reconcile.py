"""The reconciliation rules and verdicts, without GX (fast; in the mutation run): which detail
rows a total covers, per year and state; derived values against their figures; what blocks a
report and how its warnings become anomalies. Figures are invented."""

from __future__ import annotations

import logging
from decimal import Decimal as D

import pytest

from extract import reconcile, tolerances
from extract.model import ReportResult
from extract.verdicts import Finding, Verdict, finish


def total(ds: str, medida: str, valor: str, seq: int, etiqueta: str = "Total", anio: int | None = None,
          estado: str | None = None) -> dict:
    return {"dataset": ds, "medida": medida, "valor": D(valor), "_seq": seq, "etiqueta": etiqueta,
            "anio": anio, "estado": estado, "source_line": 100 + seq}


def row(seq: int, **fields) -> dict:
    return {"_seq": seq, "source_page": 7, **fields}


def by_check(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["check"], r["etiqueta"]): r for r in rows}


def test_a_grand_total_covers_every_detail_row_of_its_table() -> None:
    data = {"afiliados": [row(0, afiliados=D(10)), row(1, afiliados=D(32))],
            "totales": [total("afiliados", "afiliados", "42", 2)]}
    [check] = reconcile.checks(data)
    assert (check["dataset"], check["check"]) == ("afiliados", "reconcile_total:afiliados")
    assert (check["impreso"], check["calculado"], check["diferencia"]) == (D(42), D(42), D(0))
    assert check["tolerancia"] == tolerances.TOTAL
    assert check["location"] == "line 102" and check["etiqueta"] == "Total anio=None estado=None"


def test_a_missing_detail_row_shows_as_the_difference() -> None:
    data = {"afiliados": [row(0, afiliados=D(10))], "totales": [total("afiliados", "afiliados", "42", 2)]}
    [check] = reconcile.checks(data)
    assert (check["calculado"], check["diferencia"]) == (D(10), D(32))


def test_a_subtotal_covers_the_rows_since_the_previous_subtotal_only() -> None:
    rows = [row(0, monto_usd=D(1)), row(1, monto_usd=D(2)), row(3, monto_usd=D(40)), row(4, monto_usd=D(50))]
    totals = [total("contratacion", "monto_usd", "3", 2, "Subtotal bienes"),
              total("contratacion", "monto_usd", "90", 5, "Subtotal obras"),
              total("contratacion", "monto_usd", "93", 6, "Total general")]
    checks = by_check(reconcile.checks({"contratacion": rows, "totales": totals}))
    assert checks[("reconcile_total:monto_usd", "Subtotal bienes anio=None estado=None")]["calculado"] == D(3)
    assert checks[("reconcile_total:monto_usd", "Subtotal obras anio=None estado=None")]["calculado"] == D(90)
    # a grand total covers every row, subtotals aside (they are not detail rows)
    assert checks[("reconcile_total:monto_usd", "Total general anio=None estado=None")]["calculado"] == D(93)
    assert reconcile.covered({"contratacion": rows, "totales": totals}, totals[1]) == rows[2:]


def test_rows_without_a_position_are_in_no_subtotal_and_a_total_without_one_cuts_nothing() -> None:
    """Rows and totals read from running text may carry no position (`_seq`): such a row is
    left out of every subtotal (only a grand total covers it), and such a total does not end
    the run of rows the next subtotal covers."""
    rows = [row(0, monto_usd=D(1)), row(1, monto_usd=D(2)), row(2, monto_usd=D(4))]
    loose = {"monto_usd": D(100), "source_line": 50}
    grand = total("contratacion", "monto_usd", "107", 9, "Total")
    unplaced = {**total("contratacion", "monto_usd", "999", 0, "Subtotal suelto")}
    del unplaced["_seq"]
    sub = total("contratacion", "monto_usd", "7", 3, "Subtotal")
    data = {"contratacion": [*rows, loose], "totales": [unplaced, sub, grand]}
    assert reconcile.covered(data, sub) == rows
    assert reconcile.covered({"contratacion": [*rows, loose], "totales": [sub]}, sub) == rows
    assert reconcile.covered({"contratacion": [*rows, loose]}, sub) == rows  # asked of a table alone
    assert reconcile.covered(data, grand) == [*rows, loose]
    assert reconcile.covered(data, unplaced) == [*rows, loose]


def test_a_total_of_one_year_and_state_sums_only_that_year_and_state() -> None:
    rows = [row(0, anio=2023, estado="adjudicado", monto_usd=D(5)),
            row(0, anio=2024, estado="adjudicado", monto_usd=D(7)),
            row(1, anio=2024, estado="finalizado", monto_usd=D(100)),
            row(1, anio=2024, estado="adjudicado", monto_usd=D(11))]
    totals = [total("contratacion", "monto_usd", "18", 2, anio=2024, estado="adjudicado")]
    [check] = reconcile.checks({"contratacion": rows, "totales": totals})
    assert check["calculado"] == D(18) and check["diferencia"] == D(0)


def test_percent_totals_and_totals_of_an_absent_measure_are_not_summed() -> None:
    rows = [row(0, afiliados=D(10), participacion_pct=D(40))]
    totals = [total("afiliados", "participacion_pct", "100", 1), total("afiliados", "pensionistas", "9", 1),
              total("pensiones", "afiliados", "10", 1)]
    assert reconcile.checks({"afiliados": rows, "totales": totals}) == []
    # and they do not stop the totals after them from being checked
    [check] = reconcile.checks({"afiliados": rows, "totales": [*totals, total("afiliados", "afiliados", "10", 1)]})
    assert (check["check"], check["diferencia"]) == ("reconcile_total:afiliados", D(0))


def test_an_empty_cell_counts_as_zero_in_a_sum() -> None:
    data = {"afiliados": [row(0, afiliados=None), row(1, afiliados=D(4))],
            "totales": [total("afiliados", "afiliados", "4", 2)]}
    assert reconcile.checks(data)[0]["diferencia"] == D(0)


def test_budget_execution_is_devengado_over_codificado_in_percent_to_the_cent() -> None:
    budget = [row(0, unidad="Salud", codificado_usd=D(3), devengado_usd=D(2), ejecucion_pct=D("66.67")),
              row(1, unidad="Sin código", codificado_usd=D(0), devengado_usd=D(2), ejecucion_pct=D(1)),
              row(2, unidad="Sin porcentaje", codificado_usd=D(3), devengado_usd=D(2), ejecucion_pct=None)]
    [check] = reconcile.checks({"presupuesto": budget})
    assert (check["dataset"], check["check"], check["etiqueta"]) == ("presupuesto", "derived:ejecucion_pct", "Salud")
    assert (check["calculado"], check["diferencia"], check["tolerancia"]) == (D("66.67"), D(0), tolerances.PERCENT)
    assert check["location"] == "page 7"


def _by_year(seq: int, label: str, values: dict[int, str], shown: dict[str, str]) -> list[dict]:
    return [row(seq, seguro=label, anio=y, afiliados=D(v), _derived={k: D(s) for k, s in shown.items()})
            for y, v in values.items()]


def test_a_printed_change_is_the_last_year_less_the_first() -> None:
    rows = _by_year(0, "General", {2022: "100", 2023: "130", 2024: "150"}, {"variacion": "50"})
    [check] = reconcile.checks({"afiliados": rows})
    assert (check["dataset"], check["check"], check["etiqueta"]) == ("afiliados", "derived:variacion", "General")
    assert (check["impreso"], check["calculado"], check["diferencia"]) == (D(50), D(50), D(0))


def test_a_printed_share_is_of_the_last_years_grand_total_not_a_subtotal() -> None:
    rows = [*_by_year(0, "General", {2023: "30", 2024: "60"}, {"participacion_pct": "25"}),
            *_by_year(1, "Campesino", {2023: "10", 2024: "180"}, {})]
    totals = [total("afiliados", "afiliados", "240", 2, "Total", anio=2024),
              total("afiliados", "afiliados", "40", 2, "Total", anio=2023),
              total("afiliados", "afiliados", "60", 1, "Subtotal", anio=2024)]
    checks = by_check(reconcile.checks({"afiliados": rows, "totales": totals}))
    share = checks[("derived:participacion_pct", "General")]
    assert (share["calculado"], share["tolerancia"]) == (D("25.00"), tolerances.SHARE)


@pytest.mark.parametrize("measure", ["afiliados", "pensionistas", "monto_usd"])
def test_every_table_by_year_has_its_change_checked(measure: str) -> None:
    rows = [row(0, seguro="General", anio=y, **{measure: D(v)}, _derived={"variacion": D("7")})
            for y, v in ((2023, "10"), (2024, "17"))]
    [check] = reconcile.checks({"t": rows})
    assert (check["check"], check["calculado"], check["diferencia"]) == ("derived:variacion", D(7), D(0))


def test_no_derived_check_for_a_single_year_or_without_a_measure() -> None:
    assert reconcile.checks({"afiliados": _by_year(0, "General", {2024: "5"}, {"variacion": "5"})}) == []
    # a row of one year does not stop the rows after it from being checked
    rows = [*_by_year(0, "Solo", {2024: "5"}, {"variacion": "5"}),
            *_by_year(1, "General", {2023: "1", 2024: "5"}, {"variacion": "4"})]
    assert [c["etiqueta"] for c in reconcile.checks({"afiliados": rows})] == ["General"]
    assert reconcile.checks({"recomendaciones": [row(0, anio=2024, texto="x", _derived={"variacion": D(1)})]}) == []


@pytest.mark.parametrize(("fields", "name"), [
    ({"seguro": "Campesino", "prestacion": "Vejez"}, "Campesino / Vejez"),
    ({"sector": "Privado", "tipo_afiliado": None, "unidad": "Loja"}, "Privado / Loja"),
    ({"tipo_afiliado": "Voluntario", "anio": 2024}, "Voluntario"),
    ({}, ""),
])
def test_a_row_is_named_as_a_reader_finds_it(fields: dict, name: str) -> None:
    assert reconcile.row_name(fields) == name


def test_a_row_is_located_by_page_else_line() -> None:
    assert reconcile.where({"source_page": 3, "source_line": 9}) == "page 3"
    assert reconcile.where({"source_page": None, "source_line": 9}) == "line 9"
    assert reconcile.where({}) is None


def test_only_a_failed_critical_expectation_withholds_and_only_of_the_report_blocks_it() -> None:
    """A table's critical failure withholds that table (the report `partial`); one of the
    report as a whole (its sections, its identity) blocks the report."""
    verdict = Verdict("r", [Finding("afiliados", "not_null", "critical", True),
                            Finding("afiliados", "reconcile", "warning", False, "printed 1 vs computed 2")])
    assert not verdict.blocked and verdict.failed == [] and verdict.status("ok") == "ok"
    verdict.findings.append(Finding("presupuesto", "between", "critical", False, "150"))
    assert not verdict.blocked and verdict.failed == ["presupuesto: between"]
    assert verdict.withheld == {"presupuesto": ["between"]} and verdict.status("ok") == "partial"
    verdict.findings.append(Finding("secciones", "not_null", "critical", False))
    assert verdict.blocked and verdict.withheld == {} and verdict.status("ok") == "quarantined"


def test_a_verdict_becomes_validaciones_rows_and_a_quarantine_record() -> None:
    verdict = Verdict("r", [Finding("afiliados", "not_null", "critical", False, "3 unexpected", '{"column": "x"}')])
    assert verdict.rows() == [{"report_id": "r", "dataset": "afiliados", "expectation": "not_null",
                               "severity": "critical", "success": False, "observed_value": "3 unexpected",
                               "details": '{"column": "x"}'}]
    res = ReportResult("raw/r.pdf", report_id="r", datasets={"afiliados": [{"afiliados": D(1)}]})
    parked = verdict.quarantined(res)
    assert parked["failed"] == ["afiliados: not_null"] and parked["datasets"] == res.datasets
    assert parked["report_id"] == "r"
    assert parked["source_file"] == "raw/r.pdf" and parked["findings"][0]["observed"] == "3 unexpected"


def test_a_failed_warning_is_logged_naming_the_report_dataset_check_and_values(
        caplog: pytest.LogCaptureFixture) -> None:
    res = ReportResult("raw/r.pdf", report_id="r")  # no anomalies yet
    with caplog.at_level(logging.INFO, logger="extract.validate"):
        finish(res, Verdict("r", [
            Finding("afiliados", "reconcile_total:afiliados", "warning", False, "printed 1 vs computed 2"),
            Finding("presupuesto", "derived:ejecucion_pct", "warning", False, "printed 5 vs computed 6", "Salud"),
            Finding("afiliados", "not_null", "critical", False, "2 unexpected"),
            Finding("afiliados", "in_set", "critical", True)]))
    assert [a["problem"] for a in res.datasets["anomalias"]] == [
        "reconcile_total:afiliados failed (None)", "derived:ejecucion_pct failed (Salud)"]
    assert [r.getMessage() for r in caplog.records] == [
        "r: afiliados: reconcile_total:afiliados failed: printed 1 vs computed 2",
        "r: presupuesto: derived:ejecucion_pct failed: printed 5 vs computed 6",
        "r: validate: 4 checks, 1 critical failures, 2 warnings"]
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING", "INFO"]


def test_each_failed_warning_becomes_an_anomaly_and_nothing_else_does() -> None:
    res = ReportResult("raw/r.pdf", report_id="r", datasets={"anomalias": [{"problem": "earlier"}]})
    finish(res, Verdict("r", [
        Finding("afiliados", "reconcile_total:afiliados", "warning", False, "printed 1 vs computed 2", "Total",
                "page 4"),
        Finding("afiliados", "derived:variacion", "warning", True, "printed 1 vs computed 1"),
        Finding("afiliados", "not_null", "critical", False, "2 unexpected")]))
    assert res.datasets["anomalias"] == [{"problem": "earlier"}, {
        "report_id": "r", "stage": "validate", "dataset": "afiliados", "location": "page 4",
        "raw_text": "printed 1 vs computed 2", "problem": "reconcile_total:afiliados failed (Total)"}]
