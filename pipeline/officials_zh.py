"""Link Chinese persons to their titles and bodies: 邢台市委副书记、市长宋华英 → 宋华英, [市委副书记, 市长].

Government news writes a person's titles as a chain directly before the name, items joined by 、 or
兼, each possibly led by a place or a body (邢台 + 市委副书记, 市政府 + 秘书长); appointment news puts
them after it (宋华英任邢台市委副书记). We read these chains off the entities the entity stage found,
so linking improves with extraction and needs no second parser. Titles before a list of names
(副主任俞德明、柏静) belong to every name of the list; a head title right after a name (习近平总书记)
belongs to it. The body of a title is the government
entity written before it (an enterprise or organization too: 中国华能集团有限公司董事长), else what
the title itself implies (市委副书记 → <place>市委, 副市长 → <place>市人民政府). A body written with its
level alone (省委, 市发展改革委) is completed with the document's place of that level, when the
document names exactly one (or the chain before named it). Names are romanized canonically so that
Chinese and English records meet.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .doc import Doc, Entity, Official
from .ner_lexicon import default_lexicon, division_contains, place_division
from .ner_rules import HEAD_TITLES, POST_LINKS, PROFILE_START
from .officials import merge_officials
from .romanize import romanize_name

CHAIN_TYPES = frozenset({"title", "place", "government"})
AFFILIATION_TYPES = frozenset({"enterprise", "organization"})  # 华能集团 + 董事长: only right before a title
CHAIN_GAPS = frozenset({"", "、", "兼", "和", "原"})  # 原: former (白银市政协原副主席)
# A cadre's profile (ner_rules.PROFILE_START) gives posts after these words.
PROFILE_LINK = re.compile("|".join(sorted(POST_LINKS, key=len, reverse=True)))
AFTER_NAME_LINKS = ("同志任", "同志为") + POST_LINKS + ("任", "为", "的")
# committee word at the start of a party title → body suffix; level of executive titles → government
PARTY_COMMITTEES = ("自治区党委", "州党委", "省委", "市委", "地委", "县委", "区委", "州委", "盟委", "旗委", "党工委", "党委",
                    "党组", "纪委")
EXEC_LEVELS = {"省长": "省", "市长": "市", "县长": "县", "区长": "区", "州长": "州", "镇长": "镇", "乡长": "乡"}
BODY_LEVELS = ("自治区", "省", "市", "县", "区", "州", "盟", "旗")  # written alone: 市委, 自治区党委
# Role words that CLUENER sometimes tags as positions but that name no post (市领导X、Y, 有关负责人,
# 运动员, 记者): an entity still, never an official's title.
GENERIC_ROLES = frozenset({"领导", "负责人", "负责同志", "领导同志", "代表", "运动员", "运动员代表", "裁判员",
                           "记者", "专家", "志愿者", "网格员", "护路员", "农技员"})
GENERIC_ROLE_PREFIXES = ("有关", "相关", "主要", "分管", "各位", "全体", "省", "市", "县", "区")


def _gap(text: str, a: int, b: int) -> str:
    return text[a:b].strip()


def _body_for(title: str, place: str | None, government: str | None) -> str | None:
    """The body a title belongs to, from the government entity before it or the title itself."""
    if government:
        return government
    prefix = place or ""
    for committee in PARTY_COMMITTEES:
        if title.startswith(committee):
            level = committee[0]
            if level in "省市县区州盟旗" and prefix.endswith(level):
                return prefix + committee[1:]  # 邢台市 + 市委 → 邢台市委
            return prefix + committee
    for head, level in EXEC_LEVELS.items():
        if title.endswith(head):
            base = prefix if prefix.endswith(level) else prefix + level
            return base + "人民政府"
    body = _body_in_title(title)
    return prefix + body if body else None


def _body_in_title(title: str) -> str | None:
    """The body a title is written with: 国务院副总理 → 国务院, 城关镇党委书记 → 城关镇党委 (with the
    place before the body word, which the gazetteer may not know), 街道党工委书记 → 街道党工委."""
    lex = default_lexicon()
    for cut in range(len(title) - 1, 1, -1):
        if ("title", title[cut:]) not in lex:
            continue
        if any(("body", title[start:cut]) in lex for start in range(cut - 1)):
            return title[:cut]
    return None


def _chain_before(text: str, ents: list[Entity], k: int) -> list[Entity]:
    """Entities of the title chain that ends right before ents[k], in text order."""
    chain: list[Entity] = []
    pos = ents[k].start
    j = k - 1
    while j >= 0:
        e = ents[j]
        gap = _gap(text, e.end, pos)
        # a comma only between two titles (党组成员、副主任，二级巡视员张明): elsewhere it separates people
        joined = gap in CHAIN_GAPS or (gap in ("，", ",") and e.type == "title" and bool(chain)
                                       and chain[-1].type == "title")
        if e.type not in CHAIN_TYPES or e.end > pos or not joined:
            break
        chain.append(e)
        pos = e.start
        j -= 1
    if chain and j >= 0 and ents[j].type in AFFILIATION_TYPES and ents[j].end == pos:
        chain.append(ents[j])
    chain.reverse()
    return chain if any(c.type == "title" for c in chain) else []


def _chain_after(text: str, ents: list[Entity], k: int) -> list[Entity]:
    """Title chain after a name joined by 任/担任/为 (宋华英任邢台市委副书记) or 的 (免去赵振国的…局长职务),
    possibly led by the company or institution the titles are held in; in a cadre's profile
    (区晓航，男，汉族，…，现任宜昌市商务局党组书记、局长，拟提名为兴山县县长候选人), every chain
    after 现任, 曾任, 历任, 拟任 or 提名为 up to the end of the paragraph or the next profile."""
    pos = ents[k].end
    profile = PROFILE_START.match(text, pos)
    if profile:
        # the profile runs to the end of its paragraph or to the next profile (a notice lists several)
        nxt = PROFILE_START.search(text, profile.end())
        line_end = text.find("\n", pos)
        end = min(line_end if line_end >= 0 else len(text), nxt.start() if nxt else len(text))
        chain: list[Entity] = []
        for m in PROFILE_LINK.finditer(text, pos, end):
            # a career lists posts in several bodies: 历任平川区副区长、区长，白银市自然资源局局长，…
            chain += _chain_from(text, ents, k + 1, m.end(), CHAIN_GAPS | {"，", ","})
        return chain
    rest = text[pos : pos + 4]
    link = next((w for w in AFTER_NAME_LINKS if rest.startswith(w)), None)
    return _chain_from(text, ents, k + 1, pos + len(link)) if link else []


def _chain_from(text: str, ents: list[Entity], j: int, pos: int,
                gaps: frozenset[str] = CHAIN_GAPS) -> list[Entity]:
    """The title chain that starts at text position `pos`, read from ents[j:] on."""
    chain: list[Entity] = []
    for e in ents[j:]:
        if e.end <= pos:
            continue
        # a company or institution too: 万俟明轩任山东能源集团有限公司党委书记、董事长
        if e.type not in CHAIN_TYPES | AFFILIATION_TYPES or _gap(text, pos, e.start) not in gaps:
            break
        chain.append(e)
        pos = e.end
    while chain and chain[-1].type != "title":
        chain.pop()
    return chain


def _title_right_after(text: str, ents: list[Entity], k: int) -> list[Entity]:
    """A title written directly after the name: 习近平总书记, 宋华英市长."""
    if k + 1 < len(ents) and ents[k + 1].type == "title" and ents[k + 1].start == ents[k].end \
            and ents[k + 1].text in HEAD_TITLES:
        return [ents[k + 1]]
    return []


def _list_end(text: str, ents: list[Entity], k: int, step: int) -> int | None:
    """Index of the first (step -1) or last (step 1) person of the 、-list ents[k] is in, None when
    ents[k] is that person: titles before a list belong to each name (副主任俞德明、柏静), and so do
    titles after it (李红梅、张国华当选为市委副书记; 选举张三、李四为市委常委)."""
    j = k
    while 0 <= j + step < len(ents):
        a, b = sorted((j, j + step))
        if ents[j + step].type != "person" or _gap(text, ents[a].end, ents[b].start) != "、":
            break
        j += step
    return j if j != k else None


def _is_generic_role(title: str) -> bool:
    for prefix in GENERIC_ROLE_PREFIXES:
        if title.startswith(prefix) and title[len(prefix):] in GENERIC_ROLES:
            return True
    return title in GENERIC_ROLES


def _titles_and_body(chain: list[Entity]) -> tuple[list[str], str | None]:
    titles: list[str] = []
    bodies: list[str] = []
    place: str | None = None
    first_place: str | None = None  # 澳门特别行政区行政长官: the place is all the body there is
    government: str | None = None
    for e in chain:
        if e.type == "place":
            place, government = e.text, None
            first_place = first_place or (e.text if not titles else None)
        elif e.type == "government" or e.type in AFFILIATION_TYPES:
            government = e.text
        elif _is_generic_role(e.text):
            continue
        else:
            titles.append(e.text)
            body = _body_for(e.text, place, government)
            if body:
                bodies.append(body)
            government = None
    return titles, (bodies[0] if bodies else first_place)


def link_officials(doc: Doc) -> list[Official]:
    """Officials of a Chinese document, one per person, titles and mentions merged.

    Names, titles and bodies are read in their normalized form (simplified script, half-width), so
    a release written in traditional characters gives the same titles as any other (市委書記 →
    市委书记); `mentions` point into the text as written."""
    ents = sorted((replace(e, text=doc.norm_text[slice(*doc.to_norm_span(e.start, e.end))])
                   for e in doc.entities if e.type in CHAIN_TYPES | AFFILIATION_TYPES | {"person"}),
                  key=lambda e: (e.start, e.end))
    found: list[Official] = []
    last_place: str | None = None
    doc_places: dict[str, set[str]] | None = None  # read once, and only when a body needs its place
    for k, ent in enumerate(ents):
        if ent.type == "government":
            last_place = _place_prefix(ent.text) or last_place  # 济南市商务局 → 济南市
        if ent.type != "person":
            continue
        chain = _chain_before(doc.text, ents, k)
        if not chain:
            head = _list_end(doc.text, ents, k, -1)
            if head is not None:  # the titles written before a list of names apply to each name
                chain = _chain_before(doc.text, ents, head)
        after = _chain_after(doc.text, ents, k)
        if not after:
            tail = _list_end(doc.text, ents, k, 1)
            after = _chain_after(doc.text, ents, tail) if tail is not None else []
        chain = chain + after + _title_right_after(doc.text, ents, k)
        places = [e.text for e in chain if e.type == "place"]
        if places:
            last_place = places[-1]
        titles, body = _titles_and_body(chain)
        level = _bare_level(body) if body else None
        if level:
            # 副市长郑川 later in a document about 邢台: the body is in the same city
            recent = last_place if chain and chain[0].type == "title" else None
            if doc_places is None:
                doc_places = _places_by_level(ents)
            body = _complete_body(body, level, recent, doc_places)
        zh = ent.text.strip()
        found.append(Official(romanize_name(zh), titles, zh=zh, organization=body,
                              mentions=[(ent.start, ent.end)]))
    return merge_officials(_group_by_name(found))


@lru_cache(maxsize=1)
def _division_names() -> dict[str, str]:
    """Admin-division code → full name (530000 → 云南省), from the place lexicon."""
    names: dict[str, str] = {}
    for name, label in default_lexicon().entries.get("place", {}).items():
        kind, code = place_division(label)
        if code and kind in ("province", "prefecture", "county"):
            names.setdefault(code, name)
    return names


def _division(name: str) -> tuple[str, str] | None:
    """(full name, code) of an admin division written in full or short form (云南 → 云南省)."""
    label = default_lexicon().label("place", name)
    code = place_division(label)[1] if label else ""
    full = _division_names().get(code)  # countries have no code
    return (full, code) if full else None


def _divisions_in(text: str) -> list[tuple[str, str]]:
    """The divisions a place is written with, left to right (云南省五华区 → 云南省, 五华区)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        m = default_lexicon().longest(text, i, "place")
        found = _division(text[i : m.end]) if m else None
        if found:
            out.append(found)
        i = m.end if m else i + 1
    return out


def _level_of(full: str) -> str:
    """The level word a body of this division is written with: 云南省 → 省, 北京市 and 义乌市 → 市."""
    if full.endswith("自治区"):
        return "自治区"  # 自治区党委, never 区委
    return full[-1]


def _places_by_level(ents: list[Entity]) -> dict[str, set[str]]:
    """The divisions a document names, by level word, with the province (and city) that the lower
    ones lie in: a release that names only 昆明 is about 云南省."""
    by_level: dict[str, set[str]] = {}
    codes: list[str] = []
    for e in ents:
        text = e.text if e.type == "place" else _place_prefix(e.text) if e.type == "government" else None
        for full, code in _divisions_in(text) if text else ():
            by_level.setdefault(_level_of(full), set()).add(full)
            codes.append(code)
    names = _division_names()
    for prefix_len, level in ((2, "省"), (4, "市")):
        # only divisions below the level imply one (云南 + 五华区 → the city 昆明市, not 云南省 too)
        parents = {names.get(parent) for code in codes
                   if division_contains(parent := code[:prefix_len].ljust(6, "0"), code)}
        parents.discard(None)
        if len(parents) == 1:
            parent = parents.pop()
            if _level_of(parent) == level:
                by_level.setdefault(level, set()).add(parent)
    return by_level


def _bare_level(body: str) -> str | None:
    """The level word a body is written with alone (市 in 市发展改革委, 省 in 省委), or None when the
    character belongs to the body's own name (市场监管局, 县域经济研究中心)."""
    level = next((w for w in BODY_LEVELS if body.startswith(w)), None)
    if level is None:
        return None
    rest = body[len(level) :]
    if rest.startswith("委") or default_lexicon().longest(rest, 0, "body") is not None:
        return level
    return None


def _complete_body(body: str, level: str, recent: str | None, doc_places: dict[str, set[str]]) -> str:
    """省委 → 云南省委, 市发展改革委 → 深圳市发展改革委: the place of the body's level, from the place a
    title chain before named (长沙 + 县委 → 长沙县委, but never 邢台 + 省委) or the one place of that
    level the document names; unchanged otherwise."""
    found = _division(recent if recent.endswith(level) else recent + level) if recent else None
    if found and _level_of(found[0]) == level:
        place = found[0]
    elif len(doc_places.get(level, ())) == 1:
        place = next(iter(doc_places[level]))
    else:
        return body
    return place + body[len(level):]


def _place_prefix(name: str) -> str | None:
    """The admin division a body's name begins with (济南市商务局 → 济南市), if any."""
    for m in default_lexicon().at(name, 0):
        if m.kind == "place" and place_division(m.label)[0] != "country" and m.end < len(name):
            return name[: m.end]
    return None


def _group_by_name(found: list[Official]) -> list[Official]:
    """One record per Chinese name before the shared merge, so that a long document with thousands
    of mentions of one person costs linear time."""
    grouped: dict[str, Official] = {}
    seen_titles: dict[str, set[str]] = {}
    for off in found:
        key = off.zh or off.name
        cur = grouped.get(key)
        if cur is None:
            grouped[key] = Official(off.name, list(off.titles), off.zh, off.organization, list(off.mentions))
            seen_titles[key] = set(off.titles)
            continue
        for t in off.titles:
            if t not in seen_titles[key]:
                seen_titles[key].add(t)
                cur.titles.append(t)
        cur.organization = cur.organization or off.organization
        cur.mentions.extend(off.mentions)
    return list(grouped.values())
