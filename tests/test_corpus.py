"""The bundled corpus and its gold: well-formed, exact offsets, and a scorer that scores what it says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


build = load_script("build_corpus_gold")
ev = load_script("evaluate_corpus")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return _jsonl(CORPORA / "gold.json")


@pytest.fixture(scope="module")
def inputs(gold) -> dict[str, dict]:
    return {r["id"]: r for r in ev.corpus_inputs(CORPORA, gold)}


# --------------------------------------------------------------------------- the corpus itself
def test_generated_files_are_up_to_date():
    assert build.main(["--check"]) == 0, "run scripts/build_corpus_gold.py and commit the result"


def test_inputs_parse_and_ids_are_unique(gold, inputs):
    sample = _jsonl(CORPORA / "sample.jsonl")
    txt_files = sorted((CORPORA / "txt").glob("*.txt"))
    ids = [r["id"] for r in sample] + [p.stem for p in txt_files]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(g["id"] for g in gold)
    for rec in sample:
        assert set(rec) <= {"id", "text", "meta", "source_text"}, "lang must be detected, not given"
        assert rec["meta"]["source"] == "written for govpipe"
        assert {"title", "date", "place"} <= set(rec["meta"])
    assert txt_files, "some documents must come as plain .txt"


def test_size_and_language_mix(gold, inputs):
    langs = [g["lang"] for g in gold]
    assert len(gold) >= 30
    assert langs.count("zh") >= 15 and langs.count("en") >= 15
    en = [g for g in gold if g["lang"] == "en"]
    assert sum("source_text" in inputs[g["id"]] for g in en) >= 12
    assert any(not g["corrections"] for g in en), "clean English documents test precision"
    assert {g["file"] != "sample.jsonl" for g in gold} == {True, False}
    test = [g for g in gold if g["split"] == "test"]
    assert len(test) >= 12 and {g["lang"] for g in test} == {"zh", "en"}
    assert {g["split"] for g in gold} == {"dev", "test"}


def test_every_span_matches_its_text(gold, inputs):
    for g in gold:
        text = inputs[g["id"]]["text"]
        for e in g["entities"]:
            assert e["type"] in ev.ENTITY_TYPES
            assert text[e["start"] : e["end"]] == e["text"], (g["id"], e)
        for c in g["corrections"]:
            assert text[c["start"] : c["end"]] == c["original"], (g["id"], c)


def test_no_accidental_artifacts_outside_gold(gold, inputs):
    """A doubled full stop or a double space is an MT artifact only where the gold says so."""
    for g in gold:
        text = inputs[g["id"]]["text"]
        for m in re.finditer(r"(?<!\.)\.\.(?!\.)|(?<=\S)  (?=\S)", text):
            assert any(c["start"] <= m.start() < c["end"] for c in g["corrections"]), (g["id"], m.start())


def test_spans_do_not_overlap(gold):
    for g in gold:
        for kind in ("entities", "corrections"):
            spans = sorted((s["start"], s["end"]) for s in g[kind])
            for (_, end), (start, _) in zip(spans, spans[1:]):
                assert end <= start, (g["id"], kind, spans)


def test_officials_are_grounded_in_the_text(gold, inputs):
    for g in gold:
        text = inputs[g["id"]]["text"]
        persons = {e["text"] for e in g["entities"] if e["type"] == "person"}
        persons |= {e.get("canonical") for e in g["entities"] if e["type"] == "person"}
        titles = {e["text"] for e in g["entities"] if e["type"] == "title"}
        for off in g["officials"]:
            assert off["titles"], off
            if g["lang"] == "zh":
                simplified = {ev.title_key(p) for p in persons if p}
                assert ev.title_key(off["zh"]) in simplified, (g["id"], off)
                assert ev.title_key(off["zh"]) in ev.title_key(text), (g["id"], off)
                assert {ev.title_key(t) for t in off["titles"]} <= {ev.title_key(t) for t in titles}, (g["id"], off)
            else:
                assert off["name"] in persons, (g["id"], off)


def test_clean_text_carries_no_gold_garble(gold, inputs):
    for g in gold:
        text = inputs[g["id"]]["text"]
        clean = ev._apply_all(text, g["corrections"]) if g["corrections"] else text
        for c in g["corrections"]:
            if c["kind"] in ("term", "company", "name") and c["original"] not in c["replacement"]:
                assert c["original"] not in clean, (g["id"], c)


def test_markup_parser_nesting_and_errors():
    res = build.parse_markup("The [{city length=>Mayor|title}|title] [Wang Ming|person] met [{Ningde era=>CATL|company}|enterprise].")
    assert res.text == "The city length Wang Ming met Ningde era."
    assert [(e["type"], e["text"], e.get("canonical")) for e in res.entities] == [
        ("title", "city length", "Mayor"), ("person", "Wang Ming", None), ("enterprise", "Ningde era", "CATL")]
    assert [(c["original"], c["replacement"], c["kind"]) for c in res.corrections] == [
        ("city length", "Mayor", "title"), ("Ningde era", "CATL", "company")]
    for bad in ("a [b|nonsense] c", "a [b c", "a {b=>c|nokind} d", "a } b"):
        with pytest.raises(build.CorpusSourceError):
            build.parse_markup(bad)


# --------------------------------------------------------------------------- the scorer
def _ents(*spans):
    return [{"type": t, "start": s, "end": e, "text": ""} for t, s, e in spans]


def test_entity_scoring_perfect_missing_and_wrong_type():
    gold = _ents(("person", 0, 3), ("title", 3, 6), ("place", 8, 10))
    perfect = ev.score_entities(gold, gold)
    assert all(c.f1 == 1.0 for t, c in perfect.items() if c.support)
    missing = ev.score_entities(gold, gold[:2])
    assert missing["place"].recall == 0.0 and missing["person"].recall == 1.0
    wrong = ev.score_entities(gold, _ents(("person", 0, 3), ("government", 3, 6), ("place", 8, 11)))
    assert wrong["title"].fn == 1 and wrong["government"].fp == 1 and wrong["place"].fp == 1
    assert wrong["person"].precision == 1.0


def test_official_scoring_folds_names_and_titles():
    gold = [{"name": "Wuyun Qiqige", "titles": ["Vice Mayor", "Secretary-General"]},
            {"name": "Zhang Qiang", "titles": ["Mayor"]}]
    pred = [{"name": "wuyunqiqige", "titles": ["deputy mayor", "Secretary General", "Director"]},
            {"name": "Song Huam", "titles": ["Mayor"]}]
    people, titles = ev.score_officials(gold, pred)
    assert (people.tp, people.fp, people.fn) == (1, 1, 1)
    assert (titles.tp, titles.fp, titles.fn) == (2, 2, 1)
    assert ev.title_key("Deputy Directors") == ev.title_key("Deputy Director")
    assert ev.title_key("市委副书记") != ev.title_key("市委书记")


def _edits(text, gold, pred, **kw):
    """(predicted, right, recalled) of one document."""
    c, _, _ = ev.score_corrections(text, gold, pred, **kw)
    return c.predicted, c.right, c.recalled


def test_correction_scoring():
    text = "promote The output and the the city"
    gold = [{"start": 8, "end": 11, "original": "The", "replacement": "the", "kind": "case"},
            {"start": 23, "end": 30, "original": "the the", "replacement": "the", "kind": "repeat"}]
    same = [dict(g, rule="x") for g in gold]
    c, rec, tot = ev.score_corrections(text, gold, same)
    assert (c.precision, c.recall) == (1.0, 1.0) and rec == tot
    # Deleting the second "the " is the same edit written differently.
    other_form = [{"start": 26, "end": 30, "replacement": "", "rule": "x"}]
    assert _edits(text, gold, other_form) == (1, 1, 1)
    wrong = [{"start": 12, "end": 18, "replacement": "outputs", "rule": "x"},
             {"start": 8, "end": 11, "replacement": "A", "rule": "x"}]
    assert _edits(text, gold, wrong) == (2, 0, 0)
    normalized = [{"start": 0, "end": 1, "replacement": "P", "rule": "normalize.width"}]
    assert _edits(text, gold, normalized) == (0, 0, 0)
    assert _edits(text, gold, normalized, include_normalization=True) == (1, 0, 0)


def test_gold_scored_against_itself_is_perfect(gold, inputs):
    preds = {g["id"]: {"entities": g["entities"], "officials": g["officials"],
                       "corrections": [dict(c, rule="gold") for c in g["corrections"]]} for g in gold}
    texts = {k: v["text"] for k, v in inputs.items()}
    report = ev.evaluate(gold, preds, texts)
    for lang in ev.LANGS:
        assert all(c.f1 == 1.0 for c in report.entities[lang].values() if c.support)
        assert report.people[lang].f1 == 1.0 and report.titles[lang].f1 == 1.0
    assert report.corrections.precision == 1.0 and report.corrections.recall == 1.0
    assert "| person | 100.0 | 100.0 | 100.0 |" in ev.render(report)


def test_prediction_ids_from_a_folder_run_match():
    preds = [{"id": "txt/doc-a"}, {"id": "doc-b"}, {"id": "other"}]
    assert set(ev.index_predictions(preds, ["doc-a", "doc-b"])) == {"doc-a", "doc-b"}


def test_correction_alternatives_and_partial_fixes():
    text = "the district length Wang Ming and carbon reach peak carbon neutralization"
    gold = [{"start": 4, "end": 19, "original": "district length", "replacement": "District Mayor",
             "alternatives": ["District Head"], "kind": "title"},
            {"start": 33, "end": 72, "original": "carbon reach peak carbon neutralization",
             "replacement": "carbon peak and carbon neutrality", "kind": "term"}]
    alt = [{"start": 4, "end": 19, "replacement": "district head", "rule": "x"}]
    assert _edits(text, gold, alt) == (1, 1, 1)
    partial = [{"start": 33, "end": 50, "replacement": "carbon peaking", "rule": "x"},
               {"start": 51, "end": 72, "replacement": "carbon neutrality", "rule": "x"}]
    assert _edits(text, gold, partial) == (2, 0, 0)


def test_title_folding_keeps_distinct_titles_apart():
    same = [("Ningde Municipal Party Secretary", "Secretary of the Municipal Party Committee"),
            ("Secretary of the Jinggangshan Municipal Party Committee", "Secretary of the Municipal Party Committee"),
            ("county head", "County Magistrate"), ("Chairwoman", "Chairman")]
    for a, b in same:
        assert ev.title_key(a) == ev.title_key(b), (a, b)
    different = [("Deputy Secretary of the Municipal Party Committee", "Secretary of the Municipal Party Committee"),
                 ("member of the Standing Committee of the Provincial Party Committee",
                  "member of the Standing Committee of the Municipal Party Committee"),
                 ("Deputy County Magistrate", "County Magistrate"), ("Mayor", "Deputy Mayor")]
    for a, b in different:
        assert ev.title_key(a) != ev.title_key(b), (a, b)


def test_command_line_on_a_prediction_file(gold, inputs, tmp_path, capsys):
    pred_path = tmp_path / "pred.jsonl"
    with pred_path.open("w", encoding="utf-8") as fh:
        for g in gold:
            rec = {"id": ("txt/" + g["id"]) if g["file"] != "sample.jsonl" else g["id"],
                   "text": inputs[g["id"]]["text"], "entities": g["entities"][1:], "officials": g["officials"],
                   "corrections": [dict(c, rule="gold") for c in g["corrections"]]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out_json = tmp_path / "figures.json"
    assert ev.main(["--pred", str(pred_path), "--split", "test"]) == 0
    assert "(test documents)" in capsys.readouterr().out
    assert ev.main(["--pred", str(pred_path), "--json", str(out_json), "--errors"]) == 0
    printed = capsys.readouterr().out
    assert "No prediction" not in printed and "## Errors" in printed
    figures = json.loads(out_json.read_text(encoding="utf-8"))
    n_gold = sum(len(g["entities"]) for g in gold)
    missed = sum(c["fn"] for lang in figures["entities"].values() for c in lang.values())
    assert missed == len(gold), "exactly the first entity of each document was left out"
    assert sum(c["fp"] for lang in figures["entities"].values() for c in lang.values()) == 0
    assert n_gold > missed
    assert figures["corrections"]["right"] == figures["corrections"]["predicted"]


def test_party_committee_ranks_keep_their_committee(gold, inputs):
    """Convention (corpora/README.md): `市委副书记` is one title, never `市委` + `副书记`; likewise in English."""
    party_body_zh = re.compile(r"(省委|市委|县委|区委|地委|党工委|纪委)$")
    for g in gold:
        text = inputs[g["id"]]["text"]
        ents = g["entities"]
        for a, b in zip(ents, ents[1:]):
            if g["lang"] == "zh" and a["type"] == "government" and b["type"] == "title":
                assert not (a["end"] == b["start"] and party_body_zh.search(a["text"])
                            and b["text"] in ("书记", "副书记", "常委")), (g["id"], a, b)
            if g["lang"] == "en" and a["type"] == "title" and b["type"] == "government":
                between = text[a["end"]:b["start"]]
                assert not (between.strip() in ("of", "of the") and "Party" in b["text"]
                            and a["text"].lower().endswith("secretary")), (g["id"], a, b)
