"""Pretrain the character language models that the Chinese NER tagger reads (pipeline/ner_model.CharLM).

Text: the unlabelled characters of People's Daily January 1998 (cws/pd199801_seg) and of the MSRA
NER training text (cws/msra_ner_train_seg), spaces removed, plus CLUENER train's sentences. No
labels are used, and nothing from CLUENER dev/test or the bakeoff test files is trained on; CLUENER
test.json's (unlabelled) sentences are read only to report an in-domain perplexity. 2% of the lines
(every 50th) are held out to report perplexity.

    python scripts/pretrain_charlm.py                      # models/ner/charlm.pt

Fixed seed, one thread, a wall-clock budget (`--minutes`); learning rate decays over the budget.
Training stops at the budget and saves the last weights (held-out perplexity is logged per slice).

Task-adaptive pretraining (`--adapt-from models/ner/charlm.pt`): continue a trained LM on CLUENER
train's sentences mixed with as many general pieces, keeping its vocabulary; the output heads, which
the LM file does not keep, are refitted first with the LM frozen (`--head-minutes`). Perplexity is
also reported on CLUENER test.json's sentences (unlabelled; never trained on) as the in-domain check.

    python scripts/pretrain_charlm.py --adapt-from models/ner/charlm.pt --minutes 12 --lr 1e-3 --out /tmp/charlm_tapt.pt
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.cws_text import read_segmented  # noqa: E402
from pipeline.ner_model import CharLM, build_vocab, chunk_text, normalize_char, reverse_index  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402


def read_corpus(data: Path) -> list[str]:
    lines: list[str] = []
    for name in ("pd199801_seg.utf8.gz", "msra_ner_train_seg.utf8.gz"):
        lines.extend("".join(words) for words in read_segmented(data / "cws" / name))
    return to_pieces(lines + read_cluener_texts(data, "train.json"))


def read_cluener_texts(data: Path, name: str) -> list[str]:
    with (data / "ner" / "cluener" / name).open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def to_pieces(lines: list[str]) -> list[str]:
    pieces = []
    for line in lines:
        pieces.extend(line[s:e] for s, e in chunk_text(line, 120) if e - s >= 4)
    return pieces


class LMTrainer(nn.Module):
    """CharLM plus one adaptive softmax per direction (only needed for pretraining)."""

    def __init__(self, n_chars: int, char_dim: int, hidden: int, cutoffs: list[int]) -> None:
        super().__init__()
        self.lm = CharLM(n_chars, char_dim=char_dim, hidden=hidden)
        self.head_f = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_chars, cutoffs, div_value=4.0)
        self.head_b = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_chars, cutoffs, div_value=4.0)
        self.drop = nn.Dropout(0.1)

    def loss(self, chars: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, int]:
        """Mean NLL of next (forward) and previous (backward) characters, and the target count."""
        hf, hb = self.lm(chars, lengths)
        t = chars.shape[1]
        valid = torch.arange(t).unsqueeze(0) < (lengths.unsqueeze(1) - 1)  # positions with a next char
        # forward: state t predicts char t+1
        f_states = self.drop(hf[:, :-1][valid[:, :-1]])
        f_target = chars[:, 1:][valid[:, :-1]]
        # backward: state t predicts char t-1; in reversed order it is the same shift
        rev = reverse_index(lengths, t)
        hb_rev = hb.gather(1, rev.unsqueeze(2).expand_as(hb))
        c_rev = chars.gather(1, rev)
        b_states = self.drop(hb_rev[:, :-1][valid[:, :-1]])
        b_target = c_rev[:, 1:][valid[:, :-1]]
        n = int(f_target.numel())
        return (self.head_f(f_states, f_target).loss + self.head_b(b_states, b_target).loss) / 2, n


def to_batch(ids: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(x) for x in ids], dtype=torch.long)
    chars = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)
    for k, x in enumerate(ids):
        chars[k, : len(x)] = torch.from_numpy(x)
    return chars, lengths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--out", type=Path, default=REPO / "models" / "ner" / "charlm.pt")
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--char-dim", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--batch-chars", type=int, default=3000)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--adapt-from", type=Path, help="continue this LM on CLUENER train's text (see above)")
    ap.add_argument("--head-minutes", type=float, default=2.0, help="with --adapt-from: heads-only phase")
    args = ap.parse_args()

    torch.set_num_threads(1)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    t_start = time.time()
    pieces = read_corpus(args.data_dir)
    hold = pieces[::50]
    train = [p for i, p in enumerate(pieces) if i % 50]
    init = torch.load(args.adapt_from, map_location="cpu", weights_only=True) if args.adapt_from else None
    if init is not None:
        vocab = init["vocab"]
        task = to_pieces(read_cluener_texts(args.data_dir, "train.json"))
        train = task + random.Random(args.seed).sample(train, len(task))
        args.char_dim, args.hidden = init["char_dim"], init["hidden"]
    else:
        vocab = build_vocab(train, args.min_count)
    get = vocab.get

    def encode(texts: list[str]) -> list[np.ndarray]:
        return [np.fromiter((get(normalize_char(c), 1) for c in t), dtype=np.int64, count=len(t))
                for t in texts]

    train_ids, hold_ids = encode(train), encode(hold)
    domain_ids = encode(to_pieces(read_cluener_texts(args.data_dir, "test.json")))
    n_chars = sum(len(x) for x in train_ids)
    print(f"{len(train_ids)} train pieces ({n_chars} chars), {len(hold_ids)} held out, "
          f"vocab {len(vocab)}; read in {time.time() - t_start:.0f}s", flush=True)
    cutoffs = [c for c in (400, 1600) if c < len(vocab) - 1]
    model = LMTrainer(len(vocab), args.char_dim, args.hidden, cutoffs)
    if init is not None:
        model.lm.load_state_dict({k: v.float() for k, v in init["state"].items()})
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    budget = args.minutes * 60

    def batches(rows: list[np.ndarray]) -> list[list[int]]:
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]) + random.random() * 4)
        out, cur, longest = [], [], 0
        for i in order:
            longest = max(longest, len(rows[i]))
            if cur and longest * (len(cur) + 1) > args.batch_chars:
                out.append(cur)
                cur, longest = [], len(rows[i])
            cur.append(i)
        if cur:
            out.append(cur)
        return out

    def held_out_ppl(rows: list[np.ndarray] = hold_ids) -> float:
        model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for idx in batches(rows):
                loss, n = model.loss(*to_batch([rows[i] for i in idx]))
                total += float(loss) * n
                count += n
        model.train()
        return math.exp(total / max(count, 1))

    if init is not None:  # refit the output heads with the LM frozen, then tune everything
        model.lm.requires_grad_(False)
        head_opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=3e-3)
        plan = batches(train_ids)
        random.shuffle(plan)
        for idx in plan:
            if time.time() - t_start > args.head_minutes * 60:
                break
            loss, _n = model.loss(*to_batch([train_ids[i] for i in idx]))
            head_opt.zero_grad()
            loss.backward()
            head_opt.step()
        model.lm.requires_grad_(True)
        t_start = time.time()
    print(f"held-out perplexity before training {held_out_ppl():.1f} (CLUENER test sentences: "
          f"{held_out_ppl(domain_ids):.1f})", flush=True)
    step, epoch, done = 0, 0, False
    while not done:
        epoch += 1
        plan = batches(train_ids)
        random.shuffle(plan)
        run, run_n = 0.0, 0
        for k, idx in enumerate(plan, 1):
            elapsed = time.time() - t_start
            if elapsed > budget:
                done = True
                break
            for group in opt.param_groups:  # cosine decay over the wall-clock budget
                group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, elapsed / budget)))
            loss, n = model.loss(*to_batch([train_ids[i] for i in idx]))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            run += float(loss.detach()) * n
            run_n += n
            step += 1
            if k % 500 == 0:
                print(f"epoch {epoch} batch {k}/{len(plan)} train ppl {math.exp(run / run_n):.1f} "
                      f"held-out ppl {held_out_ppl():.1f} ({elapsed / 60:.1f} min)", flush=True)
                run, run_n = 0.0, 0
    ppl, domain_ppl = held_out_ppl(), held_out_ppl(domain_ids)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.half() for k, v in model.lm.state_dict().items()}
    torch.save({"state": state, "vocab": vocab, "char_dim": args.char_dim, "hidden": args.hidden,
                "meta": {"heldout_ppl": round(ppl, 2), "cluener_test_ppl": round(domain_ppl, 2),
                         "adapted_from": str(args.adapt_from) if args.adapt_from else None, "epochs": epoch, "steps": step, "seed": args.seed,
                         "train_chars": n_chars, "minutes": round((time.time() - t_start) / 60, 1)}},
               args.out)
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.1f} MB); held-out perplexity {ppl:.1f} "
          f"(CLUENER test sentences {domain_ppl:.1f}); "
          f"{step} steps, {epoch} epoch(s), {(time.time() - t_start) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
