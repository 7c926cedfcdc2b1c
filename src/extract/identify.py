"""Tell which report a text is: national or provincial, which province, which fiscal year."""

from __future__ import annotations

from collections import Counter

import regex

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
_IESS = regex.compile(r"\biess\b|instituto ecuatoriano de seguridad social")
_RENDICION = regex.compile(r"rendicion de cuentas")


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
    provs = Counter(key(_NAMES[m["prov"]]) for m in _PROVINCIAL.finditer(folded))
    if not provs:
        return Identity("nacional", None, anio)
    top = provs.most_common(1)[0][0]
    # A national report may name a provincial office (in a recommendation, say); a provincial
    # one is signed by its Director Provincial or names its office in the opening pages.
    opening = key("\n".join(text.splitlines()[:120]))
    opening_provs = {key(_NAMES[m["prov"]]) for m in _PROVINCIAL.finditer(opening)}
    if not _DIRECTOR_PROVINCIAL.search(folded) and top not in opening_provs:
        return Identity("nacional", None, anio)
    provincia = next(p for p in PROVINCIAS if key(p) == top)
    return Identity("provincial", provincia, anio)
