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
from extract.contract import SCHEMAS
from extract.model import ReportResult
from extract.write import to_table

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

    @property
    def failed(self) -> list[str]:
        return [f"{f.dataset}: {f.expectation}" for f in self.findings
                if f.severity == "critical" and not f.success]

    @property
    def blocked(self) -> bool:
        return bool(self.failed)

    def table(self, fiscal_year: int | None = None) -> pa.Table:
        return to_table("validaciones", [
            {"report_id": self.report_id, "dataset": f.dataset, "expectation": f.expectation,
             "severity": f.severity, "success": f.success, "observed_value": f.observed,
             "details": f.details} for f in self.findings], fiscal_year)


def suites_dir() -> Path:
    return EXPECTATIONS


def check_suites() -> None:
    """Raise SuiteMissing unless every dataset of the contract has a readable suite."""
    for dataset in SCHEMAS:
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


def _frame(dataset: str, records: list[dict[str, Any]]) -> Any:
    import pandas as pd

    names = SCHEMAS[dataset].names
    return pd.DataFrame({n: [r.get(n) for r in records] for n in names}, columns=names,
                        dtype=object)


def _schema(dataset: str, records: list[dict[str, Any]]) -> Finding:
    """The contract's Arrow schema: names and types of every column."""
    try:
        to_table(dataset, records)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as err:
        return Finding(dataset, "contract_schema", "critical", False, None, str(err)[:500])
    return Finding(dataset, "contract_schema", "critical", True)


def _gx(dataset: str, records: list[dict[str, Any]], params: dict[str, Any],
        report_ids: list[str]) -> dict[str, list[Finding]]:
    """The dataset's GX suite on the rows of every report in `report_ids` (rows that fit the
    schema), in one GX call; each failing row is attributed to its report (GX's
    `unexpected_index_list` by `report_id`), so a failure blames only the reports it is in.
    A failed expectation without rows to point at (a table-level one) blames every report."""
    batch = _context().get_batch(batch_parameters={"dataframe": _frame(dataset, records)})
    result = batch.validate(load_suite(dataset), expectation_parameters=params, result_format={
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

    GX costs about as much per call as per thousand rows, so each dataset is validated once
    for all reports of the same fiscal year (the suites' year bounds depend on it), and each
    failing row is attributed to its report from that one result: never a re-run per report.
    """
    verdicts = {r.report_id or "": Verdict(r.report_id or "") for r in results}
    years: dict[int, list[ReportResult]] = defaultdict(list)
    for res in results:
        years[res.report["anio_fiscal"]].append(res)
    for year, group in years.items():
        params = {"anio_min": year - 10, "anio_max": year}
        names = sorted({"reports", *(d for r in group for d in r.datasets)})
        for dataset in names:
            typed = []
            for res in group:
                finding = _schema(dataset, _records(res, dataset))
                verdicts[res.report_id or ""].findings.append(finding)
                if finding.success and _records(res, dataset):
                    typed.append(res)
            if not typed:
                continue
            ids = [r.report_id or "" for r in typed]
            found = _gx(dataset, [row for r in typed for row in _records(r, dataset)], params, ids)
            for rid in ids:
                verdicts[rid].findings.extend(found[rid])
    for res in results:
        _finish(res, verdicts[res.report_id or ""])
    return verdicts


def validate_report(res: ReportResult) -> Verdict:
    """One report's verdict (see `validate_reports`)."""
    return validate_reports([res])[res.report_id or ""]


def reconcile(data: dict[str, list[dict[str, Any]]]) -> list[Finding]:
    """Warnings: detail rows against the reported totals and subtotals (per year and state),
    and the printed derived columns against the values they derive from."""
    findings = []
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
        ok = abs(detail - Decimal(total["valor"])) <= tolerances.TOTAL
        findings.append(Finding(
            ds, f"reconcile_total:{medida}", "warning", ok,
            f"detail sum {detail} vs printed {total['valor']}",
            f"{total['etiqueta']} anio={total['anio']} estado={total['estado']}", _where(total)))
    for r in data.get("presupuesto", []):
        cod, dev, pct = r.get("codificado_usd"), r.get("devengado_usd"), r.get("ejecucion_pct")
        if cod and dev is not None and pct is not None:
            computed = (Decimal(dev) / Decimal(cod) * 100).quantize(Decimal("0.01"))
            ok = abs(computed - Decimal(pct)) <= tolerances.PERCENT
            if not ok:
                findings.append(Finding("presupuesto", "derived:ejecucion_pct", "warning", False,
                                        f"printed {pct}% vs computed {computed}%", _name(r), _where(r)))
    for ds, rows in data.items():
        findings.extend(_derived(ds, rows, data.get("totales", [])))
    return findings


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


def _derived(ds: str, rows: list[dict[str, Any]], totals: list[dict[str, Any]]) -> list[Finding]:
    """Printed variación (last year minus first) and % participación (share of the last
    year's grand total) of tables with one column per year."""
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
    findings = []
    for seq, by_year in years.items():
        if len(by_year) < 2:
            continue
        first, last = min(by_year), max(by_year)
        shown = printed[seq]
        if "variacion" in shown:
            computed = by_year[last] - by_year[first]
            if abs(computed - Decimal(shown["variacion"])) > tolerances.TOTAL:
                findings.append(Finding(ds, "derived:variacion", "warning", False,
                                        f"printed {shown['variacion']} vs computed {computed}",
                                        _name(source[seq]), _where(source[seq])))
        if "participacion_pct" in shown and grand.get(last):
            computed = (by_year[last] / grand[last] * 100).quantize(Decimal("0.01"))
            if abs(computed - Decimal(shown["participacion_pct"])) > tolerances.SHARE:
                findings.append(Finding(ds, "derived:participacion_pct", "warning", False,
                                        f"printed {shown['participacion_pct']}% vs computed {computed}%",
                                        _name(source[seq]), _where(source[seq])))
    return findings


def _finish(res: ReportResult, verdict: Verdict) -> None:
    """Add the reconciliation warnings; every warning also becomes an anomaly."""
    rid = verdict.report_id
    if not verdict.blocked:  # sums need the contract's types; a blocked report is quarantined
        verdict.findings.extend(reconcile(res.datasets))
    for f in verdict.findings:
        if f.severity == "warning" and not f.success:
            row = {"report_id": rid, "stage": "validate", "dataset": f.dataset, "location": f.location,
                   "raw_text": f.observed, "problem": f"{f.expectation} failed ({f.details})"}
            res.datasets.setdefault("anomalias", []).append(row)
            log.warning("%s: %s: %s failed: %s", rid, f.dataset, f.expectation, f.observed)
    log.info("%s: validate: %d checks, %d critical failures, %d warnings", rid,
             len(verdict.findings), len(verdict.failed),
             sum(f.severity == "warning" and not f.success for f in verdict.findings))


def quarantine(res: ReportResult, out: Path, verdict: Verdict) -> None:
    """Park a blocked report's datasets (JSON, since they may not fit the schema) with why."""
    out.mkdir(parents=True, exist_ok=True)
    payload = {"report_id": res.report_id, "source_file": res.source_file,
               "failed": verdict.failed, "datasets": res.datasets,
               "findings": [f.__dict__ for f in verdict.findings if not f.success]}
    (out / "quarantine.json").write_text(json.dumps(payload, default=str, ensure_ascii=False,
                                                    indent=1), "utf-8")
