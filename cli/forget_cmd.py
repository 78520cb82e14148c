"""``belcoach forget CALL [--yes]``: delete one call completely (a data subject's request).

CALL is a call id (or the start of one) in the library, or a call folder. The
call's folder (audio, journal, summary, notes), report files saved beside it
in the library and its index row are deleted, and what was deleted is
printed. It asks first unless ``--yes``; a call being recorded is refused.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from belcoach.cli.calls_cmd import add_library_option, library_plan, stored_call


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``forget`` command."""
    p = sub.add_parser(
        "forget",
        help="delete one call completely (audio, transcript, notes, index row)",
        description="Delete every trace of one call the call library holds.",
    )
    p.add_argument("call", help="call id (or the start of one) or call folder")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_library_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach forget``."""
    from belcoach.audio.calls.folder import CallFolder
    from belcoach.audio.calls.library import INDEX_FILE, CallLibrary, is_recording
    from belcoach.core.errors import AppError

    plan = library_plan(args)
    library_root = plan.root
    path = stored_call(args.call, plan)
    if path.is_file() and CallFolder(path.parent).is_call():
        path = path.parent
    folder = CallFolder(path)
    if not path.is_dir() or not folder.is_call():
        raise AppError(f"{path}: not a call folder")
    if is_recording(folder):  # before anything else touches the library
        raise AppError(f"{path}: is being recorded right now; end the call first, then forget it")
    meta = folder.read_meta()
    if not args.yes:
        who = f" by {meta.agent}" if meta.agent else ""
        print(
            f"Forget call {meta.id} (started {meta.started_at}{who}, {meta.source or 'no source'})?"
            " Its audio, transcript, notes and index row are deleted for good."
        )
        try:
            answer = input("Type yes to delete it: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "ja", "j"):
            print("nothing deleted", file=sys.stderr)
            return 1
    root = Path(path).parent
    if not (root / INDEX_FILE).exists() and root.resolve() != library_root.resolve():
        # a call folder outside any library: there is no index to clean
        shutil.rmtree(path)
        done = [f"folder {path}"]
    else:
        library = CallLibrary(root)
        try:
            done = library.forget(meta.id)
        finally:
            library.close()
    for line in done:
        print(f"deleted {line}")
    return 0
