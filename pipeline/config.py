"""Pipeline configuration: an ordered list of stage names plus per-stage options.

Kept as plain data (JSON-serializable) so a run can be reproduced from its record and the same
configuration can be shipped to worker processes or a distributed engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_STAGES: tuple[str, ...] = (
    "detect_language",
    "normalize",
    "segment",
    "tokenize_en",
    "cleanup",
    "entities_zh",
    "entities_en",
    "officials",
)


def default_config() -> dict[str, Any]:
    return {"stages": list(DEFAULT_STAGES), "options": {}, "max_chars": 1_000_000}


def load_config(path: str | None = None, **overrides: dict[str, Any]) -> dict[str, Any]:
    """Default config, updated from a JSON file, then per-stage option overrides.

    `overrides` maps stage name -> options, e.g. `segment={"mode": "accurate"}`.
    """
    cfg = default_config()
    if path:
        try:
            user = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}; it must be a JSON object") from exc
        if not isinstance(user, dict):
            raise ConfigError(f"config {path} must be a JSON object with 'stages' and 'options'")
        if "stages" in user:
            cfg["stages"] = list(user["stages"])
        for stage, opts in user.get("options", {}).items():
            cfg["options"].setdefault(stage, {}).update(opts)
        if "max_chars" in user:
            cfg["max_chars"] = int(user["max_chars"])
    for stage, opts in overrides.items():
        given = {k: v for k, v in opts.items() if v is not None}
        if given:
            cfg["options"].setdefault(stage, {}).update(given)
    return cfg
