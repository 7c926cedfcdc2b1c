"""The charts page (`interim/charts.html`, `charts.py`): one chart per dataset family, a bar per
figure of the panels, self-contained (nothing fetched), rendered by headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extract import charts, database

FAMILIES = ["presupuesto", "contratacion", "afiliados", "pensionistas"]


class _Figures(HTMLParser):
    """Per figure id: its SVGs, its bars' tooltips and whether it says it has no rows."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: dict[str, int] = {}
        self.tips: dict[str, list[str]] = {}
        self.empty: set[str] = set()
        self.loads: list[tuple[str, str]] = []  # attributes that would fetch something
        self._figure: str | None = None
        self._in_tip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.loads += [(k, v or "") for k, v in attrs if k in ("src", "srcset", "data", "poster")
                       or (k == "href" and tag != "a")]
        if tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.loads.append((tag, ""))
        if tag == "figure":
            self._figure = (a.get("id") or "").removeprefix("chart-")
            self.svgs[self._figure], self.tips[self._figure] = 0, []
        elif self._figure and tag == "svg":
            self.svgs[self._figure] += 1
        elif self._figure and tag == "p" and a.get("class") == "empty":
            self.empty.add(self._figure)
        self._in_tip = tag == "title" and self._figure is not None

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._figure = None
        self._in_tip = False

    def handle_data(self, data: str) -> None:
        if self._in_tip and self._figure:
            self.tips[self._figure].append(data)


def _figures(html: str) -> _Figures:
    parsed = _Figures()
    parsed.feed(html)
    return parsed


@pytest.fixture(scope="module")
def page(text_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("charts")
    shutil.copytree(text_run / "processed", root / "processed")
    database.write(root / "processed")
    written = charts.write(root / "interim", root / "processed")
    assert written == root / "interim" / charts.PAGE
    return written


def test_one_chart_per_dataset_family_with_a_bar_per_figure(page: Path) -> None:
    figures = _figures(page.read_text("utf-8"))
    assert list(figures.svgs) == FAMILIES and set(figures.svgs.values()) == {1}
    assert figures.tips["presupuesto"] == ["iess-loja-2024, ejecución: 75.98%: USD 65,635,069.38 of USD 86,378,986.13",
                                          "iess-nacional-2024, ejecución: 78.07%: USD 8,086,364,814.00 of "
                                          "USD 10,358,363,919.00"]
    procurement = figures.tips["contratacion"]
    assert len(procurement) == 18  # 7 canonical types of Loja's, 11 awarded of the national report's
    assert "Subasta inversa electrónica, iess-loja-2024: 15.0% (USD 89,271.00)" in procurement
    assert figures.tips["afiliados"] == ["iess-nacional-2024, 2023: 3,782,504", "iess-nacional-2024, 2024: 3,808,136"]
    assert figures.tips["pensionistas"] == ["iess-nacional-2024, 2023: 836,525", "iess-nacional-2024, 2024: 891,416"]


def test_the_page_fetches_nothing(page: Path) -> None:
    html = page.read_text("utf-8")
    assert _figures(html).loads == []
    assert "url(" not in html and "@import" not in html and "://" not in html
    assert "default-src 'none'" in html  # and the browser is told to load nothing


def test_a_family_without_rows_still_has_its_figure_saying_so(tmp_path: Path, text_run: Path) -> None:
    shutil.copytree(text_run / "processed", tmp_path / "processed")
    shutil.rmtree(tmp_path / "processed" / "pensionistas")
    shutil.rmtree(tmp_path / "processed" / "pensiones_montos")
    database.write(tmp_path / "processed")
    figures = _figures(Path(charts.write(tmp_path / "interim", tmp_path / "processed") or "").read_text("utf-8"))
    assert list(figures.svgs) == FAMILIES and figures.empty == {"pensionistas"}


def test_without_a_database_no_page_and_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert charts.write(tmp_path / "interim", tmp_path / "processed") is None
    assert not (tmp_path / "interim").exists() and "charts page not written" in caplog.text


def _chromium(url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs it); the structural tests still run")
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                           "--enable-logging=stderr", "--v=0", *args, url],
                          capture_output=True, text=True, timeout=120, check=True)


def test_the_charts_in_a_real_browser_with_nothing_fetched(page: Path, tmp_path: Path) -> None:
    dom = _chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    figures = _figures(dom.stdout)
    assert list(figures.svgs) == FAMILIES and set(figures.svgs.values()) == {1}
    assert [len(figures.tips[f]) for f in FAMILIES] == [2, 18, 2, 2]
    assert "Content Security Policy" not in dom.stderr  # nothing the policy had to stop
    shot = tmp_path / "charts.png"
    _chromium(page.as_uri(), tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,1400")
    assert shot.stat().st_size > 20_000  # drawn
    # the check above has teeth: the same page with an external picture is refused, and said so
    fetching = tmp_path / "fetching.html"
    fetching.write_text(page.read_text("utf-8").replace("</body>", "<img src='https://example.org/x.png'></body>"))
    assert "Loading the image 'https://example.org/x.png' violates the following Content Security Policy" in (
        _chromium(fetching.as_uri(), tmp_path / "profile", "--dump-dom").stderr)
