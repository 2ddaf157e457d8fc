"""Segmentation: factory, SIGHAN line output, the stage's tokens/sentences, scoring (units: test_units.py)."""

from __future__ import annotations

import pytest

from pipeline.cws_text import fold_width, score_segmentation
from pipeline.doc import Correction, Doc
from pipeline.errors import ConfigError
from pipeline.segment import SegmentStage, get_segmenter, segment_lines, sentence_spans

SAMPLE = "市委副书记、市长宋华英主持召开会议，研究推进碳达峰碳中和工作。"


def test_fast_cut_preserves_characters() -> None:
    text = "２０２３年，邢台市  推进光伏产业\u3000高质量发展！ABC"
    words = get_segmenter("pku", "fast").cut(text)
    assert "".join(words) == text
    assert len(words) > 5


def test_invalid_standard_and_mode_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="standard"):
        get_segmenter("ctb", "fast")
    with pytest.raises(ConfigError, match="mode"):
        get_segmenter("pku", "turbo")


def test_segment_lines_keeps_lines_and_drops_whitespace() -> None:
    lines = ["我们 在北京", "", "  ", "中国人民银行发布公告。"]
    out = list(segment_lines(lines))
    assert len(out) == 4
    assert out[1] == "" and out[2] == ""
    for src, seg in zip(lines, out):
        assert seg.replace(" ", "") == src.replace(" ", "")
        assert "  " not in seg
    assert out[0].split()[0] == "我们"


@pytest.mark.parametrize("standard", ["pku", "msr"])
def test_fast_mode_gets_common_words(standard: str) -> None:
    words = get_segmenter(standard, "fast").cut("我们要坚持改革开放，发展经济。")
    assert words[:2] == ["我们", "要"]
    assert "改革开放" in words or ("改革" in words and "开放" in words)
    assert "经济" in words


def test_sentence_spans_keep_closing_quotes() -> None:
    text = "他说：“会议结束了。”随后离开！\n第二段；结束"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["他说：“会议结束了。”", "随后离开！", "第二段；", "结束"]


def test_stage_maps_tokens_to_original_text() -> None:
    text = "ＡＢＣ公司在  北京。\n第二句话"
    doc = Doc(text, lang="zh")
    # Normalization that changes length: the stage must report spans in `text`.
    doc.set_normalization([Correction(0, 3, "ＡＢＣ", "ABC", "normalize.width"),
                           Correction(6, 8, "  ", " ", "normalize.whitespace")])
    assert doc.norm_text == "ABC公司在 北京。\n第二句话"
    SegmentStage()(doc)
    assert doc.tokens and all(not doc.text[a:b].isspace() for a, b in doc.tokens)
    assert all(doc.text[a:b].strip() == doc.text[a:b] for a, b in doc.tokens)
    assert "北京" in [doc.text[a:b] for a, b in doc.tokens]
    assert [doc.text[a:b] for a, b in doc.sentences] == ["ＡＢＣ公司在  北京。", "第二句话"]


def test_stage_leaves_english_alone_and_batches() -> None:
    en = Doc("The mayor met investors.", lang="en")
    zh = Doc(SAMPLE, lang="zh")
    stage = SegmentStage(standard="msr")
    out = list(stage.pipe([en, zh]))
    assert out[0].tokens == [] and out[0].sentences == []
    assert out[1].tokens and out[1].sentences == [(0, len(SAMPLE))]
    with pytest.raises(ConfigError):
        SegmentStage(mode="slow")


def test_fold_width_keeps_length() -> None:
    s = "１２月３１日，ＡＢ\u3000㎡"
    assert fold_width(s) == "12月31日,AB ㎡"
    assert len(fold_width(s)) == len(s)


def test_bakeoff_score_counts_spans_and_oov() -> None:
    gold = [["中国", "人民", "银行"], ["好"]]
    pred = [["中国人民", "银行"], ["好"]]
    s = score_segmentation(gold, pred, {"中国", "银行", "好"})
    assert (s.gold, s.pred, s.correct) == (4, 3, 2)
    assert s.oov_gold == 1 and s.oov_correct == 0 and s.iv_recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4))


def test_viterbi_respects_bmes_constraints() -> None:
    import numpy as np

    from pipeline.cws_model import viterbi

    rng = np.random.default_rng(0)
    lengths = [1, 2, 7, 30]
    paths = viterbi(rng.normal(size=(4, 30, 4)).astype(np.float32), lengths)
    allowed = {(0, 1), (0, 2), (1, 1), (1, 2), (2, 0), (2, 3), (3, 0), (3, 3)}
    for path, n in zip(paths, lengths):
        tags = path.tolist()
        assert len(tags) == n and tags[0] in (0, 3) and tags[-1] in (2, 3)
        assert all((a, b) in allowed for a, b in zip(tags, tags[1:]))


def test_chunk_text_covers_long_text() -> None:
    from pipeline.cws_model import chunk_text

    text = "第一句话结束了。" * 40 + "无标点" * 120 + "，尾巴"
    spans = chunk_text(text, max_len=50)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == prev_b for (a, _), (_, prev_b) in zip(spans[1:], spans))
    assert all(0 < b - a <= 50 for a, b in spans)


@pytest.mark.parametrize("standard", ["pku", "msr"])
def test_accurate_mode_segments_and_batches(standard: str) -> None:
    seg = get_segmenter(standard, "accurate")
    texts = ["我们要坚持改革开放，发展经济。", "", "２０２３年，国务院召开常务会议。" * 30]
    batch = seg.cut_many(texts)
    assert [seg.cut(t) for t in texts] == batch
    assert all("".join(w) == t for w, t in zip(batch, texts))
    assert batch[0][:2] == ["我们", "要"] and "经济" in batch[0]
    assert batch[1] == []


def _tiny_net(dilations: tuple[int, ...] = (1, 2, 4)):
    import torch

    from pipeline.cws_train import TaggerNet

    torch.manual_seed(0)
    net = TaggerNet(12, 20, char_dim=8, bigram_dim=4, dict_dim=3, hidden=16, dilations=dilations,
                    n_standards=2).eval()
    feats = torch.randint(2, 12, (3, 9, 6))
    feats[:, :, 1:3] = torch.randint(0, 20, (3, 9, 2))
    feats[:, :, 3:] = torch.randint(0, 7, (3, 9, 3))
    feats[1, 5:] = 0  # a shorter row, padded
    feats[2, 2:] = 0  # shorter than the widest dilation
    return net, feats


def test_numpy_forward_matches_the_trained_network() -> None:
    """Segmenting runs ConvTagger (numpy) over the weights TaggerNet (torch) trained: same scores."""
    import numpy as np
    import torch

    net, feats = _tiny_net()
    numpy_net = net.inference()
    for standard in (0, 1):
        with torch.no_grad():
            expected = net(feats, standard).numpy()
        got = numpy_net(feats.numpy(), standard)
        mask = feats[:, :, 0].numpy() != 0
        np.testing.assert_allclose(got[mask], expected[mask], rtol=1e-4, atol=1e-5)


def test_tagger_file_round_trip_and_bad_file(tmp_path, monkeypatch) -> None:
    import numpy as np

    from pipeline import cws_model
    from pipeline.errors import ResourceError

    net, feats = _tiny_net()
    featurizer = cws_model.Featurizer([chr(0x4E00 + i) for i in range(10)], ["ab", "cd"], ())
    (tmp_path / "cws").mkdir()
    cws_model.save_tagger(tmp_path / "cws" / "t.npz", net.numpy_state(), net.hparams, featurizer,
                          ["msr", "pku"], {"note": "测试"})
    monkeypatch.setattr(cws_model, "resource_path", lambda name: tmp_path / name)
    loaded, chars, bigrams, standards = cws_model.load_net.__wrapped__("cws/t.npz")
    assert (chars, bigrams, standards) == (featurizer.chars, featurizer.bigrams, ["msr", "pku"])
    # weights are stored in fp16: scores agree to fp16 precision
    np.testing.assert_allclose(loaded(feats.numpy(), 1), net.inference()(feats.numpy(), 1), atol=2e-2)
    (tmp_path / "cws" / "bad.npz").write_bytes(b"not a model")
    with pytest.raises(ResourceError, match="train_cws.py"):
        cws_model.load_net.__wrapped__("cws/bad.npz")
