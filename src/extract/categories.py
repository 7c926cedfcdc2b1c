"""Canonical categories: beside each categorical column kept as printed, an id from a controlled
vocabulary (`specs/vocabularies/<name>.toml`: id, canonical name, variants), so that one
category printed many ways (`Ínfima Cuantía`, `ÍNFIMA CUANTÍA (bienes y servicios)`) joins
across reports. A label is folded like a header (case, accents, whitespace), its punctuation,
dotted abbreviations (`C.G.E.`), plurals and connectors (`de`, `del`, `y`) too; it matches the
entry whose name or variant it is, or else whose longest name or variant it contains as whole
words. A label that matches none, or two entries equally, gets a null id and an anomaly naming
the file to extend."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex

from extract import specs
from extract.contract import SCHEMAS
from extract.model import Record, Sink, location
from extract.specs.schema import SpecError, Table
from extract.textutil import key, slug

_DOTTED = regex.compile(r"(?<!\w)(?:\w\.){2,}")  # `c.g.e.`, `s.s.c.`: an abbreviation spelt with periods
_WORD = regex.compile(r"[a-z0-9]+")
#: Words a label may have or leave out without changing its category.
_CONNECTORS = frozenset({"de", "del", "la", "las", "lo", "los", "el", "y", "e", "en", "a", "al", "por", "para"})
_PLURAL_ES = regex.compile(r"(?<=\w\w[aeiou][lnrdj])es$")  # `cotizaciones`, `especiales`, `gestores`


def label_key(text: str) -> str:
    """A label's comparison key: `Menor Cuantía de Bienes, Servicios y Obras` -> `menor cuantia
    bien servicio obra`, `C.G.E.` -> `cge`."""
    folded = _DOTTED.sub(lambda m: m[0].replace(".", ""), key(text))
    return " ".join(_singular(w) for w in _WORD.findall(folded) if w not in _CONNECTORS)


def _singular(word: str) -> str:
    if _PLURAL_ES.search(word):
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@dataclass(frozen=True)
class Category:
    """One entry of a vocabulary."""

    id: str
    name: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """A vocabulary file: the columns it gives ids to (`dataset.column`) and its entries."""

    file: str  # as messages name it: `specs/vocabularies/seguro.toml`
    columns: tuple[tuple[str, str], ...]
    categories: tuple[Category, ...]
    phrases: dict[str, str]  # label key of every name and variant -> its entry's id

    def ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def candidates(self, label: str) -> tuple[str, ...]:
        """The ids a label matches: the one whose name or variant it is, or else those whose
        longest name or variant it contains (more than one: ambiguous; none: unknown)."""
        folded = label_key(label)
        if folded in self.phrases:
            return (self.phrases[folded],)
        padded = f" {folded} "
        best: dict[str, int] = {}
        for phrase, cid in self.phrases.items():
            if f" {phrase} " in padded:
                best[cid] = max(best.get(cid, 0), phrase.count(" ") + 1)
        top = max(best.values(), default=0)
        return tuple(sorted(cid for cid, words in best.items() if words == top))


def assign(data: dict[str, list[Record]], sink: Sink) -> None:
    """Set `<column>_id` on every row of each categorical column that a vocabulary covers; a
    label matching no entry, or two equally, gets None and one anomaly per dataset, column and
    label (at its first row). A null label gets a null id, nothing to say."""
    for vocab in vocabularies():
        for dataset, column in vocab.columns:
            said: set[str] = set()
            for row in data.get(dataset, []):
                label = row.get(column)
                found = vocab.candidates(label) if label else ()
                row[f"{column}_id"] = found[0] if len(found) == 1 else None
                if not label or len(found) == 1 or label in said:
                    continue
                said.add(label)
                why = (f"matches {' and '.join(found)} equally" if found else "matches no entry")
                sink.add("categories", f"{column} {label!r} {why} of {vocab.file}: {column}_id is null; add the "
                                       f"label to the variants of its entry there (or a new entry)",
                         dataset=dataset, location=location(row.get("source_page"), row.get("source_line")),
                         raw_text=label)


@cache
def vocabularies() -> tuple[Vocabulary, ...]:
    """Every vocabulary shipped in `specs/vocabularies/`, checked; a column claimed by two is an error."""
    folder = resources.files(specs.__name__).joinpath("vocabularies")
    return each_column_once(tuple(parse(p.name.removesuffix(".toml"), p.read_text("utf-8"))
                                  for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".toml")))


def each_column_once(vocabs: tuple[Vocabulary, ...]) -> tuple[Vocabulary, ...]:
    """`vocabs`, unless two give ids to one column (a SpecError naming both files)."""
    claimed: dict[tuple[str, str], str] = {}
    for vocab in vocabs:
        for col in vocab.columns:
            if col in claimed:
                raise SpecError(f"{vocab.file}: columns names {'.'.join(col)}, which {claimed[col]} gives ids to")
            claimed[col] = vocab.file
    return vocabs


def parse(name: str, text: str) -> Vocabulary:
    """The vocabulary file `name` from its text, checked: `columns` (`dataset.column` of the
    contract, each with its `_id` column), `[[category]]` entries of a slug `id` (unique), a
    `name` and `variants`; no two entries may share a name or variant once folded."""
    file = f"specs/vocabularies/{name}.toml"
    spec = Table.of(file, specs.parse(f"vocabularies/{name}", text), {"columns", "category"})
    spec.require(["columns", "category"], "the file")
    columns = []
    for i, col in enumerate(spec.strings("columns")):
        dataset, _, column = col.partition(".")
        names = SCHEMAS[dataset].names if dataset in SCHEMAS else []
        if column not in names or f"{column}_id" not in names:
            raise spec.error(f"columns[{i}]", f"names {col!r}: not a column of the contract with an id column "
                                              f"beside it (`{column}_id`, contract.py)")
        columns.append((dataset, column))
    categories: list[Category] = []
    phrases: dict[str, str] = {}
    for item in spec.tables("category", {"id", "name", "variants"}):
        cid, shown = item.string("id"), item.string("name")
        if slug(cid) != cid:
            raise item.error("id", f"must be a lowercase ASCII slug (like {slug(cid) or 'infima-cuantia'!r}), "
                                   f"got {cid!r}")
        if cid in phrases.values():
            raise item.error("id", f"{cid!r} is the id of an earlier entry too")
        variants = item.strings("variants")
        for phrase in (shown, *variants):
            folded = label_key(phrase)
            if not folded:
                raise item.error("variants", f"has {phrase!r}, which folds to nothing")
            if phrases.get(folded, cid) != cid:
                raise item.error("variants", f"has {phrase!r}, which matches entry {phrases[folded]!r} too")
            phrases[folded] = cid
        categories.append(Category(cid, shown, variants))
    if not categories:
        raise spec.error("category", "holds no entry")
    return Vocabulary(file, tuple(columns), tuple(categories), phrases)
