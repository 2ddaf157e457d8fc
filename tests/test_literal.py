"""Literal renderings predicted from CC-CEDICT: found where MT translated a name or set phrase piece by
piece, never on established English names, ordinary capitalized words or good English."""

from __future__ import annotations

import pytest

from pipeline.cleanup import CONF_LITERAL, TranslationCleanup
from pipeline.doc import Doc, apply_corrections
from pipeline.glossary import load_glossary
from pipeline.literal import glosses, literal_index


def literal_fixes(text: str, source: str | None = None, **options) -> list[tuple[str, str, str, float]]:
    doc = TranslationCleanup(**options)(Doc(text, lang="en", source_text=source))
    assert doc.clean_text == apply_corrections(doc.text, doc.corrections)
    return [(c.original, c.replacement, c.rule, c.confidence) for c in doc.corrections
            if c.rule.startswith("literal:")]


def test_dictionary_senses_are_stemmed_word_tuples() -> None:
    senses = glosses()
    assert ("worship",) in senses["崇"] and ("ceremony",) in senses["礼"]
    assert all(isinstance(w, str) and w == w.lower() for s in senses["组织"] for w in s)


def test_a_county_translated_character_by_character_before_its_level_word() -> None:
    assert literal_fixes("The fair was held in Worship Ceremony District on Monday.") == [
        ("Worship Ceremony", "Chongli", "literal:崇礼", CONF_LITERAL)
    ]
    # Without a level word after it, it is not a place name.
    assert literal_fixes("A Worship Ceremony was held on Monday.") == []
    # An established English name (香格里拉市 → Shangri-La City) is not a literal rendering.
    assert literal_fixes("Shangri-La City and Ruili City were listed.") == []


def test_the_source_confirms_or_vetoes() -> None:
    text = "The fair was held in Worship Ceremony District on Monday."
    assert literal_fixes(text, "周一，崇礼区举办了博览会。") == [("Worship Ceremony", "Chongli", "literal:崇礼", 0.9)]
    assert literal_fixes(text, "周一，怀来县举办了博览会。") == []


def test_enterprises_need_two_words_or_a_company_word() -> None:
    assert [f[:2] for f in literal_fixes("Brands such as Spell Many Many opened stores.")] == [
        ("Spell Many Many", "Pinduoduo")
    ]
    assert literal_fixes("The Tide turned in the final round.") == []
    # A two-character form (浪潮 of 浪潮集团) needs a company word after it.
    assert [f[:2] for f in literal_fixes("He visited Tide Company in Jinan.")] == [("Tide", "Inspur")]
    assert literal_fixes("China Communications Broadcasting reported it.") == []
    # More capitalized words make a longer name, a company's only if they reach a company word.
    assert [f[:2] for f in literal_fixes("Mountain Push Engineering Machinery Co., Ltd. signed.")] == [
        ("Mountain Push", "Shantui")]
    assert literal_fixes("Wide Meeting Energy signed.") == []  # not 广交会, the Canton Fair
    # Inside a headline-cased run or in quotes, capitalized words are a title, not a company.
    assert literal_fixes('The film "Auspicious As Spell Many Many" opened.') == []
    assert literal_fixes('Its slogan "Spell Many" was printed.') == []
    # A pinyin syllable that only stems like a sense ("Chang" / "change") is not a translation.
    assert literal_fixes("The play Xi Wang Chang'an was staged.") == []


def test_set_phrases_need_three_translated_pieces_in_lower_case() -> None:
    assert [f[:2] for f in literal_fixes("Travellers must show nuclear acid testing results.")] == [
        ("nuclear acid testing", "nucleic acid testing")
    ]
    for text in (
        "Rescue teams were stationed in key flood control areas.",
        "It has become a public company.",
        "Red scenic spots can improve the economy.",
    ):
        assert literal_fixes(text) == [], text


def test_set_phrases_read_with_character_senses_learned_from_garbles() -> None:
    # 产教融合: the glossary lists "production teaching integration"; 产 "industry" comes from the
    # garble "industry chains link" of 产业链, backed by the dictionary (产业 "industry").
    assert [f[:2] for f in literal_fixes("Promote the industry teaching melt together of the city.")] == [
        ("industry teaching melt together", "industry-education integration")]
    index = literal_index(load_glossary())
    assert ("industry",) in index._term_table["产"] and ("industry",) not in glosses()["产"]
    assert ("uncover",) in index._term_table["揭"]  # 揭开 "to uncover"
    # "fee collection station" (收费站) pairs 费 with "collection" in English word order; no
    # dictionary word with 费 means "collection", so the pair is not learned.
    assert ("collection",) not in index._term_table["费"]
    # Names are read with the dictionary's senses only.
    assert index._table is not index._term_table and ("industry",) not in index._table["产"]


def test_the_rule_family_can_be_switched_off() -> None:
    text = "The fair was held in Worship Ceremony District on Monday."
    assert literal_fixes(text, rules=("glossary", "names", "artifacts")) == []


@pytest.mark.parametrize("word", ["Peace", "West Lake"])
def test_index_finds_single_and_multi_word_place_names(word: str) -> None:
    matches = literal_index(load_glossary()).find(f"The {word} District government met.")
    assert [m.variant.literal for m in matches] == [True]


def test_a_city_without_its_level_word_needs_its_province_named() -> None:
    assert [f[:2] for f in literal_fixes("Officials of Sea Forest in Heilongjiang met.")] == [("Sea Forest", "Hailin")]
    assert literal_fixes("Officials of Sea Forest met.") == []
    # 乌海 is Wuhai in Inner Mongolia, but "the Black Sea" takes an article: a sea, not a city.
    assert literal_fixes("Ships from Inner Mongolia crossed the Black Sea.") == []
    # A capitalized word before the run makes it one longer name (China News Agency, not 新社).
    assert literal_fixes("China News Agency, Taipei, July 26.") == []


def test_derived_forms_meet_in_place_names_only() -> None:
    fixes_ = [f[:2] for f in literal_fixes("Officials of Wheat Accumulation District and Come Safety County met.")]
    assert fixes_ == [("Wheat Accumulation", "Maiji"), ("Come Safety", "Lai'an")]
    # A different set phrase with the same characters' senses is protected by its own entry.
    assert literal_fixes("Policies help new employment forms grow.") == []


def test_a_body_is_literal_only_where_a_word_is_split() -> None:
    fixes_ = [f[:2] for f in literal_fixes("The City Field Supervision Bureau met.")]
    assert fixes_ == [("City Field Supervision Bureau", "Administration for Market Regulation")]
    # 应急 / 管理 / 部 rendered word by word is good English.
    assert literal_fixes("The Emergency Management Department met.") == []


def test_prefecture_names_ending_in_zhou_are_known() -> None:
    assert [f[:2] for f in literal_fixes("Officials of Wide State City met.")] == [("Wide State", "Guangzhou")]


def test_a_character_read_as_the_province_it_is_short_for() -> None:
    # 川 is short for Sichuan: inside a place name that is a literal reading (永川 Yongchuan) ...
    assert [f[:2] for f in literal_fixes("Officials of Forever Sichuan District met.")] == [
        ("Forever Sichuan", "Yongchuan")]
    # ... and inside a company name that reaches a company or industry word (冀 Hebei + 东 east:
    # 冀东水泥), also after the place that prefixes the legal name.
    assert [f[:2] for f in literal_fixes("Tangshan Hebei East Cement Co., Ltd. signed.")] == [
        ("Hebei East Cement", "Jidong Cement")]
    assert [f[:2] for f in literal_fixes("Hebei East Cement signed.")] == [("Hebei East Cement", "Jidong Cement")]
    # Two companies read alike (华 and 中 are both short for China: 华天科技, 中天科技) are neither.
    assert literal_fixes("Tianshui China Sky Technology Co., Ltd. signed.") == []
    # Without a company word, "Beijing East" is not read as 京东方 (BOE).
    assert literal_fixes("Beijing East and other platforms opened centres.") == []


def test_a_bare_county_name_ending_in_a_level_character() -> None:
    # 社旗 (Sheqi County) ends in 旗 but is not a banner's full name.
    assert [f[:2] for f in literal_fixes("He is Secretary of the Society Flag County Party Committee.")] == [
        ("Society Flag", "Sheqi")]


def test_the_documents_region_settles_a_reading_shared_by_several_places() -> None:
    # "River Mouth" reads as 河口 (Shandong, Yunnan), 海口 and 江口: the document about Dongying
    # settles it; a document about nowhere in particular does not.
    text = "Leaders of Dongying visited Lijin County and River Mouth District."
    assert [f[:2] for f in literal_fixes(text)] == [("River Mouth", "Hekou")]
    assert literal_fixes("Leaders visited River Mouth District.") == []


def test_a_group_name_is_a_piece_of_its_members_names() -> None:
    # 华润 is China Resources (a glossary company), 三九 "Three Nine": 华润三九 China Resources Sanjiu.
    assert [f[:2] for f in literal_fixes("The city will support China Resources Three Nine and others.")] == [
        ("China Resources Three Nine", "China Resources Sanjiu")]
    # An industry word ends a company name as a company word does (华新水泥 Huaxin Cement).
    assert [f[:2] for f in literal_fixes("China New Cement signed the agreement.")] == [
        ("China New Cement", "Huaxin Cement")]


def test_a_name_written_as_one_pinyin_word_before_translated_pieces() -> None:
    # 泸州 written "Luzhou", then 老 old + 窖 cellar: 泸州老窖 Luzhou Laojiao; 瑞幸 "Ruixing" + 咖啡 coffee.
    assert [f[:2] for f in literal_fixes("Cases involving Luzhou Old Cellar were heard.")] == [
        ("Luzhou Old Cellar", "Luzhou Laojiao")]
    assert [f[:2] for f in literal_fixes("The Ruixing Coffee fraud shook investors.")] == [
        ("Ruixing Coffee", "Luckin Coffee")]
    # The pinyin name with only company form words after it is the company's own name, not a garble.
    for text in ("Tianneng Holding Group signed.", "Shanghai Electric signed."):
        assert literal_fixes(text) == [], text
