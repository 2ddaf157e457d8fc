"""Combine NER models trained by scripts/train_ner.py into one ensemble file (pipeline/ner_model.NerModel).

The members must read the same features (vocabulary, lexicon, segmentation: same options and the same
character LM); they differ by seed. A shared LM is stored once.

    python scripts/combine_ner.py /tmp/ner_s13.pt /tmp/ner_s14.pt /tmp/ner_s15.pt \\
        --out models/ner/cluener_bilstm_crf.pt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.ner_model import NerModel  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("members", type=Path, nargs="+", help="model files written by scripts/train_ner.py")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    members = [NerModel.load(p) for p in args.members]
    model = NerModel.combine(members)
    model.save(args.out, {"members": [m.meta for m in members], "member_files": [p.name for p in args.members]})
    shared = "one shared character LM" if model._shared_lm() is not None else "no shared LM"
    print(f"saved {args.out}: {len(model.nets)} taggers, {shared}, {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
