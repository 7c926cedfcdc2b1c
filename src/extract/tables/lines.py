"""A line of text as a table row prints it: its label and its trailing value cells
(`split_values`), wrapped lines joined into phrases (`phrases`), and whether a table's labels
wrap below their values (`wrapped_below`)."""

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


def wrapped_below(alone: list[str | None], labels: list[str]) -> bool:
    """The labels of a body's rows wrap below their values: some label line alone on its row
    (`alone`, None for a row of values) goes on from the row above (it starts in lowercase,
    or the label above ends mid-phrase: `Coordinación del` / values / `Seguro de Salud`) and
    none runs on into the row below (it ends mid-phrase, or the next label starts in lowercase)."""
    below = on = False
    for k, text in enumerate(alone):
        if not text:
            continue
        before, after = labels[k - 1] if k else "", labels[k + 1] if k + 1 < len(labels) else ""
        below = below or (k > 0 and alone[k - 1] is None and (starts_lower(text) or ends_open(before)))
        on = on or ends_open(text) or (starts_lower(after) and k + 1 < len(alone) and alone[k + 1] is None)
    return below and not on
