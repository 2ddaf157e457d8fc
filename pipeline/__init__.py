"""govpipe: an NLP pipeline for Chinese government news and its English machine translations.

    >>> import pipeline
    >>> nlp = pipeline.load()
    >>> doc = nlp("副市长郑川出席会议。")
    >>> record = nlp.to_record(doc)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def load(config_path: str | None = None, **stage_options: dict[str, Any]):
    """Build the default pipeline (or the one in a JSON config), with per-stage option overrides,
    e.g. `load(segment={"mode": "accurate"}, cleanup={"min_confidence": 0.8})`."""
    from .config import load_config
    from .pipeline import Pipeline

    return Pipeline(load_config(config_path, **stage_options))


__all__ = ["load", "__version__"]
