"""The command line: segment, stages, user glossary, config errors."""

from __future__ import annotations

import json
import subprocess

from conftest import govpipe_cmd

from pipeline.config import DEFAULT_STAGES
from pipeline.pipeline import Pipeline
from pipeline.errors import ConfigError

import pytest


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(govpipe_cmd(*args), input=stdin, capture_output=True, text=True, timeout=300)


def test_segment_preserves_lines_and_characters():
    lines = ["市委副书记、市长宋华英主持召开会议。", "", "  推动碳达峰碳中和，  ", "abc 123"]
    proc = cli("segment", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    for src, seg in zip(lines, out):
        assert "".join(seg.split()) == "".join(src.split())
        assert "  " not in seg
    assert "市长" in out[0].split()


def test_stages_lists_requirements():
    proc = cli("stages")
    assert proc.returncode == 0
    for name in DEFAULT_STAGES:
        assert name in proc.stdout


def test_user_glossary_adds_a_repair(tmp_path):
    gl = tmp_path / "mine.tsv"
    gl.write_text("数字经济\tdigital economy\tterm\tnumber word economy\n", encoding="utf-8")
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "a", "text": "We will grow the number word economy."}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = cli("run", str(inp), "-o", str(out), "--glossary", str(gl), "-q")
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["clean_text"] == "We will grow the digital economy."
    strict = tmp_path / "strict.jsonl"
    assert cli("run", str(inp), "-o", str(strict), "--glossary", str(gl), "--min-confidence", "0.999",
               "-q").returncode == 0
    assert json.loads(strict.read_text(encoding="utf-8"))["corrections"] == []


def test_bad_config_fails_before_reading_with_a_clear_message(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"stages": ["detect_language", "officials"]}), encoding="utf-8")
    proc = cli("run", str(tmp_path), "-o", str(tmp_path / "o.jsonl"), "--config", str(cfg))
    assert proc.returncode == 1
    assert "requires ['entities']" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_stage_and_option_are_config_errors():
    with pytest.raises(ConfigError, match="unknown stage"):
        Pipeline({"stages": ["detect_language", "nope"], "options": {}})
    with pytest.raises(ConfigError, match="rejected its options"):
        Pipeline({"stages": ["detect_language"], "options": {"detect_language": {"colour": 1}}})
