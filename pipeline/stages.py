"""Imports the built-in stage modules so that their `@register_stage` decorators run.

One module per stage; the default pipeline order lives in `pipeline.config`.
"""

from __future__ import annotations

import importlib

STAGE_MODULES = (
    "language",
    "normalize",
    "segment",
    "tokenize_en",
    "cleanup",
    "entities_zh",
    "entities_en",
    "officials",
)

for _name in STAGE_MODULES:
    importlib.import_module(f"{__package__}.{_name}")
