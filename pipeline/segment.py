"""Chinese word segmentation: the `segment` stage, `govpipe segment` and the segmenter factory.

Two modes for each bakeoff standard (`pku`: People's Daily, the default because it is government
news; `msr`): `fast` is jieba's algorithm with the standard's training dictionary (pipeline.cws_dict),
`accurate` is the character tagger trained by scripts/train_cws.py (pipeline.cws_model).

Two layers, like a treebank's words and multiword units: tokens follow the standard exactly, and
dictionaries never change them; units group consecutive tokens into what an analyst reads as one
term (市委副书记, 宋华英, 碳达峰碳中和). Units come from a user dictionary (jieba format) and the
bundled government dictionary (models/gov_userdict.txt), which the stage adds by default because
titles, bodies and policy phrases are its entities. Keeping the layers apart is what lets the domain
units exist without lowering the bakeoff scores of the tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress, count
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from .cws_dict import DictSegmenter, UserWord, load_user_dict
from .cws_text import fold_width
from .doc import Doc
from .errors import ConfigError
from .registry import Stage, register_stage
from .resources import resource_path

STANDARDS = ("pku", "msr")
MODES = ("fast", "accurate")
GOV_USER_DICT = "gov_userdict.txt"


class ChineseSegmenter(Protocol):
    """Anything that cuts text into words that join back to the text exactly."""

    def cut(self, text: str) -> list[str]: ...


class UnitMerger:
    """Groups a standard's tokens into the units an analyst needs (the units layer, `doc.units`).

    The bakeoff standards split government terms (PKU: 市委 副 书记, 宋 华英), so dictionaries never
    change the tokens: they only decide which runs of consecutive tokens form one unit. A run is
    merged when it spells a user word exactly (longest first), so a user entry can join pieces but
    never cuts through a token (城市委员会 stays whole for 市委). When the user words include titles
    (POS `nnt`), a surname token followed by a one- or two-character Han given name next to such a
    title is joined too (宋华英). Every token ends up in exactly one unit.
    """

    def __init__(self, user_words: tuple[UserWord, ...]) -> None:
        self.words = frozenset(u.word for u in user_words)
        self.titles = frozenset(u.word for u in user_words if u.pos == "nnt")
        self.prefixes = frozenset(w[:k] for w in self.words for k in range(1, len(w)))
        self.surnames = _surnames() if self.titles else frozenset()
        self._fold_hits = _FoldHits(frozenset("".join(self.words)))

    def merge(self, tokens: list[str], keys: list[str] | None = None) -> list[str]:
        """Units as strings (concatenations of consecutive `tokens`).

        `keys` are the tokens as matched against the dictionary (width-folded); default `tokens`.
        """
        keys = tokens if keys is None else keys
        prefixes, words = self.prefixes, self.words
        # Most tokens cannot start a dictionary word: find the few that can at C speed and copy the
        # runs between them unchanged (this pass is on the fast mode's hot path).
        starts = compress(count(), map(prefixes.__contains__, keys))
        out: list[str] = []
        pos, n = 0, len(keys)
        for i in starts:
            if i < pos:
                continue
            acc, j, best = keys[i], i + 1, 0
            while j < n:
                acc += keys[j]
                j += 1
                if acc in words:
                    best = j
                if acc not in prefixes:
                    break
            if best:
                out.extend(tokens[pos:i])
                out.append("".join(tokens[i:best]))
                pos = best
        if pos == 0:
            out = list(tokens)
        else:
            out.extend(tokens[pos:])
        if self.surnames and not self.titles.isdisjoint(out):
            return self._join_names(out)
        return out

    def _join_names(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            if (
                tok in self.surnames
                and i + 1 < n
                and 1 <= len(tokens[i + 1]) <= 2
                and _is_han(tokens[i + 1])
                and tokens[i + 1] not in self.titles
                and ((out and out[-1] in self.titles) or (i + 2 < n and tokens[i + 2] in self.titles))
            ):
                out.append(tok + tokens[i + 1])
                i += 2
                continue
            out.append(tok)
            i += 1
        return out

    def units(self, text: str, tokens: list[str]) -> list[str]:
        """Units of `text` given its tokens (which join back to `text`)."""
        # Dictionary entries are width-folded. Folding every token is about half of this method's time on
        # typical text (full-width punctuation everywhere), yet it only matters where a character
        # folds into one the dictionary uses (a full-width G for 5G基站): check for that first.
        if text.translate(self._fold_hits) == text:
            return self.merge(tokens)
        return self.merge(tokens, [fold_width(t) for t in tokens])


class _FoldHits(dict):
    """`str.translate` table deleting the characters that width folding turns into one of `chars`
    (filled on first sight of each character, so lookups stay in C)."""

    def __init__(self, chars: frozenset[str]) -> None:
        super().__init__()
        self.chars = chars

    def __missing__(self, code: int) -> int | str:
        ch = chr(code)
        folded = fold_width(ch)
        value: int | str = "" if folded != ch and folded in self.chars else code
        self[code] = value
        return value


def _is_han(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    lines = resource_path("cws/surnames.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _check(standard: str, mode: str) -> None:
    if standard not in STANDARDS:
        raise ConfigError(
            f"unknown segmentation standard {standard!r}; use one of {', '.join(STANDARDS)} "
            "(pku: People's Daily conventions, msr: Microsoft Research conventions)"
        )
    if mode not in MODES:
        raise ConfigError(
            f"unknown segmentation mode {mode!r}; use 'fast' (dictionary, jieba family) or "
            "'accurate' (trained character tagger)"
        )


def _user_words(user_dict: str | None, domain_dict: bool) -> tuple[UserWord, ...]:
    words: list[UserWord] = []
    if domain_dict:
        words.extend(load_user_dict(str(resource_path(GOV_USER_DICT))))
    if user_dict:
        if not Path(user_dict).is_file():
            raise ConfigError(
                f"user dictionary {user_dict!r} does not exist; give a UTF-8 file with one word a line"
            )
        words.extend(load_user_dict(str(Path(user_dict).resolve())))
    return tuple(words)


@lru_cache(maxsize=8)
def get_segmenter(standard: str = "pku", mode: str = "fast") -> ChineseSegmenter:
    """The segmenter for a standard and mode (the token layer), built once per process.

    Dictionaries never reach it: user and domain words only group its tokens (`get_unit_merger`),
    so its output follows the chosen standard whatever dictionaries are active.
    """
    _check(standard, mode)
    if mode == "fast":
        return DictSegmenter(standard)
    from .cws_model import load_tagger  # the model file is read only when the accurate mode is used

    return load_tagger(standard)


@lru_cache(maxsize=16)
def get_unit_merger(user_dict: str | None = None, domain_dict: bool = False) -> UnitMerger | None:
    """The units layer for a jieba-format `user_dict` file and/or the bundled government dictionary
    (`domain_dict`); None when neither is given (no units layer)."""
    user_words = _user_words(user_dict, domain_dict)
    return UnitMerger(user_words) if user_words else None


def cut_with_units(
    seg: ChineseSegmenter, merger: UnitMerger | None, texts: list[str]
) -> list[tuple[list[str], list[str] | None]]:
    """Tokens and units (None without a merger) of each text; batched where the segmenter batches."""
    cut_folded = getattr(seg, "cut_folded", None)
    if merger is not None and cut_folded is not None:  # the fast mode folds anyway: reuse its keys
        return [(tokens, merger.merge(tokens, keys)) for tokens, keys in map(cut_folded, texts)]
    cuts = _cut_many(seg, texts)
    if merger is None:
        return [(c, None) for c in cuts]
    return [(c, merger.units(t, c)) for t, c in zip(texts, cuts)]


def _cut_many(seg: ChineseSegmenter, texts: list[str]) -> list[list[str]]:
    batch = getattr(seg, "cut_many", None)
    return batch(texts) if batch else [seg.cut(t) for t in texts]


def segment_lines(
    lines: Iterable[str],
    *,
    standard: str = "pku",
    mode: str = "fast",
    user_dict: str | None = None,
    domain_dict: bool = False,
    units: bool = False,
    batch_chars: int = 200_000,
) -> Iterator[str]:
    """Each line (without its newline) segmented, words joined by single spaces (SIGHAN format).

    The words are the standard's tokens, or with `units` the domain units built from `user_dict`
    and/or the bundled dictionary (`domain_dict`; the bundled one alone if neither is given).
    Whitespace in the input separates words but is not itself a word; an empty line stays empty.
    Lines are segmented in batches of about `batch_chars` characters: the accurate mode sorts a
    batch by length before it pads, so a large batch wastes less (256-line batches ran at 55k
    chars/s, 200k-character ones at 78k on the bakeoff test input).
    """
    seg = get_segmenter(standard, mode)
    merger = get_unit_merger(user_dict, domain_dict or not user_dict) if units else None
    buf: list[str] = []
    size = 0
    for line in lines:
        buf.append(line)
        size += len(line) + 1
        if size >= batch_chars:
            yield from _format(seg, merger, buf)
            buf, size = [], 0
    if buf:
        yield from _format(seg, merger, buf)


def _format(seg: ChineseSegmenter, merger: UnitMerger | None, lines: list[str]) -> Iterator[str]:
    for tokens, units in cut_with_units(seg, merger, lines):
        yield " ".join(" ".join(tokens if units is None else units).split())


_SENT_END = frozenset("。！？!?；;")
_CLOSERS = frozenset("”’」』）)》〉】\"'")
_LINE_BREAK = re.compile(r"\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of Chinese text: split after 。！？!?；; (closing quotes stay) and at line breaks.

    Leading and trailing whitespace is trimmed off each sentence; empty sentences are dropped.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SENT_END:
            j = i + 1
            while j < n and (text[j] in _SENT_END or text[j] in _CLOSERS):
                j += 1
            spans.append((start, j))
            start = i = j
            continue
        if ch == "\n" or ch == "\r":
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def token_spans(words: list[str]) -> list[tuple[int, int]]:
    """Spans of the non-whitespace parts of consecutive words."""
    spans = []
    pos = 0
    for w in words:
        if w.strip():
            if w == w.strip() and not any(c.isspace() for c in w):
                spans.append((pos, pos + len(w)))
            else:
                spans.extend((pos + m.start(), pos + m.end()) for m in re.finditer(r"\S+", w))
        pos += len(w)
    return spans


@register_stage("segment")
class SegmentStage(Stage):
    """Tokens, units and sentences for Chinese documents (`doc.lang == "zh"`); others pass through.

    `doc.tokens` always follow the chosen standard; the dictionaries (the bundled government one by
    default, `user_dict` on top) only build `doc.units`, runs of tokens that form one domain unit.
    With `domain_dict=False` and no `user_dict`, `doc.units` stays empty.
    """

    requires = ("norm_text", "lang")
    provides = ("tokens", "units", "sentences")

    def __init__(
        self,
        *,
        standard: str = "pku",
        mode: str = "fast",
        user_dict: str | None = None,
        domain_dict: bool = True,
    ) -> None:
        _check(standard, mode)
        self.standard = standard
        self.mode = mode
        self.user_dict = user_dict
        self.domain_dict = domain_dict
        get_unit_merger(user_dict, domain_dict)  # a missing or unreadable dictionary fails here, early

    @property
    def segmenter(self) -> ChineseSegmenter:
        # Resolved lazily (and cached per process) so the stage pickles small for worker processes.
        return get_segmenter(self.standard, self.mode)

    @property
    def merger(self) -> UnitMerger | None:
        return get_unit_merger(self.user_dict, self.domain_dict)

    def __call__(self, doc: Doc) -> Doc:
        if doc.lang != "zh":
            return doc
        return self._annotate(doc, *cut_with_units(self.segmenter, self.merger, [doc.norm_text])[0])

    def pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= 32:
                yield from self._pipe_batch(batch)
                batch = []
        if batch:
            yield from self._pipe_batch(batch)

    def _pipe_batch(self, docs: list[Doc]) -> Iterator[Doc]:
        zh = [d for d in docs if d.lang == "zh"]
        cuts = cut_with_units(self.segmenter, self.merger, [d.norm_text for d in zh])
        by_id = {id(d): c for d, c in zip(zh, cuts)}
        for d in docs:
            yield self._annotate(d, *by_id[id(d)]) if id(d) in by_id else d

    @staticmethod
    def _annotate(doc: Doc, tokens: list[str], units: list[str] | None) -> Doc:
        doc.tokens = [doc.to_text_span(a, b) for a, b in token_spans(tokens)]
        doc.units = [doc.to_text_span(a, b) for a, b in token_spans(units)] if units is not None else []
        doc.sentences = [doc.to_text_span(a, b) for a, b in sentence_spans(doc.norm_text)]
        return doc
