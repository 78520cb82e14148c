"""From the settings to the call library and each call's recorder (no Qt here).

The desktop app records live calls (and the demo) when ``recording.enabled``
is on; ``calls``, ``replay``, ``report`` and ``forget`` read the same library.
This module is THE one place where the `CallLibrary` and its recorders are
created from the settings: `plan_library` reads them (a ``--library`` folder
or ``--redact`` flag on top), `open_library` opens the library and
`recorder_factory` starts a recording per call. Redaction and encryption
(``privacy.redact``, ``recording.encrypt``) travel in the plan's
`RecordingPrivacy` and are passed on in those functions only.
"""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.audio.calls.library import CallLibrary, library_root
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.jobs.recording import Recording, RecordingFactory, RecordingRequest
from belcoach.core.settings import ResolvedSettings

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
    """

    enabled: bool
    root: Path
    retention_days: int
    privacy: RecordingPrivacy = field(default_factory=RecordingPrivacy)
    agent: str = ""

    @classmethod
    def from_settings(cls, settings: ResolvedSettings) -> RecordingPlan:
        """Read the plan from the settings (IT policy included)."""
        return plan_library(settings)


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
    )


def open_library(plan: RecordingPlan) -> CallLibrary:
    """Open the call library: reconcile its index, recover cut-off calls, apply retention.

    Raises:
        AppError / OSError: the folder cannot be created or read.
    """
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
