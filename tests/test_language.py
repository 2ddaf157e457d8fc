import pytest

from pipeline.errors import ConfigError
from pipeline.language import LanguageDetector, detect_language
from pipeline.doc import Doc


@pytest.mark.parametrize("text,lang", [
    ("市委副书记、市长宋华英主持召开会议。", "zh"),
    ("Deputy Mayor Zheng Chuan attended the meeting.", "en"),
    ("宁德时代（CATL）与市政府签约。", "zh"),
    ("The signing with 晶澳科技 took place in Xingtai on Monday.", "en"),
    ("12345 ... ---", None),
    ("", None),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_forced_language_and_input_hint():
    assert LanguageDetector(lang="en")(Doc("市长")).lang == "en"
    assert LanguageDetector()(Doc("Mayor", lang="zh")).lang == "zh"


def test_no_text_is_an_error_on_the_doc():
    doc = LanguageDetector()(Doc("\x01\x02 123"))
    assert doc.lang is None and doc.errors and "no Chinese or English" in doc.errors[0].message


def test_bad_option_is_config_error():
    with pytest.raises(ConfigError):
        LanguageDetector(lang="fr")


def test_markup_does_not_decide_the_language():
    page = "<html><script>document.write('hello world')</script><body><p>副市长郑川出席会议。</p></body></html>"
    assert detect_language(page) == "zh"
