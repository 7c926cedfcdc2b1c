"""Canonical categories (`categories.py`, `specs/vocabularies/`): every categorical label of the
answer keys and the real-world names of each category get their id whatever their case,
accents, punctuation or abbreviation; an unknown label gets a null id and an anomaly naming the
file to extend; the suites allow exactly the vocabularies' ids."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from answer_key import DATA
from conftest import RAW, ROOT, read, run_on
from hypothesis import given
from hypothesis import strategies as st

from extract import categories, validate
from extract.categories import Vocabulary, each_column_once, label_key, parse, vocabularies
from extract.model import Sink
from extract.report import extract_report
from extract.specs.schema import SpecError
from extract.textutil import strip_accents

BY_NAME = {v.file.removeprefix("specs/vocabularies/").removesuffix(".toml"): v for v in vocabularies()}

#: Every label of the answer keys, with the id it must get.
KEY_LABELS = {
    "tipo_contratacion": {
        "Ínfima Cuantía": "infima-cuantia", "Catálogo Electrónico": "catalogo-electronico",
        "Subasta Inversa Electrónica": "subasta-inversa-electronica", "Menor Cuantía": "menor-cuantia",
        "Menor Cuantía de Bienes, Servicios y Obras": "menor-cuantia",
        "Cotizaciones de Bienes, Servicios y Obras": "cotizacion", "Licitación de Bienes y Servicios": "licitacion",
        "Lista corta": "lista-corta", "Régimen Especial": "regimen-especial",
        "Procedimiento especial": "procedimiento-especial", "Procedimientos Especiales": "procedimiento-especial",
        "Ferias Inclusivas": "ferias-inclusivas", "Otras: Importación": "importacion",
    },
    "seguro": {"General (IVM)": "ivm", "Campesino": "ssc", "Riesgos del Trabajo": "riesgos-del-trabajo"},
    "prestacion": {"Vejez": "vejez", "Invalidez": "invalidez", "Discapacidad": "discapacidad",
                   "Incapacidad": "incapacidad", "Montepío": "montepio"},
    "sector": {"Con relación de dependencia": "con-relacion-de-dependencia",
               "Sin relación de dependencia": "sin-relacion-de-dependencia",
               "Régimen Especial Voluntario": "voluntario", "Semicontributivos": "semicontributivo"},
    "tipo_afiliado": {
        "Sector privado": "sector-privado", "Sector público": "sector-publico",
        "Voluntarios en el Ecuador": "voluntario-ecuador", "Voluntarios en el exterior": "voluntario-exterior",
        "Jefes de familia SSC": "jefe-de-familia-ssc", "Jubilados activos SSC": "jubilado-activo-ssc",
        "Trabajo no remunerado del hogar": "trabajo-no-remunerado-del-hogar",
        "Artistas y gestores cultura": "artistas-gestores-culturales", "Independientes": "independiente",
        "Pasantes privados": "pasante-privado", "Pasantes públicos": "pasante-publico",
    },
    "ente_control": {
        "Contraloría General del Estado": "cge", "CONTRALORÍA GENERAL DEL ESTADO": "cge",
        "Superintendencia de Bancos": "superintendencia-de-bancos",
        "SUPERINTENDENCIA DE BANCOS": "superintendencia-de-bancos", "Auditoría Interna IESS": "auditoria-interna",
    },
}


def _key_labels(vocab: Vocabulary) -> set[str]:
    labels = set()
    for dataset, column in vocab.columns:
        for path in (DATA / "truth").glob(f"*/{dataset}.csv"):
            with path.open(encoding="utf-8", newline="") as f:
                labels |= {row[column] for row in csv.DictReader(f) if row[column]}
    return labels


@pytest.mark.parametrize("name", sorted(KEY_LABELS))
def test_every_label_of_the_answer_keys_gets_its_id(name: str) -> None:
    vocab = BY_NAME[name]
    assert _key_labels(vocab) <= set(KEY_LABELS[name]), "a key label this test does not name"
    assert {label: vocab.candidates(label) for label in KEY_LABELS[name]} == {
        label: (cid,) for label, cid in KEY_LABELS[name].items()}


@pytest.mark.parametrize(("name", "label", "cid"), [
    ("tipo_contratacion", "Infima cuantía", "infima-cuantia"),
    ("tipo_contratacion", "ÍNFIMA CUANTÍA (bienes y servicios)", "infima-cuantia"),
    ("tipo_contratacion", "INFIMA  CUANTIA", "infima-cuantia"),
    ("tipo_contratacion", "Catálogo dinámico inclusivo", "catalogo-electronico"),
    ("tipo_contratacion", "Subasta inversa electrónica de bienes", "subasta-inversa-electronica"),
    ("tipo_contratacion", "S.I.E.", "subasta-inversa-electronica"),
    ("tipo_contratacion", "Cotización de obras", "cotizacion"),
    ("tipo_contratacion", "Licitación de obras", "licitacion"),
    ("tipo_contratacion", "Consultoría por lista corta", "lista-corta"),
    ("tipo_contratacion", "Consultoría - Contratación directa", "contratacion-directa"),
    ("tipo_contratacion", "Concurso público", "concurso-publico"),
    ("tipo_contratacion", "Contrataciones en situaciones de emergencia", "emergencia"),
    ("tipo_contratacion", "Régimen especial (fármacos)", "regimen-especial"),
    ("tipo_contratacion", "Arrendamiento de bienes inmuebles", "procedimiento-especial"),
    ("tipo_contratacion", "Feria inclusiva", "ferias-inclusivas"),
    ("seguro", "IVM", "ivm"),
    ("seguro", "Seguro General de Invalidez, Vejez y Muerte", "ivm"),
    ("seguro", "Seguro Social Campesino", "ssc"),
    ("seguro", "S.S.C.", "ssc"),
    ("seguro", "Riesgos de Trabajo", "riesgos-del-trabajo"),
    ("seguro", "Seguro General de Riesgos del Trabajo (SGRT)", "riesgos-del-trabajo"),
    ("seguro", "Seguro General de Salud Individual y Familiar", "salud"),
    ("seguro", "Cesantía", "cesantia"),
    ("seguro", "Seguro de desempleo", "desempleo"),
    ("prestacion", "Jubilación por vejez", "vejez"),
    ("prestacion", "Incapacidad permanente parcial", "incapacidad"),
    ("prestacion", "Viudez y orfandad", "montepio"),
    ("prestacion", "MONTEPIO", "montepio"),
    ("sector", "Afiliados sin relación de dependencia", "sin-relacion-de-dependencia"),
    ("sector", "Bajo relación de dependencia", "con-relacion-de-dependencia"),
    ("sector", "Seguro Social Campesino", "ssc"),
    ("tipo_afiliado", "Pasantes del sector privado", "pasante-privado"),
    ("tipo_afiliado", "Trabajo no remunerado del hogar (TNRH)", "trabajo-no-remunerado-del-hogar"),
    ("tipo_afiliado", "Voluntarios residentes en el exterior", "voluntario-exterior"),
    ("ente_control", "CGE", "cge"),
    ("ente_control", "C.G.E.", "cge"),
    ("ente_control", "CONTRALORÍA", "cge"),
    ("ente_control", "Superintendencia de Bancos y Seguros", "superintendencia-de-bancos"),
    ("ente_control", "Procuraduría General del Estado", "procuraduria-general-del-estado"),
    ("ente_control", "Consejo de Participación Ciudadana y Control Social", "cpccs"),
])
def test_a_category_printed_another_way_gets_its_id(name: str, label: str, cid: str) -> None:
    assert BY_NAME[name].candidates(label) == (cid,)


_PHRASES = [(name, phrase, c.id) for name, v in BY_NAME.items() for c in v.categories
            for phrase in (c.name, *c.variants)]


@given(st.sampled_from(_PHRASES), st.sampled_from([str.upper, str.lower, str.title, str.strip]),
       st.booleans(), st.sampled_from(["", " ", "  ", " (bienes y servicios)", ":", "."]))
def test_every_name_and_variant_gets_its_id_whatever_its_case_accents_and_spacing(
        entry: tuple[str, str, str], case, plain: bool, tail: str) -> None:
    name, phrase, cid = entry
    label = case(strip_accents(phrase) if plain else phrase).replace(" ", "  ") + tail
    assert BY_NAME[name].candidates(label) == (cid,), label


def test_folding_ignores_punctuation_plurals_and_connectors() -> None:
    assert label_key("Menor Cuantía de Bienes, Servicios y Obras") == "menor cuantia bien servicio obra"
    assert label_key("C.G.E.") == label_key("CGE") == "cge"
    assert label_key("Procedimientos Especiales") == label_key("procedimiento especial")
    assert label_key("Riesgos del Trabajo") == label_key("Riesgos de Trabajo")


def _rows(*labels: str | None) -> dict[str, list[dict]]:
    return {"contratacion": [{"tipo_contratacion": label, "source_page": None, "source_line": 10 + i}
                             for i, label in enumerate(labels)]}


def test_an_unknown_label_gets_a_null_id_and_one_anomaly_naming_the_file_to_extend() -> None:
    data, sink = _rows("Ínfima Cuantía", "Compras corporativas", "Compras corporativas", None), Sink("iess-x-2024")
    categories.assign(data, sink)
    assert [r["tipo_contratacion_id"] for r in data["contratacion"]] == ["infima-cuantia", None, None, None]
    (anomaly,) = sink.items
    assert (anomaly.stage, anomaly.dataset, anomaly.location, anomaly.raw_text) == (
        "categories", "contratacion", "line 11", "Compras corporativas")
    assert "specs/vocabularies/tipo_contratacion.toml" in anomaly.problem
    assert "tipo_contratacion_id is null" in anomaly.problem


def test_a_label_matching_two_entries_equally_gets_a_null_id_and_an_anomaly_naming_both() -> None:
    data, sink = _rows("Subasta o catálogo"), Sink("iess-x-2024")
    categories.assign(data, sink)
    assert data["contratacion"][0]["tipo_contratacion_id"] is None
    assert "catalogo-electronico and subasta-inversa-electronica equally" in sink.items[0].problem


_VOCAB = 'columns = ["contratacion.tipo_contratacion"]\n[[category]]\nid = "a-b"\nname = "A B"\nvariants = ["AB"]\n'


@pytest.mark.parametrize(("text", "named"), [
    (_VOCAB.replace("variants", "variantes"), r"unknown key\(s\) category\[0\]\.variantes"),
    (_VOCAB.replace('"a-b"', '"A_B"'), r"category\[0\]\.id must be a lowercase ASCII slug \(like 'a-b'\)"),
    (_VOCAB.replace('["AB"]', '"AB"'), r'category\[0\]\.variants must be a list of strings'),
    (_VOCAB.replace("contratacion.tipo_contratacion", "contratacion.estado"),
     r"columns\[0\] names 'contratacion.estado': not a column of the contract with an id column"),
    (_VOCAB + '[[category]]\nid = "c"\nname = "C"\nvariants = ["a  b"]\n',
     r"category\[1\]\.variants has 'a  b', which matches entry 'a-b' too"),
    (_VOCAB + '[[category]]\nid = "a-b"\nname = "D"\n', r"category\[1\]\.id 'a-b' is the id of an earlier entry"),
    (_VOCAB.replace('["AB"]', '["de la"]'), r"category\[0\]\.variants has 'de la', which folds to nothing"),
    ('columns = ["contratacion.tipo_contratacion"]\n', r"the file needs category"),
    ("columns = [", r"not valid TOML"),
])
def test_a_mistake_in_a_vocabulary_is_an_error_naming_the_file_and_the_key(text: str, named: str) -> None:
    with pytest.raises(SpecError, match=r"^specs/vocabularies/x\.toml: .*" + named):
        parse("x", text)


def test_two_vocabularies_of_one_column_are_an_error() -> None:
    with pytest.raises(SpecError, match=r"specs/vocabularies/y\.toml: columns names contratacion\.tipo_contratacion, "
                                        r"which specs/vocabularies/x\.toml gives ids to"):
        each_column_once((parse("x", _VOCAB), parse("y", _VOCAB)))


def test_the_shipped_vocabularies_cover_every_id_column_of_the_contract() -> None:
    from extract.contract import SCHEMAS

    id_columns = {(d, n.removesuffix("_id")) for d, s in SCHEMAS.items() for n in s.names if n.endswith("_id")
                  and n != "report_id"}
    assert {col for v in vocabularies() for col in v.columns} == id_columns


def test_the_ids_the_data_dictionary_names_are_the_vocabularies() -> None:
    text = (ROOT / "docs" / "datasets.md").read_text("utf-8").split("## Canonical categories", 1)[1]
    rows = re.findall(r"^\| \S+_id \| `(\w+)\.toml`.*\| (.*) \|$", text.split("\n## ", 1)[0], re.M)
    assert sorted(name for name, _ in rows) == sorted(BY_NAME)
    for name, ids in rows:
        assert set(re.findall(r"`([a-z0-9-]+)`", ids)) <= set(BY_NAME[name].ids()), name


def _in_set(dataset: str) -> dict[str, list[str]]:
    suite = json.loads((validate.suites_dir() / f"{dataset}.json").read_text("utf-8"))
    return {e["kwargs"]["column"]: e["kwargs"]["value_set"] for e in suite["expectations"]
            if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"].endswith("_id")}


def _regenerate(dataset: str) -> None:
    """Each id column's `expect_column_values_to_be_in_set` as its vocabulary says (critical)."""
    path = validate.suites_dir() / f"{dataset}.json"
    suite = json.loads(path.read_text("utf-8"))
    suite["expectations"] = [e for e in suite["expectations"] if not (
        e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"].endswith("_id"))]
    for v in vocabularies():
        for d, column in v.columns:
            if d == dataset:
                suite["expectations"].append({
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": f"{column}_id", "value_set": v.ids()},
                    "meta": {"why": f"ids of {v.file} (generated by tests/test_categories.py)"},
                    "severity": "critical"})
    path.write_text(json.dumps(suite, indent=2, ensure_ascii=False) + "\n", "utf-8")


@pytest.mark.parametrize("dataset", sorted({d for v in vocabularies() for d, _ in v.columns}))
def test_the_suites_allow_exactly_the_vocabularies_ids(dataset: str) -> None:
    """Generated, never edited by hand: `REGENERATE_SUITES=1 pytest tests/test_categories.py -k suites`
    writes them from the vocabularies."""
    if os.environ.get("REGENERATE_SUITES"):
        _regenerate(dataset)
    wanted = {f"{c}_id": v.ids() for v in vocabularies() for d, c in v.columns if d == dataset}
    assert _in_set(dataset) == wanted, "run REGENERATE_SUITES=1 pytest tests/test_categories.py -k suites"


def test_the_samples_publish_an_id_for_every_categorical_row(text_run: Path) -> None:
    for v in vocabularies():
        for dataset, column in v.columns:
            df = read(text_run, dataset)
            labels = df[column].dropna()
            assert len(labels) and df.loc[labels.index, f"{column}_id"].notna().all(), (dataset, column)
            assert set(df[f"{column}_id"].dropna()) <= set(v.ids())
    assert "categories" not in set(read(text_run, "anomalias").stage)


@pytest.mark.parametrize("path", sorted((DATA / "variants").glob("iess-*.txt")), ids=lambda p: p.name)
def test_the_variants_give_an_id_for_every_categorical_row(path: Path, tmp_path: Path) -> None:
    res = extract_report(path, tmp_path, tmp_path / "interim")
    for v in vocabularies():
        for dataset, column in v.columns:
            rows = [r for r in res.datasets[dataset] if r[column]]
            key = KEY_LABELS[next(n for n, x in BY_NAME.items() if x is v)]
            assert [r[f"{column}_id"] for r in rows] == [key[r[column]] for r in rows], (dataset, column)
    assert not [a for a in res.datasets["anomalias"] if a["stage"] == "categories"]


def test_an_unknown_label_is_published_with_a_null_id_and_its_anomaly(tmp_path: Path) -> None:
    text = (RAW / "iess-loja-2024.txt").read_text("utf-8")
    assert text.count("Ferias Inclusivas") == 1
    changed = tmp_path / "iess-loja-2024.txt"
    changed.write_text(text.replace("Ferias Inclusivas", "Compras corporativas"), "utf-8")
    code, root = run_on(tmp_path / "run", [changed], workers=1)
    assert code == 0
    rows = read(root, "contratacion").set_index("tipo_contratacion")
    assert pd.isna(rows.loc["Compras corporativas", "tipo_contratacion_id"])
    assert rows.loc["Ínfima Cuantía", "tipo_contratacion_id"] == "infima-cuantia"
    anomalias = read(root, "anomalias")
    flagged = anomalias[anomalias.stage == "categories"]
    assert list(flagged.raw_text) == ["Compras corporativas"] and list(flagged.location) == ["line 580"]
    assert read(root, "reports").status.tolist() == ["ok"]
