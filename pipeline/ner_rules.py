"""Rules for the register of Chinese government news: title chains, bodies, names after titles,
enterprise forms, places from the gazetteer.

Government news is formulaic: `邢台市委副书记、市长宋华英主持…`, `副市长郑川出席`, `市发改委主任…`,
`河北某某科技有限公司`. A general-news model misses much of it (CLUENER has few such sentences), while
the formula itself is reliable, so these rules recognise it from the lexicons in models/ and hand
their spans to `entities_zh`, which merges them with the model's. Each span carries the rule's name in
`source` so an analyst can tell where it came from.

Conventions follow corpora/README.md: a party rank keeps its committee word (`市委副书记` is one title),
an admin name before a title is a place (`邢台` + `市委副书记`), a body before a post is a separate
government entity (`市政府` + `秘书长`), an admin name before a body belongs to the body (`邢台市委`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Mapping, Sequence

from .ner_lexicon import LEVEL_CHARS, Lexicon, Match, default_lexicon, place_division

PUNCT = frozenset("，。、；：！？,.;:!?（）()《》〈〉“”\"'‘’【】[]｛｝{} \t\r\n\u3000—–-…·/|")
# Characters that may follow a 1-2 character given name but that never end one after a title, e.g.
# 郑川在 is 郑川 + 在. Keeping them out is what decides between a two- and a three-character name.
FUNCTION_CHARS = frozenset("在等和与及同到来率说为对向就是的也还将了并又均已于从被把让给跟、")
# Words that may directly follow a name in this register (verbs of attending, speaking, visiting).
AFTER_NAME = (
    "主持", "出席", "参加", "参观", "强调", "指出", "表示", "介绍", "会见", "会谈", "陪同", "调研",
    "讲话", "说", "在", "等", "同志", "到", "来", "率", "一行", "带队", "深入", "前往", "作", "做",
    "对", "就", "为", "向", "要求", "代表", "宣读", "部署", "是", "的", "也", "还", "和", "与", "及",
    "同", "听取", "察看", "检查", "督导", "看望", "慰问", "走访", "视察", "考察", "致辞", "召开", "提出",
    "分别", "先后", "一同", "共同", "实地", "现场", "详细", "认真", "任", "兼", "主讲", "通报", "传达",
    "带领", "会同", "签署", "见证", "宣布", "回答", "答", "接受", "担任", "发表", "围绕", "结合", "希望",
    "并", "赴", "将", "已", "于", "从", "被", "代", "作出", "批示", "解读", "点评", "总结", "出",
    "曾任", "历任", "现任", "兼任", "拟任", "提名为", "推荐为", "当选为", "当选", "辞去",
    "建议", "认为", "谈到", "发言", "汇报", "说明", "呼吁", "回顾", "透露", "提醒", "率领", "感谢",
)
# Words before the posts a name holds, held or will hold (…现任宜昌市商务局局长，拟提名为…县长候选人).
POST_LINKS = ("现任", "拟任", "曾任", "历任", "兼任", "担任", "拟提名为", "提名为", "拟推荐为", "推荐为",
              "当选为", "辞去")
# Titles that follow a name in running text (习近平总书记, 李强总理, 宋华英同志).
HEAD_TITLES = ("总书记", "主席", "总理", "副总理", "委员长", "书记", "省长", "市长", "县长", "区长")
DEMONSTRATIVES = frozenset("这那该此每各某些其本我你他她它们")
QUANTIFIER_CHARS = frozenset("这那该此每各某一二三四五六七八九十几多数个家些其本我你他她它们")
BRAND_STOP = FUNCTION_CHARS | QUANTIFIER_CHARS | frozenset("有仅只像")
LEGAL_FORM_AHEAD = re.compile(r"[^，。、；：！？,.;:!?\s]{0,10}?(有限公司|有限责任公司|股份公司|集团公司)")
# Names of minority or foreign people, written with a middle dot: 库尔班·买买提, 迈克尔·乔丹.
TRANSLITERATED_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}(?:[·•・‧][\u4e00-\u9fff]{1,8})+")
# jieba frequency above which a surname-initial word is a common word (项目, 文明, 安全), not a name;
# the most frequent names in jieba's dictionary stay below it (江泽民 2415, 高峰 1556).
COMMON_WORD_FREQ = 3000
# jieba frequency below which a word may be a proper name (贵安 0, 中关村 153; 野生 1768, 公共 4271)
RARE_WORD_FREQ = 500
TITLE_BLOCKERS = frozenset("会馆处团组队室所院部局厅")
# Appointment and election verbs are followed by a name: 任命区志豪为…, 免去赵振国的…职务.
# A cadre's profile starts 姓名，男，… in a personnel notice, 姓名简历：男，… in a discipline notice (the
# posts follow: pipeline/officials_zh.py).
PROFILE_START = re.compile(r"(?:同志)?(?:简历)?[，,：:（(][男女][，,]")
NAME_TRIGGERS = ("任命", "免去", "提名", "推选", "选举", "增补", "补选")
# A name followed by 为/任/担任 and a body or title is an appointee (，钱慧敏为济南市商务局局长).
APPOINTMENT_LINKS = ("担任", "当选为", "为", "任")
# Chief posts of the river/lake/forest chief systems are written with their level word (县总河长).
LEVEL_TITLES = ("总河长", "河长", "湖长", "林长", "总林长", "田长", "路长", "副总河长")
ZONE_NAME = re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:高新技术产业开发区|经济技术开发区|开发区|高新区|经开区|新区|"
                       r"自贸区|自由贸易港|综合保税区|保税区|产业园区|工业园区|园区|示范区|试验区)")
ZONE_WORD = re.compile(r"[区港]")  # every ZONE_NAME ends in one: texts without them skip the zone rules
ZONE_REACH = 6 + 9  # the farthest a ZONE_NAME's last character lies from its start, minus one
MEMBER_WORDS = ("委员", "代表", "常委")
STOP_BEFORE_ENTERPRISE = frozenset("的在与和及同对向由为是了等将把被从于跟让给、")
# Two-character verbs of this register that end a legal name's backward run: 走访 + …有限公司.
VERBS_BEFORE_ENTERPRISE = frozenset(w for w in AFTER_NAME if len(w) == 2) | {"来到", "走进"}
TOWN_LEVELS = ("街道", "镇", "乡")  # below the gazetteer's counties: 湖滨街道, 城关镇, 孜许乡
TOWN_NAME = re.compile(r"[\u4e00-\u9fff]{2}(?:" + "|".join(TOWN_LEVELS) + ")")
FOLLOW_WEAK_FORM = ("项目", "公司", "等", "在", "与", "和", "及", "的", "有限", "集团", "股份", "是",
                    "将", "已", "投资", "签约", "负责", "董事", "总经理", "副总", "党委", "相关")


def jieba_spans(text: str) -> list[tuple[int, int]]:
    """Word spans from rjieba (jieba's algorithm and dictionary, fast): the word boundaries the
    model's features and the rules fall back on when no segmenter ran."""
    import rjieba

    out, pos = [], 0
    for word in rjieba.cut(text):
        out.append((pos, pos + len(word)))
        pos += len(word)
    return out


@dataclass
class Span:
    """A typed span of the analysed text (norm_text offsets), as found by one rule or model."""

    start: int
    end: int
    type: str
    source: str
    score: float

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.type)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _common_words() -> dict[str, int]:
    """jieba's word frequencies: a brand before a strong enterprise form, or a two-character known
    enterprise, must not be a common word."""
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


class RuleTagger:
    """Finds register spans in one text.

    Places inside the register (邢台 + 市委副书记, 邢台市 + 人民政府) are always read from the
    gazetteer; `use_gazetteer` decides whether places standing alone are reported too."""

    def __init__(self, lexicon: Lexicon | None = None, *, use_gazetteer: bool = True,
                 use_enterprise: bool = True, known_enterprises: Mapping[str, str] | None = None) -> None:
        self.lex = lexicon or default_lexicon()
        self.use_gazetteer = use_gazetteer
        self.use_enterprise = use_enterprise
        self.known = dict(known_enterprises or {})  # Chinese form -> canonical English name
        self._known_max = max(map(len, self.known), default=0)
        # where a known form starts, found once per text (forms may overlap: a lookahead finds all)
        self._known_re = re.compile("(?=" + "|".join(map(re.escape, sorted(self.known, key=len, reverse=True)))
                                    + ")") if self.known else None
        self._known_starts: frozenset[int] = frozenset()
        self._zones_here = True
        self._busy: list[bool] = []
        self._fallback_starts: frozenset[int] | None = None
        self._indexed_text: str | None = None
        self._index: list[tuple[Match, ...]] = []
        self._token_of: list[tuple[int, int] | None] = []  # the token around each character

    # ------------------------------------------------------------------ atoms
    def _at(self, text: str, i: int) -> tuple[Match, ...] | Iterator[Match]:
        """Lexicon matches at i, from the per-text index while `__call__` runs on `text`."""
        if text is self._indexed_text:
            return self._index[i] if 0 <= i < len(self._index) else ()
        return self.lex.at(text, i)

    def _longest(self, text: str, i: int, kind: str) -> Match | None:
        for m in self._at(text, i):
            if m.kind == kind:
                return m
        return None

    def _title_at(self, text: str, i: int) -> int:
        """End of the title starting at i, 0 if none; a title word inside a longer noun does not
        count (委员 in 委员会, 大使 in 大使馆, 董事 in 董事会)."""
        if i >= len(text):
            return 0
        m = self._longest(text, i, "title")
        end = m.end if m else 0
        if text[i] in LEVEL_CHARS and text.startswith(LEVEL_TITLES, i + 1):
            end = max(end, i + 1 + max(len(t) for t in LEVEL_TITLES if text.startswith(t, i + 1)))
        if not end or (end < len(text) and text[end] in TITLE_BLOCKERS):
            return 0
        return end

    def _body_at(self, text: str, i: int) -> tuple[int, str]:
        if i >= len(text):
            return 0, ""
        m = self._longest(text, i, "body")
        return (m.end, m.label) if m else (0, "")

    def _starts_role(self, text: str, j: int) -> bool:
        """Whether a title or body (possibly after a level word) begins at j."""
        if j >= len(text):
            return False
        if self._title_at(text, j) or self._body_at(text, j)[0]:
            return True
        return text[j] in LEVEL_CHARS and bool(self._body_at(text, j + 1)[0] or self._title_at(text, j + 1))

    def _standalone_zone_at(self, text: str, i: int) -> int:
        """End of a named zone at i that stands alone (not before a title or body), 0 if none.

        Its name must be one or two whole words, each a place or a rare word (贵安, 海南, 中关村), so
        that 公共园区 or 加快贵安新区 are not taken; without word boundaries nothing is."""
        end = self._zone_at(text, i)
        if not end or not self._token_of:
            return 0
        m = ZONE_NAME.match(text, i)
        name_end = m.end(1)
        words, k = [], i
        while k < name_end:
            found = self._word_at(k)
            if found is None or found[0] != k or found[1] > name_end:
                return 0
            words.append(found)
            k = found[1]
        if len(words) > 2:
            return 0
        for ws, we in words:
            place = self._longest(text, ws, "place")
            if not (place is not None and place.end == we) and _common_words().get(text[ws:we], 0) >= RARE_WORD_FREQ:
                return 0
        return end

    def _word_at(self, i: int) -> tuple[int, int] | None:
        """The segmenter's word around character i while `__call__` runs with tokens, else None."""
        return self._token_of[i] if 0 <= i < len(self._token_of) else None

    def _begins_word(self, i: int) -> bool:
        found = self._word_at(i)
        return found is not None and found[0] == i

    def _town_before_role(self, text: str, j: int) -> int:
        """End of a town written after a division and before a title or body (点军区 + 土城乡 + 党委书记),
        else 0: the gazetteer stops at counties, and the division before and the role after show it
        is a place."""
        m = TOWN_NAME.match(text, j)
        if m is None or any(c in FUNCTION_CHARS for c in m.group(0)) or not self._starts_role(text, m.end()):
            return 0
        return m.end()

    def _town_before_title(self, text: str, j: int, t_end: int, floor: int, spans: list[Span]) -> int:
        """End of the level word of a title written with a town's level (街道党工委书记, 镇党委书记) when
        the town's two-character name stands before it (湖滨 + 街道…), else 0. The town is then a place
        and the rest the title, as CLUENER tags 孜许乡 + 书记; the gazetteer stops at counties, so the
        name is recognised by being a word of its own."""
        level = next((w for w in TOWN_LEVELS if text.startswith(w, j)), "")
        if not level or j - 2 < floor or (spans and spans[-1].end > j - 2 and spans[-1].type != "place") \
                or ("title", text[j + len(level) : t_end]) not in self.lex:
            return 0
        if not all(_is_cjk(c) and c not in FUNCTION_CHARS for c in text[j - 2 : j]):
            return 0
        word = self._word_at(j - 2)
        if word is None or word[0] != j - 2:
            return 0  # the name starts a word (湖滨, 城关), not inside one (全县 + 各镇)
        if word[1] != j + len(level) and not self._begins_word(j):
            return 0
        return j + len(level)

    def _straddles(self, start: int, end: int) -> bool:
        """Whether [start, end) begins inside a word and runs past its end (作协 in 合作 + 协议): then
        it is two halves of other words, not a word. A span inside one word or unit (副主任 in the unit
        常委会副主任) does not straddle."""
        found = self._word_at(start)
        return found is not None and found[0] < start and found[1] < end

    def _place_ok(self, text: str, start: int, end: int, level: str, tokens: Sequence[tuple[int, int]]
                  ) -> bool:
        """Short forms (阿里, 中山, 朝阳) are also parts of other words: keep them only when the
        segmentation does not put them inside a longer word, unless that word continues into a level
        word or a role (邢台市委)."""
        level = place_division(level)[0]
        if not (level.endswith("short") or level == "country") or not tokens:
            return True
        if text is self._indexed_text and self._token_of:
            found = self._token_of[start]
        else:
            found = next(((ts, te) for ts, te in tokens if ts <= start < te), None)
        if found is None:
            return True
        ts, te = found
        if ts < start:
            return False
        if te > end:
            return text[end] in LEVEL_CHARS or self._starts_role(text, end) or \
                self._longest(text, end, "place") is not None
        return True

    def _zone_at(self, text: str, i: int) -> int:
        """End of a development zone or park name at i (三江新区, 苏州工业园区), 0 if none. Such names
        are too many for a gazetteer; they are taken only where a clause or word begins."""
        if not self._zones_here and text is self._indexed_text:
            return 0
        if i > 0 and text[i - 1] not in PUNCT and text[i - 1] not in FUNCTION_CHARS \
                and not self._begins_word(i):
            return 0
        m = ZONE_NAME.match(text, i)
        if m is None or any(c in FUNCTION_CHARS or c in DEMONSTRATIVES for c in m.group(1)) \
                or m.group(1)[:2] in VERBS_BEFORE_ENTERPRISE \
                or (text[i] == "任" and self._longest(text, i + 1, "place")):  # 现任 / 任 + 宜昌高新区
            return 0
        return m.end()

    def _place_run(self, text: str, i: int, tokens: Sequence[tuple[int, int]]) -> int:
        """End of the place (or run of places: 河北省邢台市) at i, 0 if none. Among the lengths that
        match, one after which a title or body starts wins (邢台 + 市委副书记, not 邢台市 + 委…)."""
        ends = [(m.end, m.label) for m in self._at(text, i) if m.kind == "place"]
        if not ends:
            zone = self._zone_at(text, i)
            return zone if zone and self._starts_role(text, zone) else 0
        for end, level in list(ends):
            if end - i >= 3 and text[end - 1] in LEVEL_CHARS and self._starts_role(text, end - 1):
                ends.append((end - 1, level))
            if end + 1 < len(text) and text[end] in LEVEL_CHARS and text[end + 1] == text[end] \
                    and self._starts_role(text, end + 1):
                ends.insert(0, (end + 1, level))  # 昌吉 + 州 + 州党委书记, 延边 + 州 + 州长: first choice
        best = 0
        for end, level in ends:
            if not self._place_ok(text, i, end, level, tokens):
                continue
            run_end = self._place_run(text, end, tokens) or self._town_before_role(text, end) or end
            if self._starts_role(text, run_end):
                return run_end
            if not best:
                best = run_end
        return best

    # ------------------------------------------------------------------ names
    def name_after(self, text: str, i: int, known: set[str] | None = None) -> int:
        """End of a personal name starting at i (surname + 1-2 characters), 0 if there is none."""
        n = len(text)
        m = TRANSLITERATED_NAME.match(text, i)
        if m:
            # the last part is matched greedily (买买提陪同); end where the clearest boundary follows
            last_dot = max(text.rfind(d, i, m.end()) for d in "·•・‧")
            ends = range(last_dot + 2, m.end() + 1)
            for wanted in (2, 1):
                end = next((e for e in ends if self._boundary_after(text, e) >= wanted), 0)
                if end:
                    return end
        sur = 0
        for m in self._at(text, i):
            if m.kind == "surname":
                sur = m.end - i
                break
        if not sur or self._body_at(text, i)[0] or self._title_at(text, i):
            return 0
        if known:
            for length in (4, 3, 2):
                if text[i : i + length] in known:
                    return i + length
        best_end, best_strength = 0, 0
        for given in (2, 1):
            end = i + sur + given
            if end > n or not all(_is_cjk(c) for c in text[i + sur : end]):
                continue
            if text[end - 1] in FUNCTION_CHARS or self._title_at(text, i + sur) \
                    or any(self._body_at(text, k)[0] for k in range(i + 1, end)) \
                    or _common_words().get(text[i:end], 0) >= COMMON_WORD_FREQ \
                    or (given == 1 and text[i] in FUNCTION_CHARS):
                continue
            strength = self._boundary_after(text, end)
            # a longer name wins ties; a shorter one wins when a stronger boundary follows it
            # (李四 + 陪同, not 李四陪 + 同)
            if strength > best_strength:
                best_end, best_strength = end, strength
        return best_end

    def _boundary_after(self, text: str, j: int) -> int:
        """How clearly a name may end before j: 2 punctuation, a title or a two-character verb;
        1 a one-character word (在, 等); 0 not at all."""
        if j >= len(text) or text[j] in PUNCT or not _is_cjk(text[j]):
            return 2
        if self._title_at(text, j):
            return 2
        best = 0
        for word in AFTER_NAME:
            if text.startswith(word, j):
                best = max(best, 2 if len(word) > 1 else 1)
        return best

    # ------------------------------------------------------------------ enterprises
    def _known_enterprise_at(self, text: str, i: int, token_starts: frozenset[int]) -> tuple[int, int] | None:
        """(start, end) of a known enterprise (the glossary's Chinese forms) whose name starts at i.

        The name must start and end on word boundaries (通威 is not in 普通威胁). A two-character form
        that is also a dictionary word (美的, 联想, 小米) is left to the model, which reads the
        context. A registered form after the name is part of it (隆基绿能 + 科技股份有限公司), and so
        is the rest of a subsidiary's legal name (中储粮 + 哈尔滨直属库有限公司), so a legal name is
        not extended back over the verb before it (走访隆基绿能…); a legal name keeps the place
        written before it (河北 + 晶澳太阳能科技有限公司)."""
        if i not in self._known_starts:
            return None
        if not token_starts:  # no segmenter ran: jieba's words, once per text and only when needed
            if self._fallback_starts is None:
                self._fallback_starts = frozenset(s for s, _ in jieba_spans(text))
            token_starts = self._fallback_starts
        if i not in token_starts:
            return None
        for length in range(min(self._known_max, len(text) - i), 1, -1):
            end = i + length
            if text[i:end] not in self.known:
                continue
            if end < len(text) and end not in token_starts and self._longest(text, end, "form") is None:
                continue
            if length == 2 and _common_words().get(text[i:end], 0) > 0:
                return None
            legal = LEGAL_FORM_AHEAD.match(text, end, end + 16)
            if legal and not any(c in STOP_BEFORE_ENTERPRISE for c in text[end : legal.start(1)]):
                # a subsidiary's legal name: 中储粮 + 哈尔滨直属库有限公司
                return self._with_place_before(text, i), legal.end()
            chain_end, label = end, ""
            while (nxt := self._longest(text, chain_end, "form")) is not None:
                chain_end, label = nxt.end, nxt.label
            if label == "legal":
                return self._with_place_before(text, i), chain_end
            return i, chain_end if label == "strong" else end
        return None

    def _enterprise_at(self, text: str, i: int, floor: int, token_starts: frozenset[int] = frozenset()
                       ) -> tuple[int, int, float] | None:
        """An enterprise whose form starts at i: (start, end, score).

        After a legal form (…有限公司) the whole name before it back to a clause boundary is the
        enterprise's. Strong forms (…集团, …银行) also follow plain words (商业银行, 这家公司), so they
        need a brand: two characters that are not a dictionary word, possibly after a place. Weak
        forms (…科技, …网络) count only inside a legal name or after a known enterprise.
        """
        m = next((c for c in self._at(text, i) if c.kind == "form"), None)
        if m is None:
            return None
        end, label = m.end, m.label
        while True:  # …科技 + 有限公司, …集团 + 股份有限公司
            nxt = self._longest(text, end, "form")
            if nxt is None or nxt.label == "weak":
                break
            end, label = nxt.end, nxt.label
        if label == "legal":
            start, bracket = i, None
            while True:
                while start > floor and start > i - 20 and text[start - 1] not in PUNCT \
                        and text[start - 1] not in STOP_BEFORE_ENTERPRISE \
                        and (_is_cjk(text[start - 1]) or text[start - 1].isalnum()):
                    start -= 1
                opened = None if bracket is not None else self._bracketed_place_before(text, start, floor)
                if opened is None:
                    break
                start = bracket = opened
            name_end = i if bracket is None else bracket
            # A run does not reach back over the verb before the name (走访调研 + 信达生物制药…).
            for k in range(name_end - 2, start - 1, -1):
                if text[k : k + 2] in VERBS_BEFORE_ENTERPRISE:
                    start = k + 2
                    break
            # Inside a long run, begin at the first place name (今天河北晶澳… → 河北晶澳…), but not at
            # the bracketed place of a subsidiary, which belongs to the name (花旗银行（中国）有限公司).
            for k in range(start + 1, name_end - 1):
                place = self._longest(text, k, "place")
                if place is not None:
                    # not a place with only the legal form after it (国药控股 + 福建有限公司); a place
                    # with an industry word is a name (山东 + 能源集团有限公司)
                    if place.end < name_end or m.label == "weak":
                        start = k
                    break
            if name_end - start < 2 or text[start] in QUANTIFIER_CHARS:
                return None
            return start, end, 0.9
        if label == "weak":
            # 凯奕投资咨询管理有限公司: the legal form takes the whole name. Alone, an industry word
            # after an unknown two-character "brand" is mostly a plain phrase (算力网络, 研学旅游,
            # 规上纺织; CLUENER train: 13 companies in 50): known brands come from the glossary and
            # the rest is left to the model.
            return None
        start = i - 2
        if start < floor or not all(_is_cjk(c) for c in text[start:i]):
            return None
        brand = text[start:i]
        if _common_words().get(brand, 0) > 0 or any(c in BRAND_STOP for c in brand):
            return None
        if not (end >= len(text) or text[end] in PUNCT or text.startswith(FOLLOW_WEAK_FORM, end)
                or (end in token_starts and i in token_starts)):
            return None
        if start > floor and text[start - 1] not in PUNCT and text[start - 1] not in STOP_BEFORE_ENTERPRISE \
                and start not in token_starts:
            place = self._place_prefix_end(text, start)
            if place is None:
                return None
            start = place
        return start, end, 0.75

    def _bracketed_place_before(self, text: str, end: int, floor: int) -> int | None:
        """Where a bracketed place ending at `end` opens, if one does: a subsidiary's legal name
        carries its place in brackets (携程计算机技术（上海）有限公司, as CLUENER annotates it)."""
        if end - 1 <= floor or text[end - 1] not in "）)":
            return None
        opened = max(text.rfind("（", floor, end - 1), text.rfind("(", floor, end - 1))
        if opened < 0 or end - opened < 4:
            return None
        place = self._longest(text, opened + 1, "place")
        return opened if place is not None and place.end == end - 1 else None

    def _with_place_before(self, text: str, start: int) -> int:
        place = self._place_prefix_end(text, start)
        return start if place is None else place

    def _place_prefix_end(self, text: str, brand_start: int) -> int | None:
        """Start of a place written directly before a brand (河北 + 晶澳科技), if any."""
        for length in range(2, 8):
            s = brand_start - length
            if s < 0:
                break
            m = self._longest(text, s, "place")
            if m is not None and m.end == brand_start:
                return s
        return None

    # ------------------------------------------------------------------ main
    def __call__(self, text: str, tokens: Sequence[tuple[int, int]] = ()) -> list[Span]:
        self._indexed_text, self._index = text, self.lex.index(text)
        self._known_starts = frozenset(m.start() for m in self._known_re.finditer(text)) if self._known_re else frozenset()
        self._zones_here = ZONE_WORD.search(text) is not None
        self._busy = self._busy_positions(text)
        self._token_of = [None] * len(text) if tokens else []
        for ts, te in tokens:
            for k in range(ts, min(te, len(text))):
                self._token_of[k] = (ts, te)
        try:
            return self._tag(text, tokens)
        finally:
            self._indexed_text, self._index, self._token_of, self._busy = None, [], [], []
            self._fallback_starts, self._known_starts, self._zones_here = None, frozenset(), True

    def _busy_positions(self, text: str) -> list[bool]:
        """Where anything but a name after a trigger can start: a lexicon match other than a surname,
        a level word, a known enterprise, or a zone word close enough ahead. Why: most characters of
        a text start nothing, and the main loop skips them without asking every rule."""
        busy = [any(m.kind != "surname" for m in found) for found in self._index]
        for i, ch in enumerate(text):
            if ch in LEVEL_CHARS:
                busy[i] = True
        for i in self._known_starts:
            busy[i] = True
        if self._zones_here:
            for m in ZONE_WORD.finditer(text):
                for k in range(max(0, m.start() - ZONE_REACH), m.start()):
                    busy[k] = True
        return busy

    def _tag(self, text: str, tokens: Sequence[tuple[int, int]]) -> list[Span]:
        spans: list[Span] = []
        n = len(text)
        i = 0
        last_title_end = -1
        last_person_end = -1
        floor = 0
        known: set[str] = set()
        token_starts = frozenset(s for s, _ in tokens)
        in_chain, chain_pos = False, -1
        spans.extend(self.names_before_markers(text, token_starts))
        while i < n:
            if not _is_cjk(text[i]):
                i += 1
                continue
            # a name right after a title (chain) or after a name and 、
            if i == last_title_end or (last_person_end >= 0 and i == last_person_end + 1
                                       and text[i - 1] == "、") or text.endswith(NAME_TRIGGERS, 0, i):
                end = self.name_after(text, i, known)
                if end:
                    spans.append(Span(i, end, "person", "rule.name_after_title", 0.95))
                    known.add(text[i:end])
                    last_person_end = i = floor = end
                    continue
            if not self._busy[i]:
                i += 1
                continue
            if self.use_enterprise and self.known:
                known_span = self._known_enterprise_at(text, i, token_starts)
                if known_span is not None:
                    start, end = known_span
                    while spans and spans[-1].end > start:
                        spans.pop()
                    spans.append(Span(start, end, "enterprise", "rule.known_enterprise", 0.95))
                    i = floor = end
                    continue
            if self.use_enterprise:
                ent = self._enterprise_at(text, i, floor, token_starts)
                if ent is not None:
                    start, end, score = ent
                    # the enterprise absorbs what rules found inside it (a place, a body word)
                    while spans and spans[-1].end > start:
                        spans.pop()
                    spans.append(Span(start, end, "enterprise", "rule.enterprise_form", score))
                    i = floor = end
                    continue
            place_end = self._place_run(text, i, tokens)
            in_chain = in_chain and i == chain_pos
            j = place_end or i
            t_end = self._title_at(text, j)
            b_end, b_type = self._body_at(text, j)
            lb_end, lb_type = (0, "")
            if j < n and text[j] in LEVEL_CHARS:
                lb_end, lb_type = self._body_at(text, j + 1)
            elif text.startswith("自治区", j):  # 自治区 + 外事办公室
                lb_end, lb_type = self._body_at(text, j + 3)
            if t_end and not place_end:
                level_end = self._town_before_title(text, j, t_end, floor, spans)
                if level_end:  # 湖滨 + 街道党工委书记: the town's name and level word are the place
                    if spans and spans[-1].type == "place" and spans[-1].end == j - 2:
                        i = spans.pop().start  # 上城区 + 湖滨街道: adjacent divisions are one address
                    else:
                        i = j - 2
                    place_end = j = level_end
            if t_end and not place_end and (self._straddles(j, t_end) or text.startswith("制", t_end)):
                t_end = 0  # 区长 in 园区 + 长期; 河长 in 河长制 (the river-chief system), not a post
            if t_end and t_end >= max(b_end, lb_end):
                if place_end:
                    spans.append(Span(i, place_end, "place", "rule.place", 0.9))
                if not place_end and spans and spans[-1].type == "title" and spans[-1].end == j:
                    spans[-1].end = t_end  # 董事总经理, 党委书记兼总经理 written without 、 is one title
                else:
                    spans.append(Span(j, t_end, "title", "rule.title", 0.9))
                floor = j
                i = last_title_end = t_end
                # chain: 、 or 兼 before the next title (with its own place/body)
                if i < n and text[i] in "、兼" and self._chain_continues(text, i + 1, tokens):
                    i += 1
                    last_title_end = -1
                    in_chain, chain_pos = True, i
                continue
            body_end, body_type = (b_end, b_type) if b_end >= lb_end else (lb_end, lb_type)
            if body_end and not place_end and self._straddles(i, body_end):
                body_end = 0  # 作协 in 合作 + 协议
            if body_end:
                local = body_type.endswith("-local")
                # inside a title chain a bare generic body is the next title's (、管委会主任)
                if not local or place_end or (lb_end and body_end == lb_end) or in_chain:
                    end = self._extend_body(text, body_end)
                    member = next((w for w in MEMBER_WORDS if text.startswith(w, end)), "")
                    if member or (text.startswith("长", end) and text[end - 1] in "部局厅"):
                        # 财政部长, 全国政协委员, 市人大代表: the body and the word are one title
                        t_end = end + (len(member) or 1)
                        spans.append(Span(i, t_end, "title", "rule.title", 0.85))
                        i = last_title_end = floor = t_end
                        continue
                    spans.append(Span(i, end, body_type.removesuffix("-local"), "rule.body", 0.85))
                    i = floor = end
                    continue
            if self.use_gazetteer:
                zone = self._standalone_zone_at(text, i)
                if zone > place_end:  # a named zone alone is a place (贵安新区, 海南自由贸易港), as CLUENER tags it
                    spans.append(Span(i, zone, "place", "rule.zone", 0.8))
                    i = zone
                    continue
            if place_end:
                # Countries alone are left to the model: news names them as qualifiers (中国企业,
                # 美国方面) far more often than as places, and annotation leaves those untagged.
                if self.use_gazetteer and not self._is_country(text, i, place_end):
                    # no floor: an enterprise form further on may absorb the place (河北 + 晶澳…有限公司)
                    spans.append(Span(i, place_end, "place", "gazetteer", 0.8))
                i = place_end
                continue
            i += 1
        return spans

    def _is_country(self, text: str, start: int, end: int) -> bool:
        label = self.lex.label("place", text[start:end])
        return label is not None and label.startswith("country")

    def _extend_body(self, text: str, end: int) -> int:
        """Bodies written back to back are one (郑州市委 + 组织部, 北京市委 + 市政府), unless the next
        one begins a title (市委 + 书记 is 市委书记)."""
        n = len(text)
        while end < n:
            nb, _t = self._body_at(text, end)
            if not nb and text[end] in LEVEL_CHARS:
                nb, _t = self._body_at(text, end + 1)
            if not nb or self._title_at(text, end) >= nb:
                break
            end = nb
        return end

    def names_before_markers(self, text: str, token_starts: frozenset[int]) -> list[Span]:
        """Names written before 同志 or a head title: 王刚同志任…, 习近平总书记, 李强总理; at the start
        of a clause, before 为/任 + a role or before a cadre profile (解朝阳，男，汉族，…).

        The name must begin where the segmenter begins a word, which keeps 贯彻习近平 from
        yielding 彻习近 while needing no list of the verbs that precede names.
        """
        out: list[Span] = []
        for p, clause_start in self._marker_positions(text):
            for length in (4, 3, 2):
                if clause_start and p - length > 0 and text[p - length - 1] not in PUNCT:
                    continue
                s = p - length
                if s < 0 or (token_starts and s not in token_starts):
                    continue
                if s > 0 and _is_cjk(text[s - 1]) and not token_starts:
                    continue
                surname = self._longest(text, s, "surname")
                if surname is None or (length == 4 and surname.end - s != 2):  # 上官婉清: a compound surname
                    continue
                if not all(_is_cjk(c) for c in text[s:p]) or any(c in FUNCTION_CHARS for c in text[s:p]):
                    continue
                if self._longest(text, s, "place") or text[p - 1] in "副代常正总务" \
                        or text[s] in FUNCTION_CHARS or text[s] == "由" \
                        or _common_words().get(text[s:p], 0) >= COMMON_WORD_FREQ \
                        or any(self._body_at(text, k)[0] or self._title_at(text, k) for k in range(s, p)):
                    continue
                source = "rule.appointee" if clause_start else "rule.name_before_title"
                out.append(Span(s, p, "person", source, 0.85))
                break
        return out

    def _marker_positions(self, text: str) -> Iterator[tuple[int, bool]]:
        """Where a marker that follows a name starts, and whether the name must open a clause: 同志 and
        head titles anywhere; 为/任 before a role and a cadre profile (，男，…) only at a clause start."""
        for marker in ("同志",) + HEAD_TITLES + APPOINTMENT_LINKS:
            p = text.find(marker)
            while p >= 0:
                if marker not in APPOINTMENT_LINKS:
                    yield p, False
                elif self._starts_role_chain(text, p + len(marker)):
                    yield p, True
                p = text.find(marker, p + len(marker))
        for m in PROFILE_START.finditer(text):
            yield m.start(), True

    def _starts_role_chain(self, text: str, k: int) -> bool:
        """A place, body or title begins at k (济南市商务局局长, 渝北区人民政府副区长, 市长)."""
        return self._starts_role(text, k) or (self._place_run(text, k, ()) > 0 and
                                               self._starts_role(text, self._place_run(text, k, ())))

    def _chain_continues(self, text: str, k: int, tokens: Sequence[tuple[int, int]]) -> bool:
        """After 、: does another title follow (possibly after a place and/or a body)?"""
        k = self._place_run(text, k, tokens) or k
        for _ in range(2):
            if self._title_at(text, k):
                return True
            b, _t = self._body_at(text, k)
            if not b and k < len(text) and text[k] in LEVEL_CHARS:
                b, _t = self._body_at(text, k + 1)
            if not b:
                return False
            k = b
        return False
