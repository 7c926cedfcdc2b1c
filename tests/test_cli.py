"""The maintainer commands: inspect and debug."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RAW

from extract.cli import main


def test_inspect_lists_sections_and_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(RAW / "iess-nacional-2024.pdf")]) == 0
    out = capsys.readouterr().out
    assert "iess-nacional-2024 (pdf, 17 pages" in out
    assert "1.1 Afiliados activos [p.3-4]" in out
    assert "table afiliados: regex-text, pages [3, 4], 14 rows x 4 value columns" in out


def test_debug_writes_a_png_of_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["debug", str(RAW / "iess-loja-2024.pdf"), "--page", "9", "--interim", str(tmp_path)]) == 0
    png = tmp_path / "iess-loja-2024" / "debug" / "page-9.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["debug", str(RAW / "iess-loja-2024.pdf"), "--page", "99", "--interim", str(tmp_path)]) == 2


def test_inspect_shows_the_column_mapping_and_first_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(RAW / "iess-nacional-2024.txt"), "-v"]) == 0
    out = capsys.readouterr().out
    assert "columns: afiliados[2023] | afiliados[2024] | (variacion) | (participacion_pct)" in out
    assert "first rows: Con relación de dependencia / Sector privado" in out


def test_run_options_after_the_sub_command_and_an_unknown_report(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "loja.txt").write_bytes((RAW / "iess-loja-2024.txt").read_bytes())
    args = ["run", "--raw", str(raw), "--interim", str(tmp_path / "i"), "--processed", str(tmp_path / "p")]
    assert main([*args, "--only", "iess-azuay-2030", "-v"]) == 2
    assert main([*args, "--only", "iess-loja-2024", "-v", "--workers", "1"]) == 0
    assert main(["--version"]) == 0
    assert "extract 0.1.0" in capsys.readouterr().out


def test_the_closing_summary_counts_and_names_each_failed_file(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    import logging

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "loja.txt").write_bytes((RAW / "iess-loja-2024.txt").read_bytes())
    (raw / "vacio.pdf").write_bytes(b"")
    args = ["run", "--raw", str(raw), "--interim", str(tmp_path / "i"), "--processed", str(tmp_path / "p"),
            "--workers", "1"]
    for attempt in ("first", "cached"):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="extract.pipeline"):
            assert main(args) == 1, attempt
        done = [r.getMessage() for r in caplog.records if r.getMessage().startswith("done:")][-1]
        assert done.startswith("done: 2 report(s): "), done
        assert "1 failed" in done and "failed: " in done and "vacio.pdf (empty file)" in done, done
        assert ("1 ok" if attempt == "first" else "1 unchanged") in done, done
