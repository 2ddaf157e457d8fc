#!/usr/bin/env python
"""Bakeoff scoring of every segmentation mode and standard beside plain jieba, in one run.

    python scripts/eval_cws.py                 # SIGHAN 2005 PKU and MSR test sets
    python scripts/eval_cws.py --split dev     # the held-out 5% of the training corpora (for choices)
    python scripts/eval_cws.py --user-dict gov     # also the rows with the government dictionary
    python scripts/eval_cws.py --modes fast --standards pku --user-dict my_words.txt

Prints a markdown table: precision, recall, F1, OOV recall and IV recall, words compared as character
spans, OOV relative to the standard's training word list. `--user-dict gov` uses the bundled government
dictionary (models/gov_userdict.txt); any other value is a jieba-format file. With a dictionary, each
mode gets three rows from the code path the pipeline stage runs: without it, with it (the token layer,
which the dictionary must not change), and the units layer (`units, <dict>`), whose domain units
(市委副书记, 宋华英) the bakeoff standards split, so its lower score measures the granularity gap.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.cws_text import (  # noqa: E402
    STANDARD_DATA,
    TEST_DATA,
    read_segmented,
    read_word_list,
    score_segmentation,
    split_train_dev,
)
from pipeline.resources import data_dir  # noqa: E402
from pipeline.segment import MODES, STANDARDS, cut_with_units, get_segmenter, get_unit_merger  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def load_eval(data_dir: Path, standard: str, split: str) -> tuple[list[str], list[list[str]], set[str]]:
    """Raw input lines, gold words per line and the training word list for one standard."""
    corpus, words = STANDARD_DATA[standard]
    vocab = read_word_list(data_dir / words)
    if split == "dev":
        _train, gold = split_train_dev(list(read_segmented(data_dir / corpus)))
        return ["".join(g) for g in gold], gold, vocab
    raw_path, gold_path = TEST_DATA[standard]
    gold_lines = (data_dir / gold_path).read_text(encoding="utf-8").splitlines()
    gold = [line.split() for line in gold_lines]
    # Score against the gold line itself (the raw test file has one known misplaced quote in MSR).
    raw = ["".join(g) for g in gold]
    keep = [i for i, g in enumerate(gold) if g]
    return [raw[i] for i in keep], [gold[i] for i in keep], vocab


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path,
                    default=data_dir())
    ap.add_argument("--split", choices=["test", "dev"], default="test")
    ap.add_argument("--standards", nargs="+", choices=STANDARDS, default=list(STANDARDS))
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    ap.add_argument("--user-dict", default=None, help="'gov' for the bundled dictionary, or a file")
    ap.add_argument("--no-jieba", action="store_true", help="skip the plain jieba baseline")
    args = ap.parse_args(argv)

    domain = args.user_dict == "gov"
    user_dict = None if domain or args.user_dict is None else args.user_dict
    merger = get_unit_merger(user_dict, domain) if args.user_dict else None
    rows = []
    for standard in args.standards:
        raw, gold, vocab = load_eval(args.data_dir, standard, args.split)
        runs: list[tuple[list[str], list[list[list[str]]], float]] = []  # labels, predictions, secs
        if not args.no_jieba:
            import jieba

            jieba.setLogLevel(60)
            t0 = time.perf_counter()
            pred = [jieba.lcut(line) for line in raw]
            runs.append((["jieba (plain)"], [pred], time.perf_counter() - t0))
        for mode in args.modes:
            seg = get_segmenter(standard, mode)
            t0 = time.perf_counter()
            plain = [tokens for tokens, _ in cut_with_units(seg, None, raw)]
            runs.append(([mode], [plain], time.perf_counter() - t0))
            if merger is not None:
                t0 = time.perf_counter()
                both = cut_with_units(seg, merger, raw)
                secs = time.perf_counter() - t0
                labels = [f"{mode} + {args.user_dict} dict (tokens)", f"{mode} units, {args.user_dict} dict"]
                runs.append((labels, [[t for t, _ in both], [u or [] for _, u in both]], secs))
        for labels, preds, secs in runs:
            for label, pred in zip(labels, preds):
                pred = [[p for w in words for p in w.split()] for words in pred]
                s = score_segmentation(gold, pred, vocab)
                rows.append((standard, label, s, secs))
                print(f"{standard} {label}: F1 {s.f1:.4f} ({secs:.1f}s)", file=sys.stderr, flush=True)

    print(f"\nSplit: {args.split}\n")
    print("| standard | system | P | R | F1 | OOV R | IV R |")
    print("|---|---|---|---|---|---|---|")
    for standard, label, s, _secs in rows:
        print(f"| {standard} | {label} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | "
              f"{s.oov_recall:.4f} | {s.iv_recall:.4f} |")


if __name__ == "__main__":
    main()
