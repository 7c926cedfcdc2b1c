"""The Python API (`extract.read_report`, `extract.read_dataset`): one report as a batch run
publishes it, with the contract's types, writing nothing unless asked; the README's example
runs as shown."""

from __future__ import annotations

import doctest
import shutil
import tempfile
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import RAW, ROOT

import extract
from extract import api, database
from extract.contract import SCHEMAS


def _temporary_runs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("iess-extract-*")}


def test_read_report_gives_what_a_batch_run_publishes_of_the_report(text_run: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(text_run)  # where the batch ran: the same source_file
    report = extract.read_report("raw/iess-loja-2024.txt")
    assert (report.report_id, report.status, report.ambito, report.provincia, report.anio_fiscal, report.error) == (
        "iess-loja-2024", "ok", "provincial", "Loja", 2024, None)
    assert report.source_file == "raw/iess-loja-2024.txt"
    got = {**report.tables, "anomalias": report.anomalies, "validaciones": report.checks, "tablas": report.tablas}
    assert set(got) == set(SCHEMAS) - {"reports"}
    for name, frame in got.items():
        published = api.read_dataset(text_run / "processed", name)
        pd.testing.assert_frame_equal(frame, published[published.report_id == "iess-loja-2024"].reset_index(drop=True),
                                      obj=name)
    assert len(report.tables["contratacion"]) == 7 and report.tables["afiliados"].empty


def test_read_report_writes_nothing_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(RAW / "iess-loja-2024.txt", tmp_path / "loja.txt")
    monkeypatch.chdir(tmp_path)
    runs = _temporary_runs()
    assert extract.read_report("loja.txt").status == "ok"
    assert [p.name for p in tmp_path.iterdir()] == ["loja.txt"] and _temporary_runs() == runs
    kept = extract.read_report(tmp_path / "loja.txt", workdir="kept")
    assert kept.source_file == "loja.txt"
    assert (tmp_path / "kept" / "processed" / "contratacion" / "report_id=iess-loja-2024" / "part-0.parquet").exists()
    assert (tmp_path / "kept" / "interim" / "report.html").exists()


def test_a_file_outside_the_working_directory_is_named_by_its_name(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    shutil.copy(RAW / "iess-loja-2024.txt", elsewhere / "loja.txt")
    assert extract.read_report(elsewhere / "loja.txt").source_file == "loja.txt"


def test_a_file_that_is_no_report_is_a_failed_report_without_rows(tmp_path: Path) -> None:
    notes = tmp_path / "notas.txt"
    notes.write_text("Notas de la reunión, sin informe.\n", "utf-8")
    report = extract.read_report(notes)
    assert report.status == "failed" and "not an IESS accountability report" in (report.error or "")
    assert all(frame.empty for frame in report.tables.values())
    with pytest.raises(FileNotFoundError, match="no such file: missing.pdf"):
        extract.read_report("missing.pdf")


def test_read_dataset_has_the_contracts_types_and_money_stays_exact(text_run: Path) -> None:
    for name, schema in SCHEMAS.items():
        frame = extract.read_dataset(text_run / "processed", name)
        assert list(frame.columns) == schema.names, name
        assert [d.pyarrow_dtype for d in frame.dtypes] == schema.types, name
    money = extract.read_dataset(text_run / "processed", "contratacion")
    assert str(money.valor_usd[money.report_id == "iess-loja-2024"].sum()) == "596477.14"


def test_read_dataset_of_a_folder_without_it_or_written_by_an_older_contract(tmp_path: Path, text_run: Path) -> None:
    empty = extract.read_dataset(tmp_path, "enajenacion")
    assert empty.empty and list(empty.columns) == SCHEMAS["enajenacion"].names
    part = tmp_path / "contratacion" / "report_id=iess-loja-2024" / "part-0.parquet"
    part.parent.mkdir(parents=True)
    older = pq.read_table(text_run / "processed" / "contratacion" / "report_id=iess-loja-2024" / "part-0.parquet")
    pq.write_table(older.drop_columns(["tipo_contratacion_id"]), part)  # as contract 1.2 wrote it
    frame = extract.read_dataset(tmp_path, "contratacion")
    assert len(frame) == 7 and frame.tipo_contratacion_id.isna().all()
    assert frame.dtypes["tipo_contratacion_id"] == pd.ArrowDtype(pa.string())
    with pytest.raises(ValueError, match="no dataset 'contratos'; the datasets are reports, secciones"):
        extract.read_dataset(tmp_path, "contratos")


def test_the_api_is_exported_typed_and_shipped() -> None:
    assert (extract.read_report, extract.read_dataset, extract.Report) == (api.read_report, api.read_dataset,
                                                                          api.Report)
    assert extract.connect is database.connect
    assert resources.files("extract").joinpath("py.typed").is_file()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    assert {"py.typed", "specs/vocabularies/*.toml"} <= set(data["extract"])
    with pytest.raises(AttributeError):
        extract.no_such_name  # noqa: B018


def test_the_readmes_python_example_runs_as_shown(text_run: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Verbatim, from a folder holding `raw/` and the `processed/` of a run of the samples."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("### From Python (notebooks)", 1)[1].split("\n## ", 1)[0]
    (example,) = section.split("```python\n")[1:]
    (tmp_path / "raw").symlink_to(RAW)
    shutil.copytree(text_run / "processed", tmp_path / "processed")
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(example.split("```", 1)[0], {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False) == doctest.TestResults(0, len(test.examples))
