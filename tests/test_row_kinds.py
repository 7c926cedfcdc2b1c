"""A test per row kind on each source that can print it (issue 25, one road for every table).

Each case (`rowkinds.py`: kind, source, dataset) prints an answer key's rows as that kind of
row inside a tiny report, runs it through `extract_report` and asserts that the contract
datasets hold exactly the key's rows it printed (labels, groups, values; subtotals and total
in `totales` where printed), nothing more. Regenerate one with
`python tests/rowkinds.py KIND SOURCE --dataset D [--out FILE]`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rowkinds import Case, cases, got_rows, table, write

from extract.report import extract_report

#: Cases not read right yet (strict: each must fail until it is), with what comes out instead.
NOT_YET: dict[str, str] = {}


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[str(c)])) if str(c) in NOT_YET else c
    for c in cases()
], ids=str)
def test_row_kind_gives_the_keys_rows(case: Case, tmp_path: Path) -> None:
    t = table(case)
    res = extract_report(write(case, tmp_path), tmp_path, tmp_path / "interim")
    assert not res.failed, res.error
    assert res.report_id == t.report
    for dataset, want in t.expected.items():
        keep = (lambda r: r.get("dataset") == t.dataset) if dataset == "totales" else (lambda r: True)
        got = got_rows(t.report, dataset, res.datasets.get(dataset, []), keep)
        missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
        anomalies = [a["problem"] for a in res.datasets.get("anomalias", []) if a.get("dataset") == t.dataset]
        assert not missing and not extra, (
            f"{dataset}: missing {sorted(missing.elements())}; not in the key {sorted(extra.elements())}; "
            f"anomalies {anomalies}")
