"""Columns' roles from what they hold (`tables/roles.py`): one test per weighing rule, each with
header words no spec knows unless the rule is about header words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extract.tables.roles import assign, text_hints
from extract.tables.spec import TableSpec, load_specs
from extract.tables.units import scale, unit_of


def _spec(name: str) -> TableSpec:
    return next(s for s in load_specs() if s.name == name)


def _fields(spec: TableSpec, header: str, rows: list[list[str]]) -> list[str]:
    roles = assign(spec, rows, text_hints(spec, header, len(rows[0])))
    assert not roles.ambiguous, roles.describe()
    return [c.field if not c.field.startswith("otro:") else "otro" for c in roles.columns]


BUDGET = [["1.913.418,00", "1.665.326,91", "87%"], ["68.442.917,08", "49.121.501,34", "72%"],
          ["15.500.447,03", "14.374.171,61", "93%"]]


def test_money_money_percentage_of_the_two_are_codificado_devengado_ejecucion_whatever_the_header() -> None:
    spec = _spec("presupuesto")
    assert _fields(spec, "Brelvano Tusquim Ajor Frindel", BUDGET) == ["codificado_usd", "devengado_usd",
                                                                      "ejecucion_pct"]
    swapped = [[r[1], r[0], r[2]] for r in BUDGET]  # devengado printed first: `<=` and the ratio put it back
    assert _fields(spec, "Brelvano Tusquim Ajor Frindel", swapped) == ["devengado_usd", "codificado_usd",
                                                                       "ejecucion_pct"]


def test_an_extra_amount_between_the_wanted_ones_is_left_out_by_the_arithmetic() -> None:
    """Codificado, an amount between the two (comprometido), devengado, % ejecución: the ratio
    says which amount is the devengado, not the position."""
    rows = [["1.913.418,00", "1.700.000,00", "1.665.326,91", "87%"],
            ["68.442.917,08", "50.000.000,00", "49.121.501,34", "72%"],
            ["15.500.447,03", "14.400.000,00", "14.374.171,61", "93%"]]
    got = _fields(_spec("presupuesto"), "Zorbal Quin Tardo Melk", rows)
    assert [got[0], got[2], got[3]] == ["codificado_usd", "devengado_usd", "ejecucion_pct"]
    assert got[1] in ("comprometido_usd", "saldo_usd", "pagado_usd", "otro")


def test_a_share_column_is_never_the_count() -> None:
    """Counts and their shares (summing to 100) with made-up header words: the share is no count."""
    rows = [["56.896", "50,34"], ["13.237", "11,71"], ["43.000", "37,95"]]
    got = _fields(_spec("afiliados"), "Sector Tipo Glorp 2024 Vemmo", rows)
    assert got[0] == "afiliados" and got[1] != "afiliados"


def test_a_negative_variation_is_never_a_count() -> None:
    rows = [["3.808.136", "3.850.669", "42.533"], ["120.000", "118.000", "(2.000)"], ["50.000", "51.000", "1.000"]]
    got = _fields(_spec("afiliados"), "Tipo Sector 2023 2024 Frumbo", rows)
    assert got == ["afiliados", "afiliados", "variacion"]


def test_years_in_the_header_order_the_year_columns() -> None:
    spec = _spec("afiliados")
    rows = [["3.808.136", "3.850.669"], ["120.000", "118.000"]]
    roles = assign(spec, rows, text_hints(spec, "Tipo Sector 2024 2023", 2))
    assert [c.year for c in roles.columns] == [2024, 2023]


def test_a_count_never_takes_cents_whatever_the_header_says() -> None:
    rows = [["63", "167.464,26"], ["4", "134.499,89"], ["3", "54.098,06"]]
    assert _fields(_spec("contratacion"), "Tipo Valor (USD) N.º de procesos", rows) == ["procesos", "valor_usd"]


def test_two_columns_no_evidence_tells_apart_are_flagged_never_guessed() -> None:
    """Two counts of one year with no arithmetic and no header words between them."""
    spec = _spec("afiliados")
    rows = [["3.808", "3.850"], ["1.200", "1.180"], ["500", "510"]]
    roles = assign(spec, rows, text_hints(spec, "Sector Tipo Glorp Vemmo", 2))
    assert roles.ambiguous == ["afiliados"] and roles.doubt and "could not tell apart" in roles.doubt


def test_header_words_break_ties_the_values_leave() -> None:
    spec = _spec("contratacion")
    rows = [["12", "1.234"], ["3", "2.000"]]  # both columns read as counts
    roles = assign(spec, rows, text_hints(spec, "Tipo Valor Número", 2))
    assert [c.field for c in roles.columns] == ["valor_usd", "procesos"] and not roles.ambiguous
    blind = assign(spec, rows, text_hints(spec, "Tipo Glorp Vemmo", 2))
    assert blind.ambiguous == ["procesos", "valor_usd"]


def test_abbreviations_cut_with_a_period_name_the_words_they_begin() -> None:
    spec = _spec("presupuesto")
    assert [c.field for c in spec.columns_from_header("Unidad Codif. Deveng. % Ejec.")] == [
        "codificado_usd", "devengado_usd", "ejecucion_pct"]


def test_a_percentage_column_is_one_without_its_percent_signs() -> None:
    rows = [[a, b, p.rstrip("%")] for a, b, p in BUDGET]
    assert _fields(_spec("presupuesto"), "Alfa Beta Gama Delta", rows)[2] == "ejecucion_pct"




@pytest.mark.parametrize(("text", "factor"), [
    ("Cuadro 3. Presupuesto (en miles de dólares)", Decimal(1000)), ("Codificado miles USD", Decimal(1000)),
    ("Monto (en millones de dólares)", Decimal(10) ** 6), ("Valor (USD)", Decimal(1)),
    ("Miles de afiliados", Decimal(1)),
])
def test_a_stated_money_unit_scales_to_dollars(text: str, factor: Decimal) -> None:
    assert scale(unit_of([text])) == factor
