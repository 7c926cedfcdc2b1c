"""`make docs`: the Great Expectations Data Docs site for what is in `processed/`.

A file-backed GX context under `interim/gx/` (local, no cloud, no network) gets every suite
of `expectations/`, validates each published dataset with it, and builds the static site:
open `interim/gx/gx/uncommitted/data_docs/local_site/index.html` in a browser.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extract.contract import SCHEMAS
from extract.validate import CHECKS, LAG, load_suite, suites_dir

log = logging.getLogger("extract.datadocs")


def build(processed: Path, root: Path, checks: Path | None = None) -> Path:
    """Validate every published dataset, and the reconciliation rows the runs kept for the
    published reports (`checks`, `interim/conciliaciones/`), and build the site; returns its
    index.html. Results of earlier builds are removed: the site shows what is published now."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="file", project_root_dir=str(root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = ctx.data_sources.add_or_update_pandas("processed")
    from great_expectations.core.run_identifier import RunIdentifier

    run_id = RunIdentifier(run_name=f"processed-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    shutil.rmtree(root / "gx" / "uncommitted" / "validations", ignore_errors=True)
    shutil.rmtree(root / "gx" / "uncommitted" / "data_docs", ignore_errors=True)
    for path in sorted(suites_dir().glob("*.json")):
        name = path.stem
        suite = ctx.suites.add_or_update(load_suite(name))
        frame = _frame(processed, name, checks)
        if frame is None:
            continue
        try:
            asset = source.get_asset(name)
        except LookupError:
            asset = source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}-all") \
            if f"{name}-all" not in [b.name for b in asset.batch_definitions] \
            else asset.get_batch_definition(f"{name}-all")
        definition = ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch, suite=suite))
        result = definition.run(batch_parameters={"dataframe": frame}, run_id=run_id)
        log.info("data docs: %s: %d rows, %s", name, len(frame), "ok" if result.success else "failures")
    ctx.build_data_docs()
    return root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _frame(processed: Path, name: str, checks: Path | None) -> Any:
    """The rows a suite validates: a published dataset (with the derived year lag), or the
    reconciliation rows of the published reports."""
    import pandas as pd

    if name == CHECKS:
        reports = processed / "reports"
        if checks is None or not reports.exists():
            return None
        ids = set(pd.read_parquet(reports, columns=["report_id"]).report_id)
        rows = [row for p in sorted(checks.glob("*.json")) if p.stem in ids
                for row in json.loads(p.read_text("utf-8"))]
        return pd.DataFrame(rows, dtype=object) if rows else None
    folder = processed / name
    if not folder.exists() or name not in SCHEMAS:
        return None
    frame = pd.read_parquet(folder)
    frame = frame[[c for c in SCHEMAS[name].names if c in frame.columns]].astype(object)
    if "anio" in frame.columns and "anio_fiscal" in frame.columns:
        frame[LAG] = frame.anio_fiscal - frame.anio  # as in `validate._frame`
    return frame
