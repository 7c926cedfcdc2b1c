"""Number reading: every form of the sample reports, both conventions, table cell forms, and
properties."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.numbers import (
    ES,
    US,
    NumberError,
    cell_value,
    column_convention,
    document_convention,
    find_numbers,
    parse_int,
    read,
)

CASES = [
    ("1.996.585", Decimal("1996585")),
    ("2.009.691", Decimal("2009691")),
    ("52,80%", Decimal("52.80")),
    ("0,02%", Decimal("0.02")),
    ("100%", Decimal("100")),
    ("-34", Decimal("-34")),
    ("-8.166", Decimal("-8166")),
    ("10.891.477,37", Decimal("10891477.37")),
    ("1.913.418,00", Decimal("1913418.00")),
    ("USD 201,9 millones", Decimal("201900000")),
    ("USD. 955 millones", Decimal("955000000")),
    ("USD 10.358 millones", Decimal("10358000000")),
    ("USD 60.8 millones", Decimal("60800000")),
    ("USD 1.4 millones", Decimal("1400000")),
    ("$ 17.575.727,94", Decimal("17575727.94")),
    ("$ 2.263.037,81", Decimal("2263037.81")),
    ("USD 462.672,32", Decimal("462672.32")),
    ("0.7%", Decimal("0.7")),
    ("78.07%", Decimal("78.07")),
    ("57.5%", Decimal("57.5")),
    ("2.789", Decimal("2789")),
    ("1.130", Decimal("1130")),
    ("1130", Decimal("1130")),
    ("166 mil", Decimal("166000")),
    ("USD 10.007.879.104", Decimal("10007879104")),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_reads_every_form_of_the_samples(text: str, expected: Decimal) -> None:
    assert read(text, ES).value == expected


@pytest.mark.parametrize("text", ["8.818.67.9583", "9713.404.565", "USD 9713.404.565",
                                  "1.23.456", "12.3456", "1,2,3", "abc", ""])
def test_refuses_malformed_numbers_with_a_reason(text: str) -> None:
    with pytest.raises(NumberError) as err:
        read(text, ES)
    assert err.value.reason


def test_percent_and_currency_flags() -> None:
    assert read("52,80%").percent and not read("52,80%").currency
    assert read("USD 201,9 millones").currency and read("USD 201,9 millones").scaled


def test_counts_refuse_fractions() -> None:
    assert parse_int("3.808.136") == 3808136
    with pytest.raises(NumberError):
        parse_int("10,5")


def test_find_numbers_in_prose_reports_malformed_tokens() -> None:
    found = find_numbers("Total, recuperado 2023: USD 9713.404.565 y 8.818.67.9583 de 1.977 eventos")
    bad = [f.raw for f in found if f.error]
    good = {f.raw: f.reading.value for f in found if f.reading}
    assert bad == ["USD 9713.404.565", "8.818.67.9583"]
    assert good["1.977"] == 1977


def spanish(value: Decimal, decimals: bool) -> str:
    """Format like the reports: thousands with '.', decimals with ','."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + ".".join(groups) + ("," + frac if decimals else "")


amounts = st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_any_integer_round_trips(n: int) -> None:
    assert read(spanish(Decimal(n), False), ES).value == n


@given(amounts, st.sampled_from(["", "USD ", "USD. ", "$ ", "$"]))
def test_any_amount_round_trips_with_currency(value: Decimal, currency: str) -> None:
    assert read(currency + spanish(value, True), ES).value == value


@given(st.decimals(min_value=0, max_value=100, places=2), st.sampled_from(["%", " %"]))
def test_any_percentage_round_trips(value: Decimal, suffix: str) -> None:
    assert read(spanish(value, True) + suffix, ES).value == value


@given(st.decimals(min_value=0, max_value=Decimal("99999.9"), places=1),
       st.sampled_from([("mil", 10**3), ("millones", 10**6), ("mil millones", 10**9)]))
def test_scale_words_multiply_exactly(value: Decimal, scale: tuple[str, int]) -> None:
    word, factor = scale
    assert read(f"USD {spanish(value, True)} {word}", ES).value == value * factor


@given(st.lists(st.integers(min_value=1, max_value=9999), min_size=2, max_size=5), st.data())
def test_irregular_digit_groups_are_refused(groups: list[int], data: st.DataObject) -> None:
    parts = [str(g) for g in groups]
    # Make one group after the first irregular (not three digits), or the first longer than 3.
    k = data.draw(st.integers(min_value=0, max_value=len(parts) - 1))
    if k == 0:
        parts[0] = parts[0].rjust(4, "9")
    else:
        parts[k] = data.draw(st.sampled_from(["1", "12", "1234", "12345"]))
    text = ".".join(parts)
    if len(parts) == 2 and len(parts[1]) in (1, 2):
        return  # `12.5` is a dot-decimal, a well-formed number of prose
    with pytest.raises(NumberError):
        read(text, ES)


@pytest.mark.parametrize("name", ["iess-nacional-2024.txt", "iess-loja-2024.txt"])
def test_every_number_of_the_samples_reads_but_the_malformed(name: str) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "raw" / name).read_text("utf-8")
    found = [f for line in text.splitlines() for f in find_numbers(line)]
    refused = [f.raw for f in found if f.error]
    expected = ["8.818.67.9583", "USD 9713.404.565"] if "nacional" in name else []
    assert refused == expected
    assert len(found) > 100 and all(f.reading is not None for f in found if not f.error)


# --- either convention ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "conv", "expected"), [
    ("1,234,567.89", US, Decimal("1234567.89")),
    ("13,119,220.86", US, Decimal("13119220.86")),
    ("89.5%", US, Decimal("89.5")),
    ("55.09%", US, Decimal("55.09")),
    ("USD 9,933 millones", US, Decimal("9933000000")),
    ("USD 9.933 millones", ES, Decimal("9933000000")),
    ("2,789", US, Decimal("2789")),
    ("2,789", ES, Decimal("2.789")),
    ("2.789", US, Decimal("2.789")),
])
def test_reads_either_convention(text: str, conv, expected: Decimal) -> None:
    assert read(text, conv).value == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234.567,89", Decimal("1234567.89")), ("1,234,567.89", Decimal("1234567.89")),
    ("1.234.567", Decimal("1234567")), ("1,234,567", Decimal("1234567")),
    ("52,80%", Decimal("52.80")), ("0.7%", Decimal("0.7")), ("1.234,5", Decimal("1234.5")),
])
def test_values_that_settle_their_own_convention(text: str, expected: Decimal) -> None:
    assert read(text).value == expected  # no convention given: the value settles it


@pytest.mark.parametrize("text", ["2.789", "9,933", "USD 10.358 millones", "1.130"])
def test_ambiguous_values_are_refused_without_a_convention(text: str) -> None:
    with pytest.raises(NumberError) as err:
        read(text)
    assert "ambiguous" in err.value.reason


@pytest.mark.parametrize(("cell", "conv", "expected"), [
    ("(1.234)", ES, Decimal("-1234")), ("(896)", US, Decimal("-896")), ("(1,234.50)", US, Decimal("-1234.50")),
    ("1.234 (1)", ES, Decimal("1234")), ("942 (1)", US, Decimal("942")), ("45*", ES, Decimal("45")),
    ("309*", ES, Decimal("309")), ("1.234¹", ES, Decimal("1234")),
    ("s/d", ES, None), ("S/D", US, None), ("n/d", ES, None),
    ("-", ES, Decimal(0)), ("—", US, Decimal(0)), ("–", ES, Decimal(0)),
])
def test_table_cell_forms(cell: str, conv, expected: Decimal | None) -> None:
    assert cell_value(cell, conv) == expected


def test_a_column_settles_its_convention_from_its_own_values() -> None:
    assert column_convention(["2.789", "1.234.567", "830"], None) == ES
    assert column_convention(["2,789", "12,345,678", "830"], ES) == US
    assert column_convention(["2.789", "830"], US) == US  # nothing settled: the document's
    assert column_convention(["2.789", "830"], None) is None


def test_the_document_convention_comes_from_its_numbers() -> None:
    from answer_key import DATA

    nat_2023 = (DATA / "variants" / "iess-nacional-2023.txt").read_text("utf-8").splitlines()
    assert document_convention(nat_2023) == US
    loja = (Path(__file__).resolve().parents[1] / "raw" / "iess-loja-2024.txt").read_text("utf-8")
    assert document_convention(loja.splitlines()) == ES


def us(value: Decimal, decimals: bool) -> str:
    """Format the US way: thousands with ',', decimals with '.'."""
    return spanish(value, decimals).replace(".", "\0").replace(",", ".").replace("\0", ",")


@given(amounts, st.sampled_from(["", "USD ", "$"]))
def test_any_amount_round_trips_in_us_format(value: Decimal, currency: str) -> None:
    assert read(currency + us(value, True), US).value == value


@given(st.integers(min_value=-10**15, max_value=10**15), st.sampled_from([ES, US]))
def test_any_integer_round_trips_either_way(n: int, conv) -> None:
    text = spanish(Decimal(n), False) if conv == ES else us(Decimal(n), False)
    assert read(text, conv).value == n


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_one_thousands_group_is_never_guessed(head: int, tail: int) -> None:
    for sep in ".,":
        with pytest.raises(NumberError):
            read(f"{head}{sep}{tail:03d}")
        assert read(f"{head}{sep}{tail:03d}", ES).value != read(f"{head}{sep}{tail:03d}", US).value


@pytest.mark.parametrize(("core", "convention", "expected"), [
    ("2.789", "es", Decimal(2789)), ("2.789", "us", Decimal("2.789")),
    ("2,789", "es", Decimal("2.789")), ("2,789", "us", Decimal(2789)),
    ("1234,5678", "es", Decimal("1234.5678")), ("1234.5678", "us", Decimal("1234.5678")),
])
def test_a_value_one_separator_leaves_open_is_read_by_its_columns_convention(core, convention, expected) -> None:
    from extract.numbers import parse_core

    assert parse_core(core, convention) == expected


@pytest.mark.parametrize(("core", "convention", "reason"), [
    ("2.789", None, "ambiguous: thousands or decimals; the column does not settle the convention"),
    ("1234.5678", "es", "irregular digit grouping"),  # a point is not the decimal mark here
    ("1234,5678", None, "irregular digit grouping"),
    ("12.34.5", "es", "irregular digit grouping"),
    ("1a2", "es", "not a number"),
    (".5", "es", "not a number"),
])
def test_a_refused_value_says_why_and_what(core, convention, reason) -> None:
    from extract.numbers import NumberError, parse_core

    with pytest.raises(NumberError) as err:
        parse_core(core, convention)
    assert err.value.reason == reason and err.value.text == core


def test_a_clear_majority_settles_a_columns_convention_and_less_does_not() -> None:
    from collections import Counter

    from extract.numbers import settle

    assert settle(Counter({"es": 3, "us": 1})) == "es"  # three in four: the majority asked
    assert settle(Counter({"es": 2, "us": 1}), "us") == "us"  # two in three: not enough, fallback
    assert settle(Counter({"us": 1})) == "us"
    assert settle(Counter(), "es") == "es"


def test_counts_read_by_their_columns_convention_and_fractions_refused() -> None:
    from extract.numbers import NumberError, parse_int, read

    assert parse_int("2.789", "es") == 2789 and parse_int("2,789", "us") == 2789
    with pytest.raises(NumberError) as err:
        parse_int("1,5", "es")
    assert err.value.reason == "a count with a fractional part" and err.value.text == "1,5"
    assert read("USD 201,9  millones").value == Decimal("201900000")  # any spacing before the scale
    with pytest.raises(NumberError) as err:
        read("cifra", "es")
    assert (err.value.text, err.value.reason) == ("cifra", "not a number")
