"""Shared fixtures: paths, the benchmark data location, small pipelines."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from types import ModuleType
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("GOVPIPE_DATA", ROOT.parent / "shared" / "data"))
SEED = ROOT.parent / "shared" / "seed" / "xingtai_pv_meeting_en.txt"

# Front-end stages only: enough to exercise reading, writing and resuming without loading models.
LIGHT_CONFIG = {"stages": ["detect_language", "normalize"], "options": {}, "max_chars": 1_000_000}


@pytest.fixture
def light_config_file(tmp_path: Path) -> Path:
    path = tmp_path / "light.json"
    path.write_text(json.dumps(LIGHT_CONFIG), encoding="utf-8")
    return path


def govpipe_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def needs_data(*parts: str) -> Path:
    """Path under ../shared/data, or skip: the benchmark data sits beside CI's clone, not in users'."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"benchmark data {path} is absent (it ships beside the repo in CI, not with it)")
    return path


def load_script(name: str) -> ModuleType:
    """A script from scripts/ as a module (scripts import their siblings, so that folder goes on the path)."""
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def add_entities(doc, specs) -> None:
    """Add entities given as (surface, type) or (surface, type, nth occurrence) to `doc`, to test the
    officials linkers on exactly the entities a case needs."""
    for surface, type_, *nth in specs:
        start = -1
        for _ in range((nth[0] if nth else 0) + 1):
            start = doc.text.index(surface, start + 1)
        doc.add_entity(type_, start, start + len(surface), source="model")
