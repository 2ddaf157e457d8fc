"""Chinese entity stage: register rules, gazetteer, merging, offsets through normalization."""

from __future__ import annotations

import pytest

from pipeline.doc import Correction, Doc
from pipeline.entities_zh import ChineseEntityExtractor, is_bare_address, merge_spans, split_coordinated_places
from pipeline.ner_model import DEFAULT_MODEL
from pipeline.ner_rules import RuleTagger, Span, jieba_spans
from pipeline.resources import MODELS_DIR

SEED_ZH = (
    "2月22日，邢台市委副书记、市长宋华英主持召开光伏新能源产业链发展推进会。"
    "市委常委、秘书长张立军，副市长郑川出席会议。宋华英指出，要深入学习贯彻习近平总书记重要论述。"
    "会后，宋华英一行前往晶澳科技、河北晶澳太阳能科技有限公司调研。"
)


@pytest.fixture(scope="module")
def rules_stage() -> ChineseEntityExtractor:
    return ChineseEntityExtractor(use_model=False)


def found(doc: Doc) -> set[tuple[str, str]]:
    return {(e.text, e.type) for e in doc.entities}


def test_title_chain_and_names(rules_stage: ChineseEntityExtractor) -> None:
    doc = rules_stage(Doc(SEED_ZH, lang="zh"))
    ents = found(doc)
    assert {("邢台", "place"), ("市委副书记", "title"), ("市长", "title"), ("宋华英", "person"),
            ("市委常委", "title"), ("秘书长", "title"), ("张立军", "person"), ("副市长", "title"),
            ("郑川", "person"), ("习近平", "person")} <= ents
    # a three-character name is not cut, a two-character one not extended into the verb
    assert ("宋华", "person") not in ents and ("郑川出", "person") not in ents


def test_repeated_mentions_are_found(rules_stage: ChineseEntityExtractor) -> None:
    doc = rules_stage(Doc(SEED_ZH, lang="zh"))
    assert sum(1 for e in doc.entities if e.text == "宋华英" and e.type == "person") == 3


def test_enterprises(rules_stage: ChineseEntityExtractor) -> None:
    ents = found(rules_stage(Doc(SEED_ZH, lang="zh")))
    assert ("晶澳科技", "enterprise") in ents
    assert ("河北晶澳太阳能科技有限公司", "enterprise") in ents
    # a weak form after a common word is not a company
    doc = rules_stage(Doc("要推动发展科技创新，加强科技。", lang="zh"))
    assert not [e for e in doc.entities if e.type == "enterprise"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("邢台市人民政府印发通知。", {("邢台市人民政府", "government")}),
        ("市发改委主任李明介绍情况。", {("市发改委", "government"), ("主任", "title"), ("李明", "person")}),
        ("石家庄市副市长王芳出席。", {("石家庄市", "place"), ("副市长", "title"), ("王芳", "person")}),
        ("威县应急管理局开展检查。", {("威县应急管理局", "government")}),
        ("河北大学的学生来到邢台。", {("河北大学", "organization"), ("邢台", "place")}),
    ],
)
def test_register_patterns(rules_stage: ChineseEntityExtractor, text: str, expected: set) -> None:
    assert expected <= found(rules_stage(Doc(text, lang="zh")))


def test_generic_body_word_needs_a_prefix(rules_stage: ChineseEntityExtractor) -> None:
    doc = rules_stage(Doc("人民政府要为人民服务。", lang="zh"))
    assert not [e for e in doc.entities if e.type == "government"]


def test_other_languages_untouched(rules_stage: ChineseEntityExtractor) -> None:
    doc = rules_stage(Doc("Deputy Mayor Zheng Chuan attended.", lang="en"))
    assert doc.entities == []


def test_offsets_point_into_original_text(rules_stage: ChineseEntityExtractor) -> None:
    text = "副市长  郑川出席。"
    doc = Doc(text, lang="zh")
    # normalization collapsed the double space
    doc.set_normalization([Correction(3, 5, "  ", "", "normalize.whitespace")])
    rules_stage(doc)
    person = [e for e in doc.entities if e.type == "person"]
    assert person and text[person[0].start : person[0].end] == "郑川" == person[0].text


def test_merge_prefers_rules_then_model_then_gazetteer() -> None:
    rule = [Span(0, 3, "title", "rule.title", 0.9)]
    model = [Span(0, 5, "organization", "model", 0.99), Span(6, 8, "person", "model", 0.9)]
    gaz = [Span(6, 8, "place", "gazetteer", 0.8), Span(10, 12, "place", "gazetteer", 0.8)]
    merged = merge_spans([gaz, model, rule])
    assert [(s.start, s.end, s.type) for s in merged] == [(0, 3, "title"), (6, 8, "person"),
                                                           (10, 12, "place")]


def test_a_body_begins_a_word(rules_stage: ChineseEntityExtractor) -> None:
    """A body or title that begins inside one word and ends in the next is two halves of other words
    (作协 in 合作 + 协议, 区长 in 园区 + 长期); 河长 before 制 names the river-chief system."""
    for text, expected in (("双方签订合作协议。", set()), ("市作协召开会议。", {("市作协", "organization")}),
                           ("为外资企业在园区长期发展提供服务。", set()),          # 区长 in 园区 + 长期
                           ("全面落实河长制、湖长制。", set()),                   # a system, not a post
                           ("市人大常委会副主任俞德明出席。", {("市人大常委会", "government"),
                                                            ("副主任", "title"), ("俞德明", "person")})):
        tokens = jieba_spans(text)
        assert {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, tokens)} == expected


@pytest.mark.parametrize("surface,bare", [("李先生", True), ("王女士", True), ("张某", True), ("李某某", True),
                                           ("司徒先生", True), ("马小姐", True), ("宋华英", False),
                                           ("先生", False), ("某某", False), ("黄先生好", False)])
def test_bare_forms_of_address(surface: str, bare: bool) -> None:
    assert is_bare_address(surface) is bare


@pytest.mark.parametrize("text,expected", [
    ("要加快贵安新区数据中心集群建设。", {("贵安新区", "place")}),
    ("召开海南自由贸易港建设推进会。", {("海南自由贸易港", "place")}),
    ("为公共园区和野生园区。", set()),  # not names: common words before the zone word
])
def test_named_zones_standing_alone_are_places(rules_stage: ChineseEntityExtractor, text: str,
                                               expected: set) -> None:
    got = {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, jieba_spans(text))}
    assert got == expected


@pytest.mark.parametrize("text,place,expected", [
    ("让很多济南人趋之若鹜。", "济南", set()),              # the people of Jinan
    ("香港人口持续增长。", "香港", {("香港", "place")}),     # Hong Kong's population
])
def test_demonyms_are_not_places(rules_stage: ChineseEntityExtractor, text: str, place: str,
                                 expected: set) -> None:
    start = text.index(place)
    model = [Span(start, start + len(place), "place", "model", 0.9)]
    assert {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, model_spans=model)} == expected


def test_name_lists_continue_from_model_names(rules_stage: ChineseEntityExtractor) -> None:
    """戚文斌、栾晓雯 found by the model: the name after the next 、 is a person too; a list of
    things is not a list of names."""
    text = "区领导戚文斌、栾晓雯、宁致远参加会议。"
    model = [Span(3, 6, "person", "model", 0.9), Span(7, 10, "person", "model", 0.9)]
    got = [(text[s.start : s.end], s.source) for s in rules_stage.spans(text, model_spans=model) if s.type == "person"]
    assert got == [("戚文斌", "model"), ("栾晓雯", "model"), ("宁致远", "rule.name_in_list")]
    text = "他喜欢苹果、香蕉、梨。"
    assert not rules_stage.spans(text, model_spans=[])


def test_bare_address_is_not_a_person_and_does_not_spread(rules_stage: ChineseEntityExtractor) -> None:
    """李先生 from any source is dropped (CLUENER's convention), so it is not propagated either."""
    text = "店长李先生告诉记者，李明也来了。"
    model = [Span(2, 5, "person", "model", 0.9), Span(10, 12, "person", "model", 0.9)]
    got = [(text[s.start : s.end], s.type) for s in rules_stage.spans(text, model_spans=model)]
    assert ("李先生", "person") not in got and ("李明", "person") in got


def test_presided_after_a_name_is_not_a_title(rules_stage: ChineseEntityExtractor) -> None:
    """邝美珊主持: the meeting-report verb; 本期主持房桂岭: a host, CLUENER's position."""
    verb = "市长邝美珊主持会议。"
    got = [(verb[s.start : s.end], s.type) for s in
           rules_stage.spans(verb, model_spans=[Span(2, 5, "person", "model", 0.9), Span(5, 7, "title", "model", 0.5)])]
    assert ("邝美珊", "person") in got and ("主持", "title") not in got
    noun = "本期主持房桂岭。"
    got = [(noun[s.start : s.end], s.type) for s in
           rules_stage.spans(noun, model_spans=[Span(2, 4, "title", "model", 0.5), Span(4, 7, "person", "model", 0.9)])]
    assert ("主持", "title") in got and ("房桂岭", "person") in got


@pytest.mark.parametrize("text,expected", [
    ("走访隆基绿能科技股份有限公司和西安。", {("隆基绿能科技股份有限公司", "enterprise")}),  # not 走访…
    ("合肥已集聚蔚来、比亚迪等企业。", {("蔚来", "enterprise"), ("比亚迪", "enterprise")}),
    ("中储粮哈尔滨直属库有限公司要发挥作用。", {("中储粮哈尔滨直属库有限公司", "enterprise")}),
    ("通威与天合光能签约。", {("通威", "enterprise"), ("天合光能", "enterprise")}),
    ("这是普通威胁。", set()),                       # 通威 across two words
    ("他的联想很丰富。", set()),                     # a two-character dictionary word: left to the model
    ("建设全国一体化算力网络国家枢纽。", set()),      # an industry word after an unknown "brand"
    ("深圳华熠新材料科技有限公司开工。", {("深圳华熠新材料科技有限公司", "enterprise")}),
    ("星展银行在上海。", {("星展银行", "enterprise")}),  # a strong form after a brand
])
def test_known_enterprises_from_the_glossary(rules_stage: ChineseEntityExtractor, text: str,
                                             expected: set) -> None:
    got = {(text[s.start : s.end], s.type) for s in rules_stage.spans(text) if s.type == "enterprise"}
    assert got == expected


def test_known_enterprise_carries_its_english_name(rules_stage: ChineseEntityExtractor) -> None:
    """The glossary's canonical name, so that 晶澳科技 in a Chinese record meets JA Solar in an English one."""
    doc = rules_stage(Doc("会后，宋华英一行前往晶澳科技调研。", lang="zh"))
    [ent] = [e for e in doc.entities if e.type == "enterprise"]
    assert (ent.text, ent.canonical) == ("晶澳科技", "JA Solar")


@pytest.mark.parametrize("text,expected", [
    # a subsidiary's place in brackets belongs to its legal name, as CLUENER annotates it
    ("昨日，花旗银行（中国）有限公司宣布降息。", {"花旗银行（中国）有限公司"}),
    ("携程计算机技术（上海）有限公司发布公告。", {"携程计算机技术（上海）有限公司"}),
    # the name's backward run stops at the verb before it
    ("市领导走访调研信达生物制药（苏州）有限公司。", {"信达生物制药（苏州）有限公司"}),
    ("代表团考察深圳华熠新材料科技有限公司。", {"深圳华熠新材料科技有限公司"}),
    # a place inside the run starts the name, unless only the legal form follows it
    ("宣读决定：万俟明轩任山东能源集团有限公司董事长。", {"山东能源集团有限公司"}),
    ("会上，国药控股福建有限公司作发言。", {"国药控股福建有限公司"}),
    # a bracket with no name before it, or with no place inside, is not taken
    ("本次会议由（北京）有限公司承办。", set()),
    ("星光（智能）有限公司开业。", set()),
])
def test_legal_names_with_a_bracketed_place(rules_stage: ChineseEntityExtractor, text: str, expected: set) -> None:
    rules = rules_stage._rules
    got = {text[s.start : s.end] for s in rules(text) if s.type == "enterprise"}
    assert got == expected


@pytest.mark.parametrize("name, canonical", [
    ("宁德时代新能源科技股份有限公司", "CATL"),  # brand + registered forms: the same company
    ("中储粮哈尔滨直属库有限公司", None),  # a subsidiary's own name
])
def test_legal_name_of_a_known_enterprise_carries_its_english_name(
        rules_stage: ChineseEntityExtractor, name: str, canonical: str | None) -> None:
    doc = rules_stage(Doc(f"{name}与市政府签约。", lang="zh"))
    [ent] = [e for e in doc.entities if e.type == "enterprise"]
    assert (ent.text, ent.canonical) == (name, canonical)


def test_short_place_inside_a_word_is_not_a_place() -> None:
    text = "阿里巴巴集团在杭州。"
    tokens = [(0, 4), (4, 6), (6, 7), (7, 9), (9, 10)]
    spans = {(text[s.start : s.end], s.type) for s in RuleTagger()(text, tokens)}
    assert ("阿里", "place") not in spans and ("杭州", "place") in spans


def test_rule_defers_to_longer_model_span_of_same_type() -> None:
    from pipeline.entities_zh import defer_to_longer_model

    rules = [Span(2, 4, "title", "rule.title", 0.9),  # 总监 inside the model's 创意总监
             Span(10, 12, "place", "rule.place", 0.9), Span(12, 17, "title", "rule.title", 0.9)]
    model = [Span(0, 4, "title", "model", 0.9), Span(10, 17, "title", "model", 0.9)]
    kept = defer_to_longer_model("创意总监，公司的邢台市委副书记", rules, model)
    # the register split (place + title) stands against a model span that swallows the place
    assert [(s.start, s.end) for s in kept] == [(10, 12), (12, 17)]


@pytest.mark.parametrize("text, rule, model, kept", [
    ("会议宣布省委决定。", (4, 6, "government"), (2, 6, "government"), True),  # a verb before the body
    ("万俟明轩任山东能源集团有限公司董事长。", (5, 15, "enterprise"), (0, 15, "enterprise"), True),  # a name + 任
    ("中共中央纪委召开全会。", (4, 6, "government"), (0, 6, "government"), False),  # a longer body
    ("他是执行副总裁。", (4, 7, "title"), (2, 7, "title"), False),  # 执行 is a verb, but titles take modifiers
    ("经县委研究决定。", (1, 3, "government"), (0, 3, "government"), True),  # a one-character link word
    ("先后走访华为技术有限公司。", (6, 12, "enterprise"), (4, 12, "enterprise"), False),  # a brand jieba calls a name
    ("现任总经理，拟任党委书记。", (8, 12, "title"), (6, 12, "title"), True),  # an appointment link word
    ("任主任委员。", (3, 5, "title"), (1, 5, "title"), False),  # 主任 ends in 任 but is part of the title
])
def test_a_model_span_reaching_back_over_a_clause_does_not_replace_a_register_span(
        text: str, rule: tuple, model: tuple, kept: bool) -> None:
    from pipeline.entities_zh import defer_to_longer_model

    r = Span(*rule, "rule.body", 0.9)
    assert (defer_to_longer_model(text, [r], [Span(*model, "model", 0.5)]) == [r]) is kept


@pytest.mark.parametrize(
    "text, expected",
    [
        ("郑州市委组织部召开会议。", {("郑州市委组织部", "government")}),
        ("财政部长李明表示，", {("财政部长", "title"), ("李明", "person")}),
        ("全国政协委员王芳说，", {("全国政协委员", "title"), ("王芳", "person")}),
        ("行署副专员库尔班·买买提陪同。", {("库尔班·买买提", "person")}),
        ("雄安新区党工委副书记、管委会主任简一鸣出席。", {("管委会", "government"), ("简一鸣", "person")}),
        ("邯郸经济技术开发区管委会主要负责同志参加。", {("邯郸经济技术开发区管委会", "government")}),
    ],
)
def test_more_register_patterns(rules_stage: ChineseEntityExtractor, text: str, expected: set) -> None:
    assert expected <= found(rules_stage(Doc(text, lang="zh")))


def test_lexicon_index_agrees_with_matching_at_each_position() -> None:
    from pipeline.ner_lexicon import default_lexicon

    lex = default_lexicon()
    text = "邢台市委副书记、市长宋华英在威县调研河北晶澳太阳能科技有限公司"
    index = lex.index(text)
    assert len(index) == len(text)
    for i in range(len(text)):
        assert list(index[i]) == list(lex.at(text, i))
    assert [m for ms in index for m in ms] == lex.all_matches(text)


@pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).exists(), reason="bundled NER weights not built")
def test_pipe_equals_per_document_calls() -> None:
    stage = ChineseEntityExtractor(batch_size=2)
    texts = [(SEED_ZH, "zh"), ("Deputy Mayor Zheng Chuan attended.", "en"), ("副市长郑川在威县调研。", "zh")]
    one = [stage(Doc(t, lang=lang)) for t, lang in texts]
    batched = list(stage.pipe(Doc(t, lang=lang) for t, lang in texts))
    assert [[(e.start, e.end, e.type, e.source) for e in d.entities] for d in one] == \
        [[(e.start, e.end, e.type, e.source) for e in d.entities] for d in batched]
    assert any(e.source == "model" for e in one[0].entities)


def test_user_glossary_enterprises_reach_the_chinese_stage(tmp_path) -> None:
    """An enterprise in a user glossary (--glossary) is found in Chinese text with its English name."""
    import pipeline

    user = tmp_path / "mine.tsv"
    user.write_text("星河储能|星河储能科技\tXinghe Energy Storage\tenterprise\tStar River Energy Storage\n",
                    encoding="utf-8")
    nlp = pipeline.load(entities_zh={"glossary": [str(user)], "use_model": False})
    record = nlp.to_record(nlp({"id": "x", "text": "会上，星河储能科技有限公司与县政府签约。"}))
    ents = [(e["text"], e["canonical"]) for e in record["entities"] if e["type"] == "enterprise"]
    # the legal name (known form + registered forms) is the same company
    assert ents == [("星河储能科技有限公司", "Xinghe Energy Storage")]
    record = nlp.to_record(nlp({"id": "y", "text": "会上，星河储能与县政府签约。"}))
    ents = [(e["text"], e["canonical"]) for e in record["entities"] if e["type"] == "enterprise"]
    assert ents == [("星河储能", "Xinghe Energy Storage")]


@pytest.mark.parametrize("text, parts", [
    ("北京上海", ["北京", "上海"]),  # two provinces side by side (a dateline)
    ("成都四川", ["成都", "四川"]),  # a city before a province is not an address
    ("伊拉克阿富汗", ["伊拉克", "阿富汗"]),
    ("北京市海淀区", ["北京市海淀区"]),  # a division then one inside it: one address
    ("中国北京", ["中国北京"]),
    ("浦东新区碧云", ["浦东新区碧云"]),  # not all known places: left to the model
    ("沈阳市铁西区", ["沈阳市铁西区"]),  # 铁西区 is in 鞍山 and 四平 too: any of them inside 沈阳 counts
    ("南京市鼓楼区", ["南京市鼓楼区"]),
    ("福州朝阳区", ["福州", "朝阳区"]),  # no 朝阳区 lies in 福州
])
def test_coordinated_places_are_split(text: str, parts: list[str]) -> None:
    from pipeline.ner_lexicon import default_lexicon

    spans = split_coordinated_places(text, [Span(0, len(text), "place", "model", 0.9)], default_lexicon())
    assert [text[s.start : s.end] for s in spans] == parts


def test_a_later_mention_of_a_name_found_whole_replaces_a_part_of_it(rules_stage: ChineseEntityExtractor) -> None:
    text = "市委书记上官志诚会见客人。上官志诚表示，欢迎。"
    second = text.index("志诚", 10)
    spans = rules_stage.spans(text, model_spans=[Span(second, second + 2, "person", "model", 0.5)])
    assert [text[s.start : s.end] for s in spans if s.type == "person"] == ["上官志诚", "上官志诚"]


@pytest.mark.parametrize("text, expected", [
    # a town's own name before a title written with the town's level: place + title, as CLUENER tags 孜许乡 + 书记
    ("湖滨街道党工委书记尉迟文静介绍。", {("湖滨街道", "place"), ("党工委书记", "title")}),
    ("城关镇党委书记李娜陪同。", {("城关镇", "place"), ("党委书记", "title")}),
    ("杭州市上城区湖滨街道党工委书记尉迟文静介绍。", {("杭州市上城区湖滨街道", "place"), ("党工委书记", "title")}),
    ("全县各镇党委书记参加会议。", {("党委书记", "title")}),  # 各 is no town
    # a town after a division and before a role joins the division's place, whatever the segmenter did
    ("曾任点军区土城乡党委书记。", {("点军区土城乡", "place"), ("党委书记", "title")}),
])
def test_town_before_a_town_level_title(text: str, expected: set) -> None:
    spans = RuleTagger()(text, jieba_spans(text))
    assert {(text[s.start : s.end], s.type) for s in spans if s.type in ("place", "title")} == expected


def test_a_model_span_cut_through_by_a_register_span_does_not_replace_the_body(rules_stage) -> None:
    text = "万俟明轩曾任山东省国资委党委副书记、副主任。"
    body = text.index("山东省国资委")
    model = [Span(body, body + 8, "government", "model", 0.5), Span(body + 8, body + 11, "title", "model", 0.5)]
    spans = {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, model_spans=model)}
    assert {("山东省国资委", "government"), ("党委副书记", "title")} <= spans


def test_a_name_does_not_take_the_appointment_verb_before_a_title(rules_stage: ChineseEntityExtractor) -> None:
    text = "成立由县应急管理局局长汪德胜任组长的调查组。"
    name = text.index("汪德胜")
    model = [Span(name, name + 4, "person", "model", 0.5), Span(name + 4, name + 6, "title", "model", 0.5)]
    spans = {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, model_spans=model)}
    assert ("汪德胜", "person") in spans and ("组长", "title") in spans


def test_a_name_found_once_overrides_another_type_the_model_gave_a_later_mention(
        rules_stage: ChineseEntityExtractor) -> None:
    text = "县委书记令狐建军主持。令狐建军强调，要抓落实。市委书记曾卫东出席。曾卫东表示欢迎。"
    later = text.index("令狐建军", 10)
    wei = text.index("卫东", text.index("出席"))
    model = [Span(later, later + 4, "government", "model", 0.5), Span(wei, wei + 2, "place", "model", 0.5)]
    persons = [text[s.start : s.end] for s in rules_stage.spans(text, model_spans=model) if s.type == "person"]
    assert persons == ["令狐建军", "令狐建军", "曾卫东", "曾卫东"]


def test_a_cadre_profile_marks_its_name(rules_stage: ChineseEntityExtractor) -> None:
    text = "公示如下：解朝阳，男，汉族，1980年9月出生，现任宜昌高新区管委会副主任。"
    spans = {(text[s.start : s.end], s.type) for s in RuleTagger()(text, jieba_spans(text))}
    assert ("解朝阳", "person") in spans and ("宜昌高新区管委会", "government") in spans


def test_a_body_written_with_the_autonomous_region_level() -> None:
    text = "自治区外事办公室主任李明出席。"
    spans = {(text[s.start : s.end], s.type) for s in RuleTagger()(text, jieba_spans(text))}
    assert ("自治区外事办公室", "government") in spans


def test_gazetteer_knows_long_county_short_forms_only() -> None:
    """霍尔果斯市 → 霍尔果斯 and 张家港市 → 张家港 are places; two-character county short forms are
    not (安新 in 保安新区, 和安 in 和安全), and one place name several counties share keeps every code."""
    from pipeline.ner_lexicon import default_lexicon, place_codes

    lex = default_lexicon()
    assert lex.label("place", "霍尔果斯").startswith("county-short")
    assert ("place", "张家港") in lex and ("place", "和安") not in lex and ("place", "安新") not in lex
    assert len(place_codes(lex.label("place", "铁西区"))) == 3


def test_institutions_are_organizations_whatever_the_model_reads(rules_stage: ChineseEntityExtractor) -> None:
    text = "仁怀市人民医院与遵义医科大学签约。"
    model = [Span(0, 7, "government", "model", 0.5), Span(8, 14, "government", "model", 0.5)]
    spans = {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, model_spans=model)}
    assert spans >= {("仁怀市人民医院", "organization"), ("遵义医科大学", "organization")}


def test_a_prefecture_written_with_its_level_before_a_title_with_that_level() -> None:
    for text, place, title in (("昌吉州州党委书记单立国讲话。", "昌吉州", "州党委书记"), ("延边州州长李明出席。", "延边州", "州长")):
        spans = {(text[s.start : s.end], s.type) for s in RuleTagger()(text, jieba_spans(text))}
        assert {(place, "place"), (title, "title")} <= spans


def test_a_register_span_reaching_into_a_model_span_keeps_the_rule_title(rules_stage: ChineseEntityExtractor) -> None:
    text = "王强当选为省妇联主席。"
    model = [Span(6, 10, "title", "model", 0.5)]  # 妇联主席: the model cut the body 省妇联
    spans = {(text[s.start : s.end], s.type) for s in rules_stage.spans(text, model_spans=model)}
    assert {("省妇联", "organization"), ("主席", "title")} <= spans


@pytest.mark.parametrize("text, expected", [
    ("任命曾凡宇为市政府办公室副主任，上官婉清为市商务局副局长。", ("上官婉清", "person")),  # a compound surname
    ("县委常委会会议召开。", ("县委常委会", "government")),  # the body, not the rank 县委常委 + 会
    ("总经理缪佳慧建议压缩执行周期。", ("缪佳慧", "person")),  # 建议 after a name
])
def test_register_names_and_bodies_found_by_the_rules(text: str, expected: tuple) -> None:
    spans = {(text[s.start : s.end], s.type) for s in RuleTagger()(text, jieba_spans(text))}
    assert expected in spans


def test_a_model_name_that_runs_into_a_verb_is_trimmed(rules_stage: ChineseEntityExtractor) -> None:
    text = "山西焦煤集团董事长司马国栋作交流发言。"
    name = text.index("司马")
    spans = rules_stage.spans(text, model_spans=[Span(name, name + 5, "person", "model", 0.5)])
    assert "司马国栋" in {text[s.start : s.end] for s in spans if s.type == "person"}
