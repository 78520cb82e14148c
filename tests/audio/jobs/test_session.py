"""The background call runner: status events, stop without waiting, finished notification.

The demo call is the real source here (a slice of it, unpaced or paced);
the transcriber is scripted where the test is about the session's
bookkeeping, and the real Whisper base model runs in the slow test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from belcoach.audio.engine.blocks import AudioBlock, AudioSource
from belcoach.audio.engine.paced import PacedSource
from belcoach.audio.engine.sources import open_call
from belcoach.audio.engine.transcriber import DecodeOptions, WhisperTranscriber
from belcoach.audio.events import CallEnded, CallStarted, Event, Transcript, Word
from belcoach.audio.jobs.run import ModelChoice
from belcoach.audio.jobs.session import CallSession, SessionConfig, TranscriberCache
from belcoach.audio.status import EngineStatus
from belcoach.core.errors import AudioDeviceError, ConfigError, ModelUnavailableError
from belcoach.demo import demo_call_path


class OneWordTranscriber:
    """Says "hallo" for every utterance (the session is under test, not Whisper)."""

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        return [Word("hallo", 0.0, min(0.5, len(audio) / 16000), 0.9)]


class FirstSeconds:
    """The first ``seconds`` of another source."""

    def __init__(self, source: AudioSource, seconds: float) -> None:
        self._source = source
        self._seconds = seconds
        self.description = source.description
        self.duration: float | None = seconds

    def blocks(self, stop: threading.Event) -> Iterator[AudioBlock]:
        for block in self._source.blocks(stop):
            if block.t >= self._seconds:
                return
            yield block


def _collect(session_kwargs: dict[str, object], source_factory, **config) -> tuple:
    events: list[Event] = []
    finished: list[BaseException | None] = []
    done = threading.Event()

    def on_finished(error: BaseException | None) -> None:
        finished.append(error)
        done.set()

    session = CallSession(
        source_factory,
        SessionConfig(language="nl", paced=False, **config),
        subscribers=[events.append],
        on_finished=on_finished,
        **session_kwargs,  # type: ignore[arg-type]
    )
    return session, events, finished, done


def test_a_call_reports_model_loading_ready_and_its_events_then_finishes() -> None:
    loads: list[tuple[ModelChoice, str]] = []

    def loader(choice: ModelChoice, language: str) -> OneWordTranscriber:
        loads.append((choice, language))
        return OneWordTranscriber()

    cache = TranscriberCache(loader)
    session, events, finished, done = _collect(
        {"transcribers": cache}, lambda _publish: FirstSeconds(open_call(demo_call_path()), 8.0)
    )
    session.start()
    assert session.join(60)
    assert done.is_set() and finished == [None]
    codes = [e.code for e in events if isinstance(e, EngineStatus)]
    assert codes[:2] == ["model_loading", "ready"]
    kinds = [type(e) for e in events]
    assert kinds.index(CallStarted) > 1  # status first, then the call
    assert isinstance(events[-1], CallEnded) and events[-1].reason == "end_of_audio"
    assert any(isinstance(e, Transcript) and e.final for e in events)
    assert session.finished and not session.running

    # The second call reuses the loaded model: no loading notice, no second load.
    again, events2, _f, _d = _collect(
        {"transcribers": cache}, lambda _publish: FirstSeconds(open_call(demo_call_path()), 2.0)
    )
    again.start()
    assert again.join(60)
    assert len(loads) == 1
    assert [e.code for e in events2 if isinstance(e, EngineStatus)][:1] == ["ready"]


def test_stop_returns_at_once_and_the_call_ends_as_stopped() -> None:
    cache = TranscriberCache(lambda _c, _l: OneWordTranscriber())
    started = threading.Event()
    session, events, finished, _done = _collect(
        {"transcribers": cache},
        lambda _publish: PacedSource(open_call(demo_call_path()), speed=1.0),
    )
    session._bus.subscribe(lambda e: started.set() if isinstance(e, CallStarted) else None)
    session.start()
    assert started.wait(30)
    session.stop()  # must not block: the call ends on the session's thread
    assert session.join(30)
    assert finished == [None]
    ended = [e for e in events if isinstance(e, CallEnded)]
    assert ended and ended[0].reason == "stopped" and ended[0].t < 30


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (AudioDeviceError("headset: not found"), "device_missing"),
        (ModelUnavailableError("model 'base' is not installed"), "asr_failed"),
    ],
)
def test_failures_become_status_events_and_the_finished_error(error, code) -> None:
    def loader(_c: ModelChoice, _l: str) -> OneWordTranscriber:
        if isinstance(error, ModelUnavailableError):
            raise error
        return OneWordTranscriber()

    def source(_publish) -> AudioSource:
        raise error

    session, events, finished, _done = _collect({"transcribers": TranscriberCache(loader)}, source)
    session.start()
    assert session.join(30)
    assert finished == [error]
    status = [e for e in events if isinstance(e, EngineStatus) and e.level == "error"]
    assert status and status[0].code == code and str(error) in status[0].message
    assert not any(isinstance(e, CallStarted) for e in events)


def test_paced_source_keeps_blocks_and_checks_speed() -> None:
    with pytest.raises(ConfigError, match="speed"):
        PacedSource(open_call(demo_call_path()), speed=50)
    paced = PacedSource(FirstSeconds(open_call(demo_call_path()), 1.0), speed=20.0)
    blocks = list(paced.blocks(threading.Event()))
    assert [round(b.t, 3) for b in blocks] == [round(0.1 * i, 3) for i in range(10)]
    stop = threading.Event()
    stop.set()
    assert list(PacedSource(open_call(demo_call_path()), speed=0.1).blocks(stop)) == []


@pytest.mark.slow
@pytest.mark.whisper
def test_the_demo_call_with_real_whisper_in_the_background(base_model) -> None:
    cache = TranscriberCache(
        lambda _c, language: WhisperTranscriber(base_model, DecodeOptions(language=language))
    )
    session, events, finished, _done = _collect(
        {"transcribers": cache}, lambda _publish: FirstSeconds(open_call(demo_call_path()), 20.0)
    )
    session.start()
    assert session.join(300)
    assert finished == [None]
    finals = [e for e in events if isinstance(e, Transcript) and e.final]
    assert {e.channel for e in finals} == {"agent", "customer"}
