"""`make docs`: the Great Expectations Data Docs site for what is in `processed/`.

A file-backed GX context under `interim/gx/` (local, no cloud, no network) gets every suite
of `expectations/`, validates each published dataset with it, and builds the static site:
open `interim/gx/gx/uncommitted/data_docs/local_site/index.html` in a browser.
"""

from __future__ import annotations

import logging
from pathlib import Path

from extract.contract import SCHEMAS
from extract.validate import load_suite, suites_dir

log = logging.getLogger("extract.datadocs")


def build(processed: Path, root: Path) -> Path:
    """Validate every published dataset and build the site; returns its index.html."""
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="file", project_root_dir=str(root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = ctx.data_sources.add_or_update_pandas("processed")
    years = _fiscal_years(processed)
    params = {"anio_min": min(years, default=2000) - 10, "anio_max": max(years, default=2100)}
    for path in sorted(suites_dir().glob("*.json")):
        name = path.stem
        suite = ctx.suites.add_or_update(load_suite(name))
        folder = processed / name
        if not folder.exists() or name not in SCHEMAS:
            continue
        frame = pd.read_parquet(folder)
        frame = frame[[c for c in SCHEMAS[name].names if c in frame.columns]].astype(object)
        try:
            asset = source.get_asset(name)
        except LookupError:
            asset = source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}-all") \
            if f"{name}-all" not in [b.name for b in asset.batch_definitions] \
            else asset.get_batch_definition(f"{name}-all")
        definition = ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch, suite=suite))
        result = definition.run(batch_parameters={"dataframe": frame}, expectation_parameters=params)
        log.info("data docs: %s: %d rows, %s", name, len(frame), "ok" if result.success else "failures")
    ctx.build_data_docs()
    return root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _fiscal_years(processed: Path) -> list[int]:
    import pandas as pd

    folder = processed / "reports"
    if not folder.exists():
        return []
    years = pd.read_parquet(folder, columns=["anio_fiscal"]).anio_fiscal.dropna()
    return [int(y) for y in years]
