"""Lexicons of the Chinese government-news register and a fast dictionary matcher over them.

The knowledge a model trained on general news lacks (title vocabulary, party and government bodies,
enterprise forms, admin divisions, surnames) lives as plain TSV files in models/; this module loads
them once per process and finds their occurrences. Both the rules of `entities_zh` and the lexicon
features of the neural model (`ner_model`) read text through the same matcher, so what the model sees
as a feature is exactly what the rules see.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator, NamedTuple

from .errors import ResourceError
from .resources import read_tsv

TITLES_FILE = "zh_titles.tsv"
BODIES_FILE = "zh_bodies.tsv"
FORMS_FILE = "zh_enterprise_forms.tsv"
PLACES_FILE = "zh_places.tsv"
SURNAMES_FILE = "zh_surnames.tsv"

# Lexicon kinds, in the fixed order the model's feature vector uses.
KINDS = ("title", "body", "form", "place", "surname")
LEVEL_CHARS = frozenset("省市县区州镇乡旗盟")


class Match(NamedTuple):
    """`text[start:end]` is an entry of lexicon `kind`; `label` is the entry's second column.

    A named tuple rather than a dataclass: the matcher makes one per hit on the hot path."""

    kind: str
    start: int
    end: int
    label: str


class Lexicon:
    """Strings of several kinds, matched at every position (all lengths, so callers choose)."""

    def __init__(self, entries: dict[str, dict[str, str]]) -> None:
        self.entries = entries  # kind -> {string: label}
        self._by_string: dict[str, list[tuple[str, str]]] = {}
        lengths: dict[str, set[int]] = {}
        for kind, table in entries.items():
            for s, label in table.items():
                self._by_string.setdefault(s, []).append((kind, label))
                lengths.setdefault(s[0], set()).add(len(s))
        # longest first, so `at` yields longest matches first
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def at(self, text: str, i: int) -> Iterator[Match]:
        """Matches starting at `i`, longest first."""
        room = len(text) - i
        if room <= 0:
            return
        for n in self._lengths.get(text[i], ()):
            if n > room:
                continue
            hits = self._by_string.get(text[i : i + n])
            if hits:
                for kind, label in hits:
                    yield Match(kind, i, i + n, label)

    def index(self, text: str) -> list[tuple[Match, ...]]:
        """All matches of `text` by start position, longest first: one pass, then O(1) look-ups
        for callers that ask about the same positions many times (the rules do)."""
        n = len(text)
        out: list[tuple[Match, ...]] = [()] * n
        lengths, by_string = self._lengths, self._by_string
        for i, ch in enumerate(text):
            found: list[Match] = []
            for length in lengths.get(ch, ()):
                if i + length <= n:
                    hits = by_string.get(text[i : i + length])
                    if hits:
                        found.extend(Match(kind, i, i + length, label) for kind, label in hits)
            if found:
                out[i] = tuple(found)
        return out

    def longest(self, text: str, i: int, kind: str) -> Match | None:
        for m in self.at(text, i):
            if m.kind == kind:
                return m
        return None

    def all_matches(self, text: str) -> list[Match]:
        return [m for at_i in self.index(text) for m in at_i]

    def label(self, kind: str, s: str) -> str | None:
        return self.entries.get(kind, {}).get(s)

    def __contains__(self, item: tuple[str, str]) -> bool:
        kind, s = item
        return s in self.entries.get(kind, {})


def place_division(label: str) -> tuple[str, str]:
    """(level, admin-division code) of a place entry's label: "prefecture-short\t530100" →
    ("prefecture-short", "530100"); a country has no code. A name several divisions share gives the
    first of them (place_codes has them all)."""
    level, _, codes = label.partition("\t")
    return level, codes.split(",", 1)[0]


def place_codes(label: str) -> list[str]:
    """Every division code a place name may stand for: 铁西区 → [210303 (鞍山), 210106 (沈阳), …]."""
    return [c for c in label.partition("\t")[2].split(",") if c]


def division_contains(outer: str, inner: str) -> bool:
    """Whether division code `inner` lies inside `outer` (510000 ⊃ 510100 ⊃ 510181), not equal to it."""
    prefix = outer.rstrip("0")
    prefix += "0" * (len(prefix) % 2)
    return inner != outer and inner.startswith(prefix)


def _table(name: str, min_cols: int = 2) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in read_tsv(name):
        if len(row) < min_cols or not row[0]:
            raise ResourceError(
                f"{name}: line {row!r} needs {min_cols} tab-separated columns; fix or remove it"
            )
        out[row[0]] = "\t".join(row[1:])
    return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """All register lexicons from models/ (loaded once per process)."""
    return Lexicon(
        {
            "title": _table(TITLES_FILE),
            "body": _table(BODIES_FILE),
            "form": _table(FORMS_FILE),
            "place": _table(PLACES_FILE),
            "surname": _table(SURNAMES_FILE),
        }
    )
