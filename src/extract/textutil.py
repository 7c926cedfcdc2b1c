"""Small text helpers shared by the stages: folding, slugs, accent-insensitive matching,
invisible characters, numbers typed with look-alike characters."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import regex

_WS = regex.compile(r"\s+")
_NOT_SLUG = regex.compile(r"[^a-z0-9]+")


#: A no-break, figure or thin space between digit groups (`1 996 585` as Word and the RAE's
#: norm print it): part of the number, never a gap between two cells.
_GROUP_SPACE = regex.compile(r"(?<=\d)[\u00a0\u2007\u2009\u202f](?=\d{3}(?!\d))")


#: Invisible characters: format characters (Unicode Cf: zero-width space and joiners, the soft
#: hyphen, word joiner, a stray byte-order mark, bidi embeddings, overrides and isolates) and
#: combining marks on no letter (`7\u0301`); inside a number or a label they split or hide it.
_INVISIBLE = regex.compile(r"\p{Cf}+|(?<![\p{L}\p{M}])\p{M}+")
_SOFT_BREAK = regex.compile(r"\u00ad+(?=[ \t]*(?:\n|$))")  # a soft hyphen where a line breaks is printed
#: Full-width digits and separators (`１０９．７８７，５２`) as ASCII: NFKC of these alone, never of letters.
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\uff0c": ",", "\uff0e": "."})


def visible(text: str) -> tuple[str, int]:
    """The text without invisible characters (`_INVISIBLE`; a soft hyphen at a line's end as
    `-`), full-width digits and separators as ASCII; and how many characters were removed."""
    if text.isascii():
        return text, 0
    shown = _INVISIBLE.sub("", _SOFT_BREAK.sub("-", text))
    return shown.translate(_FULL_WIDTH), len(text) - len(shown)


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


#: Letters typed for a digit (`1O9.787,52`) and marks typed for a separator (`109٬787٫52`,
#: `1'234`), which no reading takes for one.
_DIGIT_LOOKALIKES = frozenset("OoIl")
_SEPARATOR_LOOKALIKES = frozenset("\u066b\u066c\u060c\u00b7\u2024\u2027\u2219'\u2019\u02bc\u00b4\ufe50\ufe52")
_NUMBER_EDGES = "()%*$-−+"


def lookalike_number(token: str) -> str | None:
    """Why `token` is a number with a look-alike character in it, or None when it is not (a
    plain number, a word, a code): a letter O, o, I or l for a digit between digits or
    separators (`1O9.787,52`, or at an end of a number with separators, `109.787,5O`), a
    separator of another script or a look-alike between digits (`109٬787٫52`, `1'234`), a
    digit of another script, an invisible character (`_INVISIBLE`). A reader that finds one
    refuses the token with this reason, never reads its line as words."""
    core = token.strip(_NUMBER_EDGES)
    if sum(c.isdigit() for c in core) < 2 or core[0] in ".," or core[-1] in ".,":
        return None
    separated = any(c in ".," or c in _SEPARATOR_LOOKALIKES for c in core)
    odd = None
    for i, c in enumerate(core):
        inside = 0 < i < len(core) - 1
        if c in "0123456789.,":
            continue
        if c in _DIGIT_LOOKALIKES and (inside or separated):
            what = "a letter where a digit goes"
        elif c in _SEPARATOR_LOOKALIKES and inside:
            what = "a look-alike of a separator"
        elif c.isdigit():
            what = "a digit of another script"
        elif _INVISIBLE.fullmatch(c):
            what = "an invisible character"
        else:
            return None  # a word or a code, not a number
        odd = odd or f"{what}: {unicodedata.name(c, 'unnamed')} (U+{ord(c):04X}) in {core!r}"
    return odd
