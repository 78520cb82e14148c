"""``belcoach report CALL --html out.html [--pdf out.pdf]``: the coach's call report.

CALL is a call folder, a call id (or the start of one) in the library, or an
``events.jsonl`` written by ``belcoach analyze --events``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from belcoach.cli.calls_cmd import add_library_option, library_plan, stored_call


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``report`` command."""
    p = sub.add_parser(
        "report",
        help="write a call's report as HTML and/or PDF",
        description="Write a coach's report of one call: headline figures, the QA "
        "scorecard, plots, the transcript with marks, notes and the tips from the seeds "
        "that apply.",
    )
    p.add_argument("call", help="call folder, call id, or events.jsonl")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the report as HTML here")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write the report as PDF here")
    p.add_argument(
        "--language",
        choices=("nl", "en", "sv"),
        help="report language (default: the call's language)",
    )
    add_library_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach report``."""
    from belcoach.audio.calls.access import record_opening
    from belcoach.audio.calls.loaded import load_call
    from belcoach.audio.review.report.build import write_report
    from belcoach.cli.common import load_cli_settings
    from belcoach.core.errors import ConfigError
    from belcoach.wiring.qa import plan_qa_card

    if args.html is None and args.pdf is None:
        raise ConfigError("give --html FILE and/or --pdf FILE")
    settings = load_cli_settings()
    plan = library_plan(args, settings)
    path = stored_call(args.call, plan)
    # the access log first: refused when it cannot be written
    record_opening(path, "report", shared=plan.shared_root)
    # privacy.redact in force now holds in the report, even for a call stored before it was
    call = load_call(path, redact=plan.privacy.redact)
    qa_card = plan_qa_card(settings)  # the QA scorecard section uses the card in force
    write_report(call, html=args.html, pdf=args.pdf, language=args.language, qa_card=qa_card)
    for out in (args.html, args.pdf):
        if out is not None:
            print(out)
    return 0
