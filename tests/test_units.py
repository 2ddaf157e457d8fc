"""The units layer: dictionaries group standard tokens into domain units and never change the tokens."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import govpipe_cmd

from pipeline.doc import Correction, Doc
from pipeline.errors import ConfigError
from pipeline.segment import (
    SegmentStage,
    UnitMerger,
    cut_with_units,
    get_segmenter,
    get_unit_merger,
    segment_lines,
)
from pipeline.cws_dict import UserWord

SEED_LIKE = (
    "市委副书记、市长宋华英主持召开市政府常务会议，研究推进碳达峰碳中和、专精特新企业培育和"
    "高质量发展工作。市委常委、常务副市长张强，市发改委、政法委负责同志参加。"
)
SENTENCES = [
    SEED_LIKE,
    "城市委员会成立后，副市长郑川到光伏产业园调研。",
    "２０２３年，邢台市  推进新能源项目建设\u3000取得成效。",
    "我们要坚持改革开放，发展经济。",
]


def _texts(doc: Doc, spans: list[tuple[int, int]]) -> list[str]:
    return [doc.text[a:b] for a, b in spans]


def _assert_partition(tokens: list[tuple[int, int]], units: list[tuple[int, int]]) -> None:
    """Each unit starts at a token start and ends at a token end; each token lies in exactly one unit."""
    owner = []
    k = 0
    for a, b in tokens:
        while k < len(units) and units[k][1] <= a:
            k += 1
        assert k < len(units) and units[k][0] <= a and b <= units[k][1], ((a, b), units[k:k + 1])
        owner.append(k)
    starts = {a for a, _ in tokens}
    ends = {b for _, b in tokens}
    assert all(a in starts and b in ends for a, b in units)
    assert sorted(set(owner)) == list(range(len(units)))  # no unit without a token


@pytest.mark.parametrize("mode", ["fast", "accurate"])
def test_dictionaries_never_change_tokens(mode: str, tmp_path) -> None:
    user = tmp_path / "user.txt"
    user.write_text("市委 nt\n光伏产业园\n改革开放发展\n", encoding="utf-8")
    plain = SegmentStage(mode=mode, domain_dict=False)
    for stage in (SegmentStage(mode=mode), SegmentStage(mode=mode, user_dict=str(user))):
        for text in SENTENCES:
            a, b = plain(Doc(text, lang="zh")), stage(Doc(text, lang="zh"))
            assert a.tokens == b.tokens, (mode, text)
            assert a.units == [] and b.units
            _assert_partition(b.tokens, b.units)


@pytest.mark.parametrize("mode", ["fast", "accurate"])
def test_seed_like_sentence_gives_domain_units(mode: str) -> None:
    doc = SegmentStage(mode=mode)(Doc(SEED_LIKE, lang="zh"))
    tokens, units = _texts(doc, doc.tokens), _texts(doc, doc.units)
    for unit in ("市委副书记", "宋华英", "碳达峰碳中和", "专精特新", "常务副市长", "市发改委", "张强"):
        assert unit in units, (mode, unit, units)
    # the tokens keep the PKU standard, which writes the title and the name apart
    assert "市委副书记" not in tokens and "宋华英" not in tokens
    _assert_partition(doc.tokens, doc.units)


def test_units_never_cut_through_a_token() -> None:
    text = "城市委员会成立。市委书记讲话。"
    merger = UnitMerger((UserWord("市委", None, "nt"), UserWord("市委书记", None, "nnt")))
    for mode in ("fast", "accurate"):
        tokens = get_segmenter("pku", mode).cut(text)
        units = merger.units(text, tokens)
        assert "".join(units) == text
        assert "市委" not in units and "市委书记" in units, (mode, units)


def test_units_match_width_folded_dictionary_words(tmp_path) -> None:
    path = tmp_path / "user.txt"
    path.write_text("５Ｇ基站\n", encoding="utf-8")  # entries are width-folded: 5G基站
    text = "建设５Ｇ基站一百个"
    merger = get_unit_merger(str(path))
    for mode in ("fast", "accurate"):  # the fast mode hands over its folded words, the tagger does not
        seg = get_segmenter("pku", mode)
        ((tokens, units),) = cut_with_units(seg, merger, [text])
        assert units == merger.units(text, tokens)
        assert "５Ｇ基站" in units and "".join(units) == text, (mode, units)


def test_user_dict_file_units_and_errors(tmp_path) -> None:
    path = tmp_path / "user.txt"
    path.write_text("# comment\n梨花节 5 nz\n张家湾镇\n区长 nnt\n", encoding="utf-8")
    merger = get_unit_merger(str(path))
    text = "张家湾镇举办梨花节，区长李明出席。"
    units = merger.units(text, get_segmenter("pku", "accurate").cut(text))
    assert units[:3] == ["张家湾镇", "举办", "梨花节"]
    assert "李明" in units  # a surname and given name next to a user title (nnt) form one unit
    assert get_unit_merger(None, False) is None
    with pytest.raises(ConfigError, match="does not exist"):
        get_unit_merger("/nonexistent/dict.txt")
    with pytest.raises(ConfigError, match="does not exist"):
        SegmentStage(user_dict="/nonexistent/dict.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("梨花节 x nz\n", encoding="utf-8")
    with pytest.raises(Exception, match="frequency"):
        get_unit_merger(str(bad))


def test_units_map_to_original_text_and_round_trip_json() -> None:
    text = "ＡＢＣ公司：  市委副书记宋华英出席。"
    doc = Doc(text, lang="zh", id="u1")
    doc.set_normalization([Correction(0, 3, "ＡＢＣ", "ABC", "normalize.width"),
                           Correction(6, 8, "  ", " ", "normalize.whitespace")])
    out = list(SegmentStage().pipe([doc, Doc("The mayor spoke.", lang="en")]))
    rec = json.loads(json.dumps(out[0].to_record(), ensure_ascii=False))
    assert rec["units"] == [list(u) for u in doc.units]
    assert "市委副书记" in [text[a:b] for a, b in rec["units"]]
    assert "宋华英" in [text[a:b] for a, b in rec["units"]]
    _assert_partition([tuple(t) for t in rec["tokens"]], [tuple(u) for u in rec["units"]])
    assert out[1].to_record()["units"] == []


def test_segment_lines_prints_tokens_or_units() -> None:
    lines = [SEED_LIKE, ""]
    tokens = list(segment_lines(lines))
    units = list(segment_lines(lines, units=True))
    assert tokens[1] == units[1] == ""
    assert "市委副书记" not in tokens[0].split() and "市委副书记" in units[0].split()
    assert tokens[0].replace(" ", "") == units[0].replace(" ", "") == SEED_LIKE


def test_cli_segment_units_flag(tmp_path) -> None:
    def run(*args: str) -> list[str]:
        proc = subprocess.run(govpipe_cmd("segment", *args), input=SEED_LIKE + "\n",
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.split()

    user = tmp_path / "user.txt"
    user.write_text("常务会议\n", encoding="utf-8")
    plain, units, own = run(), run("--units"), run("--user-dict", str(user))
    assert "市委副书记" not in plain and "宋华英" not in plain
    assert {"市委副书记", "宋华英", "碳达峰碳中和", "专精特新", "常务副市长", "市发改委"} <= set(units)
    assert "常务会议" in own and "市委副书记" not in own  # only the user's file without --domain-dict
    assert {"常务会议", "市委副书记"} <= set(run("--user-dict", str(user), "--domain-dict"))
