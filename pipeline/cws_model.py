"""The accurate segmentation mode: a character tagger trained by scripts/train_cws.py.

Each character is tagged B/M/E/S (begin, middle, end of a word, single-character word) from
- its own embedding and the embeddings of the bigrams it forms with its left and right neighbours
  (bigrams carry most of the signal in Chinese segmentation);
- dictionary-match features: the longest dictionary word that starts, ends, or strictly contains the
  character. The dictionary is the standard's training word list, which reaches beyond the gold text we
  have (for MSR, the list covers the whole MSR training set, our gold only about half of it);
- three dilated, residual 1-D convolutions (receptive field of 9 characters, bigrams add one each side).
Decoding is Viterbi over the log-probabilities with the BMES constraints (B/M are followed by M/E,
E/S by B/S). Convolutions instead of an LSTM because they batch well on one CPU core.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import torch
from torch import nn

from .cws_dict import load_frequency_dict
from .cws_text import fold_width
from .errors import ResourceError
from .resources import MODELS_DIR, resource_path

TAGS = "BMES"
MAX_DICT_LEN = 6  # dictionary feature values: 0 (no match), 2..6 (6 = six or more characters)
MAX_WORD = 12  # longest dictionary word that is matched at all
BOS, EOS = "\x02", "\x03"
PAD, UNK = 0, 1

# Allowed tag transitions (row: previous tag, column: next tag), as additive log-scores.
_NEG = -1e9
TRANS = np.array(
    [
        [_NEG, 0, 0, _NEG],  # B -> M, E
        [_NEG, 0, 0, _NEG],  # M -> M, E
        [0, _NEG, _NEG, 0],  # E -> B, S
        [0, _NEG, _NEG, 0],  # S -> B, S
    ],
    dtype=np.float32,
)
START = np.array([0, _NEG, _NEG, 0], dtype=np.float32)
END = np.array([_NEG, _NEG, 0, 0], dtype=np.float32)


class Featurizer:
    """Maps text to integer features: char, left bigram, right bigram, dict start/end/inside."""

    def __init__(self, chars: Sequence[str], bigrams: Sequence[str], words: Iterable[str]) -> None:
        self.chars = list(chars)
        self.bigrams = list(bigrams)
        self.char_ids = {c: i + 2 for i, c in enumerate(self.chars)}
        self.bigram_ids = {b: i + 2 for i, b in enumerate(self.bigrams)}
        self.set_words(words)

    def set_words(self, words: Iterable[str]) -> None:
        self.words = {w for w in words if 2 <= len(w) <= MAX_WORD}
        self.prefixes = {w[:k] for w in self.words for k in range(2, len(w))}

    def __call__(self, text: str) -> np.ndarray:
        """(len(text), 6) int64 features of width-folded `text`."""
        s = fold_width(text)
        n = len(s)
        feats = np.zeros((n, 6), dtype=np.int64)
        if n == 0:
            return feats
        cid = self.char_ids
        bid = self.bigram_ids
        feats[:, 0] = [cid.get(c, UNK) for c in s]
        padded = BOS + s + EOS
        bi = [bid.get(padded[i : i + 2], UNK) for i in range(n + 1)]
        feats[:, 1] = bi[:-1]
        feats[:, 2] = bi[1:]
        start = [0] * n
        end = [0] * n
        inside = [0] * n
        words, prefixes = self.words, self.prefixes
        for i in range(n - 1):
            j = i + 2
            limit = min(n, i + MAX_WORD)
            while j <= limit:
                sub = s[i:j]
                if sub in words:
                    length = min(j - i, MAX_DICT_LEN)
                    start[i] = length
                    if end[j - 1] < length:
                        end[j - 1] = length
                    for k in range(i + 1, j - 1):
                        if inside[k] < length:
                            inside[k] = length
                if sub not in prefixes:
                    break
                j += 1
        feats[:, 3] = start
        feats[:, 4] = end
        feats[:, 5] = inside
        return feats


class TaggerNet(nn.Module):
    """Embeddings -> projection -> residual dilated convolutions -> BMES scores."""

    def __init__(
        self,
        n_chars: int,
        n_bigrams: int,
        char_dim: int = 64,
        bigram_dim: int = 48,
        dict_dim: int = 16,
        hidden: int = 192,
        dilations: Sequence[int] = (1, 2, 1),
        dropout: float = 0.2,
        n_standards: int = 1,
    ) -> None:
        super().__init__()
        self.hparams = dict(
            n_chars=n_chars, n_bigrams=n_bigrams, char_dim=char_dim, bigram_dim=bigram_dim,
            dict_dim=dict_dim, hidden=hidden, dilations=list(dilations), dropout=dropout,
            n_standards=n_standards,
        )
        self.uni = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
        self.bi = nn.Embedding(n_bigrams, bigram_dim, padding_idx=PAD)
        self.dict_emb = nn.ModuleList(nn.Embedding(MAX_DICT_LEN + 1, dict_dim) for _ in range(3))
        self.drop = nn.Dropout(dropout)
        self.proj = nn.Linear(char_dim + 2 * bigram_dim + 3 * dict_dim, hidden)
        self.convs = nn.ModuleList(
            nn.Conv1d(hidden, hidden, 3, padding=d, dilation=d) for d in dilations
        )
        # One model for several standards (multi-criteria learning): the encoder is shared, each
        # standard adds its own vector to the input projection and has its own output layer.
        self.standard_emb = nn.Embedding(n_standards, hidden)
        self.out = nn.Linear(hidden, len(TAGS) * n_standards)

    def forward(self, feats: torch.Tensor, standard: int = 0) -> torch.Tensor:
        """feats (B, L, 6) -> logits (B, L, 4) for the standard with index `standard`."""
        mask = (feats[:, :, 0] != PAD).unsqueeze(1).to(torch.float32)
        x = torch.cat(
            [self.uni(feats[:, :, 0]), self.bi(feats[:, :, 1]), self.bi(feats[:, :, 2])]
            + [emb(feats[:, :, 3 + k]) for k, emb in enumerate(self.dict_emb)],
            dim=-1,
        )
        h = torch.relu(self.proj(self.drop(x)) + self.standard_emb.weight[standard])
        h = h.transpose(1, 2) * mask
        for conv in self.convs:
            h = (h + self.drop(torch.relu(conv(h)))) * mask
        n = len(TAGS)
        return nn.functional.linear(
            h.transpose(1, 2), self.out.weight[standard * n : (standard + 1) * n],
            self.out.bias[standard * n : (standard + 1) * n],
        )


def viterbi(logprobs: np.ndarray, lengths: Sequence[int]) -> list[np.ndarray]:
    """Best BMES tag path per sequence under the transition constraints (batched over rows)."""
    b, max_len, _ = logprobs.shape
    lengths_arr = np.asarray(lengths)
    score = logprobs[:, 0] + START
    back = np.zeros((b, max_len, 4), dtype=np.int8)
    identity = np.arange(4, dtype=np.int8)
    for t in range(1, max_len):
        cand = score[:, :, None] + TRANS[None]
        prev = cand.argmax(axis=1)
        new = np.take_along_axis(cand, prev[:, None, :], axis=1)[:, 0] + logprobs[:, t]
        active = (t < lengths_arr)[:, None]
        score = np.where(active, new, score)
        back[:, t] = np.where(active, prev, identity)
    tag = (score + END).argmax(axis=1)
    path = np.zeros((b, max_len), dtype=np.int8)
    rows = np.arange(b)
    for t in range(max_len - 1, -1, -1):
        path[:, t] = tag
        tag = back[rows, t, tag]
    return [path[i, : lengths[i]] for i in range(b)]


_CHUNK_AFTER = re.compile(r"[。！？!?；;\n]+[”’」』）)]*|[，,、：:]")
MAX_CHUNK = 200


def chunk_text(text: str, max_len: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """Cut long text into spans the tagger sees separately: after sentence punctuation, then commas,
    then hard cuts. The model's context is 11 characters, so nothing is lost at these cuts."""
    if len(text) <= max_len:
        return [(0, len(text))] if text else []
    spans: list[tuple[int, int]] = []
    start = 0
    last_cut = 0
    for m in _CHUNK_AFTER.finditer(text):
        cut = m.end()
        if cut - start > max_len and last_cut > start:
            spans.append((start, last_cut))
            start = last_cut
        while cut - start > max_len:
            spans.append((start, start + max_len))
            start += max_len
        last_cut = cut
    if len(text) - start > max_len and last_cut > start:
        spans.append((start, last_cut))
        start = last_cut
    while len(text) - start > max_len:
        spans.append((start, start + max_len))
        start += max_len
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def tags_to_words(text: str, tags: np.ndarray) -> list[str]:
    """Words of `text` given one BMES tag per character (a word ends at E or S)."""
    ends = np.flatnonzero(tags >= 2) + 1
    words = []
    prev = 0
    for e in ends.tolist():
        words.append(text[prev:e])
        prev = e
    if prev < len(text):
        words.append(text[prev:])
    return words


class Tagger:
    """A trained tagger ready to segment: featurize, batch by length, score, decode."""

    def __init__(
        self, net: TaggerNet, featurizer: Featurizer, standard_index: int = 0, batch_chars: int = 8192
    ) -> None:
        self.net = net.eval()
        self.featurizer = featurizer
        self.standard_index = standard_index
        self.batch_chars = batch_chars

    def cut(self, text: str) -> list[str]:
        return self.cut_many([text])[0]

    def cut_many(self, texts: list[str]) -> list[list[str]]:
        """Segment many texts at once (batching is what makes the network fast on a CPU)."""
        pieces: list[tuple[int, str]] = []  # (text index, chunk), in text order
        for ti, text in enumerate(texts):
            for a, b in chunk_text(text):
                pieces.append((ti, text[a:b]))
        tags = self.tag([p for _, p in pieces])
        out: list[list[str]] = [[] for _ in texts]
        for (ti, piece), t in zip(pieces, tags):
            out[ti].extend(tags_to_words(piece, t))
        return out

    def tag(self, pieces: list[str]) -> list[np.ndarray]:
        feats = [self.featurizer(p) for p in pieces]
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        result: list[np.ndarray] = [np.zeros(0, dtype=np.int8)] * len(pieces)
        i = 0
        with torch.inference_mode():
            while i < len(order):
                # Ascending lengths: grow the batch while (rows x longest row) stays within budget.
                size = 1
                while i + size < len(order) and (size + 1) * len(pieces[order[i + size]]) <= self.batch_chars:
                    size += 1
                idx = order[i : i + size]
                i += size
                lengths = [len(pieces[j]) for j in idx]
                max_len = max(lengths)
                if max_len == 0:
                    continue
                batch = np.zeros((len(idx), max_len, 6), dtype=np.int64)
                for r, j in enumerate(idx):
                    batch[r, : lengths[r]] = feats[j]
                logits = self.net(torch.from_numpy(batch), self.standard_index)
                logprobs = torch.log_softmax(logits, dim=-1).numpy()
                for j, path in zip(idx, viterbi(logprobs, lengths)):
                    result[j] = path
        return result


def save_tagger(
    path: str, net: TaggerNet, featurizer: Featurizer, standards: list[str], info: dict
) -> None:
    """Weights in fp16 (halves the file; no measurable effect on F1) plus vocabularies.

    The vocabularies are stored as one newline-joined string each: torch's safe (weights-only)
    unpickler reads a list of 150k short strings in 0.4-0.8 s, one string in 15 ms, and
    the load is paid by every process that segments (text lines never contain a newline).
    """
    state = {k: v.half() if v.is_floating_point() else v for k, v in net.state_dict().items()}
    torch.save(
        {"hparams": net.hparams, "state": state, "chars": "\n".join(featurizer.chars),
         "bigrams": "\n".join(featurizer.bigrams), "standards": standards, "info": info},
        path,
    )


TAGGER_FILES = ("cws/tagger_{standard}.pt", "cws/tagger_joint.pt")


def tagger_path(standard: str) -> str:
    """The model file for a standard: its own model if there is one, else the joint one."""
    for name in TAGGER_FILES:
        candidate = name.format(standard=standard)
        if (MODELS_DIR / candidate).exists():
            return candidate
    return TAGGER_FILES[-1]


@lru_cache(maxsize=4)
def load_net(name: str) -> tuple[TaggerNet, list[str], list[str], list[str]]:
    """Network, characters, bigrams and standards of a model file (shared by its standards)."""
    path = resource_path(name)
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        net = TaggerNet(**blob["hparams"])
        net.load_state_dict({k: v.float() for k, v in blob["state"].items()})
    except (OSError, RuntimeError, KeyError, TypeError) as exc:
        raise ResourceError(
            f"cannot load the segmentation model {path}: {exc}; rebuild it with "
            "`python scripts/train_cws.py tagger` (see docs/results_cws.md)"
        ) from exc
    chars, bigrams = (v.split("\n") if isinstance(v, str) else v for v in (blob["chars"], blob["bigrams"]))
    return net.eval(), chars, bigrams, blob["standards"]


@lru_cache(maxsize=4)
def load_tagger(standard: str) -> Tagger:
    """The bundled tagger for a standard; dictionary features use the fast mode's dictionary."""
    net, chars, bigrams, standards = load_net(tagger_path(standard))
    if standard not in standards:
        raise ResourceError(f"the segmentation model has no {standard!r} output; retrain it")
    words = [w for w, _ in load_frequency_dict(f"cws/{standard}_dict.txt")]
    return Tagger(net, Featurizer(chars, bigrams, words), standards.index(standard))
