"""Exact reading of numbers printed in either convention.

Spanish (`es`): `1.234.567,89`, `52,80%`; US (`us`): `1,234,567.89`, `55.09%`. Most values
settle their own reading: both separators (`1.234,5`), a repeated separator (`1.234.567`),
one or two digits after the only separator (`52,80`, `0.7`). Only a single separator followed
by exactly three digits (`4.512`, `9,933`) depends on the convention, which the caller gives
(a column's other values, else the document's: see `settle` and `evidence`); without one, the
value is refused as ambiguous, never guessed. Anything irregular (`8.818.67.9583`,
`9713.404.565`) is refused with a reason.

Table cells also carry: a negative in parentheses `(1.234)`, footnote markers after the value
(`1.234 (1)`, `45*`), a lone dash for zero and `s/d` / `n/d` for no value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import regex

from extract import tolerances
from extract.patterns import CURRENCY
from extract.textutil import lookalike_number

Convention = Literal["es", "us"]
ES: Convention = "es"
US: Convention = "us"
_MARKS: dict[Convention, tuple[str, str]] = {ES: (".", ","), US: (",", ".")}  # (thousands, decimal)

SCALES: dict[str, Decimal] = {
    "mil millones": Decimal(10) ** 9,
    "miles de millones": Decimal(10) ** 9,
    "millones": Decimal(10) ** 6,
    "millón": Decimal(10) ** 6,
    "millon": Decimal(10) ** 6,
    "mil": Decimal(10) ** 3,
}

_SCALE = r"(?:mil\s+millones|miles\s+de\s+millones|millones|mill[oó]n|mil)"
_CORE = r"\d[\d.,]*"

#: A numeric token as it appears in running text: optional sign, currency, scale and percent.
TOKEN = regex.compile(
    rf"(?<![\w.,/-])(?P<sign>[-−])?\s?(?P<cur>{CURRENCY}\s*)?(?P<core>{_CORE}(?<=\d))"
    rf"(?![\w/]|[.,]\d)(?P<pct>\s?%)?(?:\s+(?P<scale>{_SCALE})\b)?",
    regex.IGNORECASE,
)

_FULL = regex.compile(
    rf"^\s*(?P<sign>[-−])?\s*(?P<cur>{CURRENCY})?\s*(?P<sign2>[-−])?\s*(?P<core>{_CORE})\s*"
    rf"(?P<pct>%)?\s*(?P<scale>{_SCALE})?(?:\s+de\s+d[oó]lares)?\s*$",
    regex.IGNORECASE,
)

_DIGITS = regex.compile(r"^\d+$")
_DIGITS_AND_MARKS = regex.compile(r"[\d.,]+")
_SPACES = regex.compile(r"\s+")
_SHORT_DECIMAL = regex.compile(r"^\d+([.,])\d{1,2}$")  # `52,80`, `0.7`: a decimal either way
_ONE_GROUP = regex.compile(r"^\d{1,3}([.,])\d{3}$")  # `4.512`: the only ambiguous form
_LONG_FRACTION = regex.compile(r"^\d+([.,])\d+$")  # `1234,5678`: only the decimal mark fits


def _grouped(thousands: str, decimal: str) -> regex.Pattern:
    t, d = regex.escape(thousands), regex.escape(decimal)
    return regex.compile(rf"^\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?$")


_GROUPED = {conv: _grouped(*marks) for conv, marks in _MARKS.items()}


class NumberError(ValueError):
    """A string that is not a well-formed number; `reason` says why."""

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


def _plain(core: str, conv: Convention) -> Decimal:
    thousands, decimal = _MARKS[conv]
    return Decimal(core.replace(thousands, "").replace(decimal, "."))


def own_convention(core: str) -> Convention | None:
    """The convention a number's digits and separators settle by themselves, if any:
    both separators, or one separator repeated (`1.234.567`). Short decimals (`52,80`, `0.7`)
    read the same either way and settle nothing."""
    if "." in core and "," in core or core.count(".") > 1 or core.count(",") > 1:
        for conv, pattern in _GROUPED.items():
            if pattern.match(core):
                return conv
    return None


def parse_core(core: str, convention: Convention | None = None) -> Decimal:
    """Read the digits-and-separators part of a number (no sign, currency or scale)."""
    if _DIGITS.match(core):
        return Decimal(core)
    own = own_convention(core)
    if own:
        return _plain(core, own)
    if _SHORT_DECIMAL.match(core):
        return Decimal(core.replace(",", "."))
    one = _ONE_GROUP.match(core)
    if one:
        if convention is None:
            raise NumberError(core, "ambiguous: thousands or decimals; the column does not settle the convention")
        return _plain(core, convention)
    fraction = _LONG_FRACTION.match(core)
    if fraction and convention and fraction[1] == _MARKS[convention][1]:
        return _plain(core, convention)
    if not _DIGITS_AND_MARKS.fullmatch(core) or not core[0].isdigit():
        raise NumberError(core, lookalike_number(core) or "not a number")
    raise NumberError(core, "irregular digit grouping")


def read(text: str, convention: Convention | None = None) -> Reading:
    """Read one complete number such as `-8.166`, `52,80%`, `USD 201,9 millones`, `$ 2,263,037.81`."""
    m = _FULL.match(text)
    if not m:
        raise NumberError(text, lookalike_number(text) or "not a number")
    value = parse_core(m["core"], convention)
    scale = m["scale"]
    if scale:
        value *= SCALES[_SPACES.sub(" ", scale.lower())]
    if m["sign"] or m["sign2"]:
        value = -value
    return Reading(value, percent=bool(m["pct"]), currency=bool(m["cur"]), scaled=bool(scale))


def parse_decimal(text: str, convention: Convention | None = None) -> Decimal:
    """The exact value of `text`; raises NumberError when it is not a well-formed number."""
    return read(text, convention).value


def parse_int(text: str, convention: Convention | None = None) -> int:
    """An integer count; raises NumberError for fractions or malformed text."""
    value = parse_decimal(text, convention)
    if value != value.to_integral_value():
        raise NumberError(text, "a count with a fractional part")
    return int(value)


# --- table cells ---------------------------------------------------------------------------

_DASH = regex.compile(r"^[-−–—]$")
_NO_DATA = regex.compile(r"^(?:s/d|n/d|s/i|n/a|n\.d\.|s\.d\.)$", regex.IGNORECASE)
_FOOTNOTE = regex.compile(r"(?:\s*\(\d{1,2}\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)$")
_PARENS = regex.compile(rf"^\(\s*(?P<inner>{CURRENCY}?\s*\d[\d.,]*\s*%?)\s*\)$", regex.IGNORECASE)


def cell_text(text: str) -> tuple[str, bool]:
    """A cell's number text without footnote markers, and whether it was in parentheses
    (a negative): `(896)` -> (`896`, True), `942 (1)` -> (`942`, False), `309*` -> (`309`, False)."""
    text = text.strip()
    while True:
        m = _FOOTNOTE.search(text)
        if not m or m.start() == 0 or _PARENS.match(text):
            break
        text = text[: m.start()].rstrip()
    parens = _PARENS.match(text)
    return (parens["inner"], True) if parens else (text, False)


def is_no_data(text: str) -> bool:
    """`s/d`, `n/d` and the like: the report has no value for this cell."""
    return bool(_NO_DATA.match(text.strip()))


def cell_value(text: str, convention: Convention | None = None) -> Decimal | None:
    """A table cell's value: a number (footnote markers dropped, parentheses negative), zero
    for a lone dash, None for `s/d`. Raises NumberError for anything else."""
    stripped = text.strip()
    if _DASH.match(stripped):
        return Decimal(0)
    if is_no_data(stripped):
        return None
    core, negative = cell_text(stripped)
    value = parse_decimal(core, convention)
    return -value if negative else value


def is_cell_value(text: str) -> bool:
    """True when a table cell holds a value in either convention (a number, a dash, `s/d`)."""
    stripped = text.strip()
    if not stripped:
        return False
    if _DASH.match(stripped) or is_no_data(stripped):
        return True
    core, _ = cell_text(stripped)
    return any(_reads(core, conv) for conv in (ES, US))


def _reads(text: str, conv: Convention) -> bool:
    try:
        read(text, conv)
    except NumberError:
        return False
    return True


# --- which convention ----------------------------------------------------------------------

_HINT_DECIMAL = regex.compile(r"^\d+([.,])\d{1,2}$")


def hint(core: str) -> Convention | None:
    """What one printed number says about its convention: settled by itself (`1.234.567`), or
    a short decimal (`52,80` says Spanish). A weak hint; `settle` weighs many."""
    own = own_convention(core)
    if own:
        return own
    m = _HINT_DECIMAL.match(core)
    if m:
        return ES if m[1] == "," else US
    return None


def evidence(cores: Iterable[str]) -> Counter[Convention]:
    """How many numbers point to each convention."""
    votes: Counter[Convention] = Counter()
    for core in cores:
        conv = hint(core)
        if conv:
            votes[conv] += 1
    return votes


def settle(votes: Counter[Convention], fallback: Convention | None = None) -> Convention | None:
    """The convention the votes settle (a clear majority), else `fallback`."""
    total = sum(votes.values())
    if total:
        conv, n = votes.most_common(1)[0]
        if n / total >= tolerances.CONVENTION_MAJORITY:
            return conv
    return fallback

def column_convention(cells: Iterable[str], fallback: Convention | None) -> Convention | None:
    """A table column's convention from its own cells, else `fallback` (the document's)."""
    cores = [cell_text(c)[0] for c in cells if c.strip()]
    return settle(evidence(_core_of(c) for c in cores), fallback)

def grouping(cells: Iterable[str]) -> Convention | None:
    """The convention in which the cells' one kind of separator groups thousands (`1.700`,
    `16.305`: Spanish; `1,700`: US), for a column whose values cannot have decimals (a count)
    or a reading that needs them whole; None when they print both separators or neither."""
    marks = {m for c in cells for m in ".," if m in c}
    return ES if marks == {"."} else US if marks == {","} else None


def _core_of(text: str) -> str:
    m = _FULL.match(text)
    return m["core"] if m else ""

def document_convention(texts: Iterable[str]) -> Convention | None:
    """The convention of a document's numbers, from every numeric token of its text."""
    return settle(evidence(m["core"] for t in texts for m in TOKEN.finditer(t)))

@dataclass(frozen=True)
class Found:
    """A numeric token found in running text, with its span; `error` when it is malformed."""

    start: int
    end: int
    raw: str
    reading: Reading | None
    error: str | None

def find_numbers(text: str, convention: Convention | None = ES) -> list[Found]:
    """Every numeric token of a prose line, each read or refused with a reason."""
    out: list[Found] = []
    for m in TOKEN.finditer(text):
        raw = m.group(0).strip()
        try:
            reading = read(raw, convention)
            out.append(Found(m.start(), m.end(), raw, reading, None))
        except NumberError as err:
            out.append(Found(m.start(), m.end(), raw, None, err.reason))
    return out
