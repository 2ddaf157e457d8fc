"""Imports the built-in stage modules so that their `@register_stage` decorators run.

One module per stage; the default pipeline order lives in `pipeline.config`.
"""

from __future__ import annotations

from . import cleanup, entities_en, entities_zh, language, normalize, officials, segment, tokenize_en  # noqa: F401
