"""Header words: the comparison key of a table header, the words any header has, and the
patterns a spec's header words are used as (either gender and number, words in between,
spaces missing)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import regex

from extract import tolerances
from extract.textutil import key

#: Words of any table header: months (`Dic-2024`), currency and units, connectors.
GENERIC_HEADER_WORDS = frozenset(
    ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic", "enero", "febrero",
     "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
     "al", "corte", "usd", "%", "numero",
     "de", "del", "la", "las", "los", "el", "y", "en", "a", "por", "dolares", "us", "en usd"]
)
#: Abbreviations of header words, folded before matching: `N.º` (`N.*` as OCR may read it),
#: `No.`, `Nro.`, `Núm.`, `#` = número.
_ABBREVIATIONS = ((regex.compile(r"(?<!\w)(?:n\s?\.?\s?[o°*]|nro|num|no)(?!\w)\.?|#"), "numero"),)
#: Header words that sit between two value columns without naming one (`Monto (USD) N.º`).
FILLER = GENERIC_HEADER_WORDS | {"total", "totales"}
WORDS = regex.compile(r"[\w%$#]+")
_PARTICIPLE_END = regex.compile(r"(?<=[ai]d)o(?=$|[ )|])")  # the `o` of `codificado`, `asignado`


def header_key(text: str) -> str:
    """A header's comparison key: `key` with abbreviations spelt out (`N.º de procesos` ->
    `numero de procesos`)."""
    folded = key(text)
    for pattern, word in _ABBREVIATIONS:
        folded = pattern.sub(word, folded)
    return folded


def _gendered(pattern: str) -> str:
    """A participle of either gender and number (`codificado` = `Codificada`, `Codificados`)."""
    return _PARTICIPLE_END.sub("(?:o|a|os|as)", pattern)


@cache
def participles(pattern: str) -> regex.Pattern:
    """A header pattern with its participles of either gender and number."""
    return regex.compile(_gendered(pattern))


@cache
def interleaved(pattern: str) -> regex.Pattern:
    """A header pattern whose words may have other columns' words between them: an extractor
    that reads a multi-line header line by line prints `Monto Monto / Seguro acumulado
    acumulado` for the columns `Monto acumulado` and `Monto acumulado`."""
    gap = rf"(?:\s+(?:\S+\s+){{0,{tolerances.HEADER_INTERLEAVED_WORDS}}}?)"
    return regex.compile(_gendered(pattern).replace(" ", gap))


@cache
def loose(pattern: str) -> regex.Pattern:
    """A header word pattern as a whole-word match where spaces may be missing (`NúmeroTotal`)
    and a participle may be of either gender and number."""
    return regex.compile(r"(?<!\w)" + _gendered(pattern).replace(" ", r"\s*") + r"(?!\w)")


_ABBREVIATED = regex.compile(r"(?<!\w)(\w{3,})\.(?!\w)")  # `codif.`, `deveng.`: a word cut with a period


def expanded(text: str, *vocabularies: Iterable[str]) -> str:
    """A folded header with each word cut with a period (`codif.`) spelt out as the one word it
    begins (`codificado`) in the first of `vocabularies` where exactly one does; left as it is
    where none settles it."""
    def spell(m: regex.Match) -> str:
        for vocabulary in vocabularies:
            hits = {w for w in vocabulary if w.startswith(m[1]) and w != m[1]}
            if len(hits) == 1:
                return hits.pop()
            if hits:
                break
        return m.group()
    return _ABBREVIATED.sub(spell, text)
