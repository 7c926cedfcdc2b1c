"""A run's closing line, `run.json` and `report.html` describe what `processed/` holds, a
no-op re-run included, and say which reports the run changed."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import RAW, run_on

from extract import holdings


def _done(caplog: pytest.LogCaptureFixture) -> str:
    return next(r.getMessage() for r in caplog.records if r.getMessage().startswith("done:"))


def test_a_no_op_rerun_tells_what_processed_holds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="extract.pipeline"):
        assert run_on(tmp_path, [RAW / "iess-nacional-2024.txt"], workers=1)[0] == 0
    first = _done(caplog)
    held = holdings.read(tmp_path / "processed")
    assert held.warnings > 0 and held.reports == {"ok": 1}  # the sample's own rounding: warnings
    assert f"{held.warnings} validation warning(s), {held.anomalies} anomalies" in first
    assert "changed by this run: iess-nacional-2024" in first
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="extract.pipeline"):
        assert run_on(tmp_path, [], workers=1)[0] == 0
    again = _done(caplog)
    assert "1 unchanged" in again and "changed by this run: none" in again
    assert f"processed/ holds 1 report(s) (1 ok): {held.warnings} validation warning(s)" in again
    html = (tmp_path / "interim" / "report.html").read_text("utf-8")
    assert f"{held.warnings} validation warning(s)" in html.split("id=holdings>")[1].split("</p>")[0]
    stats = json.loads((tmp_path / "interim" / "run.json").read_text("utf-8"))
    assert stats["processed"]["warnings"] == held.warnings and stats["changed"] == []
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser:  # as a reader sees it (.ci/run installs Chromium)
        dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                              f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom",
                              (tmp_path / "interim" / "report.html").as_uri()],
                             capture_output=True, text=True, timeout=120, check=True)
        shown = dom.stdout.split('id="holdings">')[1].split("</p>")[0]
        assert f"{held.warnings} validation warning(s)" in shown and "1 unchanged" in dom.stdout


def test_withheld_tables_are_named_in_what_processed_holds(tmp_path: Path) -> None:
    text = (RAW / "iess-loja-2024.txt").read_text("utf-8")
    start = text.index("Fondo Riesgos de Trabajo  184.760,01")
    (tmp_path / "src").mkdir()
    loja = tmp_path / "src" / "iess-loja-2024.txt"
    loja.write_text(text[:start] + text[start:].replace("184.760,01", "194.760,01", 1), "utf-8")  # total off
    assert run_on(tmp_path, [loja], workers=1)[0] == 0
    held = holdings.read(tmp_path / "processed")
    assert held.reports == {"partial": 1} and held.withheld == ["iess-loja-2024/presupuesto doubtful"]
    assert "1 table(s) withheld (iess-loja-2024/presupuesto doubtful)" in held.line()
