"""Romanization of Chinese names: surname readings, compound surnames, variants, pinyin validity."""

import pytest

from pipeline.romanize import name_variants, romanize_name, split_name, split_pinyin


@pytest.mark.parametrize(
    "zh, expected",
    [
        ("宋华英", "Song Huaying"),
        ("郑川", "Zheng Chuan"),
        ("张立军", "Zhang Lijun"),
        ("习近平", "Xi Jinping"),
        # surnames whose common character reading differs from the surname reading
        ("曾国藩", "Zeng Guofan"),
        ("单雄信", "Shan Xiongxin"),
        ("解缙", "Xie Jin"),
        ("仇英", "Qiu Ying"),
        ("区永强", "Ou Yongqiang"),
        ("查良镛", "Zha Liangyong"),
        ("盖叫天", "Ge Jiaotian"),
        # compound surnames
        ("欧阳修", "Ouyang Xiu"),
        ("司马光", "Sima Guang"),
        ("诸葛亮", "Zhuge Liang"),
        ("尉迟恭", "Yuchi Gong"),
        ("吕布", "Lyu Bu"),
        # 都 is du in names, whatever pypinyin reads in the phrase (不都: "not all")
        ("买合木提·阿不都拉", "Maihemuti Abudula"),
        ("李都", "Li Du"),
    ],
)
def test_romanize_name(zh: str, expected: str) -> None:
    assert romanize_name(zh) == expected


def test_two_character_name_is_not_split_as_compound_surname() -> None:
    assert split_name("欧阳") == ("欧", "阳")
    assert split_name("欧阳娜娜") == ("欧阳", "娜娜")


def test_empty_and_foreign_names() -> None:
    assert romanize_name("  ") == ""
    assert romanize_name("迈克尔·乔丹") == "Maikeer Qiaodan"


def test_variants_cover_orders_and_u_umlaut() -> None:
    v = name_variants("宋华英")
    assert v[0] == "Song Huaying"
    assert {"Huaying Song", "Song Hua-ying", "SONG Huaying", "Song Hua Ying"} <= set(v)
    assert len(v) == len(set(v))
    assert {"Lü Bu", "Lu Bu", "Lv Bu"} <= set(name_variants("吕布"))


@pytest.mark.parametrize(
    "word, expected",
    [("Huaying", ["hua", "ying"]), ("xian", ["xian"]), ("Xi'an", ["xi", "an"]), ("Lyu", ["lyu"])],
)
def test_split_pinyin_valid(word: str, expected: list[str]) -> None:
    assert split_pinyin(word) == expected


@pytest.mark.parametrize("word", ["Huam", "Smith", "", "Dharma"])
def test_split_pinyin_rejects_non_pinyin(word: str) -> None:
    assert split_pinyin(word) is None
