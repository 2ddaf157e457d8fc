"""Evaluate Chinese entity extraction (CLUENER2020 dev) and Chinese officials (bundled corpus).

Strict spans: a prediction counts only with the same start, end and type. CLUENER labels map to the
six contract types (name→person, position→title, government, organization, company→enterprise,
address→place); book/game/movie/scene are not scored. Ablations switch one knowledge source at a
time, so the table shows what each adds. Speed is the whole default Chinese entity stage on one
thread, as a ratio to plain jieba.lcut over the same text in the same run.

    python scripts/eval_ner.py                       # all of it, markdown tables on stdout
    python scripts/eval_ner.py --skip-speed --json logs/ner_eval.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

from pipeline.doc import ENTITY_TYPES, Doc  # noqa: E402
from pipeline.entities_zh import ChineseEntityExtractor  # noqa: E402
from pipeline.errors import ResourceError  # noqa: E402
from pipeline.ner_model import LABEL_TO_TYPE, load_default_model  # noqa: E402
from pipeline.ner_rules import jieba_spans  # noqa: E402
from pipeline.officials_zh import link_officials  # noqa: E402
from pipeline.registry import create_stage  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402

# Published CLUENER2020 test-set figures for these six labels, as quoted in issue 4 (F1 %): macro over
# the six and address (place); other per-label figures are not reproduced here.
PUBLISHED = {
    "BiLSTM-CRF (published, CLUENER test)": {"place": 45.5, "macro": 69.2},
    "BERT-base (published, CLUENER test)": {"place": 60.9, "macro": 79.4},
}


def read_dev(path: Path) -> tuple[list[str], list[set[tuple[int, int, str]]]]:
    texts, gold = [], []
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            texts.append(rec["text"])
            spans = set()
            for label, ents in rec.get("label", {}).items():
                if label not in LABEL_TO_TYPE:
                    continue
                for _s, offsets in ents.items():
                    for s, e in offsets:
                        spans.add((s, e + 1, LABEL_TO_TYPE[label]))
            gold.append(spans)
    return texts, gold


def prf(gold: list[set], pred: list[set], types: Sequence[str] = ENTITY_TYPES) -> dict[str, dict[str, float]]:
    """Strict-span P/R/F1 per type of `(start, end, type)` sets, with macro and micro over `types`."""
    out: dict[str, dict[str, float]] = {}
    tp_all = ng_all = np_all = 0
    for t in types:
        tp = sum(len({x for x in g if x[2] == t} & {x for x in p if x[2] == t}) for g, p in zip(gold, pred))
        ng = sum(1 for g in gold for x in g if x[2] == t)
        npred = sum(1 for p in pred for x in p if x[2] == t)
        tp_all, ng_all, np_all = tp_all + tp, ng_all + ng, np_all + npred
        out[t] = _scores(tp, ng, npred)
    out["macro"] = {k: sum(out[t][k] for t in types) / len(types) for k in ("p", "r", "f")}
    out["micro"] = _scores(tp_all, ng_all, np_all)
    return out


def _scores(tp: int, n_gold: int, n_pred: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0, "gold": n_gold, "pred": n_pred}


def token_spans(texts: list[str]) -> list[list[tuple[int, int]]]:
    return [jieba_spans(t) for t in texts]


ABLATIONS = [
    ("rules + gazetteer, no model", dict(use_model=False)),
    ("model without lexicon features", dict(use_model=True, use_lexicon=False, use_gazetteer=False)),
    ("model with lexicon features", dict(use_model=True, use_rules=False, use_gazetteer=False)),
    ("+ register rules", dict(use_model=True, use_gazetteer=False)),
    ("+ gazetteer (default)", dict(use_model=True)),
    ("model with lexicon features + gazetteer", dict(use_model=True, use_rules=False)),
    ("model without lexicon features + rules + gazetteer", dict(use_model=True, model_features=False)),
]


def heldout_split(n: int, seed: int = 13, fraction: float = 0.06) -> tuple[list[int], list[int]]:
    """Indices of CLUENER train's held-out slice and of the rest. scripts/train_ner.py trains on the
    rest and this script scores the slice, both through this one function, so they cannot drift."""
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_hold = int(n * fraction)
    return order[:n_hold], order[n_hold:]


def heldout_slice(data_dir: Path, seed: int = 13, fraction: float = 0.06) -> tuple[list[str], list[set]]:
    """The slice of CLUENER train that scripts/train_ner.py holds out: for development decisions, so
    that dev is looked at only for the final figures."""
    texts, gold = read_dev(data_dir / "ner" / "cluener" / "train.json")
    keep, _ = heldout_split(len(texts), seed, fraction)
    return [texts[i] for i in keep], [gold[i] for i in keep]


def build_stage(model_features: bool | None = None, **opts: bool) -> ChineseEntityExtractor:
    """The stage with `opts`; `model_features` swaps in the model trained with / without lexicon
    features while the rules stay as `opts` say (to separate the two uses of the lexicons)."""
    stage = ChineseEntityExtractor(**opts)
    if model_features is not None and stage._model is not None:
        stage._model = load_default_model(use_lexicon_features=model_features)
    return stage


def evaluate_cluener(data_dir: Path, split: str = "dev") -> dict[str, dict]:
    if split == "heldout":
        texts, gold = heldout_slice(data_dir)
    else:
        texts, gold = read_dev(data_dir / "ner" / "cluener" / "dev.json")
    tokens = token_spans(texts)
    cache: dict[bool, list] = {}
    results: dict[str, dict] = {}
    for name, opts in ABLATIONS:
        try:
            stage = build_stage(**opts)
        except ResourceError as exc:
            print(f"skipping {name!r}: {exc.message}", file=sys.stderr)
            continue
        if split == "heldout" and stage._model is not None and stage._model.saw_heldout_slice:
            print(f"skipping {name!r}: its model was refit on all of CLUENER train (--all-train), the "
                  "held-out slice included, so the slice cannot score it", file=sys.stderr)
            continue
        model_spans = [None] * len(texts)
        if stage._model is not None:
            key = stage._model.featurizer.lexicon is not None
            if key not in cache:
                cache[key] = stage._model.predict(texts)
            model_spans = cache[key]
        pred = []
        for text, toks, ms in zip(texts, tokens, model_spans):
            spans = stage.spans(text, toks, model_spans=ms if ms is not None else [])
            pred.append({(s.start, s.end, s.type) for s in spans})
        results[name] = prf(gold, pred)
    return results


def measure_speed(data_dir: Path, repeats: int = 3) -> dict[str, float]:
    """Default stage (pipe, batched) vs jieba.lcut on the same documents, one thread."""
    import jieba

    texts, _ = read_dev(data_dir / "ner" / "cluener" / "dev.json")
    docs_text = ["".join(texts[i : i + 20]) for i in range(0, len(texts), 20)]
    n_chars = sum(len(t) for t in docs_text)
    stage = ChineseEntityExtractor(use_model=True)
    jieba.setLogLevel(60)
    jieba.lcut("预热")
    list(stage.pipe([Doc(docs_text[0], lang="zh")]))  # load everything once
    best_stage = best_jieba = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for t in docs_text:
            jieba.lcut(t)
        best_jieba = min(best_jieba, time.perf_counter() - t0)
        docs = [Doc(t, lang="zh") for t in docs_text]
        t0 = time.perf_counter()
        for _d in stage.pipe(docs):
            pass
        best_stage = min(best_stage, time.perf_counter() - t0)
    return {"chars": n_chars, "stage_chars_per_s": n_chars / best_stage,
            "jieba_chars_per_s": n_chars / best_jieba, "stage_time_over_jieba": best_stage / best_jieba}


def _fold(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch not in " -‐_'’")


def evaluate_officials(corpus: Path, use_model: bool = True, split: str = "all",
                       model_features: bool | None = None) -> dict[str, float] | None:
    """Officials of the Chinese documents of the bundled corpus (name match, then title pairs).

    `split` is the corpus split (corpora/README.md: tune on dev, report test), or "all"."""
    gold_path = corpus / "gold.json"
    if not gold_path.exists():
        return None
    texts: dict[str, str] = {}
    sample = corpus / "sample.jsonl"
    if sample.exists():
        for line in sample.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                texts[rec["id"]] = rec["text"]
    for path in (corpus / "txt").glob("*.txt"):
        texts[path.stem] = path.read_text(encoding="utf-8")
    stage = build_stage(model_features, use_model=use_model)
    # the pipeline's own normalization and segmentation run first, as in `govpipe run`
    before = [create_stage("normalize"), create_stage("segment")]
    n_gold = n_pred = tp_gold = tp_pred = 0
    pairs_gold = pairs_pred = pairs_tp = 0
    ent_gold: list[set] = []
    ent_pred: list[set] = []
    n_docs = 0
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        if g.get("lang") != "zh" or g["id"] not in texts:
            continue
        if split != "all" and g.get("split", "dev") != split:
            continue
        n_docs += 1
        doc = Doc(texts[g["id"]], lang="zh", id=g["id"])
        for prior in before:
            doc = prior(doc)
        doc = stage(doc)
        pred = link_officials(doc)
        gold_names = {_fold(o["name"]): {_fold(t) for t in o["titles"]} for o in g["officials"]}
        pred_names = {_fold(o.name): {_fold(t) for t in o.titles} for o in pred}
        n_gold += len(gold_names)
        n_pred += len(pred_names)
        tp_gold += sum(1 for n in gold_names if n in pred_names)
        tp_pred += sum(1 for n in pred_names if n in gold_names)
        for n, titles in gold_names.items():
            pairs_gold += len(titles)
            pairs_tp += len(titles & pred_names.get(n, set()))
        pairs_pred += sum(len(t) for t in pred_names.values())
        ent_gold.append({(e["start"], e["end"], e["type"]) for e in g["entities"]})
        ent_pred.append({(e.start, e.end, e.type) for e in doc.entities})
    if not n_docs:
        return None
    label = split if model_features is None else f"{split}, model without lexicon features"
    return {"split": label, "docs": n_docs, "officials_gold": n_gold, "officials_pred": n_pred,
            "precision": tp_pred / n_pred if n_pred else 0.0, "recall": tp_gold / n_gold if n_gold else 0.0,
            "title_pair_precision": pairs_tp / pairs_pred if pairs_pred else 0.0,
            "title_pair_recall": pairs_tp / pairs_gold if pairs_gold else 0.0,
            "entities": prf(ent_gold, ent_pred)}


def print_tables(cluener: dict, speed: dict | None, officials: list[dict], split: str = "dev") -> None:
    cols = list(ENTITY_TYPES)
    print(f"### CLUENER2020 {split}, strict span F1 (%)\n")
    print("| configuration | " + " | ".join(cols) + " | macro | micro |")
    print("|---|" + "---|" * (len(cols) + 2))
    for name, res in cluener.items():
        cells = [f"{100 * res[t]['f']:.1f}" for t in cols]
        print(f"| {name} | " + " | ".join(cells) + f" | **{100 * res['macro']['f']:.1f}** | "
              f"{100 * res['micro']['f']:.1f} |")
    for name, res in PUBLISHED.items():
        cells = [f"{res[t]:.1f}" if t in res else "" for t in cols]
        print(f"| {name} | " + " | ".join(cells) + f" | {res['macro']:.1f} | |")
    if "+ gazetteer (default)" in cluener:
        res = cluener["+ gazetteer (default)"]
        print("\nDefault configuration, precision / recall (%): " + ", ".join(
            f"{t} {100 * res[t]['p']:.1f}/{100 * res[t]['r']:.1f}" for t in cols))
    if speed:
        print(f"\n### Speed (one thread)\n\n{speed['chars']} characters: default stage "
              f"{speed['stage_chars_per_s']:,.0f} chars/s, jieba.lcut {speed['jieba_chars_per_s']:,.0f} chars/s; "
              f"the stage takes {speed['stage_time_over_jieba']:.2f}× jieba's time.")
    if officials:
        print("\n### Officials and entities, Chinese documents of the bundled corpus")
    for off in officials:
        print(f"\n{off['split']} split ({off['docs']} documents): officials P {100 * off['precision']:.1f} "
              f"R {100 * off['recall']:.1f} (gold {off['officials_gold']}, predicted {off['officials_pred']}); "
              f"(official, title) pairs P {100 * off['title_pair_precision']:.1f} "
              f"R {100 * off['title_pair_recall']:.1f}")
        ents = off["entities"]
        print("entities, strict F1 (%): " + ", ".join(
            f"{t} {100 * ents[t]['f']:.1f}" for t in cols) + f"; macro {100 * ents['macro']['f']:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--corpus", type=Path, default=REPO / "corpora")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-cluener", action="store_true")
    ap.add_argument("--json", type=Path, help="also write all figures here")
    ap.add_argument("--split", choices=("dev", "heldout"), default="dev",
                    help="heldout = the train slice train_ner.py holds out, for development decisions")
    args = ap.parse_args()
    torch.set_num_threads(1)
    dev = args.data_dir / "ner" / "cluener" / "dev.json"
    if not dev.exists() and not args.skip_cluener:
        raise SystemExit(f"{dev} not found; pass --data-dir or set GOVPIPE_DATA")
    cluener = {} if args.skip_cluener else evaluate_cluener(args.data_dir, args.split)
    speed = None if args.skip_speed else measure_speed(args.data_dir)
    officials = [o for o in (evaluate_officials(args.corpus, split=s) for s in ("dev", "test", "all")) if o]
    try:
        ablated = evaluate_officials(args.corpus, split="all", model_features=False)
    except ResourceError as exc:
        print(f"skipping the corpus ablation: {exc.message}", file=sys.stderr)
        ablated = None
    if ablated:
        officials.append(ablated)
    print_tables(cluener, speed, officials, args.split)
    if args.json:
        args.json.write_text(json.dumps({"cluener_dev": cluener, "speed": speed, "officials": officials},
                                        indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
