"""A run killed at any moment and resumed ends with exactly the records of an uninterrupted run."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from conftest import govpipe_cmd

from pipeline.runner import repair_output


def make_corpus(path: Path, n: int = 60) -> None:
    lines = []
    for i in range(n):
        text = f"第{i}次常务会议由市长宋华英主持。" if i % 2 else f"Meeting {i} was chaired by Deputy Mayor Zheng Chuan."
        lines.append(json.dumps({"id": f"d{i:03d}", "text": text, "meta": {"n": i}}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(govpipe_cmd(*args), capture_output=True, text=True, timeout=timeout)


def test_repair_drops_partial_last_line(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text('{"id": "a"}\n{"id": "b"}\n{"id": "c", "te', encoding="utf-8")
    assert [r["id"] for r in repair_output(out)] == ["a", "b"]
    assert out.read_text(encoding="utf-8") == '{"id": "a"}\n{"id": "b"}\n'


def test_sigkill_then_resume_equals_uninterrupted(tmp_path, light_config_file):
    corpus = tmp_path / "c.jsonl"
    make_corpus(corpus)
    cfg = str(light_config_file)
    full = tmp_path / "full.jsonl"
    assert run(["run", str(corpus), "-o", str(full), "--config", cfg]).returncode == 0

    out = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(govpipe_cmd("run", str(corpus), "-o", str(out), "--config", cfg,
                                        "--chunk-size", "1"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and out.read_text(encoding="utf-8").count("\n") >= 5:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # Simulate the worst moment: the kill landed in the middle of writing a record.
    with open(out, "a", encoding="utf-8") as f:
        f.write('{"id": "d0')
    resumed = run(["run", str(corpus), "-o", str(out), "--config", cfg, "--resume"])
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".govpipe-cache-*")), "the killed run's cache is cleaned up"


def test_resume_of_complete_output_changes_nothing(tmp_path, light_config_file):
    corpus = tmp_path / "c.jsonl"
    make_corpus(corpus, 8)
    out = tmp_path / "o.jsonl"
    cfg = str(light_config_file)
    assert run(["run", str(corpus), "-o", str(out), "--config", cfg]).returncode == 0
    before = out.read_text(encoding="utf-8")
    again = run(["run", str(corpus), "-o", str(out), "--config", cfg, "--resume"])
    assert again.returncode == 0, again.stderr
    assert out.read_text(encoding="utf-8") == before
    assert "documents: 8 (8 from an earlier run)" in again.stdout


def test_workers_give_the_same_output(tmp_path, light_config_file):
    corpus = tmp_path / "c.jsonl"
    make_corpus(corpus, 20)
    cfg = str(light_config_file)
    one, two = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    assert run(["run", str(corpus), "-o", str(one), "--config", cfg]).returncode == 0
    assert run(["run", str(corpus), "-o", str(two), "--config", cfg, "--workers", "2"]).returncode == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
