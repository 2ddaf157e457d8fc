"""English entities on machine-translated government news: person, title, government, organization,
enterprise, place.

MT English keeps the shape of the Chinese register (title chains before names, "Municipal Party
Committee", "X Technology" for 某某科技), so closed-class lexicons in `models/` plus a few patterns find
most entities with high precision; spaCy's OntoNotes entities (stored by `tokenize_en`) only fill the
gaps the rules leave. Romanized Chinese names come from `names_en`, company names MT translated
literally from the glossary (`Jing Macao Technology` → JA Solar), places from the division list.

`canonical` is the entity after the cleanup stage's corrections (so a garbled name or a literal company
name shows its repaired form), or the glossary's canonical form; a legal name that begins with a
company the glossary knows is that company ("Tongwei Co., Ltd." → Tongwei, as 通威股份有限公司 is on
the Chinese side); `zh` is set only when the Chinese form is found in `source_text` (see
`pipeline.align`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .align import align_name, align_romanized, compose_zh, present_form
from .glossary import ABBREVIATED_COMPANY_WORDS, alternation, normalize_source, stem
from .literal import LEVEL_WORDS, literal_index, place_exonyms
from .doc import Correction, Doc, apply_corrections
from .errors import ResourceError
from .names_en import RomanizedName, canonical_name, english_surnames, find_names, surname_forms
from .romanize import split_pinyin
from .registry import Stage, register_stage
from .resources import read_tsv

TITLES_FILE = "en_titles.tsv"
BODIES_FILE = "en_bodies.tsv"
ORG_WORDS_FILE = "en_org_words.tsv"
PLACES_FILE = "en_places.tsv"

# Rank of a candidate's origin when two candidates of equal length overlap (lower wins).
_PRIORITY = {"glossary": 0, "place": 1, "title": 2, "government": 3, "person": 4, "enterprise": 5,
             "organization": 6}
_SMALL_WORDS = {"of", "the", "and", "for", "in", "on", "at", "to", "a", "an"}
_CAPWORD = r"(?:[A-Z][A-Za-z'’&.\-]*[A-Za-z]|[A-Z])"
_AND_TRADES = ("Steel", "Shipping", "Technology", "Chemical", "Chemicals", "Gas", "Power", "Trade",
               "Export", "Development", "Investment", "Construction", "Engineering", "Equipment",
               "Materials", "Logistics", "Energy", "Electric", "Electronics", "Machinery", "Finance",
               "Culture", "Tourism", "Media", "Environmental Protection", "Transportation", "Mining")
# "Culture, Radio, Television and Tourism": an enumeration inside one name ends with "and".
_ENUMERATION = rf"{_CAPWORD}(?:,\s+{_CAPWORD}){{1,6}},?\s+and\s+{_CAPWORD}"
# Bounded, so that a run of capitalized words never makes a match span a whole document.
_CAPPHRASE = rf"{_CAPWORD}(?:(?:\s+(?:and|&|of|for|the)\s+|\s+){_CAPWORD}){{0,8}}"


@dataclass(frozen=True)
class TitleLexicon:
    ranks: dict[str, tuple[tuple[str, ...], str | None]]  # lower english → (zh forms, canonical)
    party_ranks: dict[str, tuple[str, ...]]
    modifiers: dict[str, str]
    levels: dict[str, str]
    regex: re.Pattern[str]


def _rows(name: str, min_cols: int) -> list[tuple[str, ...]]:
    rows = [r for r in read_tsv(name)]
    for r in rows:
        if len(r) < min_cols:
            raise ResourceError(
                f"models/{name}: row {r!r} has fewer than {min_cols} tab-separated columns; see the "
                "header of the file for its format"
            )
    return rows


def _zh_forms(field: str) -> tuple[str, ...]:
    return tuple(z for z in field.split("|") if z)


@lru_cache(maxsize=1)
def title_lexicon() -> TitleLexicon:
    """Compile the title grammar: [modifier] rank, party rank of the <level> Party Committee, ..."""
    ranks: dict[str, tuple[tuple[str, ...], str | None]] = {}
    party: dict[str, tuple[str, ...]] = {}
    mods: dict[str, str] = {}
    levels: dict[str, str] = {}
    ci_ranks: list[str] = []
    cs_ranks: list[str] = []
    for row in _rows(TITLES_FILE, 2):
        kind, en = row[0], row[1]
        zh = _zh_forms(row[2]) if len(row) > 2 else ()
        if kind == "rank":
            exact = en.startswith("=")
            en = en.lstrip("=")
            (cs_ranks if exact else ci_ranks).append(en)
            ranks[en.lower()] = (zh, row[3] if len(row) > 3 and row[3] else None)
        elif kind == "party_rank":
            party[en.lower()] = zh
        elif kind == "modifier":
            mods[en.lower()] = zh[0] if zh else ""
        elif kind == "level":
            levels[en.lower()] = zh[0] if zh else ""
        else:
            raise ResourceError(f"models/{TITLES_FILE}: unknown kind {kind!r} in row {row!r}")
    mod = rf"(?:(?i:{alternation(mods)})[\s\-]+)?"
    level = rf"(?i:{alternation(levels)})"
    committee = (
        # the place inside may be written in several words ("Worship Ceremony District", "Songtao Miao
        # Autonomous County")
        rf"(?:(?:CPC|CCP)\s+)?(?:[A-Z][a-z]+(?:['’][a-z]+)?\s+){{0,3}}{level}\s+"
        rf"(?:(?i:Party|CPC|CCP)\s+)?(?:(?i:Working)\s+)?(?i:Committee)"
        rf"(?:\s+of\s+the\s+(?:CPC|CCP|Communist\s+Party\s+of\s+China)"
        # "Municipal Committee of the Communist Youth League" is another organization's committee
        rf"|(?!\s+of\s+the\s+[A-Z]))"
    )
    prank = rf"(?i:{alternation(party)})"
    rank = rf"(?:(?i:{alternation(ci_ranks)})|{alternation(cs_ranks)})"
    forms = [
        # member of the Standing Committee of the Municipal Party Committee
        rf"(?i:member)\s+of\s+the\s+(?i:Standing\s+Committee)\s+of\s+(?:the\s+)?{committee}",
        # Deputy Secretary of the Municipal Party Committee
        rf"{mod}{prank}\s+of\s+(?:the\s+)?{committee}",
        # Municipal Party Committee Secretary / municipal Party secretary / ... Standing Committee member
        rf"{level}\s+(?i:Party|CPC|CCP)\s+(?:(?i:Committee)\s+)?(?:(?i:Standing\s+Committee)\s+)?{mod}{prank}",
        # Secretary of the Party Committee (党委书记 of a town, a bureau, a company, a university)
        rf"{mod}{prank}\s+of\s+the\s+(?i:Party\s+Committee)(?!\s+of\s+the\s+(?:CPC|CCP|Communist))",
        # Party Working Committee Secretary (党工委书记 of a zone or new area)
        rf"(?:{level}\s+)?(?i:Party\s+Working\s+Committee)\s+{mod}{prank}",
        rf"{mod}(?:{level}\s+)?{rank}(?:s(?![\w\-]))?",
    ]
    regex = re.compile(r"(?<![\w\-])(?:" + "|".join(f"(?:{f})" for f in forms) + r")(?![\w\-])")
    return TitleLexicon(ranks, party, mods, levels, regex)


_PARTY_FIRST = re.compile(
    r"([A-Z][a-z]+(?: [A-Z][a-z]+)?) (?:Party|CPC|CCP) (?:Committee )?((?:Standing Committee )?)"
    r"((?:(?:Executive |First )?(?:Deputy |Vice ))?(?:Party )?(?:Secretary|Chief|Member|Standing Committee Member))"
)


_PLACE_IN_COMMITTEE = re.compile(
    r"(?<=\bof the )([A-Z][a-z]+(?:['’][a-z]+)?(?: [A-Z][a-z]+(?:['’][a-z]+)?)?) "
    r"(?=(?:Municipal|Provincial|County|District|City|Township|Town|Prefectural) )"
)


def canonical_title(text: str) -> str:
    """Title Case with small words lower-case, one spacing, the lexicon's preferred spelling
    ("deputy mayor" → "Deputy Mayor", "Secretary General" → "Secretary-General")."""
    lex = title_lexicon()
    words = re.sub(r"\s+", " ", text.strip()).split(" ")
    out = []
    for i, w in enumerate(words):
        if i > 0 and w.lower() in _SMALL_WORDS:
            out.append(w.lower())
        elif w.isupper() and len(w) > 1:
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
    title = " ".join(out)
    # "Secretary of the Ningde Municipal Party Committee" → "... of the Municipal Party Committee": the
    # place belongs to the organization, the title stays comparable across cities.
    title = _PLACE_IN_COMMITTEE.sub(
        lambda m: m.group(0) if any(w.lower() in lex.levels for w in m.group(1).split()) else "", title)
    # "County Party Secretary", "Municipal Party Committee Deputy Secretary" → "<Rank> of the <Level>
    # Party Committee", the order official English uses.
    m = _PARTY_FIRST.fullmatch(title)
    if m and m.group(1).lower() in lex.levels:
        rank = m.group(3)
        if rank.lower() in ("party secretary", "party chief"):
            rank = "Secretary"
        if rank.lower() in ("member of the standing committee", "standing committee member", "member",
                            "standing member") and m.group(2):
            rank = "Member of the Standing Committee"
        title = f"{rank} of the {m.group(1)} Party Committee"
    # Plural "Deputy Directors" → "Deputy Director".
    if title.endswith("s") and title[:-1].lower().split(" ", 1)[-1] in lex.ranks | {
            k.split(" ", 1)[-1]: v for k, v in lex.ranks.items()}:
        title = title[:-1]
    for en, (_, canon) in lex.ranks.items():
        if canon and title.lower().endswith(en) and (len(title) == len(en) or title[-len(en) - 1] == " "):
            title = title[: len(title) - len(en)] + canon
            break
    return title


def title_zh_forms(title: str) -> list[str]:
    """Chinese forms a title may have: rank forms with modifier prefixes, committee composites."""
    lex = title_lexicon()
    low = re.sub(r"\s+", " ", title.lower().replace("-", " ")).strip()
    prefix = ""
    for mod in sorted(lex.modifiers, key=len, reverse=True):
        if low.startswith(mod + " "):
            prefix, low = lex.modifiers[mod], low[len(mod) + 1 :]
            break
    forms: list[str] = []
    for en, (zh, _) in lex.ranks.items():
        if low == en.replace("-", " "):
            forms.extend(prefix + z for z in zh)
    for en, zh in lex.party_ranks.items():
        if low.startswith(en + " ") or low.endswith(" " + en) or low == en:
            for lvl_en, lvl_zh in lex.levels.items():
                if lvl_en in low:
                    forms.extend(f"{lvl_zh}委{prefix}{z}" for z in zh)
    if "standing committee" in low:
        for lvl_en, lvl_zh in lex.levels.items():
            if lvl_en in low:
                forms.append(f"{lvl_zh}委常委")
    return forms


# Nouns that begin a body's name before "of" ("Ministry of Commerce"); "Committee of ..." is not one.
_LEADING_NOUNS = {"Ministry", "Department", "Bureau", "Commission", "Office", "Administration"}
# Words that may start a body's name although they never start a company's or place's name.
_BODY_WORDS = {"Standing", "Party", "People's", "General", "Municipal", "Provincial", "County",
               "District", "National", "State", "Central", "Development", "Economic", "Technological",
               "Free", "Pilot", "Industry", "Industrial", "Science", "Information", "Digital", "Chinese",
               "China", "Energy", "Technology", "Photovoltaic", "Solar", "Renewable", "Green", "Smart",
               "Intelligent", "Strategic", "Emerging", "Clean", "Modern", "Advanced", "Key", "Major", "New",
               "High", "Leading"}


def _body_not_first() -> str:
    words = org_lexicon().not_name - _BODY_WORDS
    return rf"(?!(?:{alternation(words)})(?![\w'’\-]))"


@dataclass(frozen=True)
class BodyLexicon:
    bodies: dict[str, tuple[str, ...]]
    heads: dict[str, tuple[str, ...]]
    regex: re.Pattern[str]


@lru_cache(maxsize=1)
def body_lexicon() -> BodyLexicon:
    bodies: dict[str, tuple[str, ...]] = {}
    heads: dict[str, tuple[str, ...]] = {}
    nouns: list[str] = []
    for row in _rows(BODIES_FILE, 2):
        kind, en = row[0], row[1]
        zh = _zh_forms(row[2]) if len(row) > 2 else ()
        if kind == "body":
            bodies[en] = zh
        elif kind == "head":
            heads[en.lower()] = zh
        elif kind == "noun":
            nouns.append(en)
        else:
            raise ResourceError(f"models/{BODIES_FILE}: unknown kind {kind!r} in row {row!r}")
    level = rf"(?i:{alternation(title_lexicon().levels)})"
    noun = alternation(nouns)
    forms = [
        alternation(bodies),
        # Municipal Party Committee, municipal government, Xingtai Municipal People's Congress
        rf"(?:[A-Z][a-z]+\s+)?{level}\s+(?i:{alternation(heads)})",
        # Municipal Bureau of Commerce, Provincial Emergency Management Bureau
        rf"(?:[A-Z][a-z]+\s+)?{level}(?:\s+(?:{_CAPWORD}|and|&))*?\s+(?:{noun})"
        rf"(?:\s+of\s+(?:the\s+)?(?:{_ENUMERATION}|{_CAPPHRASE}))?",
        # Ministry of Commerce, Department of Industry and Information Technology of Hebei Province
        rf"(?:{alternation(n for n in nouns if n in _LEADING_NOUNS)})\s+of\s+(?:the\s+)?{_CAPPHRASE}",
        # Development and Reform Commission, Emergency Management Bureau (capitalized, 1-9 words)
        rf"{_body_not_first()}{_CAPWORD}(?:\s+(?:{_CAPWORD}|and|&)){{0,8}}\s+(?:{noun})",
        # heads completed by an "of" complement in `_join_bodies` ("Standing Committee of ...")
        r"(?:Standing\s+Committee|People's\s+Government|General\s+Office)(?=\s+of\s)",
    ]
    regex = re.compile(r"(?<![\w\-])(?:" + "|".join(f"(?:{f})" for f in forms) + r")(?![\w\-])")
    return BodyLexicon(bodies, heads, regex)


@dataclass(frozen=True)
class OrgLexicon:
    enterprise: re.Pattern[str]
    enterprise_legal: re.Pattern[str]
    organization: re.Pattern[str]
    place: re.Pattern[str]
    not_name: frozenset[str]
    not_first: str


@lru_cache(maxsize=1)
def org_lexicon() -> OrgLexicon:
    """Name patterns: capitalized words (not starting with a function word, verb or generic
    adjective) ending in a company word, a legal form, an institution word or a place word."""
    kinds: dict[str, list[str]] = {}
    for row in _rows(ORG_WORDS_FILE, 2):
        kinds.setdefault(row[0], []).append(row[1])
    known = {"enterprise", "legal", "organization", "organization_of", "not_name", "place_head"}
    unknown = set(kinds) - known
    if unknown:
        raise ResourceError(f"models/{ORG_WORDS_FILE}: unknown kinds {sorted(unknown)}")
    not_name = frozenset(kinds.get("not_name", []))
    not_first = rf"(?!(?:{alternation(not_name)})(?![\w'’\-]))"
    seq = rf"{not_first}{_CAPWORD}(?:\s+{_CAPWORD}){{0,6}}"
    legal = alternation(kinds.get("legal", []))
    strict_legal = alternation(x for x in kinds.get("legal", []) if x.startswith(("Co", "Ltd", "Inc")))
    # an abbreviation keeps its period (Tongwei Co.); a full word does not take the sentence's
    # (…signed with Jing Macao Technology.)
    abbreviations = [w for w in kinds["enterprise"] if w in ABBREVIATED_COMPANY_WORDS]
    words = [w for w in kinds["enterprise"] if w not in ABBREVIATED_COMPANY_WORDS]
    enterprise = re.compile(
        rf"(?<![\w\-])({seq})\s+(?:(?:{alternation(abbreviations)})\.?|(?:{alternation(words)}))(?:,?\s+(?:{legal}))?(?![\w\-])"
    )
    # "and" inside a company name joins two trade words ("Iron and Steel", "Science and Technology",
    # "Port and Shipping"); anywhere else it separates two companies of a list.
    seq_and = rf"{not_first}{_CAPWORD}(?:\s+(?:(?:and|&)\s+(?={alternation(_AND_TRADES)}\b))?{_CAPWORD}){{0,6}}"
    enterprise_legal = re.compile(
        rf"(?<![\w\-])({seq_and})(?:\s+\([A-Z][A-Za-z ]*\))?,?\s+(?:{strict_legal})(?![\w\-])"
    )
    level = rf"(?:(?i:{alternation(title_lexicon().levels)})\s+)?"
    organization = re.compile(
        rf"(?<![\w\-]){level}(?:({seq})\s+(?:{alternation(kinds['organization'])})(?:\s+of\s+(?:the\s+)?{_CAPPHRASE})?"
        rf"|(?:{alternation(kinds.get('organization_of', []))})\s+(?:the\s+)?{_CAPPHRASE})(?![\w\-])"
    )
    place = re.compile(
        rf"(?<![\w\-])({not_first}{_CAPWORD}(?:\s+{_CAPWORD}){{0,6}})\s+"
        rf"(?:{alternation(kinds.get('place_head', []))})(?![\w\-])"
    )
    return OrgLexicon(enterprise, enterprise_legal, organization, place, not_name, not_first)


_LEVEL_KINDS = frozenset({"County", "City", "Banner", "District", "Autonomous County", "Autonomous Banner"})


@lru_cache(maxsize=1)
def place_gazetteer() -> dict[str, tuple[tuple[str, ...], str]]:
    """English place name → (Chinese forms, highest level) from models/en_places.tsv."""
    order = {"province": 0, "prefecture": 1, "county": 2}
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    rows = [(row[0], row[1], row[2]) for row in _rows(PLACES_FILE, 3)]
    # Names English does not write in pinyin (林芝 Nyingchi), with their kind word (Hexigten Banner).
    for zh, _pinyin, english, kind in place_exonyms():
        level = "prefecture" if zh.endswith(("市", "地区", "盟", "州")) else "county" if kind in _LEVEL_KINDS else "feature"
        rows.append((english, zh, level))
        if kind != "-":
            rows.append((f"Mount {english}" if kind == "Mount" else f"{english} {kind}", zh, level))
    for en, zh, level in rows:
        prev = out.get(en)
        if prev is None:
            out[en] = ((zh,), level)
        else:
            best = level if order.get(level, 3) < order.get(prev[1], 3) else prev[1]
            out[en] = (prev[0] + (zh,) if zh not in prev[0] else prev[0], best)
    return out


@dataclass
class Candidate:
    """An entity proposal in `norm_text` offsets."""

    type: str
    start: int
    end: int
    source: str
    score: float
    canonical: str | None = None
    zh_forms: tuple[str, ...] = ()
    zh: str | None = None
    origin: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


_GENERIC_LEVEL = {"city": "Municipal", "county": "County", "district": "District", "province": "Provincial",
                  "town": "Town", "township": "Township"}
_BARE_PARTY_RANK = re.compile(r"Party (?:Secretary|Chief)")
_GENERIC_SUFFIX = re.compile(r"\s+(?i:city|county|district|province)$")


def find_places(text: str) -> list[Candidate]:
    """Longest gazetteer matches over runs of capitalized words ("Xingtai City", "Hebei Province")."""
    gaz = place_gazetteer()
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z][A-Za-z\-]*(?:['’](?![sS]\b)[A-Za-z]+)*", text)]
    out: list[Candidate] = []
    i = 0
    while i < len(words):
        if not text[words[i][0]].isupper():
            i += 1
            continue
        hit = None
        for j in range(min(len(words), i + 5) - 1, i - 1, -1):
            if any(not re.fullmatch(r" ", text[words[k][1] : words[k + 1][0]]) for k in range(i, j)):
                continue
            span = text[words[i][0] : words[j][1]]
            key = span
            if _GENERIC_SUFFIX.search(span):
                last = span.rsplit(" ", 1)
                key = f"{last[0]} {last[1].capitalize()}"
            if key in gaz:
                hit = (j, key)
                break
        if hit is None:
            i += 1
            continue
        j, key = hit
        zh, level = gaz[key]
        out.append(Candidate("place", words[i][0], words[j][1], "gazetteer", 0.85, key, zh, origin=level))
        i = j + 1
    return out


def _strip_article(text: str, start: int, end: int) -> tuple[int, int]:
    """Articles and a possessive are outside spans ("the Ministry of Commerce's" → Ministry of Commerce)."""
    m = re.match(r"(?i:the|a|an)\s+", text[start:end])
    if m and end - start > m.end():
        start += m.end()
    if text[start:end].endswith(("'s", "’s")) and end - start > 2:
        end -= 2
    return start, end


@lru_cache(maxsize=1)
def _title_target() -> re.Pattern[str]:
    """What may follow a lower-case title for it to be one: a capitalized word (a name, a body, another
    title), possibly after more lower-case title words ("deputy mayor and executive vice mayor Qian"),
    or "of the" + a body."""
    lex = title_lexicon()
    words = {w for phrase in (*lex.ranks, *lex.party_ranks, *lex.modifiers, *lex.levels)
             for w in re.split(r"[\s\-]+", phrase) if w.isalpha()}
    return re.compile(rf"\s*(?:,\s*)?(?:(?:and|the)\s+)*(?:(?:{'|'.join(sorted(words))})\s+){{0,4}}[A-Z]"
                      r"|\s+of\s+(?:the\s+)?[A-Za-z]")


# A lower-case title is one in an appositive after a name ("Li Ming, vice mayor and ...") or when it
# continues a title chain ("deputy secretary of the provincial party committee and governor").
_APPOSITIVE_NAME = re.compile(r"(?<![\w.])[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2},[ \t]*$")
_CHAIN_CONTINUES = re.compile(r"[ \t]*(?:,[ \t]*(?:and[ \t]+)?|and[ \t]+)$")


def find_titles(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    for m in title_lexicon().regex.finditer(text):
        s, e = _strip_article(text, m.start(), m.end())
        title = text[s:e]
        if title[:1].islower() and title.endswith("s") and canonical_title(title) == canonical_title(title[:-1]):
            continue  # "managers", "directors": a generic role, not a title
        if title[:1].islower() and " of the " not in title and not _title_target().match(text, e) \
                and not _lower_title_in_chain(text, m.start(), out):
            continue  # "the manager said": a role word, unless a name or body follows ("deputy mayor Zheng")
        out.append(Candidate("title", s, e, "rule", 0.9, canonical_title(title), tuple(title_zh_forms(title))))
    return out


def _lower_title_in_chain(text: str, start: int, found: list[Candidate]) -> bool:
    """Whether a lower-case title at `start` follows a name's comma or a title already found."""
    before = text[max(0, start - 40) : start]
    if _APPOSITIVE_NAME.search(before):
        return True
    if not found:
        return False
    gap = text[found[-1].end : start]
    return len(gap) <= 8 and _CHAIN_CONTINUES.fullmatch(gap) is not None


_PEOPLES_ORGANIZATION = re.compile(r"\b(?:League|Federation|Association|Union|Chamber|Society)\b")


def _matches_and_rescan(regex: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """All matches, plus those hidden after an "and" inside a longer match ("Bureau of Commerce and
    Qingdao Customs", "Association of Nantong University and Nantong First People's Hospital")."""
    matches = list(regex.finditer(text))
    for m in list(matches):
        for a in _AND_LINK.finditer(text, m.start(), m.end()):
            inner = regex.match(text, a.end())
            if inner:
                matches.append(inner)
    return matches


def find_bodies(text: str, places: dict[str, tuple[tuple[str, ...], str]]) -> list[Candidate]:
    lex = body_lexicon()
    not_name = org_lexicon().not_name
    out = []
    for m in _matches_and_rescan(lex.regex, text):
        s, e = _strip_article(text, m.start(), m.end())
        first = text[s:e].split()[0]
        # A sentence-initial verb or article glued to the name ("Promote Municipal ...") is cut off.
        if first in not_name and first.lower() not in title_lexicon().levels and len(text[s:e].split()) > 2:
            s = s + len(first) + 1
            while s < e and text[s].isspace():
                s += 1
        body = text[s:e]
        zh: list[str] = list(lex.bodies.get(body, ()))
        low = re.sub(r"\s+", " ", body.lower())
        for head, head_zh in lex.heads.items():
            if low.endswith(head):
                for lvl_en, lvl_zh in title_lexicon().levels.items():
                    if f"{lvl_en} {head}" in low:
                        zh.extend(lvl_zh + z for z in head_zh)
        # A committee of a people's organization (Communist Youth League, Women's Federation) is an
        # organization, not a government body.
        low_body = re.sub(r"\s+", " ", body.lower())
        is_head = any(low_body.endswith(h) for h in lex.heads)  # "Political Association" (政协) is a body
        etype = "organization" if _PEOPLES_ORGANIZATION.search(body) and not is_head else "government"
        prefix = "prefix" if re.fullmatch(r"Standing\s+Committee|People's\s+Government|General\s+Office",
                                          body) else ""
        out.append(Candidate(etype, s, e, "rule", 0.85, None, tuple(zh), origin=prefix))
    return out


def _name_like(seq: str) -> bool:
    """No level word inside ("Municipal ... Technology" is a bureau, not a company)."""
    return not any(w.lower() in title_lexicon().levels for w in seq.split())


@lru_cache(maxsize=1)
def _other_heads() -> frozenset[str]:
    """Head words of institutions and bodies (a company name does not run over them)."""
    words = {r[1] for r in _rows(ORG_WORDS_FILE, 2) if r[0] == "organization" and " " not in r[1]}
    words |= {r[1] for r in _rows(BODIES_FILE, 2) if r[0] == "noun"}
    return frozenset(words)


def find_organizations(text: str) -> list[Candidate]:
    lex = org_lexicon()
    out = []
    heads = _other_heads()
    for rx in (lex.enterprise, lex.enterprise_legal):
        for m in rx.finditer(text):
            start = m.start()
            # "Hainan University and Hainan Port and Shipping Holding Co., Ltd.": the company starts
            # after the "and" that follows another institution's head word.
            for a in _AND_LINK.finditer(text, m.start(1), m.end(1)):
                if set(text[start : a.start()].split()) & heads:
                    start = a.end()
            if _name_like(text[start : m.end(1)]):
                out.append(Candidate("enterprise", start, m.end(), "rule", 0.7))
    for m in _matches_and_rescan(lex.organization, text):
        if m.group(1) is None or _name_like(m.group(1)):  # level words only before the name
            s, e = _strip_article(text, m.start(), m.end())
            out.append(Candidate("organization", s, e, "rule", 0.7))
    for m in lex.place.finditer(text):
        if _name_like(m.group(1)):
            out.append(Candidate("place", m.start(), m.end(), "rule", 0.7))
    return out


_BODY_HEAD_AFTER = re.compile(r"\s+(?:Committee|Commission|Bureau)\b")


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans a term or title correction rewrites blanked out, so that no name is read
    across them: "Secretary Long Wen Liping" (秘书长 温丽萍) is Wen Liping, not Long Wen."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = ["x" if ch.isalpha() else ch for ch in chars[start:end]]
    return "".join(chars)


def find_persons(text: str, name_fix_spans: set[tuple[int, int]], title_ends: set[int]) -> list[Candidate]:
    """Valid romanized names; invalid ones only when a name correction covers them or a title
    stands right before them (a garbled name in an official's title chain is still a person)."""
    out = []
    for n in find_names(text, literal_at_start=True):
        if n.initial and (n.start, n.end) not in name_fix_spans:
            continue  # "Solution Hongmei" at a sentence start only when a repair vouches for it
        if n.given_first and _LEVEL_AFTER.match(text, n.end):
            continue  # "Liangshan Yi Autonomous Prefecture" is a place
        if _BODY_HEAD_AFTER.match(text, n.end):
            continue  # "Municipal Wei Jian Committee" (卫健委) names a body, not a person
        gap = len(text[max(0, n.start - 2) : n.start]) - len(text[max(0, n.start - 2) : n.start].rstrip())
        titled = gap <= 1 and n.start - gap in title_ends
        if n.valid:
            out.append(Candidate("person", n.start, n.end, "rule", 0.9, n.canonical, origin="name"))
        elif (n.start, n.end) in name_fix_spans or titled:
            out.append(Candidate("person", n.start, n.end, "rule", 0.7, None, origin="garbled"))
    return out


_PREV_WORD = re.compile(r"(?<![A-Za-z])([A-Za-z]+)\s+$")
_LEVEL_AFTER = re.compile(r"\s+(?:" + "|".join(sorted(LEVEL_WORDS, key=len, reverse=True)) + r")\b")
_TITLE_PREFIX_WORDS = {"municipal", "county", "district", "provincial", "city", "township", "town", "village",
                       "general", "total", "chief", "deputy", "vice", "executive"}
_NAME_NEXT = re.compile(r"\s+[A-Z][a-z]")
_OF_THE_BODY = re.compile(r"\bof\s+the\s+", re.I)


def _ambiguous_ok(m, text: str, source_text: str | None) -> bool:
    """An ambiguous variant ("Artes" is also a word) needs evidence, as in the cleanup: the entry's
    Chinese in the source, or without a source one of its context words nearby."""
    if source_text:
        return m.entry.in_source(normalize_source(source_text))
    window = text[max(0, m.start - 150) : m.end + 150]
    return bool(m.entry.context) and any(stem(w) in m.entry.context for w in re.findall(r"[^\W_]+", window))


_LEGAL_TAIL = re.compile(rf"(?:[\s,.]+(?:{'|'.join(sorted(ABBREVIATED_COMPANY_WORDS))}|Limited|Company|Corporation|"
                         r"Group|Holdings?))*[\s,.]*")


def _known_company(entity: Candidate, known: Candidate | None, text: str) -> str | None:
    """The glossary's name for a legal name that begins with a company it knows: "Contemporary
    Amperex Technology Co., Limited" is CATL, as 宁德时代新能源科技股份有限公司 is on the Chinese side."""
    if known is None or known.end > entity.end or not _LEGAL_TAIL.fullmatch(text, known.end, entity.end):
        return None
    return known.canonical


def find_glossary(text: str, glossary, source_text: str | None = None) -> list[Candidate]:
    """Glossary entries that are entities (enterprise, place, organization, body, title), and the
    literal renderings of names that `pipeline.literal` predicts ("Worship Ceremony District")."""
    types = {"enterprise": "enterprise", "place": "place", "organization": "organization",
             "body": "government", "title": "title"}
    out = []
    for m in glossary.find(text) + literal_index(glossary).find(text):
        etype = types.get(m.entry.type)
        if etype is None:
            continue
        if m.variant is not None and m.variant.literal and etype == "place":
            level = _LEVEL_AFTER.match(text, m.end)  # the literal index found it before a level word
            m = replace(m, end=level.end()) if level else m
        if m.variant is not None and m.variant.ambiguous and not _ambiguous_ok(m, text, source_text):
            continue
        # A correct rendering in lower case is a generic mention ("the people's congress"), not a name;
        # titles are the exception ("deputy mayor Zheng Chuan").
        if m.kind != "variant" and etype != "title" and not text[m.start].isupper():
            continue
        word = text[m.start : m.end]
        if m.kind != "variant" and " " not in word and len(word) <= 4 and not word.isupper():
            continue  # "Ali", "Eve", "Arts": short words are names only in capitals (CATL, BYD)
        start = m.start
        if etype == "title":
            # "county general river length": level and rank words before the phrase belong to it.
            span = text[m.start : m.end]
            if _OF_THE_BODY.search(span) and not title_lexicon().regex.fullmatch(span):
                continue  # "head of the publicity department": rank and body are two entities
            body = body_lexicon().regex.match(span)
            if body and body.end() < len(span) and not title_lexicon().regex.fullmatch(span):
                continue  # "Municipal Government Secretary General": body + title, two entities
            while True:
                lo = max(0, start - 40)
                w = _PREV_WORD.search(text[lo:start])
                if not w or w.group(1) not in _TITLE_PREFIX_WORDS:  # lower-case words only
                    break
                start = lo + w.start(1)
            if text[start].islower() and not _NAME_NEXT.match(text, m.end) and not (
                    m.kind == "variant" and _NAME_BEFORE.search(text, max(0, start - 60), start)):
                continue  # a lower-case role word not after or before a name is generic ("river chiefs")
        out.append(Candidate(etype, start if etype == "title" else m.start, m.end, "glossary",
                             0.95 if m.kind != "variant" else 0.85,
                             m.entry.canonical, tuple(m.entry.zh_forms), origin=m.kind))
    return out


_MODEL_PERSON_STOP = frozenset("Railway Film Films Daily Cause Group Company Bank Road Street River "
                               "Zone Park Center Centre Hospital University Battery Energy Technology "
                               "Steel Motors Auto Chemical Mining Power Port Airport Lake Mountain "
                               "Reservoir Station Institute Academy School College Town Township "
                               "Village Left Right Front Rear Middle Wing Back Flag Shares Biology Pharmaceutical "
                               "Committee Commission Bureau Office".split()) | LEVEL_WORDS
_FOREIGN_DIVISIONS = frozenset("Krai Oblast Okrug Prefecture Province Region Oblys Aimag Governorate".split())
_SPACY_TYPES = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organization"}


def find_model(doc: Doc) -> list[Candidate]:
    """OntoNotes entities from the spaCy parse `tokenize_en` stored, typed by their head word.

    Dropped: spans inside a phrase the cleanup rewrote as a term ("carbon Dharma carbon" is not a
    person called Dharma) and one-word persons, which on MT English are mostly mistranslated words.
    """
    sdoc = doc.user_data.get("spacy")
    if sdoc is None or getattr(sdoc, "text", None) != doc.norm_text:
        return []
    text = doc.norm_text
    rewritten = [doc.to_norm_span(c.start, c.end) for c in doc.corrections
                 if not c.rule.startswith(("normalize.", "name."))]
    out = []
    gov_noun = re.compile(rf"(?:{body_lexicon().regex.pattern})$")
    for ent in sdoc.ents:
        etype = _SPACY_TYPES.get(ent.label_)
        if etype is None:
            continue
        s, e = _strip_article(text, ent.start_char, ent.end_char)
        span = text[s:e]
        if not span[:1].isupper() or "\n" in span or any(s < re_ and e > rs for rs, re_ in rewritten):
            continue
        words = span.split()
        if etype == "person" and words[-1] in _FOREIGN_DIVISIONS:
            etype = "place"  # "Zabaykalsky Krai": a foreign division, whatever the parser says
        if etype == "person" and (len(words) < 2 or any(w.isupper() and len(w) > 1 for w in words)
                                  or words[-1] in _MODEL_PERSON_STOP or not span.replace(" ", "").replace(
                                      "-", "").replace(".", "").replace("'", "").isalpha()):
            continue  # one-word, acronym or "Xulan High Speed Railway" "persons" are not people
        if etype == "place" and any(w.islower() for w in span.split()):
            continue  # "Belt and Road" is an initiative, not a place
        if etype == "organization":
            if gov_noun.search(span):
                etype = "government"
            elif org_lexicon().enterprise.fullmatch(span) or org_lexicon().enterprise_legal.fullmatch(span):
                etype = "enterprise"
            elif not org_lexicon().organization.fullmatch(span):
                continue  # an ORG without a head word is too often a mistranslated phrase
        out.append(Candidate(etype, s, e, "model", 0.6))
    return out


_OF_LINK = re.compile(r"\s+of\s+(?:the\s+)?(?:\d+(?:st|nd|rd|th)\s+)?")
_AND_LINK = re.compile(r"\s+(?:and|&)\s+")


# "Wang Zhiqiang, total manager of Shantui": a garbled title in an appositive.
_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+,\s*(?:the\s+)?$")
_LEVEL_BEFORE_BODY = re.compile(r"\s+(Municipal|Provincial|Prefectural|County|District|City)\s+$")


def _join_bodies(cands: list[Candidate], text: str) -> list[Candidate]:
    """Whole government names: a place right before a body belongs to it ("Jinan Municipal People's
    Congress"), so does an "of" complement that is a body or place ("Standing Committee of the 18th
    Jinan Municipal People's Congress", "People's Government of Inner Mongolia Autonomous Region");
    and a body never runs over "and" into the next name ("Bureau of Commerce and Qingdao Customs")."""
    starts = {c.start for c in cands if c.type in ("organization", "enterprise", "place", "person", "title")}
    stops = sorted({c.start for c in cands if c.type in ("person", "title") and c.start and text[c.start - 1].isspace()})
    persons = {(c.start, c.end) for c in cands if c.type == "person"}
    for c in cands:
        if c.type not in ("government", "organization", "place") or c.source != "rule":
            continue
        for m in _AND_LINK.finditer(text, c.start, c.end):
            if (c.start, m.start()) in persons:
                c.start = m.end()  # "Mou Chunyan and Municipal Government": a name, then the body
                continue
            if m.end() in starts:
                c.end = m.start()
                break
        i = bisect.bisect_right(stops, c.start)
        if i < len(stops) and stops[i] < c.end:
            c.end = c.start + len(text[c.start : stops[i]].rstrip())
    bodies = sorted((c for c in cands if c.type in ("government", "organization") and c.source in ("rule", "glossary")),
                    key=lambda c: (c.start, -c.end))
    by_start: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.type in ("government", "place") and c.source != "model":
            by_start.setdefault(c.start, []).append(c)
    place_by_end: dict[int, Candidate] = {}
    for p in cands:
        if p.type == "place":
            place_by_end.setdefault(p.end, p)
    out = list(cands)
    title_ends = {}
    for c in cands:
        if c.type == "title":
            title_ends[c.start] = max(title_ends.get(c.start, 0), c.end)
    for b in bodies:
        if title_ends.get(b.start, 0) > b.end:
            continue  # the body opens a longer title ("Party Working Committee Secretary")
        start, end = b.start, b.end
        changed = True
        while changed:
            changed = False
            m = _OF_LINK.match(text, end)
            if m and m.end() in by_start:
                end = max(x.end for x in by_start[m.end()])
                changed = True
        level = _LEVEL_BEFORE_BODY.search(text, max(0, start - 24), start)
        before = place_by_end.get(level.start() if level else start - 1)
        if before is not None and (level or text[start - 1] == " "):
            start = before.start  # "Baoji Municipal Flood Control and Drought Relief Headquarters"
        elif level and b.source == "glossary":
            start = level.start(1)  # "Municipal Flood Control and Drought Relief Headquarters"
        if (start, end) != (b.start, b.end):
            out.append(Candidate(b.type, start, end, "rule", b.score, None, b.zh_forms))
    return [c for c in out if c.origin != "prefix"]


def _yield_generic_words(cands: list[Candidate], text: str) -> None:
    """A title keeps its level word when a place before it ends with the same word: "Deqing County
    Party Secretary" is the place "Deqing" and the title "County Party Secretary" (the corpus
    convention, as 邢台市委副书记 is 邢台 + 市委副书记)."""
    title_starts = {c.start for c in cands if c.type == "title"}
    title_ends = {c.start: c.end for c in cands if c.type == "title"}
    for p in cands:
        if p.type != "place":
            continue
        word = re.search(r"(\S+)$", text[p.start : p.end])
        if word is None:
            continue
        w_start = p.start + word.start(1)
        if w_start > p.start and w_start in title_starts and p.end <= title_ends[w_start] \
                and word.group(1).lower() in _GENERIC_LEVEL:
            p.end = p.start + len(text[p.start : w_start].rstrip())
            p.canonical = text[p.start : p.end]


def resolve(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping selection: lexicon/rule candidates longest first (ties by type priority),
    then model candidates only where nothing was found."""
    chosen: list[Candidate] = []
    starts: list[int] = []  # sorted starts of the taken, non-overlapping spans
    ends: list[int] = []

    def free(c: Candidate) -> bool:
        i = bisect.bisect_left(starts, c.end)  # taken spans starting before c ends
        return i == 0 or ends[i - 1] <= c.start

    ranked = sorted(
        (c for c in cands if c.source != "model"),
        key=lambda c: (-c.length, _PRIORITY["glossary"] if c.source == "glossary" else _PRIORITY[c.type],
                       c.start),
    )
    for c in ranked + sorted((c for c in cands if c.source == "model"), key=lambda c: (-c.length, c.start)):
        if c.length > 0 and free(c):
            chosen.append(c)
            i = bisect.bisect_left(starts, c.start)
            starts.insert(i, c.start)
            ends.insert(i, c.end)
    return sorted(chosen, key=lambda c: (c.start, c.end))


def corrected(text_span: tuple[int, int], doc: Doc, corrections: list[Correction],
              starts: list[int] | None = None) -> str:
    """The span with every correction that lies inside it applied (the entity after cleanup).
    `corrections` are sorted by start; `starts` (their starts) makes the lookup logarithmic."""
    a, b = text_span
    if starts is None:
        starts = [c.start for c in corrections]
    lo, hi = bisect.bisect_left(starts, a), bisect.bisect_right(starts, b)
    inside = [Correction(c.start - a, c.end - a, c.original, c.replacement, c.rule, c.confidence)
              for c in corrections[lo:hi] if c.start >= a and c.end <= b and c.end > c.start or
              (c.start == c.end and a < c.start < b)]
    return apply_corrections(doc.text[a:b], inside)


@register_stage("entities_en")
class EnglishEntityExtractor(Stage):
    """Adds person, title, government, organization, enterprise and place entities to English docs.

    `use_model`: also take spaCy's entities where the rules found nothing. `use_glossary`: match the
    term glossary's entity entries (`glossary` names extra glossary files, like `--glossary`).
    `min_score`: drop entities scored below it.
    """

    requires = ("norm_text", "lang", "tokens", "corrections")
    provides = ("entities",)

    def __init__(self, *, use_model: bool = True, use_glossary: bool = True,
                 glossary: tuple[str, ...] = (), min_score: float = 0.0) -> None:
        self.use_model = use_model
        self.use_glossary = use_glossary
        self.glossary = tuple(glossary)
        self.min_score = min_score

    def _glossary(self):
        from .glossary import load_glossary

        return load_glossary(self.glossary)

    def candidates(self, doc: Doc) -> list[Candidate]:
        text = doc.norm_text
        name_fixes = set()
        rewritten = []
        for c in doc.corrections:
            if c.rule.startswith("name."):
                name_fixes.add(doc.to_norm_span(c.start, c.end))
            elif c.rule.startswith(("glossary:", "literal:")):
                rewritten.append(doc.to_norm_span(c.start, c.end))
        titles = find_titles(text)
        cands: list[Candidate] = list(titles)
        cands += find_places(text)
        cands += find_bodies(text, place_gazetteer())
        cands += find_organizations(text)
        cands += find_persons(_masked(text, rewritten), name_fixes, {t.end for t in titles})
        if self.use_glossary:
            cands += find_glossary(text, self._glossary(), doc.source_text)
        _yield_generic_words(cands, text)
        cands = _join_bodies(cands, text)
        if self.use_model:
            cands += find_model(doc)
        return cands

    def __call__(self, doc: Doc) -> Doc:
        if doc.lang != "en":
            return doc
        cands = self.candidates(doc)
        chosen = [c for c in resolve(cands) if c.score >= self.min_score]
        known_companies = {c.start: c for c in cands
                           if c.source == "glossary" and c.type == "enterprise" and c.canonical}
        names = {(n.start, n.end): n for n in find_names(doc.norm_text)}
        corrections = sorted(doc.corrections, key=lambda x: (x.start, x.end))
        corr_starts = [x.start for x in corrections]
        place_ends = {p.end: p for p in chosen if p.type == "place"}
        for c in chosen:
            a, b = doc.to_text_span(c.start, c.end)
            after = corrected((a, b), doc, corrections, corr_starts)
            surface = doc.text[a:b]
            if c.source == "glossary":
                # A garbled rendering the cleanup left alone: the glossary knows the right form; a
                # correct rendering stays as written ("Municipal Government", not the entry's case).
                garble = c.origin == "variant" and after == surface and c.canonical
                canonical = c.canonical if garble else after
            else:
                canonical = c.canonical if c.canonical and after == surface else after
            zh = None
            if c.type == "person":
                canonical = canonical_name(after)
                if doc.source_text:
                    zh = self._person_zh(names.get((c.start, c.end)), after, doc.source_text)
            elif c.type == "enterprise" and c.source != "glossary":
                canonical = _known_company(c, known_companies.get(c.start), doc.norm_text) or canonical
            elif c.type == "place" and c.canonical:
                canonical = after if after != doc.text[a:b] else c.canonical
            elif c.type == "title":
                # The surface (after cleanup) is the title; a glossary canonical only names a garble
                # the cleanup left alone ("County length" → County Magistrate).
                garble = c.source == "glossary" and c.origin == "variant" and after == doc.text[a:b]
                canonical = canonical_title(c.canonical if garble and c.canonical else after)
                level = self._place_level(place_ends, c, doc.norm_text)
                if level and _BARE_PARTY_RANK.fullmatch(canonical):
                    canonical = f"Secretary of the {level} Party Committee"
            if doc.source_text and zh is None and c.zh_forms:
                zh = present_form(c.zh_forms, doc.source_text)
            if doc.source_text and zh is None and c.type in ("place", "enterprise", "organization"):
                zh = align_romanized(after, c.type, doc.source_text)
            doc.add_entity(c.type, a, b, canonical=canonical, zh=zh, source=c.source, score=c.score)
        _add_surname_mentions(doc)
        return doc

    @staticmethod
    def _place_level(places: dict[int, Candidate], title: Candidate, text: str) -> str | None:
        """Level of a place written right before a title ("Deqing County Party Secretary" → County);
        `places` maps end offsets to place candidates."""
        gap = len(text[max(0, title.start - 3) : title.start]) - len(text[max(0, title.start - 3) : title.start].rstrip())
        p = places.get(title.start - gap)
        if p is None:
            return None
        return _GENERIC_LEVEL.get(text[p.start : p.end].rsplit(" ", 1)[-1].lower())

    @staticmethod
    def _person_zh(name: RomanizedName | None, after: str, source_text: str) -> str | None:
        found = find_names(after)
        if found:
            # Align the repaired spelling: "Song Huam" repaired to "Song Huaying" reads 宋华英.
            return align_name(found[0], source_text)
        return align_name(name, source_text) if name is not None else None


_NEXT_WORD = re.compile(r"[ \t]+([A-Z][a-z]+)\b(?![ \t]+[A-Z])")


_TWO_WORDS = re.compile(r"[ \t]+([A-Z][a-z]+)[ \t]+([A-Z][a-z]+)\b(?![ \t]+[A-Z])")


def _overlaps(starts: list[int], taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint `taken` spans (`starts`: their starts)."""
    i = bisect.bisect_left(starts, start)
    return i < len(taken) and taken[i][0] < end or bool(i) and taken[i - 1][1] > start


_DOTTED = re.compile(r"[ \t]+([A-Z][a-z]+)[ \t]*[·•][ \t]*([A-Z][a-z]+)\b")


def _add_dotted_name(doc: Doc, at: int, starts: list[int], taken: list[tuple[int, int]]) -> bool:
    """ "Mayor Aierken · Tuniyazi": a transliterated name whose parts MT kept the middle dot between."""
    m = _DOTTED.match(doc.text, at)
    if m is None or not all(len(split_pinyin(w.lower()) or ()) >= 2 for w in m.groups()):
        return False
    i = bisect.bisect_left(starts, m.start(1))
    if i and taken[i - 1][1] > m.start(1):
        return False
    # An entity inside the span (the first part alone, found as a word) gives way to the whole name.
    doc.entities[:] = [e for e in doc.entities if not (m.start(1) <= e.start and e.end <= m.end(2))]
    doc.add_entity("person", m.start(1), m.end(2), canonical=" ".join(m.groups()), source="rule", score=0.6)
    return True


def _add_two_word_name(doc: Doc, at: int, starts: list[int], taken: list[tuple[int, int]]) -> None:
    """ "Prefectural Governor Jiwu Muga": a Yi or Uyghur name is two words of several pinyin
    syllables each, neither a surname nor a place."""
    m = _TWO_WORDS.match(doc.text, at)
    if m is None:
        return
    if _overlaps(starts, taken, m.start(1), m.end(2)):
        return
    words = (m.group(1), m.group(2))
    gaz = place_gazetteer()
    if all(w.lower() not in english_surnames() and w not in gaz and w not in surname_forms()
           and len(split_pinyin(w.lower()) or ()) >= 2 for w in words):
        doc.add_entity("person", m.start(1), m.end(2), canonical=" ".join(words), source="rule", score=0.6)


def _add_surname_mentions(doc: Doc) -> None:
    """"Mayor Sun said …": a surname alone after a title is the one person of the document with that
    surname (its canonical name and zh), as Chinese writes 孙市长; with two such persons it stays
    untagged. A word of three or more pinyin syllables there that is neither a surname nor a place
    is a one-word name (Chaolumen)."""
    persons: dict[str, set[tuple[str, str | None]]] = {}
    for e in doc.entities:
        if e.type == "person" and e.canonical and " " in e.canonical:
            persons.setdefault(e.canonical.split(" ", 1)[0].lower(), set()).add((e.canonical, e.zh))
    taken = sorted((e.start, e.end) for e in doc.entities)
    starts = [a for a, _ in taken]
    bodies = {e.start: e.end for e in doc.entities if e.type == "government"}
    for t in [e for e in doc.entities if e.type == "title"]:
        # The word after the title, or after its body ("Chairwoman of the Municipal CPPCC Wulan").
        of = _OF_LINK.match(doc.text, t.end)
        after = bodies[of.end()] if of and of.end() in bodies else t.end
        if _add_dotted_name(doc, after, starts, taken):
            continue
        m = _NEXT_WORD.match(doc.text, after)
        if m is None:
            _add_two_word_name(doc, after, starts, taken)
            continue
        word = m.group(1)
        if _overlaps(starts, taken, m.start(1), m.end(1)):
            # "Chairwoman of the Municipal CPPCC Wulan attended": a county's name right after a title
            # is a Mongolian name (乌兰), not the county ("the Mayor Zhangjiakou office" is the city).
            place = [e for e in doc.entities if (e.start, e.end) == m.span(1) and e.type == "place"
                     and e.source == "gazetteer" and place_gazetteer().get(word, ((), ""))[1] == "county"]
            if not place or len(split_pinyin(word.lower()) or ()) < 2:
                continue
            doc.entities.remove(place[0])
            doc.add_entity("person", m.start(1), m.end(1), canonical=word, source="rule", score=0.6)
            continue
        form = surname_forms().get(word)
        surname = form[2] if form else word.lower()
        known = persons.get(surname, set())
        if len(known) == 1:
            canonical, zh = next(iter(known))
            doc.add_entity("person", m.start(1), m.end(1), canonical=canonical, zh=zh, source="rule", score=0.7)
        elif not known and surname not in english_surnames() and word not in place_gazetteer() \
                and len(split_pinyin(surname) or ()) >= 2:
            # "Vice Mayor Chaolumen", "Mayor Wangdui": a Mongolian or Tibetan name is one word of
            # several syllables.
            doc.add_entity("person", m.start(1), m.end(1), canonical=word, source="rule", score=0.6)


__all__ = [
    "Candidate",
    "EnglishEntityExtractor",
    "canonical_title",
    "compose_zh",
    "find_bodies",
    "find_places",
    "find_titles",
    "resolve",
    "title_zh_forms",
]
