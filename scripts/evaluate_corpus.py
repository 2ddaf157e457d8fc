"""Score pipeline output against the gold of the bundled corpus (`corpora/gold.json`).

Entities (strict span and type, per type, micro and macro, Chinese and English apart), officials (by
canonical name, and their titles) and English corrections. The matching rules are stated in
`corpora/README.md`; they are lenient only where two outputs say the same thing (name spelling folded
for case and spaces, a correction that yields the same text), never on what was found.

    govpipe run corpora/sample.jsonl corpora/txt -o out/corpus.jsonl
    python scripts/evaluate_corpus.py --pred out/corpus.jsonl
    python scripts/evaluate_corpus.py            # runs the pipeline in-process on the corpus
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
ENTITY_TYPES = ("person", "title", "government", "organization", "enterprise", "place")
LANGS = ("zh", "en")


class _Summable:
    """Counters that add up field by field over documents."""

    def add(self, other: "_Summable") -> None:
        for f in fields(self):  # type: ignore[arg-type]
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Counts(_Summable):
    """True positives, false positives, false negatives of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


# --------------------------------------------------------------------------- loading
def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON Lines; a broken line is reported with its number rather than a traceback."""
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc.msg}); fix or regenerate the file") from None
    return records


def index_predictions(preds: Iterable[dict[str, Any]], gold_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Map gold ids to predicted records; a folder run names `.txt` documents `txt/<id>`, so the last
    path component of a predicted id also matches."""
    wanted = set(gold_ids)
    out: dict[str, dict[str, Any]] = {}
    for rec in preds:
        pid = str(rec.get("id", ""))
        for key in (pid, pid.rsplit("/", 1)[-1]):
            if key in wanted and key not in out:
                out[key] = rec
                break
    return out


def corpus_inputs(corpora: Path, gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The input records of every gold document (from `sample.jsonl` or `txt/<id>.txt`)."""
    by_id = {r["id"]: r for r in read_jsonl(corpora / "sample.jsonl")}
    inputs = []
    for g in gold:
        if g["file"] == "sample.jsonl":
            inputs.append(by_id[g["id"]])
        else:
            inputs.append({"id": g["id"], "text": (corpora / g["file"]).read_text(encoding="utf-8")})
    return inputs


def run_pipeline(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the default pipeline in-process (the lead's API), one record per input."""
    sys.path.insert(0, str(ROOT))
    try:
        import pipeline  # noqa: PLC0415 - only needed without --pred

        nlp = pipeline.load()
    except ImportError as exc:
        raise SystemExit(
            f"cannot build the pipeline in-process ({exc}); run `govpipe run corpora/sample.jsonl corpora/txt "
            "-o out/corpus.jsonl` and pass --pred out/corpus.jsonl"
        ) from None
    return [nlp.to_record(doc) for doc in nlp.pipe(inputs)]


# --------------------------------------------------------------------------- entities
def score_entities(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, Counts]:
    """Strict match: (start, end, type) equal. Returns counts per type."""
    counts = {t: Counts() for t in ENTITY_TYPES}
    gold_set = Counter((e["start"], e["end"], e["type"]) for e in gold)
    pred_set = Counter((int(e["start"]), int(e["end"]), e.get("type")) for e in pred)
    for key in gold_set | pred_set:
        etype = key[2]
        if etype not in counts:
            counts[etype] = Counts()
        hit = min(gold_set[key], pred_set[key])
        counts[etype].tp += hit
        counts[etype].fn += gold_set[key] - hit
        counts[etype].fp += pred_set[key] - hit
    return counts


# --------------------------------------------------------------------------- officials
def name_key(name: str) -> str:
    """Romanized names compare without case, spaces, hyphens or apostrophes (Wuyun Qiqige = Wuyunqiqige)."""
    return re.sub(r"[\s\-'’·•]", "", name).casefold()


PLACE_WORDS = r"(?:(?!of\b|the\b|and\b)[a-z'’]+ ){0,4}"
LEVELS = "municipal|provincial|county|district|city|prefectural"
LEVEL_HEAD = {"district": "district mayor", "county": "county magistrate"}


@lru_cache(maxsize=1)
def _to_simplified() -> Callable[[str], str]:
    """Traditional → simplified, so that `市委副書記` and `市委副书记` are one title (opencc is a dependency)."""
    import opencc  # noqa: PLC0415 - only needed for Chinese titles

    return opencc.OpenCC("t2s").convert


def title_key(title: str) -> str:
    """Fold spelling variants of one English title; Chinese titles compare as written.

    `Vice Mayor` = `Deputy Mayor`, `Secretary General` = `Secretary-General`, `Chairwoman` = `Chairman`,
    `District Head` = `District Mayor`, `County Head` = `County Magistrate`, `Ningde Municipal Party
    Secretary` = `Secretary of the Municipal Party Committee`; a plural (`Deputy Directors`) = its
    singular; a leading article is dropped. Chinese titles compare in simplified script.
    """
    if re.search(r"[\u4e00-\u9fff]", title):
        return _to_simplified()(re.sub(r"\s+", "", title))
    t = re.sub(r"[\s\-]+", " ", title.strip()).casefold()
    t = re.sub(r"^(the|a|an) ", "", t)
    t = re.sub(r"\bvice\b", "deputy", t)
    t = re.sub(r"\bchair(wo)?(man|person)?\b", "chair", t)
    t = re.sub(r"s$", "", t)
    # One Chinese title, several accepted English renderings.
    t = re.sub(r"\b(district|county) (head|chief|governor)\b", lambda m: LEVEL_HEAD[m.group(1)], t)
    t = re.sub(r"\bcounty mayor\b", "county magistrate", t)
    # `Municipal Party Secretary` = `Secretary of the Municipal Party Committee`; a place inside the
    # committee's name qualifies the title, it is not part of it.
    t = re.sub(rf"^{PLACE_WORDS}(deputy )?({LEVELS}) party secretary$", r"\1secretary of the \2 party committee", t)
    t = re.sub(rf"^{PLACE_WORDS}party working committee (deputy )?secretary$",
               r"\1secretary of the party working committee", t)
    return re.sub(rf"\bof the {PLACE_WORDS}(({LEVELS}) party committee|party working committee)", r"of the \1", t)


def score_officials(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[Counts, Counts]:
    """(officials matched by canonical name, (official, title) pairs of matched and unmatched officials)."""
    people = Counts()
    titles = Counts()
    gold_by = {name_key(o["name"]): o for o in gold}
    pred_by: dict[str, dict[str, Any]] = {}
    for o in pred:
        pred_by.setdefault(name_key(str(o.get("name", ""))), o)
    for key, g in gold_by.items():
        gt = {title_key(t) for t in g["titles"]}
        p = pred_by.get(key)
        if p is None:
            people.fn += 1
            titles.fn += len(gt)
            continue
        people.tp += 1
        pt = {title_key(t) for t in p.get("titles", [])}
        titles.tp += len(gt & pt)
        titles.fn += len(gt - pt)
        titles.fp += len(pt - gt)
    for key, p in pred_by.items():
        if key not in gold_by:
            people.fp += 1
            titles.fp += len({title_key(t) for t in p.get("titles", [])})
    return people, titles


# --------------------------------------------------------------------------- corrections
def _fold(s: str) -> str:
    """Case, hyphenation and spacing are not what a correction is judged on."""
    return " ".join(s.replace("-", " ").split()).casefold()


def _apply_all(text: str, corrections: list[dict[str, Any]]) -> str:
    """`text` with non-overlapping corrections applied (the gold's clean text)."""
    out, pos = [], 0
    for c in sorted(corrections, key=lambda c: (c["start"], c["end"])):
        out += [text[pos : c["start"]], c["replacement"]]
        pos = c["end"]
    return "".join(out) + text[pos:]


def _apply_in_window(text: str, lo: int, hi: int, corr: dict[str, Any]) -> str:
    return text[lo : corr["start"]] + corr["replacement"] + text[corr["end"] : hi]


def correction_agrees(text: str, gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """A prediction agrees with a gold correction when the spans overlap and it makes the same change:
    the same replacement, or the same text over the union of the two spans."""
    ps, pe = int(pred["start"]), int(pred["end"])
    overlap = ps < gold["end"] and gold["start"] < pe
    # An insertion (empty span) overlaps when it sits inside or at the edge of the gold span.
    if ps == pe:
        overlap = gold["start"] <= ps <= gold["end"]
    if not overlap:
        return False
    accepted = [gold["replacement"], *gold.get("alternatives", [])]
    if _fold(pred["replacement"]) in {_fold(a) for a in accepted}:
        return True
    lo, hi = min(ps, gold["start"]), max(pe, gold["end"])
    p = {"start": ps, "end": pe, "replacement": pred["replacement"]}
    mine = _fold(_apply_in_window(text, lo, hi, p))
    return any(mine == _fold(_apply_in_window(text, lo, hi, dict(gold, replacement=a))) for a in accepted)


@dataclass
class CorrectionCounts(_Summable):
    """Precision is over predicted edits, recall over gold edits (one prediction may fix two)."""

    predicted: int = 0
    right: int = 0
    gold: int = 0
    recalled: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 0.0


def score_corrections(
    text: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]], include_normalization: bool = False
) -> tuple[CorrectionCounts, Counter[str], Counter[str]]:
    """(counts, recalled gold edits by kind, gold edits by kind)."""
    if not include_normalization:
        pred = [p for p in pred if not str(p.get("rule", "")).startswith("normalize.")]
    counts = CorrectionCounts(predicted=len(pred), gold=len(gold))
    hit_gold: set[int] = set()
    for p in pred:
        matches = [i for i, g in enumerate(gold) if correction_agrees(text, g, p)]
        counts.right += bool(matches)
        hit_gold.update(matches)
    counts.recalled = len(hit_gold)
    total: Counter[str] = Counter(g.get("kind", "?") for g in gold)
    recalled: Counter[str] = Counter(gold[i].get("kind", "?") for i in hit_gold)
    return counts, recalled, total


# --------------------------------------------------------------------------- report
@dataclass
class Report:
    entities: dict[str, dict[str, Counts]]
    people: dict[str, Counts]
    titles: dict[str, Counts]
    corrections: CorrectionCounts
    by_kind: list[tuple[str, int, int]]
    missing: list[str]
    docs: dict[str, int]
    split: str = "all"


def evaluate(
    gold_docs: list[dict[str, Any]], preds: dict[str, dict[str, Any]], texts: dict[str, str],
    include_normalization: bool = False,
) -> Report:
    entities = {lang: {t: Counts() for t in ENTITY_TYPES} for lang in LANGS}
    people = {lang: Counts() for lang in LANGS}
    titles = {lang: Counts() for lang in LANGS}
    corr = CorrectionCounts()
    recalled: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missing = []
    docs: Counter[str] = Counter()
    for g in gold_docs:
        lang = g["lang"]
        docs[lang] += 1
        p = preds.get(g["id"])
        if p is None:
            missing.append(g["id"])
            p = {}
        for etype, c in score_entities(g["entities"], p.get("entities", [])).items():
            entities[lang].setdefault(etype, Counts()).add(c)
        ppl, ttl = score_officials(g["officials"], p.get("officials", []))
        people[lang].add(ppl)
        titles[lang].add(ttl)
        if lang == "en":
            c, rec, tot = score_corrections(texts[g["id"]], g["corrections"], p.get("corrections", []), include_normalization)
            corr.add(c)
            recalled.update(rec)
            total.update(tot)
    by_kind = [(k, recalled[k], total[k]) for k in sorted(total)]
    return Report(entities, people, titles, corr, by_kind, missing, dict(docs))


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def entity_table(counts: dict[str, Counts]) -> list[str]:
    lines = ["| type | P | R | F1 | gold |", "|---|---:|---:|---:|---:|"]
    micro = Counts()
    scored = []
    for etype in ENTITY_TYPES:
        c = counts[etype]
        micro.add(c)
        if c.support:
            scored.append(c)
        lines.append(f"| {etype} | {_pct(c.precision)} | {_pct(c.recall)} | {_pct(c.f1)} | {c.support} |")
    for etype, c in counts.items():
        if etype not in ENTITY_TYPES and c.fp:
            lines.append(f"| (unknown type {etype!r}) | 0.0 | - | - | 0 |")
            micro.add(c)
    macro = sum(c.f1 for c in scored) / len(scored) if scored else 0.0
    lines.append(f"| **micro** | {_pct(micro.precision)} | {_pct(micro.recall)} | {_pct(micro.f1)} | {micro.support} |")
    lines.append(f"| **macro F1** (types with gold) | | | {_pct(macro)} | |")
    return lines


def render(report: Report) -> str:
    out = [f"# Bundled corpus evaluation ({report.split} documents)", ""]
    out.append(f"Documents: {report.docs.get('zh', 0)} Chinese, {report.docs.get('en', 0)} English.")
    if report.missing:
        out.append(f"**No prediction for {len(report.missing)} document(s)** (scored as empty): {', '.join(report.missing)}")
    for lang in LANGS:
        out += ["", f"## Entities ({lang}, strict span + type)", ""] + entity_table(report.entities[lang])
    out += ["", "## Officials", "", "| lang | officials P | officials R | titles P | titles R |", "|---|---:|---:|---:|---:|"]
    for lang in LANGS:
        p, t = report.people[lang], report.titles[lang]
        out.append(f"| {lang} | {_pct(p.precision)} | {_pct(p.recall)} | {_pct(t.precision)} | {_pct(t.recall)} |")
    c = report.corrections
    out += ["", "## Corrections (English)", "", "| predicted | right | precision | gold | recalled | recall |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {c.predicted} | {c.right} | {_pct(c.precision)} | {c.gold} | {c.recalled} | {_pct(c.recall)} |",
            "", "| kind | recalled / gold |", "|---|---:|"]
    out += [f"| {kind} | {r} / {n} |" for kind, r, n in report.by_kind]
    return "\n".join(out) + "\n"


def render_errors(
    gold_docs: list[dict[str, Any]], preds: dict[str, dict[str, Any]], texts: dict[str, str],
    include_normalization: bool = False,
) -> str:
    """Per document: missed (-) and spurious (+) entities, officials and corrections, for error analysis."""
    out = ["", "## Errors", ""]
    for g in gold_docs:
        p = preds.get(g["id"], {})
        text = texts[g["id"]]
        lines = []
        gold_e = {(e["start"], e["end"], e["type"]) for e in g["entities"]}
        pred_e = {(int(e["start"]), int(e["end"]), e.get("type")) for e in p.get("entities", [])}
        lines += [f"- entity {t} {text[s:e]!r} @{s}" for s, e, t in sorted(gold_e - pred_e)]
        lines += [f"+ entity {t} {text[s:e]!r} @{s}" for s, e, t in sorted(pred_e - gold_e)]
        gold_o = {name_key(o["name"]): o for o in g["officials"]}
        pred_o = {name_key(str(o.get("name", ""))): o for o in p.get("officials", [])}
        for k in gold_o.keys() | pred_o.keys():
            gt = {title_key(t) for t in gold_o[k]["titles"]} if k in gold_o else set()
            pt = {title_key(t) for t in pred_o[k].get("titles", [])} if k in pred_o else set()
            name = (gold_o.get(k) or pred_o[k])["name"]
            if k not in pred_o or k not in gold_o or gt != pt:
                lines.append(f"~ official {name}: gold {sorted(gt) if k in gold_o else None} pred {sorted(pt) if k in pred_o else None}")
        if g["lang"] == "en":
            pred_c = [c for c in p.get("corrections", [])
                      if include_normalization or not str(c.get("rule", "")).startswith("normalize.")]
            for c in g["corrections"]:
                if not any(correction_agrees(text, c, q) for q in pred_c):
                    lines.append(f"- correction {c['original']!r} -> {c['replacement']!r} ({c['kind']})")
            for q in pred_c:
                if not any(correction_agrees(text, c, q) for c in g["corrections"]):
                    lines.append(f"+ correction {text[int(q['start']):int(q['end'])]!r} -> {q['replacement']!r} ({q.get('rule')})")
        if lines:
            out += [f"### {g['id']}", "", "```", *lines, "```", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pred", type=Path, help="pipeline output JSONL (default: run the pipeline in-process)")
    ap.add_argument("--corpora", type=Path, default=CORPORA, help="corpus folder with gold.json (default: corpora/)")
    ap.add_argument("--include-normalization", action="store_true",
                    help="also score corrections whose rule starts with 'normalize.'")
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all",
                    help="score only the documents of one split (corpora/README.md: tune on dev, report test)")
    ap.add_argument("--min-confidence", type=float, default=0.0,
                    help="score only predicted corrections with at least this confidence (precision/recall trade-off)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--errors", action="store_true", help="also list every missed and spurious item per document")
    args = ap.parse_args(argv)
    gold_path = args.corpora / "gold.json"
    if not gold_path.exists():
        print(f"error: {gold_path} not found; run scripts/build_corpus_gold.py", file=sys.stderr)
        return 2
    gold = read_jsonl(gold_path)
    if args.split != "all":
        gold = [g for g in gold if g.get("split", "dev") == args.split]
    inputs = corpus_inputs(args.corpora, gold)
    texts = {r["id"]: r["text"] for r in inputs}
    if args.pred:
        if not args.pred.exists():
            print(f"error: {args.pred} not found; produce it with `govpipe run corpora/sample.jsonl corpora/txt -o {args.pred}`", file=sys.stderr)
            return 2
        raw_preds = read_jsonl(args.pred)
    else:
        raw_preds = run_pipeline(inputs)
    preds = index_predictions(raw_preds, texts)
    if args.min_confidence > 0:
        for rec in preds.values():
            rec["corrections"] = [c for c in rec.get("corrections", [])
                                  if float(c.get("confidence", 1.0)) >= args.min_confidence]
    for gid, rec in preds.items():
        if rec.get("text") not in (None, texts[gid]):
            print(f"warning: predicted text of {gid} differs from the corpus; offsets may not line up", file=sys.stderr)
    report = evaluate(gold, preds, texts, args.include_normalization)
    report.split = args.split
    print(render(report), end="")
    if args.errors:
        print(render_errors(gold, preds, texts, args.include_normalization), end="")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "entities": {lang: {t: vars(c) for t, c in report.entities[lang].items()} for lang in LANGS},
            "officials": {lang: vars(report.people[lang]) for lang in LANGS},
            "titles": {lang: vars(report.titles[lang]) for lang in LANGS},
            "corrections": vars(report.corrections),
        }
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
