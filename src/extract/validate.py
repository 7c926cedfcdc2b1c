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
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache, partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from extract import engines, reconcile
from extract.contract import COUNT, MONEY, SCHEMAS, to_table
from extract.model import ReportResult
from extract.verdicts import Finding, Verdict, finish

log = logging.getLogger("extract.validate")

EXPECTATIONS = Path(__file__).resolve().parent / "expectations"  # package data; `expectations/` links here


class SuiteMissing(RuntimeError):
    """A dataset has no readable validation suite, or one without what the contract requires:
    the run stops, nothing is published unchecked."""


def suites_dir() -> Path:
    return EXPECTATIONS


def check_suites() -> None:
    """Raise SuiteMissing unless every dataset of the contract has a readable suite holding
    what `required` asks of it."""
    for dataset in [*SCHEMAS, CHECKS]:
        path = suites_dir() / f"{dataset}.json"
        try:
            expectations = json.loads(path.read_text("utf-8"))["expectations"]
            if not all(isinstance(e, dict) and isinstance(e["type"], str) and isinstance(e["kwargs"], dict)
                       and e.get("severity", "critical") in ("critical", "warning", "info") for e in expectations):
                raise ValueError("an expectation without a type, kwargs or a known severity")
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise SuiteMissing(f"validation suite {path} is missing or unreadable ({err})") from err
        lacking = [what for what, holds in required(dataset) if not any(holds(e) for e in expectations)]
        if lacking:
            raise SuiteMissing(f"validation suite {path} lacks what the contract requires of {dataset}: "
                               + "; ".join(lacking))


Rule = Callable[[dict[str, Any]], bool]  # whether an expectation (as in a suite's JSON) holds a requirement


def required(dataset: str) -> list[tuple[str, Rule]]:
    """What a suite must hold whatever else it checks (an emptied suite would publish anything),
    each as (what, whether an expectation holds it), from the contract: its exact column set
    (with `LAG` where rows have a year), `report_id` not null, and, in a dataset of figures read
    from a report (one with provenance), each money and count column non-negative; all
    critical. The reconciliations' suite: each check within its tolerance, none left uncomputed."""
    if dataset == CHECKS:
        return [_rule("expect_column_pair_values_a_to_be_greater_than_b", "warning",
                      column_A="tolerancia", column_B="diferencia", or_equal=True),
                _rule("expect_column_values_to_not_be_null", "warning", column="diferencia")]
    schema = SCHEMAS[dataset]
    columns = [*schema.names, *([LAG] if "anio" in schema.names else [])]
    rules = [_rule("expect_table_columns_to_match_set", "critical", f"the columns of the contract's {dataset}",
                   column_set=columns, exact_match=True),
             _rule("expect_column_values_to_not_be_null", "critical", column="report_id")]
    if "source_page" in schema.names:
        rules += [_rule("expect_column_values_to_be_between", "critical", column=f.name, min_value=0)
                  for f in schema if f.type in (MONEY, COUNT)]
    return rules


def _rule(kind: str, severity: str, shown: str | None = None, **kwargs: Any) -> tuple[str, Rule]:
    """The requirement of an expectation of type `kind` and `severity` with `kwargs` (a list
    as a set, `min_value` as the least lower bound), on every row (no `mostly` below 1, no
    `row_condition`); named `kind(shown or kwargs)`."""

    def fits(key: str, given: Any, wanted: Any) -> bool:
        if key == "min_value":
            return isinstance(given, int | float) and given >= wanted
        if isinstance(wanted, list):
            return isinstance(given, list) and sorted(map(str, given)) == sorted(wanted)
        return bool(given == wanted)

    def holds(e: dict[str, Any]) -> bool:
        given = e["kwargs"]
        return (e["type"] == kind and e.get("severity", "critical") == severity
                and all(fits(k, given.get(k), v) for k, v in kwargs.items())
                and "row_condition" not in given and given.get("mostly", 1) == 1)

    bound = {"min_value": ">= 0"}
    shown = shown or ", ".join(f"{k} {bound[k]}" if k in bound else f"{k}={v}" for k, v in kwargs.items())
    return f"{kind}({shown}, {severity})", holds


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


def validate_reports(results: list[ReportResult], workers: int = 1) -> dict[str, Verdict]:
    """Every dataset of every report against its suite, plus reconciliation warnings.

    GX costs about as much per call as per thousand rows, so each dataset is validated in one
    call for the whole batch, whatever its fiscal years (a row's year is checked against its
    own report's, `LAG`), and each failing row is attributed to its report from that one
    result: never a re-run per report or per year. With `workers` > 1 the datasets' calls
    run side by side in processes forked from this one (GX already loaded).
    """
    verdicts = {r.report_id or "": Verdict(r.report_id or "") for r in results}
    names = sorted({"reports", *(d for r in results for d in r.datasets)})
    for found in _each_dataset(names, results, workers):
        for rid, findings in found.items():
            verdicts[rid].findings.extend(findings)
    _check_findings(results, verdicts)
    for res in results:
        finish(res, verdicts[res.report_id or ""])
    return verdicts


def _dataset(dataset: str, results: list[ReportResult]) -> dict[str, list[Finding]]:
    """One dataset of every report: the contract's schema (report by report only when the
    batch's rows do not all fit), then the suite on the rows that fit, in one GX call."""
    out: dict[str, list[Finding]] = defaultdict(list)
    typed = []
    together = _schema(dataset, [row for res in results for row in _records(res, dataset)])
    for res in results:
        finding = together if together.success else _schema(dataset, _records(res, dataset))
        out[res.report_id or ""].append(finding)
        if finding.success and _records(res, dataset):
            typed.append(res)
    if typed:
        ids = [r.report_id or "" for r in typed]
        found = _gx(dataset, [row for r in typed for row in _records(r, dataset)], ids)
        for rid in ids:
            out[rid].extend(found[rid])
    return out


_BATCH: list[ReportResult] = []  # the batch a forked process validates (inherited, not pickled)


def _dataset_of_batch(dataset: str) -> dict[str, list[Finding]]:
    return _dataset(dataset, _BATCH)


def _each_dataset(names: list[str], results: list[ReportResult], workers: int) -> list[dict[str, list[Finding]]]:
    """`_dataset` of each name, in order: here, or on `workers` processes forked from this one
    (they inherit GX and the batch; only findings travel back; they end with this process). A
    pool that cannot start or breaks leaves the work to this process."""
    if workers > 1 and len(names) > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _BATCH
        _BATCH = results
        try:
            with ProcessPoolExecutor(min(workers, len(names)), mp_context=multiprocessing.get_context("fork"),
                                     initializer=partial(engines.tie_to_parent, os.getpid())) as pool:
                return list(pool.map(_dataset_of_batch, names))
        except (BrokenProcessPool, OSError) as err:
            log.warning("validating in this process alone (%s)", err or type(err).__name__)
        finally:
            _BATCH = []
    return [_dataset(name, results) for name in names]


#: The reconciliation checks' suite: a derived frame, one row per check (`reconcile.checks`), so a
#: failed reconciliation is a failed GX expectation like any other.
CHECKS = "conciliaciones"
_CHECK_COLUMNS = ("report_id", "dataset", "check", "etiqueta", "impreso", "calculado", "diferencia",
                  "tolerancia", "location", "_row")


def _check_findings(results: list[ReportResult], verdicts: dict[str, Verdict]) -> None:
    """The reconciliation checks of every report not blocked (sums need the contract's types),
    in one GX call of the `conciliaciones` suite; a failed row is a warning of its report."""
    rows: list[dict[str, Any]] = []
    for res in results:
        verdict = verdicts[res.report_id or ""]
        if not verdict.blocked:
            kept = {name: data for name, data in res.datasets.items() if name not in verdict.withheld}
            kept["totales"] = [t for t in kept.get("totales", []) if t.get("dataset") not in verdict.withheld]
            rows.extend({**c, "report_id": res.report_id or ""} for c in reconcile.checks(kept))
    if not rows:
        return
    import pandas as pd

    for i, row in enumerate(rows):
        row["_row"] = i
    frame = pd.DataFrame([{k: r.get(k) for k in _CHECK_COLUMNS} for r in rows], dtype=object)
    batch = _context().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(load_suite(CHECKS), result_format={
        "result_format": "COMPLETE", "unexpected_index_column_names": ["_row"]})
    failed = {int(hit["_row"]) for r in result.results for hit in r.result.get("unexpected_index_list") or []
              if isinstance(hit, dict)}
    for row in rows:
        ok = row["_row"] not in failed
        verdicts[row["report_id"]].checks.append({k: row[k] for k in _CHECK_COLUMNS if k != "_row"})
        verdicts[row["report_id"]].findings.append(Finding(
            row["dataset"], row["check"], "warning", ok,
            f"printed {row['impreso']} vs computed {row['calculado']}", row["etiqueta"], row["location"]))


