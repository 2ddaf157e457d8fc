"""Character BiLSTM-CRF for Chinese NER, trained on CLUENER2020 by scripts/train_ner.py.

Why this shape: no pretrained Chinese weights can be had here and training runs on one shared CPU
core, so the model must learn from ~10k sentences in minutes and tag well over 20k characters/s.
A character model avoids depending on segmentation errors at entity boundaries; hashed bigrams give
it word-like units cheaply; and per-character lexicon features (does a title / body / enterprise
form / place / surname from models/ begin, continue or end here?) plus the segmenter's word boundaries
carry the register knowledge CLUENER's general news lacks. The CRF keeps BIOES tag sequences valid.

All ten CLUENER labels are learned (book, game, movie and scene included) and the four that are not
in the output contract are dropped after decoding: learning them as classes of their own keeps a
scenic spot or a game publisher from being pulled into `place` or `enterprise`.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from .errors import ResourceError
from .ner_lexicon import KINDS, Lexicon, default_lexicon
from .ner_rules import Span, jieba_spans
from .resources import MODELS_DIR

CLUENER_LABELS = ("name", "position", "government", "organization", "company", "address",
                  "book", "game", "movie", "scene")
LABEL_TO_TYPE = {"name": "person", "position": "title", "government": "government",
                 "organization": "organization", "company": "enterprise", "address": "place"}
DEFAULT_MODEL = "ner/cluener_bilstm_crf.pt"
MAX_CHUNK = 160  # characters per model input; longer sentences are cut at commas, then hard
SENT_END = "。！？!?；;\n"
SOFT_END = "，,、：:"


def tag_set(labels: Sequence[str] = CLUENER_LABELS) -> list[str]:
    return ["O"] + [f"{p}-{lab}" for lab in labels for p in "BIES"]


@lru_cache(maxsize=65536)
def normalize_char(ch: str) -> str:
    """The unit the model sees: NFKC width folding, lower case, every digit as 0."""
    ch = unicodedata.normalize("NFKC", ch)[:1] or ch
    if ch.isdigit():
        return "0"
    return ch.lower()


def build_vocab(texts: Sequence[str], min_count: int) -> dict[str, int]:
    """Normalized characters seen at least `min_count` times, most frequent first (ids 0 = padding,
    1 = unknown); frequency order is what the LM's adaptive softmax relies on."""
    counts = Counter(normalize_char(c) for t in texts for c in t)
    vocab = {"<pad>": 0, "<unk>": 1}
    for ch, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_count:
            vocab[ch] = len(vocab)
    return vocab


# ---------------------------------------------------------------------- features
@dataclass
class Encoded:
    chars: np.ndarray  # [T] int64
    bigram_left: np.ndarray  # [T] int64, hashed (prev, cur)
    bigram_right: np.ndarray  # [T] int64, hashed (cur, next)
    words: np.ndarray  # [T] int64, hashed word (from the segmenter) that the character is part of
    feats: np.ndarray  # [T, n_feats] float32


class Featurizer:
    """Text → model inputs; the same code serves training and inference."""

    def __init__(self, vocab: dict[str, int], n_buckets: int, *, lexicon: Lexicon | None,
                 use_segmentation: bool) -> None:
        self.vocab = vocab
        self.n_buckets = n_buckets
        self.lexicon = lexicon
        self.use_segmentation = use_segmentation
        self.n_feats = (4 * len(KINDS) if lexicon is not None else 0) + (4 if use_segmentation else 0)
        self._hashes: dict[str, int] = {}

    def _hash(self, unit: str) -> int:
        """Stable bucket of a bigram or word (crc32, not Python's salted hash), memoized."""
        h = self._hashes.get(unit)
        if h is None:
            h = 1 + zlib.crc32(unit.encode("utf-8")) % (self.n_buckets - 1)
            if len(self._hashes) < 500_000:
                self._hashes[unit] = h
        return h

    def encode(self, text: str) -> Encoded:
        norm = [normalize_char(c) for c in text]
        n = len(norm)
        get = self.vocab.get
        chars = np.fromiter((get(c, 1) for c in norm), dtype=np.int64, count=n)
        padded = ["<s>"] + norm + ["</s>"]
        # bigram (i-1, i) for i = 0..n; the right bigram of character i is the left one of i+1
        pairs = np.fromiter((self._hash(padded[i] + padded[i + 1]) for i in range(n + 1)),
                            dtype=np.int64, count=n + 1)
        left, right = pairs[:n], pairs[1:]
        feats = np.zeros((len(text), self.n_feats), dtype=np.float32)
        words = np.zeros(len(text), dtype=np.int64)
        spans = jieba_spans(text) if self.use_segmentation else []
        for s, e in spans:
            words[s:e] = self._hash("W" + "".join(norm[s:e]))
        rows: list[int] = []
        cols: list[int] = []
        col = 0
        if self.lexicon is not None:
            for m in self.lexicon.all_matches(text):
                _bmes(rows, cols, col + 4 * KIND_INDEX[m.kind], m.start, m.end)
            col += 4 * len(KINDS)
        for s, e in spans:
            _bmes(rows, cols, col, s, e)
        if rows:
            feats[rows, cols] = 1.0
        return Encoded(chars, left, right, words, feats)


KIND_INDEX = {k: i for i, k in enumerate(KINDS)}


def _bmes(rows: list[int], cols: list[int], col: int, start: int, end: int) -> None:
    """Collect the B/M/E/S cells of a span (column col + 0..3), set in one indexed write."""
    if end - start == 1:
        rows.append(start)
        cols.append(col + 3)
        return
    rows.append(start)
    cols.append(col)
    middle = end - start - 2
    if middle:
        rows.extend(range(start + 1, end - 1))
        cols.extend([col + 1] * middle)
    rows.append(end - 1)
    cols.append(col + 2)


# ---------------------------------------------------------------------- network
def allowed_transitions(tags: Sequence[str]) -> torch.Tensor:
    """[from, to] mask of BIOES transitions that can occur, plus start/end masks (last two rows)."""
    n = len(tags)

    def split(t: str) -> tuple[str, str]:
        return (t, "") if t == "O" else (t[0], t[2:])

    ok = torch.zeros(n + 2, n, dtype=torch.bool)
    for j, tj in enumerate(tags):
        pj, lj = split(tj)
        ok[n, j] = pj in ("O", "B", "S")  # start → j
        ok[n + 1, j] = pj in ("O", "E", "S")  # j → end
        for i, ti in enumerate(tags):
            pi, li = split(ti)
            if pi in ("O", "E", "S"):
                ok[i, j] = pj in ("O", "B", "S")
            else:  # B or I
                ok[i, j] = pj in ("I", "E") and lj == li
    return ok


class CRF(nn.Module):
    """Linear-chain CRF over BIOES tags; transitions BIOES forbids are fixed at -1e4."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__()
        n_tags = len(tags)
        self.trans = nn.Parameter(torch.zeros(n_tags, n_tags))
        self.start = nn.Parameter(torch.zeros(n_tags))
        self.end = nn.Parameter(torch.zeros(n_tags))
        mask = allowed_transitions(tags)
        self.register_buffer("trans_ok", mask[:n_tags], persistent=False)
        self.register_buffer("start_ok", mask[n_tags], persistent=False)
        self.register_buffer("end_ok", mask[n_tags + 1], persistent=False)

    def _params(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        neg = -1e4
        return (self.trans.masked_fill(~self.trans_ok, neg), self.start.masked_fill(~self.start_ok, neg),
                self.end.masked_fill(~self.end_ok, neg))

    def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood of gold tag sequences ([B, T] tags, [B, T] bool mask)."""
        trans, start, end = self._params()
        t = em.shape[1]
        maskf = mask.float()
        score = start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        for i in range(1, t):
            step = trans[tags[:, i - 1], tags[:, i]] + em[:, i].gather(1, tags[:, i : i + 1]).squeeze(1)
            score = score + step * maskf[:, i]
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        score = score + end[last]
        return (self._log_partition(em, mask, trans, start, end) - score).mean()

    def partial_nll(self, em: torch.Tensor, allowed: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood of the paths that keep to `allowed` ([B, T, n] bool).
        Why: a corpus annotated for some labels only (People's Daily names) can teach those labels
        without saying anything about the others: every path that agrees with it counts as gold."""
        trans, start, end = self._params()
        log_z = self._log_partition(em, mask, trans, start, end)
        log_gold = self._log_partition(em.masked_fill(~allowed, -1e4), mask, trans, start, end)
        return (log_z - log_gold).mean()

    @staticmethod
    def _log_partition(em: torch.Tensor, mask: torch.Tensor, trans: torch.Tensor, start: torch.Tensor,
                       end: torch.Tensor) -> torch.Tensor:
        alpha = start.unsqueeze(0) + em[:, 0]
        for i in range(1, em.shape[1]):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + em[:, i]
            alpha = torch.where(mask[:, i : i + 1], nxt, alpha)
        return torch.logsumexp(alpha + end.unsqueeze(0), dim=1)

    @torch.no_grad()
    def decode(self, em: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
        """Viterbi paths, one list of tag ids per sequence."""
        return viterbi(em, lengths, *self._params())


@torch.no_grad()
def viterbi(em: torch.Tensor, lengths: torch.Tensor, trans: torch.Tensor, start: torch.Tensor,
            end: torch.Tensor) -> list[list[int]]:
    """Best tag paths under emissions [B, T, n] and (masked) transition, start and end scores."""
    b, t, n = em.shape
    score = start.unsqueeze(0) + em[:, 0]
    back = torch.zeros(b, t, n, dtype=torch.long)
    mask = torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1)
    for i in range(1, t):
        best, idx = (score.unsqueeze(2) + trans.unsqueeze(0)).max(dim=1)
        score = torch.where(mask[:, i : i + 1], best + em[:, i], score)
        back[:, i] = idx
    last = (score + end.unsqueeze(0)).argmax(dim=1)
    paths: list[list[int]] = []
    back_np = back.numpy()
    for k in range(b):
        tag = int(last[k])
        path = [tag]
        for i in range(int(lengths[k]) - 1, 0, -1):
            tag = int(back_np[k, i, tag])
            path.append(tag)
        paths.append(path[::-1])
    return paths


def reverse_index(lengths: torch.Tensor, t: int) -> torch.Tensor:
    """[B, T] gather index that reverses each sequence within its length and leaves padding put."""
    pos = torch.arange(t).unsqueeze(0)
    lens = lengths.unsqueeze(1)
    return torch.where(pos < lens, lens - 1 - pos, pos)


def both_ways(x: torch.Tensor, lengths: torch.Tensor, fwd: Callable[[torch.Tensor], torch.Tensor],
              bwd: Callable[[torch.Tensor], torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-to-right and right-to-left states of a padded batch [B, T, D], without packing.

    Why: packed sequences keep PyTorch off its fast CPU kernels (padded calls are 1.4-1.8× faster
    here). `fwd` never reads the padding that follows a sequence at a valid position; `bwd` runs
    left to right over each sequence reversed within its length, so its padding follows too, and
    its states are put back in text order.
    """
    rev = reverse_index(lengths, x.shape[1]).unsqueeze(2)
    hb = bwd(x.gather(1, rev.expand_as(x)))
    return fwd(x), hb.gather(1, rev.expand_as(hb))


def bilstm(lstm: nn.LSTM, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """A one-layer bidirectional LSTM over a padded batch [B, T, D] → [B, T, 2*hidden] (`both_ways`)."""
    h0 = x.new_zeros(1, x.shape[0], lstm.hidden_size)

    def direction(suffix: str) -> Callable[[torch.Tensor], torch.Tensor]:
        weights = [getattr(lstm, f"{name}_l0{suffix}")
                   for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        # torch.lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)
        return lambda z: torch.lstm(z, (h0, h0), weights, True, 1, 0.0, False, False, True)[0]

    return torch.cat(both_ways(x, lengths, direction(""), direction("_reverse")), dim=-1)


class CharLM(nn.Module):
    """Forward and backward character LSTM language models, pretrained on unlabelled news.

    Why: CLUENER's 10k sentences are too few to learn what a transliterated foreign name, a
    historical figure or an organisation looks like; millions of characters of unlabelled news
    (scripts/pretrain_charlm.py) teach that cheaply on a CPU. The tagger reads the frozen states as
    extra input features (ELMo-style): the forward state at t has seen characters ≤ t, the backward
    state characters ≥ t.
    """

    def __init__(self, n_chars: int, *, char_dim: int = 64, hidden: int = 128) -> None:
        super().__init__()
        self.emb = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.fwd = nn.LSTM(char_dim, hidden, batch_first=True)
        self.bwd = nn.LSTM(char_dim, hidden, batch_first=True)

    @property
    def out_dim(self) -> int:
        return 2 * self.fwd.hidden_size

    def forward(self, chars: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Forward and backward states, each [B, T, hidden]."""
        return both_ways(self.emb(chars), lengths, lambda z: self.fwd(z)[0], lambda z: self.bwd(z)[0])


class CharTagger(nn.Module):
    """Embeddings (char, two hashed bigrams, lexicon/segmentation features, optional frozen
    character-LM states) → BiLSTM → CRF."""

    def __init__(self, n_chars: int, n_buckets: int, n_feats: int, tags: Sequence[str], *,
                 char_dim: int = 64, bigram_dim: int = 32, word_dim: int = 0, hidden: int = 128,
                 lm_char_dim: int = 0, lm_hidden: int = 0, dropout: float = 0.3) -> None:
        super().__init__()
        self.tags = list(tags)
        self.char_emb = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.bigram_emb = nn.Embedding(n_buckets, bigram_dim, padding_idx=0)
        # hashed embedding of the segmenter's word around each character (0 = off)
        self.word_emb = nn.Embedding(n_buckets, word_dim, padding_idx=0) if word_dim else None
        self.lm = CharLM(n_chars, char_dim=lm_char_dim, hidden=lm_hidden) if lm_hidden else None
        if self.lm is not None:
            self.lm.requires_grad_(False)
        in_dim = char_dim + 2 * bigram_dim + word_dim + n_feats + (self.lm.out_dim if self.lm else 0)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(in_dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, len(tags))
        self.crf = CRF(tags)

    def encode(self, chars: torch.Tensor, bl: torch.Tensor, br: torch.Tensor, words: torch.Tensor,
               feats: torch.Tensor, lengths: torch.Tensor,
               lm_states: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """Contextual character states [B, T, 2*hidden] (shared with auxiliary heads in training).

        `lm_states` are this batch's LM states when an ensemble has already computed them with the
        LM its members share.
        """
        parts = [self.char_emb(chars), self.bigram_emb(bl), self.bigram_emb(br)]
        if self.word_emb is not None:
            parts.append(self.word_emb(words))
        if lm_states is not None:
            parts.extend(lm_states)
        elif self.lm is not None:
            # frozen unless a training script unfroze it (train_ner.py --lm-finetune)
            tuned = self.lm.emb.weight.requires_grad
            with contextlib.nullcontext() if tuned else torch.no_grad():
                parts.extend(self.lm(chars, lengths))
        x = torch.cat(parts + [feats], dim=-1)
        x = self.dropout(x)
        return self.dropout(bilstm(self.lstm, x, lengths))

    def emissions(self, chars: torch.Tensor, bl: torch.Tensor, br: torch.Tensor, words: torch.Tensor,
                  feats: torch.Tensor, lengths: torch.Tensor,
                  lm_states: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        return self.out(self.encode(chars, bl, br, words, feats, lengths, lm_states))

    def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.crf.nll(em, tags, mask)

    def decode(self, em: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
        return self.crf.decode(em, lengths)


def tags_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """BIOES tags → (start, end exclusive, label); ill-formed pieces are closed where they stop."""
    out: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate(tags):
        p, lab = (tag, "") if tag == "O" else (tag[0], tag[2:])
        if p in ("B", "S") or p == "O" or lab != label:
            if start >= 0:
                out.append((start, i, label))
            start, label = (-1, "") if p == "O" else (i, lab)
        if p in ("E", "S") and start >= 0:
            out.append((start, i + 1, label))
            start, label = -1, ""
    if start >= 0:
        out.append((start, len(tags), label))
    return out


def chunk_text(text: str, max_len: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """Sentence-like pieces of at most max_len characters, covering the text."""
    pieces: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + max_len)
        if end < n:
            cut = max((text.rfind(c, start, end) for c in SENT_END), default=-1)
            if cut <= start:
                cut = max((text.rfind(c, start, end) for c in SOFT_END), default=-1)
            if cut > start:
                end = cut + 1
        else:
            cut = max((text.rfind(c, start, end - 1) for c in SENT_END), default=-1)
            if cut > start:
                end = cut + 1
        pieces.append((start, end))
        start = end
    return pieces


_LINE = re.compile(r"[^\n\r\u2028\u2029]+")


def model_pieces(text: str) -> list[tuple[int, int]]:
    """The spans the model reads: each line (stripped) cut by `chunk_text`.

    Why lines: the model and its character LM only ever saw single-line sentences, so a line break
    is a character they cannot read (it came out as the first letter of a name); scraped pages and
    paragraphs put names right after one.
    """
    out: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        line = m.group()
        start = m.start() + len(line) - len(line.lstrip())
        end = m.start() + len(line.rstrip())
        if start < end:
            out.extend((start + a, start + b) for a, b in chunk_text(text[start:end]))
    return out


def batch_tensors(encoded: Sequence[Encoded]) -> tuple[torch.Tensor, ...]:
    lengths = torch.tensor([len(e.chars) for e in encoded], dtype=torch.long)
    t = int(lengths.max())
    b = len(encoded)
    n_feats = encoded[0].feats.shape[1]
    chars = torch.zeros(b, t, dtype=torch.long)
    bl = torch.zeros(b, t, dtype=torch.long)
    br = torch.zeros(b, t, dtype=torch.long)
    words = torch.zeros(b, t, dtype=torch.long)
    feats = torch.zeros(b, t, n_feats)
    for k, e in enumerate(encoded):
        n = len(e.chars)
        chars[k, :n] = torch.from_numpy(e.chars)
        bl[k, :n] = torch.from_numpy(e.bigram_left)
        br[k, :n] = torch.from_numpy(e.bigram_right)
        words[k, :n] = torch.from_numpy(e.words)
        feats[k, :n] = torch.from_numpy(e.feats)
    return chars, bl, br, words, feats, lengths


# ---------------------------------------------------------------------- inference wrapper
class NerModel:
    """One trained tagger, or an ensemble of taggers, with their featurizer; `predict(texts)` gives
    entity spans per text.

    Why an ensemble: taggers trained from different seeds make different boundary mistakes, and
    decoding with their averaged emission and transition scores (a product of the CRFs) removes many
    of them, for the cost of one more small BiLSTM per member: the featurizing, the character LM
    (when the members share it) and the Viterbi pass are done once.
    """

    def __init__(self, net: CharTagger | Sequence[CharTagger], featurizer: Featurizer, *,
                 batch_size: int = 64) -> None:
        self.nets = [net] if isinstance(net, CharTagger) else list(net)
        if not self.nets:
            raise ValueError("NerModel needs at least one tagger")
        if any(n.tags != self.nets[0].tags for n in self.nets):
            raise ResourceError("ensemble members were trained with different tag sets; retrain them "
                                "with the same scripts/train_ner.py labels")
        for n in self.nets:
            n.eval()
        self.featurizer = featurizer
        self.batch_size = batch_size
        self.meta: dict = {}  # what the file says about its training (scripts/train_ner.py, combine_ner.py)

    @property
    def net(self) -> CharTagger:
        """The first (for a single model: the only) tagger."""
        return self.nets[0]

    def _shared_lm(self) -> CharLM | None:
        lm = self.nets[0].lm
        return lm if lm is not None and len(self.nets) > 1 and all(n.lm is lm for n in self.nets) else None

    def scores(self, chars: torch.Tensor, bl: torch.Tensor, br: torch.Tensor, words: torch.Tensor,
               feats: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Emissions and (transition, start, end) scores, averaged over the members."""
        lm = self._shared_lm()
        lm_states = lm(chars, lengths) if lm is not None else None
        em = self.nets[0].emissions(chars, bl, br, words, feats, lengths, lm_states)
        params = self.nets[0].crf._params()
        if len(self.nets) == 1:
            return em, params
        for net in self.nets[1:]:
            em = em + net.emissions(chars, bl, br, words, feats, lengths, lm_states)
            params = tuple(a + b for a, b in zip(params, net.crf._params()))
        k = len(self.nets)
        return em / k, tuple(p / k for p in params)

    def predict(self, texts: Sequence[str], *, all_labels: bool = False) -> list[list[Span]]:
        """Entity spans per text, typed as the contract's six types; with `all_labels`, every span the
        model decodes, typed with its CLUENER label (book, game, ... too), which is what a teacher
        needs to label text for another tagger (`scripts/train_ner.py --pseudo`)."""
        pieces: list[tuple[int, int, int]] = []  # (text index, start, end)
        for k, text in enumerate(texts):
            pieces.extend((k, s, e) for s, e in model_pieces(text))
        out: list[list[Span]] = [[] for _ in texts]
        order = sorted(range(len(pieces)), key=lambda p: pieces[p][2] - pieces[p][1])
        tag_names = self.nets[0].tags
        for b0 in range(0, len(order), self.batch_size):
            idx = order[b0 : b0 + self.batch_size]
            enc = [self.featurizer.encode(texts[pieces[p][0]][pieces[p][1] : pieces[p][2]]) for p in idx]
            chars, bl, br, words, feats, lengths = batch_tensors(enc)
            with torch.inference_mode():
                em, params = self.scores(chars, bl, br, words, feats, lengths)
                probs = torch.softmax(em, dim=-1).numpy()
                paths = viterbi(em, lengths, *params)
            for row, p, path in zip(range(len(idx)), idx, paths):
                k, s, e = pieces[p]
                tags = [tag_names[t] for t in path]
                piece = texts[k][s:e]
                for a, b, label in tags_to_spans(tags):
                    etype = label if all_labels else LABEL_TO_TYPE.get(label)
                    if etype is None:
                        continue
                    while a < b and piece[a].isspace():  # an entity never starts or ends in a space
                        a += 1
                    while b > a and piece[b - 1].isspace():
                        b -= 1
                    if a == b:
                        continue
                    score = float(np.mean(probs[row, np.arange(a, b), path[a:b]]))
                    out[k].append(Span(s + a, s + b, etype, "model", score))
        for spans in out:
            spans.sort(key=lambda x: (x.start, x.end))
        return out

    # ------------------------------------------------------------------ ensembles
    @classmethod
    def combine(cls, models: Sequence["NerModel"]) -> "NerModel":
        """One ensemble of several trained models; they must read the same features."""
        first = models[0].featurizer
        for m in models[1:]:
            f = m.featurizer
            same_lexicon = (f.lexicon is None) == (first.lexicon is None) and (
                f.lexicon is None or f.lexicon.entries == first.lexicon.entries)
            if not (f.vocab == first.vocab and f.n_buckets == first.n_buckets and same_lexicon
                    and f.use_segmentation == first.use_segmentation):
                raise ResourceError("cannot combine NER models that read different features (vocabulary, "
                                    "buckets, lexicon or segmentation); train the members with the same "
                                    "scripts/train_ner.py options and character LM")
        nets = [n for m in models for n in m.nets]
        lm0 = nets[0].lm
        if lm0 is not None and all(n.lm is not None and _same_state(n.lm, lm0) for n in nets):
            for n in nets:
                n.lm = lm0  # one LM pass serves every member
        return cls(nets, first, batch_size=models[0].batch_size)

    # ------------------------------------------------------------------ persistence
    def save(self, path: Path, extra: dict | None = None) -> None:
        """One file for the whole ensemble; a shared LM is stored once."""
        path.parent.mkdir(parents=True, exist_ok=True)
        shared = self._shared_lm()

        def own(net: CharTagger) -> dict[str, torch.Tensor]:
            return {k: v for k, v in net.state_dict().items() if not (shared is not None and k.startswith("lm."))}

        torch.save({"members": [{"state": _fp16_embeddings(own(n)), "dims": _dims(n)} for n in self.nets],
                    "lm_state": _fp16_embeddings(shared.state_dict()) if shared is not None else None,
                    "tags": self.nets[0].tags, "vocab": self.featurizer.vocab,
                    "n_buckets": self.featurizer.n_buckets,
                    "use_lexicon": self.featurizer.lexicon is not None,
                    # the lexicons as trained on, so later edits of models/zh_*.tsv (which the rules
                    # read) cannot shift the features under the trained weights
                    "lexicon": self.featurizer.lexicon.entries if self.featurizer.lexicon else None,
                    "use_segmentation": self.featurizer.use_segmentation,
                    "meta": extra or {}}, path)

    @property
    def dims(self) -> dict[str, int]:
        return _dims(self.nets[0])

    @classmethod
    def load(cls, path: Path, *, lexicon: Lexicon | None = None) -> "NerModel":
        try:
            blob = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, EOFError) as exc:
            raise ResourceError(f"cannot load NER weights {path}: {exc}; rebuild them with "
                                "`python scripts/train_ner.py`") from exc
        lex = None
        if blob["use_lexicon"]:
            saved = blob.get("lexicon")
            lex = lexicon or (Lexicon(saved) if saved else default_lexicon())
        feat = Featurizer(blob["vocab"], blob["n_buckets"], lexicon=lex,
                          use_segmentation=blob["use_segmentation"])
        # files written before ensembles hold one tagger under "state" / "dims"
        members = blob.get("members") or [{"state": blob["state"], "dims": blob["dims"]}]
        shared = blob.get("lm_state")
        lm_state = {f"lm.{k}": v.float() for k, v in shared.items()} if shared is not None else {}
        nets = []
        for m in members:
            net = CharTagger(len(blob["vocab"]), blob["n_buckets"], feat.n_feats, blob["tags"], dropout=0.0,
                             **m["dims"])
            net.load_state_dict({**{k: v.float() for k, v in m["state"].items()}, **lm_state})
            if shared is not None and nets:
                net.lm = nets[0].lm  # one LM pass serves every member
            nets.append(net)
        model = cls(nets, feat)
        model.meta = blob.get("meta") or {}
        return model

    @property
    def saw_heldout_slice(self) -> bool:
        """Whether a member was refit on all of CLUENER train (scripts/train_ner.py --all-train): the
        held-out slice then no longer measures the model, and development figures must not use it."""
        return any(m.get("all_train") for m in self.meta.get("members") or [self.meta])


def _dims(net: CharTagger) -> dict[str, int]:
    return {"char_dim": net.char_emb.embedding_dim, "bigram_dim": net.bigram_emb.embedding_dim,
            "word_dim": net.word_emb.embedding_dim if net.word_emb is not None else 0,
            "hidden": net.lstm.hidden_size,
            "lm_char_dim": net.lm.emb.embedding_dim if net.lm is not None else 0,
            "lm_hidden": net.lm.fwd.hidden_size if net.lm is not None else 0}


def _fp16_embeddings(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Embedding tables in fp16 (they dominate the file; no measurable effect on F1)."""
    return {k: v.half() if v.dtype == torch.float32 and "emb" in k else v for k, v in state.items()}


def _same_state(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@lru_cache(maxsize=4)
def load_default_model(use_lexicon_features: bool = True) -> NerModel:
    """The bundled model (models/ner/…), loaded once per process: an ensemble of taggers trained
    with different seeds (scripts/combine_ner.py), read as one model.

    With `use_lexicon_features=False` the model trained without lexicon features is used, so the
    `use_lexicon` option of the stage switches the register knowledge off everywhere.
    """
    name = DEFAULT_MODEL if use_lexicon_features else DEFAULT_MODEL.replace(".pt", "_nolex.pt")
    path = MODELS_DIR / name
    if not path.exists():
        raise ResourceError(f"NER weights {path} are missing; train them with "
                            "`python scripts/train_ner.py` or pass use_model=False")
    return NerModel.load(path)
