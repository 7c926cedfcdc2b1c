"""Incremental re-runs, parallel engines, and a failing worker."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW, read, run_on

import extract.pipeline as pipeline
from extract import cache, engines, publish, report

TEXTS = [RAW / "iess-nacional-2024.txt", RAW / "iess-loja-2024.txt"]


def _count(monkeypatch: pytest.MonkeyPatch, module, name: str) -> list[Path]:
    calls: list[Path] = []
    real = getattr(module, name)

    def counting(path: Path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_unchanged_rerun_does_no_extraction_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, root = run_on(tmp_path, TEXTS)
    assert code == 0
    before = read(root, "afiliados")
    ingests = _count(monkeypatch, report, "ingest")
    publishes = _count(monkeypatch, publish, "_publish")
    code, _ = run_on(tmp_path, [])
    assert code == 0 and ingests == [] and publishes == []
    pd.testing.assert_frame_equal(read(root, "afiliados"), before)
    # --force redoes everything; a changed input is redone alone
    code, _ = run_on(tmp_path, [], force=True)
    assert code == 0 and len(ingests) == 2
    (root / "raw" / "iess-loja-2024.txt").write_text(
        (root / "raw" / "iess-loja-2024.txt").read_text("utf-8") + "\n", "utf-8")
    ingests.clear()
    code, _ = run_on(tmp_path, [])
    assert code == 0 and [p.name for p in ingests] == ["iess-loja-2024.txt"]


def test_pipeline_version_changes_the_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    data = hashlib.sha256(TEXTS[0].read_bytes()).hexdigest()
    key = cache.input_key(data, "raw/x.txt")
    assert key != cache.input_key(data, "raw/y.txt")
    monkeypatch.setattr(cache, "pipeline_version", lambda: "another-version")
    assert key != cache.input_key(data, "raw/x.txt")


def test_process_pool_gives_the_same_rows(tmp_path: Path, text_run: Path) -> None:
    code, root = run_on(tmp_path, TEXTS, workers=2)
    assert code == 0
    for d in ("afiliados", "presupuesto", "indicadores"):
        pd.testing.assert_frame_equal(read(root, d), read(text_run, d))


_REAL_EXTRACT = pipeline.extract_report


def _flaky(path: Path, root: Path, interim: Path, limits=None, **options):
    """Module level, so the pool can pickle it: Loja raises, a copy named `crash` kills its worker."""
    if "crash" in path.name:
        os._exit(1)
    if "loja" in path.name:
        raise MemoryError("simulated worker failure")
    return _REAL_EXTRACT(path, root, interim, limits, **options)


def test_a_failing_or_dying_worker_costs_only_its_report(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    crash = tmp_path / "src" / "crash.txt"
    crash.parent.mkdir()
    crash.write_text("anything", "utf-8")
    monkeypatch.setattr(pipeline, "extract_report", _flaky)
    code, root = run_on(tmp_path / "run", [*TEXTS, crash], workers=2)
    assert code == 1
    reports = read(root, "reports")
    assert reports.set_index("report_id").loc["iess-nacional-2024", "status"] == "ok"
    failed = reports[reports.status == "failed"]
    assert set(failed.source_file) == {"raw/iess-loja-2024.txt", "raw/crash.txt"}
    assert failed.error.str.contains("simulated worker failure|worker", regex=True).all()


def test_dask_engine_on_a_local_cluster_gives_the_same_rows(tmp_path: Path, text_run: Path) -> None:
    pytest.importorskip("distributed")
    code, root = run_on(tmp_path, TEXTS, workers=2, engine="dask")
    assert code == 0
    for d in ("afiliados", "presupuesto", "recomendaciones", "totales"):
        pd.testing.assert_frame_equal(read(root, d), read(text_run, d))


def _wait_for_flag(path: Path) -> str:
    """Module level, so the pool can pickle it: done only once `meanwhile` has run."""
    flag = path.with_suffix(".go")
    for _ in range(600):
        if flag.exists():
            return "after meanwhile"
        time.sleep(0.05)
    return "timed out"


def test_pool_runs_meanwhile_while_its_workers_work(tmp_path: Path) -> None:
    inputs = [tmp_path / f"r{i}.txt" for i in range(3)]
    calls = []

    def meanwhile() -> None:  # the workers wait for this, so it must run while they work
        calls.append(1)
        for p in inputs:
            p.with_suffix(".go").touch()

    out = engines.process_pool(_wait_for_flag, inputs, lambda p, e: repr(e), 2, meanwhile)
    assert out == ["after meanwhile"] * 3 and calls == [1]


def _note_worker(path: Path) -> tuple[int, bool]:
    """Module level, so the pool can pickle it: this worker's pid, and whether `meanwhile`
    had finished (its flag) when the item started; leaves a mark that it is done."""
    after = path.with_name("meanwhile.done").exists()
    time.sleep(0.05)
    path.touch()
    return os.getpid(), after


def test_one_worker_waits_while_meanwhile_has_its_core(tmp_path: Path) -> None:
    """GX's import (`meanwhile`) gets a core of its own: while it runs, one worker fewer
    works (all of them once it is done); no niceness involved."""
    inputs = [tmp_path / f"r{i}" for i in range(8)]

    def meanwhile() -> None:  # returns once three items are done, all by the workers it left
        for _ in range(600):
            if sum(p.exists() for p in inputs) >= 3:
                break
            time.sleep(0.05)
        (tmp_path / "meanwhile.done").touch()

    out = engines.process_pool(_note_worker, inputs, lambda p, e: repr(e), 2, meanwhile, held=1)
    during = {pid for pid, after in out if not after}
    assert len(during) == 1 and sum(not after for _, after in out) >= 3
    assert len({pid for pid, _ in out}) == 2  # both worked in the end


@pytest.mark.parametrize(("per_import", "held"), [(20, 1), (0, 0)])
def test_a_worker_waits_for_the_gx_import_only_in_a_small_batch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                per_import: int, held: int) -> None:
    """A batch the other workers finish within GX's import holds one worker back for it; a
    larger one (here: any, with no reports per import) starts them all."""
    asked: list[int] = []
    real_pool = pipeline.engines.process_pool

    def pool(work, items, on_error, workers, meanwhile=None, setup=None, held=0):
        if meanwhile is not None:  # the extraction's pool (the writes' has no `meanwhile`)
            asked.append(held)
        return real_pool(work, items, on_error, workers, meanwhile, setup, held)

    monkeypatch.setattr(pipeline, "REPORTS_PER_GX_IMPORT", per_import)
    monkeypatch.setattr(pipeline.engines, "process_pool", pool)
    code, _ = run_on(tmp_path, TEXTS, workers=2)
    assert code == 0 and asked == [held]


def test_parallel_run_imports_gx_beside_the_workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    readies: list[str] = []
    during_pool: list[list[str]] = []
    real_ready, real_pool = pipeline.validate.ready, pipeline.engines.process_pool

    def ready() -> None:
        readies.append("gx")
        real_ready()

    def pool(work, items, on_error, workers, meanwhile=None, setup=None, held=0):
        def watched() -> None:
            meanwhile()
            during_pool.append(list(readies))
        return real_pool(work, items, on_error, workers, watched if meanwhile else None, setup, held)

    monkeypatch.setattr(pipeline.validate, "ready", ready)
    monkeypatch.setattr(pipeline.engines, "process_pool", pool)
    code, _ = run_on(tmp_path, TEXTS, workers=2)
    assert code == 0 and during_pool == [["gx"]]


@pytest.mark.parametrize("gx_loaded", [False, True])
def test_a_single_input_is_extracted_beside_the_gx_import(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          gx_loaded: bool) -> None:
    """One new input (a report added to raw/) with `--workers` > 1: a worker extracts it while
    this process imports GX (a scanned report's OCR no longer waits for it); once GX is loaded,
    a pool is not worth starting for one input."""
    pools: list[int] = []
    real_pool = pipeline.engines.process_pool

    def pool(work, items, *args, **kwargs):
        pools.append(len(items))
        return real_pool(work, items, *args, **kwargs)

    monkeypatch.setattr(pipeline.validate, "is_ready", lambda: gx_loaded)
    monkeypatch.setattr(pipeline.engines, "process_pool", pool)
    code, root = run_on(tmp_path, TEXTS[:1], workers=2)
    assert code == 0 and set(read(root, "reports").report_id) == {"iess-nacional-2024"}
    assert pools == ([] if gx_loaded else [1])


_REAL_COMMIT = pipeline.write.commit_report


def _disk_full_for_loja(processed: Path, report_id: str, tables, record=None):
    if "loja" in report_id:
        raise OSError(28, "No space left on device")
    return _REAL_COMMIT(processed, report_id, tables, record)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failed_write_costs_only_its_report_and_is_redone_next_run(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: int) -> None:
    monkeypatch.setattr(pipeline.write, "commit_report", _disk_full_for_loja)
    code, root = run_on(tmp_path, TEXTS, workers=workers)
    assert code == 1
    assert set(read(root, "reports").report_id) == {"iess-nacional-2024"}
    assert not list((root / "processed").glob("*/report_id=iess-loja-2024"))
    monkeypatch.setattr(pipeline.write, "commit_report", _REAL_COMMIT)
    code, _ = run_on(tmp_path, [], workers=workers)  # extraction cached, the write redone
    assert code == 0
    assert set(read(root, "reports").report_id) == {"iess-nacional-2024", "iess-loja-2024"}
