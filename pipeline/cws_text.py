"""Shared helpers for Chinese word segmentation: width folding, SIGHAN corpora, bakeoff scoring.

Every segmenter (fast dictionary mode and the trained tagger) sees text through `fold_width`, and the
training scripts fold the gold corpora the same way, so the People's Daily corpus (full-width digits)
and the bakeoff test sets (half-width) look alike to the models. Folding is one character in, one
character out, so token spans on folded text are spans on the original.
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .errors import ResourceError


class _FoldTable(dict):
    """`str.translate` table filled on first sight of each character (lookups stay in C)."""

    def __missing__(self, code: int) -> int | str:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        value: int | str = folded if len(folded) == 1 and folded != ch else code
        self[code] = value
        return value


_FOLD = _FoldTable()


def fold_width(text: str) -> str:
    """NFKC per character where that keeps the length (full-width digits/letters, ideographic space)."""
    if text.isascii():
        return text
    return text.translate(_FOLD)


def read_segmented(path: str | Path) -> Iterator[list[str]]:
    """Words of each non-empty line of a SIGHAN-format file (plain or .gz), width-folded."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for line in fh:
                words = fold_width(line).split()
                if words:
                    yield words
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read segmented corpus {path}: {exc}") from exc


def read_word_list(path: str | Path) -> set[str]:
    """One word a line (first whitespace-separated field), width-folded; blank lines skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read word list {path}: {exc}") from exc
    return {fold_width(line.split()[0]) for line in lines if line.strip()}


def word_spans(words: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of consecutive words (the unit of bakeoff scoring)."""
    spans = []
    pos = 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


@dataclass
class Score:
    """Bakeoff word scores; OOV/IV recall are relative to a training word list."""

    gold: int = 0
    pred: int = 0
    correct: int = 0
    oov_gold: int = 0
    oov_correct: int = 0
    iv_gold: int = 0
    iv_correct: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.correct, self.pred)

    @property
    def recall(self) -> float:
        return _ratio(self.correct, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    @property
    def oov_recall(self) -> float:
        return _ratio(self.oov_correct, self.oov_gold)

    @property
    def iv_recall(self) -> float:
        return _ratio(self.iv_correct, self.iv_gold)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def score_segmentation(
    gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]], vocab: set[str] | frozenset[str]
) -> Score:
    """Compare sentences word by word as character spans, like the bakeoff `score` script.

    Words are compared after width folding, so a segmenter is not penalised for the test file's own
    mixture of full- and half-width characters (the characters themselves must still match).
    """
    s = Score()
    for g_words, p_words in zip(gold, pred, strict=True):
        g_words = [fold_width(w) for w in g_words]
        g_spans = word_spans(g_words)
        p_spans = set(word_spans([fold_width(w) for w in p_words]))
        s.gold += len(g_spans)
        s.pred += len(p_spans)
        for w, sp in zip(g_words, g_spans):
            hit = sp in p_spans
            s.correct += hit
            if w in vocab:
                s.iv_gold += 1
                s.iv_correct += hit
            else:
                s.oov_gold += 1
                s.oov_correct += hit
    return s


# Which training corpus and word list define each standard (paths relative to the data folder).
STANDARD_DATA = {
    "pku": ("cws/pd199801_seg.utf8.gz", "cws/pku_training_words.utf8"),
    "msr": ("cws/msra_ner_train_seg.utf8.gz", "cws/msr_training_words.utf8"),
}
TEST_DATA = {
    "pku": ("cws/pku_test.utf8", "cws/pku_test_gold.utf8"),
    "msr": ("cws/msr_test.utf8", "cws/msr_test_gold.utf8"),
}
DEV_BLOCK = 50  # lines per block; every 20th block is the dev set (keeps neighbouring lines together)


def split_train_dev(sentences: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Deterministic 95/5 split of a training corpus into train and held-out dev sentences."""
    train, dev = [], []
    for i, s in enumerate(sentences):
        (dev if (i // DEV_BLOCK) % 20 == 7 else train).append(s)
    return train, dev
