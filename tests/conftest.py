"""Shared fixtures: pipeline runs on copies of the sample reports, made once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from extract.pipeline import RunOptions, run

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SAMPLES = sorted(p for p in RAW.iterdir() if p.suffix in (".pdf", ".txt"))


def run_on(tmp: Path, files: list[Path], **kw) -> tuple[int, Path]:
    """Copy `files` into a fresh raw/ under `tmp` and run the pipeline; (exit code, root)."""
    raw = tmp / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, raw / f.name)
    code = run(RunOptions(raw, tmp / "interim", tmp / "processed", root=tmp, **kw))
    return code, tmp


def read(root: Path, dataset: str) -> pd.DataFrame:
    return pd.read_parquet(root / "processed" / dataset)


@pytest.fixture(scope="session")
def text_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    code, root = run_on(tmp_path_factory.mktemp("text"), [p for p in SAMPLES if p.suffix == ".txt"])
    assert code == 0
    return root


@pytest.fixture(scope="session")
def pdf_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    code, root = run_on(tmp_path_factory.mktemp("pdf"), [p for p in SAMPLES if p.suffix == ".pdf"])
    assert code == 0
    return root


@pytest.fixture()
def gx_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The datasets `validate._gx` is called on in this process, in order (one GX call each)."""
    import extract.validate as validate

    calls: list[str] = []
    real = validate._gx

    def counting(dataset: str, *args, **kwargs):
        calls.append(dataset)
        return real(dataset, *args, **kwargs)

    monkeypatch.setattr(validate, "_gx", counting)
    return calls
