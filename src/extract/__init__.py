"""iess-extract: IESS accountability reports (PDF or text) to validated Parquet datasets."""

__version__ = "0.1.0"
