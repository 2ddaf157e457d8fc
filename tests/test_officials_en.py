"""Linking English titles to names: chains before the name, appositives after it, merging."""

from __future__ import annotations

import pytest

from pipeline.doc import Doc
from pipeline.entities_en import EnglishEntityExtractor
from pipeline.names_en import name_corrections
from pipeline.officials_en import link_officials

from conftest import add_entities


def _officials(text: str) -> list[tuple[str, list[str], str | None]]:
    doc = Doc(text, lang="en")
    for s, e, rep, rule, conf in name_corrections(doc, use_zh_stage=False):
        doc.add_correction(s, e, rep, rule, conf)
    EnglishEntityExtractor(use_model=False, use_glossary=False)(doc)
    return [(o.name, o.titles, o.organization) for o in link_officials(doc)]


def test_chain_before_a_garbled_name_merges_with_the_valid_spelling() -> None:
    text = (
        "Deputy Secretary of the County Party Committee, the County Magistrate Wu Haim presided. "
        "Wu Haitao stressed that safety comes first."
    )
    assert _officials(text) == [
        ("Wu Haitao", ["Deputy Secretary of the County Party Committee", "County Magistrate"],
         "County Party Committee"),
    ]


def test_appositive_chain_after_the_name() -> None:
    text = "Lin Xiaodong, Deputy Secretary of the Municipal Party Committee and Mayor, chaired the meeting."
    assert _officials(text) == [
        ("Lin Xiaodong", ["Deputy Secretary of the Municipal Party Committee", "Mayor"],
         "Municipal Party Committee"),
    ]


def test_body_before_title_is_the_organization() -> None:
    text = "Municipal Government Secretary General Zhao Lei attended the meeting."
    assert _officials(text) == [("Zhao Lei", ["Secretary-General"], "Municipal Government")]


def test_doubled_name_and_adjacent_titles_in_a_list() -> None:
    text = (
        "Qian Feng, member of the Standing Committee of the Municipal Party Committee, Qian Feng, "
        "deputy mayor Sun Li, attended the meeting."
    )
    assert _officials(text) == [
        ("Qian Feng", ["Member of the Standing Committee of the Municipal Party Committee"],
         "Municipal Party Committee"),
        ("Sun Li", ["Deputy Mayor"], None),
    ]


def test_untitled_people_are_not_officials() -> None:
    assert _officials("Zhao Lei, Wang Fang and other comrades attended. Mayor, it was said, left.") == []


def test_mentions_cover_every_spelling() -> None:
    text = "Mayor Gao Liam spoke. GAO Lihong left. Gao Lihong returned."
    doc = Doc(text, lang="en")
    for s, e, rep, rule, conf in name_corrections(doc, use_zh_stage=False):
        doc.add_correction(s, e, rep, rule, conf)
    EnglishEntityExtractor(use_model=False, use_glossary=False)(doc)
    (official,) = link_officials(doc)
    assert official.name == "Gao Lihong"
    assert [text[a:b] for a, b in official.mentions] == ["Gao Liam", "GAO Lihong", "Gao Lihong"]


def test_complement_bodies_and_appointment_phrasing() -> None:
    text = (
        "Director of the Municipal Bureau of Commerce Qian Feng attended. The meeting decided to appoint "
        "Sun Li as Deputy Director of the Municipal Development and Reform Commission."
    )
    assert _officials(text) == [
        ("Qian Feng", ["Director"], "Municipal Bureau of Commerce"),
        ("Sun Li", ["Deputy Director"], "Municipal Development and Reform Commission"),
    ]


def test_titles_lose_the_city_but_keep_it_as_organization() -> None:
    text = "Secretary of the Ningde Municipal Party Committee Su Ming attended."
    assert _officials(text) == [("Su Ming", ["Secretary of the Municipal Party Committee"],
                                 "Ningde Municipal Party Committee")]


def test_company_of_a_title_is_the_organization_but_not_across_a_sentence_end() -> None:
    text = ("Wei Dong, Vice President of Tongwei Co., Ltd., spoke. Wang Tao inspected Sanwan Tourism "
            "Development Co., Ltd. Vice Mayor Li Jun accompanied him.")
    assert _officials(text) == [("Wei Dong", ["Vice President"], "Tongwei Co., Ltd."),
                                ("Li Jun", ["Vice Mayor"], None)]


@pytest.mark.parametrize("text, entities, expected", [
    # an appositive with "former", then a career after the introduction
    ("Qiu Hanming, former Vice Chairman of the Deyang Municipal CPPCC Committee, is under review. "
     "Qiu Hanming, male, was born in 1965. He successively served as Deputy County Magistrate of "
     "Luojiang County and Director of the Deyang Municipal Transportation Bureau.",
     (("Qiu Hanming", "person"), ("Vice Chairman", "title"), ("Deyang Municipal CPPCC Committee", "government"),
      ("Qiu Hanming", "person", 1), ("Deputy County Magistrate", "title"), ("Luojiang County", "place"),
      ("Director", "title"), ("Deyang Municipal Transportation Bureau", "government")),
     {"Qiu Hanming": ["Vice Chairman", "Deputy County Magistrate", "Director"]}),
    # a cadre profile in a personnel notice, and a resignation
    ("Chou Xiaomei, female, Han nationality, born in September 1983, CPC member, currently serves as "
     "Deputy Director of the Tongren Municipal Bureau of Commerce, and is proposed to serve as Director of the "
     "Tongren Municipal Bureau of Investment Promotion. Lou Jianping resigned as Mayor of Yiwu.",
     (("Chou Xiaomei", "person"), ("Deputy Director", "title"), ("Tongren Municipal Bureau of Commerce", "government"),
      ("Director", "title", 1), ("Tongren Municipal Bureau of Investment Promotion", "government"),
      ("Lou Jianping", "person"), ("Mayor", "title"), ("Yiwu", "place")),
     {"Chou Xiaomei": ["Deputy Director", "Director"], "Lou Jianping": ["Mayor"]}),
    # "is currently" without "serves as"
    ("Ge Lin, male, born in 1980. He is currently Deputy Secretary of the Hailin Municipal Party Committee "
     "and Mayor, and is proposed to be appointed Secretary of the Ning'an Municipal Party Committee.",
     (("Ge Lin", "person"), ("Deputy Secretary of the Hailin Municipal Party Committee", "title"),
      ("Mayor", "title"), ("Secretary of the Ning'an Municipal Party Committee", "title")),
     {"Ge Lin": ["Deputy Secretary of the Hailin Municipal Party Committee", "Mayor",
                 "Secretary of the Ning'an Municipal Party Committee"]}),
    # a title's complement that no entity covers, before the name
    ("Deputy Minister of Economic Development Li Ming and General Director of RZD Logistics Wang Hai signed.",
     (("Deputy Minister", "title"), ("Li Ming", "person"), ("General Director", "title"), ("Wang Hai", "person")),
     {"Li Ming": ["Deputy Minister"], "Wang Hai": ["General Director"]}),
])
def test_posts_written_after_the_name(text: str, entities: tuple, expected: dict) -> None:
    doc = Doc(text, lang="en")
    add_entities(doc, entities)
    assert {o.name: o.titles for o in link_officials(doc)} == expected


def test_a_plural_title_names_every_person_of_the_list_a_singular_one_only_the_first() -> None:
    text = "Vice Mayors Liu Jiayi, Sun Peng and Bai Ruiqi attended the meeting."
    assert [(n, t) for n, t, _ in _officials(text)] == [
        ("Liu Jiayi", ["Vice Mayor"]), ("Sun Peng", ["Vice Mayor"]), ("Bai Ruiqi", ["Vice Mayor"])]
    text = "Deputy Directors of the Municipal Bureau of Commerce Yu Deming and Bai Jing spoke."
    assert [n for n, _, _ in _officials(text)] == ["Yu Deming", "Bai Jing"]
    text = "Vice Mayor Liu Jiayi and Sun Peng attended the meeting."
    assert [(n, t) for n, t, _ in _officials(text)] == [("Liu Jiayi", ["Vice Mayor"])]


def test_removed_from_a_post_and_elected_after_an_appositive() -> None:
    text = "The meeting removed Zhao Zhenguo from the post of Director of the Municipal Bureau of Commerce."
    assert [(n, t) for n, t, _ in _officials(text)] == [("Zhao Zhenguo", ["Director"])]
    text = ("By secret ballot, Zhu Xiaoyan, Deputy Secretary of the Municipal Party Committee, was elected "
            "Mayor of the Municipal People's Government.")
    assert [(n, t) for n, t, _ in _officials(text)] == [
        ("Zhu Xiaoyan", ["Deputy Secretary of the Municipal Party Committee", "Mayor"])]
    text = "Ma Junfeng, Vice Mayor of Shouguang, who is also Secretary General of the Municipal Government, spoke."
    assert [(n, t) for n, t, _ in _officials(text)] == [("Ma Junfeng", ["Vice Mayor", "Secretary-General"])]
