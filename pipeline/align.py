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


# ----------------------------------------------------------------------------- romanized names
# Chinese generic words an English place / institution name ends with, by its English tail; the
# longest one found right after the aligned proper name is taken.
PLACE_SUFFIXES = {
    "town": ("镇",), "township": ("乡",), "village": ("村",), "street": ("街道", "街"), "subdistrict": ("街道",),
    "county": ("县",), "district": ("区",), "city": ("市",), "province": ("省",), "river": ("河", "江"),
    "lake": ("湖",), "mountain": ("山",), "mountains": ("山",), "reservoir": ("水库",), "bay": ("湾",),
    "port": ("港",), "new area": ("新区",), "new district": ("新区",), "zone": ("区", "园区", "开发区", "高新区", "经开区"),
    "park": ("园区", "园", "产业园"), "airport": ("机场", "国际机场"), "village committee": ("村委会",),
    "development zone": ("开发区", "经济开发区", "经济技术开发区", "经开区"),
    "high new zone": ("高新区", "高新技术产业开发区"), "high-tech zone": ("高新区", "高新技术产业开发区"),
}
# The Chinese word that ends a company or institution name, by the English word that ends it.
ORG_SUFFIXES = {
    "ltd": ("股份有限公司", "有限责任公司", "有限公司"), "limited": ("股份有限公司", "有限责任公司", "有限公司"),
    "company": ("股份有限公司", "有限公司", "公司"), "corporation": ("股份有限公司", "有限公司", "公司"),
    "group": ("集团有限公司", "集团"), "university": ("大学",), "college": ("学院",), "institute": ("研究院", "研究所", "学院"),
    "academy": ("研究院", "科学院"), "association": ("协会",), "chamber": ("商会",), "hospital": ("医院",),
    "school": ("学校", "中学", "小学"),
}
_ZH_STOP = set("，。、；：！？,;:（）()“”\"《》\n ")


@lru_cache(maxsize=64)
def _readings(source_text: str) -> tuple[frozenset[str], ...]:
    """Toneless readings of every source character (all heteronyms; ü as v, u and yu)."""
    from pypinyin import Style, pinyin

    out = []
    for opts in pinyin(source_text, style=Style.NORMAL, heteronym=True, errors=lambda s: [[""] for _ in s]):
        forms: set[str] = set()
        for r in opts:
            forms.update({r, r.replace("v", "u"), r.replace("v", "yu")})
        out.append(frozenset(forms))
    if len(out) != len(source_text):  # characters pypinyin could not read one by one
        return tuple(frozenset() for _ in source_text)
    return tuple(out)


def find_reading(syllables: list[str], source_text: str) -> list[int]:
    """Start offsets of the source character runs that read as `syllables`."""
    readings = _readings(source_text)
    k = len(syllables)
    return [i for i in range(len(readings) - k + 1)
            if all(syllables[j] in readings[i + j] for j in range(k))]


def align_romanized(text: str, etype: str, source_text: str) -> str | None:
    """Chinese form of a place or company name written in pinyin: "Xinshi Town" → 新市镇, "Tongwei Co.,
    Ltd." → 通威股份有限公司. The leading capitalized pinyin words (two syllables at least) must read as
    one run of source characters, every occurrence of which is the same string; the zh then takes the
    generic word the English tail names (places) or runs to the first company / institution word."""
    from .romanize import split_pinyin

    words = text.replace(",", " ").split()
    syllables: list[str] = []
    n_words = 0
    for w in words:
        syl = split_pinyin(w) if w[:1].isupper() and w.replace("'", "").replace("’", "").isalpha() else None
        if syl is None:
            break
        syllables += syl
        n_words += 1
    if len(syllables) < 2:
        return None
    starts = find_reading(syllables, source_text)
    if len({source_text[i : i + len(syllables)] for i in starts}) != 1:
        return None
    tail = [w.lower().strip(".") for w in words[n_words:]]
    tail_en = " ".join(tail)
    found: set[str] = set()
    for start in starts:
        end = start + len(syllables)
        after = source_text[end : end + 24]
        after = after[: next((i for i, ch in enumerate(after) if ch in _ZH_STOP), len(after))]
        if not tail:
            found.add(source_text[start:end])
        elif etype == "place":
            options = [s for key, sufs in PLACE_SUFFIXES.items() if tail_en.endswith(key) for s in sufs]
            hits = [s for s in options if after.startswith(s)]
            if hits:
                found.add(source_text[start:end] + max(hits, key=len))
        elif etype in ("enterprise", "organization"):
            # The Chinese must end the way the English does (University → 大学, Co., Ltd. → 公司).
            options = next((ORG_SUFFIXES[w] for w in reversed(tail) if w in ORG_SUFFIXES), ())
            hits = [(after.find(s), -len(s), s) for s in options if after.find(s) >= 0]
            if hits:
                pos, _, suf = min(hits)
                found.add(source_text[start : end + pos + len(suf)])
    # One reading, one answer; a tail the source does not show gives none (no partial forms).
    return found.pop() if len(found) == 1 else None
