"""Command line: `govpipe run`, `govpipe segment`, `govpipe stages`.

Exit status: 0 success; 1 the run could not start or could not write (config, resources, output);
2 command-line usage error; 3 the run finished but at least one document carries an error.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from typing import Sequence

from . import __version__
from .config import load_config
from .errors import GovpipeError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_DOC_ERRORS = 0, 1, 2, 3

log = logging.getLogger("govpipe")


def _add_segment_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--standard", choices=("pku", "msr"), default=None,
                   help="segmentation standard: pku (People's Daily, default) or msr")
    p.add_argument("--mode", choices=("fast", "accurate"), default=None,
                   help="fast: dictionary (jieba algorithm); accurate: the project's trained model")
    p.add_argument("--user-dict", metavar="FILE", default=None,
                   help="extra words for the units layer (never changes the standard's tokens), "
                        "one per line (jieba format: word [freq] [pos]; pos nnt marks a title)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govpipe",
        description="NLP pipeline for Chinese government news and its English machine translations.",
    )
    parser.add_argument("--version", action="version", version=f"govpipe {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="process documents into JSON lines")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt/.html/.jsonl files or folders")
    run.add_argument("-o", "--output", required=True, metavar="OUT.jsonl")
    run.add_argument("--workers", type=int, default=1, help="worker processes (datasets num_proc)")
    run.add_argument("--resume", action="store_true",
                     help="keep the records already in OUT (repairing a cut-off last line) and add the rest")
    run.add_argument("--lang", choices=("auto", "zh", "en"), default="auto")
    run.add_argument("--glossary", action="append", default=[], metavar="FILE",
                     help="extra glossary TSV (format: models/glossary_README.md); repeatable")
    run.add_argument("--min-confidence", type=float, default=None,
                     help="drop translation corrections below this confidence (0-1)")
    run.add_argument("--config", metavar="FILE", help="JSON config: stages and per-stage options")
    run.add_argument("--max-chars", type=int, default=None, help="longest document processed (characters)")
    run.add_argument("--chunk-size", type=int, default=None, help="documents per write/flush")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    _add_segment_options(run)

    seg = sub.add_parser(
        "segment", help="segment Chinese lines from stdin (SIGHAN format on stdout)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Segment Chinese lines from stdin; words separated by spaces on stdout.",
        epilog=(
            "Two layers. By default the words are the standard's tokens (市委 副 书记 、 市长 宋 华英),\n"
            "which no dictionary changes. The units layer groups consecutive tokens into domain units\n"
            "(市委副书记 、 市长 宋华英): --units uses the bundled government dictionary; --user-dict FILE\n"
            "uses FILE (and prints units without --units, as before), plus the bundled dictionary\n"
            "with --domain-dict."
        ),
    )
    _add_segment_options(seg)
    seg.add_argument("--units", action="store_true",
                     help="print domain units instead of standard tokens")
    seg.add_argument("--domain-dict", action="store_true",
                     help="units from the bundled government dictionary (models/gov_userdict.txt) as "
                          "well as from --user-dict (the bundled one alone is what --units uses)")

    sub.add_parser("stages", help="list the registered stages with what they require and provide")
    return parser


def _run(args: argparse.Namespace) -> int:
    from .runner import run

    config = load_config(
        args.config,
        detect_language={"lang": args.lang} if args.lang != "auto" else {},
        segment={"standard": args.standard, "mode": args.mode, "user_dict": args.user_dict},
        cleanup={
            "glossary": list(args.glossary) if args.glossary else None,
            "min_confidence": args.min_confidence,
        },
        entities_en={"glossary": list(args.glossary) if args.glossary else None},
        entities_zh={"glossary": list(args.glossary) if args.glossary else None},
    )
    if args.max_chars:
        config["max_chars"] = args.max_chars

    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="govpipe")

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.refresh()
        elif not args.quiet:
            log.info("processed %d/%d documents", done, total)

    summary = run(args.inputs, args.output, config=config, workers=args.workers, resume=args.resume,
                  chunk_size=args.chunk_size, on_progress=progress)
    if bar is not None:
        bar.close()
    print(summary.format())
    print(f"output: {args.output}")
    return EXIT_DOC_ERRORS if summary.failed else EXIT_OK


def _segment(args: argparse.Namespace) -> int:
    from .segment import segment_lines

    try:
        text = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        log.error("stdin is not UTF-8 (undecodable byte at offset %d); convert it first", exc.start)
        return EXIT_ERROR
    lines = text.split("\n")
    trailing_newline = bool(lines) and lines[-1] == ""
    if trailing_newline:
        lines.pop()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    units = args.units or args.domain_dict or bool(args.user_dict)
    for line in segment_lines((l.rstrip("\r") for l in lines), standard=args.standard or "pku",
                              mode=args.mode or "fast", user_dict=args.user_dict,
                              domain_dict=args.domain_dict, units=units):
        out.write(line + "\n")
    out.flush()
    return EXIT_OK


def _stages(_: argparse.Namespace) -> int:
    from .registry import _REGISTRY, stage_names

    for name in stage_names():
        cls = _REGISTRY[name]
        print(f"{name:16} requires {', '.join(cls.requires) or '-':36} provides {', '.join(cls.provides)}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("datasets", "jieba", "filelock", "fsspec", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    handlers = {"run": _run, "segment": _segment, "stages": _stages}
    try:
        return handlers[args.command](args)
    except GovpipeError as exc:
        log.error("%s", exc)
        return EXIT_ERROR
    except KeyboardInterrupt:
        log.error("interrupted; rerun with --resume to continue where the output stops")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
