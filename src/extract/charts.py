"""The charts page (`interim/charts.html`, beside the run report): the reports published in
`processed/` compared, one chart per dataset family, from the panel views of
`processed/iess.duckdb`: budget execution per report, procurement by canonical type (each
type's share of a report's awarded value), affiliates and pensioners per report and year. Inline
SVG in one self-contained page: no script, and a content security policy that lets the browser
load nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb

from extract import database
from extract.write import text_atomic

log = logging.getLogger("extract.charts")

PAGE = "charts.html"
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:980px}
figure{margin:1.5em 0} figcaption{font-weight:bold;margin-bottom:.3em}
svg text{font:12px system-ui,sans-serif;fill:#222} svg .group{font-weight:bold}
"""


@dataclass(frozen=True)
class Bar:
    """One bar: in a `group` (a row label), of a `series` (a colour), its `value` and the text beside it."""

    group: str
    series: str
    value: float
    text: str


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its dataset family (the figure's id), caption and bars; `scale`
    the value of a full bar (the largest value when None)."""

    family: str
    caption: str
    bars: list[Bar]
    scale: float | None = None


def write(interim: Path, processed: Path) -> Path | None:
    """`interim/charts.html` from `processed/iess.duckdb`, written atomically; best effort
    (returns None and logs why when the database cannot be read or the page written)."""
    try:
        con = database.connect(processed)
        try:
            page = render(charts(con))
        finally:
            con.close()
        text_atomic(interim / PAGE, page)
    except (OSError, duckdb.Error) as err:
        log.warning("charts page not written to %s (%s)", interim, err)
        return None
    return interim / PAGE


def charts(con: duckdb.DuckDBPyConnection) -> list[Chart]:
    """The page's charts, one per dataset family, from the panel views."""
    def rows(query: str) -> list[tuple]:
        return con.execute(query).fetchall()

    budget = [Bar(rid, "ejecución", float(pct or 0), f"{_pct(pct)}: {_usd(dev)} of {_usd(cod)}")
              for rid, pct, cod, dev in rows(
                  "SELECT report_id, ejecucion_pct, codificado_usd, devengado_usd FROM panel_presupuesto "
                  "ORDER BY anio_fiscal, report_id")]
    procurement = [Bar(tipo, rid, share, f"{share:.1f}% ({_usd(value)})") for tipo, rid, value, share in rows(
        """SELECT tipo_contratacion, report_id, valor, 100 * valor / nullif(sum(valor) OVER (PARTITION BY report_id), 0)
           FROM (SELECT tipo_contratacion, report_id, anio_fiscal, CAST(sum(valor_usd) AS DOUBLE) AS valor
                 FROM panel_contratacion WHERE estado IS NULL OR estado = 'adjudicado' GROUP BY ALL)
           ORDER BY lower(strip_accents(tipo_contratacion)), anio_fiscal, report_id""") if share is not None]
    affiliates = [Bar(rid, str(year), float(n), f"{n:,}") for rid, year, n in rows(
        "SELECT report_id, anio, sum(afiliados) FROM panel_afiliados GROUP BY ALL ORDER BY report_id, anio")]
    pensioners = [Bar(rid, str(year), float(n), f"{n:,}") for rid, year, n in rows(
        "SELECT report_id, anio, sum(pensionistas) FROM panel_pensionistas WHERE pensionistas IS NOT NULL "
        "GROUP BY ALL ORDER BY report_id, anio")]
    return [
        Chart("presupuesto", "Budget execution per report (% devengado of codificado)", budget, 100),
        Chart("contratacion", "Procurement by canonical type: share of each report's awarded value", procurement, 100),
        Chart("afiliados", "Active affiliates per report and year", affiliates),
        Chart("pensionistas", "Pensioners per report and year", pensioners),
    ]


def _usd(value: object) -> str:
    return "-" if value is None else f"USD {value:,.2f}"


def _pct(value: object) -> str:
    return "-" if value is None else f"{value}%"


def render(charts: list[Chart]) -> str:
    """The page: a figure per chart (an SVG, or a line saying there is nothing to draw)."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"<!doctype html><html lang=es><head><meta charset=utf-8><meta http-equiv=Content-Security-Policy "
           f"content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>iess-extract charts {when}</title>"
           f"<style>{_STYLE}</style></head><body>",
           f"<h1>The published reports compared, {when}</h1>",
           "<p>From the panel views of <code>processed/iess.duckdb</code>; categories by their canonical ids "
           "(<code>specs/vocabularies/</code>). <a href='report.html'>The run report</a>.</p>"]
    for chart in charts:
        body = _svg(chart.bars, chart.scale) if chart.bars else "<p class=empty>no rows published for this chart</p>"
        out.append(f"<figure id='chart-{chart.family}'><figcaption>{escape(chart.caption)}</figcaption>"
                   f"{body}</figure>")
    out.append("</body></html>")
    return "\n".join(out)


_LABEL, _AREA, _BAR, _GAP = 250, 420, 14, 3  # label column and bar area widths, a bar's height and gap


def _svg(bars: list[Bar], scale: float | None) -> str:
    """Horizontal bars grouped by row label, a colour per series (with a legend when there are
    several), on one linear scale from zero to `scale`; each bar's text beside it and in its tooltip."""
    series = list(dict.fromkeys(b.series for b in bars))
    colour = {s: _COLOURS[i % len(_COLOURS)] for i, s in enumerate(series)}
    top = scale or max(b.value for b in bars) or 1
    parts: list[str] = []
    y = 4
    if len(series) > 1:
        x = _LABEL
        for s in series:
            parts.append(f"<rect x='{x}' y='{y}' width='10' height='10' fill='{colour[s]}'/>"
                         f"<text x='{x + 14}' y='{y + 10}'>{escape(s)}</text>")
            x += 24 + 8 * len(s)
        y += 22
    for group in dict.fromkeys(b.group for b in bars):
        members = [b for b in bars if b.group == group]
        parts.append(f"<text class=group x='0' y='{y + _BAR - 3}'>{escape(_short(group))}</text>")
        for b in members:
            width = min(max(b.value, 0) / top, 1) * _AREA
            tip = escape(f"{b.group}, {b.series}: {b.text}")
            parts.append(f"<rect class=bar x='{_LABEL}' y='{y}' width='{width:.1f}' height='{_BAR}' "
                         f"fill='{colour[b.series]}'><title>{tip}</title></rect>"
                         f"<text x='{_LABEL + width + 4:.1f}' y='{y + _BAR - 3}'>{escape(b.text)}</text>")
            y += _BAR + _GAP
        y += 8
    width = _LABEL + _AREA + 300
    return (f"<svg width='{width}' height='{y}' viewBox='0 0 {width} {y}' "
            f"role=img>{''.join(parts)}</svg>")


def _short(label: str, most: int = 34) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"
