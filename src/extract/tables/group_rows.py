"""Group labels told from row labels by the columns' vocabularies (`specs/vocabularies/`): a
group row of a table whose contract holds no group column, a label alone on its line heading
the rows below it (`Procedimientos comunes` above `Menor Cuantía 2 40.098,11`), told from the
first part of a wrapped label (`Subasta Inversa` above `Electrónica 2 89.271,00`); and a group
label printed on its first row's line (`Con relación de dependencia Sector privado`); and a
table's labels that are its label column's categories, evidence of which table it is."""

from __future__ import annotations

from extract import tolerances
from extract.categories import Vocabulary, label_key, vocabularies
from extract.tables.spec import TableSpec
from extract.textutil import ends_open, fold_ws, starts_lower


def heads_rows(spec: TableSpec, above: list[str], label: str) -> bool:
    """True when the lines `above` a row labelled `label` are a group row, not part of its
    label: the label column has a vocabulary (`specs/vocabularies/`), the row's own label is
    one of its entries as a whole, and with it the lines above make no entry (`Compras de` /
    `Ínfima Cuantía` is a variant: one label) and name none or more than one (`Procedimientos
    especiales` / `Régimen Especial`). A line above that
    ends mid-phrase, or a label that starts in lowercase, is one label wrapped."""
    text = fold_ws(" ".join(above))
    vocab = _vocabulary(spec.dataset, spec.label)
    if vocab is None or not text or not label or ends_open(text) or starts_lower(label):
        return False
    joined = f"{text} {label}"
    return (label_key(label) in vocab.phrases and label_key(joined) not in vocab.phrases
            and (not vocab.candidates(text) or len(vocab.candidates(joined)) != 1))


def group_prefix(spec: TableSpec, text: str) -> tuple[str, str]:
    """`text` cut into the group label it opens with and the row's label (`Con relación de
    dependencia` + `Sector privado`): the longest run of its first words that is an entry of
    the group column's vocabulary, when what follows starts a phrase of its own (upper case)
    and is no part of that entry; else ("", text)."""
    vocab = _vocabulary(spec.dataset, spec.group) if spec.group else None
    if vocab is None:
        return "", text
    words = text.split()
    for k in range(len(words) - 1, 0, -1):
        head, rest = " ".join(words[:k]), " ".join(words[k:])
        if label_key(head) in vocab.phrases and not starts_lower(rest) and label_key(text) not in vocab.phrases:
            return head, rest
    return "", text


def labels_known(spec: TableSpec, labels: list[str]) -> bool:
    """Most of `labels` (`tolerances.LABELS_KNOWN_SHARE`) are entries of the label column's
    vocabulary: the rows are this dataset's (`Sector privado`, `Independientes` are types of
    affiliate), whatever the header says."""
    vocab = _vocabulary(spec.dataset, spec.label)
    named = [bool(vocab.candidates(t)) for t in labels if t] if vocab else []
    return bool(named) and sum(named) >= tolerances.LABELS_KNOWN_SHARE * len(named)


def _vocabulary(dataset: str, column: str) -> Vocabulary | None:
    return next((v for v in vocabularies() if (dataset, column) in v.columns), None)
