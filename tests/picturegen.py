"""Reports with tables pasted as pictures into pages of text (issue 27), made on the fly: the
tables drawn with PIL from an answer key's rows, the pages with reportlab."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import reportlab
from answer_key import KEYS
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Image as Picture
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # with Spanish accents
KEY = "iess-loja-2024"
PROSE = ("La Dirección Provincial de Loja gestionó sus recursos con criterios de eficiencia y transparencia, "
         "en cumplimiento de la normativa vigente y de los objetivos institucionales del año.")


def key_rows(dataset: str) -> list[dict[str, str]]:
    with (KEYS / KEY / f"{dataset}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def figure(value: str, convention: str, places: int = 2) -> str:
    """A key's number as printed: `1.913.418,00` (`es`) or `1,913,418.00` (`us`)."""
    text = f"{Decimal(value):,.{places}f}"
    return text.translate(str.maketrans(",.", ".,")) if convention == "es" else text


def budget_rows(convention: str) -> list[list[str]]:
    """The key's budget table, with its total, as printed."""
    rows = key_rows("presupuesto")
    total = {r["medida"]: r["valor"] for r in key_rows("totales")}
    return [["Unidad", "Codificado", "Devengado", "% Ejecución"],
            *([r["unidad"], figure(r["codificado_usd"], convention), figure(r["devengado_usd"], convention),
               figure(r["ejecucion_pct"], convention) + "%"] for r in rows),
            ["Total general", figure(total["codificado_usd"], convention),
             figure(total["devengado_usd"], convention), ""]]


def procurement_rows(convention: str) -> list[list[str]]:
    return [["Tipo de contratación", "Número total", "Valor total USD"],
            *([r["tipo_contratacion"], r["procesos"], figure(r["valor_usd"], convention)]
              for r in key_rows("contratacion"))]


def table_png(rows: list[list[str]], path: Path, dpi: int = 200, blur: float = 0.0) -> Path:
    """A ruled table as a picture at `dpi` (10-point text), first column left, figures right."""
    px = dpi / 72
    font = ImageFont.truetype(str(FONT), round(10 * px))
    bold = ImageFont.truetype(str(FONT.with_name("VeraBd.ttf")), round(10 * px))
    pad, height = round(4 * px), round(18 * px)
    widths = [max(round((bold if i == 0 else font).getlength(r[c])) for i, r in enumerate(rows)) + 2 * pad
              for c in range(len(rows[0]))]
    image = Image.new("L", (sum(widths) + 2, height * len(rows) + 2), 255)
    draw = ImageDraw.Draw(image)
    for i, row in enumerate(rows):
        x = 1
        for c, (text, width) in enumerate(zip(row, widths, strict=True)):
            face = bold if i == 0 else font
            left = x + pad if c == 0 or i == 0 else x + width - pad - round(face.getlength(text))
            draw.text((left, 1 + i * height + height // 2), text, font=face, fill=0, anchor="lm")
            draw.rectangle((x, 1 + i * height, x + width, 1 + (i + 1) * height), outline=0, width=max(1, round(px / 2)))
            x += width
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    image.save(path, dpi=(dpi, dpi))
    return path


def photo_png(path: Path, size: tuple[int, int] = (900, 600)) -> Path:
    """A photo of an event: noise over a gradient, no paper."""
    import numpy as np

    rng = np.random.default_rng(7)
    base = np.linspace(40, 180, size[0])[None, :] + rng.normal(0, 40, (size[1], size[0]))
    Image.fromarray(np.clip(base, 0, 255).astype("uint8")).convert("RGB").save(path)
    return path


def _axes(title: str, title_x: int, height: int, dpi: int
          ) -> tuple[Image.Image, ImageDraw.ImageDraw, ImageFont.FreeTypeFont, tuple[float, int, int, int]]:
    """A white chart 420 pt wide and `height` pt tall at `dpi` with its title and its axes
    ticked 0 to 1500: the image, its drawing, the font, and (pixels a point, the y axis' x,
    the x axis' y, the top tick's y)."""
    px = dpi / 72
    font = ImageFont.truetype(str(FONT), round(9 * px))
    image = Image.new("RGB", (round(420 * px), round(height * px)), "white")
    draw = ImageDraw.Draw(image)
    draw.text((round(title_x * px), round(8 * px)), title, font=font, fill="black")
    x0, y0, y1 = round(50 * px), round((height - 40) * px), round(40 * px)
    draw.line((x0, y1, x0, y0), fill="black", width=2)
    draw.line((x0, y0, round(400 * px), y0), fill="black", width=2)
    for k, tick in enumerate(("0", "500", "1000", "1500")):
        draw.text((x0 - round(6 * px), y0 - k * (y0 - y1) // 3), tick, font=font, fill="black", anchor="rm")
    return image, draw, font, (px, x0, y0, y1)


def chart_png(path: Path, dpi: int = 200) -> Path:
    """A bar chart: a title, axis ticks, bars with their month below, a legend."""
    image, draw, font, (px, x0, y0, y1) = _axes("Atenciones por mes", 120, 240, dpi)
    for k, (month, value) in enumerate((("Enero", 900), ("Febrero", 1200), ("Marzo", 700), ("Abril", 1400))):
        left = x0 + round((20 + 80 * k) * px)
        top = y0 - value * (y0 - y1) // 1500
        draw.rectangle((left, top, left + round(40 * px), y0), fill=(70, 110, 180))
        draw.text((left + round(20 * px), y0 + round(10 * px)), month, font=font, fill="black", anchor="mm")
    draw.rectangle((round(330 * px), round(30 * px), round(338 * px), round(38 * px)), fill=(70, 110, 180))
    draw.text((round(342 * px), round(34 * px)), "Atenciones", font=font, fill="black", anchor="lm")
    image.save(path, dpi=(dpi, dpi))
    return path


def line_chart_png(path: Path, dpi: int = 200) -> Path:
    """A line chart on white: thin lines only (read by OCR, as a table might be), a title, axis
    ticks, months, a legend; no row of a label and its figures."""
    image, draw, font, (px, x0, y0, y1) = _axes("Afiliados por mes", 150, 220, dpi)
    points = []
    for k, (month, value) in enumerate((("Enero", 900), ("Febrero", 1200), ("Marzo", 700), ("Abril", 1400))):
        x = x0 + round((40 + 90 * k) * px)
        points.append((x, y0 - value * (y0 - y1) // 1500))
        draw.text((x, y0 + round(10 * px)), month, font=font, fill="black", anchor="mm")
    draw.line(points, fill=(200, 60, 40), width=3)
    draw.line((round(300 * px), round(195 * px), round(320 * px), round(195 * px)), fill=(200, 60, 40), width=3)
    draw.text((round(325 * px), round(195 * px)), "Afiliados", font=font, fill="black", anchor="lm")
    image.save(path, dpi=(dpi, dpi))
    return path


def picture_report(path: Path, pictures: dict[str, list[Path]], dpi: int = 200) -> Path:
    """The Loja report in short: a title page's lines, then per heading prose, its pictures (at
    their size for `dpi`, scaled to the text's width at most), and prose below."""
    styles = getSampleStyleSheet()
    story = [Paragraph("Informe de Rendición de Cuentas 2024", styles["Title"]),
             Paragraph("Instituto Ecuatoriano de Seguridad Social (IESS) - Dirección Provincial de Loja",
                       styles["Normal"]),
             Paragraph("Resumen Ejecutivo", styles["Heading1"]), Paragraph(PROSE, styles["Normal"])]
    for heading, images in pictures.items():
        story += [Paragraph(heading, styles["Heading1"]), Paragraph(PROSE, styles["Normal"]), Spacer(1, 8)]
        for image in images:
            w, h = Image.open(image).size
            scale = min(72 / dpi, 450 / w)
            story += [Picture(str(image), width=w * scale, height=h * scale), Spacer(1, 8)]
        story += [Paragraph("Fuente: Dirección Provincial de Loja, Unidad Financiera.", styles["Normal"]),
                  Paragraph(PROSE, styles["Normal"])]
    SimpleDocTemplate(str(path)).build(story)
    return path
