"""Command line of iess-extract: `extract run` turns the reports of a folder into validated
Parquet datasets; `extract inspect` prints what one report yields (sections, tables, anomalies);
`extract debug` draws a PDF page with the table cells found on it; `extract docs` builds the
Great Expectations Data Docs site of what is published."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from extract.tables.spec import Column

_RUN_EPILOG = """exit codes: 0 every report extracted; 1 any report failed or was quarantined (the
others are written); 2 usage error (missing, unreadable or empty input folder, bad option,
missing or incomplete validation suite, output folder that cannot be written); 3 another run
holds the output folders; 130 interrupted (Ctrl-C: what is written is kept). (`make extract`
exits 2 for any but 0, make's own code; its last line's `Error N` is this code.)

examples:
  extract run                                   # raw/ -> processed/
  extract run --only iess-loja-2024 -v          # one report, detailed logs
  extract run --force --workers 2               # redo everything on two processes
"""

#: One rule for the commands given a FILE (`inspect`, `debug`), as for `run`'s folder and reports.
_FILE_EPILOG = """exit codes: 0 done; 1 the file is there but is not a readable report (damaged, not an IESS
report, a scan without the ocr extra); 2 usage error ({usage}, bad option)."""


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each command's."""
    from extract import __version__

    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="detailed logs (this package's DEBUG lines)")
    p = argparse.ArgumentParser(prog="extract", description=__doc__, parents=[verbose], formatter_class=_Formatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
                     help="memory one report's extraction may use, whatever the worker count")
    ins = sub.add_parser("inspect", help="print a report's id, sections, tables and anomalies", parents=[verbose],
                         epilog=_FILE_EPILOG.format(usage="no such file"),
                         formatter_class=_Formatter)
    ins.add_argument("file", type=Path, help="a report: PDF, or its text (any extraction, Markdown too)")
    docs = sub.add_parser("docs", help="build the Great Expectations Data Docs site of processed/", parents=[verbose],
                          formatter_class=_Formatter)
    docs.add_argument("--processed", type=Path, default=Path("processed"), help="the published Parquet datasets")
    docs.add_argument("--out", type=Path, default=Path("interim/gx"),
                      help="GX project folder; the site is its gx/uncommitted/data_docs/local_site/")
    docs.add_argument("--checks", type=Path, default=Path("interim/conciliaciones"),
                      help="the reconciliation rows the runs kept")
    dbg = sub.add_parser("debug", parents=[verbose],
                         help="PNG of a PDF page with the table cells found on it (its words, if read by OCR)",
                         epilog=_FILE_EPILOG.format(usage="no such file, not a PDF,\na page it does not have"),
                         formatter_class=_Formatter)
    dbg.add_argument("file", type=Path, help="a report's PDF")
    dbg.add_argument("--page", type=int, required=True, help="1-based page number")
    dbg.add_argument("--interim", type=Path, default=Path("interim"),
                     help="the PNG goes to <interim>/<report_id>/debug/")
    return p, sub.choices


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; an unknown option is reported with the usage of its command (`extract run
    --bogus`: `run`'s), not the top level's. Exits (SystemExit) on a usage error or `--help`."""
    parser, commands = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parse(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    verbose = getattr(args, "verbose", False)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(_their_warnings_only)
    logging.basicConfig(level=logging.INFO, handlers=[handler])  # a no-op where logging is set up already
    logging.getLogger("extract").setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)  # their DEBUG and INFO are not this tool's
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
        site = build(args.processed, args.out, args.checks)
        print(f"Data Docs site built; open it in a browser: {site.resolve().as_uri()}")
        return 0
    return _inspect(args.file)


_NOISY = ("pdfminer", "camelot", "great_expectations", "matplotlib", "PIL", "distributed", "fontTools")


def _their_warnings_only(record: logging.LogRecord) -> bool:
    """The log handler's filter: a library's record below WARNING is dropped, also where the
    library set its own logger's level (Great Expectations sets the one of `Created temporary
    directory ... for ephemeral docs site` to INFO); this tool's records, and every library's
    warnings and errors, pass."""
    return record.levelno >= logging.WARNING or not record.name.startswith(_NOISY)


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown where there is one to show (not None, nor a flag's False), the
    description and epilog kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _debug(args: argparse.Namespace) -> int:
    from extract.debug import ocr_png, page_png
    from extract.ingest import BadInput, one_page

    if not _is_file(args.file):
        return 2
    try:
        kind, report_id, read, pictures = one_page(args.file, args.page)  # OCR of that page only
        if kind != "pdf":
            print(f"{args.file}: not a PDF; debug draws PDF pages", file=sys.stderr)
            return 2
        out_dir = args.interim / report_id / "debug"
        out = (ocr_png(args.file, read, out_dir, pictures) if read or pictures
               else page_png(args.file, args.page, out_dir))
    except BadInput as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 2
    print(out)
    return 0


def _is_file(path: Path) -> bool:
    """Whether the FILE argument names a file; if not, says so (a usage error, exit code 2, as
    for `run`'s missing folder; a file that is there but no readable report is 1)."""
    if path.is_file():
        return True
    print(f"{path}: {'not a file' if path.exists() else 'no such file'}", file=sys.stderr)
    return False


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

    if not _is_file(path):
        return 2
    try:
        doc = ingest(path)
    except BadInput as err:
        print(f"{path}: {err}", file=sys.stderr)
        return 1
    print(f"{doc.source_file}: {doc.report_id} ({doc.kind}, {doc.pages or len(doc.lines)} "
          f"{'pages' if doc.pages else 'lines'}, sha256 {doc.sha256[:12]})")
    scanned = {p: r for p, r in doc.ocr.items() if p not in {pic.page for pic in doc.pictures}}
    if scanned:
        mean = sum(r.confidence for r in scanned.values()) / len(scanned)
        print(f"  OCR: {len(scanned)} page(s) read by OCR, mean confidence {mean:.0f}%: " + ", ".join(
            f"p.{p} {r.confidence:.0f}%" + (f" (straightened {r.skew_degrees:+.1f}°)" if r.skew_degrees else "")
            for p, r in sorted(scanned.items())))
    for pic in doc.pictures:
        x0, y0, x1, y1 = pic.box
        print(f"  OCR: picture on p.{pic.page} at ({x0:.0f}, {y0:.0f})-({x1:.0f}, {y1:.0f}) pt: {len(pic.words)} "
              f"words, {'read as a table' if pic.table else 'no rows of values (a chart or photo), dropped'}")
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
            tried = ", ".join(f"{c['reader']}={c['score']}" for c in t.tried)
            print(f"  table {f.dataset}: {t.method} ({t.reader}), {where}, {len(t.rows)} rows x "
                  f"{len(t.columns)} value columns, spec {t.spec}, fit {t.score:.2f} (tried {tried})")
            print(f"    header: {t.header[:160]}")
            print("    columns: " + " | ".join(_column_name(c) for c in t.columns))
            _print_roles(t.roles)
            print("    first rows: " + "; ".join(
                f"{r.group + ' / ' if r.group else ''}{r.label}" for r in t.rows[:3]))
        else:
            state = ("DOUBTFUL: " + f.doubt if f.doubt else "stated none" if f.stated_none
                     else "NOT FOUND" if f.expected else "no section")
            print(f"  table {f.dataset}: {state}")
            if f.withheld:
                print(f"    header: {f.withheld.header[:160]}")
                _print_roles(f.withheld.roles)
    for a in sink.items:
        print(f"  anomaly: {a.dataset or '-'}: {a.problem} at {a.location}: {a.raw_text}")
    return 0


def _print_roles(roles: dict | None) -> None:
    """The columns' roles chosen, why, and the runner-up (`tables/roles.py`)."""
    if not roles or not roles.get("chosen"):
        return
    for name in ("chosen", "runner_up"):
        a = roles.get(name)
        if a:
            fields = " | ".join(f"{f}[{y}]" if f and y else f or "-"
                                for f, y in zip(a["fields"], a["years"], strict=True))
            print(f"    roles {name.replace('_', '-')}: {fields} (arithmetic {a['arithmetic']}, "
                  f"header words {a['header']})")
    for line in roles.get("evidence", []):
        print(f"      evidence: {line}")


def _column_name(col: Column) -> str:
    """`afiliados[2024]`, `valor_usd[adjudicado]`, `(comprometido)` for a column read past."""
    keys = [str(k) for k in (col.year, col.span) if k is not None]
    name = f"{col.field}[{', '.join(keys)}]" if keys else col.field
    return name if col.keep else f"({name})"
