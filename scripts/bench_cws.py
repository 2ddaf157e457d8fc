#!/usr/bin/env python
"""Segmentation throughput of every mode as a ratio to plain `jieba.lcut`, same text, same run.

    python scripts/bench_cws.py                # PKU + MSR test input text (unsegmented lines)
    python scripts/bench_cws.py --repeat 3 --standards pku

Two figures per system: steady state (segmenters loaded and warmed up, best of --repeat passes over
the text) and whole process (a fresh Python process that imports, loads and segments the text once,
which is what `govpipe segment` costs). The accurate mode's matrix products run on one BLAS thread
(`OPENBLAS_NUM_THREADS=1`, set before numpy loads), so its chars/s is a single-core figure; jieba and
rjieba are single-threaded anyway. The
"+ gov dict" rows time the standard tokens plus the units layer built from the government dictionary.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

SINGLE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
os.environ.update(SINGLE_THREAD)  # before numpy is imported: BLAS reads it once, when it loads

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.resources import data_dir  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def make_system(name: str) -> Callable[[list[str]], object]:
    """A function segmenting a list of lines for a system name like `jieba` or `pku:fast:gov`."""
    if name == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        return lambda lines: [jieba.lcut(line) for line in lines]
    from pipeline.segment import segment_lines

    standard, mode, *rest = name.split(":")
    domain = bool(rest)
    # segment_lines is what `govpipe segment` runs (batched for the accurate mode); with the government
    # dictionary it builds the tokens and then the units (`govpipe segment --units`), both timed.
    return lambda lines: list(segment_lines(lines, standard=standard, mode=mode, domain_dict=domain,
                                            units=domain))


def read_text(data_dir: Path, standards: list[str]) -> list[str]:
    from pipeline.cws_text import TEST_DATA

    lines: list[str] = []
    for s in standards:
        raw = (data_dir / TEST_DATA[s][0]).read_text(encoding="utf-8").splitlines()
        lines.extend(line.rstrip("\r") for line in raw)
    return lines


def worker(name: str, path: str) -> None:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    make_system(name)(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--standards", nargs="+", default=["pku", "msr"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--worker", nargs=2, metavar=("SYSTEM", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return

    lines = read_text(args.data_dir, args.standards)
    chars = sum(len(line) for line in lines)
    systems = ["jieba"]
    for s in args.standards:
        systems += [f"{s}:fast", f"{s}:fast:gov", f"{s}:accurate", f"{s}:accurate:gov"]

    steady: dict[str, float] = {}
    for name in systems:
        fn = make_system(name)
        fn(lines[:50])  # warm-up: lazy loading happens here, not in the timed passes
        best = min(_timed(fn, lines) for _ in range(args.repeat))
        steady[name] = chars / best
        print(f"{name}: {steady[name]:,.0f} chars/s steady", file=sys.stderr, flush=True)

    tmp = REPO / "logs" / "cws_bench_input.txt"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole: dict[str, float] = {}
    for name in systems:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--worker", name, str(tmp)], check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})  # carries SINGLE_THREAD
        whole[name] = chars / (time.perf_counter() - t0)
        print(f"{name}: {whole[name]:,.0f} chars/s whole process", file=sys.stderr, flush=True)

    print(f"\nText: {len(lines)} lines, {chars:,} characters ({' + '.join(args.standards)} test input)\n")
    print("| system | steady chars/s | × jieba.lcut | whole-process chars/s | × jieba.lcut |")
    print("|---|---|---|---|---|")
    for name in systems:
        label = "jieba.lcut (plain)" if name == "jieba" else name.replace(":gov", " + gov dict")
        print(f"| {label} | {steady[name]:,.0f} | {steady[name] / steady['jieba']:.2f} | "
              f"{whole[name]:,.0f} | {whole[name] / whole['jieba']:.2f} |")


def _timed(fn: Callable[[list[str]], object], lines: list[str]) -> float:
    t0 = time.perf_counter()
    fn(lines)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
