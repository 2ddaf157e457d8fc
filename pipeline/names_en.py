"""Romanized Chinese names in English text: detection, variant unification, repair from the source.

Machine translation romanizes one person several ways in one text ("Song Huam" next to "Song Huying")
and garbles given names into strings that are not pinyin at all. Pinyin is a closed syllable
inventory, so "is this word valid pinyin?" is decidable (`pipeline.romanize.split_pinyin`), and a
name whose surname is a Chinese surname but whose given name is not pinyin is almost always a garble.

Variant similarity (`given_name_distance`) is measured on the given name only, for names with the same
surname. Two kinds of single edit count as "one edit":

* a character edit: insertion, deletion, substitution or transposition of adjacent letters
  (optimal string alignment distance 1: "Huyng" ~ "Huying");
* a syllable edit: the valid variant's syllables s1..sk (k >= 2) and a split of the garble into k
  non-empty pieces that agree with s1..sk everywhere except in one piece ("Huam" = hu|am ~ hu|ying).
  MT garbles keep most syllables and mangle one, so this is the edit that matters on names; it is
  not counted in characters because a mangled syllable can change length freely.

A garble is unified with a valid variant only when exactly one distinct valid given name of that
surname is within one edit, so two people sharing a surname never get merged by a guess.

With `Doc.source_text`, Chinese person names are read from the original (title context such as
市长宋华英, person verbs such as 宋华英指出, or the Chinese entity stage when it is available),
romanized with `pipeline.romanize`, and English names that are near misses of them are repaired.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from pypinyin import Style, pinyin
from rapidfuzz.distance import OSA

from .doc import Doc
from .errors import GovpipeError, ResourceError
from .resources import read_tsv
from .romanize import name_syllables, romanize_name, split_name, split_pinyin, surname_readings

# A word of romanized text: letters with inner hyphens or apostrophes ("Hu-ying", "Xi'an").
_WORD = re.compile(r"[A-Za-zÜü]+(?:[-'’][A-Za-zÜü]+)*")
_POSSESSIVE = re.compile(r"[’']s$")
_GAP = re.compile(r"[ \t]+|[ \t]*\n[ \t]*")
MAX_GIVEN_SYLLABLES = 3
# Capitalized words that end a place or company name, so the two words before them are not a person.
_NAME_HEADS = frozenset(
    "River Lake Street Road Avenue Mountain Mountains District County Town Township Village City Province "
    "Park Zone Bridge Port Station Airport Reservoir Temple Technology Technologies Group Solar Company Co "
    "Corporation Energy Bank University Hospital School College Institute".split()
)
SURNAME_FORMS_FILE = "en_surname_forms.tsv"
# A garbled given name still looks like a romanized word: short, letters only.
MAX_GARBLE_LEN = 9

# Chinese context that marks the name after it as a person: title heads, "comrade".
_ZH_TITLE_BEFORE = (
    "书记|副书记|常委|委员|市长|副市长|县长|副县长|区长|副区长|省长|副省长|州长|镇长|乡长|主任|副主任|"
    "主席|副主席|秘书长|部长|副部长|厅长|局长|副局长|处长|科长|司长|总理|副总理|总书记|院长|校长|"
    "董事长|总经理|经理|总裁|负责人|代表|同志|专家|教授|院士|巡视员|调研员|主委|组长|队长|所长|行长|社长"
)
_ZH_VERB_AFTER = (
    "同志|主持|出席|参加|表示|指出|强调|要求|介绍|讲话|发言|陪同|调研|会见|看望|察看|听取|宣布|致辞|一行|"
    "率队|带队|一同"
)
_ZH_PUNCT = "，。、；：！？,;:（）()\n"


@dataclass(frozen=True)
class RomanizedName:
    """A name found in `norm_text`: surname key ("song"), given as written (no separators)."""

    start: int
    end: int
    surface: str
    surname: str
    surname_surface: str
    given: str
    given_surface: str
    syllables: tuple[str, ...] | None
    given_first: bool = False
    # "pinyin", or "literal" (解 → "Solution"), "alias" (邝 → "Kwong"), "misread" (曾 → "Ceng", listed),
    # "reading" (another reading of a surname character that no surname has, not listed)
    surname_form: str = "pinyin"
    initial: bool = False  # a literal form at a sentence start (kept only with other evidence)

    @property
    def valid(self) -> bool:
        return self.syllables is not None

    @property
    def canonical(self) -> str:
        """Mainland form: surname first, given syllables joined, each part capitalized."""
        return f"{self.surname.capitalize()} {self.given.capitalize()}"

    @property
    def key(self) -> str:
        return f"{self.surname} {self.given}"

    def with_given(self, given_surface: str) -> str:
        """This mention's spelling with another given name (keeps order and surname casing; a
        literal or alias surname is written in pinyin)."""
        surname = self.surname_surface
        if self.surname_form != "pinyin":
            surname = self.surname.upper() if surname.isupper() else self.surname.capitalize()
        if self.given_first:
            return f"{given_surface} {surname}"
        return f"{surname} {given_surface}"


@lru_cache(maxsize=1)
def english_surnames() -> frozenset[str]:
    """Lower-case romanized surnames (single and compound), with the ü spellings of lyu/nyu."""
    out: set[str] = set()
    for reading in surname_readings().values():
        r = reading.lower().replace(" ", "")
        out.add(r)
        if r in ("lyu", "nyu"):
            out.update({r[0] + "u", r[0] + "v", r[0] + "ü", r[0] + "ue"})
    return frozenset(out)


@lru_cache(maxsize=1)
def surname_forms() -> dict[str, tuple[str, str, str]]:
    """English word → (kind, Chinese surname, pinyin) from models/en_surname_forms.tsv; spellings
    that are themselves pinyin surnames are left to the pinyin reading."""
    out: dict[str, tuple[str, str, str]] = {}
    for row in read_tsv(SURNAME_FORMS_FILE):
        if len(row) >= 2 and row[0] in ("not_given", "literal_part"):
            continue
        if len(row) < 4 or row[0] not in ("literal", "alias", "misread"):
            raise ResourceError(
                f"models/{SURNAME_FORMS_FILE}: bad row {row!r}; expected kind (literal|alias|misread), "
                "english, surname, pinyin separated by tabs"
            )
        if row[1].lower() not in english_surnames():
            out[row[1]] = (row[0], row[2], row[3].lower())
    return out


@lru_cache(maxsize=1)
def misread_surnames() -> dict[str, tuple[str, str]]:
    """A character reading that is not the surname reading → (surname, surname reading), when only one
    single-character surname has it and no surname is read that way: 曾 "ceng" → zeng, 解 "jie" → xie."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for zh, reading in surname_readings().items():
        if len(zh) != 1:
            continue
        for r in pinyin(zh, style=Style.NORMAL, heteronym=True)[0]:
            r = r.replace("v", "yu") if r[:1] in "ln" else r.replace("v", "u")
            if r != reading:
                seen.setdefault(r, set()).add((zh, reading))
    surnames = english_surnames()
    return {r: next(iter(v)) for r, v in seen.items() if len(v) == 1 and r not in surnames}


@lru_cache(maxsize=1)
def not_given_words() -> frozenset[str]:
    return frozenset(r[1] for r in read_tsv(SURNAME_FORMS_FILE) if len(r) >= 2 and r[0] == "not_given")


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 200) : start].rstrip()
    if not before:
        return True
    return before[-1] in ".!?。！？:：\"“\n"


def _fold(word: str) -> str:
    return re.sub(r"[-'’\s]", "", word).lower().replace("ü", "v")


def _is_name_case(word: str) -> bool:
    """Capitalized ("Huying", "Hu-ying", "Hu-Ying") or upper-case ("SONG"); never "HuYing"-like."""
    if len(word) >= 2 and word.isupper():
        return True
    parts = re.split(r"[-'’]", word)
    return word[:1].isupper() and all(p[1:].islower() or not p[1:] for p in parts)


def _given_syllables(word: str) -> tuple[str, ...] | None:
    syl = split_pinyin(word.replace("’", "'"))
    if syl is None or not 1 <= len(syl) <= MAX_GIVEN_SYLLABLES:
        return None
    return tuple(syl)


def _looks_romanized(word: str) -> bool:
    """Could be a garbled romanization: letters only (inner hyphen allowed), short."""
    letters = word.replace("-", "")
    return letters.isalpha() and letters.isascii() and 2 <= len(letters) <= MAX_GARBLE_LEN


def _given_ok(word: str) -> tuple[bool, tuple[str, ...] | None]:
    """(usable as a given name, its syllables if valid pinyin)."""
    if len(word.replace("-", "")) < 2:
        return False, None
    syl = _given_syllables(word)
    return syl is not None or _looks_romanized(word), syl


def _name_follows(text: str, words: list[tuple[int, int, str]], k: int) -> bool:
    """Whether words[k] starts a surname-first name ("Shouguang Sun Haoran" is a place and Sun
    Haoran, not a given-name-first "Shouguang Sun")."""
    if k + 1 >= len(words):
        return False
    (_, e1, _), (s2, _, w2) = words[k], words[k + 1]
    return bool(_GAP.fullmatch(text, e1, s2) and w2[:1].isupper() and _is_name_case(w2) and _given_ok(w2)[1])


def find_names(text: str, *, literal_at_start: bool = False) -> list[RomanizedName]:
    """Two-word romanized names, surname first ("Song Huying", "SONG Hu-ying") or given name first
    ("Huying Song", only when the first word is not itself a surname and has two or more syllables).

    Names whose given name is not valid pinyin are returned too (`valid` False): they are the
    candidates for repair, never entities on their own. A surname translated as a word ("Solution
    Hongmei") at a sentence start is taken only when the same spelling also occurs mid-sentence, or
    with `literal_at_start` (the caller has other evidence, e.g. the source), marked `initial`.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    surnames = english_surnames()
    out: list[RomanizedName] = []
    i = 0
    while i < len(words) - 1:
        split = _split_compound(text, words, i)
        if split is not None:
            out.append(split)
            i += 3
            continue
        (s1, e1, w1), (s2, e2, w2) = words[i], words[i + 1]
        poss = _POSSESSIVE.search(w2)
        if poss:
            w2, e2 = w2[: poss.start()], e2 - (len(w2) - poss.start())
        if not (_GAP.fullmatch(text, e1, s2) and w1[:1].isupper() and w2[:1].isupper()):
            i += 1
            continue
        if not (_is_name_case(w1) and _is_name_case(w2)):
            i += 1
            continue
        sur1, sur2 = _fold(w1), _fold(w2)
        found: RomanizedName | None = None
        if sur1 in surnames and "-" not in w1:
            ok, syl = _given_ok(w2)
            if ok:
                found = RomanizedName(s1, e2, text[s1:e2], sur1, w1, _fold(w2), w2, syl)
        form = surname_forms().get(w1)
        if form is None and sur1 in misread_surnames() and "-" not in w1:
            zh, reading = misread_surnames()[sur1]
            form = ("reading", zh, reading)
        if found is None and form is not None:
            syl = _given_syllables(w2)
            if syl is not None and len(syl) <= 2 and w2 not in not_given_words():
                initial = form[0] == "literal" and _sentence_initial(text, s1)
                found = RomanizedName(s1, e2, text[s1:e2], form[2], w1, _fold(w2), w2, syl,
                                      surname_form=form[0], initial=initial)
        if found is None and sur2 in surnames and sur1 not in surnames and not _name_follows(text, words, i + 1):
            syl = _given_syllables(w1)
            if syl is not None and len(syl) >= 2 and "-" not in w2:
                found = RomanizedName(s1, e2, text[s1:e2], sur2, w2, _fold(w1), w1, syl, True)
        if found is not None and i + 2 < len(words):
            # "District Yingyang River", "Jing Macao Technology": a pair before a place or company
            # head word is part of that name. After a word-translated surname, any capitalized word
            # does the same ("Golden Jue Opening Forum").
            (s3, _, w3) = words[i + 2]
            if _GAP.fullmatch(text, found.end, s3) and w3[:1].isupper() and (
                    w3 in _NAME_HEADS or found.surname_form == "literal"):
                found = None
        if found is not None:
            out.append(found)
            i += 2
        else:
            i += 1
    mid_sentence = {n.surface for n in out if n.surname_form == "literal" and not n.initial}
    return [n for n in out if not n.initial or literal_at_start or n.surface in mid_sentence]


@lru_cache(maxsize=1)
def compound_surname_readings() -> frozenset[str]:
    return frozenset(r.lower() for zh, r in surname_readings().items() if len(zh) == 2)


def _split_compound(text: str, words: list[tuple[int, int, str]], i: int) -> RomanizedName | None:
    """A compound surname written as two words, the first possibly translated: "Ou Yang Hui",
    "Europe Yang Hui" (欧阳辉) → surname ouyang, given name hui."""
    if i + 2 >= len(words):
        return None
    (s1, e1, w1), (s2, e2, w2), (s3, e3, w3) = words[i : i + 3]
    if not (_GAP.fullmatch(text, e1, s2) and _GAP.fullmatch(text, e2, s3)):
        return None
    if not all(_is_name_case(w) and w[:1].isupper() for w in (w1, w2, w3)):
        return None
    part = surname_parts().get(w1, _fold(w1))
    surname = part + _fold(w2)
    misread = surname_forms().get((part + _fold(w2)).capitalize())
    if misread is not None and misread[0] == "misread" and len(misread[1]) == 2:
        surname = misread[2]  # "Wan Si Xiaodong": 万俟 read as 万 + 俟 si is Moqi Xiaodong
    elif surname not in compound_surname_readings():
        return None
    syl = _given_syllables(w3)
    if syl is None or len(syl) > 2 or w3 in _NAME_HEADS:
        return None
    form = "literal" if w1 in surname_parts() else "split"  # both: name.surname repairs
    return RomanizedName(s1, e3, text[s1:e3], surname, text[s1:e2], _fold(w3), w3, syl, surname_form=form)


@lru_cache(maxsize=1)
def surname_parts() -> dict[str, str]:
    """English word → first syllable of a compound surname it translates ("Europe" → ou for 欧阳)."""
    return {r[1]: r[3].lower() for r in read_tsv(SURNAME_FORMS_FILE) if len(r) >= 4 and r[0] == "literal_part"}


def _syllable_edit(garble: str, syllables: tuple[str, ...]) -> bool:
    """Whether `garble` splits into len(syllables) non-empty pieces differing from them in exactly one."""
    k = len(syllables)
    if k < 2:
        return False
    for j in range(k):
        prefix = "".join(syllables[:j])
        suffix = "".join(syllables[j + 1 :])
        if not (garble.startswith(prefix) and garble.endswith(suffix)):
            continue
        middle = garble[len(prefix) : len(garble) - len(suffix)]
        if middle and middle != syllables[j] and len(prefix) + len(suffix) < len(garble):
            return True
    return False


def given_name_distance(garble: str, syllables: tuple[str, ...]) -> int:
    """0 if equal, 1 if one character or one syllable edit apart (see module docstring), else 2."""
    target = "".join(syllables)
    if garble == target:
        return 0
    if OSA.distance(garble, target) <= 1 or _syllable_edit(garble, syllables):
        return 1
    return 2


# ----------------------------------------------------------------------------- source names
@dataclass(frozen=True)
class SourceName:
    """A Chinese person name from the source and its possible readings (heteronyms of the given name)."""

    zh: str
    surname: str
    readings: tuple[tuple[str, ...], ...]
    evidence: bool
    surname_readings: tuple[str, ...] = ()  # every reading of the surname characters ("ceng" for 曾)

    @property
    def romanized(self) -> str:
        return romanize_name(self.zh)


def _given_readings(given_zh: str) -> tuple[tuple[str, ...], ...]:
    per_char = pinyin(given_zh, style=Style.NORMAL, heteronym=True, errors="ignore")
    options = [[r.replace("v", "yu") if r[:1] in "ln" else r.replace("v", "u") for r in opts[:4]]
               for opts in per_char]
    if len(options) != len(given_zh):
        return ()
    _, canonical = name_syllables("宋" + given_zh)
    combos = [tuple(canonical)]
    for combo in itertools.product(*options):
        if combo not in combos:
            combos.append(combo)
    return tuple(combos[:16])


@lru_cache(maxsize=1)
def _zh_extractor():
    from .entities_zh import ChineseEntityExtractor

    return ChineseEntityExtractor()


def _zh_person_spans(source: str) -> set[tuple[int, int]]:
    """Spans of Chinese person names found by the Chinese entity stage (rules and lexicons) when it is
    installed; the context rules of `source_names` stand on their own otherwise."""
    if importlib.util.find_spec(f"{__package__}.entities_zh") is None:
        return set()
    try:
        spans = _zh_extractor().spans(source)
    except GovpipeError:
        return set()
    return {(s.start, s.end) for s in spans if s.type == "person"}


def source_names(source_text: str, use_zh_stage: bool = True) -> tuple[SourceName, ...]:
    """Cached `_source_names`; one cache key however the flag is passed (cleanup and entities both
    ask for the same source, and the Chinese entity stage is the expensive part)."""
    return _source_names(source_text, bool(use_zh_stage))


@lru_cache(maxsize=64)
def _source_names(source_text: str, use_zh_stage: bool) -> tuple[SourceName, ...]:
    """Candidate person names in a Chinese text: every surname followed by one or two Han characters.

    `evidence` is True when the candidate is backed by context (a title before it, a person verb or
    comrade after it) or by the Chinese entity stage; only such names may *repair* English, while any
    candidate may *align* an English name that it reads exactly.
    """
    readings = surname_readings()
    zh_spans = _zh_person_spans(source_text) if use_zh_stage else set()
    title_before = re.compile(rf"(?:{_ZH_TITLE_BEFORE})$")
    verb_after = re.compile(rf"(?:{_ZH_VERB_AFTER})")
    punct = set(_ZH_PUNCT)
    out: dict[str, SourceName] = {}
    n = len(source_text)
    for i in range(n):
        for slen in (2, 1):
            sur = source_text[i : i + slen]
            if len(sur) != slen or sur not in readings:
                continue
            for glen in (1, 2):
                end = i + slen + glen
                given = source_text[i + slen : end]
                if end > n or not all("\u4e00" <= c <= "\u9fff" for c in given):
                    continue
                titled = bool(title_before.search(source_text[max(0, i - 4) : i]))
                before_ok = titled or i == 0 or source_text[i - 1] in punct
                verb = bool(verb_after.match(source_text, end))
                closed = end == n or source_text[end] in punct
                evidence = (i, end) in zh_spans or (before_ok and verb) or (titled and closed)
                zh = sur + given
                prev = out.get(zh)
                if prev is None or (evidence and not prev.evidence):
                    out[zh] = SourceName(zh, readings[sur].lower(), _given_readings(given), evidence,
                                         _surname_char_readings(sur))
    return tuple(out.values())


# Readings MT gives surname characters that pypinyin does not list (谌 Chen read "Shen").
_EXTRA_READINGS = {"谌": ("shen",)}


def _surname_char_readings(sur: str) -> tuple[str, ...]:
    combos = [""]
    for ch, opts in zip(sur, pinyin(sur, style=Style.NORMAL, heteronym=True)):
        combos = [c + o for c in combos for o in (*opts[:4], *_EXTRA_READINGS.get(ch, ()))]
    return tuple(c.replace("v", "u") for c in combos)


def _same_surname(name: RomanizedName, cand: SourceName) -> bool:
    """The English surname is the source surname, or one of its characters' other readings
    (单 written "Dan", 曾 written "Ceng")."""
    return cand.surname == name.surname or name.surname in cand.surname_readings


def _source_match(name: RomanizedName, candidates: Iterable[SourceName]) -> tuple[SourceName | None, int]:
    """The source name this English name reads as (distance 0), else the unique evidenced near miss."""
    candidates = [c for c in candidates if _same_surname(name, c)]
    exact = [c for c in candidates if any("".join(r) == name.given for r in c.readings)]
    if exact:
        # Prefer the longest exact reading (宋华英 over 宋华 when both read as the text says).
        return max(exact, key=lambda c: (c.evidence, len(c.zh))), 0
    near = {c.zh: c for c in candidates if c.evidence
            and any(given_name_distance(name.given, r) == 1 for r in c.readings if r)}
    if len(near) == 1:
        return next(iter(near.values())), 1
    return None, 2


def align_source_name(name: RomanizedName, source_text: str) -> str | None:
    """Chinese form of an English name when the source holds a name reading exactly like it."""
    match, dist = _source_match(name, source_names(source_text))
    return match.zh if match is not None and dist == 0 else None


# ----------------------------------------------------------------------------- corrections
NameCorrection = tuple[int, int, str, str, float]


def _u_fold(surname: str) -> str:
    """Spellings of ü after l/n are one surname: Lu, Lv, Lü, Lyu (吕)."""
    s = surname.lower()
    return s[0] + "yu" if s[:1] in "ln" and s[1:] in ("u", "v", "ü", "yu") else s


def _respell(n: RomanizedName, surname: str, given: str) -> str:
    """The mention in its own order and case with the surname and given name replaced."""
    sur = surname.upper() if n.surname_surface.isupper() else surname
    return f"{given} {sur}" if n.given_first else f"{sur} {given}"


def name_corrections(doc: Doc, *, use_zh_stage: bool = True) -> list[NameCorrection]:
    """Repairs of romanized names in `doc.norm_text`: (start, end, replacement, rule id, confidence).

    `name.source`: the English name is a near miss of a Chinese name in `source_text` (invalid pinyin
    0.9, valid but different pinyin 0.75; `use_zh_stage` also asks the Chinese entity stage which
    source spans are persons). `name.surname`: a surname translated as a word or written in a
    non-pinyin spelling ("Solution Hongmei" → "Xie Hongmei", "Kwong Meishan" → "Kuang Meishan"): 0.7
    for a word-translated surname without a source; 0.9 when the source holds the name (the only way
    a Cantonese / Wade-Giles spelling or another reading of the character is changed, but for the
    listed everyday misreadings, "Ceng" → "Zeng", taken at 0.7 without a source); never when a
    source lacks it. `name.unify`: an invalid-pinyin name is one edit from the
    only valid given name of the same surname in the document (0.85 for a character edit, 0.75 for a
    syllable edit).
    """
    source = source_names(doc.source_text, use_zh_stage) if doc.source_text else ()
    names = find_names(doc.norm_text, literal_at_start=bool(source))
    out: list[NameCorrection] = []
    valid_by_surname: dict[str, dict[str, list[RomanizedName]]] = {}
    for n in names:
        if n.valid:
            valid_by_surname.setdefault(n.surname, {}).setdefault(n.given, []).append(n)
    for n in names:
        if source:
            match, dist = _source_match(n, source)
            respell = match is not None and dist == 0 and romanize_name(match.zh).split(" ", 1)[0].lower() \
                != n.surname_surface.lower()
            if match is not None and (n.surname_form != "pinyin" or respell) and not match.evidence:
                # 区映阳河 read as "District Yingyang", 朴树 written "Pu Shu": changing how a surname is
                # written needs the name in a person context (title, person verb), not just its reading.
                continue
            if match is not None:
                canonical = romanize_name(match.zh)
                surname, given = canonical.split(" ", 1)
                if dist == 1:
                    out.append((n.start, n.end, _respell(n, surname, given), "name.source",
                                0.75 if n.valid and n.surname_form == "pinyin" else 0.9))
                elif _u_fold(surname) != _u_fold(n.surname_surface):
                    out.append((n.start, n.end, _respell(n, surname, given), "name.surname", 0.9))
                continue
            if n.surname_form != "pinyin":
                continue  # the source does not hold this name: leave the English word alone
        if n.surname_form in ("literal", "split", "misread"):
            # The surname is rewritten in pinyin, so the whole name takes the mainland form.
            out.append((n.start, n.end, n.with_given(n.given.capitalize()), "name.surname",
                        0.6 if n.surname_form == "split" else 0.7))
            continue
        if n.surname_form != "pinyin":
            # A Cantonese / Wade-Giles spelling ("Chan Mo-po") is the person's own name in Hong Kong
            # or Taiwan, and a common reading of a surname character ("Gang", "Bo") may be right:
            # only the source can tell, so without one these stay as written.
            continue
        if n.valid and n.syllables and len(n.syllables) == 3 and not n.given_first \
                and n.surname + n.syllables[0] in compound_surname_readings():
            # "Ou Yangminghui": a given name of three syllables after a surname that, with the first
            # of them, is a compound surname (欧阳), is the compound and a two-syllable name.
            compound = (n.surname + n.syllables[0]).capitalize()
            out.append((n.start, n.end, f"{compound} {''.join(n.syllables[1:]).capitalize()}", "name.surname", 0.75))
            continue
        if n.valid:
            continue
        near = {g: ms for g, ms in valid_by_surname.get(n.surname, {}).items()
                if given_name_distance(n.given, ms[0].syllables or ()) == 1}
        if len(near) != 1:
            continue
        given, mentions = next(iter(near.items()))
        surfaces = [m.given_surface for m in mentions]
        best = max(surfaces, key=surfaces.count)
        char_edit = OSA.distance(n.given, given) <= 1
        out.append((n.start, n.end, n.with_given(best), "name.unify", 0.85 if char_edit else 0.75))
    return out + _lone_misread_surnames(doc.norm_text, out)


def _lone_misread_surnames(text: str, fixes: list[NameCorrection]) -> list[NameCorrection]:
    """"Academician Ceng said": a listed misreading standing alone, in a document where a full name
    with it was repaired, is that surname too ("Ceng" is no English word and no surname)."""
    forms = surname_forms()
    respelled: dict[str, str] = {}
    for start, end, replacement, _rule, _conf in fixes:
        surface = text[start:end].split()[0]
        if forms.get(surface, ("",))[0] == "misread":
            respelled[surface] = replacement.split()[0]
    taken = [(s, e) for s, e, *_ in fixes]
    out: list[NameCorrection] = []
    for wrong, right in respelled.items():
        for m in re.finditer(rf"\b{re.escape(wrong)}\b(?![ \t]+[A-Z])", text):
            if not any(s <= m.start() < e for s, e in taken):
                out.append((m.start(), m.end(), right, "name.surname", 0.7))
    return out


def name_key(name: str) -> str:
    """Fold a romanized name for merging mentions: case, hyphens, spacing and word order."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    surnames = english_surnames()
    if len(words) == 2 and _fold(words[0]) not in surnames and _fold(words[1]) in surnames:
        words = [words[1], words[0]]
    return " ".join(_fold(w) for w in words)


def canonical_name(name: str) -> str:
    """"SONG Hu-ying" / "Huying Song" → "Song Huying"; other strings unchanged but trimmed."""
    found = find_names(name.strip())
    if len(found) == 1 and found[0].valid and found[0].surface == name.strip():
        return found[0].canonical
    return name.strip()


__all__ = [
    "RomanizedName",
    "SourceName",
    "align_source_name",
    "canonical_name",
    "find_names",
    "given_name_distance",
    "name_corrections",
    "name_key",
    "source_names",
    "split_name",
]
