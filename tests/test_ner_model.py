"""The character BiLSTM-CRF: tag decoding, CRF exactness, features, chunking, a tiny fit."""

from __future__ import annotations

import itertools

import pytest
import torch

from pipeline.ner_lexicon import KINDS, Lexicon
from pipeline.ner_model import (
    CRF,
    DEFAULT_MODEL,
    CharLM,
    CharTagger,
    Featurizer,
    NerModel,
    allowed_transitions,
    batch_tensors,
    chunk_text,
    model_pieces,
    reverse_index,
    tag_set,
    tags_to_spans,
)
from pipeline.resources import MODELS_DIR


def test_tags_to_spans() -> None:
    tags = ["B-name", "E-name", "O", "S-address", "B-position", "I-position", "E-position", "I-name"]
    assert tags_to_spans(tags) == [(0, 2, "name"), (3, 4, "address"), (4, 7, "position"), (7, 8, "name")]


def test_allowed_transitions_follow_bioes() -> None:
    tags = tag_set(("x", "y"))
    ok = allowed_transitions(tags)
    i = {t: k for k, t in enumerate(tags)}
    assert ok[i["B-x"], i["I-x"]] and ok[i["I-x"], i["E-x"]] and ok[i["E-x"], i["B-y"]]
    assert not ok[i["O"], i["I-x"]] and not ok[i["B-x"], i["E-y"]] and not ok[i["S-x"], i["E-x"]]
    n = len(tags)
    assert ok[n, i["B-x"]] and not ok[n, i["I-x"]]  # start
    assert ok[n + 1, i["E-x"]] and not ok[n + 1, i["B-x"]]  # end


def _path_score(crf: CRF, em: torch.Tensor, path: tuple[int, ...]) -> float:
    trans, start, end = crf._params()
    s = start[path[0]] + em[0, path[0]]
    for a, b in zip(path, path[1:]):
        s = s + trans[a, b]
    s = s + sum(em[k, t] for k, t in enumerate(path)) - em[0, path[0]] + end[path[-1]]
    return float(s.detach())


def _random_crf(seed: int) -> tuple[list[str], CRF]:
    """A one-label CRF with random scores, small enough to enumerate every path."""
    torch.manual_seed(seed)
    tags = tag_set(("x",))
    crf = CRF(tags)
    with torch.no_grad():
        crf.trans.normal_()
        crf.start.normal_()
        crf.end.normal_()
    return tags, crf


def test_crf_decode_and_partition_are_exact() -> None:
    tags, crf = _random_crf(0)
    em = torch.randn(1, 4, len(tags))
    paths = list(itertools.product(range(len(tags)), repeat=4))
    scores = {p: _path_score(crf, em[0], p) for p in paths}
    best = max(scores, key=scores.get)
    assert tuple(crf.decode(em, torch.tensor([4]))[0]) == best
    log_z = torch.logsumexp(torch.tensor(list(scores.values())), 0)
    gold = torch.tensor([list(best)])
    nll = crf.nll(em, gold, torch.ones(1, 4, dtype=torch.bool))
    assert abs(float(nll.detach()) - (float(log_z) - scores[best])) < 1e-3


def test_featurizer_marks_lexicon_matches() -> None:
    lex = Lexicon({"title": {"副市长": "executive"}, "surname": {"郑": "zheng"}})
    feat = Featurizer({"<pad>": 0, "<unk>": 1, "副": 2}, 64, lexicon=lex, use_segmentation=False)
    enc = feat.encode("副市长郑川")
    t = KINDS.index("title") * 4
    s = KINDS.index("surname") * 4
    assert enc.feats.shape == (5, feat.n_feats)
    assert enc.feats[0, t] == 1 and enc.feats[1, t + 1] == 1 and enc.feats[2, t + 2] == 1
    assert enc.feats[3, s + 3] == 1 and enc.feats[4].sum() == 0
    assert list(enc.chars[:2]) == [2, 1]
    assert enc.bigram_left[0] != enc.bigram_right[0]


def test_chunk_text_covers_and_bounds() -> None:
    text = ("邢台市委副书记、市长宋华英主持会议，" * 30) + "结束。" + "短句。"
    pieces = chunk_text(text, max_len=50)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(0 < e - s <= 50 for s, e in pieces)


def test_tiny_model_learns_a_pattern() -> None:
    torch.manual_seed(0)
    tags = tag_set(("name", "position", "game"))
    vocab = {"<pad>": 0, "<unk>": 1}
    texts = ["副市长郑川出席", "副市长王芳出席", "副市长李强出席"]
    for ch in "".join(texts):
        vocab.setdefault(ch, len(vocab))
    feat = Featurizer(vocab, 256, lexicon=None, use_segmentation=False)
    net = CharTagger(len(vocab), 256, feat.n_feats, tags, char_dim=16, bigram_dim=8, hidden=16, dropout=0.0)
    gold_tags = ["B-position", "I-position", "E-position", "B-name", "E-name", "B-game", "E-game"]
    gold = torch.tensor([[tags.index(t) for t in gold_tags]] * 3)
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    chars, bl, br, words, f, lengths = batch_tensors([feat.encode(t) for t in texts])
    mask = torch.ones_like(chars, dtype=torch.bool)
    for _ in range(60):
        loss = net.nll(net.emissions(chars, bl, br, words, f, lengths), gold, mask)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model = NerModel(net, feat)
    spans = model.predict(["副市长王芳出席"])[0]
    assert {(s.start, s.end, s.type) for s in spans} == {(0, 3, "title"), (3, 5, "person")}
    # a teacher for self-training keeps CLUENER's own labels, those outside the contract too
    raw = model.predict(["副市长王芳出席"], all_labels=True)[0]
    assert {(s.start, s.end, s.type) for s in raw} == {(0, 3, "position"), (3, 5, "name"), (5, 7, "game")}


def test_model_pieces_are_stripped_lines() -> None:
    text = "  第一行。\n\n孙建业主持会议 \r\n" + "长" * 400
    pieces = model_pieces(text)
    assert [text[s:e] for s, e in pieces[:2]] == ["第一行。", "孙建业主持会议"]
    assert all("\n" not in text[s:e] and text[s:e] == text[s:e].strip() for s, e in pieces)
    assert sum(e - s for s, e in pieces[2:]) == 400


def test_reverse_index_reverses_within_length() -> None:
    idx = reverse_index(torch.tensor([3, 1, 4]), 4)
    assert idx.tolist() == [[2, 1, 0, 3], [0, 1, 2, 3], [3, 2, 1, 0]]


def test_char_lm_directions_only_see_their_side() -> None:
    """The forward state at t must not depend on characters after t, the backward one on those before."""
    torch.manual_seed(0)
    lm = CharLM(20, char_dim=8, hidden=6).eval()
    a = torch.tensor([[2, 3, 4, 5, 6, 0], [7, 8, 9, 10, 11, 12]])
    b = a.clone()
    b[:, 3] = 15  # change the fourth character of both sequences
    lengths = torch.tensor([5, 6])
    with torch.no_grad():
        fa, ba = lm(a, lengths)
        fb, bb = lm(b, lengths)
    assert torch.allclose(fa[:, :3], fb[:, :3]) and not torch.allclose(fa[:, 3], fb[:, 3])
    assert torch.allclose(ba[0, 4:5], bb[0, 4:5]) and torch.allclose(ba[1, 4:6], bb[1, 4:6])
    assert not torch.allclose(ba[:, 3], bb[:, 3]) and not torch.allclose(ba[:, :3], bb[:, :3])


def test_tagger_with_char_lm_round_trips(tmp_path) -> None:
    """A tagger reading frozen LM states saves and loads with the LM, and predicts the same."""
    torch.manual_seed(0)
    vocab = {"<pad>": 0, "<unk>": 1}
    for ch in "副市长郑川出席会议":
        vocab.setdefault(ch, len(vocab))
    feat = Featurizer(vocab, 64, lexicon=None, use_segmentation=False)
    net = CharTagger(len(vocab), 64, feat.n_feats, tag_set(("name",)), char_dim=8, bigram_dim=4,
                     hidden=8, lm_char_dim=8, lm_hidden=6, dropout=0.0)
    assert not any(p.requires_grad for p in net.lm.parameters())
    with torch.no_grad():
        net.out.bias[1] += 5.0  # make the model predict something
    model = NerModel(net, feat)
    model.save(tmp_path / "m.pt", {"seed": 7})
    loaded = NerModel.load(tmp_path / "m.pt")
    assert loaded.dims["lm_hidden"] == 6
    assert loaded.meta == {"seed": 7}  # scripts/combine_ner.py keeps each member's record from here
    text = ["副市长郑川出席会议"]
    assert [(s.start, s.end) for s in loaded.predict(text)[0]] == [(s.start, s.end) for s in model.predict(text)[0]]


@pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).exists(), reason="bundled NER weights not built")
def test_bundled_model_tags_government_news() -> None:
    from pipeline.ner_model import load_default_model

    model = load_default_model()
    text = "邢台市委副书记、市长宋华英主持召开会议。"
    found = {(text[s.start : s.end], s.type) for s in model.predict([text])[0]}
    assert ("宋华英", "person") in found
    # a name at the start of a line: the line break is not part of it
    text = "公司负责人介绍了项目情况。\n孙建业表示，项目将于年底投产。"
    persons = [text[s.start : s.end] for s in model.predict([text])[0] if s.type == "person"]
    assert persons == ["孙建业"]


def _tiny_lm_tagger(vocab: dict[str, int], seed: int, lm: CharLM | None = None) -> CharTagger:
    torch.manual_seed(seed)
    net = CharTagger(len(vocab), 64, 0, tag_set(("name",)), char_dim=8, bigram_dim=4, hidden=8,
                     lm_char_dim=8, lm_hidden=6, dropout=0.0)
    if lm is not None:
        net.lm.load_state_dict(lm.state_dict())
    with torch.no_grad():
        net.out.bias[1 + seed % 4] += 3.0  # members that disagree
    return net


def test_ensemble_averages_members_and_round_trips(tmp_path) -> None:
    """Two copies of one tagger decode as that tagger; an ensemble of different members saves its
    shared LM once and predicts the same after loading."""
    vocab = {"<pad>": 0, "<unk>": 1}
    for ch in "副市长郑川出席会议":
        vocab.setdefault(ch, len(vocab))
    feat = Featurizer(vocab, 64, lexicon=None, use_segmentation=False)
    text = ["副市长郑川出席会议。郑川表示"]
    a = _tiny_lm_tagger(vocab, 0)
    single = NerModel(a, feat).predict(text)[0]
    twice = NerModel.combine([NerModel(a, feat), NerModel(a, feat)]).predict(text)[0]
    assert single and [(s.start, s.end) for s in twice] == [(s.start, s.end) for s in single]
    assert [s.score for s in twice] == pytest.approx([s.score for s in single])

    b = _tiny_lm_tagger(vocab, 1, lm=a.lm)
    ens = NerModel.combine([NerModel(a, feat), NerModel(b, feat)])
    assert ens.nets[1].lm is ens.nets[0].lm
    chars, bl, br, words, f, lengths = batch_tensors([feat.encode(text[0])])
    with torch.no_grad():
        em, (trans, _, _) = ens.scores(chars, bl, br, words, f, lengths)
        mean = (a.emissions(chars, bl, br, words, f, lengths) + b.emissions(chars, bl, br, words, f, lengths)) / 2
    assert torch.allclose(em, mean, atol=1e-5)
    assert torch.allclose(trans, (a.crf._params()[0] + b.crf._params()[0]) / 2)
    ens.save(tmp_path / "ens.pt")
    blob = torch.load(tmp_path / "ens.pt", weights_only=True)
    assert blob["lm_state"] is not None and not any(k.startswith("lm.") for m in blob["members"] for k in m["state"])
    loaded = NerModel.load(tmp_path / "ens.pt")
    assert len(loaded.nets) == 2 and loaded.nets[1].lm is loaded.nets[0].lm
    assert [(s.start, s.end, s.type) for s in loaded.predict(text)[0]] == [(s.start, s.end, s.type) for s in ens.predict(text)[0]]


def test_refit_members_mark_the_ensemble_as_having_seen_the_heldout_slice(tmp_path) -> None:
    """scripts/eval_ner.py --split heldout refuses a model one of whose members was refit on all of
    train (--all-train): the mark must survive combining and saving."""
    vocab = {"<pad>": 0, "<unk>": 1, "郑": 2, "川": 3}
    feat = Featurizer(vocab, 64, lexicon=None, use_segmentation=False)
    members = []
    for seed, all_train in ((0, False), (1, True)):
        NerModel(_tiny_lm_tagger(vocab, seed), feat).save(tmp_path / f"m{seed}.pt", {"seed": seed, "all_train": all_train})
        members.append(NerModel.load(tmp_path / f"m{seed}.pt"))
    assert not members[0].saw_heldout_slice and members[1].saw_heldout_slice
    for chosen, expected in ((members[:1], False), (members, True)):
        ens = NerModel.combine(chosen)
        ens.save(tmp_path / "ens.pt", {"members": [m.meta for m in chosen]})
        assert NerModel.load(tmp_path / "ens.pt").saw_heldout_slice is expected


def test_combine_refuses_members_with_other_features() -> None:
    from pipeline.errors import ResourceError

    vocab = {"<pad>": 0, "<unk>": 1, "郑": 2, "川": 3}
    a = NerModel(_tiny_lm_tagger(vocab, 0), Featurizer(vocab, 64, lexicon=None, use_segmentation=False))
    other = dict(vocab, 市=4)
    b = NerModel(_tiny_lm_tagger(other, 1), Featurizer(other, 64, lexicon=None, use_segmentation=False))
    with pytest.raises(ResourceError, match="different features"):
        NerModel.combine([a, b])


def test_unpacked_bilstm_equals_packed_at_valid_positions() -> None:
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    from pipeline.ner_model import bilstm

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(5, 4, batch_first=True, bidirectional=True)
    x = torch.randn(3, 7, 5)
    lengths = torch.tensor([7, 4, 2])
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    ref = pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=7)[0]
    out = bilstm(lstm, x, lengths)
    for k, n in enumerate(lengths.tolist()):
        assert torch.allclose(out[k, :n], ref[k, :n], atol=1e-6)
    assert not torch.allclose(out[1, :4, 4:], lstm(x)[0][1, :4, 4:], atol=1e-3)  # the naive padded call differs


@pytest.mark.skipif(not (MODELS_DIR / DEFAULT_MODEL).exists(), reason="bundled NER model not built")
def test_partial_nll_counts_every_allowed_path_as_gold() -> None:
    """CRF.partial_nll: -log of the probability mass of the paths that keep to `allowed`,
    checked against enumerating every path; all allowed gives 0."""
    tags, crf = _random_crf(1)
    em = torch.randn(1, 3, len(tags))
    allowed = torch.ones(1, 3, len(tags), dtype=torch.bool)
    allowed[0, 1, tags.index("O")] = False  # the middle character is inside some span
    paths = list(itertools.product(range(len(tags)), repeat=3))
    scores = torch.tensor([_path_score(crf, em[0], p) for p in paths])
    inside = torch.tensor([p[1] != tags.index("O") for p in paths])
    expected = float(torch.logsumexp(scores, 0) - torch.logsumexp(scores[inside], 0))
    mask = torch.ones(1, 3, dtype=torch.bool)
    assert abs(float(crf.partial_nll(em, allowed, mask).detach()) - expected) < 1e-3
    assert abs(float(crf.partial_nll(em, torch.ones_like(allowed), mask).detach())) < 1e-4


def test_peoples_daily_names_become_partial_labels() -> None:
    """scripts/train_ner.py --pd-names: a PD name of 2+ characters is a name; no other position may
    be one; a one-character surname (江主席) and a name inside a term (马克思主义) stay free."""
    from conftest import load_script

    train_ner = load_script("train_ner")
    tags = tag_set()
    text = "国家主席江泽民说江主席学习马克思主义"
    spans = [(0, 2, "LOC"), (4, 7, "PER"), (8, 9, "PER"), (13, 16, "PER")]
    allowed = train_ner.name_constraints(text, spans, tags)
    names = [{tags[j] for j in range(len(tags)) if allowed[i, j] and tags[j].endswith("-name")}
             for i in range(len(text))]
    assert [names[i] for i in (4, 5, 6)] == [{"B-name"}, {"I-name"}, {"E-name"}]
    assert int(allowed[5].sum()) == 1  # inside a name nothing else is allowed
    assert names[0] == names[2] == names[7] == set() and allowed[0].sum() == len(tags) - 4
    assert allowed[8].all() and allowed[13:16].all()
    positive = train_ner.name_constraints(text, spans, tags, positive_only=True)
    assert positive[0].all() and positive[7].all()  # --pd-names positive: only PD's names constrain
    assert torch.equal(positive[4:7], allowed[4:7])


def test_teacher_labels_for_self_training() -> None:
    """scripts/train_ner.py --pseudo: the teacher's spans keep CLUENER's labels and exact offsets."""
    from conftest import load_script

    train_ner = load_script("train_ner")
    text = "国务院副总理刘国中在北京出席会议。"
    [(labelled_text, spans)] = train_ner.label_with_teacher(MODELS_DIR / DEFAULT_MODEL, [text])
    assert labelled_text == text
    found = {(text[s:e], label) for s, e, label in spans}
    assert ("刘国中", "name") in found and ("北京", "address") in found
    assert train_ner.label_with_teacher(MODELS_DIR / DEFAULT_MODEL, []) == []


def test_swapped_names_keep_every_span_on_its_text() -> None:
    """scripts/train_ner.py --swap-names: names change, their shape class is kept, and every span
    (names and the others after them) still points at its surface in the new text."""
    from conftest import load_script

    train_ner = load_script("train_ner")
    rows = [("副市长郑川会见了约翰·史密斯和北京市代表团", [(0, 3, "position"), (3, 5, "name"),
                                              (8, 14, "name"), (15, 18, "government")]),
            ("今天天气很好", [])]
    pool = ["欧阳文华", "李明", "玛丽·居里"]
    out = train_ner.swap_names(rows, pool, copies=3, seed=1)
    assert len(out) == 3  # only sentences with a person are copied
    for text, spans in out:
        surfaces = [(text[s:e], label) for s, e, label in spans]
        assert surfaces[0] == ("副市长", "position") and surfaces[3] == ("北京市", "government")
        assert surfaces[1][0] in ("欧阳文华", "李明") and surfaces[2][0] == "玛丽·居里"
        assert text.endswith("代表团")

