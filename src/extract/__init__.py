"""iess-extract: IESS accountability reports (PDF or text) to validated Parquet datasets.

For notebooks: `read_report(path)` runs one report through every stage and returns what a run
publishes of it; `read_dataset(processed, name)` loads a published dataset; `connect(processed)`
opens `processed/iess.duckdb` (read-only). Imported on first use (they load pandas, DuckDB)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Report", "connect", "read_dataset", "read_report"]

if TYPE_CHECKING:
    from extract.api import Report, read_dataset, read_report
    from extract.database import connect


def __getattr__(name: str) -> Any:
    if name == "connect":
        from extract import database

        return database.connect
    if name in __all__:
        from extract import api

        return getattr(api, name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
