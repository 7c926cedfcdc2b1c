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
    assert "table afiliados: text-aligned (text-aligned-rows), pages [3, 4], 14 rows x 4 value columns" in out
    # each table's columns' roles, why, and the runner-up
    assert "roles chosen: codificado_usd | devengado_usd | ejecucion_pct (arithmetic" in out
    assert "evidence: ejecucion_pct ~ devengado_usd / codificado_usd * 100: 11 held, 0 failed" in out
    assert "roles chosen: afiliados[2023] | afiliados[2024] | variacion | participacion_pct" in out
    assert "roles runner-up:" in out


def test_debug_writes_a_png_of_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    assert main(["debug", str(RAW / "iess-loja-2024.pdf"), "--page", "9", "--interim", str(tmp_path)]) == 0
    png = tmp_path / "iess-loja-2024" / "debug" / "page-9.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as picture:
        page = round(842 * 110 / 72)  # an A4 page at the picture's 110 dpi
        assert picture.height > page + 50  # the legend of the colours, below the page
        legend = picture.convert("RGB").crop((0, page, 40, picture.height))
        assert {(220, 0, 0), (0, 0, 255), (0, 160, 0)} <= {c for _, c in legend.getcolors(10_000)}
    assert main(["debug", str(RAW / "iess-loja-2024.pdf"), "--page", "99", "--interim", str(tmp_path)]) == 2


def test_a_bad_file_or_page_is_one_exit_code_rule_for_inspect_and_debug(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """2: the command line names nothing to read (no such file, no such page, not a PDF to
    draw); 1: the file is there but is not a readable report."""
    missing, junk = tmp_path / "missing.pdf", tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n garbage, not really a PDF")
    interim = ["--interim", str(tmp_path / "interim")]
    assert main(["inspect", str(missing)]) == 2
    assert main(["debug", str(missing), "--page", "1", *interim]) == 2
    assert main(["inspect", str(tmp_path)]) == 2
    assert main(["debug", str(RAW / "iess-loja-2024.txt"), "--page", "1", *interim]) == 2
    assert main(["inspect", str(junk)]) == 1
    assert main(["debug", str(junk), "--page", "1", *interim]) == 1
    err = capsys.readouterr().err
    assert f"{missing}: no such file" in err and f"{tmp_path}: not a file" in err


def test_the_help_describes_every_command_and_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    assert all(f"`extract {c}`" in top for c in ("run", "inspect", "debug", "docs")), top
    helps = {}
    for command in ("run", "inspect", "debug", "docs"):
        assert main([command, "--help"]) == 0
        helps[command] = out = capsys.readouterr().out
        assert "(default: None)" not in out and "(default: False)" not in out, out
    assert "--only REPORT_ID      process and write only this report\n" in helps["run"]
    assert "(default: raw)" in helps["run"]  # a default worth showing still is
    assert "file           a report: PDF, or its text" in helps["inspect"]
    assert "file               a report's PDF" in helps["debug"] and "debug/ (default:" in helps["debug"]
    assert "the published Parquet datasets (default: processed)" in helps["docs"]
    assert "GX project folder; the site is its" in helps["docs"]
    for command in ("inspect", "debug"):
        assert "exit codes: 0 done; 1 the file is there but is not a readable report" in helps[command]


def test_an_unknown_option_shows_the_usage_of_its_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: extract run ") and "extract run: error: unrecognized arguments: --bogus" in err


def test_the_log_of_a_run_is_this_tools_own(tmp_path: Path) -> None:
    """Through the real command: progress lines name their stage, Great Expectations' own INFO
    (`... for ephemeral docs site`) is not printed, this tool's errors are."""
    import subprocess
    import sys

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("iess-loja-2024.txt", "iess-nacional-2024.txt"):
        (raw / name).write_bytes((RAW / name).read_bytes())
    (raw / "vacio.pdf").write_bytes(b"")
    run = subprocess.run([sys.executable, "-m", "extract", "run", "--workers", "1"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    log = run.stderr
    assert run.returncode == 1, log
    assert "great_expectations" not in log and "ephemeral docs site" not in log, log
    assert "ERROR   extract.report: raw/vacio.pdf: empty file" in log, log
    assert "extract.engines: extracting 1/3 " in log and "extract.engines: writing 2/2 " in log, log
    assert " anomalies in what was written" in log and "anomalie(s)" not in log, log


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
