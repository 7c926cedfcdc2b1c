"""A run reads each input once: the worker that extracts it reads, hashes and parses its bytes;
an unchanged input is not read at all on a re-run (its recorded size, time and digest). A
batch of PDFs and texts together also reads each new one's opening ahead, to skip a PDF's own
text."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import RAW, read

from extract import inputs
from extract.pipeline import RunOptions, run

LOJA_PDF, NAT_TXT = RAW / "iess-loja-2024.pdf", RAW / "iess-nacional-2024.txt"
TUNG_PDF = RAW.parent / "tests" / "data" / "variants" / "iess-tungurahua-2024.pdf"

_WATCHED: dict[str, Counter[str]] = {}  # folder -> opens of the files in it, while watched


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _WATCHED and isinstance(args[0], str | bytes | os.PathLike):
        path = os.path.abspath(os.fsdecode(args[0]))
        for folder, opens in _WATCHED.items():
            if path.startswith(folder + os.sep):
                opens[os.path.basename(path)] += 1


sys.addaudithook(_audit)  # hooks cannot be removed: this one counts only while a test watches


def _opens_during_run(root: Path, **kw) -> Counter[str]:
    raw = root / "raw"
    _WATCHED[str(raw)] = opens = Counter()
    try:
        assert run(RunOptions(raw, root / "interim", root / "processed", root=root, **kw)) == 0
    finally:
        del _WATCHED[str(raw)]
    return opens


def _raw(root: Path, files: list[Path], age_seconds: int = 60) -> None:
    """The inputs, last modified a while ago (a file being written is read again next time)."""
    (root / "raw").mkdir(parents=True)
    for f in files:
        shutil.copy(f, root / "raw" / f.name)
        past = (root / "raw" / f.name).stat().st_mtime - age_seconds
        os.utime(root / "raw" / f.name, (past, past))


def test_each_input_is_opened_once_per_run_and_not_at_all_when_unchanged(tmp_path: Path) -> None:
    _raw(tmp_path, [LOJA_PDF, TUNG_PDF])
    assert _opens_during_run(tmp_path) == {LOJA_PDF.name: 1, TUNG_PDF.name: 1}
    assert set(read(tmp_path, "reports").report_id) == {"iess-loja-2024", "iess-tungurahua-2024"}
    assert _opens_during_run(tmp_path) == {}  # unchanged: neither read nor extracted
    # one input rewritten (its time changes): that one is read again, once
    (tmp_path / "raw" / TUNG_PDF.name).write_bytes(TUNG_PDF.read_bytes())
    assert _opens_during_run(tmp_path) == {TUNG_PDF.name: 1}


def test_a_file_being_written_is_not_trusted_by_its_time(tmp_path: Path) -> None:
    _raw(tmp_path, [NAT_TXT], age_seconds=0)  # modified just now: its stamp is not recorded
    assert _opens_during_run(tmp_path) == {NAT_TXT.name: 1}
    assert _opens_during_run(tmp_path) == {NAT_TXT.name: 1}  # hashed again, found in the cache
    assert inputs.known([tmp_path / "raw" / NAT_TXT.name], {tmp_path / "raw" / NAT_TXT.name: "raw/x"},
                        tmp_path / "interim").digests == {tmp_path / "raw" / NAT_TXT.name: None}


def test_only_inputs_of_one_size_are_read_to_tell_copies(tmp_path: Path) -> None:
    _raw(tmp_path, [NAT_TXT])
    shutil.copy(NAT_TXT, tmp_path / "raw" / "copia.txt")  # same bytes, same size
    (tmp_path / "raw" / "otro.txt").write_text("no es un informe", "utf-8")
    paths = inputs.list_inputs(tmp_path / "raw")
    sources = {p: p.name for p in paths}
    known = inputs.known(paths, sources, tmp_path / "interim").digests
    from extract.duplicates import without_copies

    raw = tmp_path / "raw"
    _WATCHED[str(raw)] = opens = Counter()
    try:
        kept = without_copies(paths, tmp_path, {}, known)
    finally:
        del _WATCHED[str(raw)]
    assert opens == {"copia.txt": 1, NAT_TXT.name: 1}  # the lone size is not read
    assert set(kept) == {raw / "copia.txt", raw / "otro.txt"}  # first of the copies by name
    assert kept[raw / "copia.txt"] is not None and kept[raw / "otro.txt"] is None


@pytest.mark.parametrize("workers", [2])
def test_a_pool_run_reads_each_input_once_too(tmp_path: Path, workers: int) -> None:
    _raw(tmp_path, [LOJA_PDF, TUNG_PDF])
    assert run(RunOptions(tmp_path / "raw", tmp_path / "interim", tmp_path / "processed", root=tmp_path,
                          workers=workers)) == 0
    index = (tmp_path / "interim" / ".cache" / inputs.INDEX).read_text("utf-8")
    assert "raw/iess-loja-2024.pdf" in index and "raw/iess-tungurahua-2024.pdf" in index
    assert _opens_during_run(tmp_path, workers=workers) == {}  # the workers' stamps were recorded


def test_a_file_changed_after_the_batch_hashed_it_is_hashed_again_by_its_worker(tmp_path: Path) -> None:
    """The batch's digest goes with the file's identity when it was taken; a worker reading a
    file changed since (a copy being replaced) does not trust it."""
    from extract.report import extract_report

    _raw(tmp_path, [NAT_TXT])
    path = tmp_path / "raw" / NAT_TXT.name
    stale = inputs.digest_of(path)
    path.write_bytes(path.read_bytes().replace(b"IESS", b"I.E.S.S.", 1))
    res = extract_report(path, tmp_path, tmp_path / "interim", known=stale)
    assert res.sha256 != stale.sha256 and res.sha256 == inputs.digest_of(path).sha256
    same = extract_report(path, tmp_path, tmp_path / "interim-2", known=inputs.digest_of(path))
    assert same.sha256 == res.sha256


def test_a_batch_of_pdfs_and_texts_reads_each_opening_once_then_nothing(tmp_path: Path) -> None:
    """The PDF's own text is told from the openings (read ahead once, the text never
    extracted); an unchanged re-run reads nothing, the decision recorded with them."""
    loja_txt = RAW / "iess-loja-2024.txt"
    _raw(tmp_path, [LOJA_PDF, loja_txt, TUNG_PDF])
    assert _opens_during_run(tmp_path) == {LOJA_PDF.name: 2, loja_txt.name: 1, TUNG_PDF.name: 2}
    assert set(read(tmp_path, "reports").source_file) == {"raw/iess-loja-2024.pdf", "raw/iess-tungurahua-2024.pdf"}
    assert _opens_during_run(tmp_path) == {}
    assert set(read(tmp_path, "reports").source_file) == {"raw/iess-loja-2024.pdf", "raw/iess-tungurahua-2024.pdf"}


def test_an_unchanged_rerun_leaves_the_index_of_inputs_as_it_was(tmp_path: Path) -> None:
    _raw(tmp_path, [LOJA_PDF, NAT_TXT])
    opts = RunOptions(tmp_path / "raw", tmp_path / "interim", tmp_path / "processed", root=tmp_path)
    assert run(opts) == 0
    index = tmp_path / "interim" / ".cache" / inputs.INDEX
    first = index.stat()
    assert run(opts) == 0
    assert index.stat().st_ino == first.st_ino  # not rewritten (a write is a new file renamed in)
    (tmp_path / "raw" / NAT_TXT.name).unlink()  # an input gone: its entry goes
    assert run(opts) == 0
    assert index.stat().st_ino != first.st_ino and NAT_TXT.name not in index.read_text("utf-8")
