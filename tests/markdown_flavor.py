"""Write a report PDF as Markdown the way PDF-to-Markdown extractors give it (pymupdf4llm,
docling, marker): ruled tables as pipe tables (a cell's lines joined by `<br>`, a `|---|` rule
under the first row), numbered headings as `##` headings, bold runs in `**`, the rest of the
page as its text lines; pages apart by a rule.

usage: python tests/markdown_flavor.py OUTDIR PDF...   (needs pdfplumber)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[IVX]{1,4}\.)\s+\w")


def _table(rows: list[list[str | None]]) -> list[str]:
    def cell(text: str | None) -> str:
        return " <br>".join((text or "").split("\n")).replace("|", "\\|")

    out = ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return [out[0], "|" + "---|" * len(rows[0]), *out[1:]]


def _text(page) -> list[str]:
    """The page's words outside its tables as lines, bold ones in `**`, numbered headings as `##`."""
    out = []
    for line in page.extract_text_lines(return_chars=True):
        bold = all("Bold" in (c.get("fontname") or "") for c in line["chars"] if c["text"].strip())
        text = line["text"].strip()
        if _HEADING.match(text):
            out.append(f"## {text}")
        elif bold and text:
            out.append(f"**{text}**")
        else:
            out.append(text)
    return out


def markdown(pdf: Path) -> str:
    import pdfplumber

    parts: list[str] = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            tables = page.find_tables()
            rest = page
            for table in tables:
                rest = rest.outside_bbox(table.bbox)
            lines = _text(rest)
            blocks = [(t.bbox[1], _table(t.extract())) for t in tables if t.extract()]
            tops = [line["top"] for line in rest.extract_text_lines()]
            placed: list[str] = []
            k = 0
            for top, line in zip(tops, lines, strict=True):
                while k < len(blocks) and blocks[k][0] < top:
                    placed += ["", *blocks[k][1], ""]
                    k += 1
                placed.append(line)
            for _, block in blocks[k:]:
                placed += ["", *block, ""]
            parts.append("\n".join(placed))
    return "\n\n---\n\n".join(parts) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for f in sys.argv[2:]:
        (out / f"{Path(f).stem}.md").write_text(markdown(Path(f)), encoding="utf-8")
