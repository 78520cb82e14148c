"""``belcoach team [DIR...] --html team.html [--pdf team.pdf]``: team trends per agent and week.

Each DIR is a batch output folder (``belcoach analyze ... --out DIR``, with
``calls.json``) or a call library folder; with no DIR the call library from
the settings (or ``--library``) is read. The library goes through
`calls_cmd.library_plan` like every library command. Only summaries and the
batch table are read — never audio or transcripts — so nothing is written to
the access log. A folder or file that cannot be read is reported in one line
and the rest is used; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from belcoach.cli.calls_cmd import add_library_option, library_plan
from belcoach.core.errors import ConfigError

if TYPE_CHECKING:
    from belcoach.audio.review.team.records import ReadResult


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``team`` command."""
    p = sub.add_parser(
        "team",
        help="team trends per agent and week (HTML/PDF) from batch outputs or the library",
        description="Team trends: per agent and ISO week the calls, talk ratio, pace, "
        "over-talk, phrasing cards, feeling outcome and QA score, with trend plots and the "
        "agents who improved most. Reads batch output folders (belcoach analyze --out) "
        "or the call library; figures only, no transcript text. See docs/team.md.",
    )
    p.add_argument(
        "dirs",
        nargs="*",
        type=Path,
        metavar="DIR",
        help="batch output folder or call library folder (default: the call library)",
    )
    p.add_argument("--html", type=Path, metavar="FILE", help="write the team page as HTML here")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write the team page as PDF here")
    add_library_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach team``."""
    from belcoach.audio.review.team.page import TeamInput, write_team_page
    from belcoach.audio.review.team.records import CallRecord

    if args.html is None and args.pdf is None:
        raise ConfigError("give --html FILE and/or --pdf FILE for the team page")
    records: list[CallRecord] = []
    problems: list[str] = []
    sources: list[str] = []
    inputs = _inputs(args)
    for kind, folder in inputs:
        result = _read(kind, folder, args)
        records += result.records
        problems += result.problems
        sources.append(f"{folder} ({kind}, {len(result.records)} calls)")
    for problem in problems:
        print(f"belcoach: warning: {problem}", file=sys.stderr)
    if not records:
        raise ConfigError("no analysed calls found in " + ", ".join(str(d) for _, d in inputs))
    write_team_page(TeamInput(records, sources, problems), html=args.html, pdf=args.pdf)
    for out in (args.html, args.pdf):
        if out is not None:
            print(out)
    return 1 if problems else 0


def _inputs(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(``batch`` or ``library``, folder) per input; the settings' library when none is named."""
    found = [("batch" if _is_batch(folder) else "library", folder) for folder in args.dirs]
    if args.library is not None or not args.dirs:
        found.append(("library", library_plan(args).root))
    return found


def _is_batch(folder: Path) -> bool:
    """A batch output folder: its table, or per-call summaries beside where the table goes."""
    return (folder / "calls.json").exists() or (
        folder.is_dir() and any(folder.glob("*.summary.json"))
    )


def _read(kind: str, folder: Path, args: argparse.Namespace) -> ReadResult:
    from belcoach.audio.review.team.records import ReadResult, read_batch, read_library
    from belcoach.wiring.library import open_library

    if kind == "batch":
        return read_batch(folder)
    if not folder.is_dir() or not (
        (folder / "index.sqlite3").exists() or any(folder.glob("*/call.json"))
    ):
        return ReadResult(
            problems=[f"{folder}: not a batch output or call library folder; skipped"]
        )
    plan = library_plan(argparse.Namespace(**{**vars(args), "library": folder}))
    library = open_library(plan)
    try:
        return read_library(library)
    finally:
        library.close()
