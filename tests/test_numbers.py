"""Spanish number reading: every form of the sample reports, and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.numbers import ES, NumberError, find_numbers, parse_int, read

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
