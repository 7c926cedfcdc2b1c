"""Arithmetic a table's rows satisfy, as a spec writes it (`checks = ["p ~ a / b * 100"]`): used
to tell apart columns of the same kind."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from extract import tolerances

_OPERAND = r"\w+(?:\[-?\d+\])?"
_CHECK = regex.compile(
    rf"^\s*(?P<left>{_OPERAND})\s*(?:(?P<op><=)\s*(?P<right>{_OPERAND})"
    rf"|(?P<op>~)\s*(?P<right>{_OPERAND})\s*/\s*(?P<other>{_OPERAND})\s*\*\s*100"
    rf"|(?P<op>~)\s*(?P<right>{_OPERAND})\s*(?P<minus>-)\s*(?P<other>{_OPERAND}))\s*$")


@dataclass(frozen=True)
class Check:
    """Arithmetic a table's rows satisfy: `a <= b`, `p ~ a / b * 100` (a percentage) or
    `d ~ a - b` (a change). An operand is a field, or a year column of the `years` measure by
    its rank among the printed years: `monto_usd[0]` the first year, `monto_usd[-1]` the last."""

    left: str
    op: str  # "<=", "%" or "-"
    right: str
    other: str | None = None

    @classmethod
    def parse(cls, text: str) -> Check:
        """A check as written; ValueError when it is none of the three forms."""
        m = _CHECK.match(text)
        if not m:
            raise ValueError(f"check {text!r} is not `a <= b`, `p ~ a / b * 100` or `d ~ a - b`")
        op = "<=" if m["op"] == "<=" else "-" if m["minus"] else "%"
        return cls(m["left"], op, m["right"], m["other"])

    def holds(self, values: dict[str, Decimal]) -> bool:
        """True when the check holds on a row's values (False when one is missing)."""
        left, right = values.get(self.left), values.get(self.right)
        other = values.get(self.other or "")
        if left is None or right is None:
            return False
        if self.op == "<=":
            return left <= right
        if other is None:
            return False
        if self.op == "-":
            scale = max(abs(right), abs(other), Decimal(1))
            return abs(left - (right - other)) <= tolerances.CHECK_DIFFERENCE_SHARE * scale
        return bool(other) and abs(left - right / other * 100) <= tolerances.CHECK_PERCENT
