"""The spec files are checked as data when they load: every mistake is an error naming the file,
the key and what was expected, never a TypeError deep inside a report."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from extract import specs
from extract.specs.schema import STRATEGIES
from extract.tables.spec import SpecError, TableSpec

_BASE: dict[str, Any] = {"dataset": "presupuesto", "label": "unidad"}
_RECORDS: dict[str, Any] = {
    "dataset": "recomendaciones", "label": "ente_control", "layout": "records", "header": ["ente de control"],
    "record_start": ["contraloria"], "text_field": "examen", "document": {"field": "documento", "pattern": "oficio"},
    "count": {"field": "recomendaciones", "pattern": r"(?P<rec>rec\.?\s*)?(?P<n>\d+)"},
}


def _col(**kw: Any) -> dict[str, Any]:
    return {"field": "codificado_usd", "kind": "money", **kw}


@pytest.mark.parametrize(("base", "changes", "named"), [
    # a plain string instead of a list, for every list-of-strings key
    *((_BASE, {k: "presupuest"}, rf'{k} must be a list of strings, got a string: write {k} = \["presupuest"\]')
      for k in ("header", "sections", "header_words", "none", "end", "label_vocabulary", "checks")),
    (_BASE, {"columns": [_col(match="codificado")]}, r"columns\[0\]\.match must be a list of strings, got a string"),
    (_RECORDS, {"record_start": "contraloria"}, "record_start must be a list of strings, got a string"),
    (_BASE, {"header": ["codificado", 3]}, r"header\[1\] must be a string, got an integer \(3\)"),
    # a value not among those the key takes
    (_BASE, {"columns": [_col(kind="moneda")]}, r"columns\[0\]\.kind must be one of count, money, percent, "
                                               r"got 'moneda'"),
    (_BASE, {"years": {"field": "anio", "kind": "year"}}, "years.kind must be one of count, money, percent"),
    (_BASE, {"layout": "columns"}, "layout must be one of rows, records, got 'columns'"),
    (_BASE, {"dataset": "presupuestos"}, "dataset must be one of afiliados, .*, got 'presupuestos'"),
    (_BASE, {"dataset": "indicadores"}, "dataset must be one of afiliados, "),  # a dataset, but of no table
    # a value of the wrong type
    (_BASE, {"order": "200"}, r"order must be an integer, got a string \('200'\)"),
    (_BASE, {"order": True}, r"order must be an integer, got a boolean \(True\)"),
    (_BASE, {"label": ["unidad"]}, "label must be a string, got a list"),
    (_BASE, {"group": 1}, r"group must be a string, got an integer \(1\)"),
    (_BASE, {"columns": [{"field": 1, "kind": "money"}]}, r"columns\[0\]\.field must be a string"),
    (_BASE, {"columns": [_col(keep="no")]}, r"columns\[0\]\.keep must be true or false, got a string"),
    (_BASE, {"columns": [_col(required=1)]}, r"columns\[0\]\.required must be true or false, got an integer"),
    (_BASE, {"total_expected": "yes"}, "total_expected must be true or false"),
    (_BASE, {"columns": _col()}, r"columns must be an array of tables \(\[\[columns\]\]\), got a table"),
    (_BASE, {"years": "monto_usd"}, "years must be a table, got a string"),
    (_BASE, {"spans": {"field": "estado", "values": ["adjudicad"]}}, "spans.values must be a table"),
    (_BASE, {"spans": {"field": "estado", "values": {"adjudicado": 1}}}, "spans.values.adjudicado must be a string"),
    (_BASE, {"spans": {"field": ["estado"], "values": {}}}, "spans.field must be a string"),
    (_BASE, {"label_code": {"field": "codigo", "pattern": 51}}, "label_code.pattern must be a string"),
    (_RECORDS, {"text_field": ["examen"]}, "text_field must be a string"),
    (_RECORDS, {"document": "oficio"}, "document must be a table, got a string"),
    (_RECORDS, {"grid": {"examen": ["examen"]}}, "grid.examen must be a string"),
    # a key missing, or one the layout does not take
    ({"dataset": "presupuesto"}, {}, "label is missing"),
    ({"label": "unidad"}, {}, "dataset is missing"),
    (_BASE, {"columns": [{"field": "x"}]}, r"columns\[0\]\.kind is missing"),
    (_BASE, {"spans": {"field": "estado"}}, "spans needs spans.values"),
    (_BASE, {"label_code": {"field": "codigo"}}, "label_code.pattern is missing"),
    (_BASE, {"layout": "records"}, 'layout = "records" needs record_start, text_field, document, count'),
    (_RECORDS, {"header": []}, 'header must name a column: layout = "records"'),
    (_BASE, {"record_start": ["contraloria"]}, 'record_start is a key of layout = "records" only'),
    (_RECORDS, {"count": {"field": "recomendaciones", "pattern": r"\d+"}}, "count.pattern needs the groups `n`"),
    # one field, two columns
    (_BASE, {"columns": [_col(), _col(match=["asignado"])]},
     r"columns\[1\]\.field: 'codificado_usd' is already columns\[0\]\.field"),
    ({"dataset": "pensiones_montos", "label": "prestacion"},
     {"years": {"field": "monto_usd", "kind": "money"}, "columns": [{"field": "monto_usd", "kind": "money"}]},
     r"columns\[0\]\.field: 'monto_usd' is already years\.field"),
    # a check naming no column of the spec
    (_BASE, {"columns": [_col()], "checks": ["devengado_usd <= codificado_usd"]},
     "check 'devengado_usd <= codificado_usd': 'devengado_usd' is no column of this spec"),
    (_BASE, {"columns": [_col()], "checks": ["codificado_usd[0] <= codificado_usd"]},
     r"check 'codificado_usd\[0\] <= codificado_usd': 'codificado_usd\[0\]' is no column of this spec"),
    # a pattern that is not a regular expression, in every key that holds them
    (_RECORDS, {"grid": {"examen": "examen("}}, "grid: 'examen\\('"),
    (_RECORDS, {"document": {"field": "documento", "pattern": "oficio", "start": "[oficio"}}, "document.start: "),
    (_RECORDS, {"count": {"field": "recomendaciones", "pattern": "(?P<n>\\d+"}}, "count.pattern: "),
    (_BASE, {"years": {"field": "codificado_usd", "kind": "money", "match": ["codificad(o"]}}, "years.match: "),
    (_BASE, {"label_code": {"field": "codigo", "pattern": "(?P<code>"}}, "label_code.pattern: '"),
])
def test_a_table_spec_mistake_is_an_error_naming_file_and_key(base: dict[str, Any], changes: dict[str, Any],
                                                               named: str) -> None:
    with pytest.raises(SpecError, match=f"^specs/table-t.toml: {named}"):
        TableSpec.from_dict("t", {**base, **changes})


def test_the_bases_of_the_mistakes_are_valid() -> None:
    """Each mistake above is the one change that breaks a valid spec."""
    assert TableSpec.from_dict("t", _BASE).layout == "rows"
    assert TableSpec.from_dict("t", _RECORDS).records is not None


#: A valid text of each checked TOML, each mistake below one change to it.
_VALID = {
    "strategies": 'accept = 0.9\n[text]\nrows = ["text-aligned-rows"]\nrecords = ["text-aligned-records"]\n'
                  '[pdf]\nrows = ["text-aligned-rows", "pdfplumber"]\nrecords = ["text-aligned-records"]\n',
    "sections": 'unnumbered = ["introduccion", "anexos"]\n',
    "expected": 'nacional = ["afiliados"]\nprovincial = ["presupuesto"]\n',
    "indicators": '[[indicator]]\nslug = "inspecciones"\nunidad = "inspecciones"\nneeds = ["inspecc"]\n'
                  "patterns = ['se realizaron {NUM} inspecciones', 'total (?P<anio>{YEAR}):? {MONEY}']\n",
}


@pytest.mark.parametrize(("name", "old", "new", "named"), [
    # an unknown key (a typo)
    ("strategies", "accept", "acept", "unknown key\\(s\\) acept; known: accept, pdf, text"),
    ("strategies", "records =", "record =", "unknown key\\(s\\) text.record; known: records, rows"),
    ("sections", "unnumbered", "unumbered", "unknown key\\(s\\) unumbered"),
    ("indicators", "needs", "need", "unknown key\\(s\\) indicator\\[0\\]\\.need;"),
    ("indicators", "[[indicator]]", "[[indicators]]", "unknown key\\(s\\) indicators;"),
    # a strategy name the code does not know
    ("strategies", '"pdfplumber"', '"camelot"', "pdf.rows\\[1\\] must be one of text-delimited, text-aligned"),
    # a value of the wrong type, or out of range
    ("strategies", "0.9", '"0.9"', "accept must be a number, got a string"),
    ("strategies", "0.9", "90", "accept must be a fit score above 0 and at most 1, got 90"),
    ("strategies", 'records = ["text-aligned-records"]\n[pdf]', 'records = "text-aligned-records"\n[pdf]',
     'text.records must be a list of strings, got a string: write records = \\["text-aligned-records"\\]'),
    ("strategies", 'records = ["text-aligned-records"]\n[pdf]', "records = []\n[pdf]", "text.records names no reader"),
    ("strategies", 'records = ["text-aligned-records"]\n[pdf]', "[pdf]",
     "text \\(a reader list for each layout\\) needs text.records"),
    ("strategies", "[pdf]", "[pdfs]", "unknown key\\(s\\) pdfs"),
    ("sections", '["introduccion", "anexos"]', '"introduccion"', "unnumbered must be a list of strings, got a string"),
    ("indicators", 'unidad = "inspecciones"', "unidad = 1", "indicator\\[0\\]\\.unidad must be a string"),
    ("indicators", 'slug = "inspecciones"', "", "indicator\\[0\\]\\.slug is missing"),
    ("indicators", "patterns =", "pattern =", "unknown key\\(s\\) indicator\\[0\\]\\.pattern;"),
    # a pattern that is not a regular expression, or lacks the group its consumer reads
    ("indicators", "se realizaron {NUM}", "se realizaron ({NUM}", "indicator\\[0\\]\\.patterns: "
                                                                 "'se realizaron \\(\\{NUM\\}.*' is not a regular"),
    ("indicators", "se realizaron {NUM}", "se realizaron (\\d+)", "indicator\\[0\\]\\.patterns\\[0\\] takes no "
                                                                "figure"),
    ("indicators", "se realizaron {NUM}", "se realizaron {NUMS}", "indicator\\[0\\]\\.patterns\\[0\\] has the "
                                                                 "unknown placeholder \\{NUMS\\}"),
])
def test_a_toml_spec_mistake_is_an_error_naming_file_and_key(name: str, old: str, new: str, named: str) -> None:
    assert old in _VALID[name]
    with pytest.raises(SpecError, match=f"^specs/{name}.toml: {named}"):
        specs.parse(name, _VALID[name].replace(old, new, 1))


@pytest.mark.parametrize("name", [*_VALID, "table-presupuesto"])
def test_a_toml_syntax_error_is_an_error_naming_the_file(name: str) -> None:
    with pytest.raises(SpecError, match=f"^specs/{re.escape(name)}.toml: not valid TOML: "):
        specs.parse(name, 'label = "unidad\n')


@pytest.mark.parametrize("name", _VALID)
def test_the_valid_texts_of_the_mistakes_parse(name: str) -> None:
    assert specs.parse(name, _VALID[name])


def test_every_shipped_spec_loads() -> None:
    """Every TOML shipped with the package passes its checks: the table specs build, the
    other files parse against their schema."""
    files = sorted(p.name.removesuffix(".toml") for p in resources.files(specs).iterdir() if p.name.endswith(".toml"))
    tables = [n for n in files if n.startswith("table-")]
    assert {*files} - {*tables} == {*_VALID}
    for name in files:
        data = specs.parse(name, resources.files(specs).joinpath(f"{name}.toml").read_text("utf-8"))
        if name in tables:
            assert TableSpec.from_dict(name.removeprefix("table-"), data).dataset == data["dataset"]


def test_the_strategy_names_are_the_ones_find_builds() -> None:
    """`STRATEGIES`, which strategies.toml is checked against, names what `find.py` builds, and
    each reader's name starts with the source it reads (its `extraction_method`)."""
    from extract.model import Document
    from extract.tables import find

    assert {*STRATEGIES} == {*find.READERS}
    doc = Document.__new__(Document)
    object.__setattr__(doc, "data", b"")
    for name, build in find.READERS.items():
        reader = build(doc)
        assert reader.name == name and name.startswith(reader.method)


def test_a_spec_that_does_not_load_stops_the_run_at_start_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A broken spec is one error at start (exit 2, file and key named), never an unexpected
    failure of every report; nothing is read or written."""
    import logging

    from conftest import RAW, run_on

    from extract import pipeline

    broken = _VALID["strategies"].replace('records = ["text-aligned-records"]\n[pdf]', 'records = "x"\n[pdf]')
    real = specs.load

    def load(name: str) -> dict:
        return specs.parse(name, broken) if name == "strategies" else real(name)

    monkeypatch.setattr(pipeline.specs, "load", load)
    with caplog.at_level(logging.ERROR, logger="extract.pipeline"):
        code, root = run_on(tmp_path, [RAW / "iess-loja-2024.txt"], workers=1)
    assert code == 2
    assert any("specs/strategies.toml: text.records must be a list of strings" in r.getMessage()
               for r in caplog.records), caplog.text
    assert not (root / "processed" / "reports").exists()
