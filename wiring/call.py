"""Settings + command-line flags → everything one call needs (`CallPlan`).

One function, `plan_call`, for every entry point that runs a call (``app``,
``demo``, ``live``, ``analyze``, ``calls import``; ``doctor`` checks the same
plan): the language, the Whisper model, the ``[analysis]`` table (rules that IT
disabled included), redaction and encryption, and the recording plan. Locked
settings win: a flag that contradicts one is refused here, before any device or
model is opened.

A live call always decodes with the live profile (beam ``model.beam_size``);
a call decoded after the fact (``offline=True``: ``calls import``, ``analyze``
of several calls or a folder, a cluster) takes ``model.offline_decoding``
(`DecodeProfile`; ``live`` by default, ``thorough`` where the PC can afford it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belcoach.audio.bus import Subscriber
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.engine.transcriber import THOROUGH_BEAM, DecodeProfile
from belcoach.audio.jobs.recording import RecordingFactory
from belcoach.audio.jobs.run import ModelChoice
from belcoach.audio.jobs.session import SessionConfig
from belcoach.audio.languages import check_language
from belcoach.audio.privacy.redact import redacting
from belcoach.core.errors import ConfigError
from belcoach.core.settings import ResolvedSettings
from belcoach.wiring.flags import CallFlags, refuse_locked
from belcoach.wiring.library import RecordingPlan, plan_library


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What one call runs with, decided from the settings and flags.

    Attributes:
        language: the call's language code.
        model: the Whisper model to load and how.
        analysis: the ``[analysis]`` table for the analysers.
        recording: the library, retention and privacy in force.
    """

    language: str
    model: ModelChoice
    analysis: Mapping[str, Any]
    recording: RecordingPlan

    @property
    def privacy(self) -> RecordingPrivacy:
        """Redaction and encryption in force (the policy's, plus ``--redact``)."""
        return self.recording.privacy

    def output(self, subscriber: Subscriber) -> Subscriber:
        """``subscriber`` as every writer of a transcript must get it: redacted when on.

        Terminal lines, ``--events`` files and summaries of a command all go
        through the returned subscriber, so a forced ``privacy.redact`` holds in
        everything the command writes.
        """
        return redacting(subscriber) if self.privacy.redact else subscriber

    def session_config(
        self, *, recording: RecordingFactory | None = None, paced: bool = True
    ) -> SessionConfig:
        """The configuration of a `CallSession` for this plan."""
        return SessionConfig(
            language=self.language,
            model=self.model,
            analysis=self.analysis,
            paced=paced,
            recording=recording,
        )


def plan_call(
    settings: ResolvedSettings,
    flags: CallFlags | None = None,
    *,
    library_root: Path | None = None,
    offline: bool = False,
) -> CallPlan:
    """The plan for one call: each flag given wins, unless IT locked its setting.

    ``offline``: nobody waits for the words (import, batch, cluster), so the
    model may decode with ``model.offline_decoding`` (see `model_choice`).

    Raises:
        ConfigError: a flag contradicts a locked setting, a value is out of
            range, or the language is unknown.
    """
    flags = flags or CallFlags()
    refuse_locked(settings, flags)
    language = check_language(flags.language or str(settings.values.call.language))
    return CallPlan(
        language=language,
        model=model_choice(settings, flags, offline=offline),
        analysis=settings.values.analysis_for_call(),
        recording=plan_library(settings, root=library_root, redact=flags.redact),
    )


def model_choice(
    settings: ResolvedSettings, flags: CallFlags | None = None, *, offline: bool = False
) -> ModelChoice:
    """The Whisper model to load: each flag given wins, else the setting ``model.*``.

    The profile is ``LIVE`` unless ``offline`` and ``model.offline_decoding``
    says ``thorough``. The thorough profile's beam is `THOROUGH_BEAM` (or
    ``model.beam_size`` if larger), except where the beam was decided
    outright: ``--beam-size`` given, or ``model.beam_size`` locked by IT (a CPU
    budget holds for every call).

    Raises:
        ConfigError: threads or beam size below 1.
    """
    flags = flags or CallFlags()
    values = settings.values.model
    threads = int(values.cpu_threads if flags.threads is None else flags.threads)
    profile = DecodeProfile.LIVE
    if offline:
        profile = DecodeProfile(str(values.offline_decoding))
    beam = int(values.beam_size if flags.beam_size is None else flags.beam_size)
    if (
        profile is DecodeProfile.THOROUGH
        and flags.beam_size is None
        and not settings.locked("model.beam_size")
    ):
        beam = max(beam, THOROUGH_BEAM)
    if beam < 1 or threads < 1:
        raise ConfigError(
            f"beam size ({beam}) and threads ({threads}) must be at least 1 "
            "(--beam-size/--threads, settings model.beam_size/model.cpu_threads)"
        )
    model_dir = flags.model_dir
    if model_dir is None and values.directory:
        model_dir = Path(str(values.directory)).expanduser()
    return ModelChoice(
        name=flags.model or str(values.name),
        admin_dir=model_dir,
        cpu_threads=threads,
        beam_size=beam,
        profile=profile,
    )
