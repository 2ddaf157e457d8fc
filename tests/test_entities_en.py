"""English entity stage on small hand-written MT-style fixtures."""

from __future__ import annotations

from pipeline.doc import Doc
from pipeline.entities_en import EnglishEntityExtractor, canonical_title, title_zh_forms
from pipeline.glossary import Glossary, GlossaryEntry, Variant
from pipeline.names_en import name_corrections


def _run(text: str, source: str | None = None, glossary: Glossary | None = None, **opts) -> Doc:
    doc = Doc(text, lang="en", source_text=source)
    for s, e, rep, rule, conf in name_corrections(doc, use_zh_stage=False):
        doc.add_correction(s, e, rep, rule, conf)
    stage = EnglishEntityExtractor(use_model=False, use_glossary=glossary is not None, **opts)
    if glossary is not None:
        stage._glossary = lambda: glossary  # type: ignore[method-assign]
    return stage(doc)


def _spans(doc: Doc) -> list[tuple[str, str]]:
    return [(e.type, e.text) for e in sorted(doc.entities, key=lambda e: e.start)]


def test_types_on_an_inspection_report() -> None:
    text = (
        "On March 3, Li Jianhua, Secretary of the Provincial Party Committee, inspected Baoding City, "
        "Hebei Province. Vice Governor Zhou Ming, the Provincial Department of Commerce, "
        "Hebei University and Hengyuan Solar Co., Ltd. took part."
    )
    assert _spans(_run(text)) == [
        ("person", "Li Jianhua"),
        ("title", "Secretary of the Provincial Party Committee"),
        ("place", "Baoding City"),
        ("place", "Hebei Province"),
        ("title", "Vice Governor"),
        ("person", "Zhou Ming"),
        ("government", "Provincial Department of Commerce"),
        ("organization", "Hebei University"),
        ("enterprise", "Hengyuan Solar Co., Ltd."),
    ]


def test_bodies_titles_split_as_in_the_corpus_conventions() -> None:
    text = "Municipal Government Secretary General Zhao Lei and the Director of the Municipal Bureau of Commerce spoke."
    assert _spans(_run(text)) == [
        ("government", "Municipal Government"),
        ("title", "Secretary General"),
        ("person", "Zhao Lei"),
        ("title", "Director"),
        ("government", "Municipal Bureau of Commerce"),
    ]


def test_titles_are_canonicalized() -> None:
    assert canonical_title("deputy mayor") == "Deputy Mayor"
    assert canonical_title("Secretary General") == "Secretary-General"
    assert canonical_title("member of the Standing Committee of the Municipal Party Committee") == (
        "Member of the Standing Committee of the Municipal Party Committee"
    )
    doc = _run("The municipal party secretary and executive vice mayor Qian Feng attended.")
    titles = [(e.text, e.canonical) for e in doc.entities if e.type == "title"]
    assert titles == [("municipal party secretary", "Secretary of the Municipal Party Committee"),
                      ("executive vice mayor", "Executive Vice Mayor")]


def test_garbled_name_gets_the_unified_canonical() -> None:
    doc = _run("Mayor Gao Liam chaired the meeting. Gao Lihong stressed the point.")
    persons = [(e.text, e.canonical) for e in doc.entities if e.type == "person"]
    assert persons == [("Gao Liam", "Gao Lihong"), ("Gao Lihong", "Gao Lihong")]


def test_place_beats_a_name_shaped_pair_and_words_are_not_places() -> None:
    doc = _run("Investors from Hong Kong visited Shijiazhuang. The song was long.")
    assert _spans(doc) == [("place", "Hong Kong"), ("place", "Shijiazhuang")]


def test_glossary_enterprise_canonical_and_zh() -> None:
    gloss = Glossary([
        GlossaryEntry(zh="晶澳科技", canonical="JA Solar", type="enterprise",
                      variant_specs=(Variant("Jing Macao Technology"),), zh_forms=("晶澳科技",)),
    ])
    text = "Representatives of Jing Macao Technology, Hengyuan Solar and other enterprises spoke."
    doc = _run(text, source="晶澳科技、恒远光伏等企业代表发言。", glossary=gloss)
    ents = {e.text: e for e in doc.entities}
    assert ents["Jing Macao Technology"].type == "enterprise"
    assert ents["Jing Macao Technology"].canonical == "JA Solar"
    assert ents["Jing Macao Technology"].zh == "晶澳科技"
    assert ents["Jing Macao Technology"].source == "glossary"
    assert ents["Hengyuan Solar"].type == "enterprise" and ents["Hengyuan Solar"].zh is None


def test_zh_alignment_with_the_source() -> None:
    source = "邢台市委副书记、市长林晓东主持召开会议。"
    text = "Deputy Secretary of the Municipal Party Committee and Mayor Lin Xiaodon of Xingtai chaired a meeting."
    doc = _run(text, source=source)
    got = {(e.type, e.text): (e.canonical, e.zh) for e in doc.entities}
    assert got[("title", "Deputy Secretary of the Municipal Party Committee")][1] == "市委副书记"
    assert got[("title", "Mayor")][1] == "市长"
    assert got[("person", "Lin Xiaodon")] == ("Lin Xiaodong", "林晓东")
    assert got[("place", "Xingtai")][1] == "邢台市"


def test_title_zh_forms_compose_level_and_rank() -> None:
    assert "市委副书记" in title_zh_forms("Deputy Secretary of the Municipal Party Committee")
    assert "副市长" in title_zh_forms("Deputy Mayor")
    assert "市委常委" in title_zh_forms("Member of the Standing Committee of the Municipal Party Committee")


def test_other_languages_pass_through_and_min_score_filters() -> None:
    doc = Doc("市长林晓东主持会议。", lang="zh")
    assert EnglishEntityExtractor(use_model=False, use_glossary=False)(doc).entities == []
    doc = _run("Hengyuan Solar and Mayor Lin Xiaodong met.", min_score=0.8)
    assert ("enterprise", "Hengyuan Solar") not in _spans(doc)
    assert ("person", "Lin Xiaodong") in _spans(doc)


def test_offsets_point_into_the_original_text() -> None:
    text = "Deputy  Mayor\u3000Wang Fang visited Xingtai."
    doc = _run(text)
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text


def test_company_lists_split_but_trade_pairs_stay_whole() -> None:
    text = ("The zone signed agreements with Hengyuan Group and Baoding Xinda Home Appliances Co., Ltd. "
            "and with Tangshan Jingye Iron and Steel Co., Ltd.")
    assert [e.text for e in _run(text).entities if e.type == "enterprise"] == [
        "Hengyuan Group", "Baoding Xinda Home Appliances Co., Ltd.", "Tangshan Jingye Iron and Steel Co., Ltd.",
    ]


def test_body_names_with_enumerations_places_and_complements() -> None:
    text = ("Officials of the Municipal Bureau of Culture, Radio, Television and Tourism, the Standing "
            "Committee of the 15th Baoding Municipal People's Congress and the Municipal Bureau of "
            "Commerce and Baoding Customs attended.")
    assert [e.text for e in _run(text).entities if e.type == "government"] == [
        "Municipal Bureau of Culture, Radio, Television and Tourism",
        "Standing Committee of the 15th Baoding Municipal People's Congress",
        "Municipal Bureau of Commerce",
        "Baoding Customs",
    ]


def test_place_keeps_its_name_when_a_title_takes_the_level_word() -> None:
    doc = _run("Anping County Party Secretary Gao Lihong inspected the Hutuo River.")
    assert _spans(doc) == [("place", "Anping"), ("title", "County Party Secretary"),
                           ("person", "Gao Lihong"), ("place", "Hutuo River")]
    title = next(e for e in doc.entities if e.type == "title")
    assert title.canonical == "Secretary of the County Party Committee"


def test_peoples_organizations_are_not_government() -> None:
    text = ("The Municipal Committee of the Communist Youth League, the Municipal Women's Federation and "
            "the District Political Association took part.")
    assert _spans(_run(text)) == [
        ("organization", "Municipal Committee of the Communist Youth League"),
        ("organization", "Municipal Women's Federation"),
        ("government", "District Political Association"),
    ]


def test_role_words_possessives_and_short_glossary_words() -> None:
    doc = _run("The manager said the Ministry of Commerce's plan works; deputy mayor Qian Feng agreed.")
    assert _spans(doc) == [("government", "Ministry of Commerce"), ("title", "deputy mayor"),
                           ("person", "Qian Feng")]
    gloss = Glossary([GlossaryEntry(zh="阿里巴巴", canonical="Alibaba", type="enterprise",
                                    accepted=("Ali",), zh_forms=("阿里巴巴",))])
    doc = _run("Ali and Alibaba signed.", glossary=gloss)
    assert _spans(doc) == [("enterprise", "Alibaba")]


def test_ambiguous_glossary_variants_need_evidence() -> None:
    gloss = Glossary([GlossaryEntry(zh="阿特斯", canonical="Canadian Solar", type="enterprise",
                                    variant_specs=(Variant("Artes", ambiguous=True),), zh_forms=("阿特斯",))])
    assert _spans(_run("The Artes troupe performed.", glossary=gloss)) == []
    doc = _run("Representatives of Artes spoke.", source="阿特斯代表发言。", glossary=gloss)
    assert [(e.type, e.canonical) for e in doc.entities] == [("enterprise", "Canadian Solar")]


def test_romanized_places_and_companies_align_with_the_source() -> None:
    from pipeline.align import align_romanized

    source = "下午，恒远光伏有限公司与保定大学在新市镇签约。新市镇位于保定。"
    assert align_romanized("Xinshi Town", "place", source) == "新市镇"
    assert align_romanized("Hengyuan Photovoltaic Co., Ltd.", "enterprise", source) == "恒远光伏有限公司"
    assert align_romanized("Baoding University", "organization", source) == "保定大学"
    # A tail the source does not show gives no partial form; one syllable is too little evidence.
    assert align_romanized("Baoding High New Zone", "place", source) is None
    assert align_romanized("Ji Solar", "enterprise", source) is None


def test_spacy_entities_fill_gaps_only() -> None:
    from pipeline.tokenize_en import load_spacy

    text = ("Mayor Lin Xiaodong met Emmanuel Macron in Paris to discuss the Belt and Road and the "
            "carbon Dharma carbon goals.")
    doc = Doc(text, lang="en")
    doc.user_data["spacy"] = load_spacy()(doc.norm_text)
    doc.add_correction(text.index("carbon Dharma"), text.index(" goals"), "carbon peak and carbon neutrality",
                       "glossary:碳达峰碳中和", 0.9)
    EnglishEntityExtractor(use_glossary=False)(doc)
    got = _spans(doc)
    assert ("person", "Lin Xiaodong") in got and ("title", "Mayor") in got
    assert ("person", "Emmanuel Macron") in got
    assert ("place", "Paris") in got
    assert not [t for t in got if "Belt" in t[1] or "Dharma" in t[1]]
    assert all(e.source == "model" for e in doc.entities if e.text in ("Emmanuel Macron", "Paris"))


def test_lists_of_institutions_and_other_committees() -> None:
    text = ("The Volunteers Association of Hebei University and Baoding First People's Hospital, the "
            "Baoding Center for Disease Control and Prevention and the Baoding Airport Economy Zone were "
            "praised. Secretary of the Municipal Committee of the Communist Youth League Sun Li spoke.")
    got = _spans(_run(text))
    assert ("organization", "Volunteers Association of Hebei University") in got
    assert ("organization", "Baoding First People's Hospital") in got
    assert ("organization", "Baoding Center for Disease Control and Prevention") in got
    assert ("place", "Baoding Airport Economy Zone") in got
    assert ("title", "Secretary") in got
    assert ("organization", "Municipal Committee of the Communist Youth League") in got


def test_a_sentence_period_is_not_part_of_a_company_name() -> None:
    """Co. keeps its period; Technology at the end of a sentence does not take the sentence's."""
    text = "The city signed with Hengyuan Solar Technology. It also visited Tongwei Co. on Monday."
    assert [e.text for e in _run(text).entities if e.type == "enterprise"] == [
        "Hengyuan Solar Technology", "Tongwei Co.",
    ]


def test_lower_case_titles_in_an_appositive_or_a_chain() -> None:
    """After a name's comma or after a title already found, a lower-case title is one; alone it is a
    role word ("the governor said")."""
    doc = _run("Wang Yubo, deputy secretary of the provincial party committee and governor, attended. "
               "Li Ming, vice mayor, spoke. Then the governor said no.")
    titles = [t for k, t in _spans(doc) if k == "title"]
    assert titles == ["deputy secretary of the provincial party committee", "governor", "vice mayor"]


def test_legal_name_of_a_known_company_carries_the_glossary_name() -> None:
    """The same canonical as the Chinese side gives 宁德时代新能源科技股份有限公司; a subsidiary with
    its own words keeps its name."""
    from pipeline.glossary import load_glossary

    doc = _run("Contemporary Amperex Technology Co., Limited and Tongwei Solar (Chengdu) Co., Ltd. signed.",
               glossary=load_glossary(()))
    names = {e.text: e.canonical for e in doc.entities if e.type == "enterprise"}
    assert names["Contemporary Amperex Technology Co., Limited"] == "CATL"
    assert names["Tongwei Solar (Chengdu) Co., Ltd."] == "Tongwei Solar (Chengdu) Co., Ltd."


def test_a_generic_party_committee_rank_and_the_discipline_and_supervision_commission() -> None:
    text = ("According to the Sichuan Provincial Commission for Discipline Inspection and Supervision, Zeng Liping, "
            "former Secretary of the Party Committee of Hanwang Town, received a warning.")
    spans = _spans(_run(text))
    assert ("government", "Sichuan Provincial Commission for Discipline Inspection and Supervision") in spans
    assert ("title", "Secretary of the Party Committee") in spans and ("place", "Hanwang Town") in spans


def test_the_autonomous_region_is_a_level() -> None:
    text = ("Ma Xiuying, Deputy Secretary of the Autonomous Region Party Committee, visited the "
            "Autonomous Region Department of Commerce.")
    spans = _spans(_run(text))
    assert ("title", "Deputy Secretary of the Autonomous Region Party Committee") in spans
    assert ("government", "Autonomous Region Department of Commerce") in spans


def test_a_surname_alone_after_a_title_is_the_one_person_with_that_surname() -> None:
    doc = _run("Mayor Sun Haoran spoke. Mayor Sun said that Secretary Li would visit.")
    persons = [(e.text, e.canonical) for e in sorted(doc.entities, key=lambda e: e.start) if e.type == "person"]
    assert persons == [("Sun Haoran", "Sun Haoran"), ("Sun", "Sun Haoran")]  # no Li Anyone in the text
    doc = _run("Mayor Sun Haoran and Deputy Mayor Sun Peng spoke. Mayor Sun said so.")
    assert [e.text for e in doc.entities if e.type == "person"] == ["Sun Haoran", "Sun Peng"]


def test_a_place_of_several_words_stays_inside_a_committee_title() -> None:
    doc = _run("Jia Yun, Secretary of the Worship Ceremony District Party Committee, spoke.")
    assert _spans(doc) == [("person", "Jia Yun"), ("title", "Secretary of the Worship Ceremony District Party Committee")]


def test_a_one_word_name_of_several_syllables_after_a_title() -> None:
    doc = _run("Vice Mayor Chaolumen and Mayor Wangdui attended. The Mayor Zhangjiakou office and Director Li "
               "were not named.")
    assert [e.text for e in doc.entities if e.type == "person"] == ["Chaolumen", "Wangdui"]
    # A Yi name of two words after a title; a place or a Han name there is not one.
    doc = _run("Prefectural Governor Jiwu Muga attended. Mayor Zhangjiakou Chongli was not named.")
    assert [e.text for e in doc.entities if e.type == "person"] == ["Jiwu Muga"]
    # After a title and its body too; a gazetteer place there (乌兰县) is a Mongolian name.
    doc = _run("Chairwoman of the Municipal CPPCC Wulan attended.")
    assert ("person", "Wulan") in _spans(doc) and ("place", "Wulan") not in _spans(doc)


def test_places_english_does_not_write_in_pinyin_are_places() -> None:
    doc = _run("Officials of Nyingchi and Hexigten Banner met.")
    assert ("place", "Nyingchi") in _spans(doc) and ("place", "Hexigten Banner") in _spans(doc)


def test_a_foreign_division_is_a_place_whatever_the_parser_says() -> None:
    from pipeline.entities_en import _FOREIGN_DIVISIONS

    assert {"Krai", "Oblast"} <= _FOREIGN_DIVISIONS
    doc = Doc("Officials from Zabaykalsky Krai visited Manzhouli.", lang="en")
    from pipeline.pipeline import Pipeline

    doc = Pipeline()(doc)
    assert ("person", "Zabaykalsky Krai") not in _spans(doc)


def test_a_place_and_level_word_before_a_glossary_body_belong_to_it() -> None:
    from pipeline.pipeline import Pipeline

    doc = Pipeline()(Doc("The Baoji Municipal Flood Control and Drought Relief Headquarters held a drill.", lang="en"))
    assert ("government", "Baoji Municipal Flood Control and Drought Relief Headquarters") in _spans(doc)
    doc = Pipeline()(Doc("Li Ming, Sanjiang New Area Party Working Committee Secretary, spoke.", lang="en"))
    assert ("title", "Party Working Committee Secretary") in _spans(doc)
    doc = Pipeline()(Doc("Deputy Mayor and Commander of the Municipal Flood Control and Drought Relief "
                         "Headquarters Zeng Lihua presided.", lang="en"))
    assert ("government", "Municipal Flood Control and Drought Relief Headquarters") in _spans(doc)
    assert [(o.name, o.titles) for o in doc.officials] == [("Zeng Lihua", ["Deputy Mayor", "Commander"])]


def test_a_garbled_lower_case_title_in_an_appositive() -> None:
    from pipeline.pipeline import Pipeline

    doc = Pipeline()(Doc("Wang Zhiqiang, total manager of Shantui, spoke.", lang="en"))
    assert [(o.name, o.titles) for o in doc.officials] == [("Wang Zhiqiang", ["General Manager"])]
    doc = Pipeline()(Doc("The river chiefs at all levels patrolled.", lang="en"))
    assert doc.officials == []


def test_place_names_are_read_as_places_are_read() -> None:
    # scripts/build_en_places.py: 长治 is Changzhi, 朝阳 Chaoyang, 漯河 Luohe (pypinyin's everyday
    # readings would give Zhangzhi, Zhaoyang, Tahe).
    from pipeline.entities_en import place_gazetteer

    gaz = place_gazetteer()
    assert "长治" in gaz["Changzhi"][0] and "朝阳" in gaz["Chaoyang District"][0] and "漯河" in gaz["Luohe"][0]
    assert "Zhangzhi" not in gaz and "长治" not in gaz.get("Zhaoyang", ((), ""))[0]


def test_no_name_is_read_across_a_rewritten_title_or_before_a_level_word() -> None:
    from pipeline.pipeline import Pipeline

    doc = Pipeline()(Doc("Member of the Standing Committee of the Municipal Party Committee and Secretary Long Wen "
                         "Liping presided. Officials of the Liangshan Yi Autonomous Prefecture came.", lang="en"))
    persons = [e.text for e in doc.entities if e.type == "person"]
    assert persons == ["Wen Liping"]


def test_names_before_a_body_word_and_parser_persons_with_directions_are_not_persons() -> None:
    from pipeline.pipeline import Pipeline

    doc = Pipeline()(Doc("The Municipal Wei Jian Committee met officials of Keerqin Left Wing Back Flag.", lang="en"))
    assert [e.text for e in doc.entities if e.type == "person"] == []


def test_a_name_whose_parts_keep_the_middle_dot() -> None:
    doc = _run("Mayor Aierken · Tuniyazi spoke.")
    assert [(e.text, e.canonical) for e in doc.entities if e.type == "person"] == [("Aierken · Tuniyazi", "Aierken Tuniyazi")]
