"""Whole-pipeline throughput as a ratio to plain baselines measured in the same run.

Chinese: the default pipeline on real news (WMT21 zh sources) against plain `jieba.lcut` on the same
text. English: the default pipeline on real MT output (WMT21 Online-Y) against spaCy's
`en_core_web_sm` alone (`nlp.pipe`) on the same text. Single process, one torch thread, so the figures
mean "per core". Machines here are shared and noisy: only the ratios are meaningful.

    python scripts/bench_pipeline.py [--data-dir ../shared/data] [--lines 600] [--doc-lines 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pipeline.resources import data_dir  # noqa: E402


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=str(data_dir()))
    ap.add_argument("--lines", type=int, default=600, help="lines of each WMT file to use")
    ap.add_argument("--doc-lines", type=int, default=20, help="lines per document")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    import jieba

    import pipeline
    from pipeline.tokenize_en import load_spacy

    mt = Path(args.data_dir) / "mt" / "wmt21_newstest2021_zhen"
    zh_lines = (mt / "src.zh").read_text(encoding="utf-8").splitlines()[: args.lines]
    en_lines = (mt / "sys.Online-Y.en").read_text(encoding="utf-8").splitlines()[: args.lines]

    def docs(lines: list[str]) -> list[str]:
        return ["\n".join(lines[i : i + args.doc_lines]) for i in range(0, len(lines), args.doc_lines)]

    zh_docs, en_docs = docs(zh_lines), docs(en_lines)
    nlp = pipeline.load()
    jieba.initialize()
    spacy_nlp = load_spacy()
    list(nlp.pipe(zh_docs[:2] + en_docs[:2]))  # warm up: load every model once

    rows = []
    for lang, texts, base_name, base in (
        ("zh", zh_docs, "jieba.lcut", lambda: [jieba.lcut(t) for t in zh_docs]),
        ("en", en_docs, "spaCy en_core_web_sm", lambda: list(spacy_nlp.pipe(en_docs))),
    ):
        chars = sum(len(t) for t in texts)
        t_base = best_of(base, args.repeats)
        t_pipe = best_of(lambda: list(nlp.pipe(texts)), args.repeats)
        rows.append((lang, chars, base_name, chars / t_base, chars / t_pipe, t_base / t_pipe))

    print("| input | chars | baseline | pipeline speed / baseline speed |")
    print("|---|---:|---|---:|")
    for lang, chars, base_name, _, _, ratio in rows:
        print(f"| {lang} | {chars:,} | {base_name} | {ratio:.2f}x |")
    print()
    for lang, chars, base_name, b, p, _ in rows:
        print(f"({lang}: this run, baseline {b:,.0f} chars/s, pipeline {p:,.0f} chars/s; noisy shared machine)")


if __name__ == "__main__":
    main()
