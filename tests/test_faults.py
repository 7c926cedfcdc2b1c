"""Published data survives the run's own faults, impostors and odd inputs: good rows are never
removed or replaced by them, and what happened to each report is in `processed/`."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pytest
from conftest import RAW, read, run_on

from extract import cache, inputs, lock, report, write
from extract.contract import SCHEMAS

NAT, LOJA = RAW / "iess-nacional-2024.txt", RAW / "iess-loja-2024.txt"
LOJA_TXT = LOJA.read_text("utf-8")


def snapshot(root: Path) -> dict[str, pd.DataFrame]:
    """Every dataset of `processed/`, rows sorted, without the run's timestamp."""
    out = {}
    for name in SCHEMAS:
        path = root / "processed" / name
        if not path.exists():
            continue
        df = pads.dataset(path, partitioning="hive").to_table().to_pandas()
        df = df.drop(columns=[c for c in ("extracted_at",) if c in df]).astype(str)
        out[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return out


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def _status(root: Path) -> dict[str, tuple[str, str | None]]:
    df = read(root, "reports")
    return {r.report_id: (r.status, None if pd.isna(r.error) else r.error) for r in df.itertuples()}


def test_an_unwritable_interim_keeps_every_published_report(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    code, root = run_on(tmp_path, [NAT, LOJA], workers=1)
    assert code == 0
    before = snapshot(root)

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(report, "json_atomic", read_only)
    code, _ = run_on(tmp_path, [], workers=1, force=True)
    assert code == 1
    assert_same(snapshot(root), before)


@pytest.mark.parametrize(("office", "reason"), [
    ("../../etc", "not one of Ecuador's 24 provinces"),
    ("Mendoza", "not one of Ecuador's 24 provinces"),
])
def test_an_impostor_never_replaces_a_real_report(tmp_path: Path, office: str, reason: str) -> None:
    code, root = run_on(tmp_path / "ref", [NAT, LOJA], workers=1)
    fake = tmp_path / "src" / "aaa-first-by-name.txt"
    fake.parent.mkdir()
    fake.write_text(LOJA_TXT.replace("Loja", office), "utf-8")
    code, root2 = run_on(tmp_path / "run", [NAT, LOJA, fake], workers=1)
    assert code == 1
    status = _status(root2)
    assert status["iess-nacional-2024"][0] == "ok" and status["iess-loja-2024"][0] == "ok"
    failed = [s for rid, s in status.items() if rid.startswith("unidentified-")]
    assert len(failed) == 1 and reason in failed[0][1]
    for name in ("afiliados", "presupuesto", "contratacion"):
        pd.testing.assert_frame_equal(read(root2, name), read(root, name))


def test_a_page_with_the_right_words_is_not_a_report(tmp_path: Path) -> None:
    one_page = tmp_path / "src" / "title.txt"
    one_page.parent.mkdir()
    one_page.write_text("Instituto Ecuatoriano de Seguridad Social (IESS)\n"
                        "Informe de Rendición de Cuentas 2024\nEnero a diciembre de 2024.\n", "utf-8")
    code, root = run_on(tmp_path, [NAT, one_page], workers=1)
    assert code == 1
    status = _status(root)
    assert status["iess-nacional-2024"][0] == "ok"
    assert any(s == "failed" and "not a report" in (e or "") for s, e in status.values())


def test_two_inputs_claiming_one_report_are_a_conflict_the_published_one_stays(tmp_path: Path) -> None:
    code, root = run_on(tmp_path, [LOJA], workers=1)
    before = snapshot(root)
    other = tmp_path / "src" / "000-loja-otra.txt"
    other.parent.mkdir()
    other.write_text(LOJA_TXT.replace("109.787,52", "1.109.787,52").replace("43 ", "143 "), "utf-8")
    code, _ = run_on(tmp_path, [other], workers=1)
    assert code == 1
    after = snapshot(root)
    for name in ("contratacion", "presupuesto", "secciones"):
        pd.testing.assert_frame_equal(after[name], before[name])
    status = _status(root)
    assert status == {"iess-loja-2024": ("ok", None)}  # its one row: no `unidentified-` row for the other
    conflicts = read(root, "anomalias").query("problem.str.contains('conflict')")
    assert len(conflicts) == 1 and "raw/000-loja-otra.txt" in conflicts.raw_text.iloc[0]


def test_a_failed_new_version_withdraws_the_old_rows_and_says_why(tmp_path: Path) -> None:
    code, root = run_on(tmp_path, [NAT, LOJA], workers=1)
    (root / "raw" / LOJA.name).write_bytes(b"%PDF-1.7\n garbage, not really a PDF")
    code, _ = run_on(tmp_path, [], workers=1)
    assert code == 1
    status, error = _status(root)["iess-loja-2024"]
    assert status == "failed" and "PDF" in error
    for name in ("presupuesto", "contratacion", "secciones"):
        assert set(read(root, name).report_id) == {"iess-nacional-2024"}, name


class _Crash(BaseException):
    """A kill: nothing after it runs (not even `except Exception`)."""


def _crash_at(monkeypatch: pytest.MonkeyPatch, n: int | None) -> list[str]:
    """Make the n-th filesystem operation of a publication a kill; returns the operations."""
    done: list[str] = []

    def wrap(module, name):
        real = getattr(module, name)

        def op(*args, **kwargs):
            if n is not None and len(done) == n:
                raise _Crash(name)
            done.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, op)

    for module, name in ((write.os, "replace"), (write.shutil, "rmtree"), (write.pq, "write_table"),
                         (write, "_fsync_write"), (write, "_fsync")):
        wrap(module, name)
    return done


def test_a_kill_before_any_step_of_a_publication_then_a_revert_leaves_a_clean_state(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, clean = run_on(tmp_path / "clean", [LOJA], workers=1)
    expected = snapshot(clean)
    edited = LOJA_TXT.replace("1.913.418,00", "1.913.419,00")
    base = tmp_path / "base"  # published from the original, the edit's extraction cached
    run_on(base, [LOJA], workers=1)
    (base / "raw" / LOJA.name).write_text(edited, "utf-8")
    report.extract_report(base / "raw" / LOJA.name, base, base / "interim")
    (base / "raw" / LOJA.name).write_text(LOJA_TXT, "utf-8")
    with monkeypatch.context() as m:
        count = tmp_path / "count"
        shutil.copytree(base, count)
        (count / "raw" / LOJA.name).write_text(edited, "utf-8")
        ops = _crash_at(m, None)
        run_on(count, [], workers=1)
        steps = len(ops)
    assert steps >= 10
    for k in range(steps):
        work = tmp_path / f"kill-{k}"
        shutil.copytree(base, work)
        (work / "raw" / LOJA.name).write_text(edited, "utf-8")
        with monkeypatch.context() as m, pytest.raises(_Crash):
            _crash_at(m, k)
            run_on(work, [], workers=1)
        (work / "raw" / LOJA.name).write_text(LOJA_TXT, "utf-8")  # the edit reverted
        assert run_on(work, [], workers=1)[0] == 0
        assert_same(snapshot(work), expected)
        assert not (work / "processed" / write.STAGING).exists()


def test_a_second_run_on_the_same_folders_stops_with_a_clear_message(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code, root = run_on(tmp_path, [LOJA], workers=1)
    before = snapshot(root)
    with lock.held(root / "processed"), caplog.at_level(logging.ERROR):
        code, _ = run_on(tmp_path, [NAT], workers=1, force=True)
    assert code == 3
    assert "another run" in caplog.text
    assert_same(snapshot(root), before)


def test_the_cache_is_data_checked_by_its_key(tmp_path: Path) -> None:
    code, root = run_on(tmp_path, [LOJA], workers=1)
    entries = list((root / "interim" / cache.CACHE_DIR).glob("*.json"))
    assert len(entries) == 1
    key = entries[0].stem
    import pickle

    entries[0].write_bytes(pickle.dumps({"planted": True}))
    assert cache.load(root / "interim", key) is None
    entries[0].write_text('{"format": 2, "key": "another", "result": {}}', "utf-8")
    assert cache.load(root / "interim", key) is None
    assert run_on(tmp_path, [], workers=1)[0] == 0  # refused entries are simply redone


def test_a_missing_suite_stops_the_run_before_anything_is_published(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import extract.validate as validate

    suites = tmp_path / "suites"
    shutil.copytree(validate.suites_dir(), suites)
    (suites / "presupuesto.json").unlink()
    monkeypatch.setattr(validate, "suites_dir", lambda: suites)
    code, root = run_on(tmp_path / "run", [LOJA], workers=1)
    assert code == 2
    assert write.published_reports(root / "processed") == set()


def test_suites_ship_with_the_package() -> None:
    from importlib.resources import files

    shipped = sorted(p.name for p in (files("extract") / "expectations").iterdir() if p.name.endswith(".json"))
    assert shipped == sorted(f"{name}.json" for name in [*SCHEMAS, "conciliaciones"])


def test_limits_fail_only_the_report_that_exceeds_them(tmp_path: Path) -> None:
    big = tmp_path / "src" / "padded.txt"
    big.parent.mkdir()
    big.write_text(LOJA_TXT.replace("Loja", "Azuay") + "relleno\n" * 700_000, "utf-8")
    limits = report.Limits(max_bytes=1_000_000)
    code, root = run_on(tmp_path / "size", [NAT, big], workers=1, limits=limits)
    assert code == 1
    status = _status(root)
    assert status["iess-nacional-2024"][0] == "ok"
    assert any("too large" in (e or "") for _, e in status.values())
    res = report.extract_report(NAT, RAW.parent, tmp_path / "interim", report.Limits(seconds=0.05))
    assert res.failed and not res.fault and "took longer than" in res.error
    res = report.extract_report(big, tmp_path, tmp_path / "interim")  # the default text limit
    assert res.failed and "too large for the text of a report" in res.error


def test_utf16_text_and_control_characters(tmp_path: Path) -> None:
    utf16 = tmp_path / "src" / "loja-utf16.txt"
    utf16.parent.mkdir()
    utf16.write_bytes(LOJA_TXT.encode("utf-16"))
    res = report.extract_report(utf16, tmp_path, tmp_path / "interim")
    ref = report.extract_report(LOJA, RAW.parent, tmp_path / "interim-ref")
    assert not res.failed and res.datasets["presupuesto"][0]["unidad"] == ref.datasets["presupuesto"][0]["unidad"]
    nul = tmp_path / "src" / "loja-nul.txt"
    nul.write_text(LOJA_TXT.replace("Menor Cuantía 2 40.098,11 \n", "Menor Cuantía 2 40.098,11 \x00\n\x00"), "utf-8")
    res = report.extract_report(nul, tmp_path, tmp_path / "interim-nul")
    rows = [(r["tipo_contratacion"], r["procesos"]) for r in res.datasets["contratacion"]]
    assert rows == [(r["tipo_contratacion"], r["procesos"]) for r in ref.datasets["contratacion"]]
    assert not any("\x00" in str(v) for rows_ in res.datasets.values() for r in rows_ for v in r.values())
    assert any("2 invisible or control character(s)" in a["problem"] for a in res.datasets["anomalias"])


def test_a_pdf_claiming_too_many_pages_fails_cleanly(tmp_path: Path) -> None:
    res = report.extract_report(RAW / "iess-loja-2024.pdf", RAW.parent, tmp_path, report.Limits(max_pages=3))
    assert res.failed and not res.fault and "claims 12 pages" in res.error


def test_odd_folder_entries_are_named_and_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(LOJA, raw / LOJA.name)
    (raw / "sub").mkdir()
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    (raw / "evil\nINFO forged line.txt").write_text("x", "utf-8")
    with caplog.at_level(logging.INFO):
        code, root = run_on(tmp_path, [], workers=1)
    assert code == 1  # the file with a newline is not a report
    assert "sub: skipped (a folder)" in caplog.text
    assert "dangling.txt: skipped" in caplog.text and "loop.txt: skipped" in caplog.text
    assert not any(line.startswith("INFO forged") for line in caplog.text.splitlines())
    assert _status(root)["iess-loja-2024"][0] == "ok"


def test_an_unreadable_input_folder_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from extract.cli import main

    (tmp_path / "raw").mkdir()

    def denied(raw: Path) -> list[Path]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(inputs, "list_inputs", denied)
    assert main(["run", "--raw", str(tmp_path / "raw")]) == 2
    assert "cannot be read (Permission denied)" in capsys.readouterr().err


def test_the_package_ships_its_suites_and_ocr_model_in_a_wheel(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(root)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("iess_extract-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"extract/expectations/{d}.json" for d in [*SCHEMAS, "conciliaciones"]} <= set(names)
    assert "extract/specs/table-presupuesto.toml" in names
    assert "extract/tessdata/spa.traineddata" in names  # OCR downloads nothing at run time


def test_interim_json_reads_back_a_record_per_line(tmp_path: Path) -> None:
    """`write.json_atomic`: what is written reads back equal (Decimals and dates as text),
    each record on a line of its own, nested datasets included; compact with `levels=0`."""
    import json
    from datetime import date
    from decimal import Decimal

    rows = [{"a": Decimal("1.50"), "b": "ñ \"q\"\n"}, {"a": None, "b": [1, {"c": date(2024, 1, 2)}]}]
    obj = {"presupuesto": rows, "vacio": [], "n": 3, "anidado": {"x": rows}, "claves": {1: True, None: 2}}
    path = tmp_path / "out.json"
    write.json_atomic(path, obj, default=str)
    text = path.read_text("utf-8")
    expected = json.loads(json.dumps(obj, default=str))
    assert json.loads(text) == expected
    lines = text.splitlines()
    assert json.dumps(expected["presupuesto"][0], ensure_ascii=False) + "," in lines  # a row, one line
    assert json.dumps(expected["presupuesto"][1], ensure_ascii=False) in lines
    assert '"n": 3,' in lines and '"vacio": [],' in lines
    assert '"x": ' + json.dumps(expected["anidado"]["x"], ensure_ascii=False) in lines  # below `levels`: compact
    write.json_atomic(path, obj, default=str, levels=0)
    assert len(path.read_text("utf-8").splitlines()) == 1 and json.loads(path.read_text("utf-8")) == expected
    assert list(tmp_path.iterdir()) == [path]  # no temp file left
