"""Translation cleanup stage: repair garbled English MT with an audit trail.

Three rule families, applied in priority order because `Doc.add_correction` keeps the first of two
colliding corrections: the term glossary (phrase-level garbles, the most reliable evidence), romanized
name repair (`pipeline.names_en`), then MT artifacts (`pipeline.artifacts`). Every change is a
`Correction` with a rule id and a confidence, so `--min-confidence` trades recall for precision and
the output JSON shows why each word changed.

The Chinese original, when given, is evidence: a garble whose Chinese term occurs in the source is
almost certainly that term (confidence up); an ambiguous one ("faucet") is only touched when its
Chinese term is there, and a clear garble whose term is absent is kept at low confidence.
"""

from __future__ import annotations

import bisect
import re

from .artifacts import ARTIFACT_RULES, find_artifacts
from .doc import Doc
from .errors import ConfigError
from .glossary import Glossary, GlossaryMatch, load_glossary, normalize_source, stem
from .registry import Stage, register_stage

RULE_FAMILIES = ("glossary", "names", "artifacts")
CONTEXT_WINDOW = 8  # words either side of an ambiguous variant searched for a context word

# Confidence of a glossary repair by evidence: (source given, zh found in source, ambiguous variant).
CONF_SOURCE_CONFIRMED = 0.97
CONF_SOURCE_CONFIRMED_AMBIGUOUS = 0.9
CONF_NO_SOURCE = 0.85
CONF_NO_SOURCE_CONTEXT = 0.7
CONF_SOURCE_CONTRADICTS = 0.55

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"”’)]?\s+|\n\s*)$")
_SMALL_WORDS = frozenset("of and the for in on to a an with at by from or".split())
_ADJECTIVE_ENDINGS = ("ing", "ed", "al", "ive", "ous", "ic", "ful", "ary", "ble", "less")


def _pluralize(word: str) -> str:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _singularize(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _with_suffix(word: str, suffix: str) -> str:
    """`tighten` + ing/ed; the glossary's verbs are regular, so simple rules suffice."""
    base = word[:-1] if word.endswith("e") and not word.endswith("ee") else word
    if suffix == "ing":
        return base + "ing"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ied"
    return base + "ed"


def _inflection(surface: str, pattern: str) -> str | None:
    """The regular suffix the text adds to (or drops from) the glossary's word, if any."""
    s, p = surface.lower(), pattern.lower()
    if s == p:
        return None
    for suffix in ("ing", "ed"):
        if s.endswith(suffix) and not p.endswith(suffix):
            return suffix
    if s.endswith("s") and not p.endswith("s"):
        return "plural"
    if p.endswith("s") and not s.endswith("s"):
        return "singular"
    return None


def inflect_like(replacement: str, surface: str, pattern: str) -> str:
    """Carry the inflection of the matched text over to the replacement.

    Number lives on a phrase's last word ("faucet enterprise" → "leading enterprise"), tense and
    aspect on its first ("compacting" → "tightening"); adjectival replacements are left alone.
    """
    s_words = _WORD.findall(surface)
    p_words = _WORD.findall(pattern)
    r_spans = [(m.start(), m.end()) for m in _WORD.finditer(replacement)]
    if not s_words or len(s_words) != len(p_words) or not r_spans:
        return replacement
    last = _inflection(s_words[-1], p_words[-1])
    a, b = r_spans[-1]
    word = replacement[a:b]
    if last == "plural" and word.isalpha() and not word.endswith("s") and not word.lower().endswith(
        _ADJECTIVE_ENDINGS
    ):
        return replacement[:a] + _pluralize(word) + replacement[b:]
    if last == "singular" and word.isalpha() and word.endswith("s"):
        return replacement[:a] + _singularize(word) + replacement[b:]
    first = _inflection(s_words[0], p_words[0])
    a, b = r_spans[0]
    word = replacement[a:b]
    if first in ("ing", "ed") and word.isalpha() and word.islower() and not word.endswith(("ing", "ed")):
        return replacement[:a] + _with_suffix(word, first) + replacement[b:]
    return replacement


def match_case(replacement: str, surface: str, at_sentence_start: bool) -> str:
    """Capitalize a lowercase replacement at a sentence start, title-case it where the garble was
    written in title case (a heading, or a title before a name: "Deputy Market Long Zheng")."""
    if not replacement[:1].islower():
        return replacement
    words = _WORD.findall(surface)
    if len(words) >= 2 and all(w[:1].isupper() for w in words if w.lower() not in _SMALL_WORDS):
        return " ".join(
            w if (i and w.lower() in _SMALL_WORDS) else w[:1].upper() + w[1:]
            for i, w in enumerate(replacement.split(" "))
        )
    if at_sentence_start and surface[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class _Words:
    """Word stems of a text with their offsets, for context look-ups around a match."""

    def __init__(self, text: str) -> None:
        found = list(_WORD.finditer(text))
        self.starts = [m.start() for m in found]
        self.stems = [stem(m.group()) for m in found]

    def around(self, start: int, end: int, window: int) -> set[str]:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return set(self.stems[max(0, i - window) : i]) | set(self.stems[j : j + window])


def _absorb_echo(text: str, start: int, end: int, replacement: str) -> tuple[int, int]:
    """Widen the span over a neighbouring word that the replacement repeats, so that "the leading
    stump industry faucet" becomes "the leading", not "the leading leading"."""
    words = _WORD.findall(replacement)
    if not words:
        return start, end
    before = re.search(r"([^\W_]+)[ \t]+$", text[max(0, start - 40) : start])
    if before and before.group(1).lower() == words[0].lower():
        start -= len(before.group(0))
    after = re.match(r"[ \t]+([^\W_]+)\b", text[end : end + 40])
    if after and after.group(1).lower() == words[-1].lower():
        end += len(after.group(0))
    return start, end


def _contains(outer: GlossaryMatch, inner: GlossaryMatch) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


@register_stage("cleanup")
class TranslationCleanup(Stage):
    """Corrects English MT: glossary terms, romanized names, artifacts; each change audited.

    `glossary`: extra glossary TSV files (same format as `models/glossary.tsv`), added to / overriding
    the bundled entries. `min_confidence`: corrections below it are dropped. `rules`: the rule families
    to run: "glossary", "names", "artifacts", or single artifact rules ("stray_capital",
    "doubled_word", "doubled_name", "spacing").
    """

    requires = ("norm_text", "lang", "tokens")
    provides = ("corrections",)

    def __init__(
        self,
        *,
        glossary: tuple[str, ...] = (),
        min_confidence: float = 0.0,
        rules: tuple[str, ...] = RULE_FAMILIES,
    ) -> None:
        known = set(RULE_FAMILIES) | set(ARTIFACT_RULES)
        unknown = [r for r in rules if r not in known]
        if unknown:
            raise ConfigError(
                f"cleanup: unknown rules {unknown}; choose from {', '.join(sorted(known))}"
            )
        if not 0.0 <= float(min_confidence) <= 1.0:
            raise ConfigError(f"cleanup: min_confidence must be between 0 and 1, got {min_confidence}")
        self.glossary_paths = tuple(glossary or ())
        self.min_confidence = float(min_confidence)
        self.rules = tuple(rules)
        self.artifact_rules = tuple(
            r for r in ARTIFACT_RULES if r in self.rules or "artifacts" in self.rules
        )
        self.glossary: Glossary = load_glossary(self.glossary_paths)

    # ------------------------------------------------------------------ glossary
    def glossary_corrections(self, doc: Doc) -> list[tuple[int, int, str, str, float]]:
        """Variant matches that survive protection and evidence checks, longest first."""
        text = doc.norm_text
        matches = self.glossary.find(text)
        correct = [m for m in matches if m.kind != "variant"]
        source = normalize_source(doc.source_text) if doc.source_text else None
        words = _Words(text)
        best: dict[tuple[int, int], tuple[float, int, GlossaryMatch]] = {}
        for m in matches:
            if m.kind != "variant" or m.variant is None:
                continue
            # A garble that is part of (or cuts into) a correct rendering is not a garble.
            if any(
                c.start < m.end and m.start < c.end and not (_contains(m, c) and (m.start, m.end) != (c.start, c.end))
                for c in correct
            ):
                continue
            conf = self._confidence(m, source, words)
            if conf is None:
                continue
            rank = 1 if source is not None and m.entry.in_source(source) else 0
            key = (m.start, m.end)
            if key not in best or (rank, conf) > best[key][:2]:
                best[key] = (conf, rank, m)
        out = []
        for (start, end), (conf, _rank, m) in best.items():
            surface = text[start:end]
            replacement = m.variant.replacement or m.entry.canonical  # type: ignore[union-attr]
            replacement = inflect_like(replacement, surface, m.variant.text)  # type: ignore[union-attr]
            start, end = _absorb_echo(text, start, end, replacement)
            replacement = match_case(
                replacement, text[start:end], bool(_SENTENCE_START.search(text, 0, start))
            )
            out.append((start, end, replacement, f"glossary:{m.entry.zh}", conf))
        out.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        return out

    def _confidence(self, m: GlossaryMatch, source: str | None, words: _Words) -> float | None:
        ambiguous = m.variant is not None and m.variant.ambiguous
        if source is not None:
            if m.entry.in_source(source):
                return CONF_SOURCE_CONFIRMED_AMBIGUOUS if ambiguous else CONF_SOURCE_CONFIRMED
            return None if ambiguous else CONF_SOURCE_CONTRADICTS
        if not ambiguous:
            return CONF_NO_SOURCE
        if m.entry.context and words.around(m.start, m.end, CONTEXT_WINDOW) & set(m.entry.context):
            return CONF_NO_SOURCE_CONTEXT
        return None

    # ------------------------------------------------------------------ stage
    def __call__(self, doc: Doc) -> Doc:
        if doc.lang != "en":
            return doc
        candidates: list[tuple[int, int, str, str, float]] = []
        if "glossary" in self.rules:
            candidates += self.glossary_corrections(doc)
        if "names" in self.rules:
            from .names_en import name_corrections

            candidates += name_corrections(doc)
        if self.artifact_rules:
            candidates += find_artifacts(doc.norm_text, self.artifact_rules)
        for start, end, replacement, rule, confidence in candidates:
            if confidence < self.min_confidence:
                continue
            doc.add_correction(start, end, replacement, rule, confidence)
        return doc
