"""The whole default pipeline on the bundled corpus and on the seed press release."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import ROOT, SEED, govpipe_cmd

from pipeline.doc import ENTITY_TYPES, Correction, apply_corrections

CORPUS_INPUTS = [str(ROOT / "corpora" / "sample.jsonl"), str(ROOT / "corpora" / "txt")]


@pytest.fixture(scope="module")
def corpus_records(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("e2e") / "corpus.jsonl"
    proc = subprocess.run(govpipe_cmd("run", *CORPUS_INPUTS, "-o", str(out)),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "documents:" in proc.stdout and "officials:" in proc.stdout
    return [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]


def test_every_document_has_one_valid_record(corpus_records):
    ids = [r["id"] for r in corpus_records]
    assert len(ids) == len(set(ids)) >= 30
    langs = {r["lang"] for r in corpus_records}
    assert langs == {"zh", "en"}
    for rec in corpus_records:
        text = rec["text"]
        assert not rec["errors"], (rec["id"], rec["errors"])
        for s, e in rec["tokens"] + rec["sentences"]:
            assert 0 <= s < e <= len(text)
        assert rec["tokens"] == sorted(rec["tokens"])
        for ent in rec["entities"]:
            assert ent["type"] in ENTITY_TYPES
            assert text[ent["start"]:ent["end"]] == ent["text"]
            assert 0.0 <= ent["score"] <= 1.0
        corrections = [Correction(c["start"], c["end"], c["original"], c["replacement"], c["rule"],
                                  c["confidence"]) for c in rec["corrections"]]
        for c in corrections:
            assert text[c.start:c.end] == c.original
        assert all(a.end <= b.start for a, b in zip(corrections, corrections[1:]))
        assert apply_corrections(text, corrections) == rec["clean_text"]
        for off in rec["officials"]:
            assert off["titles"] and off["mentions"]


def test_output_is_deterministic(corpus_records, tmp_path):
    out = tmp_path / "again.jsonl"
    proc = subprocess.run(govpipe_cmd("run", *CORPUS_INPUTS, "-o", str(out), "--workers", "2"),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert again == corpus_records


@pytest.fixture(scope="module")
def seed_record() -> dict:
    if not SEED.exists():
        pytest.skip(f"seed press release {SEED} is absent (it ships beside the repo, not with it)")
    import pipeline

    nlp = pipeline.load()
    doc = nlp({"id": "seed", "text": SEED.read_text(encoding="utf-8")})
    return nlp.to_record(doc)


def test_seed_officials(seed_record):
    officials = {o["name"]: [t.lower() for t in o["titles"]] for o in seed_record["officials"]}
    assert officials["Song Huying"] == ["deputy secretary of the municipal party committee", "mayor"]
    assert any("standing committee" in t for t in officials["Zhang Qiang"])
    assert officials["Zheng Chuan"] == ["deputy mayor"]
    assert any("secretary-general" in t or "secretary general" in t for t in officials["Zhang Lijun"])
    assert "Song Huam" not in officials


def test_seed_entities(seed_record):
    ents = {(e["type"], e["text"]): e for e in seed_record["entities"]}
    assert ("person", "Xi Jinping") in ents
    assert ents[("enterprise", "Jing Macao Technology")]["canonical"] == "JA Solar"
    assert ("enterprise", "Light Solar") in ents and ("enterprise", "Ji Solar") in ents
    assert any(t == "place" and "Xingtai" in s for t, s in ents)


def test_seed_corrections(seed_record):
    fixes = {(c["original"], c["replacement"]) for c in seed_record["corrections"]}
    assert ("carbon Dharma carbon", "carbon peak and carbon neutrality") in fixes
    assert ("Song Huam", "Song Huying") in fixes
    assert any("faucet" in o and r.strip().lower().endswith("leading") for o, r in fixes)
    clean = seed_record["clean_text"]
    assert "faucet" not in clean and "Dharma" not in clean
