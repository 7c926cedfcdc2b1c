"""Stage 5, validate: Great Expectations suites (from `expectations/`) gate what is published.

Critical expectations (schema, keys, allowed values, ranges) block a report: its datasets go
to quarantine. Warnings (totals that do not reconcile, derived columns that disagree) are
published as `validaciones` rows and `anomalias`. Suites are read from version control, never
generated during a run; the GX context is ephemeral (no cloud, no network) and made once.
"""

from __future__ import annotations

import gc
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from extract import tolerances
from extract.contract import SCHEMAS, to_table
from extract.model import ReportResult

log = logging.getLogger("extract.validate")

EXPECTATIONS = Path(__file__).resolve().parent / "expectations"  # package data; `expectations/` links here


class SuiteMissing(RuntimeError):
    """A dataset has no readable validation suite: the run stops, nothing is published unchecked."""


@dataclass
class Finding:
    dataset: str
    expectation: str
    severity: str
    success: bool
    observed: str | None = None
    details: str | None = None
    location: str | None = None  # page or line of the row it concerns


def _where(row: dict[str, Any]) -> str | None:
    if row.get("source_page") is not None:
        return f"page {row['source_page']}"
    return f"line {row['source_line']}" if row.get("source_line") is not None else None


def _name(row: dict[str, Any]) -> str:
    """A detail row as a reader finds it in the report: `Campesino / Vejez`."""
    parts = [row.get(k) for k in ("seguro", "sector", "prestacion", "tipo_afiliado", "unidad")]
    return " / ".join(str(p) for p in parts if p)


@dataclass
class Verdict:
    """The outcome of validating one report."""

    report_id: str
    findings: list[Finding] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)  # its reconciliation rows (`checks`)

    @property
    def failed(self) -> list[str]:
        return [f"{f.dataset}: {f.expectation}" for f in self.findings
                if f.severity == "critical" and not f.success]

    @property
    def blocked(self) -> bool:
        return bool(self.failed)

    def rows(self) -> list[dict[str, Any]]:
        """The `validaciones` rows of this verdict."""
        return [{"report_id": self.report_id, "dataset": f.dataset, "expectation": f.expectation,
                 "severity": f.severity, "success": f.success, "observed_value": f.observed,
                 "details": f.details} for f in self.findings]

    def quarantined(self, res: ReportResult) -> dict[str, Any]:
        """What is parked of a blocked report, and why (`write.quarantine`)."""
        return {"report_id": res.report_id, "source_file": res.source_file, "failed": self.failed,
                "datasets": res.datasets, "findings": [f.__dict__ for f in self.findings if not f.success]}


def suites_dir() -> Path:
    return EXPECTATIONS


def check_suites() -> None:
    """Raise SuiteMissing unless every dataset of the contract has a readable suite."""
    for dataset in [*SCHEMAS, CHECKS]:
        path = suites_dir() / f"{dataset}.json"
        try:
            json.loads(path.read_text("utf-8"))["expectations"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise SuiteMissing(f"validation suite {path} is missing or unreadable ({err})") from err


@cache
def _context() -> Any:
    """The GX context and batch definition, made once per process (GX costs seconds to import)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = ctx.data_sources.add_pandas("extract").add_dataframe_asset("dataset")
    whole = asset.add_batch_definition_whole_dataframe("whole")
    gc.freeze()  # GX's ~250k long-lived objects: out of every later collection (0.6 s at exit)
    return whole


def ready() -> None:
    """Import GX and make the context now (a no-op after the first call in a process)."""
    _context()


def is_ready() -> bool:
    """True once GX is imported and its context made in this process."""
    return _context.cache_info().currsize > 0


@cache
def load_suite(dataset: str) -> Any:
    """The GX suite of `dataset` as committed in `expectations/<dataset>.json`."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    path = suites_dir() / f"{dataset}.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise SuiteMissing(f"validation suite {path} cannot be read ({err})") from err
    expectations = [
        ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta", {}),
                                 severity=e.get("severity", "critical")).to_domain_obj()
        for e in data["expectations"]
    ]
    return gx.ExpectationSuite(name=data["name"], expectations=expectations)


#: A column derived for validation only (never written): how many years before the report's
#: fiscal year a row's year is, so that one GX call checks the years of every fiscal year.
LAG = "anio_desfase"


def _frame(dataset: str, records: list[dict[str, Any]]) -> Any:
    import pandas as pd

    names = SCHEMAS[dataset].names
    columns = {n: [r.get(n) for r in records] for n in names}
    if "anio" in names:
        columns[LAG] = [r["anio_fiscal"] - r["anio"] if isinstance(r.get("anio"), int)
                        and isinstance(r.get("anio_fiscal"), int) else None for r in records]
    return pd.DataFrame(columns, columns=list(columns), dtype=object)


def _schema(dataset: str, records: list[dict[str, Any]]) -> Finding:
    """The contract's Arrow schema: names and types of every column."""
    try:
        to_table(dataset, records)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as err:
        return Finding(dataset, "contract_schema", "critical", False, None, str(err)[:500])
    return Finding(dataset, "contract_schema", "critical", True)


def _gx(dataset: str, records: list[dict[str, Any]], report_ids: list[str]) -> dict[str, list[Finding]]:
    """The dataset's GX suite on the rows of every report in `report_ids` (rows that fit the
    schema), in one GX call; each failing row is attributed to its report (GX's
    `unexpected_index_list` by `report_id`), so a failure blames only the reports it is in.
    A failed expectation without rows to point at (a table-level one) blames every report."""
    batch = _context().get_batch(batch_parameters={"dataframe": _frame(dataset, records)})
    result = batch.validate(load_suite(dataset), result_format={
        "result_format": "COMPLETE", "unexpected_index_column_names": ["report_id"]})
    out: dict[str, list[Finding]] = {rid: [] for rid in report_ids}
    for r in result.results:
        cfg = r.expectation_config
        kwargs = json.dumps({k: v for k, v in cfg.kwargs.items() if k != "batch_id"}, default=str)[:500]
        rows = r.result.get("unexpected_index_list")
        by_report: dict[str, list[Any]] = defaultdict(list)
        for row in rows or []:
            if isinstance(row, dict):
                by_report[str(row.get("report_id"))].append({k: v for k, v in row.items() if k != "report_id"})
        for rid in report_ids:
            if r.success:
                failed, observed = False, r.result.get("observed_value")
            elif rows:
                failed = rid in by_report
                observed = f"{len(by_report[rid])} unexpected: {by_report[rid][:_SHOWN]}" if failed else None
            else:
                failed, observed = True, r.result.get("observed_value")
            out[rid].append(Finding(dataset, cfg.type, str(cfg.severity.value), not failed,
                                    None if observed is None else str(observed)[:500], kwargs))
    return out


_SHOWN = 20  # unexpected values shown per failed expectation and report


def _records(res: ReportResult, dataset: str) -> list[dict[str, Any]]:
    return [res.report] if dataset == "reports" else res.datasets.get(dataset, [])


def validate_reports(results: list[ReportResult]) -> dict[str, Verdict]:
    """Every dataset of every report against its suite, plus reconciliation warnings.

    GX costs about as much per call as per thousand rows, so each dataset is validated in one
    call for the whole batch, whatever its fiscal years (a row's year is checked against its
    own report's, `LAG`), and each failing row is attributed to its report from that one
    result: never a re-run per report or per year.
    """
    verdicts = {r.report_id or "": Verdict(r.report_id or "") for r in results}
    names = sorted({"reports", *(d for r in results for d in r.datasets)})
    for dataset in names:
        typed = []
        together = _schema(dataset, [row for res in results for row in _records(res, dataset)])
        for res in results:  # report by report only when the batch's rows do not all fit
            finding = together if together.success else _schema(dataset, _records(res, dataset))
            verdicts[res.report_id or ""].findings.append(finding)
            if finding.success and _records(res, dataset):
                typed.append(res)
        if not typed:
            continue
        ids = [r.report_id or "" for r in typed]
        found = _gx(dataset, [row for r in typed for row in _records(r, dataset)], ids)
        for rid in ids:
            verdicts[rid].findings.extend(found[rid])
    _check_findings(results, verdicts)
    for res in results:
        _finish(res, verdicts[res.report_id or ""])
    return verdicts


def validate_report(res: ReportResult) -> Verdict:
    """One report's verdict (see `validate_reports`)."""
    return validate_reports([res])[res.report_id or ""]


#: The reconciliation checks' suite: a derived frame, one row per check (`checks`), so a
#: failed reconciliation is a failed GX expectation like any other.
CHECKS = "conciliaciones"
_CHECK_COLUMNS = ("report_id", "dataset", "check", "etiqueta", "impreso", "calculado", "diferencia",
                  "tolerancia", "location", "_row")


def checks(data: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per reconciliation of a report: the detail rows against each printed total and
    subtotal (per year and state), and each printed derived value against the figures it
    derives from (`impreso`, `calculado`, their `diferencia` and its `tolerancia`)."""
    out: list[dict[str, Any]] = []

    def add(ds: str, check: str, label: str, printed: Any, computed: Decimal, tolerance: Decimal,
            row: dict[str, Any]) -> None:
        out.append({"dataset": ds, "check": check, "etiqueta": label, "impreso": Decimal(printed),
                    "calculado": computed, "diferencia": abs(computed - Decimal(printed)),
                    "tolerancia": tolerance, "location": _where(row)})

    for total in data.get("totales", []):
        ds, medida = total["dataset"], total["medida"]
        if medida.endswith("_pct"):
            continue
        rows = [r for r in _covered(data, total)
                if ("anio" not in r or r.get("anio") == total["anio"])
                and ("estado" not in r or r.get("estado") == total["estado"])]
        if not rows or medida not in rows[0]:
            continue
        detail = sum((Decimal(r[medida] or 0) for r in rows), Decimal(0))
        add(ds, f"reconcile_total:{medida}",
            f"{total['etiqueta']} anio={total['anio']} estado={total['estado']}", total["valor"], detail,
            tolerances.TOTAL, total)
    for r in data.get("presupuesto", []):
        cod, dev, pct = r.get("codificado_usd"), r.get("devengado_usd"), r.get("ejecucion_pct")
        if cod and dev is not None and pct is not None:
            computed = (Decimal(dev) / Decimal(cod) * 100).quantize(Decimal("0.01"))
            add("presupuesto", "derived:ejecucion_pct", _name(r), pct, computed, tolerances.PERCENT, r)
    for ds, rows in data.items():
        for check, label, printed, computed, tolerance, row in _derived(ds, rows, data.get("totales", [])):
            add(ds, check, label, printed, computed, tolerance, row)
    return out


def _check_findings(results: list[ReportResult], verdicts: dict[str, Verdict]) -> None:
    """The reconciliation checks of every report not blocked (sums need the contract's types),
    in one GX call of the `conciliaciones` suite; a failed row is a warning of its report."""
    rows: list[dict[str, Any]] = []
    for res in results:
        if not verdicts[res.report_id or ""].blocked:
            rows.extend({**c, "report_id": res.report_id or ""} for c in checks(res.datasets))
    if not rows:
        return
    import pandas as pd

    for i, row in enumerate(rows):
        row["_row"] = i
    frame = pd.DataFrame([{k: r.get(k) for k in _CHECK_COLUMNS} for r in rows], dtype=object)
    batch = _context().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(load_suite(CHECKS), result_format={
        "result_format": "COMPLETE", "unexpected_index_column_names": ["_row"]})
    failed: dict[int, str] = {}
    for r in result.results:
        for hit in r.result.get("unexpected_index_list") or []:
            if isinstance(hit, dict):
                failed.setdefault(int(hit["_row"]), r.expectation_config.type)
    for row in rows:
        ok = row["_row"] not in failed
        verdicts[row["report_id"]].checks.append({k: row[k] for k in _CHECK_COLUMNS if k != "_row"})
        verdicts[row["report_id"]].findings.append(Finding(
            row["dataset"], row["check"], "warning", ok,
            f"printed {row['impreso']} vs computed {row['calculado']}", row["etiqueta"], row["location"]))


def _covered(data: dict[str, list[dict[str, Any]]], total: dict[str, Any]) -> list[dict[str, Any]]:
    """The detail rows a (sub)total covers: a subtotal, those since the previous subtotal of
    its table; a grand total, all of them."""
    ds, seq = total["dataset"], total.get("_seq")
    rows = data.get(ds, [])
    if seq is None or not total["etiqueta"].lower().startswith("sub"):
        return rows
    before = [t.get("_seq", -1) for t in data.get("totales", [])
              if t["dataset"] == ds and t.get("_seq", -1) < seq]
    start = max(before, default=-1)
    return [r for r in rows if start < r.get("_seq", -1) < seq]


def _derived(ds: str, rows: list[dict[str, Any]], totals: list[dict[str, Any]]) -> list[tuple]:
    """Printed variación (last year minus first) and % participación (share of the last
    year's grand total) of tables with one column per year: (check, label, printed,
    computed, tolerance, row) each."""
    measure = next((k for k in ("afiliados", "pensionistas", "monto_usd") if rows and k in rows[0]), None)
    if measure is None:
        return []
    years: dict[int, dict[int, Decimal]] = defaultdict(dict)
    printed: dict[int, dict[str, Any]] = {}
    source: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r.get("anio") is not None and r.get(measure) is not None and "_seq" in r:
            years[r["_seq"]][r["anio"]] = Decimal(r[measure])
            printed[r["_seq"]] = r.get("_derived") or {}
            source[r["_seq"]] = r
    grand = {t["anio"]: Decimal(t["valor"]) for t in totals
             if t["dataset"] == ds and t["medida"] == measure and not t["etiqueta"].lower().startswith("sub")}
    out: list[tuple] = []
    for seq, by_year in years.items():
        if len(by_year) < 2:
            continue
        first, last = min(by_year), max(by_year)
        shown, row = printed[seq], source[seq]
        if "variacion" in shown:
            out.append(("derived:variacion", _name(row), shown["variacion"], by_year[last] - by_year[first],
                        tolerances.TOTAL, row))
        if "participacion_pct" in shown and grand.get(last):
            computed = (by_year[last] / grand[last] * 100).quantize(Decimal("0.01"))
            out.append(("derived:participacion_pct", _name(row), shown["participacion_pct"], computed,
                        tolerances.SHARE, row))
    return out


def _finish(res: ReportResult, verdict: Verdict) -> None:
    """Every warning also becomes an anomaly."""
    rid = verdict.report_id
    for f in verdict.findings:
        if f.severity == "warning" and not f.success:
            row = {"report_id": rid, "stage": "validate", "dataset": f.dataset, "location": f.location,
                   "raw_text": f.observed, "problem": f"{f.expectation} failed ({f.details})"}
            res.datasets.setdefault("anomalias", []).append(row)
            log.warning("%s: %s: %s failed: %s", rid, f.dataset, f.expectation, f.observed)
    log.info("%s: validate: %d checks, %d critical failures, %d warnings", rid,
             len(verdict.findings), len(verdict.failed),
             sum(f.severity == "warning" and not f.success for f in verdict.findings))
