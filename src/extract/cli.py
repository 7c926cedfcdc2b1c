"""Command line: `extract run` (the pipeline) and `extract inspect` (what a report yields)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from extract.tables.spec import Column

_RUN_EPILOG = """exit codes: 0 every report extracted; 1 any report failed or was quarantined (the
others are written); 2 usage error (missing, unreadable or empty input folder, bad option,
missing validation suite); 3 another run holds the output folders.

examples:
  extract run                                   # raw/ -> processed/
  extract run --only iess-loja-2024 -v          # one report, detailed logs
  extract run --force --workers 2               # redo everything on two processes
"""


def _parser() -> argparse.ArgumentParser:
    from extract import __version__

    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="detailed logs (this package's DEBUG lines)")
    p = argparse.ArgumentParser(prog="extract", description=__doc__, parents=[verbose])
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="extract every report of a folder into Parquet datasets", parents=[verbose],
                         epilog=_RUN_EPILOG, formatter_class=_Formatter)
    run.add_argument("--raw", type=Path, default=Path("raw"), help="input folder (PDF or text)")
    run.add_argument("--interim", type=Path, default=Path("interim"), help="per-stage outputs")
    run.add_argument("--processed", type=Path, default=Path("processed"), help="Parquet datasets")
    run.add_argument("--only", metavar="REPORT_ID", help="process and write only this report")
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                     help="reports processed in parallel (the number of CPUs)")
    run.add_argument("--force", action="store_true", help="redo every stage, ignoring interim/.cache")
    run.add_argument("--engine", choices=("process", "dask"), default="process",
                     help="process pool or Dask distributed (needs the dask extra)")
    run.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (none: a local cluster)")
    run.add_argument("--max-size", type=float, default=200, metavar="MB",
                     help="an input larger than this fails")
    run.add_argument("--max-text-size", type=float, default=5, metavar="MB",
                     help="a text input larger than this fails (a report's text is ~60 KB)")
    run.add_argument("--timeout", type=float, default=900, metavar="S",
                     help="a report taking longer than this fails, the others go on")
    run.add_argument("--max-memory", type=float, default=4000, metavar="MB",
                     help="memory of one worker process, with --workers > 1")
    ins = sub.add_parser("inspect", help="print a report's id, sections and tables", parents=[verbose])
    ins.add_argument("file", type=Path)
    docs = sub.add_parser("docs", help="build the Great Expectations Data Docs site of processed/", parents=[verbose])
    docs.add_argument("--processed", type=Path, default=Path("processed"))
    docs.add_argument("--out", type=Path, default=Path("interim/gx"), help="GX project folder")
    docs.add_argument("--checks", type=Path, default=Path("interim/conciliaciones"),
                      help="the reconciliation rows the runs kept")
    dbg = sub.add_parser("debug", parents=[verbose],
                         help="PNG of a PDF page with the table cells found on it (its words, if read by OCR)")
    dbg.add_argument("file", type=Path)
    dbg.add_argument("--page", type=int, required=True, help="1-based page number")
    dbg.add_argument("--interim", type=Path, default=Path("interim"))
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    verbose = getattr(args, "verbose", False)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("extract").setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("pdfminer", "camelot", "great_expectations", "matplotlib", "PIL", "distributed", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # their DEBUG is not this tool's
    if args.command == "run":
        return _run(args)
    if args.command == "debug":
        return _debug(args)
    if args.command == "docs":
        from extract.datadocs import build

        if not (args.processed / "reports").is_dir():
            print(f"extract: {args.processed} holds no published reports; run `extract run` first",
                  file=sys.stderr)
            return 2
        print(build(args.processed, args.out, args.checks))
        return 0
    return _inspect(args.file)


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown, the epilog kept as written."""


def _debug(args: argparse.Namespace) -> int:
    from extract.debug import ocr_png, page_png
    from extract.ingest import BadInput, ingest

    try:
        doc = ingest(args.file)
    except BadInput as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 1
    if doc.kind != "pdf":
        print(f"{args.file}: not a PDF; debug draws PDF pages", file=sys.stderr)
        return 2
    try:
        out_dir = args.interim / doc.report_id / "debug"
        read = doc.ocr.get(args.page)
        out = ocr_png(args.file, read, out_dir) if read else page_png(args.file, args.page, out_dir)
    except ValueError as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 2
    print(out)
    return 0


def _run(args: argparse.Namespace) -> int:
    from extract.inputs import list_inputs
    from extract.pipeline import RunOptions, run
    from extract.report import Limits

    if not args.raw.is_dir():
        print(f"extract: input folder {args.raw} does not exist", file=sys.stderr)
        return 2
    try:
        inputs = list_inputs(args.raw)
    except OSError as err:
        print(f"extract: input folder {args.raw} cannot be read ({err.strerror})", file=sys.stderr)
        return 2
    if min(args.max_size, args.max_text_size, args.timeout, args.max_memory) <= 0:
        print("extract: --max-size, --max-text-size, --timeout and --max-memory must be positive", file=sys.stderr)
        return 2
    if not inputs:
        print(f"extract: input folder {args.raw} is empty: put report PDFs or text files in it",
              file=sys.stderr)
        return 2
    if args.workers < 1:
        print("extract: --workers must be at least 1", file=sys.stderr)
        return 2
    limits = Limits(max_bytes=int(args.max_size * 1e6), max_text_bytes=int(args.max_text_size * 1e6),
                    seconds=args.timeout,
                    memory_bytes=int(args.max_memory * 1e6))
    opts = RunOptions(args.raw, args.interim, args.processed, args.only, args.workers,
                      force=args.force, engine=args.engine, scheduler=args.scheduler,
                      limits=limits)
    return run(opts)


def _inspect(path: Path) -> int:
    from extract import sections
    from extract.ingest import BadInput, ingest
    from extract.model import Sink
    from extract.tables.find import find_tables

    try:
        doc = ingest(path)
    except BadInput as err:
        print(f"{path}: {err}", file=sys.stderr)
        return 1
    print(f"{doc.source_file}: {doc.report_id} ({doc.kind}, {doc.pages or len(doc.lines)} "
          f"{'pages' if doc.pages else 'lines'}, sha256 {doc.sha256[:12]})")
    if doc.ocr:
        mean = sum(r.confidence for r in doc.ocr.values()) / len(doc.ocr)
        print(f"  OCR: {len(doc.ocr)} page(s) read by OCR, mean confidence {mean:.0f}%: " + ", ".join(
            f"p.{p} {r.confidence:.0f}%" + (f" (straightened {r.skew_degrees:+.1f}°)" if r.skew_degrees else "")
            for p, r in sorted(doc.ocr.items())))
    if doc.unread_pages:
        pages = ", ".join(map(str, doc.unread_pages))
        print(f"  not read: page(s) {pages} have no text layer and OCR is not installed")
    secs = sections.detect(doc.lines)
    for s in secs:
        last = doc.lines[max(s.end - 1, s.start)]
        where = (f"p.{s.start_page}-{last.page}" if s.start_page else f"l.{s.start_line}-{last.line}")
        print(f"  {'  ' * (s.nivel - 1)}{s.numero or '-'} {s.titulo} [{where}]")
    sink = Sink(doc.report_id)
    for f in find_tables(doc, secs, sink):
        if f.table:
            t = f.table
            where = f"pages {t.pages}" if t.pages else f"line {t.rows[0].line}"
            tried = ", ".join(f"{c['method']}={c['score']}" for c in t.tried)
            print(f"  table {f.dataset}: {t.method}, {where}, {len(t.rows)} rows x "
                  f"{len(t.columns)} value columns, spec {t.spec}, fit {t.score:.2f} (tried {tried})")
            print(f"    header: {t.header[:160]}")
            print("    columns: " + " | ".join(_column_name(c) for c in t.columns))
            print("    first rows: " + "; ".join(
                f"{r.group + ' / ' if r.group else ''}{r.label}" for r in t.rows[:3]))
        else:
            state = "stated none" if f.stated_none else ("NOT FOUND" if f.expected else "no section")
            print(f"  table {f.dataset}: {state}")
    for a in sink.items:
        print(f"  anomaly: {a.dataset or '-'}: {a.problem} at {a.location}: {a.raw_text}")
    return 0


def _column_name(col: Column) -> str:
    """`afiliados[2024]`, `valor_usd[adjudicado]`, `(comprometido)` for a column read past."""
    keys = [str(k) for k in (col.year, col.span) if k is not None]
    name = f"{col.field}[{', '.join(keys)}]" if keys else col.field
    return name if col.keep else f"({name})"
