"""Evaluate the English translation cleanup on real MT output and on the bundled corpus.

On WMT21 news zh→en (`<data-dir>/mt/wmt21_newstest2021_zhen/`), each figure with and without the
Chinese source given as `source_text`:

  (a) do no harm: share of human reference lines (ref.en) that the cleanup changes;
  (b) chrF and BLEU (sacrebleu) of each system against ref.en, before and after cleanup;
  (c) MQM precision: share of corrections on the MQM-annotated segments (all rated systems and the
      human references) whose span overlaps a human-annotated target-side error span;
  (d) term accuracy: for source lines containing a glossary term, share of (line, term) pairs whose
      output contains the term's canonical or an accepted English form, before and after.

Plus correction precision/recall on the bundled corpus (`corpora/gold.json`, scored exactly like
`scripts/evaluate_corpus.py`). The stages run are normalize → (tokenize_en with --tokenize) →
cleanup, built by name through the stage registry; cleanup does not read tokens, so `--tokenize`
changes the run time, not the figures. Name repair from the source uses its own context rules; with
`--names-zh-stage` it also runs the Chinese entity stage on every source text (the pipeline default,
far slower).

    python scripts/eval_cleanup.py --json out/eval_cleanup.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pipeline.doc import Correction, Doc, apply_corrections  # noqa: E402
from pipeline.glossary import Glossary, load_glossary, normalize_source  # noqa: E402
from pipeline.registry import Stage, create_stage  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402

WMT_DIR = Path("mt") / "wmt21_newstest2021_zhen"
SYSTEMS = ("NiuTrans", "DIDI-NLP", "Online-W", "Online-Y")


class Cleaner:
    """normalize → [tokenize_en] → cleanup on one English text; returns the cleanup's corrections."""

    def __init__(self, tokenize: bool, **cleanup_options: Any) -> None:
        names = ["normalize", *(["tokenize_en"] if tokenize else []), "cleanup"]
        self.stages: list[Stage] = [
            create_stage(n, **(cleanup_options if n == "cleanup" else {})) for n in names
        ]
        self.seconds: Counter[str] = Counter()  # per stage, for a speed ratio against normalize

    def __call__(self, text: str, source: str | None) -> list[Correction]:
        doc = Doc(text, lang="en", source_text=source or None)
        for stage in self.stages:
            t0 = time.perf_counter()
            doc = stage(doc)
            self.seconds[stage.name] += time.perf_counter() - t0
        return [c for c in doc.corrections if not c.rule.startswith("normalize.")]


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def family(rule: str) -> str:
    """"glossary" for every glossary entry, else the rule id itself ("artifact.spacing")."""
    return rule.split(":")[0]


# --------------------------------------------------------------------------- (d) term accuracy
def terms_in_source(glossary: Glossary, source: str) -> list[Any]:
    norm = normalize_source(source)
    return [e for e in glossary if e.in_source(norm)]


def terms_rendered(glossary: Glossary, text: str) -> set[str]:
    return {m.entry.zh for m in glossary.find(text) if m.kind != "variant"}


# --------------------------------------------------------------------------- WMT
def eval_wmt(cleaner: Cleaner, glossary: Glossary, wmt: Path, use_source: bool, limit: int | None) -> dict[str, Any]:
    import sacrebleu

    src = read_lines(wmt / "src.zh")[:limit]
    ref = read_lines(wmt / "ref.en")[:limit]
    src_terms = [terms_in_source(glossary, s) for s in src]
    out: dict[str, Any] = {"lines": len(src), "systems": {}}
    for name in ("ref", *SYSTEMS):
        hyp = read_lines(wmt / ("ref.en" if name == "ref" else f"sys.{name}.en"))[:limit]
        after, changed, rules = [], 0, Counter()
        term_pairs = term_before = term_after = 0
        for i, text in enumerate(hyp):
            fixes = cleaner(text, src[i] if use_source else None)
            cleaned = apply_corrections(text, fixes)
            after.append(cleaned)
            changed += cleaned != text
            rules.update(family(c.rule) for c in fixes)
            if src_terms[i]:
                zh_before, zh_after = terms_rendered(glossary, text), terms_rendered(glossary, cleaned)
                for e in src_terms[i]:
                    term_pairs += 1
                    term_before += e.zh in zh_before
                    term_after += e.zh in zh_after
        row: dict[str, Any] = {
            "changed_lines": changed,
            "changed_share": changed / len(hyp) if hyp else 0.0,
            "corrections_by_family": dict(rules),
            "term_pairs": term_pairs,
            "term_acc_before": term_before / term_pairs if term_pairs else None,
            "term_acc_after": term_after / term_pairs if term_pairs else None,
        }
        if name != "ref":
            row["chrf_before"] = sacrebleu.corpus_chrf(hyp, [ref]).score
            row["chrf_after"] = sacrebleu.corpus_chrf(after, [ref]).score
            row["bleu_before"] = sacrebleu.corpus_bleu(hyp, [ref]).score
            row["bleu_after"] = sacrebleu.corpus_bleu(after, [ref]).score
        out["systems"][name] = row
    return out


def eval_mqm(cleaner: Cleaner, wmt: Path, use_source: bool, limit: int | None) -> dict[str, Any]:
    total = hits = 0
    by_family: dict[str, list[int]] = {}
    by_system: dict[str, list[int]] = {}
    with (wmt / "mqm.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    for rec in records[:limit]:
        spans = [(e["start"], e["end"]) for e in rec["errors"] if e["side"] == "target"]
        for c in cleaner(rec["target"], rec["source"] if use_source else None):
            hit = any(s < max(c.end, c.start + 1) and c.start < e for s, e in spans)
            total += 1
            hits += hit
            for key, table in ((family(c.rule), by_family), (rec["system"], by_system)):
                cell = table.setdefault(key, [0, 0])
                cell[0] += 1
                cell[1] += hit
    return {
        "segments": min(len(records), limit or len(records)),
        "corrections": total,
        "overlapping": hits,
        "precision": hits / total if total else None,
        "by_family": by_family,
        "by_system": by_system,
    }


# --------------------------------------------------------------------------- bundled corpus
def _evaluate_corpus_module():
    spec = importlib.util.spec_from_file_location("evaluate_corpus", ROOT / "scripts" / "evaluate_corpus.py")
    if spec is None or spec.loader is None:
        raise SystemExit("scripts/evaluate_corpus.py is missing; it scores the bundled corpus")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up while being defined
    spec.loader.exec_module(mod)
    return mod


def eval_corpus(cleaner: Cleaner, corpora: Path, use_source: bool) -> dict[str, Any]:
    ev = _evaluate_corpus_module()
    gold = [g for g in ev.read_jsonl(corpora / "gold.json") if g["lang"] == "en"]
    inputs = {r["id"]: r for r in ev.corpus_inputs(corpora, gold)}
    total = ev.CorrectionCounts()
    recalled: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for g in gold:
        rec = inputs[g["id"]]
        fixes = cleaner(rec["text"], rec.get("source_text") if use_source else None)
        pred = [{"start": c.start, "end": c.end, "original": c.original, "replacement": c.replacement,
                 "rule": c.rule} for c in fixes]
        counts, rec_kind, tot_kind = ev.score_corrections(rec["text"], g["corrections"], pred)
        total.add(counts)
        recalled.update(rec_kind)
        kinds.update(tot_kind)
    return {
        "documents": len(gold),
        "predicted": total.predicted,
        "right": total.right,
        "gold": total.gold,
        "recalled": total.recalled,
        "precision": total.precision,
        "recall": total.recall,
        "recall_by_kind": {k: [recalled[k], kinds[k]] for k in sorted(kinds)},
    }


# --------------------------------------------------------------------------- report
def _f(x: float | None, pct: bool = True) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.1f}%" if pct else f"{x:.2f}"


def render(results: dict[str, Any]) -> str:
    lines = []
    for mode, res in results["modes"].items():
        lines.append(f"\n### {mode}\n")
        if "wmt" in res:
            lines.append("| output | lines changed | chrF before → after | BLEU before → after | term acc. before → after (pairs) |")
            lines.append("|---|---:|---:|---:|---:|")
            for name, row in res["wmt"]["systems"].items():
                chrf = f"{row['chrf_before']:.2f} → {row['chrf_after']:.2f}" if "chrf_before" in row else "-"
                bleu = f"{row['bleu_before']:.2f} → {row['bleu_after']:.2f}" if "bleu_before" in row else "-"
                lines.append(
                    f"| {name} | {row['changed_lines']} ({_f(row['changed_share'])}) | {chrf} | {bleu} | "
                    f"{_f(row['term_acc_before'])} → {_f(row['term_acc_after'])} ({row['term_pairs']}) |"
                )
        if "mqm" in res:
            m = res["mqm"]
            fam = ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(m["by_family"].items()))
            lines.append(f"\nMQM overlap precision: {m['overlapping']}/{m['corrections']} = {_f(m['precision'])} "
                         f"on {m['segments']} segments ({fam})")
        if "corpus" in res:
            c = res["corpus"]
            lines.append(f"\nBundled corpus ({c['documents']} English documents): precision {c['right']}/"
                         f"{c['predicted']} = {_f(c['precision'])}, recall {c['recalled']}/{c['gold']} = "
                         f"{_f(c['recall'])}")
            lines.append("recall by kind: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in c["recall_by_kind"].items()))
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=data_dir(),
                    help="benchmark data folder (default: $GOVPIPE_DATA or ../shared/data)")
    ap.add_argument("--corpora", type=Path, default=ROOT / "corpora", help="bundled corpus folder")
    ap.add_argument("--glossary", action="append", default=[], metavar="FILE", help="extra glossary TSV")
    ap.add_argument("--min-confidence", type=float, default=0.0)
    ap.add_argument("--limit", type=int, help="only the first N WMT lines / MQM records (quick runs)")
    ap.add_argument("--tokenize", action="store_true", help="also run tokenize_en (slower, same figures)")
    ap.add_argument("--names-zh-stage", action="store_true",
                    help="let name repair run the Chinese entity stage on each source (much slower)")
    ap.add_argument("--only", choices=("wmt", "mqm", "corpus"), action="append",
                    help="run only these parts (repeatable; default all)")
    ap.add_argument("--json", type=Path, help="write all figures as JSON here")
    args = ap.parse_args(list(argv) if argv is not None else None)

    parts = set(args.only or ("wmt", "mqm", "corpus"))
    cleaner = Cleaner(args.tokenize, glossary=tuple(args.glossary), min_confidence=args.min_confidence,
                      names_zh_stage=args.names_zh_stage)
    glossary = load_glossary(tuple(args.glossary))
    wmt = args.data_dir / WMT_DIR
    if parts & {"wmt", "mqm"} and not wmt.exists():
        print(f"WMT21 data not found at {wmt}; pass --data-dir or set GOVPIPE_DATA", file=sys.stderr)
        parts -= {"wmt", "mqm"}
    results: dict[str, Any] = {"min_confidence": args.min_confidence, "glossary_entries": len(glossary),
                               "names_zh_stage": args.names_zh_stage, "modes": {}}
    for use_source in (False, True):
        mode = "with source_text" if use_source else "without source_text"
        res: dict[str, Any] = {}
        t0 = time.time()
        if "wmt" in parts:
            res["wmt"] = eval_wmt(cleaner, glossary, wmt, use_source, args.limit)
        if "mqm" in parts:
            res["mqm"] = eval_mqm(cleaner, wmt, use_source, args.limit)
        if "corpus" in parts and (args.corpora / "gold.json").exists():
            res["corpus"] = eval_corpus(cleaner, args.corpora, use_source)
        res["seconds"] = round(time.time() - t0, 1)
        res["stage_seconds"] = {k: round(v, 2) for k, v in cleaner.seconds.items()}
        if cleaner.seconds["normalize"]:
            res["cleanup_vs_normalize"] = round(cleaner.seconds["cleanup"] / cleaner.seconds["normalize"], 2)
        cleaner.seconds.clear()
        results["modes"][mode] = res
        print(render({"modes": {mode: res}}), flush=True)
        if "cleanup_vs_normalize" in res:
            print(f"speed: cleanup took {res['cleanup_vs_normalize']}x the time of normalize on the same documents")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
