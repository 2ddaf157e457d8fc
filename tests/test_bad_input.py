"""Each kind of bad input yields exactly one record with a clear error; the run finishes (exit 3)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import govpipe_cmd

from pipeline.readers import decode_text, read_inputs


def write_bad_inputs(folder: Path) -> None:
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "undecodable.txt").write_bytes("市长".encode("utf-8") + b"\xff\xfe\xfa\xfb\x80\x81" * 3)
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "huge.txt").write_text("会议强调" * 1_050_000, encoding="utf-8")  # 4.2 M chars, one line
    (folder / "page.html").write_text(
        "<html><script>document.write('x')</script><body><p>副市长郑川出席会议。</p></body></html>",
        encoding="utf-8")
    lines = [
        json.dumps({"id": "ok1", "text": "市委书记张强主持会议。"}, ensure_ascii=False),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "notext", "meta": {}}),
        json.dumps({"id": "numtext", "text": 42}),
        json.dumps({"id": "ok1", "text": "Deputy Mayor Zheng Chuan attended."}),
        json.dumps(["not", "an", "object"]),
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_reader_errors_name_document_and_problem(tmp_path):
    write_bad_inputs(tmp_path / "in")
    recs = {r.id: r for r in read_inputs([str(tmp_path / "in")])}
    assert "empty document" in recs["empty"].read_errors[0]
    assert "undecodable bytes" in recs["undecodable"].read_errors[0]
    assert "binary file" in recs["binary"].read_errors[0]
    assert "broken JSON line" in recs["batch:2"].read_errors[0]
    assert "no 'text' field" in recs["notext"].read_errors[0]
    assert "'text' must be a string" in recs["numtext"].read_errors[0]
    assert "duplicate id 'ok1'" in recs["ok1~2"].read_errors[0]
    assert "JSON object is expected" in recs["batch:6"].read_errors[0]
    assert not recs["ok1"].read_errors and not recs["huge"].read_errors


def test_gb18030_is_decoded():
    text, error, enc = decode_text("邢台市人民政府".encode("gb18030"))
    assert error is None and text == "邢台市人民政府" and enc == "gb18030"


def test_run_records_every_bad_document_and_exits_3(tmp_path, light_config_file):
    write_bad_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(govpipe_cmd("run", str(tmp_path / "in"), "missing.txt", "-o", str(out),
                                      "--config", str(light_config_file)),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    recs = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in recs}
    assert len(recs) == len(by_id) == 12  # 5 files + 6 JSONL lines + 1 missing path
    failed = {i for i, r in by_id.items() if r["errors"]}
    assert failed == {"empty", "undecodable", "binary", "huge", "batch:2", "notext", "numtext",
                      "ok1~2", "batch:6", "missing.txt"}
    assert "over the limit" in by_id["huge"]["errors"][0]["message"]
    page = by_id["page"]
    assert "document.write" not in page["clean_text"] and "副市长郑川出席会议。" in page["clean_text"]
    assert by_id["ok1"]["lang"] == "zh"
    assert "documents with errors: 10" in proc.stdout
