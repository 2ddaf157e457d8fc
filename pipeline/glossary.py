"""The term glossary: Chinese set phrases, their canonical English, and the renderings MT garbles them into.

Machine translation of Chinese government news fails in predictable, phrase-level ways ("carbon
Dharma carbon" for 碳达峰碳中和, "faucet enterprises" for 龙头企业, "Jing Macao Technology" for
晶澳科技), so a curated list of phrases with their known garbles repairs them better than any
model we could train here. The format is documented in `models/glossary_README.md`; users add or
override entries with their own files (`--glossary FILE`).

Matching works on word tokens rather than raw characters so that it tolerates case, inflection
(plural, -ing, -ed), hyphens and line breaks, and never fires inside another word. It never fires
on a span that is (part of) a correct translation: canonical and accepted forms are found first and
protect the text they cover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import ResourceError
from .resources import resource_path

GLOSSARY_FILE = "glossary.tsv"
ENTRY_TYPES = ("term", "title", "body", "enterprise", "place", "organization")
NAME_TYPES = frozenset({"enterprise", "place", "organization"})
# Company words written abbreviated, whose period belongs to the name (Co., Corp., Inc., Ltd.).
ABBREVIATED_COMPANY_WORDS = frozenset({"Co", "Corp", "Inc", "Ltd"})

_WORD = re.compile(r"[^\W_]+")
# Between two words of a phrase: whitespace runs (line breaks included), hyphens and apostrophes are
# all "the same gap"; a comma, ampersand or slash must match literally; anything else ends the phrase.
_SOFT_GAP = re.compile(r"[\s\-\u2010\u2011\u2012\u2013'\u2019]*")
_HARD_GAP = re.compile(r"[\s\-\u2010\u2011\u2012\u2013'\u2019]*([,&/])[\s\-\u2010\u2011\u2012\u2013'\u2019]*")
_ZH_NOISE = re.compile(r"[\s、·•“”\"'‘’「」《》（）()]+")


def gap_kind(text: str, start: int, end: int) -> str | None:
    """Classify the characters between two words: " ", ",", "&", "/", or None (the phrase breaks)."""
    if _SOFT_GAP.fullmatch(text, start, end):
        return " "
    m = _HARD_GAP.fullmatch(text, start, end)
    return m.group(1) if m else None


def alternation(phrases: Iterable[str]) -> str:
    """Regex alternation, longest first (so that "Dehong" never stops short at a shorter name), spaces
    matching any whitespace run."""
    uniq = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in uniq)


def stem(word: str) -> str:
    """Fold case and regular inflection so that "enterprises"/"Enterprise" and "peaking"/"peak" meet.

    Deliberately crude: it only has to map a word and its inflected forms to the same key, and it is
    applied identically to glossary phrases and text, so over-stemming is harmless.
    """
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith(("ches", "shes", "xes", "zes")):
        return w[:-2]
    if w.endswith("ing") and len(w) > 5:
        base = w[:-3]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]
        return base.rstrip("e")
    if w.endswith("ed") and len(w) > 4:
        base = w[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]
        return base.rstrip("e")
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w.rstrip("e") if len(w) > 3 else w


@dataclass(frozen=True)
class Variant:
    """One known wrong rendering. `ambiguous` ones are also ordinary English ("faucet") and need
    evidence: the entry's Chinese in `source_text`, or a context word nearby when there is no source."""

    text: str
    ambiguous: bool = False
    case_sensitive: bool = False
    replacement: str | None = None
    literal: bool = False  # predicted from a dictionary (`pipeline.literal`), not listed in the glossary


@dataclass(frozen=True)
class GlossaryEntry:
    """One set phrase: `zh` (primary Chinese form), `canonical` English, `type`, known `variants`."""

    zh: str
    canonical: str
    type: str
    variant_specs: tuple[Variant, ...] = ()
    accepted: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    zh_forms: tuple[str, ...] = ()
    zh_exclude: tuple[str, ...] = ()
    origin: str = ""

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(v.text for v in self.variant_specs)

    @property
    def correct_forms(self) -> tuple[str, ...]:
        """Every rendering that counts as right: the canonical form and the accepted alternatives."""
        return (self.canonical, *self.accepted)

    def in_source(self, source_norm: str) -> bool:
        """Whether any Chinese form occurs in a source text normalized by `normalize_source`,
        outside the longer words listed in `zh_exclude` (龙头 inside 水龙头 is a tap, not a leader)."""
        for word in self.zh_exclude:
            source_norm = source_norm.replace(word, "\u3000")
        return any(_ZH_NOISE.sub("", z) in source_norm for z in self.zh_forms)


@dataclass(frozen=True)
class GlossaryMatch:
    """A phrase found in English text; `kind` is "variant" (a garble), "canonical" or "accepted"."""

    start: int
    end: int
    entry: GlossaryEntry
    kind: str
    variant: Variant | None = None


def normalize_source(source_text: str) -> str:
    """Chinese source with spaces, enumeration commas and quotes removed (碳达峰、碳中和 → 碳达峰碳中和)."""
    return _ZH_NOISE.sub("", source_text)


@dataclass
class _Node:
    children: dict[str, "_Node"] = field(default_factory=dict)
    # (entry, kind, variant, exact words if case-sensitive, required capitals if a name)
    hits: list[
        tuple[GlossaryEntry, str, Variant | None, tuple[str, ...] | None, tuple[bool, ...] | None]
    ] = field(default_factory=list)


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


class Glossary:
    """Entries plus a token trie over every variant, canonical and accepted form."""

    def __init__(self, entries: list[GlossaryEntry]) -> None:
        self.entries: tuple[GlossaryEntry, ...] = tuple(entries)
        self.by_zh: dict[str, GlossaryEntry] = {}
        for e in self.entries:
            for z in e.zh_forms:
                self.by_zh.setdefault(z, e)
        self._root = _Node()
        for e in self.entries:
            for form in e.correct_forms:
                self._add(form, e, "canonical" if form == e.canonical else "accepted", None)
            for v in e.variant_specs:
                self._add(v.text, e, "variant", v)

    def _add(self, phrase: str, entry: GlossaryEntry, kind: str, variant: Variant | None) -> None:
        spans = _words(phrase)
        words = [w for _, _, w in spans]
        if not words:
            return
        node = self._root
        for k, w in enumerate(words):
            gap = "" if k == 0 else gap_kind(phrase, spans[k - 1][1], spans[k][0]) or " "
            node = node.children.setdefault(gap + stem(w), _Node())
        exact = tuple(words) if variant is not None and variant.case_sensitive else None
        # A literal rendering of a name is a name in the MT output too: it starts with a capital
        # ("Purple Light Group" is 紫光, "a purple light group" is not; "Ningde era" still is 宁德时代).
        caps = (
            (words[0][:1].isupper(),) if variant is not None and entry.type in NAME_TYPES else None
        )
        if not any(h[0] is entry and h[3] == exact and h[4] == caps for h in node.hits):
            node.hits.append((entry, kind, variant, exact, caps))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return iter(self.entries)

    def of_type(self, *types: str) -> list[GlossaryEntry]:
        """Entries of the given types (e.g. "enterprise", "place") for entity extraction."""
        return [e for e in self.entries if e.type in types]

    def zh_names(self, *types: str) -> dict[str, str]:
        """Chinese form → canonical English for the entries of `types`: the names the Chinese entity
        stage knows (晶澳科技, 晶澳 → JA Solar), so that Chinese and English records meet."""
        return {form: e.canonical for e in self.of_type(*types) for form in e.zh_forms}

    def find(self, text: str) -> list[GlossaryMatch]:
        """Every longest phrase match at each word position, in text order (matches may overlap)."""
        words = _words(text)
        stems = [stem(w) for _, _, w in words]
        out: list[GlossaryMatch] = []
        for i in range(len(words)):
            node = self._root
            best: list[GlossaryMatch] = []
            j = i
            while j < len(words):
                gap = "" if j == i else gap_kind(text, words[j - 1][1], words[j][0])
                if gap is None:
                    break
                node = node.children.get(gap + stems[j])  # type: ignore[assignment]
                if node is None:
                    break
                if node.hits:
                    span_words = tuple(w for _, _, w in words[i : j + 1])
                    found = [
                        GlossaryMatch(words[i][0], words[j][1], entry, kind, variant)
                        for entry, kind, variant, exact, caps in node.hits
                        if (exact is None or exact == span_words)
                        and (caps is None or all(w[:1].isupper() or not c for w, c in zip(span_words, caps)))
                    ]
                    if found:
                        best = found
                j += 1
            out.extend(best)
        return out


def _split(field_text: str) -> tuple[str, ...]:
    if field_text in ("", "-"):
        return ()
    return tuple(p.strip() for p in field_text.split("|") if p.strip())


def _parse_variant(raw: str) -> Variant:
    """`?` prefix: ambiguous; `=` prefix: case-sensitive; `garble>>replacement`: own replacement."""
    ambiguous = case_sensitive = False
    while raw[:1] in ("?", "="):
        ambiguous |= raw[0] == "?"
        case_sensitive |= raw[0] == "="
        raw = raw[1:]
    text, sep, replacement = raw.partition(">>")
    return Variant(text.strip(), ambiguous, case_sensitive, replacement.strip() if sep else None)


def parse_glossary(path: Path) -> list[GlossaryEntry]:
    """Parse one glossary TSV; a malformed line raises ResourceError naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read glossary {path}: {exc}; it must be a UTF-8 TSV file") from exc
    entries: list[GlossaryEntry] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        where = f"{path}:{lineno}"
        if len(cols) < 3 or len(cols) > 6:
            raise ResourceError(
                f"{where}: expected 3 to 6 tab-separated columns (zh, canonical, type[, variants"
                f"[, accepted[, context]]]), found {len(cols)}; see models/glossary_README.md"
            )
        cols += [""] * (6 - len(cols))
        zh, canonical, etype, variants, accepted, context = cols
        zh_forms = tuple(z for z in _split(zh) if not z.startswith("-"))
        zh_exclude = tuple(z[1:] for z in _split(zh) if z.startswith("-") and len(z) > 1)
        if not zh_forms or not canonical or not _WORD.search(canonical):
            raise ResourceError(f"{where}: the zh and canonical columns must not be empty")
        if etype not in ENTRY_TYPES:
            raise ResourceError(
                f"{where}: unknown type {etype!r}; use one of {', '.join(ENTRY_TYPES)}"
            )
        specs = tuple(_parse_variant(v) for v in _split(variants))
        if any(not _WORD.search(v.text) or v.replacement == "" for v in specs):
            raise ResourceError(
                f"{where}: a variant has no letters or digits, or an empty `>>` replacement: {variants!r}"
            )
        entries.append(
            GlossaryEntry(
                zh=zh_forms[0],
                canonical=canonical,
                type=etype,
                variant_specs=specs,
                accepted=_split(accepted),
                context=tuple(stem(c) for c in _split(context)),
                zh_forms=zh_forms,
                zh_exclude=zh_exclude,
                origin=where,
            )
        )
    return entries


@lru_cache(maxsize=16)
def load_glossary(extra_paths: tuple[str, ...] = ()) -> Glossary:
    """The bundled glossary plus user files; a user entry replaces a bundled one with the same zh."""
    merged: dict[str, GlossaryEntry] = {}
    for path in (resource_path(GLOSSARY_FILE), *map(Path, extra_paths)):
        if not path.exists():
            raise ResourceError(f"glossary file {path} does not exist; check the --glossary path")
        for entry in parse_glossary(path):
            merged[entry.zh] = entry
    return Glossary(list(merged.values()))
