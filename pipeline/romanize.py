"""Canonical romanization of Chinese personal names, so Chinese and English records of one person meet.

Mainland usage writes a name surname first, the given name's syllables joined into one word, each part
capitalized and without tones: 宋华英 → "Song Huaying", 欧阳修 → "Ouyang Xiu". pypinyin reads characters
by their common reading, which is wrong for many surnames (曾 ceng → Zeng, 单 dan → Shan, 解 jie → Xie),
so surnames are read from `models/zh_surnames.tsv`. ü after l/n is written "yu" as in passports
(吕 → "Lyu"); `name_variants` lists the other spellings found in English text ("Lü", "Lu", "Lv").

`split_pinyin` and `PINYIN_SYLLABLES` let English-side code decide whether a romanized word is valid
pinyin at all (a garbled MT rendering such as "Huam" is not).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from .resources import read_tsv

SURNAME_FILE = "zh_surnames.tsv"
_NAME_SEPARATORS = "·•・‧."


@lru_cache(maxsize=1)
def surname_readings() -> dict[str, str]:
    """Surname → reading as a surname (single and compound), from models/zh_surnames.tsv."""
    return {row[0]: row[1] for row in read_tsv(SURNAME_FILE) if len(row) >= 2 and row[0]}


@lru_cache(maxsize=1)
def compound_surnames() -> frozenset[str]:
    return frozenset(s for s in surname_readings() if len(s) > 1)


def split_name(zh: str) -> tuple[str, str]:
    """(surname, given name). A compound surname is taken only when a given name remains after it."""
    zh = zh.strip()
    if len(zh) >= 3 and zh[:2] in compound_surnames():
        return zh[:2], zh[2:]
    return zh[:1], zh[1:]


def _ascii_syllables(syllables: list[str]) -> list[str]:
    # pypinyin writes ü as "v" in Style.NORMAL; only lü/nü (and lüe/nüe) keep the umlaut in pinyin.
    return [s.replace("v", "yu") if s[:1] in "ln" else s.replace("v", "u") for s in syllables]


# Characters whose reading in a name is not the one pypinyin gives by default or by phrase: 都 is
# du in names (阿不都拉 Abudula, a surname Du), where pypinyin reads 不都 as "not all" (bu dou).
NAME_CHAR_READINGS = {"都": "du"}


def _read(text: str) -> list[str]:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    if len(syllables) == len(text):  # one syllable per character: a name's own readings apply
        syllables = [NAME_CHAR_READINGS.get(ch, syl) for ch, syl in zip(text, syllables)]
    return _ascii_syllables(syllables)


def name_syllables(zh: str) -> tuple[list[str], list[str]]:
    """Lower-case syllables of surname and given name, surname read as a surname."""
    surname, given = split_name(zh)
    fixed = surname_readings().get(surname)
    sur = [fixed] if fixed else _read(surname)
    return sur, _read(given) if given else []


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def romanize_name(zh: str) -> str:
    """Canonical romanization: "Song Huaying", "Ouyang Xiu", "Zeng Guofan".

    Transliterated foreign names written with a middle dot (迈克尔·乔丹) are romanized part by part; the
    result is a pinyin reading, not the original foreign spelling, which only a dictionary could give.
    """
    zh = zh.strip()
    if not zh:
        return ""
    if any(sep in zh for sep in _NAME_SEPARATORS):
        parts = [p for p in _split_any(zh, _NAME_SEPARATORS) if p]
        return " ".join(_cap("".join(_read(p))) for p in parts)
    sur, given = name_syllables(zh)
    out = _cap("".join(sur))
    if given:
        out += " " + _cap("".join(given))
    return out


def _split_any(text: str, seps: str) -> list[str]:
    for sep in seps[1:]:
        text = text.replace(sep, seps[0])
    return text.split(seps[0])


def name_variants(zh: str) -> list[str]:
    """Spellings of one Chinese name met in English text, canonical first, without duplicates.

    Covers given-name order (Huaying Song), hyphenated or spaced given names (Hua-ying, Hua Ying), the
    upper-case surname of official lists (SONG Huaying) and the spellings of ü (Lyu / Lü / Lu / Lv).
    """
    zh = zh.strip()
    if not zh:
        return []
    canonical = romanize_name(zh)
    if any(sep in zh for sep in _NAME_SEPARATORS):
        return [canonical]
    sur, given = name_syllables(zh)
    spellings = [(sur, given)]
    if any(x[:1] in "ln" and x[1:3] == "yu" for x in sur + given):
        for repl in ("ü", "u", "v"):
            spellings.append(([_yu_as(x, repl) for x in sur], [_yu_as(x, repl) for x in given]))
    out: list[str] = []
    for sur_syl, given_syl in spellings:
        surname = _cap("".join(sur_syl))
        if not given_syl:
            out.append(surname)
            continue
        forms = ["".join(given_syl), "-".join(given_syl), " ".join(_cap(x) for x in given_syl)]
        for form in forms:
            form = _cap(form)
            out.extend((f"{surname} {form}", f"{form} {surname}", f"{surname.upper()} {form}"))
    seen: set[str] = set()
    result = [canonical]
    seen.add(canonical)
    for v in out:
        if v not in seen:
            seen.add(v)
            result.append(v)
    return result


def _yu_as(syllable: str, repl: str) -> str:
    if syllable[:1] in "ln" and syllable[1:3] == "yu":
        return syllable[:1] + repl + syllable[3:]
    return syllable


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows for some character (ü as "v"; also "lyu", "nyu")."""
    # ~1,500 distinct toned readings over ~41k characters: strip tones once per reading, not per
    # character (that took 1.8 s at the first call of every process)
    toned = {reading.strip() for readings in pinyin_dict.values() for reading in readings.split(",")}
    out = {to_normal(reading, v_to_u=False) for reading in toned}
    out.update(s.replace("v", "yu") for s in list(out) if s[:2] in ("lv", "nv"))
    # Interjection readings (呣 m, 嗯 n/ng, 噷 hm) are never part of a name; keeping them would make
    # garbles such as "Huam" split as hua+m.
    out.difference_update({"", "m", "n", "ng", "hm", "hng", "e^", "ea"})
    return frozenset(s for s in out if s.isascii() and s.isalpha())


def split_pinyin(word: str) -> list[str] | None:
    """Split a toneless romanized word into pinyin syllables ("huaying" → [hua, ying]), else None.

    Apostrophes and hyphens mark syllable breaks. Among several splits the one with fewest syllables
    wins (xian → [xian], not [xi, an]), which is how a reader would take it.
    """
    word = word.lower().replace("ü", "v")
    if not word:
        return None
    out: list[str] = []
    for chunk in word.replace("'", "-").replace("’", "-").split("-"):
        if not chunk:
            return None
        part = _split_chunk(chunk)
        if part is None:
            return None
        out.extend(part)
    return out


@lru_cache(maxsize=4096)
def _split_chunk_cached(chunk: str) -> tuple[str, ...] | None:
    syll = pinyin_syllables()
    n = len(chunk)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            prev = best[start]
            piece = chunk[start:end]
            if prev is not None and piece in syll:
                cand = prev + (piece,)
                if best[end] is None or len(cand) < len(best[end]):  # type: ignore[arg-type]
                    best[end] = cand
    return best[n]


def _split_chunk(chunk: str) -> list[str] | None:
    res = _split_chunk_cached(chunk)
    return list(res) if res is not None else None
