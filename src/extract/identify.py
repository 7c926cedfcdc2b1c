"""Tell which report a text is: national or provincial, which province, which fiscal year."""

from __future__ import annotations

from collections import Counter

import regex

from extract import tolerances
from extract.model import Identity
from extract.textutil import key

PROVINCIAS = (
    "Azuay", "Bolívar", "Cañar", "Carchi", "Chimborazo", "Cotopaxi", "El Oro", "Esmeraldas",
    "Galápagos", "Guayas", "Imbabura", "Loja", "Los Ríos", "Manabí", "Morona Santiago", "Napo",
    "Orellana", "Pastaza", "Pichincha", "Santa Elena", "Santo Domingo de los Tsáchilas",
    "Sucumbíos", "Tungurahua", "Zamora Chinchipe",
)

#: Short forms the reports also use, to the province's full name.
ALIASES = {"santo domingo": "Santo Domingo de los Tsáchilas", "tsachilas": "Santo Domingo de los Tsáchilas"}
_NAMES = {key(p): p for p in PROVINCIAS} | ALIASES
_PROV_ALT = "|".join(sorted(_NAMES, key=len, reverse=True))
# "Dirección Provincial de Loja", "Dirección Provincial del IESS Loja", "IESS Loja"
_PROVINCIAL = regex.compile(
    rf"(?:(?:direccion|coordinacion) provincial(?: del iess)?(?: de| en)?|iess)\s+(?P<prov>{_PROV_ALT})\b"
)
_YEAR_STRONG = regex.compile(
    r"(?:rendicion de cuentas|periodo fiscal|ejercicio fiscal|periodo enero\s*[-–]\s*diciembre"
    r"|informe narrativo)\D{0,30}?\b(?P<y>20\d\d)\b"
)
_YEAR_WEAK = regex.compile(r"(?:durante el|ano|al cierre de|diciembre de|diciembre)\s+(?P<y>20\d\d)\b")
_DIRECTOR_PROVINCIAL = regex.compile(r"\bdirector(?:a)? provincial\b")
# The issuing office in the opening: "Dirección Provincial (del IESS) (de|en) <name>"
_ISSUER = regex.compile(
    r"\b(?i:direcci[oó]n provincial)(?: (?i:del iess))?(?P<of> (?i:de|en|del))?\s+"
    r"(?P<name>(?:\p{Lu}|[^\p{L}\s])[^\s,;:]*(?: [^\s,;:]+){0,4})"
)
_KNOWN_START = tuple(sorted(_NAMES, key=len, reverse=True))
_IESS = regex.compile(r"\biess\b|instituto ecuatoriano de seguridad social")
_RENDICION = regex.compile(r"rendicion de cuentas")


def _issuer(opening: str) -> regex.Match | None:
    """The first office the opening names as `Dirección Provincial de <name>` (or a province
    right after `Dirección Provincial`); words after it without `de` are a sentence going on
    (`DIRECCIÓN PROVINCIAL ACTUALICE…` in an upper-case text), not an office."""
    for found in _ISSUER.finditer(opening):
        if found["of"] or key(found["name"]).startswith(_KNOWN_START):
            return found
    return None


class NotAReport(ValueError):
    """The text does not look like an IESS accountability report."""


def identify(text: str) -> Identity:
    """The report's identity from its content; raises NotAReport when it cannot be told."""
    folded = key(text)
    if not _IESS.search(folded) or not _RENDICION.search(folded):
        raise NotAReport("not an IESS accountability report (no 'IESS' and 'rendición de cuentas')")
    years = Counter(int(m["y"]) for m in _YEAR_STRONG.finditer(folded))
    if not years:
        years = Counter(int(m["y"]) for m in _YEAR_WEAK.finditer(folded))
    if not years:
        raise NotAReport("fiscal year not stated")
    anio = years.most_common(1)[0][0]
    raw_opening = "\n".join([ln for ln in text.splitlines() if ln.strip()][:tolerances.OPENING_LINES])
    opening = key(raw_opening)
    found = _issuer(raw_opening)
    issuer = key(found["name"]).rstrip(".") if found is not None else None
    if found is not None and not key(found["name"]).startswith(_KNOWN_START):
        name = regex.match(r"\S+(?: (?:(?:de|del|los|las) )?(?:\p{Lu}|[^\p{L}\s])\S*)*", found["name"])
        raise NotAReport(f"issued by 'Dirección Provincial de {name.group() if name else '?'}', "
                         "which is not one of Ecuador's 24 provinces")
    provs = Counter(key(_NAMES[m["prov"]]) for m in _PROVINCIAL.finditer(folded))
    if not provs:
        return Identity("nacional", None, anio)
    top = provs.most_common(1)[0][0]
    if issuer:  # the office named as the report's issuer, not the one named most often
        top = key(_NAMES[next(n for n in _KNOWN_START if issuer.startswith(n))])
    # A national report may name a provincial office (in a recommendation, say); a provincial
    # one is signed by its Director Provincial or names its office in the opening pages.
    opening_provs = {key(_NAMES[m["prov"]]) for m in _PROVINCIAL.finditer(opening)}
    if not _DIRECTOR_PROVINCIAL.search(folded) and top not in opening_provs:
        return Identity("nacional", None, anio)
    provincia = next(p for p in PROVINCIAS if key(p) == top)
    return Identity("provincial", provincia, anio)
