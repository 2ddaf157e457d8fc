from pipeline.doc import Correction, Doc, apply_corrections


def test_normalization_offsets_map_back_to_text():
    doc = Doc("ab<b>cd</b>ef")
    doc.set_normalization([Correction(2, 5, "<b>", "", "normalize.markup"),
                           Correction(7, 11, "</b>", "", "normalize.markup")])
    assert doc.norm_text == "abcdef"
    s, e = doc.to_text_span(2, 4)
    assert doc.text[s:e] == "cd"
    assert doc.clean_text == "abcdef"


def test_correction_absorbs_normalization_and_keeps_clean_text_exact():
    doc = Doc("carbon  Dharma carbon")
    doc.set_normalization([Correction(6, 8, "  ", " ", "normalize.whitespace")])
    assert doc.norm_text == "carbon Dharma carbon"
    corr = doc.add_correction(0, len(doc.norm_text), "carbon peak and carbon neutrality", "glossary", 0.9)
    assert corr is not None and (corr.start, corr.end) == (0, len(doc.text))
    assert doc.clean_text == "carbon peak and carbon neutrality"
    assert apply_corrections(doc.text, doc.corrections) == doc.clean_text
    assert len(doc.corrections) == 1


def test_colliding_corrections_first_wins():
    doc = Doc("industry faucet enterprises")
    assert doc.add_correction(9, 15, "leading", "a") is not None
    assert doc.add_correction(0, 15, "x", "b") is None
    assert doc.clean_text == "industry leading enterprises"


def test_record_follows_contract():
    doc = Doc("副市长郑川出席。", id="d1", lang="zh", meta={"title": "t"})
    doc.add_entity("person", 3, 5, source="rule", score=0.9)
    rec = doc.to_record(version="x", stages=["a"])
    assert rec["entities"][0] == {"type": "person", "text": "郑川", "start": 3, "end": 5,
                                  "canonical": "郑川", "source": "rule", "score": 0.9}
    assert rec["clean_text"] == rec["text"]
    assert set(rec) >= {"id", "lang", "meta", "text", "clean_text", "sentences", "tokens",
                        "entities", "officials", "corrections", "errors", "pipeline"}


def test_many_corrections_stay_sorted_and_exact():
    text = "ab " * 2000
    doc = Doc(text)
    for i in range(0, len(text), 3):
        assert doc.add_correction(i, i + 2, "X", "r") is not None
    assert doc.add_correction(1, 2, "Y", "r") is None  # inside an earlier one
    assert doc.clean_text == "X " * 2000
    assert [c.start for c in doc.corrections] == list(range(0, len(text), 3))


def test_insertion_between_corrections():
    doc = Doc("ab,cd")
    doc.add_correction(0, 2, "AB", "r")
    assert doc.add_correction(3, 3, " ", "space") is not None
    assert doc.clean_text == "AB, cd"
