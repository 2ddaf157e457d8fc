"""Do-no-harm check of the name repairs on real MT: WMT21 zh→en (human reference and system outputs).

Every name repair on the human reference is a false alarm, so the share of reference lines the name
rules change measures their harm; on system outputs the changed lines are listed for inspection.

    python scripts/eval_names_wmt.py [--data-dir ../shared/data] [--show 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.doc import Doc  # noqa: E402
from pipeline.names_en import name_corrections  # noqa: E402
from pipeline.resources import data_dir  # noqa: E402

FILES = ("ref.en", "sys.NiuTrans.en", "sys.DIDI-NLP.en", "sys.Online-W.en", "sys.Online-Y.en")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=data_dir())
    ap.add_argument("--show", type=int, default=10, help="changed lines to print per file and setting")
    args = ap.parse_args()
    folder = args.data_dir / "mt" / "wmt21_newstest2021_zhen"
    if not folder.exists():
        print(f"no WMT21 data at {folder}; pass --data-dir or set GOVPIPE_DATA")
        return 2
    src = (folder / "src.zh").read_text(encoding="utf-8").splitlines()
    print("| output | source_text | lines changed | share |")
    print("|---|---|---:|---:|")
    shown: list[str] = []
    for name in FILES:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        for use_source in (False, True):
            changed = 0
            for i, (line, zh) in enumerate(zip(lines, src), 1):
                doc = Doc(line, lang="en", source_text=zh if use_source else None)
                fixes = name_corrections(doc, use_zh_stage=False)
                if fixes:
                    changed += 1
                    if sum(1 for s in shown if s.startswith(f"{name} {use_source}")) < args.show:
                        shown.append(f"{name} {use_source} line {i}: " + "; ".join(
                            f"{line[a:b]!r} → {rep!r} ({rule})" for a, b, rep, rule, _ in fixes))
            print(f"| {name} | {'yes' if use_source else 'no'} | {changed} / {len(lines)} | "
                  f"{100 * changed / len(lines):.2f}% |")
    print()
    print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
