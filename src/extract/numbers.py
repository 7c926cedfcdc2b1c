"""Exact reading of numbers printed in Spanish conventions.

`1.234.567` -> 1234567, `10.891.477,37` -> Decimal('10891477.37'), `52,80%` -> 52.80,
`USD 201,9 millones` -> 201900000. The dot-decimal of prose (`0.7%`, `USD 60.8 millones`)
is told apart from a thousands group (`2.789`): one dot followed by exactly three digits is
a thousands separator, one dot followed by one or two digits is a decimal point. Anything
irregular (`8.818.67.9583`, `9713.404.565`) is refused with a reason, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

SCALES: dict[str, Decimal] = {
    "mil millones": Decimal(10) ** 9,
    "miles de millones": Decimal(10) ** 9,
    "millones": Decimal(10) ** 6,
    "millón": Decimal(10) ** 6,
    "millon": Decimal(10) ** 6,
    "mil": Decimal(10) ** 3,
}

_CURRENCY = r"(?:USD\.?|US\$|\$)"
_SCALE = r"(?:mil\s+millones|miles\s+de\s+millones|millones|mill[oó]n|mil)"
_CORE = r"\d[\d.,]*"

#: A numeric token as it appears in running text: optional sign, currency, scale and percent.
TOKEN = regex.compile(
    rf"(?<![\w.,/-])(?P<sign>[-−])?\s?(?P<cur>{_CURRENCY}\s*)?(?P<core>{_CORE}(?<=\d))"
    rf"(?![\w/]|[.,]\d)(?P<pct>\s?%)?(?:\s+(?P<scale>{_SCALE})\b)?",
    regex.IGNORECASE,
)

_FULL = regex.compile(
    rf"^\s*(?P<sign>[-−])?\s*(?P<cur>{_CURRENCY})?\s*(?P<sign2>[-−])?\s*(?P<core>{_CORE})\s*"
    rf"(?P<pct>%)?\s*(?P<scale>{_SCALE})?(?:\s+de\s+d[oó]lares)?\s*$",
    regex.IGNORECASE,
)

_THOUSANDS = regex.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_PLAIN = regex.compile(r"^\d+(?:,\d+)?$")
_DOT_DECIMAL = regex.compile(r"^\d+\.\d{1,2}$")


class NumberError(ValueError):
    """A string that is not a well-formed Spanish number; `reason` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class Reading:
    """A number read from text: its exact value and what was printed around it."""

    value: Decimal
    percent: bool = False
    currency: bool = False
    scaled: bool = False


def parse_core(core: str) -> Decimal:
    """Read the digits-and-separators part of a number (no sign, currency or scale)."""
    if _THOUSANDS.match(core):
        return Decimal(core.replace(".", "").replace(",", "."))
    if _PLAIN.match(core):
        return Decimal(core.replace(",", "."))
    if _DOT_DECIMAL.match(core):
        return Decimal(core)
    if not regex.fullmatch(r"[\d.,]+", core) or not core[0].isdigit():
        raise NumberError(core, "not a number")
    raise NumberError(core, "irregular digit grouping")


def read(text: str) -> Reading:
    """Read one complete number such as `-8.166`, `52,80%`, `USD 201,9 millones`, `$ 2.263.037,81`."""
    m = _FULL.match(text)
    if not m:
        raise NumberError(text, "not a number")
    value = parse_core(m["core"])
    scale = m["scale"]
    if scale:
        value *= SCALES[regex.sub(r"\s+", " ", scale.lower())]
    if m["sign"] or m["sign2"]:
        value = -value
    return Reading(value, percent=bool(m["pct"]), currency=bool(m["cur"]), scaled=bool(scale))


def parse_decimal(text: str) -> Decimal:
    """The exact value of `text`; raises NumberError when it is not a well-formed number."""
    return read(text).value


def parse_int(text: str) -> int:
    """An integer count; raises NumberError for fractions or malformed text."""
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise NumberError(text, "a count with a fractional part")
    return int(value)


_DASH = regex.compile(r"^[-−–]$")


def cell_value(text: str) -> Decimal:
    """A table cell's value: a number, or a lone dash, which tables print for zero."""
    return Decimal(0) if _DASH.match(text.strip()) else parse_decimal(text)


def is_cell_value(text: str) -> bool:
    """True when a table cell holds a value (a number or a dash)."""
    return bool(text.strip()) and (_DASH.match(text.strip()) is not None or is_number(text))


def is_number(text: str) -> bool:
    """True when `text` reads as a well-formed number."""
    try:
        read(text)
    except NumberError:
        return False
    return True


@dataclass(frozen=True)
class Found:
    """A numeric token found in running text, with its span; `error` when it is malformed."""

    start: int
    end: int
    raw: str
    reading: Reading | None
    error: str | None


def find_numbers(text: str) -> list[Found]:
    """Every numeric token of a prose line, each read or refused with a reason."""
    out: list[Found] = []
    for m in TOKEN.finditer(text):
        raw = m.group(0).strip()
        try:
            reading = read(raw)
            out.append(Found(m.start(), m.end(), raw, reading, None))
        except NumberError as err:
            out.append(Found(m.start(), m.end(), raw, None, err.reason))
    return out
