"""Normalization: markup, width, script (traditional -> simplified) and whitespace.

Every edit is a `Correction` with a `normalize.*` rule, so the original text stays untouched in the
output, `clean_text` is reproducible from it, and later stages see one consistent form (the models are
trained on simplified, half-width text).
"""

from __future__ import annotations

import bisect
import html
import re
from functools import lru_cache

from .doc import Correction, Doc
from .registry import Stage, register_stage

MARKUP_HINT = re.compile(
    r"<\s*(?:!doctype|html|head|body|div|p|br|span|a|script|style|table|td|tr|li|ul|h[1-6]|img|meta)\b",
    re.I,
)
DROP_BLOCK = re.compile(r"<\s*(script|style|noscript|template)\b[^>]*>.*?<\s*/\s*\1\s*>|<!--.*?-->", re.I | re.S)
BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|li|tr|h[1-6]|table|ul|ol|section|article|title)\b[^>]*>", re.I)
ANY_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
SPACE_RUN = re.compile(r"[ \t\u00a0\u3000]{2,}|[\t\u00a0\u3000]")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[ \t\u00a0\u3000]+(?=[{CJK}])")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Full-width ASCII letters and digits; punctuation stays full-width in Chinese (it is the norm there).
FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
FULLWIDTH_ANY = re.compile(r"[\uff01-\uff5e]+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _half_width(s: str) -> str:
    return "".join(chr(ord(ch) - 0xFEE0) for ch in s)


class _Edits:
    """Collects non-overlapping edits on `text`; later edits never touch spans already edited."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[Correction] = []
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self._starts, a)
        if i > 0 and self._ends[i - 1] > a:
            return False
        return not (i < len(self._starts) and self._starts[i] < max(b, a + 1))

    def add(self, a: int, b: int, repl: str, rule: str) -> None:
        if self.text[a:b] != repl and self.free(a, b):
            self.items.append(Correction(a, b, self.text[a:b], repl, rule, 1.0))
            i = bisect.bisect_right(self._starts, a)
            self._starts.insert(i, a)
            self._ends.insert(i, b)


@register_stage("normalize")
class Normalizer(Stage):
    """Adds `normalize.*` corrections and sets `doc.norm_text`."""

    requires = ("text", "lang")
    provides = ("norm_text",)

    def __init__(
        self,
        *,
        markup: bool = True,
        width: bool = True,
        traditional: bool = True,
        whitespace: bool = True,
    ) -> None:
        self.markup = markup
        self.width = width
        self.traditional = traditional
        self.whitespace = whitespace

    def __call__(self, doc: Doc) -> Doc:
        if doc.lang is None:
            return doc
        text = doc.text
        edits = _Edits(text)
        if self.markup and MARKUP_HINT.search(text):
            self._strip_markup(text, edits)
        for m in ZERO_WIDTH.finditer(text):
            edits.add(m.start(), m.end(), "", "normalize.zero_width")
        if self.width:
            pattern = FULLWIDTH_ALNUM if doc.lang == "zh" else FULLWIDTH_ANY
            for m in pattern.finditer(text):
                edits.add(m.start(), m.end(), _half_width(m.group()), "normalize.width")
            if doc.lang == "en":
                for m in re.finditer("\u3000", text):
                    edits.add(m.start(), m.end(), " ", "normalize.width")
        if self.traditional and doc.lang == "zh":
            conv = _t2s()
            for m in HAN_RUN.finditer(text):
                simp = conv.convert(m.group())
                if simp != m.group():
                    self._add_diff(edits, m.start(), m.group(), simp)
        if self.whitespace:
            if doc.lang == "zh":
                for m in SPACE_BETWEEN_CJK.finditer(text):
                    edits.add(m.start(), m.end(), "", "normalize.whitespace")
            for m in re.finditer(r"\r\n?", text):
                edits.add(m.start(), m.end(), "\n", "normalize.whitespace")
            for m in SPACE_RUN.finditer(text):
                edits.add(m.start(), m.end(), " ", "normalize.whitespace")
        doc.set_normalization(edits.items)
        return doc

    @staticmethod
    def _add_diff(edits: _Edits, offset: int, old: str, new: str) -> None:
        """Record script conversion character by character where lengths agree (the usual case),
        so offsets of unchanged characters stay exact; otherwise replace the run as a whole."""
        if len(old) != len(new):
            edits.add(offset, offset + len(old), new, "normalize.traditional")
            return
        i = 0
        while i < len(old):
            if old[i] == new[i]:
                i += 1
                continue
            j = i
            while j < len(old) and old[j] != new[j]:
                j += 1
            edits.add(offset + i, offset + j, new[i:j], "normalize.traditional")
            i = j

    @staticmethod
    def _strip_markup(text: str, edits: _Edits) -> None:
        for m in DROP_BLOCK.finditer(text):
            edits.add(m.start(), m.end(), "", "normalize.markup")
        for m in BLOCK_TAG.finditer(text):
            edits.add(m.start(), m.end(), "\n", "normalize.markup")
        for m in ANY_TAG.finditer(text):
            edits.add(m.start(), m.end(), "", "normalize.markup")
        for m in ENTITY.finditer(text):
            edits.add(m.start(), m.end(), html.unescape(m.group()).replace("\xa0", " "), "normalize.markup")
