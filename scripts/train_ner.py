"""Train the Chinese NER model (pipeline/ner_model.py) on CLUENER2020 train.

CLUENER dev is never read here: the epoch to keep is chosen on a held-out slice of train
(`--holdout`), so dev stays a test set. People's Daily 1998 (PER/LOC/ORG) can be added with
`--extra-pd N`: its sentences train a second output layer on the shared encoder (multi-task), because
its labels (ORG not split, LOC without addresses) do not match CLUENER's and must not overwrite them.

    python scripts/pretrain_charlm.py --minutes 32          # models/ner/charlm.pt (unlabelled text)
    # the bundled model: three seeds of one recipe (one core each), combined into one ensemble file
    python scripts/train_ner.py --dropout 0.4 --extra-pd 8000 --minutes 17 --seed 13 --out /tmp/ner_s13.pt
    python scripts/train_ner.py --dropout 0.4 --extra-pd 8000 --minutes 17 --seed 14 --out /tmp/ner_s14.pt
    python scripts/train_ner.py --dropout 0.4 --extra-pd 8000 --minutes 17 --seed 15 --out /tmp/ner_s15.pt
    python scripts/combine_ner.py /tmp/ner_s13.pt /tmp/ner_s14.pt /tmp/ner_s15.pt --out models/ner/cluener_bilstm_crf.pt
    # the ablation model: the same three seeds with --no-lexicon --minutes 15, combined into
    # models/ner/cluener_bilstm_crf_nolex.pt

Fixed seed; one thread (the machine is shared); stops at `--minutes` wall time or after `--patience`
epochs without a better held-out score, and keeps the best held-out epoch.

`--all-train` is the final refit: once the held-out slice has picked a member's epoch count, the member
is trained again on all of train.json (the slice included) for exactly `--epochs` epochs and the last
epoch is kept. Its file says so (`all_train` in its metadata), and `scripts/eval_ner.py --split heldout`
refuses it, since the slice is no longer unseen.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval_ner import heldout_split, prf  # noqa: E402

from pipeline.ner_lexicon import default_lexicon  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402
from pipeline.ner_model import (  # noqa: E402
    CLUENER_LABELS,
    LABEL_TO_TYPE,
    CRF,
    CharTagger,
    Featurizer,
    NerModel,
    batch_tensors,
    build_vocab,
    tag_set,
)


def read_cluener(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end exclusive, label)]) per line; CLUENER ends are inclusive."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            spans = []
            for label, ents in rec.get("label", {}).items():
                for _surface, offsets in ents.items():
                    for s, e in offsets:
                        spans.append((s, e + 1, label))
            out.append((rec["text"], sorted(spans)))
    return out


def read_peoples_daily(path: Path, limit: int, seed: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            text = rec["text"]
            if not (5 <= len(text) <= 100):
                continue
            rows.append((text, sorted((e["start"], e["end"], e["type"]) for e in rec["entities"])))
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def to_tags(n: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for s, e, lab in spans:
        if any(t != "O" for t in tags[s:e]):
            continue  # CLUENER has a handful of overlapping spans; keep the first
        if e - s == 1:
            tags[s] = f"S-{lab}"
        else:
            tags[s] = f"B-{lab}"
            for i in range(s + 1, e - 1):
                tags[i] = f"I-{lab}"
            tags[e - 1] = f"E-{lab}"
    return tags


def label_with_teacher(path: Path, texts: list[str]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Self-training data: unlabelled news with the spans a trained model (ideally an ensemble)
    decodes, all ten CLUENER labels. Why: CLUENER has 10k sentences of mixed Sina news; a teacher's
    labels on government news show the student that register (titles, bodies, officials) in
    CLUENER's conventions, which People's Daily's own PER/LOC/ORG labels cannot."""
    if not texts:
        return []
    teacher = NerModel.load(path)
    labelled = teacher.predict(texts, all_labels=True)
    return [(t, [(s.start, s.end, s.type) for s in spans]) for t, spans in zip(texts, labelled)]


def _han_name(name: str) -> bool:
    return 2 <= len(name) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in name)


def name_pool(rows: list[tuple[str, list[tuple[int, int, str]]]], label: str) -> list[str]:
    """Distinct surfaces of `label` spans: the names a swapped copy draws from."""
    return sorted({text[s:e] for text, spans in rows for s, e, lab in spans if lab == label})


def swap_names(rows: list[tuple[str, list[tuple[int, int, str]]]], pool: list[str], copies: int,
               seed: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Copies of the sentences with a person, each name replaced by a random name of the same
    shape (a 2-4 character Chinese name by another such name, anything else by a non-Chinese
    one). Why: 10k sentences show a few thousand names, so the tagger memorizes them; names it has
    never seen, in the same contexts, teach it to read the context and the shape of a name."""
    rng = random.Random(seed)
    han = [n for n in pool if _han_name(n)]
    other = [n for n in pool if not _han_name(n)]
    out = []
    for _ in range(copies):
        for text, spans in rows:
            if not any(lab == "name" for _s, _e, lab in spans):
                continue
            parts, new_spans, shift, pos = [], [], 0, 0
            for s, e, lab in sorted(spans):
                if s < pos:  # overlapping annotation: keep the sentence's text, drop the span
                    continue
                parts.append(text[pos:s])
                surface = text[s:e]
                if lab == "name":
                    surface = rng.choice(han if _han_name(surface) else other)
                new_spans.append((s + shift, s + shift + len(surface), lab))
                shift += len(surface) - (e - s)
                parts.append(surface)
                pos = e
            parts.append(text[pos:])
            out.append(("".join(parts), new_spans))
    return out


NAME_TERM_AFTER = ("主义", "思想", "理论")  # 马克思主义, 邓小平理论: People's Daily tags the name inside


def name_constraints(text: str, spans: list[tuple[int, int, str]], tags: list[str],
                     positive_only: bool = False) -> torch.Tensor:
    """Allowed CLUENER tags per character ([len, n_tags] bool) from People's Daily PER spans.
    A PER span of 2+ characters must be a name; elsewhere no name may start or continue, unless
    `positive_only` (then everything else stays free: PD's "not a name" also covers the fiction and
    celebrities CLUENER tags). Why not more: PD's LOC/ORG do not map onto CLUENER's labels, and its
    one-character surnames (江主席) and names inside terms are tagged where CLUENER tags nothing, so
    those positions stay free."""
    name_ids = [i for i, t in enumerate(tags) if t.endswith("-name")]
    allowed = torch.ones(len(text), len(tags), dtype=torch.bool)
    if not positive_only:
        allowed[:, name_ids] = False
    for s, e, lab in spans:
        if lab != "PER":
            continue
        if e - s == 1 or text.startswith(NAME_TERM_AFTER, e):
            allowed[s:e] = True
            continue
        allowed[s:e] = False
        allowed[s, tags.index("B-name")] = True
        allowed[s + 1 : e - 1, tags.index("I-name")] = True
        allowed[e - 1, tags.index("E-name")] = True
    return allowed


class AuxHead(torch.nn.Module):
    """Output layer + CRF for an auxiliary corpus, on the main tagger's encoder states."""

    def __init__(self, in_features: int, tags: list[str]) -> None:
        super().__init__()
        self.out = torch.nn.Linear(in_features, len(tags))
        self.crf = CRF(tags)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--out", type=Path, default=REPO / "models" / "ner" / "cluener_bilstm_crf.pt")
    ap.add_argument("--no-lexicon", action="store_true", help="train without lexicon features")
    ap.add_argument("--no-segmentation", action="store_true", help="train without word-boundary features")
    ap.add_argument("--lm", type=Path, default=REPO / "models" / "ner" / "charlm.pt",
                    help="pretrained character LM (scripts/pretrain_charlm.py) read as frozen features; "
                    "its vocabulary and character embeddings are used")
    ap.add_argument("--no-lm", action="store_true", help="train without the character LM")
    ap.add_argument("--lm-finetune", type=float, default=0.0,
                    help="learning rate for tuning the character LM with the tagger (0 = frozen)")
    ap.add_argument("--extra-pd", type=int, default=0, help="People's Daily sentences for the aux head")
    ap.add_argument("--pd-names", nargs="?", const="full", choices=("full", "positive"),
                    help="the --extra-pd sentences also train the main output layer's names, as partial "
                         "labels (full: every other position any label but a name; positive: every other "
                         "position free)")
    ap.add_argument("--pseudo", type=int, default=0,
                    help="People's Daily sentences labelled by --teacher, trained as CLUENER data")
    ap.add_argument("--teacher", type=Path,
                    help="model that labels the --pseudo sentences (required with --pseudo); it must not "
                         "have seen the held-out slice (same --split-seed)")
    ap.add_argument("--swap-names", type=int, default=0,
                    help="copies of each train sentence with a person, its names swapped for others "
                         "from train and People's Daily (mention replacement)")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--minutes", type=float, default=20.0, help="wall-time budget")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--hidden", type=int, default=64, help="LSTM size per direction (64 keeps the stage "
                    "above 20k chars/s on one core; 128 is ~1 point better on held-out and ~25%% slower)")
    ap.add_argument("--char-dim", type=int, default=64)
    ap.add_argument("--bigram-dim", type=int, default=32)
    ap.add_argument("--word-dim", type=int, default=0, help="hashed segmenter-word embedding, 0 = off")
    ap.add_argument("--buckets", type=int, default=32768)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--holdout", type=float, default=0.06)
    ap.add_argument("--all-train", action="store_true",
                    help="final refit: train on all of train.json for exactly --epochs epochs, keep the last")
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13, help="initialisation, batch order, People's Daily sample")
    ap.add_argument("--split-seed", type=int, default=13,
                    help="shuffle that picks the held-out slice; keep it fixed so that ensemble members "
                         "trained with different --seed share one held-out slice (scripts/eval_ner.py)")
    ap.add_argument("--limit", type=int, default=0, help="use only this many train sentences (smoke tests)")
    args = ap.parse_args()
    if args.all_train and "--epochs" not in sys.argv:
        ap.error("--all-train needs --epochs: the epoch count the held-out slice picked for this recipe")
    if args.pseudo and args.teacher is None:
        ap.error("--pseudo needs --teacher: the model whose labels the student learns (see the docstring)")

    torch.set_num_threads(1)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    t_start = time.time()

    train_path = args.data_dir / "ner" / "cluener" / "train.json"
    if not train_path.exists():
        raise SystemExit(f"{train_path} not found; pass --data-dir or set GOVPIPE_DATA")
    data = read_cluener(train_path)
    hold_idx, train_idx = heldout_split(len(data), args.split_seed, args.holdout)
    hold, train = [data[i] for i in hold_idx], [data[i] for i in train_idx]
    if args.all_train:
        hold, train = [], data
    if args.limit:
        hold, train = hold[: max(50, args.limit // 10)], train[: args.limit]
    pd_rows = []
    if args.extra_pd or args.pseudo:
        pd_rows = read_peoples_daily(args.data_dir / "ner" / "peoples_daily" / "pd199801_ner.jsonl.gz",
                                     args.extra_pd + args.pseudo, args.seed)
    aux = pd_rows[: args.extra_pd]
    pseudo = label_with_teacher(args.teacher, [t for t, _ in pd_rows[args.extra_pd :]])
    if len(pseudo) < args.pseudo:
        print(f"note: People's Daily has {len(pseudo)} sentences of 5-100 characters beyond the "
              f"{len(aux)} aux ones; --pseudo {args.pseudo} uses them all", flush=True)
    swapped = []
    if args.swap_names:
        pd_names = read_peoples_daily(args.data_dir / "ner" / "peoples_daily" / "pd199801_ner.jsonl.gz",
                                      10**9, args.seed)
        pool = sorted(set(name_pool(train, "name")) | set(name_pool(pd_names, "PER")))
        swapped = swap_names(train, pool, args.swap_names, args.seed)
    if not args.no_lm and not args.lm.exists():
        raise SystemExit(f"{args.lm} not found; build it with `python scripts/pretrain_charlm.py` or pass --no-lm")
    lm_blob = None if args.no_lm else torch.load(args.lm, map_location="cpu", weights_only=True)
    if lm_blob is not None:
        vocab = lm_blob["vocab"]
    else:
        vocab = build_vocab([t for t, _ in train] + [t for t, _ in aux], min_count=2)
    lexicon = None if args.no_lexicon else default_lexicon()
    feat = Featurizer(vocab, args.buckets, lexicon=lexicon, use_segmentation=not args.no_segmentation)
    tags = tag_set(CLUENER_LABELS)
    tag_id = {t: i for i, t in enumerate(tags)}
    net = CharTagger(len(vocab), args.buckets, feat.n_feats, tags, char_dim=args.char_dim,
                     bigram_dim=args.bigram_dim, word_dim=0 if args.no_segmentation else args.word_dim,
                     hidden=args.hidden, dropout=args.dropout,
                     lm_char_dim=lm_blob["char_dim"] if lm_blob else 0,
                     lm_hidden=lm_blob["hidden"] if lm_blob else 0)
    if lm_blob is not None:
        net.lm.load_state_dict({k: v.float() for k, v in lm_blob["state"].items()})
        if args.char_dim == lm_blob["char_dim"]:  # start from the pretrained character embeddings
            net.char_emb.weight.data.copy_(net.lm.emb.weight.data)
    if lm_blob is not None and args.lm_finetune > 0:
        net.lm.requires_grad_(True)
    lm_params = [p for p in net.lm.parameters() if p.requires_grad] if net.lm is not None else []
    lm_ids = {id(p) for p in lm_params}
    params = [p for p in net.parameters() if p.requires_grad and id(p) not in lm_ids]
    aux_tags = tag_set(("PER", "LOC", "ORG"))
    aux_head = None
    if aux:
        aux_head = AuxHead(net.out.in_features, aux_tags)
        params += list(aux_head.parameters())
    groups = [{"params": params, "lr": args.lr}]
    if lm_params:
        groups.append({"params": lm_params, "lr": args.lm_finetune})
    opt = torch.optim.Adam(groups)
    params = params + lm_params  # for gradient clipping

    def encode_all(rows, tid):
        return [(feat.encode(t), torch.tensor([tid[x] for x in to_tags(len(t), s)])) for t, s in rows]

    print(f"encoding {len(train)} train (+{len(pseudo)} teacher-labelled, +{len(swapped)} names swapped) / "
          f"{len(hold)} held-out / {len(aux)} aux sentences", flush=True)
    train_enc = encode_all(train + pseudo + swapped, tag_id)
    aux_enc = encode_all(aux, {t: i for i, t in enumerate(aux_tags)}) if aux else []
    aux_allowed = [name_constraints(t, s, tags, args.pd_names == "positive") for t, s in aux] if args.pd_names else []
    print(f"encoded in {time.time() - t_start:.0f}s; params {sum(p.numel() for p in net.parameters())}",
          flush=True)

    model = NerModel(net, feat)
    six = list(LABEL_TO_TYPE.values())
    gold_hold = [{(s, e, LABEL_TO_TYPE[l]) for s, e, l in spans if l in LABEL_TO_TYPE} for _, spans in hold]

    def evaluate() -> float | None:
        """Held-out macro F1; None under --all-train, where nothing unseen is left to score."""
        if not hold:
            return None
        net.eval()
        pred = model.predict([t for t, _ in hold])
        net.train()
        pred_sets = [{(s.start, s.end, s.type) for s in p} for p in pred]
        return prf(gold_hold, pred_sets, six)["macro"]["f"]

    def batches(rows):
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][1]) + random.random() * 8)
        chunks = [order[i : i + args.batch_size] for i in range(0, len(order), args.batch_size)]
        random.shuffle(chunks)
        return chunks

    best, best_epoch, bad = -1.0, 0, 0
    budget = args.minutes * 60
    net.train()
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        total, nb = 0.0, 0
        main_batches = [("main", b) for b in batches(train_enc)]
        aux_batches = [("aux", b) for b in batches(aux_enc)] if aux_enc else []
        plan = main_batches + aux_batches
        random.shuffle(plan)
        for kind, idx in plan:
            rows = train_enc if kind == "main" else aux_enc
            enc = [rows[i][0] for i in idx]
            chars, bl, br, words, feats_t, lengths = batch_tensors(enc)
            gold = torch.zeros_like(chars)
            for k, i in enumerate(idx):
                gold[k, : len(rows[i][1])] = rows[i][1]
            mask = torch.arange(chars.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
            if kind == "main":
                em = net.emissions(chars, bl, br, words, feats_t, lengths)
                loss = net.nll(em, gold, mask)
            else:
                h = net.encode(chars, bl, br, words, feats_t, lengths)
                loss = aux_head.crf.nll(aux_head.out(h), gold, mask)
                if aux_allowed:
                    allowed = torch.ones(*chars.shape, len(tags), dtype=torch.bool)
                    for k, i in enumerate(idx):
                        allowed[k, : len(aux_allowed[i])] = aux_allowed[i]
                    loss = loss + net.crf.partial_nll(net.out(h), allowed, mask)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            total += float(loss.detach())
            nb += 1
            if time.time() - t_start > budget:
                break
        f1 = evaluate()
        shown = "-" if f1 is None else f"{f1:.4f}"
        print(f"epoch {epoch} loss {total / max(nb, 1):.3f} held-out macro-F1(6) {shown} "
              f"epoch {time.time() - t0:.0f}s total {(time.time() - t_start) / 60:.1f} min", flush=True)
        if f1 is None or f1 > best:  # --all-train keeps every epoch, so the last one is saved
            best, best_epoch, bad = best if f1 is None else f1, epoch, 0
            model.save(args.out, {"epoch": epoch, "seed": args.seed, "all_train": args.all_train,
                                  "heldout_macro_f1": None if f1 is None else round(f1, 4),
                                  "lm": lm_blob["meta"] if lm_blob else None,
                                  "args": {k: str(v) for k, v in vars(args).items()},
                                  "train_minutes": round((time.time() - t_start) / 60, 1)})
        else:
            bad += 1
        if bad >= args.patience or time.time() - t_start > budget:
            if args.all_train and epoch < args.epochs:
                raise SystemExit(f"--all-train stopped by the --minutes budget after epoch {epoch} of "
                                 f"{args.epochs}; raise --minutes")
            break
    size = args.out.stat().st_size / 1e6
    score = "all of train, no held-out score" if args.all_train else f"held-out macro-F1 {best:.4f}"
    print(f"best epoch {best_epoch} ({score}); saved {args.out} ({size:.1f} MB); "
          f"wall {(time.time() - t_start) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
