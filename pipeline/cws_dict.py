"""Fast dictionary segmentation (jieba family) and user dictionaries.

The fast mode is jieba's algorithm (maximum-probability path over a word DAG, HMM for unknown runs)
run by `rjieba` (the Rust port, same output, far faster), but with the word frequencies of the chosen
standard's training corpus instead of jieba's own dictionary: jieba's dictionary follows no bakeoff
standard, which is most of why plain jieba scores about 0.82 on PKU. Each segmenter owns its own
`rjieba.Jieba` instance, so the process-wide default jieba dictionary is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from functools import lru_cache
from pathlib import Path

import rjieba

from .cws_text import fold_width
from .errors import ResourceError
from .resources import resource_path


@dataclass(frozen=True)
class UserWord:
    """One user dictionary entry (jieba format: `word [freq] [pos]`).

    The frequency is accepted so that jieba files load unchanged; units (pipeline.segment.UnitMerger)
    only need the word, and the POS `nnt` (a title) for joining names next to titles.
    """

    word: str
    freq: int | None = None
    pos: str | None = None


@lru_cache(maxsize=32)
def load_user_dict(path: str) -> tuple[UserWord, ...]:
    """Parse a jieba-format user dictionary; `#` lines are comments. Words are width-folded."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(
            f"cannot read user dictionary {path}: {exc}; give a UTF-8 file with one word a line "
            "(optionally followed by a frequency and a POS tag)"
        ) from exc
    entries: list[UserWord] = []
    for lineno, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        freq: int | None = None
        pos: str | None = None
        if len(fields) >= 2:
            if fields[1].isdigit():
                freq = int(fields[1])
                pos = fields[2] if len(fields) >= 3 else None
            elif len(fields) == 2:
                pos = fields[1]
            else:
                raise ResourceError(
                    f"{path}:{lineno}: expected `word [freq] [pos]`, got {line!r}; the frequency "
                    "must be a whole number"
                )
        entries.append(UserWord(fold_width(fields[0]), freq, pos))
    return tuple(entries)


def _bundled_lines(name: str) -> list[str]:
    """Lines of a segmentation resource under models/ (read_tsv is slower on 90k-line files)."""
    path = resource_path(name)
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read {path}: {exc}; rebuild it with scripts/train_cws.py dict") from exc


@lru_cache(maxsize=4)
def load_frequency_dict(name: str) -> tuple[tuple[str, int], ...]:
    """A bundled `word<TAB>count` dictionary under models/ (built by scripts/train_cws.py dict)."""
    lines = _bundled_lines(name)
    out = []
    for line in lines:
        word, _, count = line.partition("\t")
        if word and count.isdigit():
            out.append((word, int(count)))
    if not out:
        raise ResourceError(f"{name} holds no `word<TAB>count` lines; rebuild it with scripts/train_cws.py")
    return tuple(out)


# jieba cuts every character outside its Han/alphanumeric classes on its own. The PKU standard keeps
# 〇 inside numerals (二〇〇〇年) and dash/ellipsis runs (——, ……) whole, so the dictionary view maps
# 〇 to a Han character of the same role and repeated dashes are merged after cutting.
_CUT_VIEW = str.maketrans({"○": "零", "〇": "零"})
_RUN_CHARS = frozenset("—…─-")
_RUNS_OR_DIGITS = re.compile(r"[0-9]|([—…─-])\1")


def _needs_view(word: str) -> bool:
    return "○" in word or "〇" in word


def _merge_runs(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if out and w[0] in _RUN_CHARS and set(w) == set(out[-1]) and len(set(w)) == 1:
            out[-1] += w
        else:
            out.append(w)
    return out


# A number as the standards write it: digits with decimal points, separators, ratios and percent.
NUMBER_PREFIX = re.compile(r"[0-9][0-9.,%·∶:/‰]*")
_NUMBER_PIECE = re.compile(r"[0-9.,%·∶:/‰]+")


@lru_cache(maxsize=4)
def load_number_units(name: str) -> frozenset[str]:
    """Units written together with a preceding number (`unit<TAB>joined<TAB>split`, see train_cws)."""
    return frozenset(line.split("\t")[0] for line in _bundled_lines(name) if line.strip())


def merge_numbers(words: list[str], units: frozenset[str]) -> list[str]:
    """Join a number that the dictionary split (20|23 -> 2023) and a unit the standard attaches."""
    out: list[str] = []
    in_number = False
    for w in words:
        if in_number and _NUMBER_PIECE.fullmatch(w):
            out[-1] += w
            continue
        if in_number and w in units:
            out[-1] += w
            in_number = False
            continue
        out.append(w)
        in_number = bool(NUMBER_PREFIX.fullmatch(w))
    return out


class DictSegmenter:
    """jieba-algorithm segmentation with a standard-specific frequency dictionary."""

    def __init__(self, standard: str, hmm: bool = False) -> None:
        # User words are deliberately not added here: they would change the standard's tokens. They
        # group tokens into units afterwards (pipeline.segment.UnitMerger).
        self.hmm = hmm
        dictionary = f"cws/{standard}_dict.txt"
        self.units = load_number_units(f"cws/{standard}_numunits.txt")
        # `empty()`, not `Jieba()` + `clear()`: loading jieba's own dictionary first costs 0.1 s per process.
        self._jieba = rjieba.Jieba.empty()
        for word, count in load_frequency_dict(dictionary):
            self._jieba.add_word(word.translate(_CUT_VIEW) if _needs_view(word) else word, count, None)

    def cut(self, text: str) -> list[str]:
        """Words covering `text` exactly (whitespace comes back as its own tokens).

        The HMM for unknown words is off by default: it was trained on jieba's own conventions and
        joins single-character words that both bakeoff standards keep apart (F1 0.897 vs 0.921 PKU).
        """
        return self.cut_folded(text)[0]

    def cut_folded(self, text: str) -> tuple[list[str], list[str]]:
        """The words of `cut` and the same words width-folded (what user dictionaries are matched
        against), both from one pass: folding the words again afterwards would cost as much as a
        tenth of the cut."""
        folded = fold_width(text)
        view = folded.translate(_CUT_VIEW) if "○" in folded or "〇" in folded else folded
        words = self._jieba.cut(view, self.hmm)
        # The repairs below only matter for lines with dashes/ellipses or digits; most lines skip them.
        if _RUNS_OR_DIGITS.search(view):
            words = merge_numbers(_merge_runs(words), self.units)
        if view == text:
            return words, words
        ends = list(accumulate(map(len, words)))
        spans = list(zip([0, *ends], ends))
        keys = words if view is folded else [folded[a:b] for a, b in spans]
        return [text[a:b] for a, b in spans], keys
