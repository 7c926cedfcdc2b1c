"""Text from extractors that write Markdown (pymupdf4llm, docling, marker, MinerU, pandoc) as
the plain lines the readers take: heading marks (`## 5. Ejecución`), emphasis (`**Total**`,
`_título_`), escapes (`1\\.`), links, images, HTML comments and line breaks (`<br>`) removed,
rules (`---`) blank. One line in, one line out: every line keeps its number (provenance).

A single `*` after a digit or before a word is a footnote marker (`309*`, `*Contabiliza`), not
emphasis: only a pair around words in one line is taken for emphasis; `#` before a lowercase
word is `número` in a header (`# de procesos`), not a heading mark.
"""

from __future__ import annotations

import regex

from extract import delimited

_HEADING = regex.compile(r"^\s{0,3}#{1,6}\s+(?=[^\s\p{Ll}])")  # `## 5. Ejecución`; `# de procesos` is a header
_CLOSING_HASHES = regex.compile(r"\s+#+\s*$")  # `## Título ##`
_RULE = regex.compile(r"^\s{0,3}(?:[-=_*]\s*){3,}$")  # a thematic break or setext underline
_BOLD = regex.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = regex.compile(r"(?<![\w*\\])([*_])(?=\p{L})(.+?)(?<=[\p{L}.)])\1(?![\w*])")
_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_IMAGE = regex.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = regex.compile(r"\[([^\]]+)\]\((?:[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_COMMENT = regex.compile(r"<!--.*?-->")
_BREAK = regex.compile(r"<br\s*/?>", regex.IGNORECASE)
_HYPHEN_BREAK = regex.compile(r"(?<=\w-)\s*<br\s*/?>\s*(?=\w)", regex.IGNORECASE)  # `IESS- <br>DPL`: one word


def plain(line: str, breaks: str = " ") -> str:
    """One line of Markdown as plain text (a line with no Markdown comes back as it was); a
    `<br>` as `breaks`."""
    if not any(c in line for c in "#*_\\[<-="):
        return line
    if _RULE.match(line):
        return ""
    text = _COMMENT.sub("", line)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _BREAK.sub(breaks, _HYPHEN_BREAK.sub("", text))
    if _HEADING.match(text):
        text = _CLOSING_HASHES.sub("", _HEADING.sub("", text))
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\2", text)
    return _ESCAPE.sub(r"\1", text)


def plain_lines(texts: list[str]) -> list[tuple[str, tuple[str, ...] | None]]:
    """A text input's lines as plain text, each with its cells when a delimited table
    (`delimited.py`) holds it: a table's lines laid out as aligned columns of plain cells (a
    cell's `<br>` kept as a line break in its cells, a rule as `()`), every other line through
    `plain`."""
    out: list[tuple[str, tuple[str, ...] | None]] = [(plain(t), None) for t in texts]
    found = delimited.blocks(texts)
    tables = [[None if row is None else [_cell(c) for c in row] for row in block.rows] for block in found]
    for block, rows, lines in zip(found, tables, delimited.aligned(tables), strict=True):
        for k, (row, text) in enumerate(zip(rows, lines, strict=True)):
            out[block.start + k] = (text, () if row is None else tuple(row))
    return out


def _cell(text: str) -> str:
    """A delimited cell as plain text, its `<br>` line breaks kept (`Salud <br>Loja`)."""
    return "\n".join(part.strip() for part in plain(text, "\n").split("\n")).strip()
