"""The Python API, for notebooks: `read_report` runs one report through every stage, validation
and publication included, and returns what a batch run would publish of it; `read_dataset`
loads a published dataset. Both give pandas DataFrames with the contract's Arrow types
(`pd.ArrowDtype`): money stays `decimal128(18, 2)`, counts `int64`, nulls `<NA>`."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds

from extract.contract import SCHEMAS

#: The datasets a `Report` gives apart from its `tables`.
_OWN = ("reports", "anomalias", "validaciones", "tablas")


@dataclass(frozen=True, repr=False)
class Report:
    """One report as a batch run publishes it: its identity and status, its `tables` (every
    dataset but `reports`, `anomalias`, `validaciones` and `tablas`, by name; empty when the
    report failed or was quarantined), its `anomalies`, its validation `checks` and `tablas`
    (each expected table found or why not)."""

    report_id: str
    entidad: str | None
    ambito: str | None
    provincia: str | None
    anio_fiscal: int | None
    source_file: str
    status: str  # ok, partial, failed, quarantined
    error: str | None
    tables: dict[str, pd.DataFrame]
    anomalies: pd.DataFrame
    checks: pd.DataFrame
    tablas: pd.DataFrame

    def __repr__(self) -> str:
        rows = ", ".join(f"{name} {len(df)}" for name, df in self.tables.items() if len(df))
        return (f"Report({self.report_id!r}, status={self.status!r}, rows: {rows or 'none'}; "
                f"{len(self.anomalies)} anomalies, {int((~self.checks['success']).sum())} failed checks)")


def read_report(path: str | Path, *, workdir: str | Path | None = None) -> Report:
    """Run the report at `path` (PDF or text) through every stage, as `extract run` would, and
    return what the run publishes of it. Nothing is written unless `workdir` is given: the run's
    `interim/` and `processed/` are kept there (a later call with the same `workdir` reuses
    unchanged results); else they go to a temporary folder, removed before this returns.
    `source_file` is the path relative to the working directory, or the file's name when it
    is not below it. Raises FileNotFoundError, or RuntimeError when the run could not be made
    (the log says why)."""
    from extract.pipeline import RunOptions, run

    source = Path(path).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    root = Path.cwd().resolve()
    if not source.is_relative_to(root):
        root = source.parent
    with tempfile.TemporaryDirectory(prefix="iess-extract-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        (raw / source.name).symlink_to(source)
        out = Path(workdir) if workdir is not None else Path(tmp)
        code = run(RunOptions(raw, out / "interim", out / "processed", root=root))
        if code not in (0, 1):
            raise RuntimeError(f"{path}: the run could not be made (exit code {code}; the log says why)")
        return _published(out / "processed")


def _published(processed: Path) -> Report:
    """The one report published in `processed/`."""
    (row,) = read_dataset(processed, "reports").to_dict("records")
    return Report(
        report_id=row["report_id"], entidad=_value(row["entidad"]), ambito=_value(row["ambito"]),
        provincia=_value(row["provincia"]), anio_fiscal=_value(row["anio_fiscal"]),
        source_file=row["source_file"], status=row["status"], error=_value(row["error"]),
        tables={name: read_dataset(processed, name) for name in SCHEMAS if name not in _OWN},
        anomalies=read_dataset(processed, "anomalias"), checks=read_dataset(processed, "validaciones"),
        tablas=read_dataset(processed, "tablas"))


def _value(cell: Any) -> Any:
    """A cell as a Python value, None for `<NA>`."""
    return None if cell is pd.NA else cell


def read_dataset(processed: str | Path, name: str) -> pd.DataFrame:
    """The published dataset `name` of the `processed/` folder, every report's rows (by
    report, in the order written), with exactly the contract's columns and types: a column its
    files lack (written by an older contract) is null; no file gives no rows."""
    if name not in SCHEMAS:
        raise ValueError(f"no dataset {name!r}; the datasets are {', '.join(SCHEMAS)}")
    schema = SCHEMAS[name]
    folder = Path(processed) / name
    if not any(folder.glob("report_id=*/*.parquet")):
        table = schema.empty_table()
    else:
        hive = pds.partitioning(pa.schema([("report_id", pa.string())]), flavor="hive")
        table = pds.dataset(folder, schema=schema, format="parquet", partitioning=hive).to_table()
        table = table.take(pc.sort_indices(table, [("report_id", "ascending")]))
    return table.to_pandas(types_mapper=pd.ArrowDtype)
