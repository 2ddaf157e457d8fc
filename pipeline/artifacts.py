"""Conservative repairs of machine-translation artifacts in English text.

MT systems leave a few mechanical traces that no human writer produces: a capitalized function word
in mid-sentence where a clause boundary was lost ("promote The output value"), a word or name
emitted twice ("the the", "Gu Weiming Gu Weiming"), a name repeated inside a list of officials, and
broken spacing around punctuation. Each rule here fires only on patterns that are artifacts in
practically every context, because a false repair of correct English costs the analyst's trust more
than a missed one. Every function returns `(start, end, replacement, rule, confidence)` tuples in the
offsets of the text it was given (the cleanup stage passes `doc.norm_text`).
"""

from __future__ import annotations

import re
from typing import Callable

from .glossary import stem
from .literal import one_word_senses
from .romanize import split_pinyin

ArtifactFix = tuple[int, int, str, str, float]

# Closed-class words that are never proper nouns on their own, so a capital in mid-sentence is an
# artifact of a lost sentence boundary (titles of works are excluded by requiring a lowercase word after).
FUNCTION_WORDS = frozenset(
    """the a an this that these those its their our his her and or but of in on at to for with by
    from as is are was were has have had will would shall should can could may might must which who
    whose whom while when where also more most all every each both such than then there it they we
    be been being""".split()
)

# Verbs and adverbs of the government-news register: capitalized after "should", "to", "and" or a
# comma and before a lowercase word, they are a lost clause boundary, not a name ("should Further
# optimize", "to Implement the policies"). Convention-capitalized nouns (Party, Committee) are absent.
CLAUSE_WORDS = frozenset(
    """accelerate achieve actively adhere adjust advance attach balance be become boost build carry
    coordinate consolidate continue continuously create cultivate deepen develop do effectively
    encourage enhance ensure establish expand explore firmly focus follow form fully further give
    guarantee guide help implement improve increase integrate intensify make optimize organize
    persist play prevent promote protect provide pursue push put raise realize reduce reform
    resolutely resolve serve set speed stabilize steadily step stick strengthen strictly strive
    support take thoroughly tighten unswervingly upgrade vigorously work seek escort safeguard uphold
    insist grasp launch maintain adopt foster highlight innovate learn listen modernize oppose
    participate perfect practice prioritize reinforce respond revitalize rectify regulate remain
    respect solve study supervise tackle transform unite urge""".split()
)
# Capitalized on purpose mid-sentence: "A shares", "Grade A", the month "May", "Will" as a name.
_NOT_STRAY = frozenset({"a", "may", "will", "can", "us"})
_CLAUSE_LEAD = frozenset("should must will shall can could would may might to and or also further".split())

# Words whose doubling is ordinary English ("that that", "had had", "very very", "bye bye").
LEGIT_DOUBLES = frozenset(
    """that had is do does did no very so bye ha far more many well again round over out on by
    knock yeah tut go hear boo chop bang tick dum ta la there now in up""".split()
)

_STRAY_CAPITAL = re.compile(r"(?<=[a-z][a-z] )([A-Z][a-z]{0,5})(?= [a-z])")
_STRAY_CLAUSE_WORD = re.compile(r"(?:\b([a-z]+) |, )([A-Z][a-z]+)(?= [a-z])")
# A verb's past form capitalized between lowercase words ("The meeting Emphasized that"): the -ed
# form of an English verb is never a name on its own.
_STRAY_PAST = re.compile(r"\b[a-z]{2,} ([A-Z][a-z]{3,}ed)(?= [a-z])")
_PREV_WORD = re.compile(r"([A-Za-z]+)[ \t]+$")
_DOUBLED_WORD = re.compile(r"\b([A-Za-z]+)([ \t]+)([A-Za-z]+)\b")
# A run of capitalized words on one line, in which a repeated 2-3 word name is an MT artifact
# ("Secretary Wu Zhengyang Wu Zhengyang delivered").
_CAPITAL_RUN = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+){3,}\b")
_WORD_SPAN = re.compile(r"[A-Za-z]+")
_NAME = r"[A-Z][a-z]+ [A-Z][a-z]+(?: [A-Z][a-z]+)?"
_NAME_IN_LIST = re.compile(rf"(?<![A-Za-z] )\b({_NAME}), ")
# A comma or semicolon with space before it, none after it, or doubled ("Xingtai ,and", "spoke,,then").
_COMMA = re.compile(r"(?<=[A-Za-z)\]\"”’])([ \t]*)([,;])((?:[ \t]*[,;])*)([ \t]*)(?=[A-Za-z]|\s|$)")
_PERIOD_NO_SPACE = re.compile(r"(?<=[a-z]{2})[ \t]*([.!?])(?=[A-Z][a-z]{2})")
_SPACE_BEFORE_STOP = re.compile(r"(?<=[A-Za-z)\]\"”’])[ \t]+([.!?])(?=\s|$)")
_DOUBLED_STOP = re.compile(r"(?<=[A-Za-z])\.\.(?!\.)")
_DOUBLE_SPACE = re.compile(r"(?<=[a-z,\-])[ ]{2,}(?=[a-z])")
_SENTENCE_END = re.compile(r"[.!?]")
# Digit groups split by a space ("100, 000") and a number glued to the word after it ("3.2billion",
# "486deputies"); ordinals, times and unit symbols ("5th", "3pm", "10kwh") are written glued, and a
# code that starts with a letter ("A380neo") is not a number.
_SPLIT_THOUSANDS = re.compile(r"(?<![\d,.])(\d{2,3}(?:,\d{3})*), (\d{3})(?![\d,])")
_NUMBER_WORD = re.compile(r"\b(\d(?:[\d,.]*\d)?)([a-z]{3,})\b")
# "23.5 %", "( 5 working days )": spaces MT leaves before a percent sign and inside brackets.
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)[ \t]+(?=%)")
# The middle dot of a transliterated name kept by MT: "Aierken · Tuniyazi" (艾尔肯·吐尼亚孜).
_NAME_DOT = re.compile(r"\b([A-Z][a-z]+)([ \t]*[·•][ \t]*)([A-Z][a-z]+)\b")
# "24 -hour", "June 14 ,2026": a space before a hyphen or a comma after a number.
_SPACE_BEFORE_HYPHEN = re.compile(r"(?<=\d)[ \t]+(?=-[a-z])")
_DATE_COMMA = re.compile(r"(?<=\d)[ \t]+,[ \t]*(?=(?:19|20)\d\d\b)")
# Both sides padded: one side alone ("13:00 )") is too often a reference's own typo to be worth it.
_SPACE_INSIDE_BRACKETS = re.compile(r"\(([ \t]+)[A-Za-z0-9][^()\n]{0,80}?[A-Za-z0-9%]([ \t]+)\)")
_GLUED_UNITS = frozenset("kwh mwh gwh twh mph kph khz mhz ghz sqm mln bps kbps mbps gbps fps dpi ppm ppb".split())


def _in_headline(text: str, i: int) -> bool:
    """Title-case lines (headlines) capitalize function words and verbs on purpose."""
    start = text.rfind("\n", max(0, i - 300), i) + 1 or max(0, i - 300)
    end = text.find("\n", i, i + 300)
    words = re.findall(r"[A-Za-z]+", text[start : end if end >= 0 else min(len(text), i + 300)])
    return len(words) >= 3 and sum(w[0].isupper() for w in words) * 2 > len(words)


def stray_capitals(text: str) -> list[ArtifactFix]:
    """ "promote The output" → "promote the output": a capitalized function word between two
    lowercase words (so not a sentence start, a title of a work, or part of a proper name)."""
    out: list[ArtifactFix] = []
    for m in _STRAY_CAPITAL.finditer(text):
        word = m.group(1)
        if word.lower() not in FUNCTION_WORDS or word.lower() in _NOT_STRAY or _in_headline(text, m.start()):
            continue
        out.append((m.start(1), m.end(1), word.lower(), "artifact.stray_capital", 0.85))
    seen = {f[0] for f in out}
    for m in _STRAY_CLAUSE_WORD.finditer(text):
        word, lead = m.group(2), m.group(1)
        if m.start(2) in seen or word.lower() not in CLAUSE_WORDS | FUNCTION_WORDS or word.lower() in _NOT_STRAY:
            continue
        if lead is not None and lead not in _CLAUSE_LEAD or _in_headline(text, m.start()):
            continue
        before = _PREV_WORD.search(text, max(0, m.start() - 30), m.start())
        if lead in ("and", "or") and before and before.group(1)[:1].isupper():
            continue  # "Development and Reform Commission": part of a capitalized name
        out.append((m.start(2), m.end(2), word.lower(), "artifact.stray_capital", 0.8))
    seen = {f[0] for f in out}
    for m in _STRAY_PAST.finditer(text):
        if m.start(1) in seen or not _english_word(m.group(1).lower()) or _in_headline(text, m.start()):
            continue
        out.append((m.start(1), m.end(1), m.group(1).lower(), "artifact.stray_capital", 0.8))
    out.sort()
    return out


def _english_word(past: str) -> bool:
    """Whether a "-ed" word is a form of an English word CC-CEDICT glosses ("to emphasize" →
    "emphasized"); a name that ends so ("Mohammed") is not."""
    return stem(past) in one_word_senses()


def doubled_words(text: str) -> list[ArtifactFix]:
    """ "the the" → "the": a word repeated on one line; names repeat only as multi-word names."""
    out: list[ArtifactFix] = []
    pos = 0
    while True:
        m = _DOUBLED_WORD.search(text, pos)
        if m is None:
            break
        pos = m.end(1) + len(m.group(2))
        first, second = m.group(1), m.group(3)
        low = first.lower()
        if low != second.lower() or low in LEGIT_DOUBLES:
            continue
        if low in FUNCTION_WORDS:
            conf = 0.9
        elif first.islower() and second.islower() and len(low) >= 5:
            conf = 0.7
        elif len(low) >= 5 and first == second and split_pinyin(low) is None:
            conf = 0.7  # "Jinjiang Experience Experience"; a doubled romanized name ("Ling Ling") stays
        else:
            continue
        out.append((m.end(1), m.end(3), "", "artifact.doubled_word", conf))
    for run in _CAPITAL_RUN.finditer(text):
        words = list(_WORD_SPAN.finditer(run.group()))
        i = 0
        while i < len(words):
            for k in (3, 2):
                a, b = words[i : i + k], words[i + k : i + 2 * k]
                if len(b) == k and [w.group() for w in a] == [w.group() for w in b]:
                    start = run.start() + a[-1].end()
                    out.append((start, run.start() + b[-1].end(), "", "artifact.doubled_word", 0.8))
                    i += 2 * k - 1
                    break
            i += 1
    return out


def _sentence_bounds(text: str, i: int, reach: int = 400) -> tuple[int, int]:
    """The sentence around `i`, looked for at most `reach` characters either way."""
    lo = max(0, i - reach)
    start = max(text.rfind(". ", lo, i), text.rfind("\n", lo, i))
    start = lo if start < 0 else start + 1
    m = _SENTENCE_END.search(text, i, i + reach)
    return start, (m.start() if m else min(len(text), i + reach))


def doubled_names_in_lists(text: str) -> list[ArtifactFix]:
    """ "Zhang Qiang, member of …, Zhang Qiang, deputy mayor Zheng Chuan, attended": the second
    "Zhang Qiang, " is an artifact when the same name already opened the list in this sentence and
    the repeat is directly followed by a lowercase title phrase that ends in a *different* name."""
    out: list[ArtifactFix] = []
    for m in _NAME_IN_LIST.finditer(text):
        name = m.group(1)
        s_start, s_end = _sentence_bounds(text, m.start())
        earlier = text.find(name + ", ", s_start, m.start())
        if earlier < 0 or m.start() - earlier > 200:
            continue
        tail = re.match(rf"[a-z][a-z ,\-]*?(?: of the [A-Za-z ]+?)? ({_NAME})\b", text[m.end() : s_end])
        if tail is None or tail.group(1) == name:
            continue
        out.append((m.start(), m.end(), "", "artifact.doubled_name", 0.75))
    return out


def spacing(text: str) -> list[ArtifactFix]:
    """Space before a comma or full stop, no space after sentence punctuation, doubled punctuation."""
    out: list[ArtifactFix] = []
    for m in _COMMA.finditer(text):
        after = text[m.end() : m.end() + 1]
        replacement = m.group(2) + (" " if after.isalpha() or m.group(4) else "")
        if replacement != m.group():
            out.append((m.start(), m.end(), replacement, "artifact.spacing", 0.85))
    for m in _PERIOD_NO_SPACE.finditer(text):
        out.append((m.start(), m.end(), m.group(1) + " ", "artifact.spacing", 0.85))
    for m in _SPACE_BEFORE_STOP.finditer(text):
        out.append((m.start(), m.end(), m.group(1), "artifact.spacing", 0.9))
    for m in _DOUBLED_STOP.finditer(text):
        out.append((m.start(), m.end(), ".", "artifact.spacing", 0.85))
    for m in _DOUBLE_SPACE.finditer(text):
        out.append((m.start(), m.end(), " ", "artifact.spacing", 0.8))
    for m in _SPLIT_THOUSANDS.finditer(text):
        if int(m.group(1).replace(",", "")) > 31:  # "July 25, 135 cases" is a date and a count
            out.append((m.end(1), m.start(2), ",", "artifact.spacing", 0.8))
    for m in _NAME_DOT.finditer(text):
        # Both parts pinyin of two or more syllables: a name; "Daily · New Media" is a brand.
        if all(len(split_pinyin(w.lower()) or ()) >= 2 for w in (m.group(1), m.group(3))):
            out.append((m.start(2), m.end(2), " ", "artifact.spacing", 0.8))
    for m in _SPACE_BEFORE_PERCENT.finditer(text):
        out.append((m.start(), m.end(), "", "artifact.spacing", 0.85))
    for m in _SPACE_BEFORE_HYPHEN.finditer(text):
        out.append((m.start(), m.end(), "", "artifact.spacing", 0.85))
    for m in _DATE_COMMA.finditer(text):
        out.append((m.start(), m.end(), ", ", "artifact.spacing", 0.85))
    for m in _SPACE_INSIDE_BRACKETS.finditer(text):
        out.append((m.start(1), m.end(2), text[m.end(1) : m.start(2)], "artifact.spacing", 0.85))
    for m in _NUMBER_WORD.finditer(text):
        if m.group(2) not in _GLUED_UNITS:
            out.append((m.start(), m.end(), f"{m.group(1)} {m.group(2)}", "artifact.spacing", 0.85))
    return out


ARTIFACT_RULES: dict[str, Callable[[str], list[ArtifactFix]]] = {
    "stray_capital": stray_capitals,
    "doubled_word": doubled_words,
    "doubled_name": doubled_names_in_lists,
    "spacing": spacing,
}


def find_artifacts(text: str, rules: tuple[str, ...] = tuple(ARTIFACT_RULES)) -> list[ArtifactFix]:
    """All fixes of the named artifact rules, in text order."""
    out: list[ArtifactFix] = []
    for name in rules:
        out.extend(ARTIFACT_RULES[name](text))
    out.sort(key=lambda f: (f[0], f[1]))
    return out
