"""Wires a model, a source and the engine together for one call.

The CLI, the benchmarks and (later) the desktop app all build a call the same
way through these functions, so a recorded call replayed here gives the same
events as the overlay sees live.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.bus import EventBus, Subscriber
from belcoach.audio.engine.analysers import Analyser
from belcoach.audio.engine.blocks import AudioSource
from belcoach.audio.engine.buckets import SHORT_WINDOWS
from belcoach.audio.engine.channel_words import BlockReader, ChannelTranscriber
from belcoach.audio.engine.engine import (
    MAX_TRANSCRIPT_LAG,
    CallEngine,
    EngineConfig,
    Progress,
)
from belcoach.audio.engine.transcriber import (
    DecodeOptions,
    DecodeProfile,
    Transcriber,
    WhisperTranscriber,
)
from belcoach.audio.engine.vad import SileroSession
from belcoach.audio.languages import check_language
from belcoach.core.errors import ConfigError
from belcoach.models.loader import load_whisper
from belcoach.models.store import ModelStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """Which Whisper model to run and how.

    Attributes:
        name: a registered model name ("base", "tiny.en") or a model directory.
        admin_dir: the IT-supplied model directory, searched first.
        cpu_threads: threads for Whisper; 2 leaves nothing idle on a 2-core
            laptop, which is why transcription is VAD-gated.
        beam_size: 1 (greedy) by default, measured fastest; the wiring
            (``wiring.call.model_choice``) puts the profile's beam here.
        profile: which `DecodeProfile` chose ``beam_size``: live calls
            always run ``LIVE``; calls decoded after the fact may run ``THOROUGH``.
    """

    name: str = "base"
    admin_dir: Path | None = None
    cpu_threads: int = 2
    beam_size: int = 1
    profile: DecodeProfile = DecodeProfile.LIVE


def load_transcriber(
    choice: ModelChoice,
    language: str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> WhisperTranscriber:
    """Resolve, load and warm up the model for ``language``.

    Raises:
        ModelUnavailableError: the model is missing or damaged.
        ConfigError: the language is unknown or the model cannot transcribe it.
    """
    language = check_language(language)
    store = ModelStore(admin_dir=choice.admin_dir)
    path = store.resolve(choice.name, progress=progress)
    sides = side_workers(choice)
    model = load_whisper(path, cpu_threads=max(1, choice.cpu_threads // sides), num_workers=sides)
    if language != "en" and not model.model.is_multilingual:
        raise ConfigError(
            f"model {choice.name!r} is English-only and cannot transcribe {language!r}; "
            "use the multilingual model 'base'"
        )
    options = DecodeOptions(language=language, beam_size=choice.beam_size)
    # Interim words are only shown, never committed: they may take the cheaper windows.
    return WhisperTranscriber(model, options, parallel=sides, interim_policy=SHORT_WINDOWS)


def side_workers(choice: ModelChoice) -> int:
    """How many sides of a call Whisper decodes at once: 2 for ``WHOLE`` with 2+ threads.

    A call decoded whole has two long independent streams. Two decodes of one
    thread each keep both cores busy all the time, where one decode of two
    threads leaves one idle in the decoder's small, serial steps:
    ``benchmarks/cluster.py`` measured 2 workers x 1 thread at 15.45 audio hours
    per hour against 9.95 for 1 x 2 on this 2-core machine. The model's weights
    are shared between the two (CTranslate2 ``num_workers``). Live calls keep one
    decode with every thread: their utterances come one at a time and each must
    be done fast.
    """
    if choice.profile is DecodeProfile.WHOLE and choice.cpu_threads >= 2:
        return 2
    return 1


CallTranscriber = WhisperTranscriber | ChannelTranscriber
"""What runs a call: the live utterance-by-utterance Whisper, or whole sides of a recording."""


def recorded_call_transcriber(
    whisper: WhisperTranscriber, profile: DecodeProfile, read_blocks: BlockReader
) -> CallTranscriber:
    """The transcriber for one recorded call decoded after the fact, as ``profile`` says.

    ``WHOLE`` decodes each side of the call whole (``read_blocks`` streams the
    same file again); the other profiles decode utterance by utterance. Close
    a `ChannelTranscriber` when the call is done.
    """
    if profile is DecodeProfile.WHOLE:
        return ChannelTranscriber(whisper, read_blocks)
    return whisper


SourceFactory = Callable[[Subscriber], AudioSource]
"""Opens a call's audio, given the call's ``publish``: the one way a live source gets the
bus for its device and level events (a file source ignores it)."""


def build_call(
    source: AudioSource,
    transcriber: Transcriber,
    bus: EventBus,
    *,
    language: str,
    model_name: str,
    paced: bool,
    analysers: Sequence[Analyser] | None = None,
    analysis_settings: Mapping[str, Any] | None = None,
    max_transcript_lag: float | None = MAX_TRANSCRIPT_LAG,
) -> CallEngine:
    """Build the engine of one call on ``bus``: THE place a call is put together.

    `run_call` (commands, batch, import) and `CallSession` (the overlay) both
    build their calls here, so a recorded call replayed through either gives
    the same events.

    ``analysers`` defaults to ``default_analysers`` for the call's language,
    configured by ``analysis_settings``: the merged ``[analysis]`` table that
    the caller took from the settings (the engine never reads settings files
    itself, STYLE S3). It is ignored when ``analysers`` are given.

    Raises:
        ConfigError: ``analysis_settings`` has an unknown key or a wrong type.
    """
    if analysers is None:
        analysers = default_analysers(language, analysis_settings)
    config = EngineConfig(
        language=language, model=model_name, paced=paced, max_transcript_lag=max_transcript_lag
    )
    return CallEngine(
        source, transcriber, bus, config, vad_session=SileroSession(), analysers=analysers
    )


def run_call(
    source: AudioSource | SourceFactory,
    transcriber: CallTranscriber,
    *,
    model_name: str,
    paced: bool,
    subscribers: Iterable[Subscriber] = (),
    stop: threading.Event | None = None,
    on_progress: Progress | None = None,
    analysers: Sequence[Analyser] | None = None,
    analysis_settings: Mapping[str, Any] | None = None,
    max_transcript_lag: float | None = MAX_TRANSCRIPT_LAG,
) -> CallEngine:
    """Run one call to its end and return the finished engine (for its stats).

    Args:
        source: the call's audio, or a `SourceFactory` that opens it given the
            call's ``publish`` (live devices report status and levels on it).
        transcriber: the loaded model for the call's language.
        model_name: the model's name, for ``call_started``.
        paced: the source delivers audio in real time (see `EngineConfig`).
        subscribers: receive every event.
        stop: ends the call early when set.
        on_progress: told the audio time reached, for progress bars.
        analysers / analysis_settings: see `build_call`.
        max_transcript_lag: see `EngineConfig`; None never skips speech.

    Raises:
        ConfigError: ``analysis_settings`` has an unknown key or a wrong type.
    """
    bus = EventBus()
    for subscriber in subscribers:
        bus.subscribe(subscriber)
    # A source has ``blocks``; anything else is a factory that opens one on this bus.
    opened = cast(AudioSource, source) if hasattr(source, "blocks") else source(bus.publish)
    engine = build_call(
        opened,
        transcriber,
        bus,
        language=transcriber.options.language,
        model_name=model_name,
        paced=paced,
        analysers=analysers,
        analysis_settings=analysis_settings,
        max_transcript_lag=max_transcript_lag,
    )
    engine.run(stop, on_progress=on_progress)
    return engine
