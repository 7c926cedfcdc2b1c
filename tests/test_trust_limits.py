"""Trust, second round, what else was seen (issue 31): an oversized page is refused before it is
rendered and the memory cap holds with one worker; a symlinked `raw/` is recorded as given; a
full disk is one line naming the folder, and what was published stays."""

from __future__ import annotations

import errno
import importlib.util
import logging
import re
import resource
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pypdfium2 as pdfium
import pytest
from conftest import RAW, run_on

from extract import report
from extract.ingest import BadInput
from extract.pipeline import RunOptions, run
from extract.report import Limits, extract_report, relative

LOJA = RAW / "iess-loja-2024.txt"

with_ocr = pytest.mark.skipif(importlib.util.find_spec("tesserocr") is None,
                               reason="the `ocr` extra is not installed")


def _image_pdf(path: Path, px: int, page: tuple[float, float]) -> Path:
    """A PDF of one page (`page`, in points) that one white `px`×`px` image (1 bit a pixel,
    deflated row by row: a few KB in memory) covers, and no text."""
    pack = zlib.compressobj(9)
    row = b"\xff" * ((px + 7) // 8)
    data = b"".join([*(pack.compress(row) for _ in range(px)), pack.flush()])
    w, h = page
    content = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /XObject << /Im0 5 0 R >> >> "
        "/Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        f"<< /Type /XObject /Subtype /Image /Width {px} /Height {px} /ColorSpace /DeviceGray "
        f"/BitsPerComponent 1 /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode() + data
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


@pytest.fixture()
def no_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering a page fails the test: a refusal must come before any render."""
    def render(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page was rendered")

    monkeypatch.setattr(pdfium.PdfPage, "render", render)


def _refused(path: Path, tmp: Path, caplog: pytest.LogCaptureFixture) -> str:
    """The one error line of extracting `path`, which must fail (not as a fault)."""
    with caplog.at_level(logging.ERROR):
        res = extract_report(path, tmp, tmp / "interim")
    assert res.failed and not res.fault, res.error
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line == f"{path.name}: {res.error}"
    return line


@with_ocr
def test_a_page_of_20000_pt_is_refused_before_it_is_rendered(
        tmp_path: Path, no_render: None, caplog: pytest.LogCaptureFixture) -> None:
    """A page of 20000 pt in a PDF under 2 KB: OCR rendered it at 200 dpi, 55556 px a side, 3.3 GB."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "huge-page.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(20000, 20000))
    pdf.drawImage(ImageReader(Image.new("L", (2, 2), 255)), 0, 0, 20000, 20000)  # no text: read by OCR
    pdf.showPage()
    pdf.save()
    assert path.stat().st_size < 2000
    line = _refused(path, tmp_path, caplog)
    assert "page 1 is too large to read by OCR: 20,000 × 20,000 pt, 55,556 × 55,556 pixels at 200 dpi" in line
    assert "3,086 million pixels where a page may take 150 million" in line


@with_ocr
def test_an_image_of_20000_px_is_refused_before_it_is_rendered(
        tmp_path: Path, no_render: None, caplog: pytest.LogCaptureFixture) -> None:
    """A 20000×20000 px image on an A4 page: its decoding alone takes 400 million pixels."""
    path = _image_pdf(tmp_path / "huge-image.pdf", 20000, (595, 842))
    line = _refused(path, tmp_path, caplog)
    assert "page 1 is too large to read by OCR: 595 × 842 pt, 1,653 × 2,339 pixels at 200 dpi and images " \
           "of 400 million pixels (404 million pixels where a page may take 150 million)" in line


@with_ocr
def test_a_blank_page_image_reads_as_no_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """OCR of a page without a word failed as `unexpected failure: No text returned`."""
    path = _image_pdf(tmp_path / "blank.pdf", 1000, (595, 842))
    assert _refused(path, tmp_path, caplog) == "blank.pdf: no text, not even by OCR (blank or unreadable pages)"


def _address_space() -> int:
    return int(re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text())[1]) * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_the_memory_cap_holds_with_one_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With `--workers 1` the extraction runs in this process: it is capped there too, and the
    cap is lifted after it."""
    before = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + 512_000_000
    seen = []

    def greedy(*args: object, **kwargs: object) -> None:
        seen.append(resource.getrlimit(resource.RLIMIT_AS)[0])
        np.zeros(cap, dtype=np.uint8)  # more than the cap leaves; untouched pages, so no RAM either way
        raise BadInput("not capped")

    monkeypatch.setattr(report, "ingest", greedy)
    code, root = run_on(tmp_path, [LOJA], workers=1, limits=Limits(memory_bytes=cap))
    assert code == 1
    assert len(seen) == 1 and seen[0] != resource.RLIM_INFINITY and seen[0] <= cap
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    (error,) = pd.read_parquet(root / "processed" / "reports")["error"]
    assert error == f"needed more memory than the limit ({cap / 1e6:.0f} MB, --max-memory)"


def test_a_symlinked_raw_is_recorded_as_given(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`raw/` a link to the folder of this year's reports: `source_file` is `raw/...`, and a
    second run finds the input unchanged."""
    target = tmp_path / "reports-2024"
    target.mkdir()
    (target / LOJA.name).write_bytes(LOJA.read_bytes())
    (tmp_path / "raw").symlink_to(target, target_is_directory=True)
    opts = RunOptions(tmp_path / "raw", tmp_path / "interim", tmp_path / "processed", root=tmp_path)
    assert run(opts) == 0
    (source,) = pd.read_parquet(tmp_path / "processed" / "reports")["source_file"]
    assert source == f"raw/{LOJA.name}"
    assert relative(opts.raw / LOJA.name, tmp_path) == source  # the batch's name for it: one name
    with caplog.at_level(logging.INFO):
        assert run(opts) == 0
    assert "1 input(s): 1 unchanged, 0 extracted" in caplog.text
    assert "changed by this run: none" in caplog.text


def _files(processed: Path) -> dict[str, bytes]:
    return {p.relative_to(processed).as_posix(): p.read_bytes() for p in processed.rglob("*")
            if p.is_file() and p.name != ".lock"}


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_one_line_naming_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """Staging a report's Parquet fails half-way for a full disk: one error line names
    `processed/` and what was kept; nothing half-written is left, the published report stays."""
    code, root = run_on(tmp_path, [LOJA])
    assert code == 0
    processed = root / "processed"
    published = _files(processed)

    def half_then_full(table: object, where: object, **kwargs: object) -> None:
        where.write(b"PAR1\x00")  # type: ignore[attr-defined]
        _no_space()

    monkeypatch.setattr(pq, "write_table", half_then_full)
    with caplog.at_level(logging.ERROR):
        assert run_on(tmp_path, [], force=True)[0] == 1
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line == (f"iess-loja-2024: not written: {processed} is full (No space left on device): nothing of "
                    "the report was written; what was published for it is kept")
    assert _files(processed) == published
    assert not (processed / ".staging").exists()


def test_a_full_interim_folder_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """The extraction's own files (`interim/`) meet a full disk: one line, no traceback; the
    published report stays."""
    code, root = run_on(tmp_path, [LOJA])
    assert code == 0
    published = _files(root / "processed")
    monkeypatch.setattr(report, "json_lines", _no_space)
    with caplog.at_level(logging.ERROR):
        assert run_on(tmp_path, [], force=True)[0] == 1
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line == (f"raw/{LOJA.name}: not processed ({root / 'interim'} is full (No space left on device)); "
                    "what is published for iess-loja-2024 is kept")
    assert _files(root / "processed") == published


def test_a_page_too_large_to_draw_is_refused_by_debug_before_it_is_rendered(tmp_path: Path) -> None:
    """`extract debug` (and the run report's picture of where a table was not found) draws a
    page in this process: a 20000 pt page is refused with its size, never rendered."""
    from reportlab.pdfgen import canvas

    from extract.debug import page_png

    path = tmp_path / "huge.pdf"
    c = canvas.Canvas(str(path), pagesize=(20000, 20000))
    c.drawString(100, 100, "Informe de Rendición de Cuentas 2024")
    c.save()
    with pytest.raises(ValueError, match="page 1 is too large to draw: 20,000 × 20,000 pt"):
        page_png(path, 1, tmp_path / "debug")
    assert not (tmp_path / "debug" / "page-1.png").exists()
