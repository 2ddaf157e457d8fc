"""Speed of the English name repair, entity and officials steps, as a ratio to spaCy's parse of the
same text (the `tokenize_en` stage that runs before them), measured in the same run.

    python scripts/bench_entities_en.py [--copies 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.doc import Doc  # noqa: E402
from pipeline.entities_en import EnglishEntityExtractor  # noqa: E402
from pipeline.names_en import name_corrections  # noqa: E402
from pipeline.officials_en import link_officials  # noqa: E402
from pipeline.tokenize_en import load_spacy  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=30, help="copies of the English corpus documents")
    args = ap.parse_args()
    import json

    texts = [json.loads(line)["text"] for line in (ROOT / "corpora" / "sample.jsonl").open(encoding="utf-8")]
    texts = [t for t in texts if sum(c.isascii() for c in t) > 0.9 * len(t)] * args.copies
    nlp = load_spacy()
    stage = EnglishEntityExtractor(use_model=True, use_glossary=(ROOT / "models" / "glossary.tsv").exists())
    warm = Doc(texts[0], lang="en")
    warm.user_data["spacy"] = nlp(warm.norm_text)
    stage(warm)
    t0 = time.perf_counter()
    parsed = list(nlp.pipe(texts, batch_size=16))
    t_spacy = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text, sdoc in zip(texts, parsed):
        doc = Doc(text, lang="en")
        doc.user_data["spacy"] = sdoc
        for s, e, rep, rule, conf in name_corrections(doc, use_zh_stage=False):
            doc.add_correction(s, e, rep, rule, conf)
        stage(doc)
        doc.officials = link_officials(doc)
    t_ours = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} documents, {chars} characters")
    print(f"names + entities + officials / spaCy parse = {t_ours / t_spacy:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
