"""The money unit a table states (`(en miles de dólares)` in its caption, `Miles USD` in its
header): its amounts are scaled to US dollars, exactly."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import regex

from extract.textutil import key

_SCALE = {"miles": Decimal(1000), "millones": Decimal(10) ** 6}
_CURRENCY = r"(?:d[oó]lares|usd|us\s?\$|\$)"
#: `en miles de dólares`, `miles USD`, `USD miles`, `(en millones)`, `millones de USD`
UNIT = regex.compile(
    rf"(?<!\w)(?:(?:en\s+)?(?P<scale>miles|millones)(?:\s+de)?\s+{_CURRENCY}|{_CURRENCY}\s+(?:en\s+)?"
    rf"(?P<scale2>miles|millones)|\(\s*en\s+(?P<scale3>miles|millones)\s*\))(?!\w)",
    regex.IGNORECASE,
)


def unit_of(texts: Iterable[str]) -> str | None:
    """The first money unit other than dollars that the texts state, as printed."""
    for text in texts:
        m = UNIT.search(text)
        if m:
            return m.group().strip("() ")
    return None


def scale(unit: str | None) -> Decimal:
    """What an amount printed in `unit` is multiplied by to be in US dollars."""
    if not unit:
        return Decimal(1)
    m = UNIT.search(unit) or UNIT.search(f"({unit})")
    word = key(next(g for g in (m["scale"], m["scale2"], m["scale3"]) if g)) if m else ""
    return _SCALE.get(word, Decimal(1))
