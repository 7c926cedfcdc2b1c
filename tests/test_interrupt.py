"""A run killed at any moment leaves each report before or after, never in between."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as pads
from conftest import RAW, read, run_on

DATASETS = ("reports", "afiliados", "presupuesto", "contratacion", "totales", "secciones")


def _snapshot(processed: Path) -> dict[str, set[str]]:
    """Report ids present per dataset, read with pyarrow (fails on a half-written file)."""
    out = {}
    for d in DATASETS:
        path = processed / d
        out[d] = set(pads.dataset(path, partitioning="hive").to_table()["report_id"].to_pylist()) \
            if path.exists() else set()
    return out


def test_sigkill_mid_run_then_recover(tmp_path: Path) -> None:
    files = [RAW / "iess-nacional-2024.txt", RAW / "iess-loja-2024.txt"]
    code, root = run_on(tmp_path / "ref", files)
    assert code == 0
    expected = _snapshot(root / "processed")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    for delay in (0.5, 1.5, 2.5, 3.5, 5.0):
        work = tmp_path / f"kill-{delay}"
        (work / "raw").mkdir(parents=True)
        for f in files:
            (work / "raw" / f.name).write_bytes(f.read_bytes())
        proc = subprocess.Popen(
            [sys.executable, "-m", "extract", "run", "--workers", "1"], cwd=work, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        snap = _snapshot(work / "processed")
        for d in ("afiliados", "presupuesto", "contratacion", "totales", "secciones"):
            # a report is in every dataset it has rows in, or in none
            assert snap[d] <= expected[d]
            assert (snap[d] == snap["secciones"] & expected[d]) or d == "secciones"
        subprocess.run([sys.executable, "-m", "extract", "run", "--workers", "1"], cwd=work,
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert _snapshot(work / "processed") == expected
        assert not (work / "processed" / ".staging").exists()
        assert len(read(work, "afiliados")) == len(read(root, "afiliados"))
