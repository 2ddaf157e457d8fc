"""Chinese officials: title chains before and after names, bodies, merging, romanization."""

from __future__ import annotations

import pytest

from pipeline.doc import Doc
from pipeline.entities_zh import ChineseEntityExtractor
from pipeline.officials_zh import link_officials

from conftest import add_entities


@pytest.fixture(scope="module")
def stage() -> ChineseEntityExtractor:
    return ChineseEntityExtractor(use_model=False)


def officials(stage: ChineseEntityExtractor, text: str) -> dict[str, object]:
    doc = stage(Doc(text, lang="zh"))
    return {o.zh: o for o in link_officials(doc)}


def test_seed_chain(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "邢台市委副书记、市长宋华英主持会议。市委常委、秘书长张立军，副市长郑川出席。宋华英强调，要抓落实。")
    song = offs["宋华英"]
    assert song.name == "Song Huaying"
    assert song.titles == ["市委副书记", "市长"]
    assert song.organization == "邢台市委"
    assert len(song.mentions) == 2
    assert offs["张立军"].titles == ["市委常委", "秘书长"]
    assert offs["郑川"].titles == ["副市长"] and offs["郑川"].name == "Zheng Chuan"
    assert offs["郑川"].organization == "邢台市人民政府"


def test_body_before_post_and_appointment(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "市政府秘书长李明陪同。会议宣布，曾志刚同志任保定市委常委。")
    # the document names one city (保定), so the bare 市政府 is that city's
    assert offs["李明"].titles == ["秘书长"] and offs["李明"].organization == "保定市政府"
    zeng = offs["曾志刚"]
    assert zeng.name == "Zeng Zhigang" and zeng.titles == ["市委常委"]
    assert zeng.organization == "保定市委"


def test_bare_level_bodies_take_the_documents_place(stage: ChineseEntityExtractor) -> None:
    """省委 in a release about 昆明 is 云南省委 (the province the city lies in); 市发展改革委 in a
    release about 深圳 is 深圳市发展改革委; the chain's own place wins over the document's."""
    offs = officials(stage, "省委书记王宁在昆明调研。市发展改革委主任赵刚陪同。")
    assert offs["王宁"].organization == "云南省委"
    assert offs["赵刚"].organization == "昆明市发展改革委"
    offs = officials(stage, "邢台市委副书记宋华英出席。省委常委李强讲话。")
    assert offs["宋华英"].organization == "邢台市委"
    assert offs["李强"].organization == "河北省委"  # not 邢台省委: the levels differ
    offs = officials(stage, "云南省五华区召开会议。市委书记王宁讲话。")  # the district implies its city
    assert offs["王宁"].organization == "昆明市委"
    offs = officials(stage, "深圳市召开会议。市场监管局局长王宁、市市场监管局副局长李强出席。")
    assert offs["王宁"].organization == "市场监管局"  # 市 of 市场 is not a level word
    assert offs["李强"].organization == "深圳市市场监管局"


def test_bare_level_body_stays_bare_when_the_document_names_two(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "杭州、宁波两市代表出席。市委书记王宁讲话。")
    assert offs["王宁"].organization == "市委"


def test_enterprise_before_titles_is_the_affiliation(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "会见了中国华能集团有限公司董事长、党组书记温枢刚一行。")
    assert offs["温枢刚"].titles == ["董事长", "党组书记"]
    assert offs["温枢刚"].organization == "中国华能集团有限公司"


def test_person_without_title_is_not_an_official(stage: ChineseEntityExtractor) -> None:
    doc = stage(Doc("记者王小明报道，天气晴好。", lang="zh"))
    assert all(o.zh != "王小明" for o in link_officials(doc))


def test_titles_merge_across_mentions(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "市委书记张强出席。会后，市委书记、市人大常委会主任张强讲话。")
    assert offs["张强"].titles == ["市委书记", "主任"]
    assert len(offs["张强"].mentions) == 2


def test_titles_before_a_list_of_names_apply_to_each(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "区人大常委会副主任母德才、冷婷出席会议。")
    assert offs["母德才"].titles == ["副主任"] and offs["冷婷"].titles == ["副主任"]


def test_appointment_list(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "会议决定任命区志豪为济南市发展和改革委员会主任，钱慧敏为济南市商务局局长；"
                            "免去赵振国的济南市商务局局长职务。")
    assert offs["区志豪"].titles == ["主任"] and offs["区志豪"].name == "Ou Zhihao"
    assert offs["钱慧敏"].titles == ["局长"]
    assert offs["赵振国"].titles == ["局长"]


def test_head_title_after_name_and_zone_before_title(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "要深入贯彻习近平总书记重要讲话精神。市委常委、三江新区党工委书记庞宇参加。")
    assert offs["习近平"].titles == ["总书记"] and offs["习近平"].name == "Xi Jinping"
    assert offs["庞宇"].titles == ["市委常委", "党工委书记"]


def test_body_of_a_bare_title_comes_from_the_city_named_earlier(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "济南市商务局召开会议。副市长郝宁出席。")
    assert offs["郝宁"].organization == "济南市人民政府"


def test_traditional_script_release(stage: ChineseEntityExtractor) -> None:
    """Written in traditional characters: the same titles and body as in simplified text, and the
    mention still points at the name as written."""
    from pipeline.normalize import Normalizer

    text = "福建省委常委、廈門市委書記蕭文軒出席並致辭，市委副書記、市長鄧雅琪主持。"
    doc = stage(Normalizer()(Doc(text, lang="zh")))
    offs = {o.zh: o for o in link_officials(doc)}
    xiao, deng = offs["萧文轩"], offs["邓雅琪"]
    assert xiao.name == "Xiao Wenxuan" and xiao.titles == ["省委常委", "市委书记"]
    assert deng.titles == ["市委副书记", "市长"] and deng.organization == "厦门市委"
    assert [text[s:e] for s, e in xiao.mentions] == ["蕭文軒"]


def test_autonomous_region_party_committee(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "新疆维吾尔自治区党委书记马兴瑞出席。会议由自治区党委书记李明主持。")
    assert offs["马兴瑞"].organization == "新疆维吾尔自治区党委"
    assert offs["李明"].organization == "新疆维吾尔自治区党委"  # 自治区 alone: the region named before


def test_comma_between_two_titles_keeps_the_chain(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "省发展改革委党组成员、副主任，二级巡视员张明出席。市委常委、秘书长张立军，副市长郑川参加。")
    assert offs["张明"].titles == ["党组成员", "副主任", "二级巡视员"]
    assert offs["郑川"].titles == ["副市长"]  # a comma after a name still separates people


def test_a_place_before_a_title_without_a_body_is_the_organization(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "澳门特别行政区行政长官岑浩辉会见了喀什地委书记仲立恒。")
    assert offs["岑浩辉"].organization == "澳门特别行政区"
    assert offs["仲立恒"].organization == "喀什地委"


def test_a_title_written_with_its_body_gives_that_body(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "国务院副总理丁薛祥出席开幕式。仓前街道党工委书记陈丽君介绍情况。秘书长张立军主持。")
    assert offs["丁薛祥"].organization == "国务院"
    assert offs["陈丽君"].organization.endswith("街道党工委")
    assert offs["张立军"].organization is None  # 秘书 is not a body


def test_titles_after_a_name_and_a_former_post_verb(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "会议宣布：张立军任国资委主任。副市长王立新曾任国资委党委副书记、副主任。")
    assert offs["张立军"].titles == ["主任"]
    assert offs["王立新"].titles == ["副市长", "党委副书记", "副主任"]


def test_titles_after_a_name_may_be_led_by_a_company(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "宣读决定：副总经理王立新任山东能源集团有限公司党委书记、董事长；"
                            "免去副总经理谭国梁的山东能源集团有限公司董事长职务。")
    assert offs["王立新"].titles == ["副总经理", "党委书记", "董事长"]
    assert offs["谭国梁"].titles == ["副总经理", "董事长"]


def test_generic_role_words_make_no_official() -> None:
    text = "副市长郑川、市领导王立新出席。区有关负责人戚文斌参加。"
    doc = Doc(text, lang="zh")
    add_entities(doc, (("副市长", "title"), ("郑川", "person"), ("市领导", "title"), ("王立新", "person"),
                       ("有关负责人", "title"), ("戚文斌", "person")))
    assert {o.zh: o.titles for o in link_officials(doc)} == {"郑川": ["副市长"]}


def test_a_cadre_profile_gives_the_posts_after_its_link_words() -> None:
    text = ("区晓航，男，汉族，1978年6月出生，湖北秭归人，中共党员，现任宜昌市商务局党组书记、局长，"
            "拟提名为兴山县县长候选人。公示时间为5天。")
    doc = Doc(text, lang="zh")
    add_entities(doc, (("区晓航", "person"), ("湖北秭归", "place"), ("中共党员", "title"), ("宜昌市商务局", "government"),
                       ("党组书记", "title"), ("局长", "title"), ("兴山县", "place"), ("县长", "title")))
    [off] = link_officials(doc)
    assert (off.name, off.titles, off.organization) == ("Ou Xiaohang", ["党组书记", "局长", "县长"], "宜昌市商务局")


def test_a_discipline_notice_career_gives_every_post() -> None:
    text = ("白银市政协原副主席仇建国接受审查。仇建国简历：男，汉族，1966年8月出生，大学学历。1988年参加工作，"
            "历任平川区副区长、区长，白银市自然资源局局长，白银市政协副主席等职。")
    doc = Doc(text, lang="zh")
    add_entities(doc, (("白银市政协", "government"), ("副主席", "title"), ("仇建国", "person"), ("仇建国", "person", 1),
                       ("平川区", "place"), ("副区长", "title"), ("区长", "title", 1), ("白银市自然资源局", "government"),
                       ("局长", "title"), ("白银市政协", "government", 1), ("副主席", "title", 1)))
    [off] = link_officials(doc)
    assert off.titles == ["副主席", "副区长", "区长", "局长"]


def test_a_former_post_keeps_its_body(stage: ChineseEntityExtractor) -> None:
    offs = officials(stage, "据通报，县应急管理局原副局长邵红斌接受审查。")
    assert offs["邵红斌"].titles == ["副局长"] and offs["邵红斌"].organization == "县应急管理局"


@pytest.mark.parametrize("text, expected", [
    # a list of names before the link: the posts after it belong to each name
    ("全会选举张三峰、李四海为市委常委。", {"张三峰": ["市委常委"], "李四海": ["市委常委"]}),
    ("副市长王立新当选为市委副书记，刘芳、陈静当选为市委常委。",
     {"王立新": ["副市长", "市委副书记"], "陈静": ["市委常委"]}),  # the rules alone do not find 刘芳
    # a resignation: the post the name held
    ("会议决定接受副市长李明辉辞去副市长职务的请求。", {"李明辉": ["副市长"]}),
])
def test_election_and_resignation_formulas(stage: ChineseEntityExtractor, text: str, expected: dict) -> None:
    assert {zh: o.titles for zh, o in officials(stage, text).items()} == expected
