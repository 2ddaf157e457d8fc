"""Build the bundled corpus and its gold annotations from the hand-written `corpora/gold_src/*.ann`.

Gold is written as inline markup so that offsets are computed, never typed by hand: a span typed with
an off-by-one offset would silently teach every evaluation the wrong thing. The markup is described in
`corpora/README.md`. Outputs: `corpora/sample.jsonl`, `corpora/txt/<id>.txt`, `corpora/gold.json`.

    python scripts/build_corpus_gold.py          # regenerate
    python scripts/build_corpus_gold.py --check  # fail if the generated files are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
ENTITY_TYPES = ("person", "title", "government", "organization", "enterprise", "place")
CORRECTION_KINDS = ("term", "name", "company", "place", "title", "body", "case", "repeat", "spacing")
MARKUP_CHARS = set("[]{}|")
HEADER_KEYS = ("id", "lang", "format", "title", "date", "place")
SECTIONS = ("text", "source_text", "officials")
STATS_START = "<!-- stats:start"
STATS_END = "<!-- stats:end -->"


class CorpusSourceError(ValueError):
    """A `.ann` source file is malformed; the message names the file and what to fix."""


@dataclass
class Parsed:
    """Plain text and the spans the markup put on it."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)


def parse_markup(marked: str, where: str = "<text>") -> Parsed:
    """Strip `[span|type(|canonical)]` and `{orig=>repl|kind}` markup, recording offsets into the result.

    An entity may contain a correction; a correction's original part may contain entities; the
    replacement part is plain text.
    """
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    res = Parsed(text="")
    i, n = 0, len(marked)
    while i < n:
        ch = marked[i]
        if ch == "[":
            stack.append(("ent", len(out)))
            i += 1
        elif ch == "{":
            stack.append(("cor", len(out)))
            i += 1
        elif ch == "|" and stack and stack[-1][0] == "ent":
            close = marked.find("]", i)
            if close < 0:
                raise CorpusSourceError(f"{where}: entity spec at {i} has no closing ']'")
            spec = marked[i + 1 : close].split("|")
            etype = spec[0].strip()
            if etype not in ENTITY_TYPES:
                raise CorpusSourceError(f"{where}: unknown entity type {etype!r} at {i}; use one of {ENTITY_TYPES}")
            _, start = stack.pop()
            ent: dict[str, Any] = {"type": etype, "text": "".join(out[start:]), "start": start, "end": len(out)}
            inner = [c for c in res.corrections if c["start"] >= start and c["end"] <= len(out)]
            if len(spec) > 1 and spec[1].strip():
                ent["canonical"] = spec[1].strip()
            elif len(inner) == 1 and inner[0]["start"] == start and inner[0]["end"] == len(out):
                ent["canonical"] = inner[0]["replacement"]
            res.entities.append(ent)
            i = close + 1
        elif marked.startswith("=>", i) and stack and stack[-1][0] == "cor":
            close = marked.find("}", i)
            if close < 0:
                raise CorpusSourceError(f"{where}: correction at {i} has no closing '}}'")
            body, _, kind = marked[i + 2 : close].rpartition("|")
            kind = kind.strip()
            repl, *alternatives = body.split("||")
            if kind not in CORRECTION_KINDS:
                raise CorpusSourceError(f"{where}: correction kind {kind!r} at {i}; use one of {CORRECTION_KINDS}")
            _, start = stack.pop()
            corr = {"start": start, "end": len(out), "original": "".join(out[start:]), "replacement": repl, "kind": kind}
            if alternatives:
                corr["alternatives"] = alternatives
            res.corrections.append(corr)
            i = close + 1
        elif ch in MARKUP_CHARS:
            raise CorpusSourceError(f"{where}: stray markup character {ch!r} at {i}: {marked[max(0, i - 30):i + 30]!r}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise CorpusSourceError(f"{where}: {len(stack)} unclosed markup span(s), first opened at output offset {stack[0][1]}")
    res.text = "".join(out)
    res.entities.sort(key=lambda e: (e["start"], e["end"]))
    res.corrections.sort(key=lambda c: (c["start"], c["end"]))
    return res


def parse_officials(block: str, where: str) -> list[dict[str, Any]]:
    officials = []
    for line in block.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            raise CorpusSourceError(f"{where}: official line needs 'name | zh | titles [| organization]': {line!r}")
        off: dict[str, Any] = {"name": parts[0], "titles": [t.strip() for t in parts[2].split(";") if t.strip()]}
        if parts[1]:
            off["zh"] = parts[1]
        if len(parts) > 3 and parts[3]:
            off["organization"] = parts[3]
        if not off["titles"]:
            raise CorpusSourceError(f"{where}: official {parts[0]!r} has no title (an official has at least one)")
        officials.append(off)
    return officials


def read_source(path: Path) -> dict[str, Any]:
    """Parse one `.ann` file into its input record and gold record."""
    raw = path.read_text(encoding="utf-8")
    header_part, *section_parts = raw.split("\n=== ")
    header: dict[str, str] = {}
    for line in header_part.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            header[key.strip()] = value.strip()
    missing = [k for k in HEADER_KEYS if k not in header]
    if missing:
        raise CorpusSourceError(f"{path}: header lacks {missing}")
    if header["lang"] not in ("zh", "en") or header["format"] not in ("jsonl", "txt"):
        raise CorpusSourceError(f"{path}: lang must be zh|en and format jsonl|txt")
    sections: dict[str, str] = {}
    for part in section_parts:
        name, _, body = part.partition("\n")
        if name.strip() not in SECTIONS:
            raise CorpusSourceError(f"{path}: unknown section {name!r}; use one of {SECTIONS}")
        sections[name.strip()] = body.rstrip("\n")
    if "text" not in sections:
        raise CorpusSourceError(f"{path}: no '=== text' section")
    parsed = parse_markup(sections["text"], str(path))
    for e in parsed.entities:
        if not e["text"] or e["text"] != e["text"].strip():
            raise CorpusSourceError(f"{path}: entity {e['text']!r} at {e['start']} is empty or has outer spaces")
    for c in parsed.corrections:
        if not c["original"] or c["original"] == c["replacement"]:
            raise CorpusSourceError(f"{path}: correction {c['original']!r} at {c['start']} is empty or changes nothing")
    if header["lang"] == "zh" and parsed.corrections:
        raise CorpusSourceError(f"{path}: corrections are for English documents only")
    source_text = None
    if "source_text" in sections:
        body = sections["source_text"].strip()
        if body.startswith("@from "):
            # The translation of another document of the corpus: reuse its text verbatim.
            origin = path.with_name(body[len("@from ") :].strip() + ".ann")
            if not origin.exists():
                raise CorpusSourceError(f"{path}: source_text refers to missing {origin.name}")
            body = origin.read_text(encoding="utf-8").split("\n=== text\n", 1)[1].split("\n=== ", 1)[0].rstrip("\n")
        source_text = parse_markup(body, f"{path}:source_text").text
    meta = {"title": header["title"], "date": header["date"], "place": header["place"], "source": "written for govpipe"}
    record: dict[str, Any] = {"id": header["id"], "text": parsed.text, "meta": meta}
    if source_text:
        record["source_text"] = source_text
    split = header.get("split", "dev")
    if split not in ("dev", "test"):
        raise CorpusSourceError(f"{path}: split must be dev or test, not {split!r}")
    gold = {
        "id": header["id"],
        "lang": header["lang"],
        "split": split,
        "file": "sample.jsonl" if header["format"] == "jsonl" else f"txt/{header['id']}.txt",
        "entities": parsed.entities,
        "officials": parse_officials(sections.get("officials", ""), str(path)),
        "corrections": parsed.corrections if header["lang"] == "en" else [],
    }
    return {"format": header["format"], "record": record, "gold": gold}


def stats_table(gold: list[dict[str, Any]], sample_jsonl: str) -> str:
    """Counts per language: documents, inputs with source_text, plain-text files, entities, officials, edits."""
    with_source = {json.loads(line)["id"] for line in sample_jsonl.splitlines() if "source_text" in json.loads(line)}
    rows = [("documents", lambda g: 1), ("test split", lambda g: g["split"] == "test"),
            ("with source_text", lambda g: g["id"] in with_source),
            ("as .txt", lambda g: g["file"] != "sample.jsonl"),
            ("without corrections", lambda g: g["lang"] == "en" and not g["corrections"])]
    rows += [(t, lambda g, t=t: sum(e["type"] == t for e in g["entities"])) for t in ENTITY_TYPES]
    rows += [("officials", lambda g: len(g["officials"])),
             ("(official, title) pairs", lambda g: sum(len(o["titles"]) for o in g["officials"]))]
    rows += [(f"corrections: {k}", lambda g, k=k: sum(c["kind"] == k for c in g["corrections"])) for k in CORRECTION_KINDS]
    lines = ["| | zh | en |", "|---|---:|---:|"]
    for label, count in rows:
        zh = sum(int(count(g)) for g in gold if g["lang"] == "zh")
        en = sum(int(count(g)) for g in gold if g["lang"] == "en")
        lines.append(f"| {label} | {zh} | {en} |")
    return "\n".join(lines) + "\n"


def build(src_dir: Path) -> dict[str, str]:
    """Return {relative output path: content} for every generated file."""
    docs = [read_source(p) for p in sorted(src_dir.glob("*.ann"))]
    ids = [d["gold"]["id"] for d in docs]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise CorpusSourceError(f"duplicate ids in {src_dir}: {dup}")
    files: dict[str, str] = {}
    jsonl_lines = []
    gold_lines = []
    for d in docs:
        if d["format"] == "jsonl":
            jsonl_lines.append(json.dumps(d["record"], ensure_ascii=False))
        else:
            files[f"txt/{d['record']['id']}.txt"] = d["record"]["text"] + "\n"
        gold_lines.append(json.dumps(d["gold"], ensure_ascii=False))
    files["sample.jsonl"] = "\n".join(jsonl_lines) + "\n"
    files["gold.json"] = "\n".join(gold_lines) + "\n"
    readme = src_dir.parent / "README.md"
    if readme.exists():
        files["README.md"] = with_stats(readme.read_text(encoding="utf-8"),
                                        stats_table([json.loads(g) for g in gold_lines], files["sample.jsonl"]))
    return files


def with_stats(readme: str, table: str) -> str:
    """The README with its statistics block (between the stats markers) replaced by `table`."""
    start = readme.find(STATS_START)
    end = readme.find(STATS_END)
    if start < 0 or end < start:
        return readme
    head = readme[: readme.index("\n", start) + 1]
    return head + table + readme[end:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA, help="corpus folder (default: corpora/)")
    ap.add_argument("--check", action="store_true", help="only verify the generated files are up to date")
    ap.add_argument("--stats", action="store_true", help="print a Markdown table of what the corpus holds")
    args = ap.parse_args(argv)
    try:
        files = build(args.corpora / "gold_src")
    except CorpusSourceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    stale = [rel for rel, content in files.items()
             if not (args.corpora / rel).exists() or (args.corpora / rel).read_text(encoding="utf-8") != content]
    known_txt = {rel for rel in files if rel.startswith("txt/")}
    extra = [str(p.relative_to(args.corpora)) for p in (args.corpora / "txt").glob("*.txt")
             if str(p.relative_to(args.corpora)) not in known_txt] if (args.corpora / "txt").exists() else []
    if args.stats:
        print(stats_table([json.loads(line) for line in files["gold.json"].splitlines()], files["sample.jsonl"]), end="")
        return 0
    if args.check:
        if stale or extra:
            print(f"stale: {stale} extra: {extra}; run scripts/build_corpus_gold.py", file=sys.stderr)
            return 1
        return 0
    for rel, content in files.items():
        out = args.corpora / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(content, encoding="utf-8")
    for rel in extra:
        (args.corpora / rel).unlink()
    n_docs = files["gold.json"].count("\n")
    print(f"wrote {n_docs} documents ({len(known_txt)} as .txt), {len(stale)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
