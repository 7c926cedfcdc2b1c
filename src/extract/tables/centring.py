"""Labels centred beside the rows they name (a group label half-way down its rows): which
consecutive rows each label is centred on."""

from __future__ import annotations

from collections.abc import Mapping

from extract import tolerances


def best_runs(rows: list[int], middles: list[tuple[float, int | None]], pages: Mapping[int, int | None],
              least: list[int] | None = None) -> list[list[int]]:
    """`rows` cut into len(middles) consecutive non-empty runs (of at least `least` rows each,
    where given; none when no cut has), each run's middle as close to its label's middle as can
    be (least total distance). A label is centred on its rows of its own page: a group continued
    on the next page is not centred on those."""
    n, k = len(rows), len(middles)
    if k >= n:
        return [[r] for r in rows[:k]] + [[] for _ in range(k - n)]
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for g in range(1, k + 1):
        for end in range(g, n - (k - g) + 1):
            for start in range(g - 1, end - (least[g - 1] if least else 1) + 1):
                if cost[g - 1][start] == inf:
                    continue
                middle, page = middles[g - 1]
                same = [r for r in rows[start:end] if pages[r] == page] or rows[start:end]
                c = cost[g - 1][start] + abs((same[0] + same[-1]) / 2 - middle)
                if c < cost[g][end]:
                    cost[g][end], back[g][end] = c, start
    if cost[k][n] == inf:
        return [[] for _ in middles]
    runs: list[list[int]] = []
    end = n
    for g in range(k, 0, -1):
        start = back[g][end]
        runs.insert(0, rows[start:end])
        end = start
    return runs


def centred_owners(details: list[int], value_rows: list[int], labels: list[tuple[str, float, int]],
                   pages: Mapping[int, int | None], least: Mapping[int, int] | None = None) -> dict[int, str]:
    """Row position -> group label: each label (text, middle position, first position) takes
    the consecutive detail rows it is centred on (at least `least[first]` of them, where
    given); totals end a run of rows."""
    owner: dict[int, str] = {}
    totals = [i for i in value_rows if i not in set(details)]
    segments: list[list[int]] = []
    for i in details:
        if not segments or any(segments[-1][-1] < t < i for t in totals):
            segments.append([])
        segments[-1].append(i)
    for segment in segments:
        lo, hi = segment[0], segment[-1]
        mine = [lb for lb in labels if lo - 3 <= lb[1] <= hi + 3] or \
            [min(labels, key=lambda lb: min(abs(lb[1] - lo), abs(lb[1] - hi)))]
        runs = best_runs(segment, [(m, pages[first]) for _, m, first in mine], pages,
                         [least.get(first, 1) for _, _, first in mine] if least else None)
        for (name, _, _), run in zip(mine, runs, strict=True):
            for i in run:
                owner[i] = name
    return owner


def also_centred(labels: list[tuple[str, float, int]], details: list[int], value_rows: list[int],
                 pages: Mapping[int, int | None]) -> str | None:
    """Why group labels that each start on a row of values (`labels`: text, middle, first row)
    are not sure to head the rows below them: each is as well the middle of other rows (`A`
    beside the first of two rows, `B` beside the second of four), and the two readings group
    the rows differently. A label heading two rows or more is centred on two or more too
    (labels on the first of each two rows are headings, not one row's then three rows')."""
    top = [first for _, _, first in labels]
    ends = [*top[1:], max(details, default=0) + 1]
    least = {a: min(2, sum(a <= i < b for i in details)) for a, b in zip(top, ends, strict=True)}
    owner = centred_owners(details, value_rows, labels, pages, least)
    runs: dict[str, list[int]] = {}
    for i, name in owner.items():
        runs.setdefault(name, []).append(i)
    centred = all(abs((min(runs[name]) + max(runs[name])) / 2 - middle) <= tolerances.CENTRED_SLACK
                  for name, middle, _ in labels if name in runs)
    if not centred or len(runs) != len(labels) or sorted(min(r) for r in runs.values()) == top:
        return None
    return ("group labels each on one line: they may head the rows below them or be centred on "
            "their rows, and the two readings group the rows differently")
