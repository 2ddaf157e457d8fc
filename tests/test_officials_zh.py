"""Chinese officials: title chains before and after names, bodies, merging, romanization."""

from __future__ import annotations

import pytest

from pipeline.doc import Doc
from pipeline.entities_zh import ChineseEntityExtractor
from pipeline.officials_zh import link_officials


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
    assert offs["李明"].titles == ["秘书长"] and offs["李明"].organization == "市政府"
    zeng = offs["曾志刚"]
    assert zeng.name == "Zeng Zhigang" and zeng.titles == ["市委常委"]
    assert zeng.organization == "保定市委"


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
