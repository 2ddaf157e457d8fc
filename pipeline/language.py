"""Language detection: Chinese original or English translation.

Press releases come as one or the other, so a script count is enough and far more robust on short,
name-heavy texts than a general language identifier. A Chinese character carries about as much
content as an English word, hence the weighting.
"""

from __future__ import annotations

import re

from .doc import Doc
from .errors import ConfigError
from .normalize import ANY_TAG, DROP_BLOCK, MARKUP_HINT
from .registry import Stage, register_stage

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]")
LANGS = ("zh", "en")


def detect_language(text: str, *, letters_per_han: float = 4.0) -> str | None:
    """'zh', 'en', or None when the text has neither script (empty, binary, numbers only).

    Markup is discounted first: tag names and scripts are Latin letters whatever the page's language.
    """
    sample = text[:20000]
    if MARKUP_HINT.search(sample):
        sample = ANY_TAG.sub(" ", DROP_BLOCK.sub(" ", sample))
    han = len(HAN.findall(sample))
    latin = len(LATIN.findall(sample))
    if han == 0 and latin == 0:
        return None
    return "zh" if han * letters_per_han >= latin else "en"


@register_stage("detect_language")
class LanguageDetector(Stage):
    """Sets `doc.lang`; `lang` other than "auto" forces it, a language given with the input wins."""

    requires = ("text",)
    provides = ("lang",)

    def __init__(self, *, lang: str = "auto") -> None:
        if lang not in ("auto", *LANGS):
            raise ConfigError(f"lang must be one of auto, zh, en (got {lang!r})")
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        if self.lang != "auto":
            doc.lang = self.lang
        elif doc.lang not in LANGS:
            doc.lang = detect_language(doc.text)
            if doc.lang is None:
                doc.add_error(
                    self.name,
                    "no Chinese or English text found (empty, binary or numbers only); "
                    "check the input file",
                )
        return doc
