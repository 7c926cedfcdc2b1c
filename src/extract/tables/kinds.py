"""What a table's value column holds, read from its cells: numbers, percentages, decimals, signs
(`Profile`), and which fields it can be at all (`fits`): the hard limits of the role search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from extract import tolerances
from extract.numbers import Convention, NumberError, cell_text, cell_value, column_convention, grouping
from extract.tables.spec import Column


@dataclass(frozen=True)
class Profile:
    """What one value column holds, read from its body cells."""

    values: tuple[Decimal | None, ...]  # one per row; None where empty, `s/d` or unreadable
    numbers: int  # cells that read as numbers (a dash is zero)
    marked: int  # cells printed with `%`
    decimals: int  # cells printed with a decimal part (`1.234,00`, `52,8`)
    negative: int
    unreadable: int  # cells that are not numbers at all (text)

    @property
    def share_of_100(self) -> bool:
        """Values that add up to about 100 (a column of shares)."""
        read = [v for v in self.values if v is not None]
        return len(read) >= 2 and abs(sum(read, Decimal(0)) - 100) <= tolerances.ROLE_SHARE_SUM


def profile(cells: Sequence[str], convention: Convention | None) -> Profile:
    """A column's profile from its cells (one per row, '' where the row has none)."""
    conv = column_convention(cells, convention)
    values: list[Decimal | None] = []
    numbers = marked = decimals = negative = unreadable = 0
    for raw in cells:
        text = raw.strip()
        try:
            value = _read(text, conv) if text else None
        except NumberError:
            unreadable += 1
            values.append(None)
            continue
        values.append(value)
        if value is None:
            continue
        numbers += 1
        core = cell_text(text)[0]
        marked += core.endswith("%")
        negative += value < 0
        mark = "," if conv == "es" else "." if conv == "us" else None
        digits = core.rstrip("% ")
        decimals += bool(mark and mark in digits and len(digits.rsplit(mark, 1)[1]) <= 2)
    return Profile(tuple(values), numbers, marked, decimals, negative, unreadable)


def _read(text: str, conv: Convention | None) -> Decimal | None:
    """A cell's value; where neither the column nor the table settles the convention, a lone
    separator before three digits (`16.305`, `16,305`) is read as grouping: a count's or an
    amount's reading, the only one a role can take (three decimals are neither)."""
    try:
        return cell_value(text, conv)
    except NumberError:
        if conv is not None:
            raise
        return cell_value(text, grouping([text]))


def fits(slot: Column, prof: Profile) -> bool:
    """Whether a column of this profile can be the slot at all (kinds, signs, ranges)."""
    if not prof.numbers or prof.unreadable * tolerances.ROLE_UNREADABLE_RATIO > prof.numbers:
        return False
    if slot.kind == "percent":
        unmarked_ok = prof.marked == 0 and all(v is None or abs(v) <= tolerances.ROLE_PERCENT_MAX
                                               for v in prof.values)
        return prof.marked * 2 >= prof.numbers or unmarked_ok
    if prof.marked:
        return False  # `%` is a percentage's, never a count's or an amount's
    if slot.kind == "count" and prof.decimals:
        return False
    if slot.keep and prof.negative:
        return False
    return not (slot.keep and prof.share_of_100 and prof.decimals)  # shares are no counts or amounts
