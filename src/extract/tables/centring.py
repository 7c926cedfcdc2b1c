"""Labels centred beside the rows they name (a group label half-way down its rows): which
consecutive rows each label is centred on."""

from __future__ import annotations

from collections.abc import Mapping


def best_runs(rows: list[int], middles: list[tuple[float, int | None]], pages: Mapping[int, int | None]
              ) -> list[list[int]]:
    """`rows` cut into len(middles) consecutive non-empty runs, each run's middle as close to
    its label's middle as can be (least total distance). A label is centred on its rows of its
    own page: a group continued on the next page is not centred on those."""
    n, k = len(rows), len(middles)
    if k >= n:
        return [[r] for r in rows[:k]] + [[] for _ in range(k - n)]
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for g in range(1, k + 1):
        for end in range(g, n - (k - g) + 1):
            for start in range(g - 1, end):
                if cost[g - 1][start] == inf:
                    continue
                middle, page = middles[g - 1]
                same = [r for r in rows[start:end] if pages[r] == page] or rows[start:end]
                c = cost[g - 1][start] + abs((same[0] + same[-1]) / 2 - middle)
                if c < cost[g][end]:
                    cost[g][end], back[g][end] = c, start
    runs: list[list[int]] = []
    end = n
    for g in range(k, 0, -1):
        start = back[g][end]
        runs.insert(0, rows[start:end])
        end = start
    return runs


def centred_owners(details: list[int], value_rows: list[int], labels: list[tuple[str, float, int]],
                   pages: Mapping[int, int | None]) -> dict[int, str]:
    """Row position -> group label: each label (text, middle position, first position) takes
    the consecutive detail rows it is centred on; totals end a run of rows."""
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
        runs = best_runs(segment, [(m, pages[first]) for _, m, first in mine], pages)
        for (name, _, _), run in zip(mine, runs, strict=True):
            for i in run:
                owner[i] = name
    return owner
