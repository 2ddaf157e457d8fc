"""Translation cleanup stage: repair garbled English MT with an audit trail.

Four rule families, applied in priority order because `Doc.add_correction` keeps the first of two
colliding corrections: the term glossary (phrase-level garbles, the most reliable evidence), romanized
person names (`pipeline.names_en`), place names whose pinyin syllables MT split into words, then MT
artifacts (`pipeline.artifacts`). Every change is a
`Correction` with a rule id and a confidence, so `--min-confidence` trades recall for precision and
the output JSON shows why each word changed.

The Chinese original, when given, is evidence: a garble whose Chinese term occurs in the source is
almost certainly that term (confidence up); an ambiguous one ("faucet") is only touched when its
Chinese term is there, and a clear garble whose term is absent is kept at low confidence.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from pypinyin import Style, pinyin

from .artifacts import ARTIFACT_RULES, FUNCTION_WORDS, find_artifacts
from .doc import Doc
from .errors import ConfigError
from .literal import (DIVISION_SUFFIXES, LEVEL_WORDS, literal_index, place_exonyms, provinces_of,
                      provinces_of_bases, region_names)
from .glossary import (ABBREVIATED_COMPANY_WORDS, NAME_TYPES, Glossary, GlossaryMatch, alternation, load_glossary,
                       normalize_source, stem)
from .registry import Stage, register_stage
from .resources import read_tsv
from .romanize import split_pinyin

RULE_FAMILIES = ("glossary", "literal", "names", "places", "artifacts")
# Off by default: Xinhua's spellings of minority-region places (Naqu → Nagqu). WMT21's human
# references themselves write Naqu, and of the rule's 27 fixes on rated segments only 11 touch a
# rated error (docs/results_cleanup.md).
OPTIONAL_FAMILIES = ("exonyms",)
CONTEXT_WINDOW = 8  # words either side of an ambiguous variant searched for a context word

# Confidence of a glossary repair by evidence: (source given, zh found in source, ambiguous variant).
CONF_SOURCE_CONFIRMED = 0.97
CONF_SOURCE_CONFIRMED_AMBIGUOUS = 0.9
CONF_NO_SOURCE = 0.85
CONF_NO_SOURCE_CONTEXT = 0.7
CONF_SOURCE_CONTRADICTS = 0.55
# A literal rendering predicted from the dictionary, not listed: below every listed garble.
CONF_LITERAL = 0.7

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"”’)]?\s+|\n\s*)$")
_SMALL_WORDS = frozenset("of and the for in on to a an with at by from or".split())
_ADJECTIVE_ENDINGS = ("ing", "ed", "al", "ive", "ous", "ic", "ful", "ary", "ble", "less")
# Mass and abstract nouns take no plural ("e-commerce", "production", "security").
_MASS_NOUN_ENDINGS = ("tion", "sion", "ment", "ism", "ity", "ance", "ence", "ics", "erce", "ure", "ship", "ness")
_MASS_NOUNS = frozenset("work safety security equipment information machinery research software infrastructure "
                        "governance progress welfare housing training funding tourism".split())


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


def inflect_like(replacement: str, surface: str, pattern: str, entry_type: str = "term") -> str | None:
    """Carry the inflection of the matched text over to the replacement, or None where it cannot be
    carried safely (then the garble is better left alone than replaced by a wrong form).

    Number lives on a phrase's last word ("faucet enterprise" → "leading enterprise"), tense and
    aspect on its first ("compacting" → "tightening"); only set phrases (`term`) and titles take a
    plural, only a verbal `term` takes -ing/-ed ("normalizing" is not "regularing").
    """
    s_words = _WORD.findall(surface)
    p_words = _WORD.findall(pattern)
    r_spans = [(m.start(), m.end()) for m in _WORD.finditer(replacement)]
    if not s_words or len(s_words) != len(p_words) or not r_spans:
        return replacement
    first = _inflection(s_words[0], p_words[0])
    if first in ("ing", "ed"):
        a, b = r_spans[0]
        word = replacement[a:b]
        if entry_type != "term" or not word.isalpha() or not word.islower() or word.endswith(
            ("ing", "ed", "ar", "er", "ly", *_ADJECTIVE_ENDINGS)
        ):
            return None
        return replacement[:a] + _with_suffix(word, first) + replacement[b:]
    last = _inflection(s_words[-1], p_words[-1])
    a, b = r_spans[-1]
    word = replacement[a:b]
    if last == "plural":
        if entry_type not in ("term", "title") or not word.isalpha() or word.endswith("s") or (
            word.lower().endswith(_ADJECTIVE_ENDINGS + _MASS_NOUN_ENDINGS) or word.lower() in _MASS_NOUNS
        ):
            return replacement
        return replacement[:a] + _pluralize(word) + replacement[b:]
    if last == "singular" and word.isalpha() and word.endswith("s"):
        return replacement[:a] + _singularize(word) + replacement[b:]
    return replacement


_CAPITAL_BEFORE = re.compile(r"(?:[A-Z][A-Za-z]+|\bthe|\bof)[ \t]+$")
_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z][a-z]")


def match_case(replacement: str, surface: str, at_sentence_start: bool, in_name: bool = False) -> str:
    """Capitalize a lowercase replacement at a sentence start, title-case it where the garble was
    written in title case (a heading, a title before a name: "Deputy Market Long Zheng", or a word
    inside a name: "Municipal Wenlv Bureau" → "Municipal Culture and Tourism Bureau")."""
    if not replacement[:1].islower():
        return replacement
    words = _WORD.findall(surface)
    if (len(words) >= 2 or in_name) and all(w[:1].isupper() for w in words if w.lower() not in _SMALL_WORDS):
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
    """Widen the span over neighbouring words that the replacement repeats, so that "the leading
    stump industry faucet" becomes "the leading" (not "the leading leading") and "industrial chain
    chain length system" becomes "industrial chain leader system"."""
    rep = [w.lower() for w in _WORD.findall(replacement)]
    before = list(_WORD.finditer(text, max(0, start - 60), start))
    for k in range(min(3, len(rep), len(before)), 0, -1):
        tail = before[-k:]
        if [m.group().lower() for m in tail] == rep[:k] and re.fullmatch(
            r"[ \t]+", text[tail[-1].end() : start]
        ) and all(re.fullmatch(r"[ \t]+", text[a.end() : b.start()]) for a, b in zip(tail, tail[1:])):
            start = tail[0].start()
            break
    after = list(_WORD.finditer(text, end, min(len(text), end + 60)))[:3]
    for k in range(min(3, len(rep), len(after)), 0, -1):
        head = after[:k]
        if [m.group().lower() for m in head] == rep[-k:] and re.fullmatch(
            r"[ \t]+", text[end : head[0].start()]
        ) and all(re.fullmatch(r"[ \t]+", text[a.end() : b.start()]) for a, b in zip(head, head[1:])):
            end = head[-1].end()
            break
    return start, end


def _keep_group_suffix(replacement: str, surface: str, period_follows: bool = False) -> str:
    """"River Steel Group" → "HBIS Group", not "HBIS": the text's group/company word stays, and so
    does an abbreviated legal word whose period follows ("Tianqi Lithium Co., Ltd." keeps its "Co",
    never "Tianqi Lithium., Ltd.")."""
    last = _WORD.findall(surface)[-1]
    kept = _GROUP_WORDS | (_ABBREVIATED_LEGAL_WORDS if period_follows else frozenset())
    if last.lower() in kept and not replacement.lower().endswith(last.lower()):
        return f"{replacement} {last}"
    return replacement


_GROUP_WORDS = frozenset({"group", "company", "corporation", "holdings"})
_ABBREVIATED_LEGAL_WORDS = frozenset(w.lower() for w in ABBREVIATED_COMPANY_WORDS)


_LEGAL_SUFFIXES = frozenset(
    "co company corporation corp group ltd limited inc holdings holding plc llc shares".split()
)


def _inside_other_name(text: str, m: GlossaryMatch) -> bool:
    """A one-word literal company or place name glued to other capitalized words ("Wuzhou Hengda
    Titanium Dioxide") is part of a different name; only legal suffixes ("Co., Ltd.") may follow, and
    a level word after a place the dictionary predicted ("Peace District")."""
    if " " in text[m.start : m.end].strip():
        return False  # multi-word literal renderings ("Ningde Times") are specific enough
    prev = re.search(r"([^\W_]+)[ \t]+$", text[max(0, m.start - 40) : m.start])
    prev_start = m.start - len(prev.group(0)) if prev else 0
    if prev and prev.group(1)[:1].isupper() and not _SENTENCE_START.search(
        text, max(0, prev_start - 8), prev_start
    ):
        return True
    nxt = re.match(r"[ \t]+([^\W_]+)", text[m.end : m.end + 40])
    predicted_place = m.entry.type == "place" and m.variant is not None and m.variant.literal
    if predicted_place and nxt and nxt.group(1) in LEVEL_WORDS:
        return False
    return bool(nxt and nxt.group(1)[:1].isupper() and nxt.group(1).lower() not in _LEGAL_SUFFIXES)


_GIVEN_AFTER = re.compile(r"[ \t]+([A-Z][a-z]+)\b(?![ \t]+[A-Z])")
_TITLE_FOLLOWER = re.compile(
    r"[ \t]*(?:$|[,;.:)\n]|[A-Z]|(?:and|of|at|in|on|to|should|must|will|shall|who|from|with)\b)"
)


def _title_position(text: str, m: GlossaryMatch) -> bool:
    """A garbled title ending in "long"/"length" ("market long", "county length") must stand where a
    title stands, before a name or a break; "the county long depended on coal" is English."""
    last = _WORD.findall(text[m.start : m.end])[-1]
    if last.lower() not in ("long", "length", "lengths"):
        return True
    given = _GIVEN_AFTER.match(text, m.end)
    if last == "Long" and given and 0 < len(split_pinyin(given.group(1).lower()) or ()) <= 2:
        return False  # "Secretary Long Xuefeng" is a secretary called Long Xuefeng (龙雪峰)
    return bool(_TITLE_FOLLOWER.match(text, m.end))


def _contains(outer: GlossaryMatch, inner: GlossaryMatch) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


PLACE_SUFFIXES = ("City", "County", "District", "Province", "Prefecture", "Town", "Township", "New Area")
_SPLIT_PLACE = re.compile(
    r"\b((?:[A-Z][a-z]{0,5} ){1,3}[A-Z][a-z]{0,5}) (" + "|".join(PLACE_SUFFIXES) + r")\b"
)


@lru_cache(maxsize=1)
def _place_bases() -> dict[str, str]:
    """Folded one-word English place names ("zibo") → their spelling ("Zibo"), from models/en_places.tsv."""
    out: dict[str, str] = {}
    for row in read_tsv("en_places.tsv"):
        name = row[0]
        if " " not in name and len(name) >= 4:
            out.setdefault(name.lower().replace("'", ""), name)
    return out


def split_place_corrections(text: str) -> list[tuple[int, int, str, str, float]]:
    """ "Zi Bo City" → "Zibo City", "Cao Fei Dian District" → "Caofeidian District": a place name
    whose pinyin syllables MT wrote as separate words, before a place suffix (so a person called
    "Li Xian" is left alone)."""
    bases = _place_bases()
    out = []
    for m in _SPLIT_PLACE.finditer(text):
        words = m.group(1).split(" ")
        for k in range(len(words) - 1):  # the longest syllable run that ends at the suffix
            run = words[k:]
            if not all(split_pinyin(w.lower()) == [w.lower()] for w in run):
                continue
            name = bases.get("".join(run).lower())
            if name is not None:
                start = m.start(1) + len(" ".join(words[:k])) + (1 if k else 0)
                out.append((start, m.end(1), name, "place.split", 0.8))
                break
    return out


@lru_cache(maxsize=4)
def _misread_level(suffix: str, misreading: str) -> re.Pattern[str]:
    """ "<name> <misreading>" for the one-word English names of the divisions whose Chinese name ends
    in `suffix` (自治州: Dali, Yanbian, Enshi; 旗: Aohan, Ejin)."""
    names = {row[0] for row in read_tsv("en_places.tsv")
             if len(row) > 2 and row[1].endswith(suffix) and " " not in row[0]}
    # The peoples' names may come between, with an old-style "Nationality": "Chuxiong Yi Nationality
    # Autonomous State" (group 2 starts at "Nationality" when it is there).
    return re.compile(r"\b(?:" + alternation(names)
                      + r")(?:(?:\s+(?:and\s+)?(?!Nationalit)[A-Z][a-z]+){0,3}?(?:\s+(Nationalit(?:y|ies)\s+))?"
                      + rf"\s*Autonomous)?\s+({misreading})\b")


_STATE_BODY = re.compile(
    r"\b(State)\s+(?=(?:CPC\s+|Party\s+)?Committee\b|(?:People's\s+)?Government\b|People's\s+Congress\b|CPPCC\b"
    r"|(?:Deputy\s+|Vice\s+)?Governor\b)"
)
# 州委(副)书记 in Chinese order: "State Committee Secretary" → "Secretary of the Prefectural Party Committee".
_STATE_COMMITTEE = re.compile(r"\bState\s+(?:Party\s+(?=(?:Deputy\s+)?Secretary\b)|Committee(?=\s|$))"
                              r"(?:\s*((?:Deputy\s+)?Secretary)\b)?")


# The official English of the peoples named in autonomous areas' names (德宏傣族景颇族自治州 is
# Dehong Dai and Jingpo Autonomous Prefecture).
_PEOPLES = {
    "彝": "Yi", "回": "Hui", "苗": "Miao", "傣": "Dai", "景颇": "Jingpo", "壮": "Zhuang", "布依": "Bouyei",
    "土家": "Tujia", "藏": "Tibetan", "蒙古": "Mongolian", "维吾尔": "Uygur", "哈萨克": "Kazakh", "白": "Bai",
    "哈尼": "Hani", "傈僳": "Lisu", "纳西": "Naxi", "侗": "Dong", "瑶": "Yao", "水": "Shui", "仡佬": "Gelao",
    "羌": "Qiang", "撒拉": "Salar", "保安": "Bonan", "东乡": "Dongxiang", "土": "Tu", "满": "Manchu",
    "朝鲜": "Korean", "达斡尔": "Daur", "鄂温克": "Ewenki", "鄂伦春": "Oroqen", "锡伯": "Xibe", "拉祜": "Lahu",
    "佤": "Va", "布朗": "Blang", "阿昌": "Achang", "普米": "Pumi", "怒": "Nu", "独龙": "Derung",
    "仫佬": "Mulao", "毛南": "Maonan", "畲": "She", "黎": "Li", "柯尔克孜": "Kirgiz", "塔吉克": "Tajik",
    "裕固": "Yugur", "德昂": "De'ang",
}
_AUTONOMOUS_LEVELS = (("自治州", "Prefecture", ("Prefecture", "State")), ("自治县", "County", ("County",)),
                      ("自治旗", "Banner", ("Banner", "Flag")))


@lru_cache(maxsize=1)
def _autonomous_areas() -> tuple[dict[str, tuple[str, tuple[str, ...]]], re.Pattern[str] | None]:
    """(one-word English name → (official full name with its peoples, the level words MT may write
    for it), pattern of those names followed by peoples each marked "Nationality" and a level word):
    MT renders 族 as "Nationality" ("Dehong Dai Nationality Jingpo Nationality Autonomous Prefecture")."""
    peoples_longest_first = sorted(_PEOPLES, key=len, reverse=True)
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for row in read_tsv("en_places.tsv"):
        if len(row) < 3 or " " in row[0]:
            continue
        english, zh = row[0], row[1]
        for suffix, level, misread in _AUTONOMOUS_LEVELS:
            if not zh.endswith(suffix) or "族" not in zh:
                continue
            *segments, _rest = zh[: -len(suffix)].split("族")
            first = next((p for p in peoples_longest_first if segments[0].endswith(p)), None)
            if first is None or not all(p in _PEOPLES for p in segments[1:]):
                continue
            peoples = [_PEOPLES[first], *(_PEOPLES[p] for p in segments[1:])]
            joined = peoples[0] if len(peoples) == 1 else ", ".join(peoples[:-1]) + " and " + peoples[-1]
            names[english] = (f"{english} {joined} Autonomous {level}", misread)
    if not names:
        return names, None
    levels = "|".join(w for *_, misread in _AUTONOMOUS_LEVELS for w in misread)
    return names, re.compile(
        r"\b(" + alternation(names) + r")\s+"
        r"(?:(?:and\s+)?[A-Z][a-z']+(?:\s+[A-Z][a-z']+)?\s+Nationalit(?:y|ies),?\s+)+"
        rf"Autonomous\s+({levels})\b")


def autonomous_area_corrections(text: str) -> list[tuple[int, int, str, str, float]]:
    """An autonomous area's name with each people marked "Nationality" → its official name, peoples
    read from the Chinese name: "Weining Yi Nationality Hui Nationality Miao Nationality Autonomous
    County" → Weining Yi, Hui and Miao Autonomous County ("Wenshan Strong Nationality Miao
    Nationality Autonomous Prefecture", 壮 translated, → Wenshan Zhuang and Miao ...)."""
    names, pattern = _autonomous_areas()
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        official, levels = names[m.group(1)]
        if m.group(2) in levels:
            out.append((m.start(), m.end(), official, "place.autonomous", 0.8))
    return out


def prefecture_corrections(text: str) -> list[tuple[int, int, str, str, float]]:
    """A level word MT read as a common noun. 州 as "State": "Dali State" → "Dali Prefecture" for an
    autonomous prefecture; in a document that names one, "State Party Committee" / "State
    Government" are the prefecture's. 旗 as "Flag": "Aohan Flag" → "Aohan Banner". An autonomous
    area's peoples marked "Nationality" (`autonomous_area_corrections`)."""
    areas = autonomous_area_corrections(text)

    def outside_areas(i: int) -> bool:  # an area's whole name is already being rewritten
        return not any(a <= i < b for a, b, *_ in areas)

    out = areas + [
        (m.start(1), m.end(2), "Autonomous Prefecture", "place.prefecture", 0.8) if m.group(1)
        else (m.start(2), m.end(2), "Prefecture", "place.prefecture", 0.8)
        for m in _misread_level("自治州", "State").finditer(text) if outside_areas(m.start(2))]
    if any(fix.endswith("Prefecture") for _a, _b, fix, *_ in out) or _misread_level("自治州", "Prefecture").search(text):
        # In a document about an autonomous prefecture, 州委 is its Party committee: "State
        # Committee" → "Prefectural Party Committee"; 州长 "State Governor" → "Prefectural Governor".
        out += [(m.start(), m.end(), f"{m.group(1)} of the Prefectural Party Committee" if m.group(1)
                 else "Prefectural Party Committee", "place.prefecture", 0.7)
                for m in _STATE_COMMITTEE.finditer(text)]
        out += [(m.start(1), m.end(1), "Prefectural", "place.prefecture", 0.7) for m in _STATE_BODY.finditer(text)
                if not _STATE_COMMITTEE.match(text, m.start(1))]
    out += [(m.start(2), m.end(2), "Banner", "place.banner", 0.8) for m in _misread_level("旗", "Flag").finditer(text)
            if outside_areas(m.start(2))]
    return out


# Characters of place names that MT reads the everyday way where the name reads another (长治
# Changzhi, not Zhangzhi; 涡阳 Guoyang; 牟定 Mouding).
_POLYPHONES = frozenset("长都朝涡泊峙珲曾筠荥覃峒伽漯牟乐六蚌番铅单莘冠重厦丽蔚洞行会栎枞歙亳阆圩召沈解尉埔澄句")


@lru_cache(maxsize=1)
def _misread_places() -> dict[str, tuple[str, str]]:
    """Folded spelling of a place name with another reading of one of its characters → (official
    English, Chinese): 长治 "Zhangzhi" → Changzhi, 涡阳 "Woyang" → Guoyang. Only spellings that no
    other place has and that are not the official one. A name pypinyin knows as a phrase (蚌埠, 六安)
    gets only its phrase reading, so its misreadings ("Bangbu", "Liuan") are not listed."""
    official: dict[str, set[str]] = {}
    readings: dict[str, set[tuple[str, str]]] = {}
    for row in read_tsv("en_places.tsv"):
        if len(row) < 3 or row[2] not in ("county", "prefecture") or " " in row[0]:
            continue
        english, zh = row[0], row[1]
        base = next((zh[: -len(x)] for x in DIVISION_SUFFIXES if zh.endswith(x) and len(zh) > len(x) + 1), zh)
        folded = english.lower().replace("'", "")
        official.setdefault(folded, set()).add(english)
        if not 2 <= len(base) <= 4:
            continue
        combos: list[tuple[str, ...]] = [()]
        for ch in pinyin(base, style=Style.NORMAL, heteronym=True):
            combos = [c + (r,) for c in combos for r in ch[:4]]
        right = [c for c in combos if "".join(c) == folded]
        if not right:
            continue  # not a pinyin name (Hohhot)
        for c in combos:
            # Another everyday reading of a polyphonic character (长 zhang, 涡 wo), the rest as written.
            if c != right[0] and all(r == o or ch in _POLYPHONES for ch, r, o in zip(base, c, right[0])):
                readings.setdefault("".join(c), set()).add((english, base))
    return {c: next(iter(v)) for c, v in readings.items() if len(v) == 1 and c not in official}


# Capitalized words that may stand next to a place name without making it part of another name.
_PLACE_NEIGHBOURS = frozenset("Airport Station Port Railway Town Township Village Prefecture Prefectural "
                              "Municipal County District City Banner League River Lake Mountains Mount Peak "
                              "Desert Grassland Basin Plateau Autonomous Region Monastery Temple".split())
_LEVEL_OR_NEIGHBOUR = LEVEL_WORDS | _PLACE_NEIGHBOURS


def _word_after_place(text: str, start: int, end: int) -> str | None:
    """The capitalized word right after a place name at text[start:end] ("" when there is none), or
    None when a capitalized word before it makes the span part of another name ("Wang Linzhi" is a
    person; a sentence's first function word, "In Linzhi", and a level word do not count)."""
    lo = max(0, start - 30)
    before = re.search(r"([A-Z][A-Za-z]+)[ \t]+$", text[lo:start])
    if before and before.group(1) not in _PLACE_NEIGHBOURS and not (
            before.group(1).lower() in FUNCTION_WORDS and _sentence_start(text, lo + before.start())):
        return None
    after = re.match(r"[ \t]+([A-Z][A-Za-z]+)", text[end : end + 30])
    return after.group(1) if after else ""


def misread_place_corrections(text: str) -> list[tuple[int, int, str, str, float]]:
    """ "Zhangzhi Municipal Party Committee" → Changzhi: a place name spelled with another reading of
    a polyphonic character, before a level word or in a document about its province, and not inside
    another name ("Zhang Zhi" and "Wang Zhangzhi" are people)."""
    table = _misread_places()
    named: frozenset[str] | None = None  # the document's regions, scanned once when first needed
    out = []
    for m in re.finditer(r"\b[A-Z][a-z]+(?:'[a-z]+)?\b", text):
        hit = table.get(m.group().lower().replace("'", ""))
        if hit is None:
            continue
        english, zh = hit
        after = _word_after_place(text, m.start(), m.end())
        if after is None:
            continue
        if after in _LEVEL_OR_NEIGHBOUR:
            out.append((m.start(), m.end(), english, "place.reading", 0.75))
        elif not after:
            named = region_names(text) if named is None else named
            if set(provinces_of_bases().get(zh, ())) & provinces_of(named - {m.group()}):
                out.append((m.start(), m.end(), english, "place.reading", 0.7))
    return out


# A Party committee's department in Chinese word order (市委组织部: "Municipal Committee Organization
# Department"); 组织部 read "Tissue Department" too.
_DEPARTMENT_IN_CHINESE_ORDER = re.compile(
    r"\b((?:[A-Z][a-z'’]+\s+)?(?:Municipal|Provincial|County|District|Prefectural)\s+)(?:CPC\s+|Party\s+)?Committee"
    r"\s+(Organization|Organisation|Tissue|Propaganda|Publicity|United\s+Front(?:\s+Work)?|Political\s+and\s+Legal"
    r"(?:\s+Affairs)?)\s+(Department|Commission)\b")
_DEPARTMENT_NAMES = {"Tissue": "Organization", "Organisation": "Organization", "United Front": "United Front Work",
                     "Political and Legal": "Political and Legal Affairs"}
# 市委(副)书记 in Chinese order: "Municipal Committee Deputy Secretary", "Zhenping County Party Committee
# Deputy Secretary". "County Party Committee Secretary Wang" is journalists' English and stays.
_SECRETARY_IN_CHINESE_ORDER = re.compile(
    r"\b((?:[A-Z][a-z'’]+\s+)?(?:Municipal|Provincial|County|District|Prefectural)\s+)"
    r"(?:(?:CPC|Party)\s+Committee\s+((?:Executive\s+)?Deputy\s+)|Committee\s+((?:Executive\s+)?(?:Deputy\s+)?))"
    r"Secretary\b(?!-|\s+General\b|\s+of\b)")


def department_order_corrections(text: str) -> list[tuple[int, int, str, str, float]]:
    """ "Huaihua Municipal Committee Organization Department" → "Organization Department of the Huaihua
    Municipal Party Committee", the order of official English (and of WMT21's human reference); the
    same for a committee's (deputy) secretary ("Municipal Committee Deputy Secretary")."""
    out = []
    for m in _DEPARTMENT_IN_CHINESE_ORDER.finditer(text):
        name = " ".join(m.group(2).split())
        name = _DEPARTMENT_NAMES.get(name, name)
        out.append((m.start(), m.end(), f"{name} {m.group(3)} of the {m.group(1)}Party Committee", "body.order", 0.8))
    for m in _SECRETARY_IN_CHINESE_ORDER.finditer(text):
        rank = " ".join((m.group(2) or m.group(3) or "").split())
        out.append((m.start(), m.end(), f"{rank + ' ' if rank else ''}Secretary of the {m.group(1)}Party Committee",
                    "body.order", 0.8))
    return out



@lru_cache(maxsize=1)
def _exonyms() -> tuple[dict[str, tuple[str, str, tuple[str, ...]]], re.Pattern[str]]:
    """Pinyin as MT writes it → (standard English, Chinese name, its provinces), and a pattern of the
    pinyin words."""
    bases = provinces_of_bases()
    table = {pinyin: (english, zh, bases.get(_zh_base(zh), ())) for zh, pinyin, english, _kind in place_exonyms()}
    return table, re.compile(r"\b(" + alternation(table) + r")\b")


def exonym_corrections(text: str, source: str | None = None) -> list[tuple[int, int, str, str, float]]:
    """ "Hulunbeier" → "Hulunbuir", "Keshiketeng Banner" → "Hexigten Banner": places of Tibet,
    Xinjiang or Inner Mongolia written in pinyin where English uses another name
    (models/en_place_exonyms.tsv), one edit per run of such names ("Linzhi Milin Airport"). Not
    inside another name: the capitalized words around the run must be level words or places
    ("Wang Linzhi" is a person); a run of one or two syllables needs such a word after it ("Linzhi
    City"; "Ali" and "Lang Lang" are Alibaba and a pianist). With a source, the Chinese names must
    be there."""
    table, pattern = _exonyms()
    runs: list[list[re.Match[str]]] = []
    for m in pattern.finditer(text):
        if runs and text[runs[-1][-1].end() : m.start()] == " ":
            runs[-1].append(m)
        else:
            runs.append([m])
    named = region_names(text) if runs else frozenset()
    out = []
    for run in runs:
        start, end = run[0].start(), run[-1].end()
        after = _word_after_place(text, start, end)
        if after is None:
            continue
        neighbour_after = after in _PLACE_NEIGHBOURS
        if after and not neighbour_after:
            continue
        names = [table[m.group()] for m in run]
        syllables = sum(len(split_pinyin(m.group().lower()) or ()) for m in run)
        words = frozenset(m.group() for m in run)
        if len(words) < len(run):
            continue  # "Lang Lang" is a pianist
        if syllables < 3 and not neighbour_after and not any(
                set(ps) & provinces_of(named - words) for *_, ps in names):
            continue  # in a document about Xizang, "Linzhi" alone is the city
        if source is not None and any(_zh_base(zh) not in source for _, zh, _ in names):
            continue
        out.append((start, end, " ".join(english for english, *_ in names), "place.exonym",
                    0.9 if source else 0.75))
    return out


def _sentence_start(text: str, i: int) -> bool:
    return i == 0 or bool(re.search(r"[.!?:\n]\s*$", text[max(0, i - 3) : i]))


_ZH_LEVEL = re.compile(r"(?:(?:藏族|蒙古族|哈萨克|柯尔克孜|回族|锡伯|塔吉克|土族|撒拉族)?自治(?:州|县|旗)|特别行政区|自治区|地区|市|县|旗|盟|区|河|湖|江|盆地|高原|沙地|草原|山脉|山|峰|寺)$")


def _zh_base(zh: str) -> str:
    """林芝市 → 林芝, 塔里木河 → 塔里木: the part a source writes however the level is said."""
    base = _ZH_LEVEL.sub("", zh)
    return base if len(base) >= 2 else zh


@register_stage("cleanup")
class TranslationCleanup(Stage):
    """Corrects English MT: glossary terms, romanized names, artifacts; each change audited.

    `glossary`: extra glossary TSV files (same format as `models/glossary.tsv`), added to / overriding
    the bundled entries. `min_confidence`: corrections below it are dropped. `rules`: the rule families
    to run: "glossary", "literal" (renderings predicted from CC-CEDICT, `pipeline.literal`), "names" (romanized person names), "places" (split place names, 州 read as "State", 旗 as "Flag"), "artifacts", "exonyms" (not by
    default: Xinhua's names for places of Tibet, Xinjiang, Inner Mongolia written in pinyin),
    or single artifact rules ("stray_capital", "doubled_word", "doubled_name", "spacing").
    `names_zh_stage`: let the name repair ask the Chinese entity stage which source spans are persons
    (more source names confirmed, but it runs that stage on every source text).
    """

    requires = ("norm_text", "lang", "tokens")
    provides = ("corrections",)

    def __init__(
        self,
        *,
        glossary: tuple[str, ...] = (),
        min_confidence: float = 0.0,
        rules: tuple[str, ...] = RULE_FAMILIES,
        names_zh_stage: bool = True,
    ) -> None:
        known = set(RULE_FAMILIES) | set(OPTIONAL_FAMILIES) | set(ARTIFACT_RULES)
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
        self.names_zh_stage = bool(names_zh_stage)
        self.artifact_rules = tuple(
            r for r in ARTIFACT_RULES if r in self.rules or "artifacts" in self.rules
        )
        self.glossary: Glossary = load_glossary(self.glossary_paths)

    # ------------------------------------------------------------------ glossary
    def glossary_corrections(self, doc: Doc) -> list[tuple[int, int, str, str, float]]:
        """Variant matches that survive protection and evidence checks, longest first."""
        text = doc.norm_text
        matches = self.glossary.find(text)
        if "literal" in self.rules:
            matches += literal_index(self.glossary).find(text)
        correct = sorted((m for m in matches if m.kind != "variant"), key=lambda c: c.start)
        correct_starts = [c.start for c in correct]
        longest = max((c.end - c.start for c in correct), default=0)
        source = normalize_source(doc.source_text) if doc.source_text else None
        words = _Words(text)
        best: dict[tuple[int, int], tuple[float, int, GlossaryMatch]] = {}
        for m in matches:
            if m.kind != "variant" or m.variant is None:
                continue
            # A garble that is part of (or cuts into) a correct rendering is not a garble.
            lo = bisect.bisect_left(correct_starts, m.start - longest)
            hi = bisect.bisect_left(correct_starts, m.end)
            if any(
                c.start < m.end and m.start < c.end and not (_contains(m, c) and (m.start, m.end) != (c.start, c.end))
                for c in correct[lo:hi]
            ):
                continue
            if m.entry.type in NAME_TYPES and _inside_other_name(text, m):
                continue
            if m.entry.type == "title" and not _title_position(text, m):
                continue
            conf = self._confidence(m, source, words)
            if conf is None:
                continue
            # On one span: the entry the source holds, then the surer, then a listed garble over a
            # predicted (literal) one.
            rank = (1 if source is not None and m.entry.in_source(source) else 0, conf, not m.variant.literal)
            key = (m.start, m.end)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, m)
        out = []
        for (start, end), ((_in_source, conf, _listed), m) in best.items():
            surface = text[start:end]
            replacement = m.variant.replacement or m.entry.canonical  # type: ignore[union-attr]
            inflected = inflect_like(replacement, surface, m.variant.text, m.entry.type)  # type: ignore[union-attr]
            if inflected is None:
                continue
            replacement = inflected
            if m.entry.type == "enterprise":
                replacement = _keep_group_suffix(replacement, surface, text.startswith(".", end))
            start, end = _absorb_echo(text, start, end, replacement)
            replacement = match_case(
                replacement, text[start:end], bool(_SENTENCE_START.search(text, max(0, start - 8), start)),
                in_name=bool(_CAPITAL_BEFORE.search(text, max(0, start - 30), start)
                             and _CAPITAL_AFTER.match(text, end)),
            )
            family = "literal" if m.variant.literal else "glossary"  # type: ignore[union-attr]
            out.append((start, end, replacement, f"{family}:{m.entry.zh}", conf))
        out.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        return out

    def _confidence(self, m: GlossaryMatch, source: str | None, words: _Words) -> float | None:
        ambiguous = m.variant is not None and m.variant.ambiguous
        if m.variant is not None and m.variant.literal:
            # Predicted, not seen: with a source only when its Chinese is there.
            if source is not None:
                return CONF_SOURCE_CONFIRMED_AMBIGUOUS if m.entry.in_source(source) else None
            return CONF_LITERAL
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
            candidates += department_order_corrections(doc.norm_text) + self.glossary_corrections(doc)
        if "names" in self.rules:
            from .names_en import name_corrections

            candidates += name_corrections(doc, use_zh_stage=self.names_zh_stage)
        if "places" in self.rules:
            candidates += split_place_corrections(doc.norm_text) + prefecture_corrections(doc.norm_text)
            candidates += misread_place_corrections(doc.norm_text)
        if "exonyms" in self.rules:
            candidates += exonym_corrections(doc.norm_text, normalize_source(doc.source_text) if doc.source_text else None)
        if self.artifact_rules:
            candidates += find_artifacts(doc.norm_text, self.artifact_rules)
        for start, end, replacement, rule, confidence in candidates:
            if confidence < self.min_confidence:
                continue
            doc.add_correction(start, end, replacement, rule, confidence)
        return doc
