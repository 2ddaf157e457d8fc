"""Training of the accurate-mode character tagger (called by scripts/train_cws.py tagger).

Choices, each checked on the held-out dev split: bigrams seen at least twice get an embedding (rarer
ones share UNK, as unseen bigrams do at test time); during training the dictionary features use the
word list minus the words seen fewer than `--dict-min-count` times in training, so the model meets
"words missing from the dictionary" about as often as it will on new text instead of learning to
trust the dictionary blindly.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .cws_model import BOS, EOS, MAX_DICT_LEN, PAD, TAGS, ConvTagger, Featurizer, Tagger, save_tagger
from .cws_text import STANDARD_DATA, read_segmented, read_word_list, score_segmentation, split_train_dev

_PUNCT_CUT = frozenset("。！？；，：、!?;,:")


class TaggerNet(nn.Module):
    """The accurate-mode tagger as trained: embeddings -> projection (+ a per-standard vector) ->
    residual dilated convolutions -> per-standard BMES scores. Segmenting runs the same weights in
    numpy (`pipeline.cws_model.ConvTagger`), so torch is needed only here."""

    def __init__(
        self,
        n_chars: int,
        n_bigrams: int,
        char_dim: int = 64,
        bigram_dim: int = 48,
        dict_dim: int = 16,
        hidden: int = 192,
        dilations: tuple[int, ...] = (1, 2, 1),
        dropout: float = 0.2,
        n_standards: int = 1,
    ) -> None:
        super().__init__()
        self.hparams = dict(
            n_chars=n_chars, n_bigrams=n_bigrams, char_dim=char_dim, bigram_dim=bigram_dim,
            dict_dim=dict_dim, hidden=hidden, dilations=list(dilations), dropout=dropout,
            n_standards=n_standards,
        )
        self.uni = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
        self.bi = nn.Embedding(n_bigrams, bigram_dim, padding_idx=PAD)
        self.dict_emb = nn.ModuleList(nn.Embedding(MAX_DICT_LEN + 1, dict_dim) for _ in range(3))
        self.drop = nn.Dropout(dropout)
        self.proj = nn.Linear(char_dim + 2 * bigram_dim + 3 * dict_dim, hidden)
        self.convs = nn.ModuleList(
            nn.Conv1d(hidden, hidden, 3, padding=d, dilation=d) for d in dilations
        )
        # One model for several standards (multi-criteria learning): the encoder is shared, each
        # standard adds its own vector to the input projection and has its own output layer.
        self.standard_emb = nn.Embedding(n_standards, hidden)
        self.out = nn.Linear(hidden, len(TAGS) * n_standards)

    def forward(self, feats: torch.Tensor, standard: int = 0) -> torch.Tensor:
        """feats (B, L, 6) -> logits (B, L, 4) for the standard with index `standard`."""
        mask = (feats[:, :, 0] != PAD).unsqueeze(1).to(torch.float32)
        x = torch.cat(
            [self.uni(feats[:, :, 0]), self.bi(feats[:, :, 1]), self.bi(feats[:, :, 2])]
            + [emb(feats[:, :, 3 + k]) for k, emb in enumerate(self.dict_emb)],
            dim=-1,
        )
        h = torch.relu(self.proj(self.drop(x)) + self.standard_emb.weight[standard])
        h = h.transpose(1, 2) * mask
        for conv in self.convs:
            h = (h + self.drop(torch.relu(conv(h)))) * mask
        n = len(TAGS)
        return nn.functional.linear(
            h.transpose(1, 2), self.out.weight[standard * n : (standard + 1) * n],
            self.out.bias[standard * n : (standard + 1) * n],
        )

    def numpy_state(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy() for k, v in self.state_dict().items()}

    def inference(self) -> ConvTagger:
        """The current weights as the numpy tagger that segmenting uses (dev scores are its scores)."""
        return ConvTagger(self.numpy_state(), self.hparams)


def chunk_words(words: list[str], max_len: int = 150) -> list[list[str]]:
    """Split a long gold paragraph into pieces at word boundaries, preferring after punctuation."""
    chunks: list[list[str]] = []
    cur: list[str] = []
    cur_len = 0
    for w in words:
        if cur and cur_len + len(w) > max_len:
            chunks.append(cur)
            cur, cur_len = [], 0
        cur.append(w)
        cur_len += len(w)
        if w in _PUNCT_CUT and cur_len >= 60:
            chunks.append(cur)
            cur, cur_len = [], 0
    if cur:
        chunks.append(cur)
    return chunks


def gold_tags(words: list[str]) -> list[int]:
    tags: list[int] = []
    for w in words:
        if len(w) == 1:
            tags.append(3)
        else:
            tags.extend([0] + [1] * (len(w) - 2) + [2])
    return tags


def make_batches(lengths: list[int], max_chars: int, rng: random.Random) -> list[list[int]]:
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches, cur = [], []
    for i in order:
        if cur and (len(cur) + 1) * lengths[i] > max_chars:
            batches.append(cur)
            cur = []
        cur.append(i)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def evaluate(tagger: Tagger, dev: list[list[str]], vocab: set[str]) -> float:
    pred = tagger.cut_many(["".join(s) for s in dev])
    return score_segmentation(dev, pred, vocab).f1


def train_tagger(args: argparse.Namespace) -> None:
    """Train on one standard (`--standard pku|msr`) or on both with shared layers (`joint`)."""
    torch.set_num_threads(1)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t_start = time.time()
    standards = sorted(STANDARD_DATA) if args.standard == "joint" else [args.standard]

    data = {}
    char_counts: collections.Counter[str] = collections.Counter()
    bigram_counts: collections.Counter[str] = collections.Counter()
    for std in standards:
        corpus, listed_path = STANDARD_DATA[std]
        train, dev = split_train_dev(list(read_segmented(args.data_dir / corpus)))
        listed = read_word_list(args.data_dir / listed_path)
        counts = collections.Counter(w for s in train for w in s)
        infer_words = {w for w in set(counts) | listed if not any(c.isspace() for c in w)}
        train_words = {w for w in infer_words if not 0 < counts.get(w, 0) < args.dict_min_count}
        # Dev is scored with a dictionary that lacks the words only dev contains (the official list
        # has them, as it derives from the whole corpus), so dev OOV behaves like test OOV.
        dev_only = {w for s in dev for w in s} - set(counts)
        data[std] = (train, dev, listed, train_words, infer_words - dev_only)
        for s in train:
            text = "".join(s)
            char_counts.update(text)
            padded = BOS + text + EOS
            bigram_counts.update(padded[i : i + 2] for i in range(len(padded) - 1))
    chars = [c for c, _ in char_counts.most_common()]
    bigrams = [b for b, n in bigram_counts.most_common() if n >= args.min_bigram]

    feats, tags, lengths, batches = [], [], [], []
    dev_featurizers = {}
    net = TaggerNet(len(chars) + 2, len(bigrams) + 2, hidden=args.hidden,
                    dilations=tuple(args.dilations), dropout=args.dropout,
                    n_standards=len(standards))
    for k, std in enumerate(standards):
        train, dev, listed, train_words, dev_words = data[std]
        featurizer = Featurizer(chars, bigrams, train_words)
        pieces = [c for s in train for c in chunk_words(s)]
        offset = len(feats)
        feats += [torch.from_numpy(featurizer("".join(p))) for p in pieces]
        tags += [torch.tensor(gold_tags(p), dtype=torch.int64) for p in pieces]
        lengths += [len(p) for p in map("".join, pieces)]
        batches.append((k, offset, len(pieces)))
        dev_featurizers[std] = Featurizer(chars, bigrams, dev_words)
        log(f"{std}: {len(train)} train / {len(dev)} dev sentences, {len(pieces)} pieces, "
            f"{sum(lengths[offset:])} chars, {len(train_words)} training dict words")
    log(f"{len(chars)} chars, {len(bigrams)} bigrams; features in {time.time() - t_start:.0f}s")

    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-1)
    net.train()
    budget = args.minutes * 60
    t_train = time.time()
    best_f1, best_state, best_epoch = -1.0, None, 0
    history = []
    epoch = 0
    done = False
    while not done:
        epoch += 1
        total_loss, n_batches = 0.0, 0
        epoch_batches = [
            (k, [offset + i for i in b])
            for k, offset, n in batches
            for b in make_batches(lengths[offset : offset + n], args.batch_chars, rng)
        ]
        rng.shuffle(epoch_batches)
        for k, batch in epoch_batches:
            elapsed = time.time() - t_train
            if elapsed > budget:
                done = True
                break
            # Cosine decay over the wall-clock budget, so a slower machine still ends annealed.
            for g in opt.param_groups:
                g["lr"] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * elapsed / budget)))
            max_len = max(lengths[i] for i in batch)
            x = torch.full((len(batch), max_len, 6), PAD, dtype=torch.int64)
            y = torch.full((len(batch), max_len), -1, dtype=torch.int64)
            for r, i in enumerate(batch):
                x[r, : lengths[i]] = feats[i]
                y[r, : lengths[i]] = tags[i]
            logits = net(x, k)
            loss = loss_fn(logits.reshape(-1, 4), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total_loss += loss.item()
            n_batches += 1
            if n_batches % 200 == 0:
                log(f"epoch {epoch} batch {n_batches}: loss {total_loss / n_batches:.4f}")
        current = net.inference()
        dev_f1 = {std: evaluate(Tagger(current, dev_featurizers[std], k), data[std][1], data[std][2])
                  for k, std in enumerate(standards)}
        f1 = sum(dev_f1.values()) / len(dev_f1)
        history.append({"epoch": epoch, "loss": total_loss / max(n_batches, 1), "dev_f1": dev_f1,
                        "minutes": (time.time() - t_train) / 60})
        log(f"epoch {epoch}: loss {total_loss / max(n_batches, 1):.4f} dev F1 {dev_f1} "
            f"({(time.time() - t_train) / 60:.1f} min)")
        if f1 > best_f1:
            best_f1, best_epoch = f1, epoch
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    if best_state is not None:
        net.load_state_dict(best_state)
    out = args.out or Path(__file__).resolve().parent.parent / "models" / "cws" / f"tagger_{args.standard}.npz"
    info = {
        "standards": standards, "seed": args.seed, "best_epoch": best_epoch, "dev_f1": best_f1,
        "train_minutes": round((time.time() - t_start) / 60, 1), "threads": 1, "history": history,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    save_tagger(out, net.numpy_state(), net.hparams, Featurizer(chars, bigrams, ()), standards, info)
    log(f"saved {out} ({out.stat().st_size / 1e6:.1f} MB); best mean dev F1 {best_f1:.4f} at epoch {best_epoch}")
    log(json.dumps(info))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
