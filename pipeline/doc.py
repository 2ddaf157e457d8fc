"""The document object that every stage reads and extends.

`Doc.text` is the input exactly as received and every offset in the output points into it. Stages
analyse `Doc.norm_text` (the text after normalization) and map spans back with `to_text_span`, so
normalization (width, script, markup) never shifts what an analyst sees. Normalization and translation
cleanup are both recorded as `Correction`s on `text`, which is what makes
`clean_text == apply(text, corrections)` hold by construction.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

ENTITY_TYPES = ("person", "title", "government", "organization", "enterprise", "place")


@dataclass
class Entity:
    """A typed span of `Doc.text`; `canonical` is the cleaned-up / official form when known."""

    type: str
    start: int
    end: int
    text: str
    canonical: str | None = None
    zh: str | None = None
    source: str = "model"
    score: float = 1.0

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if out["canonical"] is None:
            out["canonical"] = self.text
        if out["zh"] is None:
            del out["zh"]
        out["score"] = round(float(self.score), 4)
        return out


@dataclass
class Official:
    """A person with at least one title, merged over all mentions in the document."""

    name: str
    titles: list[str]
    zh: str | None = None
    organization: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.zh:
            out["zh"] = self.zh
        out["titles"] = list(self.titles)
        out["organization"] = self.organization
        out["mentions"] = [list(m) for m in self.mentions]
        return out


@dataclass
class Correction:
    """Replace `text[start:end]` (== `original`) by `replacement`; `rule` says which rule did it."""

    start: int
    end: int
    original: str
    replacement: str
    rule: str
    confidence: float = 1.0

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["confidence"] = round(float(self.confidence), 4)
        return out


@dataclass
class DocError:
    stage: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"stage": self.stage, "message": self.message}


def apply_corrections(text: str, corrections: Iterable[Correction]) -> str:
    """Apply sorted, non-overlapping corrections to `text`."""
    parts: list[str] = []
    pos = 0
    for c in sorted(corrections, key=lambda c: (c.start, c.end)):
        parts.append(text[pos : c.start])
        parts.append(c.replacement)
        pos = c.end
    parts.append(text[pos:])
    return "".join(parts)


class Doc:
    """One press release and all its annotations."""

    def __init__(
        self,
        text: str,
        *,
        id: str = "",
        lang: str | None = None,
        meta: dict[str, Any] | None = None,
        source_text: str | None = None,
    ) -> None:
        self.id = id
        self.text = text
        self.lang = lang
        self.meta: dict[str, Any] = dict(meta or {})
        self.source_text = source_text
        self.sentences: list[tuple[int, int]] = []
        self.tokens: list[tuple[int, int]] = []
        # Chinese domain units (市委副书记, 宋华英): runs of consecutive tokens grouped by the user and
        # government dictionaries; tokens follow the segmentation standard. Empty without dictionaries.
        self.units: list[tuple[int, int]] = []
        self.entities: list[Entity] = []
        self.officials: list[Official] = []
        self.corrections: list[Correction] = []
        self.errors: list[DocError] = []
        self.stages_run: list[str] = []
        # Scratch space for stages that share derived data (e.g. Chinese source segmentation);
        # never serialized.
        self.user_data: dict[str, Any] = {}
        self._set_norm(text, None)

    # ------------------------------------------------------------------ normalization view
    def _set_norm(self, norm_text: str, char_spans: list[tuple[int, int]] | None) -> None:
        self.norm_text = norm_text
        if char_spans is None:
            char_spans = [(i, i + 1) for i in range(len(norm_text))]
        self._norm_spans = char_spans
        self._norm_starts = [s for s, _ in char_spans]

    def set_normalization(self, corrections: list[Correction]) -> None:
        """Record normalization edits and derive `norm_text` with its map back to `text`.

        Every character produced by a correction maps to the whole original span it replaced, so a
        span of `norm_text` always maps to a span of `text` that covers it; a replacement of the same
        length maps character to character (書記蕭 → 书记萧: 市委书记 ends at 記, not at 蕭).
        """
        corrections = sorted(corrections, key=lambda c: (c.start, c.end))
        out: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for c in corrections:
            for i in range(pos, c.start):
                out.append(self.text[i])
                spans.append((i, i + 1))
            out.append(c.replacement)
            if len(c.replacement) == c.end - c.start:
                spans.extend((k, k + 1) for k in range(c.start, c.end))
            else:
                spans.extend([(c.start, c.end)] * len(c.replacement))
            pos = c.end
        for i in range(pos, len(self.text)):
            out.append(self.text[i])
            spans.append((i, i + 1))
        self.corrections = [c for c in self.corrections if not c.rule.startswith("normalize.")]
        self.corrections.extend(corrections)
        self.corrections.sort(key=lambda c: (c.start, c.end))
        self._set_norm("".join(out), spans)

    def to_text_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a `norm_text` span to the `text` span that produced it."""
        n = len(self._norm_spans)
        if start >= n:
            return (len(self.text), len(self.text)) if n == 0 else (self._norm_spans[-1][1],) * 2
        if end <= start:
            s = self._norm_spans[start][0]
            return (s, s)
        return self._norm_spans[start][0], self._norm_spans[min(end, n) - 1][1]

    def to_norm_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a `text` span to the smallest `norm_text` span whose characters it produced."""
        lo = bisect.bisect_left(self._norm_starts, start)
        hi = lo
        n = len(self._norm_spans)
        while hi < n and self._norm_spans[hi][0] < end:
            hi += 1
        return lo, hi

    # ------------------------------------------------------------------ corrections
    def add_correction(
        self, start: int, end: int, replacement: str, rule: str, confidence: float = 1.0
    ) -> Correction | None:
        """Add a correction given in `norm_text` offsets; returns None if it collides with another
        non-normalization correction (the earlier one wins, so rules run in priority order).

        Normalization edits that the new span touches are absorbed into it so that corrections stay
        non-overlapping and `clean_text` stays exact.
        """
        a, b = self.to_text_span(start, end)
        # Corrections are sorted and disjoint, so their ends are sorted too: bisect to the first one
        # that ends after `a` and scan only those starting before `b` (long documents have thousands).
        absorbed = []
        j = bisect.bisect_right(self.corrections, a, key=lambda c: c.end)
        while j < len(self.corrections) and self.corrections[j].start < max(a + 1, b):
            c = self.corrections[j]
            if (c.start < b and c.end > a) or (a == b and c.start < a < c.end):
                absorbed.append(c)
            j += 1
        if any(not c.rule.startswith("normalize.") for c in absorbed):
            return None
        if absorbed:
            a = min(a, *(c.start for c in absorbed))
            b = max(b, *(c.end for c in absorbed))
        ns, ne = self.to_norm_span(a, b)
        ns, ne = min(ns, start), max(ne, end)
        new_norm = self.norm_text[ns:start] + replacement + self.norm_text[end:ne]
        if new_norm == self.text[a:b]:
            return None
        for c in absorbed:
            self.corrections.remove(c)
        corr = Correction(a, b, self.text[a:b], new_norm, rule, confidence)
        bisect.insort(self.corrections, corr, key=lambda c: (c.start, c.end))
        return corr

    @property
    def clean_text(self) -> str:
        return apply_corrections(self.text, self.corrections)

    # ------------------------------------------------------------------ annotations
    def add_entity(self, type: str, start: int, end: int, **kwargs: Any) -> Entity:
        """Add an entity given in `text` offsets."""
        ent = Entity(type=type, start=start, end=end, text=self.text[start:end], **kwargs)
        self.entities.append(ent)
        return ent

    def add_error(self, stage: str, message: str) -> None:
        self.errors.append(DocError(stage, message))

    # ------------------------------------------------------------------ output
    def to_record(self, version: str = "", stages: list[str] | None = None) -> dict[str, Any]:
        """The output contract of DESIGN.md, one JSON object per document."""
        rec: dict[str, Any] = {
            "id": self.id,
            "lang": self.lang,
            "meta": self.meta,
            "text": self.text,
        }
        if self.source_text is not None:
            rec["source_text"] = self.source_text
        rec.update(
            {
                "clean_text": self.clean_text,
                "sentences": [list(s) for s in self.sentences],
                "tokens": [list(t) for t in self.tokens],
                "units": [list(u) for u in self.units],
                "entities": [
                    e.to_json() for e in sorted(self.entities, key=lambda e: (e.start, e.end, e.type))
                ],
                "officials": [o.to_json() for o in self.officials],
                "corrections": [c.to_json() for c in self.corrections],
                "errors": [e.to_json() for e in self.errors],
                "pipeline": {"version": version, "stages": list(stages or self.stages_run)},
            }
        )
        return rec

    def __repr__(self) -> str:
        return f"Doc(id={self.id!r}, lang={self.lang!r}, chars={len(self.text)})"
