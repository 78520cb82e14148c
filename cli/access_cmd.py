"""``belcoach calls access-log [CALL]``: who opened which call (the library's access log).

By default a user sees their own lines only: a coach reviews what *they*
opened. A library is 0700 and belongs to one OS account, so its log normally
holds only that account's lines, and then nothing is hidden; lines by other
accounts appear only in a library shared on purpose (set up by IT), where an
agent's or a coach's own view should not list colleagues' openings by
default. ``--all`` prints every line: it is a convenience, not a privilege,
because whoever can read the file can read every line of it (the OS
permissions decide that, not belcoach). The command says how many lines it
left out.

``--restart`` sets a broken log aside (renamed, kept for IT or the DPO) and
starts a new chain, so stored calls open again; the new chain's first line
records that it happened.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from belcoach.audio.calls.access import (
    RESTARTED,
    ChainState,
    current_user,
    log_path,
    restart_chain,
    verify,
)


def add_parser(calls: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``calls access-log`` to the ``calls`` subcommands."""
    from belcoach.cli.calls_cmd import add_library_option

    p = calls.add_parser(
        "access-log",
        help="who opened which call (your own lines; --all for everyone's)",
        description="Print the library's access log: every replay, report, export and QA "
        "opening of a stored call, oldest first. The hash chain is checked first.",
    )
    add_library_option(p)
    p.add_argument("call", nargs="?", help="only this call id (or the start of one)")
    p.add_argument("--all", action="store_true", help="every user's lines, not only yours")
    p.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    p.add_argument(
        "--restart",
        action="store_true",
        help="set a broken log aside (kept) and start a new chain, so calls open again",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach calls access-log``; exit 1 when the chain is broken."""
    from belcoach.cli.calls_cmd import library_dir

    root = library_dir(args)
    if args.restart:
        aside = restart_chain(root)
        if aside is None:
            print(f"{log_path(root)}: the chain is intact; nothing to restart")
        else:
            print(f"{log_path(root)}: the broken log was set aside as {aside}; a new chain starts")
        return 0
    verdict = verify(root)
    me = current_user()
    wanted = [e for e in verdict.entries if not args.call or e.call.startswith(args.call)]
    mine = [e for e in wanted if e.user == me or e.action == RESTARTED]
    shown = wanted if args.all else mine
    others = len(wanted) - len(mine)
    for entry in shown:
        if args.json:
            print(json.dumps(asdict(entry), ensure_ascii=False))
        elif entry.action == RESTARTED:
            print(f"{entry.time}  {entry.user:<12} {RESTARTED}: {entry.note}")
        else:
            print(f"{entry.time}  {entry.user:<12} {entry.action:<7} {entry.call}")
    if verdict.state is ChainState.FRESH:
        print(f"{log_path(root)}: no call has been opened yet", file=sys.stderr)
    if not args.all and others:
        print(f"({others} line(s) by other users not shown; --all shows them)", file=sys.stderr)
    if verdict.torn_tail:
        print("belcoach: note: a crash cut the last line off; it is ignored", file=sys.stderr)
    if verdict.message:
        print(f"belcoach: {verdict.message}", file=sys.stderr)
    return 0 if verdict.trusted else 1
