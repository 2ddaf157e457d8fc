"""Reading inputs: `.txt`/`.html` files, `.jsonl` files and folders of them.

Reading never raises for a bad document: it yields an input record carrying a `read_error` instead,
so every input document becomes exactly one output record and a run always finishes.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Chinese government sites still publish GB-encoded pages; try it before giving up on a file.
FALLBACK_ENCODINGS = ("gb18030",)
CONTROL_BYTES = set(range(0, 9)) | {11, 12} | set(range(14, 32))


@dataclass
class InputRecord:
    """One document as read, before any processing; plain data so it can cross process boundaries."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source_text: str | None = None
    lang: str | None = None
    read_errors: list[str] = field(default_factory=list)
    unreadable: bool = False

    @classmethod
    def failed(cls, doc_id: str, *messages: str, meta: dict[str, Any] | None = None, text: str = "",
               source_text: str | None = None, lang: str | None = None) -> "InputRecord":
        """A document that cannot be processed: still one output record, carrying the reasons."""
        return cls(doc_id, text, dict(meta or {}), source_text, lang, list(messages), unreadable=True)

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "meta": json.dumps(self.meta, ensure_ascii=False, sort_keys=True),
            "source_text": self.source_text,
            "lang": self.lang,
            "read_errors": list(self.read_errors),
            "unreadable": self.unreadable,
        }


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes: an image, archive or office file rather than text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    return sum(b in CONTROL_BYTES for b in head) / len(head) > 0.05


def decode_text(data: bytes) -> tuple[str | None, str | None, str]:
    """(text, error, encoding). UTF-8 (with or without BOM) first, then GB18030."""
    if looks_binary(data):
        return None, "binary file, not text (NUL or control bytes); convert it to UTF-8 text first", ""
    try:
        return data.decode("utf-8-sig"), None, "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for enc in FALLBACK_ENCODINGS:
        try:
            return data.decode(enc), None, enc
        except UnicodeDecodeError:
            continue
    return None, (
        f"undecodable bytes at offset {utf8_error.start} (not UTF-8 or GB18030); "
        "re-save the file as UTF-8"
    ), ""


def _doc_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    return str(rel.with_suffix("")).replace(os.sep, "/")


def _read_file(path: Path) -> tuple[str | None, dict[str, Any], str | None]:
    """(text, meta, error): the file decoded, its `path` (and non-UTF-8 `encoding`) as metadata."""
    meta: dict[str, Any] = {"path": str(path)}
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, meta, f"cannot read {path}: {exc.strerror}"
    text, error, encoding = decode_text(data)
    if encoding and encoding != "utf-8":
        meta["encoding"] = encoding
    if error or text is None:
        return None, meta, f"{path}: {error}"
    return text, meta, None


def read_text_file(path: Path, root: Path | None = None) -> InputRecord:
    doc_id = _doc_id(path, root)
    text, meta, error = _read_file(path)
    if error or text is None:
        return InputRecord.failed(doc_id, str(error), meta=meta)
    if not text.strip():
        return InputRecord.failed(doc_id, f"{path}: empty document", meta=meta, text=text)
    return InputRecord(doc_id, text, meta)


def read_jsonl_file(path: Path, root: Path | None = None) -> Iterator[InputRecord]:
    """One record per non-blank line; a broken line becomes an error record `<file>:<line>`."""
    text, meta, error = _read_file(path)
    if error or text is None:
        yield InputRecord.failed(_doc_id(path, root), str(error), meta=meta)
        return
    base = _doc_id(path, root)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        yield _parse_jsonl_line(line, f"{base}:{lineno}", f"{path}:{lineno}")


def _parse_jsonl_line(line: str, fallback_id: str, where: str) -> InputRecord:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return InputRecord.failed(fallback_id, f"{where}: broken JSON line ({exc.msg} at column {exc.colno})",
                                  meta={"source": where})
    if not isinstance(obj, dict):
        return InputRecord.failed(fallback_id, f"{where}: a JSON object is expected, got {type(obj).__name__}",
                                  meta={"source": where})
    raw_id = obj.get("id")
    doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id).strip() else fallback_id
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    errors: list[str] = []
    if "meta" in obj and not isinstance(obj["meta"], dict):
        errors.append(f"{where}: 'meta' must be an object; ignored")
    source_text = obj.get("source_text")
    if source_text is not None and not isinstance(source_text, str):
        errors.append(f"{where}: 'source_text' must be a string; ignored")
        source_text = None
    lang = obj.get("lang") if obj.get("lang") in ("zh", "en") else None
    text = obj.get("text")
    fields: dict[str, Any] = {"meta": meta, "source_text": source_text, "lang": lang}
    if "text" not in obj:
        return InputRecord.failed(doc_id, *errors, f"{where}: no 'text' field", **fields)
    if not isinstance(text, str):
        return InputRecord.failed(doc_id, *errors, f"{where}: 'text' must be a string, got {type(text).__name__}",
                                  **fields)
    if not text.strip():
        return InputRecord.failed(doc_id, *errors, f"{where}: empty document", text=text, **fields)
    return InputRecord(doc_id, text, meta, source_text, lang, errors)


def iter_files(inputs: list[str]) -> Iterator[tuple[Path, Path | None]]:
    """(file, root) pairs in a deterministic order; missing paths are yielded for error records."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames.sort()
                for name in sorted(filenames):
                    f = Path(dirpath) / name
                    if f.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES:
                        yield f, path
                    elif not name.startswith("."):
                        log.warning("skipping %s: not a .txt/.html/.jsonl file", f)
        else:
            yield path, None


def read_inputs(inputs: list[str]) -> Iterator[InputRecord]:
    """All documents of all inputs, ids made unique (a repeated id is renamed and flagged)."""
    seen: dict[str, int] = {}
    for path, root in iter_files(inputs):
        if not path.exists():
            records: Iterator[InputRecord] = iter(
                [InputRecord.failed(str(path), f"{path}: no such file or folder", meta={"path": str(path)})]
            )
        elif path.suffix.lower() in JSONL_SUFFIXES:
            records = read_jsonl_file(path, root)
        else:
            records = iter([read_text_file(path, root)])
        for rec in records:
            if rec.id in seen:
                seen[rec.id] += 1
                new_id = f"{rec.id}~{seen[rec.id]}"
                while new_id in seen:
                    seen[rec.id] += 1
                    new_id = f"{rec.id}~{seen[rec.id]}"
                rec.read_errors.append(f"duplicate id {rec.id!r}: renamed to {new_id!r}; give each document a unique id")
                rec.id = new_id
            seen.setdefault(rec.id, 1)
            yield rec
