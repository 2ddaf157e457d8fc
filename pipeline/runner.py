"""Batch runs: read inputs, process them with Hugging Face `datasets`, write JSON lines safely.

The output file is the run's only state. Records are appended in input order, a chunk at a time, and
flushed to disk after each chunk; `--resume` drops a partially written last line, skips every id already
written and appends the rest, so a run killed at any moment and resumed ends with exactly the records
of an uninterrupted run. Processing goes through `datasets` (`Dataset.from_generator` streams the
corpus to an on-disk Arrow cache, `map(num_proc=...)` fans out over worker processes), and each worker
builds the pipeline once from its plain-JSON config.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import OutputError
from .pipeline import get_pipeline
from .readers import read_inputs

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    documents: int = 0
    resumed: int = 0
    entities: Counter = field(default_factory=Counter)
    officials: int = 0
    corrections: int = 0
    normalizations: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, rec: dict[str, Any]) -> None:
        self.documents += 1
        self.entities.update(e["type"] for e in rec.get("entities", []))
        self.officials += len(rec.get("officials", []))
        for c in rec.get("corrections", []):
            if str(c.get("rule", "")).startswith("normalize."):
                self.normalizations += 1
            else:
                self.corrections += 1
        if rec.get("errors"):
            self.failed.append(str(rec.get("id")))

    def format(self) -> str:
        ents = ", ".join(f"{t} {n}" for t, n in sorted(self.entities.items())) or "none"
        lines = [
            f"documents: {self.documents}" + (f" ({self.resumed} from an earlier run)" if self.resumed else ""),
            f"entities: {sum(self.entities.values())} ({ents})",
            f"officials: {self.officials}",
            f"corrections: {self.corrections} (plus {self.normalizations} normalization edits)",
            f"documents with errors: {len(self.failed)}"
            + (f" ({', '.join(self.failed[:5])}{', ...' if len(self.failed) > 5 else ''})" if self.failed else ""),
        ]
        return "\n".join(lines)


def rows_to_records(batch: dict[str, list], config_json: str, threads: int = 0) -> dict[str, list]:
    """`datasets.map` function: input rows -> serialized output records (one per row, same order).

    `threads` > 0 caps torch's intra-op threads, so N worker processes do not each spawn a thread per
    core and fight over the CPU.
    """
    nlp = get_pipeline(json.loads(config_json))
    if threads > 0 and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    docs = []
    for i, doc_id in enumerate(batch["id"]):
        doc = nlp.make_doc({"id": doc_id, "text": batch["text"][i], "lang": batch["lang"][i],
                            "meta": json.loads(batch["meta"][i] or "{}"),
                            "source_text": batch["source_text"][i]})
        for message in batch["read_errors"][i]:
            doc.add_error("read", message)
        if batch["unreadable"][i]:
            doc.user_data["unreadable"] = True
        docs.append(doc)
    nlp.process_docs(docs)
    return {"record": [json.dumps(nlp.to_record(d), ensure_ascii=False) for d in docs]}


def repair_output(path: Path) -> list[dict[str, Any]]:
    """Records already written; a partial last line (the run was killed mid-write) is cut off."""
    with open(path, "rb+") as f:
        data = f.read()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            log.info("dropping a partially written last line (%d bytes) from %s", len(data) - keep, path)
            f.truncate(keep)
            data = data[:keep]
    records = []
    for lineno, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        try:
            records.append(json.loads(line))
        except ValueError as exc:
            raise OutputError(
                f"{path}:{lineno} is not a JSON record ({exc}); the file was not written by govpipe "
                "or was edited; remove that line or run without --resume"
            ) from exc
    return records


def _features():
    from datasets import Features, Sequence, Value

    return Features(
        {
            "id": Value("string"),
            "text": Value("large_string"),
            "meta": Value("string"),
            "source_text": Value("large_string"),
            "lang": Value("string"),
            "read_errors": Sequence(Value("string")),
            "unreadable": Value("bool"),
        }
    )


CACHE_PREFIX = ".govpipe-cache-"


def _remove_stale_caches(folder: Path) -> None:
    """Arrow caches left by killed runs (their process is gone) are removed; live runs' are kept."""
    for path in folder.glob(f"{CACHE_PREFIX}*"):
        pid = path.name[len(CACHE_PREFIX):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            continue


def _pending_rows(inputs: list[str], done: frozenset[str]) -> Iterator[dict[str, Any]]:
    for rec in read_inputs(inputs):
        if rec.id not in done:
            yield rec.as_row()


def run(
    inputs: list[str],
    output: str,
    *,
    config: dict[str, Any],
    workers: int = 1,
    resume: bool = False,
    chunk_size: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Process `inputs` into the JSON-lines file `output`; returns the summary of the whole file."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    get_pipeline(config)  # fail on a bad config before reading anything

    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = RunSummary()
    done: set[str] = set()
    if resume and out.exists():
        for rec in repair_output(out):
            done.add(str(rec.get("id")))
            summary.add(rec)
        summary.resumed = summary.documents
    else:
        out.write_text("", encoding="utf-8")

    _remove_stale_caches(out.parent)
    cache_dir = tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{os.getpid()}-", dir=out.parent)
    try:
        try:
            ds = datasets.Dataset.from_generator(
                _pending_rows,
                gen_kwargs={"inputs": list(inputs), "done": frozenset(done)},
                features=_features(),
                cache_dir=cache_dir,
            )
        except ValueError as exc:
            # `datasets` refuses an empty split; that only means every document is already written.
            if "no data" not in str(exc):
                raise
            ds = None
        total = len(ds) if ds is not None else 0
        chunk = chunk_size or (32 if workers <= 1 else 64 * workers)
        config_json = json.dumps(config, sort_keys=True)
        written = 0
        with open(out, "a", encoding="utf-8") as f:
            for start in range(0, total, chunk):
                part = ds.select(range(start, min(total, start + chunk)))
                result = part.map(
                    rows_to_records,
                    batched=True,
                    batch_size=max(1, min(16, len(part))),
                    num_proc=workers if workers > 1 and len(part) > 1 else None,
                    fn_kwargs={"config_json": config_json, "threads": 1 if workers > 1 else 0},
                    remove_columns=part.column_names,
                    keep_in_memory=True,
                    load_from_cache_file=False,
                )
                for line in result["record"]:
                    f.write(line + "\n")
                    summary.add(json.loads(line))
                f.flush()
                os.fsync(f.fileno())
                written += len(part)
                if on_progress:
                    on_progress(written, total)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    return summary
