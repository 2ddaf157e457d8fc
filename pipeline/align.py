"""Alignment of English entities with the Chinese original (`Doc.source_text`).

An entity gets a `zh` only when one of the Chinese forms it can stand for actually occurs in the
source: a glossary entry's Chinese, a place's name, a title's or body's Chinese form from the English
lexicons, or a person name whose romanization reads like the English one. Nothing is guessed from the
English alone, so `zh` is evidence, not a translation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .names_en import RomanizedName, align_source_name

_ZH_NOISE = re.compile(r"[\s、·•“”\"'‘’「」《》（）()]+")


@lru_cache(maxsize=64)
def normalize_source(source_text: str) -> str:
    """Source without spaces, list commas and quotes, so 碳达峰、碳中和 meets 碳达峰碳中和."""
    return _ZH_NOISE.sub("", source_text)


def present_form(forms: Iterable[str], source_text: str) -> str | None:
    """The longest of `forms` that occurs in the source (longest = most specific: 邢台市 over 邢台)."""
    src = normalize_source(source_text)
    hits = [f for f in forms if f and _ZH_NOISE.sub("", f) in src]
    return max(hits, key=len) if hits else None


def compose_zh(level_zh: str, parts: Iterable[str], source_text: str) -> str | None:
    """A committee title's Chinese written the usual way (市 + 委 + 副书记 → 市委副书记) if present."""
    return present_form([level_zh + p for p in parts], source_text)


def align_name(name: RomanizedName, source_text: str) -> str | None:
    """Chinese form of a romanized person name found in the source (reads exactly like it)."""
    return align_source_name(name, source_text)
