"""Patterns every stage reads reports with, written once: a year, a currency sign, a total row."""

from __future__ import annotations

import regex

#: A year of the reports' era (as a pattern fragment): `2024`, `1998`.
YEAR = r"(?:19|20)\d\d"
#: A currency sign before an amount (as a pattern fragment): `USD`, `USD.`, `US$`, `$`.
CURRENCY = r"(?:USD\.?|US\$|\$)"
#: A total or subtotal row's label, folded (`textutil.key`): `total general`, `subtotal contributivo`.
TOTAL = regex.compile(r"^(?:sub)?totale?s?\b")
#: A grand total row's label, folded: `totales`, `total general`.
GRAND_TOTAL = regex.compile(r"^totale?s?\b")
