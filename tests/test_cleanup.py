"""Translation cleanup: each rule fires where it should and leaves correct English alone."""

from __future__ import annotations

import pytest

from pipeline.artifacts import doubled_names_in_lists, doubled_words, spacing, stray_capitals
from pipeline.cleanup import TranslationCleanup, inflect_like
from pipeline.doc import Doc, apply_corrections
from pipeline.errors import ConfigError


def clean(text: str, source: str | None = None, **options) -> Doc:
    doc = Doc(text, lang="en", source_text=source)
    return TranslationCleanup(**options)(doc)


def fixes(doc: Doc) -> list[tuple[str, str]]:
    return [(c.original, c.replacement) for c in doc.corrections]


def test_glossary_garbles_are_repaired_with_rule_and_confidence():
    doc = clean("We must correctly grasp the carbon Dharma carbon. Jing Macao Technology attended.")
    assert fixes(doc) == [
        ("carbon Dharma carbon", "carbon peak and carbon neutrality"),
        ("Jing Macao Technology", "JA Solar"),
    ]
    assert doc.corrections[0].rule == "glossary:碳达峰碳中和"
    assert 0 < doc.corrections[0].confidence < 1
    assert doc.clean_text == apply_corrections(doc.text, doc.corrections)


def test_correct_translations_are_left_alone():
    for text in (
        "Achieving carbon peak and carbon neutrality is a broad and profound systemic change.",
        "Carbon peaking and carbon neutrality goals were set by the Municipal Party Committee.",
        "Leading enterprises in the river chief system attended; the Secretary-General spoke.",
        "He replaced a kitchen faucet and a bathroom faucet.",
        "That that is is that that is not is not.",
        "We visited The Hague. Note: The rules apply.",
    ):
        assert clean(text).corrections == [], text


def test_ambiguous_variant_needs_source_or_context():
    assert fixes(clean("He fixed a leaking faucet.")) == []
    # The Chinese 水龙头 (tap) contains 龙头 but is excluded in the glossary.
    assert fixes(clean("He fixed a leaking faucet.", "他修好了漏水的水龙头。")) == []
    doc = clean("The enterprise should play a faucet role.", "企业要发挥龙头作用。")
    assert fixes(doc) == [("faucet role", "leading role")]
    assert doc.corrections[0].confidence >= 0.9
    no_source = clean("Build a faucet in the photovoltaic industry.")
    assert fixes(no_source) == [("faucet", "leading")]
    assert no_source.corrections[0].confidence < 0.8
    assert clean("Build a faucet in the photovoltaic industry.", min_confidence=0.8).corrections == []


def test_source_raises_or_lowers_confidence():
    confirmed = clean("the carbon Dharma carbon", "实现碳达峰、碳中和").corrections[0].confidence
    plain = clean("the carbon Dharma carbon").corrections[0].confidence
    absent = clean("the carbon Dharma carbon", "会议强调，要抓好安全生产。").corrections[0].confidence
    assert confirmed > plain > absent


def test_replacement_keeps_number_and_sentence_case():
    assert fixes(clean("Faucet enterprises met. One faucet enterprise spoke.")) == [
        ("Faucet enterprises", "Leading enterprises"),
        ("faucet enterprise", "leading enterprise"),
    ]
    assert inflect_like("tighten responsibility", "compacting responsibility", "compact responsibility") == (
        "tightening responsibility"
    )


def test_echo_word_is_absorbed():
    assert fixes(clean("strategic the leading stump industry faucet has made")) == [
        ("leading stump industry faucet", "leading")
    ]


def test_seed_like_paragraph():
    text = (
        "On February 22, the Mayor Song Huam hosted the meeting. Zhang Qiang, member of the Standing "
        "Committee of the Municipal Party Committee, Zhang Qiang, deputy mayor Zheng Chuan, attended. "
        "Song Huying pointed out that we should promote The output value."
    )
    doc = clean(text)
    got = dict(fixes(doc))
    assert got["Song Huam"] == "Song Huying"
    assert got["Zhang Qiang, "] == ""
    assert got["The"] == "the"
    rules = {c.rule for c in doc.corrections}
    assert {"artifact.doubled_name", "artifact.stray_capital"} <= rules
    assert doc.clean_text.count("Zhang Qiang") == 1


def test_stray_capitals():
    fix = stray_capitals("promote The output value and The Times reported. The end: The rule is")
    assert [(f[2], f[3]) for f in fix] == [("the", "artifact.stray_capital")]


def test_doubled_words_and_names():
    text = "the the city, had had, Ling Ling, and Gu Weiming Gu Weiming spoke, a a plan, knock knock"
    removed = [text[s:e] for s, e, *_ in doubled_words(text)]
    assert removed == [" the", " a", " Gu Weiming"]


def test_doubled_name_only_before_another_name():
    keep = "Zhang Qiang, mayor, and Li Ming met; Zhang Qiang, Li Ming and Wang Tao attended."
    assert doubled_names_in_lists(keep) == []


def test_spacing():
    text = "held in Xingtai ,and officials attended .The mayor spoke,,then left. Pi is 3.14 , e.g. this..."
    out = apply_corrections(text, [])
    fixes_ = spacing(text)
    for s, e, r, *_ in sorted(fixes_, reverse=True):
        out = out[:s] + r + out[e:]
    assert out == "held in Xingtai, and officials attended. The mayor spoke, then left. Pi is 3.14 , e.g. this..."
    text = "It drew 100, 000 visitors and 3.2billion yuan. As of July 25, 135 cases; in 2026, 300 firms."
    out = text
    for s, e, r, *_ in sorted(spacing(text), reverse=True):
        out = out[:s] + r + out[e:]
    assert out == "It drew 100,000 visitors and 3.2 billion yuan. As of July 25, 135 cases; in 2026, 300 firms."


def test_rules_option_and_language():
    text = "promote The output of faucet enterprises"
    assert fixes(clean(text, rules=("artifacts",))) == [("The", "the")]
    assert fixes(clean(text, rules=("glossary",))) == [("faucet enterprises", "leading enterprises")]
    zh = Doc("龙头企业", lang="zh")
    assert TranslationCleanup()(zh).corrections == []
    with pytest.raises(ConfigError):
        TranslationCleanup(rules=("magic",))
    with pytest.raises(ConfigError):
        TranslationCleanup(min_confidence=2)


def test_clause_words_capitalized_mid_sentence():
    text = "departments should Further optimize the environment, And form a system.\nHow to Build a Better City"
    assert [(f[2]) for f in stray_capitals(text)] == ["further", "and"]
    assert stray_capitals("we went to Beijing on Monday") == []
    text = "Reports should Seek truth from facts, and Escort the development of enterprises."
    assert [f[2] for f in stray_capitals(text)] == ["seek", "escort"]


def test_a_verbs_past_form_capitalized_mid_sentence():
    text = "The meeting Emphasized that the flood season has begun; it is hereby Publicized as follows."
    assert [f[2] for f in stray_capitals(text)] == ["emphasized", "publicized"]
    # A name that ends in -ed, a capitalized run, a name's next word and a headline stay.
    for kept in ("officials met with Mohammed bin Salman", "the Hospital Affiliated to Xiamen University",
                 "the city United Front Work Department", "A Study Conducted by the Team Was Published Today"):
        assert stray_capitals(kept) == [], kept


def test_repeated_name_inside_a_title_run():
    text = "Municipal Party Secretary Wu Zhengyang Wu Zhengyang delivered a speech."
    assert [text[s:e] for s, e, *_ in doubled_words(text)] == [" Wu Zhengyang"]


def test_literal_company_names_keep_group_word_and_skip_other_names():
    assert fixes(clean("a project of River Steel Group and others")) == [("River Steel Group", "HBIS Group")]
    # A one-word literal name glued to other capitalized words belongs to another company.
    assert fixes(clean("Wuzhou Hengda Titanium Dioxide Co., Ltd. spoke")) == []
    assert fixes(clean("Hengda Group was restructured.")) == [("Hengda Group", "Evergrande Group")]


def test_legal_names_keep_their_abbreviated_word():
    """A garble ending in "Co" inside "… Co., Ltd." must not leave "LONGi., Ltd."."""
    doc = clean("Longji Co., Ltd. and Tianqi Lithium Co., Ltd. signed with BYD Co., Ltd. today.")
    assert fixes(doc) == [("Longji Co", "LONGi Co")]
    assert doc.clean_text == "LONGi Co., Ltd. and Tianqi Lithium Co., Ltd. signed with BYD Co., Ltd. today."
    assert fixes(clean("Tianqi Lithium Co said")) == [("Tianqi Lithium Co", "Tianqi Lithium")]


def test_split_place_names_are_joined_before_a_place_suffix():
    assert fixes(clean("On April 18, Zi Bo City held a meeting.", rules=("places",))) == [("Zi Bo", "Zibo")]
    assert clean("Vice Mayor Li Xian attended.", rules=("places",)).corrections == []


def test_echo_over_two_words():
    doc = clean("implement the industrial chain chain length system fully")
    assert fixes(doc) == [("industrial chain chain length system", "industrial chain leader system")]


def test_capitals_that_are_meant():
    assert stray_capitals("the A share market rose in May this year and Class A shares") == []


def test_legitimate_doubles_stay():
    assert doubled_words("the results came in in March and it is up up to you") == []


def test_literal_title_needs_a_title_position():
    assert fixes(clean("the market long Luo Jingyi signed")) == [("market long", "mayor")]
    assert fixes(clean("The county long depended on coal mining.")) == []


def test_eval_script_on_a_tiny_wmt_folder(tmp_path):
    """scripts/eval_cleanup.py's WMT and MQM parts on two hand-written lines (no benchmark data)."""
    import json

    from conftest import load_script

    ev = load_script("eval_cleanup")

    wmt = tmp_path / "wmt"
    wmt.mkdir()
    src = ["要实现碳达峰碳中和。", "龙头企业发挥作用。"]
    ref = ["We must achieve carbon peak and carbon neutrality.", "Leading enterprises play a role."]
    hyp = ["We must achieve the carbon Dharma carbon.", "Faucet enterprises play a role."]
    (wmt / "src.zh").write_text("\n".join(src) + "\n", encoding="utf-8")
    (wmt / "ref.en").write_text("\n".join(ref) + "\n", encoding="utf-8")
    for name in ev.SYSTEMS:
        (wmt / f"sys.{name}.en").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    err = {"category": "Terminology", "severity": "Major", "side": "target", "start": 21, "end": 41,
           "span": "carbon Dharma carbon"}
    (wmt / "mqm.jsonl").write_text(json.dumps({"system": "x", "line": 1, "source": src[0], "target": hyp[0],
                                               "errors": [err]}) + "\n", encoding="utf-8")
    cleaner = ev.Cleaner(False)
    res = ev.eval_wmt(cleaner, ev.load_glossary(), wmt, use_source=True, limit=None)
    assert res["systems"]["ref"]["changed_lines"] == 0
    row = res["systems"]["NiuTrans"]
    assert row["changed_lines"] == 2 and row["chrf_after"] > row["chrf_before"]
    assert row["term_acc_after"] > row["term_acc_before"]
    mqm = ev.eval_mqm(cleaner, wmt, use_source=False, limit=None)
    assert mqm["corrections"] == 1 and mqm["precision"] == 1.0


def test_user_glossary_reaches_the_stage(tmp_path):
    user = tmp_path / "mine.tsv"
    user.write_text("某某新材料\tMoumou New Materials\tenterprise\tSome Some New Material\n", encoding="utf-8")
    doc = clean("Some Some New Material Co., Ltd. signed.", glossary=(str(user),))
    assert fixes(doc) == [("Some Some New Material", "Moumou New Materials")]
    assert doc.corrections[0].rule == "glossary:某某新材料"


def test_zhou_read_as_state_is_a_prefecture() -> None:
    doc = clean("Li Ming, Secretary of the State Party Committee, visited Dali State. The State Council approved.")
    assert doc.clean_text == (
        "Li Ming, Secretary of the Prefectural Party Committee, visited Dali Prefecture. The State Council approved.")
    assert clean("The State Government of California met.").corrections == []


def test_a_number_glued_to_the_next_word_is_spaced_but_not_ordinals_units_or_codes() -> None:
    doc = clean("A total of 486deputies attended within 5working days; the A380neo landed at 3pm on the 5th "
                "using 10kwh.", rules=("spacing",))
    assert doc.clean_text == ("A total of 486 deputies attended within 5 working days; the A380neo landed at "
                              "3pm on the 5th using 10kwh.")


def test_a_banner_read_as_flag() -> None:
    doc = clean("Aohan Flag hosted the fair; a red flag flew.", rules=("places",))
    assert doc.clean_text == "Aohan Banner hosted the fair; a red flag flew."


def test_exonyms_of_minority_region_places_are_opt_in() -> None:
    text = "Leaders of Hulunbeier visited Keshiketeng Banner, Linzhi Milin Airport and Wang Linzhi."
    assert clean(text).clean_text == text
    fixed = clean(text, rules=("exonyms",)).clean_text
    assert fixed == "Leaders of Hulunbuir visited Hexigten Banner, Nyingchi Mainling Airport and Wang Linzhi."
    # A name of two syllables alone needs its region named; "Lang Lang" and "Ali" are not 朗县 and 阿里.
    assert clean("Lang Lang played; Ali said so.", rules=("exonyms",)).corrections == []


def test_a_set_phrase_inside_a_name_takes_its_capitals() -> None:
    doc = clean("Director Wang of the Municipal Wenlv Bureau promoted wenlv integration.")
    assert doc.clean_text == ("Director Wang of the Municipal Culture and Tourism Bureau promoted culture and "
                              "tourism integration.")


def test_mass_nouns_take_no_plural_and_cv_phrases_need_their_context() -> None:
    assert inflect_like("hot work", "moving fire operations", "moving fire operation") == "hot work"
    cv = "Wang Li, born in May 1975, participated in work in July 1996 and joined the CPC in 1998."
    assert clean(cv).clean_text == cv.replace("participated in work", "started working")
    plain = "Volunteers participated in work on the bridge."
    assert clean(plain).clean_text == plain


def test_a_percent_sign_and_a_padded_bracket_lose_their_spaces() -> None:
    doc = clean("It grew 23.5 % in ( 5 working days ), not at 13:00 ).", rules=("spacing",))
    assert doc.clean_text == "It grew 23.5% in (5 working days), not at 13:00 )."


def test_a_place_read_with_another_reading_of_a_polyphonic_character() -> None:
    assert clean("Dengcheng County and Gourong City", rules=("places",)).clean_text == "Chengcheng County and Jurong City"
    doc = clean("The Zhangzhi Municipal Party Committee met officials of Woyang County.", rules=("places",))
    assert doc.clean_text == "The Changzhi Municipal Party Committee met officials of Guoyang County."
    # Not inside a person's name, and not a spelling another place has (昭阳 Zhaoyang).
    for text in ("Wang Zhangzhi spoke.", "Zhaoyang District hosted it."):
        assert clean(text, rules=("places",)).corrections == [], text


def test_an_autonomous_prefecture_read_as_a_state_with_its_peoples() -> None:
    doc = clean("The Chuxiong Yi Nationality Autonomous State People's Congress met; the State Committee led it.",
                rules=("places",))
    assert doc.clean_text == ("The Chuxiong Yi Autonomous Prefecture People's Congress met; the Prefectural Party "
                              "Committee led it.")


def test_an_autonomous_areas_peoples_marked_nationality() -> None:
    doc = clean("A team went to Weining Yi Nationality Hui Nationality Miao Nationality Autonomous County and "
                "Dehong Dai Nationality Jingpo Nationality Autonomous State.", rules=("places",))
    assert doc.clean_text == ("A team went to Weining Yi, Hui and Miao Autonomous County and Dehong Dai and Jingpo "
                              "Autonomous Prefecture.")
    # The peoples come from the Chinese name (文山壮族苗族自治州), so a translated one is repaired too.
    assert clean("Wenshan Strong Nationality Miao Nationality Autonomous Prefecture held it.",
                 rules=("places",)).clean_text == "Wenshan Zhuang and Miao Autonomous Prefecture held it."
    # A county level word where the name is a prefecture's, or no "Nationality", is left alone.
    for text in ("Dehong Dai Nationality Jingpo Nationality Autonomous County", "Dehong Dai Jingpo Autonomous Prefecture"):
        assert clean(text, rules=("places",)).corrections == [], text


def test_a_space_before_a_hyphen_or_a_dates_comma() -> None:
    doc = clean("A 24 -hour watch began on June 14 ,2026 for 1 ,000 people.", rules=("spacing",))
    assert doc.clean_text == "A 24-hour watch began on June 14, 2026 for 1 ,000 people."


def test_state_bodies_in_a_document_about_an_autonomous_prefecture() -> None:
    text = "In Liangshan Yi Autonomous Prefecture, State Committee Secretary Li Ming and the State Governor met."
    doc = clean(text, rules=("places",))
    assert doc.clean_text == ("In Liangshan Yi Autonomous Prefecture, Secretary of the Prefectural Party Committee Li Ming "
                              "and the Prefectural Governor met.")
    other = "The State Governor of Texas met."
    assert clean(other, rules=("places",)).clean_text == other


def test_secretary_long_is_secretary_general_unless_long_starts_a_name() -> None:
    assert clean("Secretary Long Wen Liping presided.").clean_text == "Secretary-General Wen Liping presided."
    text = "Prefectural Party Committee Secretary Long Xuefeng announced the opening."
    assert clean(text).clean_text == text


def test_a_party_committee_department_in_chinese_word_order() -> None:
    assert clean("Contact the Huaihua Municipal Committee Organization Department.").clean_text == (
        "Contact the Organization Department of the Huaihua Municipal Party Committee.")
    assert clean("the Provincial Party Committee Tissue Department").clean_text == (
        "the Organization Department of the Provincial Party Committee")
    text = "the Propaganda Department of the Provincial Party Committee"
    assert clean(text).clean_text == text


def test_a_committees_secretary_in_chinese_word_order() -> None:
    assert clean("Municipal Committee Deputy Secretary and Mayor Zhai Wenbo spoke.", rules=("glossary",)).clean_text == (
        "Deputy Secretary of the Municipal Party Committee and Mayor Zhai Wenbo spoke.")
    assert clean("Zhenping County Party Committee Deputy Secretary Li Bo", rules=("glossary",)).clean_text == (
        "Deputy Secretary of the Zhenping County Party Committee Li Bo")
    # Journalists write "County Party Committee Secretary Wang"; a secretary-general is another post.
    for text in ("County Party Committee Secretary Wang Wei said", "Municipal Committee Secretary-General Li Na"):
        assert [c for c in clean(text, rules=("glossary",)).corrections if c.rule == "body.order"] == [], text


def test_a_prefectures_party_secretary_read_as_a_states() -> None:
    text = "In Linxia Hui Autonomous Prefecture, State Party Secretary Chen Guohua spoke."
    assert clean(text, rules=("places",)).clean_text == (
        "In Linxia Hui Autonomous Prefecture, Secretary of the Prefectural Party Committee Chen Guohua spoke.")


def test_the_middle_dot_of_a_transliterated_name() -> None:
    assert clean("Mayor Aierken · Tuniyazi spoke.", rules=("spacing",)).clean_text == "Mayor Aierken Tuniyazi spoke."
    text = "Beijing Daily · New Media reported."  # a brand, not a name
    assert clean(text, rules=("spacing",)).clean_text == text
