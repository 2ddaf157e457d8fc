"""Chinese entity extraction stage: person, title, government, organization, enterprise, place.

Three knowledge sources, each switchable so their contributions can be measured
(scripts/eval_ner.py): a character model trained on CLUENER2020 (`ner_model`, source "model"), the
rules of the government register over the lexicons in models/ (`ner_rules`, source "rule.*"), and the
admin-division gazetteer (source "gazetteer"). `use_lexicon=False` removes the register lexicons
everywhere (rules, and the model's lexicon features by loading the model trained without them);
`use_rules=False` keeps the lexicon features but drops the rules.

Register rules win over the model where they overlap (they encode conventions the model only partly
learned from general news); the model wins over bare gazetteer look-ups (it sees context: 中山路 is
an address, 阿里巴巴 a company).
"""

from __future__ import annotations

import bisect
import re
from itertools import islice
from typing import Iterable, Iterator, Sequence

from .doc import Doc
from .glossary import load_glossary
from .ner_lexicon import Lexicon, division_contains, place_codes
from .ner_rules import FUNCTION_CHARS, POST_LINKS, RuleTagger, Span, jieba_spans
from .registry import Stage, register_stage
from .romanize import surname_readings

BRANCH_FORMS = frozenset({"分公司", "子公司", "分行", "支行", "分厂", "办事处"})

# Merge priority: lower wins an overlap.
_PRIORITY = {"rule": 0, "model": 1, "gazetteer": 2, "propagated": 3}


def _family(source: str) -> str:
    return source.split(".", 1)[0]


def merge_spans(groups: Iterable[Sequence[Span]]) -> list[Span]:
    """Greedy non-overlapping union: by source priority, then longer spans first."""
    cands = [s for g in groups for s in g]
    cands.sort(key=lambda s: (_PRIORITY.get(_family(s.source), 9), -(s.end - s.start), s.start))
    taken: list[Span] = []
    occupied: set[int] = set()
    for s in cands:
        if any(k in occupied for k in range(s.start, s.end)):
            continue
        taken.append(s)
        occupied.update(range(s.start, s.end))
    taken.sort(key=lambda s: (s.start, s.end))
    return taken


_INSTITUTIONS = frozenset({"government", "organization"})


_CLAUSE_CHARS = FUNCTION_CHARS | frozenset("经由据任")


def _holds_clause_words(prefix: str, type_: str) -> bool:
    """Whether `prefix`, which a model span adds before a register span of `type_`, holds words of the
    clause rather than of the name: a link word of appointments right before it (拟任 + 党委书记,
    现任 + 宜昌高新区管委会); before anything but a title, also a preposition (在, 据) anywhere, a
    one-character function word or link right before the name (经 + 县委, 万俟明轩任 + 山东能源集团有限
    公司), or a verb right before a body or place (宣布 + 省委). Titles take verbs and 主任 as
    modifiers (执行副总裁, 主任委员), and company and institution names hold verbs of their own (国药控股,
    中国国际贸易促进委员会); jieba's personal-name tag is no test, as it reads brands and places as
    names (华为, 比亚迪, 张家口)."""
    import rjieba

    if prefix.endswith(POST_LINKS):
        return True
    if type_ == "title":
        return False
    tagged = rjieba.tag(prefix)
    if not tagged:
        return False
    if any(tag.startswith("p") for _, tag in tagged):
        return True
    last, last_tag = tagged[-1]
    if len(last) == 1 and last in _CLAUSE_CHARS:
        return True
    return type_ in ("government", "place") and last_tag.startswith("v")


def defer_to_longer_model(text: str, rules: Sequence[Span], model: Sequence[Span]) -> list[Span]:
    """Drop a rule span that a model span of the same type strictly contains, unless another register
    span overlaps the model span, or the model span reaches back over a verb or a name before a body,
    company or place.

    The model sees modifiers the lexicon lacks (创意总监, 执行副总裁, 边春和 vs 边春), while a model span
    that swallows a register place (邢台市委副书记 as one title) must yield to the register split, and
    so must one that swallows the clause before a name (宣布 + 省委, 经 + 县委, 万俟明轩任 + 山东能源集团有限公司).
    Model spans never overlap each other, so the one that may contain a rule span is found by bisection.
    """
    model_sorted = sorted(model, key=lambda m: m.start)
    model_starts = [m.start for m in model_sorted]
    same_span_type = {(m.start, m.end): m.type for m in model}
    register = sorted((q for q in rules if q.source.startswith("rule")), key=lambda q: q.start)
    register_starts = [q.start for q in register]
    out: list[Span] = []
    for r in rules:
        model_type = same_span_type.get((r.start, r.end))
        if r.type in _INSTITUTIONS and model_type in _INSTITUTIONS and model_type != r.type:
            # 社科院: government or organization is a convention the model learned from annotation
            r = Span(r.start, r.end, model_type, r.source, r.score)
        k = bisect.bisect_right(model_starts, r.start) - 1
        if r.source.startswith("rule") and k >= 0:
            m = model_sorted[k]
            if m.type == r.type and m.end >= r.end and (m.start, m.end) != (r.start, r.end):
                lo = bisect.bisect_left(register_starts, m.start)
                hi = bisect.bisect_left(register_starts, m.end)
                if lo > 0 and register[lo - 1].end > m.start:
                    lo -= 1  # a register span may begin before the model span and reach into it (省妇联 + 主席)
                if not any(q is not r for q in register[lo:hi]) \
                        and not (r.type != "person" and m.start < r.start
                                 and _holds_clause_words(text[m.start : r.start], r.type)):
                    continue
        out.append(r)
    return out


# Forms of address that, after a bare surname, make a mention nobody can be looked up by (李先生).
_ADDRESS_FORMS = frozenset({"先生", "女士", "小姐", "太太", "夫人"})


def is_bare_address(surface: str) -> bool:
    """A surname with only a form of address or 某 (李先生, 王女士, 张某, 欧阳某某).

    CLUENER leaves these untagged (its train part: 92 of 96 surname + 先生/女士/小姐 mentions, all 45
    surname + 某), and an analyst cannot link them to anyone, so they are not persons here."""
    surnames = surname_readings()
    for sur in (surface[:2], surface[:1]):
        rest = surface[len(sur):]
        if sur in surnames and rest and (rest in _ADDRESS_FORMS or set(rest) == {"某"}):
            return True
    return False


# Words CLUENER tags as a position in their noun sense (本期主持房桂岭: this host), which right
# after a name are the verbs of a meeting report (市长邝美珊主持: the mayor presided).
_VERBS_AFTER_NAMES = frozenset({"主持"})


def drop_verbs_after_names(text: str, spans: list[Span]) -> list[Span]:
    """Spans without a "title" that is a register verb following a person's name directly."""
    person_ends = {s.end for s in spans if s.type == "person"}
    return [s for s in spans
            if not (s.type == "title" and s.start in person_ends and text[s.start : s.end] in _VERBS_AFTER_NAMES)]


# Names of institutions that are organizations whatever the model reads (仁怀市人民医院 looks like 人民政府
# to it); CLUENER train: 协会 87 organization / 7 government, 学院 27 / 1, 大学 29 / 0, 医院 2 / 0.
INSTITUTION_ENDINGS = ("医院", "大学", "学院", "学会", "商会", "协会", "中学", "小学")


def retype_institutions(text: str, spans: list[Span]) -> list[Span]:
    """A government span named as an institution (…医院, …大学, …协会) is an organization."""
    return [Span(s.start, s.end, "organization", s.source, s.score)
            if s.type == "government" and text.endswith(INSTITUTION_ENDINGS, s.start, s.end) else s
            for s in spans]


# One-character verbs and links that follow names (李明作报告, 汪德胜任组长, 张三在会上): a model name
# whose given part runs to three characters and ends in one of these has taken the verb.
_VERBS_AFTER_GIVEN = frozenset("作任为在说对向到是和与同就率将讲")


def trim_links_after_names(text: str, spans: list[Span]) -> list[Span]:
    """A person whose given name has three characters, the last a verb or link (汪德胜任 + 组长,
    查思远作 + 交流发言, 司马国栋作 + …), is the name and that verb: Han given names have one or two
    characters, so a compound or one-character surname plus three is the model reading on."""
    surnames = surname_readings()
    out = []
    for s in spans:
        name = text[s.start : s.end]
        if s.type == "person" and name[-1:] in _VERBS_AFTER_GIVEN:
            surname = 2 if name[:2] in surnames else 1 if name[:1] in surnames else 0
            if surname and len(name) - surname == 3:
                s = Span(s.start, s.end - 1, s.type, s.source, s.score)
        out.append(s)
    return out


# 人 begins these words after a place, which stays a place (香港人口, 上海人才, 广东人社厅, 全国人大).
_REN_WORDS = frozenset("民大口才员社力气士物们群家")


def is_demonym(text: str, span: Span) -> bool:
    """A place written before 人 names its people, not the place (香港人, 济南人): CLUENER leaves 42
    of 45 such mentions in its train part untagged."""
    end = span.end
    return (span.type == "place" and end < len(text) and text[end] == "人"
            and not (end + 1 < len(text) and text[end + 1] in _REN_WORDS))


def split_coordinated_places(text: str, spans: Sequence[Span], lex: Lexicon) -> list[Span]:
    """A place span that is two or more known places side by side, none containing the next, is that
    many places: datelines and lists write 北京上海, 成都绵阳 without a separator, and CLUENER tags
    each. A division followed by one inside it (北京市海淀区, 河北邢台) stays one address."""
    out: list[Span] = []
    for s in spans:
        parts = _place_parts(text, s.start, s.end, lex) if s.type == "place" and s.end - s.start >= 4 else None
        if parts and len(parts) >= 2 and not any(_contains_place(a, b) for a, b in zip(parts, parts[1:])):
            out.extend(Span(a, b, "place", s.source, s.score) for a, b, _code in parts)
        else:
            out.append(s)
    return out


def _place_parts(text: str, start: int, end: int, lex: Lexicon) -> list[tuple[int, int, str]] | None:
    """The fewest known places (2+ characters each) that exactly cover text[start:end], with their
    gazetteer labels, or None."""
    best: dict[int, list[tuple[int, int, str]]] = {start: []}
    for i in range(start, end):
        if i not in best:
            continue
        for m in lex.at(text, i):
            if m.kind != "place" or m.end > end or m.end - i < 2:
                continue
            path = best[i] + [(i, m.end, m.label)]
            if m.end not in best or len(path) < len(best[m.end]):
                best[m.end] = path
    return best.get(end)


def _contains_place(outer: tuple[int, int, str], inner: tuple[int, int, str]) -> bool:
    """Whether the second division may lie inside the first (四川 + 成都, 沈阳市 + 铁西区, whichever
    of the three 铁西区 is meant), by code; a country contains any division (中国 + 北京)."""
    a, b = place_codes(outer[2]), place_codes(inner[2])
    if not a:
        return bool(b)
    return any(division_contains(x, y) for x in a for y in b)


def propagate_names(text: str, spans: list[Span]) -> list[Span]:
    """Later mentions of a person found once (宋华英指出…) are persons too."""
    names = {text[s.start : s.end] for s in spans if s.type == "person" and s.end - s.start >= 2}
    if not names:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    return [Span(m.start(), m.end(), "person", "propagated", 0.8) for m in pattern.finditer(text)]


def _tokens_in_norm(doc: Doc) -> list[tuple[int, int]]:
    """Word boundaries for the rules in norm_text offsets: the domain units where the segmenter built
    them (a register title or body is one unit, as the rules were written for), else its tokens;
    rjieba when no segmenter ran (direct calls). Units and tokens tie on the bundled corpus (micro F1
    84.5 both; docs/results_cws.md), units keep the figures the rules were developed with."""
    spans = doc.units or doc.tokens
    if spans:
        return [doc.to_norm_span(s, e) for s, e in spans]
    return jieba_spans(doc.norm_text)


@register_stage("entities_zh")
class ChineseEntityExtractor(Stage):
    """Adds Chinese entities to `doc.entities` for `doc.lang == "zh"`; other documents pass through."""

    requires = ("norm_text", "lang", "tokens")
    provides = ("entities",)

    def __init__(
        self,
        *,
        use_model: bool = True,
        use_lexicon: bool = True,
        use_rules: bool = True,
        use_gazetteer: bool = True,
        glossary: Sequence[str] | None = None,
        min_score: float = 0.0,
        batch_size: int = 32,
    ) -> None:
        self.use_model = use_model
        self.use_lexicon = use_lexicon
        self.use_rules = use_rules and use_lexicon
        self.use_gazetteer = use_gazetteer
        self.min_score = min_score
        self.batch_size = batch_size
        # enterprises the glossary names (with user files: --glossary), found as rules, with their
        # official English name as `canonical`
        self._known = load_glossary(tuple(glossary or ())).zh_names("enterprise") if self.use_rules else {}
        self._rules = (RuleTagger(use_gazetteer=use_gazetteer, known_enterprises=self._known)
                       if (self.use_rules or use_gazetteer) else None)
        self._model = None
        if use_model:
            from .ner_model import load_default_model

            self._model = load_default_model(use_lexicon_features=use_lexicon)

    # ------------------------------------------------------------------ core on plain text
    def spans(self, text: str, tokens: Sequence[tuple[int, int]] = (),
              model_spans: Sequence[Span] | None = None) -> list[Span]:
        """Entity spans of one text (offsets into it), all sources merged."""
        groups: list[Sequence[Span]] = []
        if self._rules is not None:
            found = self._rules(text, tokens)
            if not self.use_rules:
                found = [s for s in found if s.source == "gazetteer"]
            groups.append(found)
        if model_spans is None and self._model is not None:
            model_spans = self._model.predict([text])[0]
        if model_spans:
            kept = [s for s in model_spans if s.score >= self.min_score]
            if self._rules is not None:
                kept = split_coordinated_places(text, kept, self._rules.lex)
            if groups:
                groups[0] = defer_to_longer_model(text, groups[0], kept)
            groups.append(kept)
        groups = [[s for s in g if not (s.type == "person" and is_bare_address(text[s.start : s.end]))
                   and not is_demonym(text, s)] for g in groups]
        merged = drop_verbs_after_names(text, merge_spans(groups))
        merged = retype_institutions(text, trim_links_after_names(text, merged))
        if self.use_rules and self._rules is not None:
            merged = self._continue_name_lists(text, merged)
        extra = propagate_names(text, merged)
        if not extra:
            return merged
        # A later mention of a name found whole replaces what the model made of it there: a part of
        # it (上官志诚 over 志诚), or another type (令狐建军 read as a body, 卫东 of 曾卫东 as a place).
        merged = [s for s in merged if not any(
            p.start <= s.start and s.end <= p.end and (p.start, p.end, p.type) != (s.start, s.end, s.type)
            and (s.type == "person" or _family(s.source) == "model") for p in extra)]
        return merge_spans([merged, extra])

    def _continue_name_lists(self, text: str, spans: list[Span]) -> list[Span]:
        """A name after a person and 、 is a person too (区领导戚文斌、栾晓雯、宁致远), whichever source
        found the first: the rules follow such lists from the names they find themselves, and this
        carries them on from the model's."""
        covered = {k for s in spans for k in range(s.start, s.end)}
        known = {text[s.start : s.end] for s in spans if s.type == "person"}
        added: list[Span] = []
        for s in list(spans):
            while s.type == "person" and s.end < len(text) - 1 and text[s.end] == "、" \
                    and s.end + 1 not in covered:
                end = self._rules.name_after(text, s.end + 1, known)
                if not end or any(k in covered for k in range(s.end + 1, end)):
                    break
                s = Span(s.end + 1, end, "person", "rule.name_in_list", 0.85)
                added.append(s)
                covered.update(range(s.start, s.end))
        return sorted(spans + added, key=lambda x: (x.start, x.end)) if added else spans

    def _apply(self, doc: Doc, spans: list[Span]) -> None:
        for s in spans:
            start, end = doc.to_text_span(s.start, s.end)
            surface = doc.text[start:end]
            canonical = self._enterprise_canonical(doc.norm_text[s.start : s.end]) if s.type == "enterprise" else None
            doc.add_entity(s.type, start, end, zh=surface, source=_family(s.source), score=s.score,
                           canonical=canonical)

    def _enterprise_canonical(self, name: str) -> str | None:
        """The official English name of a known enterprise, also under its legal name: 宁德时代 and
        宁德时代新能源科技股份有限公司 are both CATL. A name that goes on with anything but registered
        forms (中储粮哈尔滨直属库有限公司) or with a branch form (…分公司) is another company."""
        if name in self._known:
            return self._known[name]
        # known names exist only with the rules on, so self._rules is there when a brand is found
        brand = next((name[:k] for k in range(len(name) - 1, 1, -1) if name[:k] in self._known), None)
        if brand is None:
            return None
        i = len(brand)
        while i < len(name):
            form = self._rules.lex.longest(name, i, "form")
            if form is None or name[i : form.end] in BRANCH_FORMS:
                return None
            i = form.end
        return self._known[brand]

    # ------------------------------------------------------------------ stage API
    def __call__(self, doc: Doc) -> Doc:
        if doc.lang != "zh":
            return doc
        self._apply(doc, self.spans(doc.norm_text, _tokens_in_norm(doc)))
        return doc

    def pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        """Batches model inference over documents (one padded batch is much faster than many)."""
        stream = iter(docs)
        while batch := list(islice(stream, self.batch_size)):
            yield from self._run_batch(batch)

    def _run_batch(self, docs: list[Doc]) -> Iterator[Doc]:
        zh = [d for d in docs if d.lang == "zh"]
        predicted = self._model.predict([d.norm_text for d in zh]) if (self._model and zh) else []
        by_id = {id(d): p for d, p in zip(zh, predicted)}
        for doc in docs:
            if doc.lang == "zh":
                spans = self.spans(doc.norm_text, _tokens_in_norm(doc), by_id.get(id(doc), []))
                self._apply(doc, spans)
            yield doc
