"""The pipeline: stages built from config, checked, and run per document or in batches.

Construction fails before any document is read if a stage is unknown, rejects its options, or needs an
annotation that no earlier stage provides (as Stanza does). Per-document failures are recorded on the
document and the remaining stages still run where they can, so one bad press release never stops a
batch.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any, Iterable, Iterator

from . import __version__
from .config import load_config
from .doc import Doc
from .errors import ConfigError, GovpipeError
from .registry import Stage, create_stage

log = logging.getLogger(__name__)

# What reading a document provides before any stage runs.
INPUT_PROVIDES = frozenset({"text", "id", "meta", "source_text"})

# Failures of one document inside a stage that must not end a batch run: project errors plus the
# built-in errors that malformed text can trigger in third-party code (tokenizers, converters, models).
DOCUMENT_FAILURES = (GovpipeError, ValueError, TypeError, KeyError, IndexError, RuntimeError,
                     UnicodeError, RecursionError, OverflowError)


class Pipeline:
    """An ordered chain of stages; call it on a text, a record dict or a Doc."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config or load_config()
        self.max_chars: int = int(self.config.get("max_chars", 1_000_000))
        options: dict[str, dict[str, Any]] = self.config.get("options", {})
        names: list[str] = list(self.config["stages"])
        unknown_opts = set(options) - set(names)
        if unknown_opts:
            raise ConfigError(
                f"options given for stages not in the pipeline: {sorted(unknown_opts)}; "
                f"stages are {names}"
            )
        self.stages: list[Stage] = [create_stage(n, **options.get(n, {})) for n in names]
        self._check_requirements()

    def _check_requirements(self) -> None:
        available = set(INPUT_PROVIDES)
        for stage in self.stages:
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise ConfigError(
                    f"stage {stage.name!r} requires {missing}, which no earlier stage provides; "
                    "add the providing stage before it in 'stages'"
                )
            available.update(stage.provides)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    # ------------------------------------------------------------------ single documents
    def make_doc(self, item: str | dict[str, Any] | Doc) -> Doc:
        """A Doc from a text, an input record (`text`, `id`, `meta`, `source_text`, `lang`) or a Doc."""
        if isinstance(item, Doc):
            return item
        if isinstance(item, str):
            return Doc(item)
        return Doc(
            item.get("text") or "",
            id=str(item.get("id") or ""),
            lang=item.get("lang"),
            meta=item.get("meta") or {},
            source_text=item.get("source_text"),
        )

    def _runnable(self, doc: Doc) -> bool:
        if doc.user_data.get("unreadable"):
            return False
        if len(doc.text) > self.max_chars:
            doc.add_error(
                "read",
                f"document has {len(doc.text):,} characters, over the limit of {self.max_chars:,}; "
                "split it into smaller documents or raise max_chars in the config (--max-chars)",
            )
            doc.user_data["unreadable"] = True
            return False
        return True

    def _run_stage(self, stage: Stage, doc: Doc) -> Doc:
        try:
            return stage(doc)
        except DOCUMENT_FAILURES as exc:
            doc.add_error(stage.name, f"{type(exc).__name__}: {exc}")
            log.warning("document %s: stage %s failed: %s", doc.id, stage.name, exc)
            return doc

    def __call__(self, item: str | dict[str, Any] | Doc) -> Doc:
        return self.process_docs([self.make_doc(item)])[0]

    def pipe(self, items: Iterable[str | dict[str, Any] | Doc], batch_size: int = 32) -> Iterator[Doc]:
        """Process a stream in batches so stages with a batched `pipe` (spaCy, models) use it."""
        batch: list[Doc] = []
        for item in items:
            batch.append(self.make_doc(item))
            if len(batch) >= batch_size:
                yield from self.process_docs(batch)
                batch = []
        yield from self.process_docs(batch)

    def process_docs(self, docs: list[Doc]) -> list[Doc]:
        """Run all stages over a batch of Docs in place (batched where stages support it).

        A document whose language could not be detected stops after `detect_language`.
        """
        active = [d for d in docs if self._runnable(d)]
        for stage in self.stages:
            live = [d for d in active if d.lang is not None or stage.name == "detect_language"]
            try:
                processed = list(stage.pipe(live))
            except DOCUMENT_FAILURES:
                # A batch call failed: fall back to one document at a time to isolate the bad one.
                processed = [self._run_stage(stage, d) for d in live]
            done = {id(d) for d in processed}
            active = processed + [d for d in active if id(d) not in done]
        for d in docs:
            d.stages_run = self.stage_names
        return docs

    def to_record(self, doc: Doc) -> dict[str, Any]:
        return doc.to_record(version=__version__, stages=self.stage_names)


@lru_cache(maxsize=4)
def _cached_pipeline(config_json: str) -> Pipeline:
    return Pipeline(json.loads(config_json))


def get_pipeline(config: dict[str, Any]) -> Pipeline:
    """One pipeline per config per process (worker processes build theirs on first use)."""
    return _cached_pipeline(json.dumps(config, sort_keys=True))
