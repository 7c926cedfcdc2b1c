"""Small IESS-like report PDFs made with reportlab, so tests need no binary fixtures."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

RULED = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]


def report_pdf(path: Path, heading: str, rows: list[list[str]], *, ruled: bool = True,
               header_rows: int = 1, spans: list[tuple] = (), provincia: str = "Azuay",
               year: int = 2023, filler: int = 0, col_widths: list[float] | None = None,
               running_header: str | None = None) -> Path:
    """A provincial report: title, a short narrative, `heading`, then one table."""
    styles = getSampleStyleSheet()
    story = [
        Paragraph(f"Informe de Rendición de Cuentas {year}", styles["Title"]),
        Paragraph(f"Instituto Ecuatoriano de Seguridad Social (IESS) - Dirección Provincial de {provincia}",
                  styles["Normal"]),
        Paragraph("Resumen Ejecutivo", styles["Heading1"]),
        Paragraph(f"Durante el año {year} la Dirección Provincial de {provincia} atendió a sus afiliados.",
                  styles["Normal"]),
    ]
    story += [Paragraph("Texto de relleno para empujar la tabla hacia abajo.", styles["Normal"])] * filler
    story += [Paragraph(heading, styles["Heading1"]), Spacer(1, 6)]
    style = list(RULED if ruled else []) + [("SPAN", *s) for s in spans]
    cells = [[Paragraph(c, styles["Normal"]) if col_widths and len(c) > 20 else c for c in r] for r in rows]
    story.append(Table(cells, colWidths=col_widths, repeatRows=header_rows, style=TableStyle(style)))
    story.append(Paragraph("Fuente: Dirección Provincial", styles["Normal"]))
    def header(canvas, doc) -> None:
        if running_header:
            canvas.drawString(72, A4[1] - 40, running_header)

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=header, onLaterPages=header)
    return path
