"""Read-only resources under models/, loaded once per process.

Resources are plain documented files (TSV, JSON, dictionaries, weights) so users can read and extend
them; loaders are cached so that worker processes pay the load cost once.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .errors import ResourceError

PACKAGE_DIR = Path(__file__).resolve().parent
MODELS_DIR = Path(os.environ.get("GOVPIPE_MODELS", PACKAGE_DIR.parent / "models"))


def resource_path(name: str) -> Path:
    """Path of a bundled resource; raises a ResourceError naming the file if it is missing."""
    path = MODELS_DIR / name
    if not path.exists():
        raise ResourceError(
            f"resource {name!r} not found at {path}; reinstall govpipe from a full checkout or set "
            "GOVPIPE_MODELS to the folder that holds models/"
        )
    return path


@lru_cache(maxsize=None)
def read_tsv(name_or_path: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a TSV resource, skipping blank lines and `#` comments."""
    path = Path(name_or_path) if os.sep in name_or_path else resource_path(name_or_path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read {path}: {exc}; it must be a UTF-8 text file") from exc
    rows = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(tuple(f.strip() for f in line.split("\t")))
    return tuple(rows)


def data_dir() -> Path:
    """Benchmark data folder (`GOVPIPE_DATA`, else ../shared/data beside the repo)."""
    env = os.environ.get("GOVPIPE_DATA")
    if env:
        return Path(env)
    return PACKAGE_DIR.parent.parent / "shared" / "data"
