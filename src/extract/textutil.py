"""Small text helpers shared by the stages: folding, slugs, accent-insensitive matching."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import regex

_WS = regex.compile(r"\s+")
_NOT_SLUG = regex.compile(r"[^a-z0-9]+")


#: A no-break, figure or thin space between digit groups (`1 996 585` as Word and the RAE's
#: norm print it): part of the number, never a gap between two cells.
_GROUP_SPACE = regex.compile(r"(?<=\d)[\u00a0\u2007\u2009\u202f](?=\d{3}(?!\d))")


def join_digit_groups(text: str) -> str:
    """`1 996 585,00` (no-break or thin spaces) as `1996585,00`: one number, read as printed."""
    return _GROUP_SPACE.sub("", text) if not text.isascii() else text


def fold_ws(text: str) -> str:
    """Whitespace folded to single spaces, trimmed."""
    return _WS.sub(" ", text).strip()


_COMBINING = regex.compile(r"\p{Mn}+")  # the accents NFKD splits off their letters


def strip_accents(text: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """A comparison key: lowercase, no accents, folded whitespace. Computed once per distinct
    line (every dataset's spec looks at the same lines)."""
    return fold_ws(strip_accents(text).lower())


def slug(text: str) -> str:
    """Lowercase ASCII slug: `Santo Domingo de los Tsáchilas` -> `santo-domingo-de-los-tsachilas`."""
    return _NOT_SLUG.sub("-", key(text)).strip("-")


def fold_same_length(text: str) -> str:
    """Lowercase without accents, one character for one, so match offsets map back to `text`."""
    return "".join(map(_fold_char, text))


@cache
def _fold_char(c: str) -> str:
    return (key(c) or c)[:1] if c.strip() else c


#: Words after which a wrapped label continues on the next line.
CONNECTORS = frozenset({
    "de", "del", "la", "las", "los", "el", "y", "e", "o", "u", "en", "a", "al", "con", "por",
    "para", "sin", "sobre", "entre", "que", "su", "sus",
})


def ends_open(text: str) -> bool:
    """True when `text` ends mid-phrase (a connector, comma or hyphen): the next line continues it."""
    text = text.rstrip()
    if not text:
        return False
    if text[-1] in ",-–":
        return True
    last = text.split()[-1].lower()
    return last in CONNECTORS


def starts_lower(text: str) -> bool:
    """True when `text` starts with a lowercase letter (a continuation of the line before)."""
    text = text.lstrip()
    return bool(text) and text[0].isalpha() and text[0].islower()


def safe(name: str) -> str:
    """A file name fit for one log line (a newline in a name cannot forge another line)."""
    return name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
