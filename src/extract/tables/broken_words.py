"""Names a narrow cell broke mid-word (`SUPERINTENDEN` / `CIA DE BANCOS`): found by the
phrases they should be, and printed mended."""

from __future__ import annotations

from functools import cache

import regex

from extract.textutil import fold_same_length, fold_ws


@cache
def broken_words(phrase: str) -> regex.Pattern:
    """A phrase whose words a narrow cell may break anywhere (`SUPERINTENDEN` / `CIA DE BANCOS`)."""
    words = [r"\s?".join(map(regex.escape, w)) for w in phrase.split()]
    return regex.compile(r"\s+".join(words))


def mend(name: str, phrase: str) -> str:
    """`name` as printed with the spaces of words a narrow cell broke (`SUPERINTENDEN CIA DE
    BANCOS`) taken out, by the record-start `phrase` it matched."""
    out, k = [], 0
    for ch in fold_ws(name):
        if ch == " ":
            if k < len(phrase) and phrase[k] == " ":
                out.append(ch)
                k += 1
            continue
        out.append(ch)
        k += 1
    return "".join(out)


def mended_name(name: str, phrases: tuple[str, ...]) -> str:
    """A record's name as printed (`SUPERINTENDEN CIA DE BANCOS`, a word a narrow cell broke),
    mended by the record-start phrase it is, if it is one."""
    folded = fold_same_length(fold_ws(name))
    for phrase in phrases:
        if broken_words(phrase).fullmatch(folded):
            return mend(name, phrase)
    return name
