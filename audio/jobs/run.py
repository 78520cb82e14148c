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
from typing import Any

from belcoach.audio.analysis.defaults import default_analysers
from belcoach.audio.bus import EventBus, Subscriber
from belcoach.audio.engine.analysers import Analyser
from belcoach.audio.engine.blocks import AudioSource
from belcoach.audio.engine.engine import CallEngine, EngineConfig, Progress
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber
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
        beam_size: 1 (greedy) by default, measured fastest.
    """

    name: str = "base"
    admin_dir: Path | None = None
    cpu_threads: int = 2
    beam_size: int = 1


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
    model = load_whisper(path, cpu_threads=choice.cpu_threads)
    if language != "en" and not model.model.is_multilingual:
        raise ConfigError(
            f"model {choice.name!r} is English-only and cannot transcribe {language!r}; "
            "use the multilingual model 'base'"
        )
    return WhisperTranscriber(model, DecodeOptions(language=language, beam_size=choice.beam_size))


def run_call(
    source: AudioSource,
    transcriber: WhisperTranscriber,
    *,
    model_name: str,
    paced: bool,
    subscribers: Iterable[Subscriber] = (),
    stop: threading.Event | None = None,
    on_progress: Progress | None = None,
    analysers: Sequence[Analyser] | None = None,
    analysis_settings: Mapping[str, Any] | None = None,
) -> CallEngine:
    """Run one call to its end and return the finished engine (for its stats).

    ``analysers`` defaults to ``default_analysers`` for the call's language,
    configured by ``analysis_settings``: the merged ``[analysis]`` table that
    the caller took from the settings layer (the engine never reads settings
    files itself, STYLE S3). It is ignored when ``analysers`` are given.

    Raises:
        ConfigError: ``analysis_settings`` has an unknown key or a wrong type.
    """
    if analysers is None:
        analysers = default_analysers(transcriber.options.language, analysis_settings)
    bus = EventBus()
    for subscriber in subscribers:
        bus.subscribe(subscriber)
    # Live sources report device status and levels themselves (AudioSource only
    # yields audio); they publish on this call's bus, from the engine thread.
    bind_publish = getattr(source, "bind_publish", None)
    if callable(bind_publish):
        bind_publish(bus.publish)
    config = EngineConfig(language=transcriber.options.language, model=model_name, paced=paced)
    engine = CallEngine(
        source, transcriber, bus, config, vad_session=SileroSession(), analysers=analysers
    )
    engine.run(stop, on_progress=on_progress)
    return engine
