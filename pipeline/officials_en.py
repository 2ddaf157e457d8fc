"""Officials in English text: link person entities to the title entities around them.

MT English of Chinese government news has two shapes. Chinese order survives as a title chain right
before the name ("Deputy Secretary of the Municipal Party Committee, the Mayor Song Huam", "deputy
mayor Zheng Chuan", "Municipal Government Secretary General Zhang Lijun"); English order puts an
appositive after it ("Song Huying, Deputy Secretary of the Municipal Party Committee and Mayor"). A
chain is a run of title entities (and bodies/places that qualify them) separated only by commas,
"and", "the" or "、". A chain that ends right before a name belongs to that name; otherwise a chain
that starts right after "Name," (or "Name, former …") belongs to the name before it, and so does a
career that follows the person's introduction ("He successively served as A, B and C"). Anything else
stays unlinked, which keeps lists like "A, B and other officials" from borrowing titles.

Names are the entities' canonical forms (after name unification), so "Song Huam" and "Song Huying"
merge into one official; titles are their canonical spelling; `organization` is a body or place named
in the chain ("Municipal Government" in "Municipal Government Secretary General Zhang Lijun"), else
the body inside a committee title ("Municipal Party Committee").
"""

from __future__ import annotations

import bisect
import re

from .doc import Doc, Entity, Official
from .names_en import name_key
from .officials import merge_officials

# Text allowed between two members of a title chain.
_CHAIN_GAP = re.compile(r"\s*(?:,|，|、|;|and|&)?\s*(?:and\s+)?(?:the\s+)?(?:(?:also|concurrently)\s+)?", re.I)
# Text allowed between a chain's end and the name it qualifies ("the Mayor Song", "Mayor, Song"
# is not allowed: a comma there usually separates list items).
_OF_GAP = re.compile(r"\s+of\s+(?:the\s+)?", re.I)
_BEFORE_NAME = re.compile(r"\s*(?:comrade\s+)?", re.I)
# A title's complement that no entity covers, written before the name in Chinese order: "Deputy
# Minister of Economic Development Alexei Morozov", "General Director of RZD Logistics Pavel Orlov".
_UNTAGGED_COMPLEMENT = re.compile(r"\s+of\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+(?:(?:and|of|the|in)\s+)*){1,8}")
_AFTER_NAME = re.compile(
    r"\s*(?:,|，|\(|（)\s*(?:the\s+)?(?:who\s+is\s+)?(?:also\s+)?(?:former\s+|then\s+)?"
    # "X as Director of ...", "X, who previously served as ...", "X was appointed (as) ..."
    r"|\s*,?\s+(?:who\s+)?(?:(?:is|was|has|had|been|previously|formerly|currently|also|concurrently|"
    r"served|serves|serving|acting|will|be|to|no|longer|resigned|resigns)\s+){0,4}"
    r"(?:as|appointed|elected|named)\s+(?:as\s+)?(?:the\s+)?"
    # "removed X from the post of Director", "relieved X of his post as ..."
    r"|\s+(?:from|of)\s+(?:the\s+|his\s+|her\s+)?(?:posts?|positions?|duties)\s+(?:of|as)\s+(?:the\s+)?",
    re.I,
)
# A second chain after an appositive one: "Zhu Xiaoyan, Deputy Secretary of the Municipal Party
# Committee, was elected Mayor", "Ma Junfeng, Vice Mayor, who is also Secretary General of …".
_THEN_ELECTED = re.compile(
    r"\s*,?\s+(?:(?:and\s+)?(?:was|is|has\s+been)\s+(?:elected|appointed|named)"
    # "…, Vice Mayor of Shouguang, who is also Secretary General of …"
    r"|(?:who\s+)?(?:is\s+)?(?:also|concurrently)(?:\s+(?:serves|serving)\s+as)?)\s+(?:as\s+)?(?:the\s+)?",
    re.I,
)
# A career written after the person's introduction: "He successively served as A, B and C."
_CAREER = re.compile(r"(?:\b(?:He|She|he|she)\s+(?:(?:has|had|successively|previously|once|also)\s+){0,2}"
                     r"(?:served|worked|held\s+posts?)\s+(?:successively\s+)?as"
                     # a cadre profile: "X, male, …, currently serves as A, and is proposed to serve as B"
                     r"|\bcurrently(?:\s+serves?\s+as)?|\bis\s+proposed\s+to\s+(?:serve\s+as|be\s+(?:appointed|"
                     r"nominated)(?:\s+as)?))\s+(?:the\s+)?$")
_QUALIFIERS = ("government", "organization", "enterprise", "place")
_OF_THE = re.compile(r"\s+of\s+the\s+", re.I)
_BODY_END = re.compile(r"(?:Committee|Commission|Congress|CPPCC)$")


_LIST_GAP = re.compile(r"\s*(?:,|，|、)?\s*(?:and\s+)?")
_PLURAL_TITLE_WORD = re.compile(r"(?:[a-z]{2,}[^s]s|men)$")


def _plural_title(title: Entity) -> bool:
    """"Vice Mayors", "Deputy Secretaries", "Vice Chairmen"; a singular title before "A and B"
    names A only ("Mayor Song Zhiqiang and Zhan Hongyu")."""
    words = title.text.split()
    return title.type == "title" and bool(words) and bool(_PLURAL_TITLE_WORD.search(words[-1].lower()))


def _chains(ents: list[Entity], text: str) -> list[list[Entity]]:
    """Maximal runs of titles and the bodies/places that qualify them, joined by chain separators;
    a body after a title joined by "of" is its complement ("Director of the Municipal Bureau of
    Commerce"), a body before a title its prefix ("Municipal Government Secretary General")."""
    chains: list[list[Entity]] = []
    cur: list[Entity] = []
    complements: set[int] = set()
    for e in ents:
        joined_by_of = bool(cur and cur[-1].type == "title" and e.type in _QUALIFIERS
                            and _OF_GAP.fullmatch(text, cur[-1].end, e.start))
        # A company qualifies a title as its complement ("Vice President of Tongwei Co., Ltd.") or
        # written before it ("Ningde Times Vice President Huang"), but a legal name's period may
        # also end the sentence ("… Co., Ltd. Vice Mayor Li accompanied").
        if e.type not in ("title", *_QUALIFIERS) or (
                e.type == "enterprise" and not joined_by_of and e.text.endswith(".")):
            if cur:
                chains.append(cur)
            cur = []
            continue
        if cur:
            if joined_by_of:
                complements.add(id(e))
            elif not _CHAIN_GAP.fullmatch(text, cur[-1].end, e.start):
                chains.append(cur)
                cur = []
        cur.append(e)
    if cur:
        chains.append(cur)
    out = []
    for ch in chains:
        # Trailing bodies/places count only as complements ("Mayor of Xingtai"), not as list items.
        while ch and ch[-1].type != "title" and id(ch[-1]) not in complements:
            ch = ch[:-1]
        if any(e.type == "title" for e in ch):
            out.append(ch)
    return out


def _organization(chain: list[Entity]) -> str | None:
    for e in chain:
        if e.type in ("government", "organization", "enterprise"):
            return e.canonical or e.text
    for e in chain:
        if e.type == "title":
            # The innermost body: "... of the Standing Committee of the Municipal Party Committee".
            # From the surface, which keeps the city the canonical title drops.
            parts = _OF_THE.split(re.sub(r"\s+", " ", e.text))
            if len(parts) > 1 and _BODY_END.search(parts[-1].title()):
                return " ".join(w if w.lower() in ("of", "the", "and") else w[:1].upper() + w[1:]
                                for w in parts[-1].split(" "))
    return None


def _person_official(person: Entity, chain: list[Entity]) -> Official:
    titles: list[str] = []
    for e in chain:
        if e.type == "title":
            t = e.canonical or e.text
            if t not in titles:
                titles.append(t)
    return Official(person.canonical or person.text, titles, person.zh, _organization(chain),
                    [(person.start, person.end)])


def link_officials(doc: Doc) -> list[Official]:
    """Officials of an English document, merged over mentions (see module docstring)."""
    text = doc.text
    ents = sorted(doc.entities, key=lambda e: (e.start, e.end))
    persons = [e for e in ents if e.type == "person"]
    starts = [p.start for p in persons]
    ends = sorted((p.end, i) for i, p in enumerate(persons))
    end_keys = [e for e, _ in ends]
    found: list[Official] = []
    appositive: tuple[int, Entity] | None = None  # end of the last appositive chain, and its person
    for chain in _chains(ents, text):
        first, last = chain[0], chain[-1]
        i = bisect.bisect_left(starts, last.end)
        nxt = persons[i] if i < len(persons) else None
        if nxt is not None and (_BEFORE_NAME.fullmatch(text, last.end, nxt.start)
                                or _UNTAGGED_COMPLEMENT.fullmatch(text, last.end, nxt.start)):
            found.append(_person_official(nxt, chain))
            if _plural_title([e for e in chain if e.type == "title"][-1]):
                # "Vice Mayors Liu Jiayi, Sun Peng and Bai Ruiqi": a plural title names each of the list.
                k = i
                while k + 1 < len(persons) and _LIST_GAP.fullmatch(text, persons[k].end, persons[k + 1].start):
                    k += 1
                    found.append(_person_official(persons[k], chain))
            continue
        j = bisect.bisect_right(end_keys, first.start)
        prev = persons[ends[j - 1][1]] if j else None
        if prev is not None and (_AFTER_NAME.fullmatch(text, prev.end, first.start)
                                 or _CAREER.search(text, max(prev.end, first.start - 80), first.start)):
            found.append(_person_official(prev, chain))
            appositive = (last.end, prev)
            continue
        if appositive is not None and _THEN_ELECTED.fullmatch(text, appositive[0], first.start):
            found.append(_person_official(appositive[1], chain))
    # Untitled mentions of a person who is an official elsewhere in the document are mentions too.
    for p in persons:
        found.append(Official(p.canonical or p.text, [], p.zh, None, [(p.start, p.end)]))
    return merge_officials(found, key=name_key)
