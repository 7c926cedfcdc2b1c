"""The run report (`interim/report.html`): what became of each input, readable offline."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import RAW, run_on


class _Cells(HTMLParser):
    """The text of every table cell, row by row, of the table with id `matrix`."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.classes: list[list[str]] = []
        self._in_matrix = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._in_matrix = a.get("id") == "matrix"
        elif self._in_matrix and tag == "tr":
            self.rows.append([])
            self.classes.append([])
        elif self._in_matrix and tag in ("td", "th"):
            self._in_cell = True
            self.rows[-1].append("")
            self.classes[-1].append(a.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False
        elif tag == "table":
            self._in_matrix = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("runreport")
    junk = tmp / "src" / "notas.txt"
    junk.parent.mkdir()
    junk.write_text("Notas de la reunión, sin informe.\n", "utf-8")
    code, root = run_on(tmp, [RAW / "iess-loja-2024.txt", RAW / "iess-nacional-2024.txt", junk], workers=1)
    assert code == 1
    return root / "interim" / "report.html"


def test_the_run_report_shows_each_input_and_its_tables(reported: Path) -> None:
    html = reported.read_text("utf-8")
    assert "http://" not in html and "https://" not in html  # self-contained: nothing fetched
    cells = _Cells()
    cells.feed(html)
    head, *rows = cells.rows
    by_id = {r[0]: (r, c) for r, c in zip(rows, cells.classes[1:], strict=True)}
    assert set(by_id) == {"iess-loja-2024", "iess-nacional-2024", "-"}
    loja, loja_classes = by_id["iess-loja-2024"]
    assert loja[2] == "ok" and loja[head.index("contratacion")] == "7 rows, text-aligned"
    assert loja_classes[head.index("afiliados")] == "no_section"
    nacional, classes = by_id["iess-nacional-2024"]
    assert classes[head.index("pensiones_montos")] == "failed_checks"  # its reconciliation warnings
    assert by_id["-"][0][2] == "failed"
    assert "not an IESS accountability report" in html
    assert "derived:variacion" in html and "printed 16742311.00 vs computed 16742310.00" in html
    assert "iess-loja-2024/iess-loja-2024.txt/03-tables.json" in html  # links to the stage files
    assert (reported.parent / "iess-loja-2024" / "iess-loja-2024.txt" / "03-tables.json").exists()


def test_the_run_report_has_a_legend_of_its_colours_and_statuses(reported: Path) -> None:
    import re

    html = reported.read_text("utf-8")
    legend = re.search(r"<table id=legend>(.*?)</table>", html, re.S)
    assert legend, "no legend"
    explained = set(re.findall(r"<td class='([\w -]+)'>[^<]+</td><td>[^<]+</td>", legend[1]))
    cells = _Cells()
    cells.feed(html)
    used = {c for row in cells.classes[1:] for c in row if c} | {f"status-{row[2]}" for row in cells.rows[1:]}
    assert used and used <= explained, used - explained  # every colour shown is explained
    assert {"not_found", "status-partial", "status-quarantined"} <= explained


def test_the_run_report_in_a_real_browser(reported: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs it); the structural test still runs")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path}",
                          "--dump-dom", reported.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    shot = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path}",
                    f"--screenshot={shot}", "--window-size=1400,900", reported.as_uri()],
                   capture_output=True, timeout=120, check=True)
    cells = _Cells()
    cells.feed(dom.stdout)
    assert len(cells.rows) == 4 and cells.rows[0][:3] == ["report", "file", "status"]
    assert "1 failed" in dom.stdout and "2 ok" in dom.stdout
    assert shot.stat().st_size > 10_000  # the page rendered


def test_a_table_not_found_in_a_pdf_links_a_picture_of_its_page(tmp_path: Path) -> None:
    from pdfgen import report_pdf

    rows = [["Unidad", "Importe"], ["Coordinación de Salud", "1.200.000,50"],
            ["Fondo Campesino", "300.000,00"]]  # one amount in words no spec knows: not a budget table
    pdf = report_pdf(tmp_path / "azuay.pdf", "5. Ejecución presupuestaria", rows)
    code, root = run_on(tmp_path / "run", [pdf], workers=1)
    html = (root / "interim" / "report.html").read_text("utf-8")
    link = "iess-azuay-2023/debug/page-1.png"
    assert f"href='{link}'" in html and (root / "interim" / link).stat().st_size > 1000
