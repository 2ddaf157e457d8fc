"""English entities, officials and name repairs on the bundled corpus (English documents only).

Runs the English chain in-process — normalize, tokenize_en, the cleanup stage when it is installed
(else only the name repairs of `pipeline.names_en`), entities_en, officials — and scores it with the
matching rules of `scripts/evaluate_corpus.py` (strict span + type; officials by folded name). Name
repairs are also scored alone against the gold corrections of kind `name`.

    python scripts/eval_entities_en.py [--corpora corpora] [--no-model] [--no-source] [--errors]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.doc import Doc  # noqa: E402
from pipeline.entities_en import EnglishEntityExtractor  # noqa: E402
from pipeline.names_en import name_corrections  # noqa: E402
from pipeline.normalize import Normalizer  # noqa: E402
from pipeline.officials_en import link_officials  # noqa: E402
from pipeline.tokenize_en import EnglishTokenizer  # noqa: E402


def _scorer():
    spec = importlib.util.spec_from_file_location("evaluate_corpus", ROOT / "scripts" / "evaluate_corpus.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["evaluate_corpus"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _cleanup_stage():
    if importlib.util.find_spec("pipeline.cleanup") is None:
        return None
    from pipeline.registry import create_stage

    return create_stage("cleanup")


def run(inputs: list[dict], use_model: bool, use_source: bool) -> list[dict]:
    norm, tok = Normalizer(), EnglishTokenizer()
    cleanup = _cleanup_stage()
    glossary = importlib.util.find_spec("pipeline.glossary") is not None and (ROOT / "models" / "glossary.tsv").exists()
    ents = EnglishEntityExtractor(use_model=use_model, use_glossary=glossary)
    out = []
    for rec in inputs:
        doc = Doc(rec["text"], id=rec["id"], lang="en", meta=rec.get("meta"),
                  source_text=rec.get("source_text") if use_source else None)
        doc = tok(norm(doc))
        if cleanup is not None:
            doc = cleanup(doc)
        else:
            for s, e, rep, rule, conf in name_corrections(doc):
                doc.add_correction(s, e, rep, rule, conf)
        doc = ents(doc)
        doc.officials = link_officials(doc)
        out.append(doc.to_record())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=ROOT / "corpora")
    ap.add_argument("--no-model", action="store_true", help="rules and lexicons only (no spaCy entities)")
    ap.add_argument("--no-source", action="store_true", help="ignore source_text")
    ap.add_argument("--errors", action="store_true", help="list entity errors per document")
    args = ap.parse_args(argv)
    ev = _scorer()
    gold = [g for g in ev.read_jsonl(args.corpora / "gold.json") if g["lang"] == "en"]
    inputs = ev.corpus_inputs(args.corpora, gold)
    preds = {r["id"]: r for r in run(inputs, not args.no_model, not args.no_source)}
    texts = {r["id"]: r["text"] for r in inputs}
    report = ev.evaluate(gold, preds, texts)
    print(f"English documents: {len(gold)} (with source_text: "
          f"{sum(1 for r in inputs if r.get('source_text')) if not args.no_source else 0})\n")
    print("\n".join(ev.entity_table(report.entities["en"])))
    p, t = report.people["en"], report.titles["en"]
    print(f"\nofficials P {ev._pct(p.precision)} R {ev._pct(p.recall)} | (official, title) P "
          f"{ev._pct(t.precision)} R {ev._pct(t.recall)}")
    gold_names = [(g["id"], c) for g in gold for c in g["corrections"] if c["kind"] == "name"]
    pred_names = [(i, c) for i, r in preds.items() for c in r["corrections"] if c["rule"].startswith("name.")]
    right = sum(1 for i, c in pred_names if any(
        gi == i and ev.correction_agrees(texts[i], g, c) for gi, g in gold_names))
    recalled = sum(1 for gi, g in gold_names if any(
        i == gi and ev.correction_agrees(texts[gi], g, c) for i, c in pred_names))
    print(f"name repairs: predicted {len(pred_names)}, right {right}; gold {len(gold_names)}, recalled {recalled}")
    # Chinese forms of officials (English documents whose gold official carries zh and whose input
    # has source_text): share given, share right.
    with_src = {r["id"] for r in inputs if r.get("source_text")} if not args.no_source else set()
    zh_gold = zh_given = zh_right = 0
    for g in gold:
        if g["id"] not in with_src:
            continue
        pred_by = {ev.name_key(o["name"]): o for o in preds[g["id"]]["officials"]}
        for o in g["officials"]:
            p_off = pred_by.get(ev.name_key(o["name"]))
            if not o.get("zh") or p_off is None:
                continue
            zh_gold += 1
            zh_given += bool(p_off.get("zh"))
            zh_right += p_off.get("zh") == o["zh"]
    if zh_gold:
        print(f"officials zh (matched officials of documents with source): {zh_gold}, zh given "
              f"{zh_given}, right {zh_right}")
    n_ent = sum(len(r["entities"]) for i, r in preds.items() if i in with_src)
    n_zh = sum(1 for i, r in preds.items() if i in with_src for e in r["entities"] if e.get("zh"))
    if n_ent:
        print(f"entities with zh in documents with source: {n_zh} / {n_ent}")
    if args.errors:
        for g in gold:
            p = preds[g["id"]]
            gs = {(e["start"], e["end"], e["type"]) for e in g["entities"]}
            ps = {(e["start"], e["end"], e["type"]) for e in p["entities"]}
            text = texts[g["id"]]
            for s, e, t in sorted(gs - ps):
                print(f"{g['id']}\tFN\t{t}\t{text[s:e]!r}")
            for s, e, t in sorted(ps - gs):
                print(f"{g['id']}\tFP\t{t}\t{text[s:e]!r}")
            for c in p["corrections"]:
                if c["rule"].startswith("name."):
                    print(f"{g['id']}\tNAME\t{c['original']!r} -> {c['replacement']!r}")
            for o in p["officials"]:
                print(f"{g['id']}\tOFF\t{o['name']}\t{o['titles']}")
            for o in g["officials"]:
                print(f"{g['id']}\tGOLDOFF\t{o['name']}\t{o['titles']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
