"""A line of text as a table row prints it: its label and its trailing value cells
(`split_values`), and wrapped lines joined into phrases (`phrases`)."""

from __future__ import annotations

import regex

from extract.patterns import CURRENCY
from extract.textutil import ends_open, fold_ws, lookalike_number, starts_lower

VALUE = regex.compile(  # one value cell: a number, a percentage, a dash, `s/d`
    rf"^(?:[-−]?{CURRENCY}?[-−]?\d[\d.,]*%?(?:\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)?|\({CURRENCY}?\d[\d.,]*%?\)|[-−–—]"
    r"|(?i:s/d|n/d|s/i|n/a))$"
)
FOOTNOTE_TOKEN = regex.compile(r"^\(\d{1,2}\)$")  # `(1)` after a value: a footnote marker
ACRONYM = regex.compile(r"^\p{Lu}{2,5}$")  # `SSC`: a lone acronym continues the label above
_SPACED_PERCENT = regex.compile(r"(\d)\s+%")  # `52,80 %`
_SPACED_CURRENCY = regex.compile(rf"(?<![\w$])({CURRENCY})\s+(?=[-−(]?\d)")  # `USD 1.234`


def split_values(text: str, limit: int) -> tuple[str, list[str]]:
    """Split `Sector privado 1.234.567 2.345.678` into label and up to `limit` trailing values.
    A footnote marker `(1)` after a value is part of it when the row has more values than
    `limit` otherwise (`942 (1)`). A number with a look-alike in it (`1O9.787,52`) is a value
    cell too, which its column refuses with the reason: never words of the label."""
    text = _SPACED_PERCENT.sub(r"\1%", text)
    tokens = _SPACED_CURRENCY.sub(r"\1", text).split()
    k = len(tokens)
    while k and (VALUE.match(tokens[k - 1]) or lookalike_number(tokens[k - 1])):
        k -= 1
    values = tokens[k:]
    i = len(values) - 1
    while len(values) > limit and i > 0:
        if FOOTNOTE_TOKEN.match(values[i]) and not FOOTNOTE_TOKEN.match(values[i - 1]):
            values[i - 1 : i + 1] = [f"{values[i - 1]} {values[i]}"]
        i -= 1
    cut = max(len(values) - limit, 0)
    return " ".join([*tokens[:k], *values[:cut]]), values[cut:]


def phrases(parts: list[str]) -> list[str]:
    """Join wrapped lines into phrases: a line continues the one before when that one ends
    mid-phrase (`Con relación de` / `dependencia`), or it starts in lowercase, or it is a lone
    acronym (`Jefes de familia` / `SSC`)."""
    out: list[str] = []
    for part in parts:
        part = fold_ws(part)
        if not part:
            continue
        if out and (ends_open(out[-1]) or starts_lower(part) or ACRONYM.match(part)):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out
