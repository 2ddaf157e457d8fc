"""Chinese entities on news NER corpora with PER/LOC/ORG labels (People's Daily 1998, MSRA train).

How the CLUENER-trained stage transfers to other news annotation: person ↔ PER, place ↔ LOC, and
government / organization / enterprise together ↔ ORG (these corpora do not split ORG); titles are
not scored (not annotated there). Strict spans on a seeded sample of sentences.

    python scripts/eval_ner_news.py                    # 2,000 sentences of each corpus
    python scripts/eval_ner_news.py --limit 500 --corpora pd

Caveats printed with the figures: the tagger never saw these labels, but the text of both corpora was
part of the unlabelled text of the character LM and of the segmentation training data, so they are
not unseen text; and the annotation conventions differ from CLUENER's (MSRA and People's Daily tag 中国
in 中国企业 as LOC, CLUENER leaves such qualifiers untagged), so figures are a lower bound on what an
analyst sees.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval_ner import build_stage, prf, token_spans  # noqa: E402

from pipeline.resources import data_dir  # noqa: E402

TYPE_TO_NEWS = {"person": "PER", "place": "LOC", "government": "ORG", "organization": "ORG",
                "enterprise": "ORG"}
NEWS_TYPES = ("PER", "LOC", "ORG")
MSRA_TAGS = {"nr": "PER", "ns": "LOC", "nt": "ORG"}

Sample = list[tuple[str, set[tuple[int, int, str]]]]


def read_pd(path: Path) -> Sample:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            out.append((rec["text"], {(e["start"], e["end"], e["type"]) for e in rec["entities"]}))
    return out


def read_msra(path: Path) -> Sample:
    """`word/tag` lines; an entity is one token."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            text, spans, pos = [], set(), 0
            for item in line.split():
                word, _, tag = item.rpartition("/")
                if not word:
                    continue
                if tag in MSRA_TAGS:
                    spans.add((pos, pos + len(word), MSRA_TAGS[tag]))
                text.append(word)
                pos += len(word)
            if text:
                out.append(("".join(text), spans))
    return out


def evaluate(sample: Sample) -> dict[str, dict[str, float]]:
    texts = [t for t, _ in sample]
    stage = build_stage(use_model=True)
    model_spans = stage._model.predict(texts)
    pred = []
    for text, toks, ms in zip(texts, token_spans(texts), model_spans):
        spans = stage.spans(text, toks, model_spans=ms)
        pred.append({(s.start, s.end, TYPE_TO_NEWS[s.type]) for s in spans if s.type in TYPE_TO_NEWS})
    return prf([g for _, g in sample], pred, NEWS_TYPES)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--limit", type=int, default=2000, help="sentences sampled from each corpus")
    ap.add_argument("--corpora", nargs="+", choices=("pd", "msra"), default=["pd", "msra"])
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    torch.set_num_threads(1)
    readers = {"pd": ("People's Daily 1998", read_pd, "ner/peoples_daily/pd199801_ner.jsonl.gz"),
               "msra": ("MSRA NER train", read_msra, "ner/msra/msra_train.utf8.gz")}
    print("| corpus | sentences | PER P / R / F1 | LOC P / R / F1 | ORG P / R / F1 |")
    print("|---|---:|---|---|---|")
    for key in args.corpora:
        name, reader, rel = readers[key]
        path = args.data_dir / rel
        if not path.exists():
            raise SystemExit(f"{path} not found; pass --data-dir or set GOVPIPE_DATA")
        rows = [r for r in reader(path) if r[0].strip()]
        sample = random.Random(args.seed).sample(rows, min(args.limit, len(rows)))
        res = evaluate(sample)
        cells = " | ".join(f"{100 * res[t]['p']:.1f} / {100 * res[t]['r']:.1f} / **{100 * res[t]['f']:.1f}**"
                           for t in NEWS_TYPES)
        print(f"| {name} | {len(sample)} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
