"""Headline figures of the narrative (`indicadores`), each with the sentence it came from.

Patterns live in `specs/indicators.toml`. The text is cut into sentences across wrapped
lines; a pattern sees one sentence, folded to lowercase without accents. Precision first: an
approximate figure (`más de`) is not taken, and an indicator stated with two different
values is an anomaly instead of a guess. Malformed numbers anywhere in the text are anomalies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import regex

from extract import specs, tolerances
from extract.furniture import furniture
from extract.model import Document, Line, Sink
from extract.numbers import NumberError, find_numbers, read
from extract.patterns import YEAR
from extract.textutil import ends_open, fold_same_length, fold_ws

_NUM = r"(?P<v>\d[\d.,]*\d|\d)"
_MONEY = r"(?P<v>(?:usd\.?|us\$|\$)\s*\d[\d.,]*(?:\s+(?:mil\s+millones|millones|millon|mil)\b)?)"
_APPROX = regex.compile(r"(?:mas de|superior(?:es)? a|cerca de|aproximadamente|alrededor de|menos de)\s*$")
_SENTENCE_END = regex.compile(r"(?<=[.!?;])\s+(?=[\p{Lu}•\-])|\s*•\s*")
_YEAR_IN_TEXT = regex.compile(rf"\b(?:ano|durante(?: el)?|diciembre(?: de)?|cierre de)\s+({YEAR})\b")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: Line


@dataclass(frozen=True)
class Rule:
    slug: str
    unidad: str
    patterns: tuple[regex.Pattern, ...]
    needs: tuple[str, ...]
    excludes: tuple[str, ...]


@cache
def rules() -> tuple[Rule, ...]:
    out = []
    for item in specs.load("indicators")["indicator"]:
        pats = tuple(
            regex.compile(p.replace("{NUM}", _NUM).replace("{MONEY}", _MONEY).replace("{YEAR}", YEAR))
            for p in item["patterns"]
        )
        out.append(Rule(item["slug"], item["unidad"], pats, tuple(item.get("needs", ())),
                        tuple(item.get("not", ()))))
    return tuple(out)


def sentences(lines: list[Line], headings: frozenset[int] = frozenset()) -> list[Sentence]:
    """The text cut into sentences, each tied to the line where it starts.

    A sentence ends at `.`, `;`, `!`, `?` or `:` before an uppercase word or at the end of a
    line, at a bullet, at a heading (`headings`: line indexes, left out), and after a short
    line (the last line of a paragraph) when the next starts in uppercase; wrapped lines in
    between are joined.
    Page furniture (running headers, footers, page numbers) is left out.
    """
    out: list[Sentence] = []
    buf, start = "", None
    skip = furniture(lines)
    lengths = sorted(len(ln.text.strip()) for ln in lines if ln.text.strip())
    short = 0.7 * lengths[int(len(lengths) * 0.75)] if lengths else 0

    def close() -> None:
        nonlocal buf, start
        if buf.strip() and start is not None:
            out.append(Sentence(fold_ws(buf), start))
        buf, start = "", None

    previous = ""
    for i, line in enumerate(lines):
        text = line.text.strip()
        if i in headings:
            close()
            continue
        if not text or i in skip:
            continue
        if text[0].isupper() and len(previous) < short and not ends_open(buf):
            close()  # a paragraph break
        previous = text
        for k, piece in enumerate(_SENTENCE_END.split(text)):
            if k > 0:
                close()
            if piece.strip():
                start = start or line
                buf = f"{buf} {piece}" if buf else piece
        if text.endswith((".", ";", "!", "?", ":")) or len(buf) > tolerances.MAX_SENTENCE:
            close()
    close()
    return out


def extract(doc: Document, sink: Sink, headings: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    """Indicator records of the report, plus anomalies for conflicts and malformed numbers;
    `headings` are the indexes of heading lines (no sentence runs across one)."""
    _scan_malformed(doc, sink)
    found: dict[tuple[str, int], list[tuple[Decimal, Sentence, Rule]]] = {}
    for sent in sentences(doc.lines, headings):
        folded = fold_same_length(sent.text)
        for rule in rules():
            if any(n not in folded for n in rule.needs) or any(x in folded for x in rule.excludes):
                continue
            for pattern in rule.patterns:
                for m in pattern.finditer(folded):
                    if _APPROX.search(folded[: m.start("v")]):
                        continue
                    raw = sent.text[m.start("v"):m.end("v")]
                    try:
                        reading = read(raw, doc.convention)
                    except NumberError:
                        continue  # reported by the malformed-number scan
                    year = int(m["anio"]) if "anio" in pattern.groupindex and m["anio"] else \
                        _year_of(folded, doc.identity.anio_fiscal)
                    found.setdefault((rule.slug, year), []).append((reading.value, sent, rule))
    return _resolve(doc, found, sink)


def _resolve(doc: Document, found: dict, sink: Sink) -> list[dict[str, Any]]:
    out = []
    for (slug, year), hits in found.items():
        values = {v for v, _, _ in hits}
        first = hits[0][1]
        if len(values) > 1:
            sink.add("indicators", f"{slug} stated with different values: "
                     f"{', '.join(str(v) for v in sorted(values))}", dataset="indicadores",
                     location=first.line.location, raw_text=" | ".join(s.text for _, s, _ in hits)[:500])
            continue
        value, sent, rule = hits[0]
        out.append({
            "report_id": doc.report_id, "indicador": slug, "valor": value.quantize(Decimal("0.01")),
            "unidad": rule.unidad, "anio": year, "evidencia": sent.text,
            "source_file": doc.source_file, "source_page": sent.line.page,
            "source_line": sent.line.line,
            "extraction_method": "ocr" if sent.line.page in doc.ocr else "text-prose",
        })
    return sorted(out, key=lambda r: (r["indicador"], r["anio"]))


def _year_of(folded_sentence: str, default: int) -> int:
    years = {int(y) for y in _YEAR_IN_TEXT.findall(folded_sentence)}
    return years.pop() if len(years) == 1 else default


def _scan_malformed(doc: Document, sink: Sink) -> None:
    for line in doc.lines:
        for f in find_numbers(line.text, doc.convention):
            if f.error and "irregular" in f.error:
                sink.add("numbers", f"malformed number ({f.error}); no value taken",
                         location=line.location, raw_text=f.raw)
