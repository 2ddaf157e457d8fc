"""Chinese word segmentation: the `segment` stage, `govpipe segment` and the segmenter factory.

Two modes for each bakeoff standard (`pku`: People's Daily, the default because it is government
news; `msr`): `fast` is jieba's algorithm with the standard's training dictionary (pipeline.cws_dict),
`accurate` is the character tagger trained by scripts/train_cws.py (pipeline.cws_model). A user
dictionary (jieba format) keeps domain terms whole; the stage adds the bundled government dictionary
(models/gov_userdict.txt) by default because titles, bodies and policy phrases are its entities.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from .cws_dict import DictSegmenter, UserWord, load_user_dict
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


class _DomainSegmenter:
    """Wraps a segmenter so that user-dictionary words and names next to titles come out whole.

    The fast mode already has the user words in its dictionary; the tagger does not, so runs of its
    tokens that spell a user word exactly are merged (longest first). A user entry can thus join
    pieces the model split but never cuts through a word the model kept whole (城市委员会 stays
    intact for 市委). When the user words include titles (POS `nnt`), a surname token followed by
    a one- or two-character given name next to such a title is joined: PKU writes 宋 华英, but an
    analyst needs the person as one unit.
    """

    def __init__(self, base: ChineseSegmenter, user_words: tuple[UserWord, ...]) -> None:
        self.base = base
        self.words = frozenset(u.word for u in user_words)
        self.titles = frozenset(u.word for u in user_words if u.pos == "nnt")
        names = bool(self.titles)
        self.prefixes = frozenset(w[:k] for w in self.words for k in range(1, len(w)))
        self.surnames = _surnames() if names else frozenset()

    def cut(self, text: str) -> list[str]:
        return self.merge(self.base.cut(text))

    def cut_many(self, texts: list[str]) -> list[list[str]]:
        return [self.merge(c) for c in _cut_many(self.base, texts)]

    def merge(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i, n = 0, len(tokens)
        prefixes, words = self.prefixes, self.words
        while i < n:
            best = i + 1
            acc = tokens[i]
            j = i + 1
            while acc in prefixes and j < n:
                acc += tokens[j]
                j += 1
                if acc in words:
                    best = j
            out.append(tokens[i] if best == i + 1 else "".join(tokens[i:best]))
            i = best
        return self._join_names(out) if self.surnames else out

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


@lru_cache(maxsize=16)
def get_segmenter(
    standard: str = "pku", mode: str = "fast", user_dict: str | None = None, domain_dict: bool = False
) -> ChineseSegmenter:
    """The segmenter for a standard and mode, built once per process per argument combination.

    `user_dict` is a jieba-format file; `domain_dict` adds the bundled government dictionary.
    """
    _check(standard, mode)
    user_words = _user_words(user_dict, domain_dict)
    base: ChineseSegmenter
    if mode == "fast":
        base = DictSegmenter(standard, user_words)
    else:
        from .cws_model import load_tagger  # torch is only imported when the accurate mode is used

        base = load_tagger(standard)
    return _DomainSegmenter(base, user_words) if user_words else base


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
    batch_size: int = 256,
) -> Iterator[str]:
    """Each line (without its newline) segmented, words joined by single spaces (SIGHAN format).

    Whitespace in the input separates words but is not itself a word; an empty line stays empty.
    """
    seg = get_segmenter(standard, mode, user_dict, domain_dict)
    buf: list[str] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= batch_size:
            yield from _format(seg, buf)
            buf = []
    if buf:
        yield from _format(seg, buf)


def _format(seg: ChineseSegmenter, lines: list[str]) -> Iterator[str]:
    for words in _cut_many(seg, lines):
        yield " ".join(" ".join(words).split())


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
    """Tokens and sentences for Chinese documents (`doc.lang == "zh"`); others pass through."""

    requires = ("norm_text", "lang")
    provides = ("tokens", "sentences")

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

    @property
    def segmenter(self) -> ChineseSegmenter:
        # Resolved lazily (and cached per process) so the stage pickles small for worker processes.
        return get_segmenter(self.standard, self.mode, self.user_dict, self.domain_dict)

    def __call__(self, doc: Doc) -> Doc:
        if doc.lang != "zh":
            return doc
        return self._annotate(doc, self.segmenter.cut(doc.norm_text))

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
        cuts = _cut_many(self.segmenter, [d.norm_text for d in zh])
        by_id = {id(d): c for d, c in zip(zh, cuts)}
        for d in docs:
            yield self._annotate(d, by_id[id(d)]) if id(d) in by_id else d

    @staticmethod
    def _annotate(doc: Doc, words: list[str]) -> Doc:
        doc.tokens = [doc.to_text_span(a, b) for a, b in token_spans(words)]
        doc.sentences = [doc.to_text_span(a, b) for a, b in sentence_spans(doc.norm_text)]
        return doc
