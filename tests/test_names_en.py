"""Romanized-name detection, in-document unification and repair from the Chinese source."""

from __future__ import annotations

from pipeline.doc import Doc
from pipeline.names_en import (
    canonical_name,
    find_names,
    given_name_distance,
    name_corrections,
    name_key,
    source_names,
)


def _fixes(text: str, source: str | None = None) -> list[tuple[str, str, str, float]]:
    doc = Doc(text, lang="en", source_text=source)
    return [(text[s:e], rep, rule, conf) for s, e, rep, rule, conf in name_corrections(doc)]


def test_detects_orders_cases_and_hyphens() -> None:
    text = "Mayor Wang Jianguo met LI Xiaohong, Xiao-hong Li and Hu-ying Song's team."
    found = {n.surface: n for n in find_names(text)}
    assert set(found) == {"Wang Jianguo", "LI Xiaohong", "Xiao-hong Li", "Hu-ying Song"}
    assert all(n.valid for n in found.values())
    assert found["Xiao-hong Li"].given_first
    assert found["LI Xiaohong"].canonical == "Li Xiaohong"
    assert found["Hu-ying Song"].canonical == "Song Huying"


def test_english_words_are_not_names() -> None:
    assert find_names("He said the Song Contest was held. Long live the city.") == [
        n for n in find_names("He said the Song Contest was held.") if not n.valid
    ]
    assert not [n for n in find_names("He said the Song Contest was held.") if n.valid]


def test_given_name_distance_counts_character_and_syllable_edits() -> None:
    assert given_name_distance("lihong", ("li", "hong")) == 0
    assert given_name_distance("lihng", ("li", "hong")) == 1  # one deletion
    assert given_name_distance("liam", ("li", "hong")) == 1  # li|am: one syllable replaced
    assert given_name_distance("xuam", ("li", "hong")) == 2
    assert given_name_distance("am", ("hong",)) == 2  # a one-syllable name has no syllable edit


def test_invalid_name_unified_with_the_only_valid_variant() -> None:
    text = "Mayor Gao Liam chaired the meeting. Gao Lihong stressed that work must go on."
    assert _fixes(text) == [("Gao Liam", "Gao Lihong", "name.unify", 0.75)]
    text = "Chen Minq spoke first. Then Chen Ming spoke."
    assert _fixes(text) == [("Chen Minq", "Chen Ming", "name.unify", 0.85)]


def test_unification_keeps_order_and_surname_case() -> None:
    text = "Lihong Gao visited. Liam Gao left."
    # Given-first garbles are not detected (the first word is no surname and not pinyin).
    assert _fixes(text) == []
    text = "GAO Liam visited; GAO Lihong left."
    assert _fixes(text) == [("GAO Liam", "GAO Lihong", "name.unify", 0.75)]


def test_no_unification_when_ambiguous_or_other_surname_or_valid() -> None:
    assert _fixes("Wang Lim met Wang Lin and Wang Li.") == []  # two valid candidates
    assert _fixes("Zhao Liam met Gao Lihong.") == []  # surnames differ
    assert _fixes("Chen Min met Chen Ming.") == []  # both valid pinyin: two people


def test_repair_from_source_names() -> None:
    source = "市长林晓东主持召开会议。林晓东指出，要抓好落实。"
    # Invalid pinyin near a source name: high confidence.
    assert _fixes("Mayor Lin Xiaodon presided.", source) == [
        ("Lin Xiaodon", "Lin Xiaodong", "name.source", 0.9)
    ]
    # Valid pinyin that the source contradicts: lower confidence.
    assert _fixes("Mayor Lin Xiaotong presided.", source) == [
        ("Lin Xiaotong", "Lin Xiaodong", "name.source", 0.75)
    ]
    assert _fixes("Mayor Lin Xiaodong presided.", source) == []


def test_source_names_need_context_to_repair() -> None:
    # 高效 is "gao xiao" but no title or person verb marks it as a name.
    names = {n.zh: n for n in source_names("要提高效率，林晓东同志指出。", False)}
    assert names["林晓东"].evidence
    assert not names["高效"].evidence
    assert _fixes("Gao Xiaq met them.", "要提高效率。") == []


def test_heteronyms_in_source_are_not_contradictions() -> None:
    source = "主任张长青指出，要抓好落实。"
    assert _fixes("Director Zhang Changqing said.", source) == []


def test_name_key_and_canonical_fold_variants() -> None:
    keys = {name_key(n) for n in ("Song Huying", "SONG Hu-ying", "Huying Song", "song huying")}
    assert len(keys) == 1
    assert canonical_name("SONG Hu-ying") == "Song Huying"
    assert canonical_name("Huying Song") == "Song Huying"
    assert canonical_name("Elon Musk") == "Elon Musk"


def test_literal_alias_and_misread_surnames() -> None:
    text = "The meeting appointed Solution Hongmei as director; Kwong Meishan and Ceng Qinghua spoke."
    # Without a source the word-translated surname and the listed misreading ("Ceng": 曾 is read Zeng
    # as a surname, and no surname is spelled Ceng) are repaired; a Cantonese spelling may be the
    # person's own (Hong Kong) name, and an unlisted reading ("Le" for 乐, itself read Le or Yue)
    # stays as written.
    assert _fixes(text) == [("Solution Hongmei", "Xie Hongmei", "name.surname", 0.7),
                            ("Ceng Qinghua", "Zeng Qinghua", "name.surname", 0.7)]
    assert _fixes("Deputy Mayor Le Qinghua and Director Jie Wenbin spoke.") == []
    assert {n.surface: n.canonical for n in find_names(text)} == {
        "Solution Hongmei": "Xie Hongmei", "Kwong Meishan": "Kuang Meishan", "Ceng Qinghua": "Zeng Qinghua"}
    source = "会议任命解红梅为主任；市长邝美珊和书记曾庆华讲话。"
    assert _fixes(text, source) == [
        ("Solution Hongmei", "Xie Hongmei", "name.surname", 0.9),
        ("Kwong Meishan", "Kuang Meishan", "name.surname", 0.9),
        ("Ceng Qinghua", "Zeng Qinghua", "name.surname", 0.9),
    ]
    # A literal word at a sentence start is the word, and the source can veto.
    assert _fixes("Solution Hongmei was adopted.") == []
    assert _fixes("They met Solution Hongmei.", "他们会见了王红梅。") == []
    # 单 written "Dan" is repaired from the source, and without one (no surname in use is spelled
    # Dan: 但 is "but"); 折 written "Zhe" is found in the source as a surname; Lu / Lyu are one
    # spelling of 吕.
    assert _fixes("Deputy Mayor Dan Lixin spoke.", "副市长单立新发言。") == [
        ("Dan Lixin", "Shan Lixin", "name.surname", 0.9)
    ]
    assert _fixes("Deputy Mayor Dan Lixin spoke.") == [("Dan Lixin", "Shan Lixin", "name.surname", 0.7)]
    assert _fixes("Director Zhe Zhigang reported.", "局长折志刚通报了情况。") == [
        ("Zhe Zhigang", "She Zhigang", "name.surname", 0.9)
    ]
    assert _fixes("Deputy Mayor Lu Ling spoke.", "副市长吕玲发言。") == []


def test_place_and_company_words_end_a_name_and_context_is_needed_to_respell() -> None:
    # "District Yingyang River" is a river in a district, "Jing Macao Technology" a company.
    assert [n.surface for n in find_names("the District Yingyang River and Jing Macao Technology")] == []
    source = "开州区映阳河水位上涨。"
    assert _fixes("The District Yingyang rose.", source) == []
    # A surname written by another reading of its character is left alone without a person context
    # (no source, or a source where 柏 is the first character of 柏林, Berlin) ...
    assert _fixes("The villager Bo Lixiang sang.") == []
    assert _fixes("Bo Lixiang sang.", "柏林合唱团演唱。") == []
    # ... and respelled when the source names the person: 柏 as a surname reads Bai.
    assert _fixes("The villager Bo Lixiang sang.", "邻村村民柏丽香演唱。") == [
        ("Bo Lixiang", "Bai Lixiang", "name.surname", 0.9)
    ]


def test_compound_surnames_written_as_two_words() -> None:
    text = "Deputy Mayor Europe Yang Hui met Ou Yang Ming and Zhang Qiang Zheng Chuan."
    found = {n.surface: n.canonical for n in find_names(text)}
    assert found == {"Europe Yang Hui": "Ouyang Hui", "Ou Yang Ming": "Ouyang Ming",
                     "Zhang Qiang": "Zhang Qiang", "Zheng Chuan": "Zheng Chuan"}
    assert _fixes(text) == [("Europe Yang Hui", "Ouyang Hui", "name.surname", 0.7),
                            ("Ou Yang Ming", "Ouyang Ming", "name.surname", 0.6)]


def test_a_place_before_a_surname_first_name_is_not_a_given_name() -> None:
    assert [n.surface for n in find_names("The Mayor of Shouguang Sun Haoran spoke.")] == ["Sun Haoran"]
    assert [n.canonical for n in find_names("Huying Song spoke.")] == ["Song Huying"]


def test_a_listed_misreading_alone_follows_the_repaired_full_name() -> None:
    text = "Academician Ceng Qihang visited. Academician Ceng said so."
    assert [f[1] for f in _fixes(text)] == ["Zeng Qihang", "Zeng"]
    assert _fixes("Academician Ceng said so.") == []


def test_a_three_syllable_given_name_after_half_a_compound_surname() -> None:
    assert _fixes("President Ou Yangminghui spoke.") == [("Ou Yangminghui", "Ouyang Minghui", "name.surname", 0.75)]
    assert _fixes("Director Ou Yangming and Si Mayi spoke.") == []  # two syllables: may be 欧扬明


def test_an_ethnic_name_after_a_literal_surname_is_not_a_given_name() -> None:
    # 围场满族蒙古族自治县 read "Surrounding Field Manchu and Mongolian Autonomous County": no Tian Manchu.
    assert _fixes("He went to Surrounding Field Manchu and Mongolian Autonomous County.") == []


def test_more_surnames_translated_as_words() -> None:
    assert [f[1] for f in _fixes("Vice Governor Those Yongguang and County Magistrate Plate Xiuying met.")] == [
        "Zhe Yongguang", "Pan Xiuying"]


def test_a_compound_surname_read_as_one_word_with_its_everyday_readings() -> None:
    assert [f[1] for f in _fixes("Secretary Wanqi Haitao and Director Weichi Ming spoke.")] == ["Moqi Haitao", "Yuchi Ming"]


def test_a_compound_surname_read_as_two_words_and_a_reading_pypinyin_lacks() -> None:
    assert [f[1] for f in _fixes("Wan Si Xiaodong, male, was born in 1979.")] == ["Moqi Xiaodong"]
    # 谌 is read Chen as a surname; MT writes "Shen", which the source settles.
    assert _fixes("Shen Jianhua, male, was born in 1976.", "谌建华，男，1976年3月生。") == [
        ("Shen Jianhua", "Chen Jianhua", "name.surname", 0.9)]
