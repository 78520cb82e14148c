"""``belcoach doctor``'s call-library checks: who can read the calls, and the access log.

- Permissions (issue 18 item 0): every folder in the library must be 0700
  and every file 0600. A library written before that rule (or copied in with
  loose modes) is reported with what is too open; ``--fix-permissions``
  tightens it. On Windows the ACL decides: doctor does not read it, and
  ``--fix-permissions`` restricts the library to the current user
  (`belcoach.core.private_files.restrict_to_owner`, untested on Linux CI).
- Whose library (item 3): a library another OS account owns is a problem
  (belcoach will not open it), unless it is IT's shared one.
- The access log (item 2): the hash chain is verified; a broken or cut
  chain is a problem (stored calls will not open until IT sets the log
  aside), a deleted log or a restarted chain is a warning that stays visible
  as long as the restart line is in the log, and a log that cannot be
  written is a problem.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from belcoach.audio.calls.access import ChainState, log_path, verify
from belcoach.audio.calls.library import library_root
from belcoach.cli.doctor_checks import Report
from belcoach.core.private_files import restrict_to_owner, tighten, too_open
from belcoach.core.settings import ResolvedSettings

SECTION = "call library"
SHOWN = 5
"""Paths named in the problem line (the count says how many more)."""


def library(report: Report, settings: ResolvedSettings, *, fix_permissions: bool) -> None:
    """Check the library in the settings (``recording.storage_dir`` or the data folder)."""
    root = library_root(str(settings.values.recording.storage_dir))
    report.add(SECTION, "folder", str(root))
    if not root.is_dir():
        report.add(SECTION, "state", "not created yet (no call recorded or imported)")
        return
    if not owner(report, settings, root):
        return
    permissions(report, root, fix=fix_permissions)
    access_log(report, root)


def owner(report: Report, settings: ResolvedSettings, root: Path) -> bool:
    """Report a library another OS account owns (belcoach will not open it); False then.

    IT's shared library (``recording.storage_dir`` in the policy) may belong
    to anyone: it is said, not reported.
    """
    from belcoach.wiring.library import ForeignLibraryError, plan_library, refuse_foreign_library

    plan = plan_library(settings)
    try:
        refuse_foreign_library(plan)
    except ForeignLibraryError as exc:
        report.add(SECTION, "owner", "another account")
        report.problems.append(str(exc))
        return False
    if plan.shared_root is not None:
        report.add(SECTION, "owner", "shared library set up by IT (recording.storage_dir)")
    return True


def permissions(report: Report, root: Path, *, fix: bool) -> None:
    """Report (or, with ``fix``, tighten) library folders and files others can read."""
    if sys.platform == "win32":
        if fix and restrict_to_owner(root, inside=True):
            report.add(SECTION, "permissions", "restricted to this user (ACL)")
        else:
            report.add(
                SECTION,
                "permissions",
                "ACL not checked on Windows; --fix-permissions restricts it to this user",
            )
        return
    wide = list(too_open(root))
    done = ""
    if wide and fix:
        for path in wide:
            tighten(path)
        wide, before = list(too_open(root)), len(wide)
        done = f"fixed {before - len(wide)} folder(s)/file(s); "
    if not wide:
        report.add(SECTION, "permissions", f"{done}owner only (folders 0700, files 0600)")
        return
    names = ", ".join(f"{p} ({os.stat(p).st_mode & 0o777:o})" for p in wide[:SHOWN])
    more = f" and {len(wide) - SHOWN} more" if len(wide) > SHOWN else ""
    report.add(SECTION, "permissions", f"{len(wide)} readable by other users")
    report.problems.append(
        f"other users of this PC can read the call library: {names}{more}; "
        "run `belcoach doctor --fix-permissions` to make it readable by you only"
    )


def access_log(report: Report, root: Path) -> None:
    """Verify the access log's chain and that it can be written."""
    verdict = verify(root)
    path = log_path(root)
    facts = {"state": verdict.state.value, "lines": len(verdict.entries)}
    report.data["access_log"] = facts
    if verdict.state is ChainState.FRESH:
        report.add(SECTION, "access log", "none yet (no stored call has been opened)")
    elif verdict.state in (ChainState.BROKEN, ChainState.CUT):
        report.add(SECTION, "access log", f"BROKEN after {len(verdict.entries)} line(s)")
        report.problems.append(
            f"the access log cannot be trusted: {verdict.message}. Stored calls will not open "
            "until it is set aside with `belcoach calls access-log --restart` (the old file is "
            "kept for IT or the DPO)"
        )
    elif verdict.state is ChainState.DELETED:
        report.add(SECTION, "access log", "missing")
        report.warnings.append(verdict.message)
    else:
        report.add(SECTION, "access log", f"{len(verdict.entries)} line(s), hash chain intact")
    for restart in verdict.restarts:
        report.warnings.append(
            f"{path}: a new chain was started at {restart.time} by {restart.user}: {restart.note}"
        )
    if verdict.torn_tail:
        report.add(SECTION, "last line", "cut off by a crash; ignored (lost at most that line)")
    target = path if path.exists() else root
    if not os.access(target, os.W_OK):
        report.problems.append(
            f"{target} cannot be written: stored calls will not open (the access log must be "
            "written first); live calls are not affected"
        )
