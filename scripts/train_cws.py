#!/usr/bin/env python
"""Build the segmentation resources under models/cws/ from the gold training corpora.

    python scripts/train_cws.py dict --standard pku     # fast-mode dictionary + number units
    python scripts/train_cws.py dict --standard msr
    # the shipped accurate-mode tagger, models/cws/tagger_joint.npz (both standards, 45 min on one
    # core; see docs/results_cws.md):
    python scripts/train_cws.py tagger --standard joint --min-bigram 10 --dropout 0.3 --dict-min-count 3 \
        --dilations 1 2 4 1 --minutes 45

Only the training corpora and the training word lists are read (never the *_test / *_gold files), and
a fixed 5% of the corpus (pipeline.cws_text.split_train_dev) is held out as the dev set for choices.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
from pathlib import Path

# one core, like torch.set_num_threads(1) in training: dev scoring runs the numpy tagger, whose BLAS
# reads this once, when numpy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.cws_dict import NUMBER_PREFIX  # noqa: E402
from pipeline.cws_text import STANDARD_DATA, read_segmented, read_word_list, split_train_dev  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def load_training(data_dir: Path, standard: str) -> tuple[list[list[str]], list[list[str]], set[str]]:
    corpus, words = STANDARD_DATA[standard]
    sentences = list(read_segmented(data_dir / corpus))
    train, dev = split_train_dev(sentences)
    return train, dev, read_word_list(data_dir / words)


def build_dict(args: argparse.Namespace) -> None:
    """word<TAB>count from the training split; listed words never seen there get count 1."""
    train, _dev, listed = load_training(args.data_dir, args.standard)
    counts: collections.Counter[str] = collections.Counter(w for s in train for w in s)
    for w in listed:
        counts.setdefault(w, 1)
    out = args.out or REPO / "models" / "cws" / f"{args.standard}_dict.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if not any(ch.isspace() for ch in w):
                fh.write(f"{w}\t{c}\n")
    print(f"wrote {out}: {len(counts)} words from {len(train)} training sentences")
    units = number_units(train)
    units_out = out.with_name(f"{args.standard}_numunits.txt")
    units_out.write_text("".join(f"{u}\t{j}\t{s}\n" for u, j, s in units), encoding="utf-8")
    print(f"wrote {units_out}: {len(units)} units written together with a preceding number")


def number_units(train: list[list[str]], min_joined: int = 5) -> list[tuple[str, int, int]]:
    """Words that the standard writes together with a preceding number (PKU: 1998年, 12月, 5%).

    Counts how often a unit follows a number inside one gold word versus as the next word, and keeps
    the units joined at least twice as often as split.
    """
    joined: collections.Counter[str] = collections.Counter()
    split: collections.Counter[str] = collections.Counter()
    for words in train:
        for i, w in enumerate(words):
            m = NUMBER_PREFIX.match(w)
            if not m:
                continue
            if m.end() < len(w):
                joined[w[m.end():]] += 1
            elif i + 1 < len(words):
                split[words[i + 1]] += 1
    return sorted(((u, j, split[u]) for u, j in joined.items()
                   if j >= min_joined and j >= 2 * split[u] and not any(c.isdigit() for c in u)),
                  key=lambda t: -t[1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["dict", "tagger"])
    ap.add_argument("--standard", choices=sorted(STANDARD_DATA) + ["joint"], default="pku",
                    help="tagger: `joint` trains one model with an output layer per standard")
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--minutes", type=float, default=35.0, help="tagger: wall-clock training budget")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--hidden", type=int, default=192)
    ap.add_argument("--dilations", type=int, nargs="+", default=[1, 2, 1])
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch-chars", type=int, default=4000)
    ap.add_argument("--min-bigram", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--dict-min-count", type=int, default=2,
                    help="training dictionary features leave out words seen fewer times than this")
    args = ap.parse_args(argv)
    if args.what == "dict":
        if args.standard == "joint":
            ap.error("dictionaries are per standard: use --standard pku or --standard msr")
        build_dict(args)
    else:
        from pipeline.cws_train import train_tagger

        train_tagger(args)


if __name__ == "__main__":
    main()
