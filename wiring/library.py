"""From the settings to the call library and each call's recorder (no Qt here).

The desktop app records live calls (and the demo) when ``recording.enabled``
is on; ``calls``, ``replay``, ``report`` and ``forget`` read the same library.
This module is THE one place where the `CallLibrary` and its recorders are
created from the settings: `plan_library` reads them (a ``--library`` folder
or ``--redact`` flag on top), `open_library` opens the library and
`recorder_factory` starts a recording per call. Redaction and encryption
(``privacy.redact``, ``recording.encrypt``) travel in the plan's
`RecordingPrivacy` and are passed on in those functions only.

Whose library: a library folder owned by another OS account is refused
(`refuse_foreign_library`, called by `open_library` and by every command
line that names a library or a stored call), unless it is the shared
library IT set up in the policy (``recording.storage_dir``). A coach reads
another agent's calls through a ``calls export`` copy or that shared
library; the OS permissions (0700/0600, `core.private_files`) are what keep
other programs out, belcoach only declines to be the tool that opens it.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.audio.calls.access import library_of
from belcoach.audio.calls.library import INDEX_FILE, CallLibrary, library_root
from belcoach.audio.calls.owner import ForeignLibraryError
from belcoach.audio.calls.owner import refuse_foreign_library as check_owner
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.jobs.recording import Recording, RecordingFactory, RecordingRequest
from belcoach.core.settings import ResolvedSettings

__all__ = [
    "ForeignLibraryError",
    "RecordingPlan",
    "open_library",
    "plan_library",
    "recorder_factory",
    "refuse_foreign_call",
    "refuse_foreign_inputs",
    "refuse_foreign_library",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecordingPlan:
    """The recording settings in force, as plain values.

    Attributes:
        enabled: record calls (``recording.enabled``).
        root: the library folder (``recording.storage_dir`` or the data dir).
        retention_days: calls older than this are deleted (``recording.retention_days``).
        privacy: ``privacy.redact`` and ``recording.encrypt``: what the recorder
            does to keep each call private.
        agent: whose calls these are (the login name) for the coach's list.
        shared_root: the library IT set up in the policy (``recording.storage_dir``
            given by the policy, locked or not), which may belong to another
            account; None when the policy names none.
    """

    enabled: bool
    root: Path
    retention_days: int
    privacy: RecordingPrivacy = field(default_factory=RecordingPrivacy)
    agent: str = ""
    shared_root: Path | None = None


def plan_library(
    settings: ResolvedSettings, *, root: Path | None = None, redact: bool = False
) -> RecordingPlan:
    """The library and recording plan in force.

    Args:
        settings: the settings (IT policy included).
        root: a library folder given on the command line (``--library``);
            None takes ``recording.storage_dir`` or the data folder.
        redact: ``--redact``: adds redaction; a forced ``privacy.redact``
            stays on whatever is asked.
    """
    rec = settings.values.recording
    privacy = RecordingPrivacy.from_settings(settings.values)
    if redact and not privacy.redact:
        privacy = RecordingPrivacy(redact=True, encrypt=privacy.encrypt, key=privacy.key)
    return RecordingPlan(
        enabled=bool(rec.enabled),
        root=root if root is not None else library_root(rec.storage_dir),
        retention_days=int(rec.retention_days),
        privacy=privacy,
        agent=_login(),
        shared_root=_policy_library(settings),
    )


def _policy_library(settings: ResolvedSettings) -> Path | None:
    info = settings.info.get("recording.storage_dir")
    if info is None or info.origin != "policy" or not info.value:
        return None
    return library_root(str(info.value))


def refuse_foreign_library(plan: RecordingPlan, root: Path | None = None) -> None:
    """Refuse a library folder owned by another OS account (`audio.calls.owner`).

    Args:
        plan: the plan in force (its ``shared_root`` is the one exception).
        root: the library to check; default ``plan.root``.

    Raises:
        ForeignLibraryError: ``root`` belongs to someone else and is not the
            shared library the IT policy names.
    """
    check_owner(plan.root if root is None else root, plan.shared_root)


def refuse_foreign_call(plan: RecordingPlan, call: Path) -> None:
    """`refuse_foreign_library` for the library that holds ``call`` (a folder or events file).

    A loose copy (an export, a batch output) is in no library and opens for
    whoever the OS lets read it: handing it over was the owner's choice.
    """
    root = library_of(call)
    if root is not None:
        refuse_foreign_library(plan, root)


def refuse_foreign_inputs(plan: RecordingPlan, paths: Iterable[Path | None]) -> None:
    """`refuse_foreign_call` for the audio files (or folders) ``analyze`` and ``calls import`` read.

    A recorded call's ``audio.flac`` is as much another account's call as its
    folder: reading it through ``analyze`` or ``calls import`` is refused the
    same way. A folder that is itself a library is checked as one.

    Raises:
        ForeignLibraryError: one of ``paths`` lies in another account's library.
    """
    for path in paths:
        if path is None:
            continue
        if path.is_dir() and (path / INDEX_FILE).is_file():
            refuse_foreign_library(plan, path)
        else:
            refuse_foreign_call(plan, path)


def open_library(plan: RecordingPlan) -> CallLibrary:
    """Open the call library: reconcile its index, recover cut-off calls, apply retention.

    Raises:
        AppError / OSError: the folder cannot be created or read;
        ForeignLibraryError: it belongs to another OS account (`refuse_foreign_library`).
    """
    refuse_foreign_library(plan)
    library = CallLibrary.open(plan.root, retention_days=plan.retention_days, privacy=plan.privacy)
    if library.recovered:
        log.warning(
            "%s: recovered %d call(s) cut off by a crash: %s",
            plan.root,
            len(library.recovered),
            ", ".join(library.recovered),
        )
    return library


def recorder_factory(library: CallLibrary, plan: RecordingPlan, *, origin: str) -> RecordingFactory:
    """Start a recording in ``library`` for each call (``origin``: ``live`` or ``demo``)."""

    def start(request: RecordingRequest) -> Recording:
        # The privacy settings in force when this call starts (IT may have
        # changed the policy since the library was opened).
        return library.start_call(
            privacy=plan.privacy,
            origin=origin,
            agent=plan.agent,
            language=request.language,
            source=request.source,
            model=request.model,
        )

    return start


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return ""
