"""`processed/iess.duckdb` (`database.py`): a view per dataset with the contract's columns and
types, panels that add up to the datasets, a folder that still works moved, an atomic write that
a reader holding the file open never blocks, and the README's queries giving their printed output."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT

from extract import database
from extract.api import read_dataset
from extract.contract import SCHEMAS


@pytest.fixture()
def processed(text_run: Path, tmp_path: Path) -> Path:
    """A copy of the samples' processed/ with its database written."""
    folder = tmp_path / "processed"
    shutil.copytree(text_run / "processed", folder)
    assert database.write(folder) == folder / database.DATABASE
    return folder


def test_a_view_per_dataset_with_the_contracts_columns_types_and_rows(processed: Path) -> None:
    con = database.connect(processed)
    for name, schema in SCHEMAS.items():
        described = con.execute(f"DESCRIBE {name}").fetchall()
        assert [(c[0], c[1]) for c in described] == [
            (f.name, database._type(f.type).replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
             .replace(", ", ",")) for f in schema], name
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (len(read_dataset(processed, name)),), name
    assert con.execute("SELECT count(*) FROM contratacion WHERE tipo_contratacion_id IS NULL").fetchone() == (0,)


def test_the_database_is_in_the_1_0_storage_format(processed: Path) -> None:
    con = database.connect(processed)
    ((tags,),) = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'iess'").fetchall()
    assert tags["storage_version"].startswith("v1.0.0")


def test_the_panels_add_up_to_the_datasets_and_the_printed_totals(processed: Path) -> None:
    con = database.connect(processed)
    budget = {r[0]: r[1:] for r in con.execute(
        "SELECT report_id, provincia, codificado_usd, devengado_usd, ejecucion_pct, origen FROM panel_presupuesto"
    ).fetchall()}
    assert budget == {  # the Total rows of the answer keys' totales
        "iess-loja-2024": ("Loja", Decimal("86378986.13"), Decimal("65635069.38"), Decimal("75.98"), "totales"),
        "iess-nacional-2024": (None, Decimal("10358363919.00"), Decimal("8086364814.00"), Decimal("78.07"),
                               "totales")}
    assert con.execute("""SELECT count(*) FROM (
        SELECT report_id, tipo_contratacion_id, estado, sum(procesos) AS p, sum(valor_usd) AS v
        FROM contratacion GROUP BY ALL) d FULL JOIN panel_contratacion c
        ON d.report_id = c.report_id AND d.tipo_contratacion_id = c.tipo_contratacion_id
           AND d.estado IS NOT DISTINCT FROM c.estado
        WHERE d.p IS DISTINCT FROM c.procesos OR d.v IS DISTINCT FROM c.valor_usd""").fetchone() == (0,)
    assert con.execute("SELECT tipo_contratacion FROM panel_contratacion WHERE tipo_contratacion_id = 'importacion' "
                       "LIMIT 1").fetchone() == ("Importación",)  # the canonical name, not `Otras: Importación`
    assert con.execute("SELECT sum(afiliados) FROM panel_afiliados WHERE anio = 2024").fetchone() == (3808136,)
    pension = con.execute("SELECT pensionistas, monto_usd FROM panel_pensionistas WHERE seguro_id = 'ivm' "
                          "AND prestacion_id = 'vejez' AND anio = 2024").fetchall()
    assert pension == [(537944, Decimal("5033176595.00"))]


def test_the_folder_moved_elsewhere_still_opens(processed: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    moved = tmp_path / "shared" / "iess-2024"
    moved.parent.mkdir()
    processed.rename(moved)
    monkeypatch.chdir(tmp_path)
    assert database.connect(moved).execute("SELECT count(*) FROM panel_contratacion").fetchone() == (29,)
    monkeypatch.chdir(moved)  # the DuckDB CLI's way: from inside the folder, no setting
    with duckdb.connect(database.DATABASE, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM afiliados").fetchone() == (22,)
    monkeypatch.chdir(tmp_path)  # elsewhere, without the setting, DuckDB cannot find the files
    with duckdb.connect(str(moved / database.DATABASE), read_only=True) as con, pytest.raises(duckdb.IOException):
        con.execute("SELECT count(*) FROM afiliados")


def test_a_dataset_without_files_is_an_empty_view_with_its_columns(processed: Path) -> None:
    shutil.rmtree(processed / "enajenacion")
    database.write(processed)
    con = database.connect(processed)
    assert con.execute("SELECT count(*) FROM enajenacion").fetchone() == (0,)
    assert [c[0] for c in con.execute("DESCRIBE enajenacion").fetchall()] == SCHEMAS["enajenacion"].names


_HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB's exclusive lock on the file
print(con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
"""


def test_a_reader_holding_the_database_open_never_blocks_a_write(processed: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(processed / database.DATABASE)], cwd=processed,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "2"  # open, and locked
        shutil.rmtree(processed / "reports" / "report_id=iess-loja-2024")
        database.write(processed)  # does not wait for the holder
        assert database.connect(processed).execute("SELECT count(*) FROM reports").fetchone() == (1,)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "1"  # its old file's views read what is there now
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
    assert [p.name for p in processed.iterdir() if "duckdb" in p.name] == [database.DATABASE]


def test_a_failed_write_leaves_the_database_as_it_was(processed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (processed / database.DATABASE).read_bytes()
    monkeypatch.setitem(database.PANELS, "panel_roto", "SELECT * FROM no_such_view")
    with pytest.raises(database.NotWritten, match="iess.duckdb not written: .*no_such_view"):
        database.write(processed)
    assert (processed / database.DATABASE).read_bytes() == before
    assert [p.name for p in processed.iterdir() if "duckdb" in p.name] == [database.DATABASE]


def _readme_queries() -> list[tuple[str, str]]:
    """The README's DuckDB queries, each with the output it shows."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("### Querying with DuckDB", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```sql\n(.*?)```\n```text\n(.*?)```", section, re.S)


def test_the_readmes_queries_give_the_output_it_shows(processed: Path) -> None:
    queries = _readme_queries()
    assert len(queries) == 3
    con = database.connect(processed)
    for query, shown in queries:
        assert str(con.sql(query)).strip() == shown.strip(), query
    cli = shutil.which("duckdb")
    if cli is not None:  # the DuckDB CLI, as the README runs it from inside the folder
        for query, shown in queries:
            out = subprocess.run([cli, "-readonly", database.DATABASE, "-c", query], cwd=processed,
                                 capture_output=True, text=True, check=True, timeout=60).stdout
            assert out.strip() == shown.strip(), query


def test_a_write_killed_midway_leaves_a_file_the_next_write_removes(processed: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead = processed / f".{database.DATABASE}.{gone.stdout.strip()}.tmp"
    alive = processed / f".{database.DATABASE}.1.tmp"  # pid 1 runs: a write of its own, left alone
    for left in (dead, alive, dead.with_name(dead.name + ".wal")):
        left.write_bytes(b"half a database")
    database.write(processed)
    assert sorted(p.name for p in processed.iterdir() if "duckdb" in p.name) == [alive.name, database.DATABASE]
