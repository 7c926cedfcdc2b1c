"""Issue 31, the batch's side: a suite emptied of what the contract requires is refused at start;
a fault during a commit's renames leaves each report all new or all old, and its recovery never
stops the batch; no child process outlives its run nor keeps the lock, and a lock left by a dead
run is taken over; an unwritable `processed/` and Ctrl-C end the run with one line."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as pads
import pytest
from conftest import RAW, run_on

from extract import lock, pipeline, validate, write
from extract.contract import SCHEMAS

LOJA, NAT = RAW / "iess-loja-2024.txt", RAW / "iess-nacional-2024.txt"
LOJA_TXT = LOJA.read_text("utf-8")
SRC = Path(__file__).resolve().parents[1] / "src"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# --- 4. a suite without what the contract requires ------------------------------------------------

def test_an_emptied_suite_is_refused_at_start_naming_what_it_lacks(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    suites = tmp_path / "suites"
    shutil.copytree(validate.suites_dir(), suites)
    (suites / "presupuesto.json").write_text('{"name": "presupuesto", "expectations": []}', "utf-8")
    monkeypatch.setattr(validate, "EXPECTATIONS", suites)
    with caplog.at_level(logging.ERROR):
        code, root = run_on(tmp_path / "run", [LOJA], workers=1)
    assert code == 2
    [line] = _errors(caplog)
    assert "presupuesto.json lacks what the contract requires of presupuesto" in line
    for lacking in ("expect_table_columns_to_match_set", "column=report_id", "column=devengado_usd, min_value >= 0",
                    "column=codificado_usd"):
        assert lacking in line
    assert write.published_reports(root / "processed") == set()
    assert not (root / "interim").exists()


def test_a_suite_whose_range_no_longer_blocks_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    suites = tmp_path / "suites"
    shutil.copytree(validate.suites_dir(), suites)
    monkeypatch.setattr(validate, "EXPECTATIONS", suites)
    path = suites / "contratacion.json"
    suite = json.loads(path.read_text("utf-8"))
    for weakened in ({"severity": "warning"}, {"kwargs": {"column": "valor_usd", "min_value": -1}},
                     {"kwargs": {"column": "valor_usd", "min_value": 0, "mostly": 0.5}}):
        edited = [{**e, **weakened} if e["kwargs"].get("column") == "valor_usd" else e for e in suite["expectations"]]
        path.write_text(json.dumps({**suite, "expectations": edited}), "utf-8")
        with pytest.raises(validate.SuiteMissing) as err:
            validate.check_suites()
        assert str(err.value).endswith("requires of contratacion: expect_column_values_to_be_between("
                                       "column=valor_usd, min_value >= 0, critical)")
    conciliaciones = suites / "conciliaciones.json"
    conciliaciones.write_text('{"name": "conciliaciones", "expectations": []}', "utf-8")
    path.write_text(json.dumps(suite), "utf-8")
    with pytest.raises(validate.SuiteMissing, match="conciliaciones.json lacks .*column_A=tolerancia"):
        validate.check_suites()


# --- 5. a report's datasets change together or not at all -------------------------------------------

def _of_report(root: Path, rid: str) -> dict[str, list[dict]]:
    """Every dataset's rows of report `rid` (without the run's timestamp), and its record."""
    out: dict[str, list[dict]] = {}
    for name in SCHEMAS:
        part = write.partition_dir(root / "processed", name, rid)
        if part.exists():
            rows = pads.dataset(part).to_table().to_pylist()
            out[name] = sorted(str({k: v for k, v in r.items() if k != "extracted_at"}) for r in rows)
    out["record"] = [(write.partition_dir(root / "processed", "reports", rid) / write.RECORD).read_text()]
    return out


def _replace_fails_into(monkeypatch: pytest.MonkeyPatch, folder: str, fault: BaseException) -> None:
    """`os.replace` into `folder` (a dataset's partition of a report) raises `fault`."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if f"{os.sep}{folder}{os.sep}" in str(dst):
            raise fault
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(write.os, "replace", replace)


class _Kill(BaseException):
    """A kill: nothing after it runs."""


EDITED = LOJA_TXT.replace("109.787,52", "109.787,53").replace("1.913.418,00", "1.913.419,00")
DENIED = PermissionError(13, "Permission denied")
PRESUPUESTO = "presupuesto/report_id=iess-loja-2024"


def test_a_fault_during_the_renames_leaves_the_report_as_it_was(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code, root = run_on(tmp_path, [LOJA, NAT], workers=1)
    assert code == 0
    before = _of_report(root, "iess-loja-2024")
    (root / "raw" / LOJA.name).write_text(EDITED, "utf-8")
    with monkeypatch.context() as m, caplog.at_level(logging.ERROR):
        _replace_fails_into(m, PRESUPUESTO, DENIED)
        code, _ = run_on(tmp_path, [], workers=1)
    assert code == 1
    assert _of_report(root, "iess-loja-2024") == before  # contratacion, before presupuesto, too
    [line] = _errors(caplog)
    assert line.startswith("iess-loja-2024: not written: ") and "Permission denied" in line
    assert line.endswith("every one is as published before")
    assert not (root / "processed" / write.STAGING).exists()
    code, _ = run_on(tmp_path, [], workers=1)  # the fault gone: the new version, all of it
    assert code == 0
    after = _of_report(root, "iess-loja-2024")
    assert all(after[name] != before[name] for name in ("contratacion", "presupuesto", "reports", "record"))


def test_a_commit_killed_mid_renames_then_failing_in_recovery_is_rolled_back_and_the_batch_goes_on(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code, root = run_on(tmp_path, [LOJA], workers=1)
    before = _of_report(root, "iess-loja-2024")
    (root / "raw" / LOJA.name).write_text(EDITED, "utf-8")
    with monkeypatch.context() as m, pytest.raises(_Kill):
        _replace_fails_into(m, PRESUPUESTO, _Kill())
        run_on(tmp_path, [], workers=1)
    assert _of_report(root, "iess-loja-2024")["contratacion"] != before["contratacion"]  # half-way: killed
    azuay = tmp_path / "src" / "iess-azuay-2024.txt"
    azuay.parent.mkdir()
    azuay.write_text(LOJA_TXT.replace("Loja", "Azuay"), "utf-8")
    for _ in range(2):  # the same fault twice: recovery, then the commit of the new input, then no recovery
        caplog.clear()
        with monkeypatch.context() as m, caplog.at_level(logging.ERROR):
            _replace_fails_into(m, PRESUPUESTO, DENIED)
            code, _ = run_on(tmp_path, [azuay], workers=1)
        assert code == 1
        assert _of_report(root, "iess-loja-2024") == before
        assert "iess-azuay-2024" in write.published_reports(root / "processed")
        assert [e for e in _errors(caplog) if "iess-loja-2024" in e]
    assert not (root / "processed" / write.STAGING).exists()


def test_a_folder_without_hard_links_still_commits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, root = run_on(tmp_path, [LOJA], workers=1)
    before = _of_report(root, "iess-loja-2024")
    (root / "raw" / LOJA.name).write_text(EDITED, "utf-8")

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(write.os, "link", no_links)
    with monkeypatch.context() as m:
        _replace_fails_into(m, PRESUPUESTO, DENIED)
        assert run_on(tmp_path, [], workers=1)[0] == 1
    assert _of_report(root, "iess-loja-2024") == before
    assert run_on(tmp_path, [], workers=1)[0] == 0
    assert _of_report(root, "iess-loja-2024")["presupuesto"] != before["presupuesto"]


# --- 6. no child outlives its run, none keeps the lock ---------------------------------------------

def test_a_lock_left_by_a_dead_run_is_taken_over_with_a_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    processed = tmp_path / "processed"
    processed.mkdir()
    (processed / lock.LOCK).write_text(dead)
    with caplog.at_level(logging.WARNING, "extract.lock"), lock.held(processed):
        assert (processed / lock.LOCK).read_text() == str(os.getpid())
    assert f"taking over the lock that run {dead} left" in caplog.text
    assert (processed / lock.LOCK).read_text() == ""  # released: nothing left to take over
    caplog.clear()
    with caplog.at_level(logging.WARNING, "extract.lock"), lock.held(processed):
        pass
    assert caplog.text == ""


def test_a_lock_kept_by_processes_of_a_dead_run_names_them(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    processed.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    keeper = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(processed / lock.LOCK)!r}, os.O_RDWR | os.O_CREAT)\n"
        f"fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, b'{dead}'); print('held', flush=True); time.sleep(30)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert keeper.stdout is not None and keeper.stdout.readline() == "held\n"
        with pytest.raises(lock.Busy) as err, lock.held(processed):
            pass
        assert f"held by process(es) {keeper.pid} left by run {dead}, which is no longer running" in str(err.value)
    finally:
        keeper.kill()
        keeper.wait()


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


_VALIDATING = """
import os, sys, time
from pathlib import Path
from extract import lock, validate

out = Path(sys.argv[1])

def validating(dataset, results):
    (out / f"child-{os.getpid()}").write_text("")
    time.sleep(60)

validate._dataset = validating
with lock.held(out / "processed"):
    validate._each_dataset(["afiliados", "presupuesto"], [], workers=2)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_children_die_with_a_run_killed_during_validation_and_keep_no_lock(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", _VALIDATING, str(tmp_path)],
                              env={**os.environ, "PYTHONPATH": str(SRC)})
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while len(children := list(tmp_path.glob("child-*"))) < 2:
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.05)
        pids = [int(c.name.removeprefix("child-")) for c in children]
        assert lock._holders(tmp_path / "processed" / lock.LOCK) == [parent.pid]  # not the children
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while any(map(_running, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p for p in pids if _running(p)] == []
        with lock.held(tmp_path / "processed"):  # a new run is not blocked
            pass
    finally:
        parent.kill()
        for pid in filter(_running, pids):
            os.kill(pid, signal.SIGKILL)


# --- also seen: an unwritable processed/, Ctrl-C -----------------------------------------------------

def test_an_unwritable_output_folder_is_a_usage_error_in_one_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    real = os.open

    def denied(path, *args, **kwargs):
        if str(path).endswith(lock.LOCK):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(lock.os, "open", denied)
    with caplog.at_level(logging.ERROR):
        code, root = run_on(tmp_path, [LOJA], workers=1)
    assert code == 2
    assert _errors(caplog) == [f"cannot write to {root / 'processed'} (Permission denied); give the output "
                               "folder write permission or choose another with --processed"]


def test_ctrl_c_ends_the_run_with_one_line_and_releases_the_lock(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code, root = run_on(tmp_path, [LOJA], workers=1)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.validate, "validate_reports", interrupted)
    try:
        with caplog.at_level(logging.ERROR):
            code, _ = run_on(tmp_path, [NAT], workers=1)
    except KeyboardInterrupt:
        pytest.fail("the interrupt escaped the run")
    assert code == 130
    [line] = _errors(caplog)
    assert line.startswith(f"interrupted: {root / 'processed'} keeps what was published before")
    assert write.published_reports(root / "processed") == {"iess-loja-2024"}
    with lock.held(root / "processed"):
        pass
