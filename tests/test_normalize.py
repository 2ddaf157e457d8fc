from pipeline.doc import Doc
from pipeline.normalize import Normalizer


def norm(text: str, lang: str) -> Doc:
    return Normalizer()(Doc(text, lang=lang))


def test_traditional_width_and_spaces_in_chinese():
    doc = norm("邢臺市長 宋華英　主持會議，投資１２億元", "zh")
    assert doc.norm_text == "邢台市长宋华英主持会议，投资12亿元"
    assert doc.clean_text == doc.norm_text
    s, e = doc.to_text_span(doc.norm_text.index("宋华英"), doc.norm_text.index("宋华英") + 3)
    assert doc.text[s:e] == "宋華英"


def test_markup_and_scripts_are_removed():
    doc = norm('<html><head><script>alert("x")</script><style>p{}</style></head>'
               "<body><p>Deputy Mayor&nbsp;Zheng Chuan attended.</p></body></html>", "en")
    assert "alert" not in doc.norm_text and "<" not in doc.norm_text
    assert "Deputy Mayor Zheng Chuan attended." in doc.norm_text
    assert all(c.rule.startswith("normalize.") for c in doc.corrections)


def test_english_text_without_artifacts_is_untouched():
    text = "On February 22, the Mayor hosted a meeting.\nIt ended at noon."
    doc = norm(text, "en")
    assert doc.corrections == [] and doc.norm_text == text


def test_plain_chinese_text_without_markup_keeps_angle_brackets():
    text = "《关于推进高质量发展的意见》<附件1>印发。"
    assert norm(text, "zh").norm_text == text


def test_converted_characters_map_back_one_to_one():
    """A run of converted characters (書記蕭 → 书记萧) maps character to character, so a span that
    ends inside the run (市委书记) maps to the same characters of the original text."""
    doc = Normalizer()(Doc("廈門市委書記蕭文軒出席", lang="zh"))
    assert doc.norm_text == "厦门市委书记萧文轩出席"
    start = doc.norm_text.index("市委书记")
    assert doc.text[slice(*doc.to_text_span(start, start + 4))] == "市委書記"
    start = doc.norm_text.index("萧文轩")
    assert doc.text[slice(*doc.to_text_span(start, start + 3))] == "蕭文軒"
