"""The accurate segmentation mode: a character tagger trained by scripts/train_cws.py.

Each character is tagged B/M/E/S (begin, middle, end of a word, single-character word) from
- its own embedding and the embeddings of the bigrams it forms with its left and right neighbours
  (bigrams carry most of the signal in Chinese segmentation);
- dictionary-match features: the longest dictionary word that starts, ends, or strictly contains the
  character. The dictionary is the standard's training word list, which reaches beyond the gold text we
  have (for MSR, the list covers the whole MSR training set, our gold only about half of it);
- dilated, residual 1-D convolutions (the bundled model: four, dilations 1, 2, 4, 1, so a character
  sees 8 characters on each side, bigrams add one more).
Decoding is Viterbi over the log-probabilities with the BMES constraints (B/M are followed by M/E,
E/S by B/S). Convolutions instead of an LSTM because they batch well on one CPU core.

Inference is numpy only (`ConvTagger`); the torch network that trains the weights is
`pipeline.cws_train.TaggerNet`. Importing torch costs 1.1-1.5 s, as long as segmenting 100k
characters, and every `govpipe segment --mode accurate` process paid it; the numpy forward pass is a
few matrix products over the same weights and gives the same tags (a test compares the two).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

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


class ConvTagger:
    """The tagger's forward pass in numpy, over the weights `pipeline.cws_train.TaggerNet` trains
    (same parameter names): embeddings -> projection -> residual dilated convolutions -> BMES scores.

    A convolution of width 3 and dilation d is one matrix product per layer: the three kernel
    taps are stacked into one (hidden, 3 x hidden) matrix, and the outputs for positions t-d, t and
    t+d are added, shifted, afterwards (shifting outputs avoids copying inputs into a wider array).
    """

    def __init__(self, state: Mapping[str, np.ndarray], hparams: Mapping) -> None:
        f32 = {k: np.asarray(v, dtype=np.float32) for k, v in state.items()}
        self.tables = [f32["uni.weight"], f32["bi.weight"], f32["bi.weight"]] + [
            f32[f"dict_emb.{k}.weight"] for k in range(3)]
        self.proj = np.ascontiguousarray(f32["proj.weight"].T)
        self.proj_bias = f32["proj.bias"]
        self.standard_vec = f32["standard_emb.weight"]
        self.convs = []
        for k, d in enumerate(hparams["dilations"]):
            w = f32[f"convs.{k}.weight"]  # (out, in, 3), torch's Conv1d layout
            taps = np.concatenate([w[:, :, j].T for j in range(3)], axis=1)
            self.convs.append((int(d), np.ascontiguousarray(taps), f32[f"convs.{k}.bias"]))
        self.out = f32["out.weight"]
        self.out_bias = f32["out.bias"]

    def __call__(self, feats: np.ndarray, standard: int = 0) -> np.ndarray:
        """feats (B, L, 6) -> logits (B, L, 4) for the standard with index `standard`."""
        b, length, _ = feats.shape
        flat = feats.reshape(b * length, 6)
        mask = (flat[:, 0] != PAD)[:, None].astype(np.float32)
        x = np.concatenate([table[flat[:, k]] for k, table in enumerate(self.tables)], axis=1)
        h = x @ self.proj
        h += self.proj_bias + self.standard_vec[standard]
        np.maximum(h, 0, out=h)
        h *= mask
        hidden = h.shape[1]
        for d, taps, bias in self.convs:
            p = (h @ taps).reshape(b, length, 3 * hidden)
            y = p[:, :, hidden : 2 * hidden] + bias
            if d < length:
                y[:, d:] += p[:, : length - d, :hidden]
                y[:, : length - d] += p[:, d:, 2 * hidden :]
            np.maximum(y, 0, out=y)
            h = (h + y.reshape(b * length, hidden)) * mask
        n = len(TAGS)
        rows = slice(standard * n, (standard + 1) * n)
        return (h @ self.out[rows].T + self.out_bias[rows]).reshape(b, length, n)


def log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


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
    then hard cuts. The model sees about ten characters on each side, so cuts after punctuation lose
    almost nothing; a hard cut (200 characters without any) can split a word."""
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
        self, net: ConvTagger, featurizer: Featurizer, standard_index: int = 0, batch_chars: int = 8192
    ) -> None:
        self.net = net
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
            logprobs = log_softmax(self.net(batch, self.standard_index))
            for j, path in zip(idx, viterbi(logprobs, lengths)):
                result[j] = path
        return result


def save_tagger(path: str | Path, state: Mapping[str, np.ndarray], hparams: Mapping,
                featurizer: Featurizer, standards: list[str], info: dict) -> None:
    """One .npz file, read without torch: weights in fp16 (halves the file; no measurable effect on
    F1), the vocabularies as one newline-joined UTF-8 string each (one array instead of 150k
    strings: loading stays a few milliseconds), hyperparameters and training record as JSON."""
    arrays = {f"w:{k}": np.asarray(v, dtype=np.float16) for k, v in state.items()}
    for key, value in (("chars", "\n".join(featurizer.chars)), ("bigrams", "\n".join(featurizer.bigrams)),
                       ("hparams", json.dumps(dict(hparams))), ("standards", json.dumps(standards)),
                       ("info", json.dumps(info, ensure_ascii=False))):
        arrays[key] = np.frombuffer(value.encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as f:  # a file object: np.savez would append .npz to other names
        np.savez(f, **arrays)


TAGGER_FILES = ("cws/tagger_{standard}.npz", "cws/tagger_joint.npz")


def tagger_path(standard: str) -> str:
    """The model file for a standard: its own model if there is one, else the joint one."""
    for name in TAGGER_FILES:
        candidate = name.format(standard=standard)
        if (MODELS_DIR / candidate).exists():
            return candidate
    return TAGGER_FILES[-1]


@lru_cache(maxsize=4)
def load_net(name: str) -> tuple[ConvTagger, list[str], list[str], list[str]]:
    """Network, characters, bigrams and standards of a model file (shared by its standards)."""
    path = resource_path(name)
    try:
        with np.load(path, allow_pickle=False) as blob:
            text = {k: bytes(blob[k]).decode("utf-8") for k in ("chars", "bigrams", "hparams", "standards")}
            state = {k[2:]: blob[k] for k in blob.files if k.startswith("w:")}
        net = ConvTagger(state, json.loads(text["hparams"]))
    except (OSError, ValueError, KeyError) as exc:
        raise ResourceError(
            f"cannot load the segmentation model {path}: {exc}; rebuild it with "
            "`python scripts/train_cws.py tagger` (see docs/results_cws.md)"
        ) from exc
    return net, text["chars"].split("\n"), text["bigrams"].split("\n"), json.loads(text["standards"])


@lru_cache(maxsize=4)
def load_tagger(standard: str) -> Tagger:
    """The bundled tagger for a standard; dictionary features use the fast mode's dictionary."""
    net, chars, bigrams, standards = load_net(tagger_path(standard))
    if standard not in standards:
        raise ResourceError(f"the segmentation model has no {standard!r} output; retrain it")
    words = [w for w, _ in load_frequency_dict(f"cws/{standard}_dict.txt")]
    return Tagger(net, Featurizer(chars, bigrams, words), standards.index(standard))
