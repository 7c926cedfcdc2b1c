"""Columns' roles from what they hold: a small search over the ways a table's value columns can
fill a spec's fields.

Weighed in this order (`Assignment.score`): the values' kinds, signs and ranges as hard limits
(`fits`: a count holds no cents and is never negative, a share column is no count, a percentage
column is one with or without `%`); then the spec's arithmetic row by row (`devengado_usd <=
codificado_usd`, `ejecucion_pct ~ devengado_usd / codificado_usd * 100`, a change `d ~ a - b`, a
share `p ~ x / total * 100`); then header words, as evidence only (`hints`). When two assignments
that place the kept fields differently weigh the same, the table is ambiguous: `Roles.ambiguous`
names the fields, and the table is flagged, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from extract import tolerances
from extract.numbers import Convention, column_convention
from extract.tables.checks import Check
from extract.tables.hints import Hints, Key, key_of
from extract.tables.hints import column_hints as column_hints
from extract.tables.hints import text_hints as text_hints
from extract.tables.kinds import Profile, fits, profile
from extract.tables.spec import EXTRA_PREFIX, FISCAL_YEAR, Column, TableSpec


def slots(spec: TableSpec, hints: Hints) -> list[Column]:
    """Every column the spec knows, per span and per printed year."""
    years = list(hints.years) or [FISCAL_YEAR]
    out: list[Column] = []
    for span in dict.fromkeys(hints.spans):
        if spec.years:
            out.extend(Column(spec.years.field, spec.years.kind, True, True, y, span) for y in years)
        out.extend(Column(c.field, c.kind, c.keep, c.required, None, span) for c in spec.columns)
    return out


@dataclass
class Assignment:
    """One way of reading the value columns: a slot (or None, a column the contract does not
    hold) per position, with what it scored."""

    slots: tuple[Column | None, ...]
    arithmetic: int = 0
    checked: int = 0  # of which the spec's own checks (shares say nothing of which table it is)
    equations: int = 0  # of which the checks of equality (`p ~ a / b * 100`, `d ~ a - b`): no chance agreement
    placement: int = 0  # minus the pairs where a column the contract does not keep stands first
    header: int = 0
    filled: int = 0
    evidence: list[str] = field(default_factory=list)

    @property
    def score(self) -> tuple[int, int, int, int]:
        """Arithmetic first; then derived columns after the figures they come from (a change
        `d ~ a - b` holds as `a ~ d + b` too, and reports print the figures first); then header
        words; then more of the spec's columns recognised."""
        return self.arithmetic, self.placement, self.header, self.filled

    def kept(self) -> frozenset[tuple[int, Key]]:
        return frozenset((j, key_of(s)) for j, s in enumerate(self.slots) if s is not None and s.keep)


@dataclass
class Roles:
    """The chosen columns, the runner-up, and the kept fields no evidence tells apart."""

    columns: list[Column]
    best: Assignment | None
    runner_up: Assignment | None
    ambiguous: list[str]

    @property
    def doubt(self) -> str | None:
        """Why the table cannot be published as read: the kept fields no evidence tells apart."""
        if not self.ambiguous:
            return None
        return (f"columns could not tell apart: {', '.join(self.ambiguous)} (their values, the spec's arithmetic "
                "and the header's words fit more than one order)")

    def describe(self) -> dict:
        """For `extract inspect` and the interim files: the choice and why."""
        def one(a: Assignment | None) -> dict | None:
            if a is None:
                return None
            return {"fields": [s.field if s else None for s in a.slots],
                    "years": [s.year if s else None for s in a.slots],
                    "arithmetic": a.arithmetic, "placement": a.placement, "header": a.header}
        return {"chosen": one(self.best), "runner_up": one(self.runner_up), "ambiguous": self.ambiguous,
                "evidence": self.best.evidence if self.best else []}


def assign(spec: TableSpec, rows: Sequence[Sequence[str]], hints: Hints,
           convention: Convention | None = None) -> Roles:
    """The columns of `rows` (detail rows' value cells, all of one width) as the values, the
    spec's arithmetic and the header's words bear out."""
    width = max((len(r) for r in rows), default=0)
    cells = [[r[j] if j < len(r) else "" for r in rows] for j in range(width)]
    table_convention = column_convention([c for col in cells for c in col], convention)
    profiles = [profile(c, table_convention) for c in cells]
    candidates = slots(spec, hints)
    best: Assignment | None = None
    ranked: list[Assignment] = []
    for choice in _choices(spec, profiles, candidates, hints):
        a = _scored(spec, choice, profiles, hints)
        ranked.append(a)
        if best is None or a.score > best.score:
            best = a
    if best is None:
        return Roles([], None, None, [])
    top = best
    rivals = [a for a in ranked if a.kept() != top.kept()]
    runner = max(rivals, key=lambda a: a.score, default=None)
    tied = [a for a in rivals if (a.arithmetic, a.header) == (top.arithmetic, top.header)]
    ambiguous = sorted({k[0] for a in tied for _, k in a.kept() ^ top.kept()})
    return Roles(_columns(top, profiles), top, runner, ambiguous)


def _columns(a: Assignment, profiles: Sequence[Profile]) -> list[Column]:
    return [s if s is not None else Column(f"{EXTRA_PREFIX}{_what(j, profiles)}", "unknown", False, False)
            for j, s in enumerate(a.slots)]


def _what(j: int, profiles: Sequence[Profile]) -> str:
    p = profiles[j]
    if p.marked or p.share_of_100:
        return f"percentage {j + 1}"
    return f"{'amount' if p.decimals else 'number'} {j + 1}" if p.numbers else f"text {j + 1}"


def _choices(spec: TableSpec, profiles: Sequence[Profile], candidates: Sequence[Column],
             hints: Hints) -> Iterator[tuple[Column | None, ...]]:
    """Every assignment the kinds allow that fills the spec's required fields: each slot at most
    once, a position's slot of the position's span."""
    allowed = [[s for s in candidates if s.span == hints.spans[j] and fits(s, p)] + [None]
               for j, p in enumerate(profiles)]
    required = {key_of(s) for s in candidates if s.required and s.keep}
    chosen: list[Column | None] = []
    used: set[Key] = set()
    budget = [tolerances.ROLE_MAX_ASSIGNMENTS]

    def walk(j: int) -> Iterator[tuple[Column | None, ...]]:
        if budget[0] <= 0:
            return
        if j == len(profiles):
            if required <= used:
                budget[0] -= 1
                yield tuple(chosen)
            return
        for s in allowed[j]:
            k = key_of(s) if s is not None else None
            if k is not None and k in used:
                continue
            chosen.append(s)
            if k is not None:
                used.add(k)
            yield from walk(j + 1)
            chosen.pop()
            if k is not None:
                used.discard(k)

    yield from walk(0)


def _scored(spec: TableSpec, choice: tuple[Column | None, ...], profiles: Sequence[Profile],
            hints: Hints) -> Assignment:
    a = Assignment(choice, filled=sum(s is not None for s in choice))
    names = _operand_names(choice)
    n_rows = len(profiles[0].values) if profiles else 0
    column_of = {n: j for j, ns in enumerate(names) for n in ns}
    for check in spec.checks:
        operands = [check.left, check.right, *([check.other] if check.other else [])]
        if len({column_of.get(o, -1 - k) for k, o in enumerate(operands)}) < len(operands):
            continue  # two operands of one column (a single year's `a[-1] - a[0]`): no evidence
        held = failed = plausible = 0
        for i in range(n_rows):
            values = {n: v for ns, p in zip(names, profiles, strict=True) for n in ns
                      if (v := p.values[i]) is not None}
            if not all(o in values for o in operands):
                continue
            ok = check.holds(values)
            held += ok
            failed += not ok
            if ok and check.op == "-":  # a change is smaller than both figures it is between
                plausible += abs(values[check.left]) < min(abs(values[check.right]), abs(values[check.other or ""]))
        a.arithmetic += 2 * (held - failed) + plausible
        a.checked += held - failed
        a.equations += (held - failed) if check.op != "<=" else 0
        if held or failed:
            a.evidence.append(f"{_written(check)}: {held} held, {failed} failed")
    for j, s in enumerate(choice):
        if s is not None and s.kind == "percent" and not _in_checks(spec, s.field):
            shares = _shares(j, profiles)
            if shares:
                a.arithmetic += shares
                a.evidence.append(f"{s.field}: a share of another column in {shares} rows")
    a.header = _header_score(choice, hints)
    kept = [s.keep for s in choice if s is not None]
    a.placement = -sum(not x and y for i, x in enumerate(kept) for y in kept[i + 1:])
    return a


def _written(check: Check) -> str:
    """A check as a spec writes it (`ejecucion_pct ~ devengado_usd / codificado_usd * 100`)."""
    if check.op == "<=":
        return f"{check.left} <= {check.right}"
    if check.op == "-":
        return f"{check.left} ~ {check.right} - {check.other}"
    return f"{check.left} ~ {check.right} / {check.other} * 100"


def _in_checks(spec: TableSpec, name: str) -> bool:
    return any(name in (c.left, c.right, c.other) for c in spec.checks)


def _shares(j: int, profiles: Sequence[Profile]) -> int:
    """Rows where column j is the same share of another column as in every other row
    (`p ~ x / total * 100`): the most such rows over the other numeric columns."""
    p = profiles[j].values
    best = 0
    for k, other in enumerate(profiles):
        if k == j or other.marked:
            continue
        pairs = [(a, b) for a, b in zip(p, other.values, strict=True) if a is not None and b]
        if len(pairs) < 2:
            continue
        total_b = sum((b for _, b in pairs), Decimal(0))
        if not total_b:
            continue
        ratio = sum((a for a, _ in pairs), Decimal(0)) / total_b
        held = sum(abs(a - b * ratio) <= tolerances.ROLE_SHARE_POINTS for a, b in pairs)
        if held == len(pairs):
            best = max(best, held)
    return best


def _operand_names(choice: Sequence[Column | None]) -> list[tuple[str, ...]]:
    """The names a column goes by in a check: its field; a year column also by its rank among
    the printed years (`monto_usd[0]`, `monto_usd[-1]`); none for a column held by no slot."""
    years = sorted({s.year for s in choice if s is not None and s.year is not None})
    out: list[tuple[str, ...]] = []
    for s in choice:
        if s is None:
            out.append(())
        elif s.year is None:
            out.append((s.field,))
        else:
            rank = years.index(s.year)
            out.append((f"{s.field}[{rank}]", f"{s.field}[{rank - len(years)}]"))
    return out


def _header_score(choice: Sequence[Column | None], hints: Hints) -> int:
    """Columns whose header words name their slot (by position), else the longest run of the
    header's named columns in the header's order."""
    if hints.positional is not None:
        return sum(s is not None and key_of(s) in h for s, h in zip(choice, hints.positional, strict=True))
    got = [key_of(s) for s in choice if s is not None]
    want = list(hints.order)
    table = [[0] * (len(want) + 1) for _ in range(len(got) + 1)]
    for i, g in enumerate(got):
        for k, w in enumerate(want):
            table[i + 1][k + 1] = table[i][k] + 1 if g == w else max(table[i][k + 1], table[i + 1][k])
    return table[-1][-1]
